/**
 * Keys a vendor issued, in words: who issued a key, where its dashboard is, the steps of a
 * vendor rotation, and what deleting or a leak means for it.
 *
 * Promises: nothing here says Keyward can make, revoke or delete a key at a vendor (it cannot);
 * every step names the vendor the way the person named it; a step that needs the vendor's
 * dashboard says where to go in words when Keyward does not know the address.
 */
import { formatDate } from './dates';
import type { KeyView, RotationStep } from './types';

type IssuerFields = Pick<KeyView, 'issuer' | 'vendor' | 'vendor_display_name' | 'vendor_dashboard_url' | 'service'>;

/** Was this key issued by a vendor (not made by Keyward)? */
export function isVendorKey(key: Pick<KeyView, 'issuer'>): boolean {
  return key.issuer === 'vendor';
}

/**
 * The vendor's name as people know it: the profile's display name, else the profile's name,
 * else the key's service ("Mailchimp", "stripe").
 */
export function vendorLabel(key: IssuerFields): string {
  return key.vendor_display_name?.trim() || key.vendor?.trim() || key.service;
}

/** "Mailchimp's" (and "Stripe Payments'" for a name ending in s). */
export function possessive(name: string): string {
  return /s$/i.test(name) ? `${name}'` : `${name}'s`;
}

/** Does Keyward know the vendor's dashboard address (so it can offer a button)? */
export function hasDashboard(key: Pick<KeyView, 'vendor_dashboard_url'>): boolean {
  return (key.vendor_dashboard_url ?? '').trim() !== '';
}

/** The dashboard button's words: "Open Mailchimp's dashboard". */
export function openDashboardLabel(key: IssuerFields): string {
  return `Open ${possessive(vendorLabel(key))} dashboard`;
}

/**
 * Where to go when there is no dashboard button: "Keyward does not know the address of
 * Mailchimp's dashboard. Sign in to Mailchimp's website and look for its API keys page."
 */
export function dashboardInWords(key: IssuerFields): string {
  const vendor = vendorLabel(key);
  return `Keyward does not know the address of ${possessive(vendor)} dashboard. Sign in to ${possessive(vendor)} website and look for its API keys page.`;
}

/** Where the person is in a rotation, read from the key. */
export type RotationStage = 'not_started' | RotationStep;

export function rotationStage(key: Pick<KeyView, 'rotation'>): RotationStage {
  return key.rotation ?? 'not_started';
}

/** Is a rotation started and not finished (the key shows "Rotation in progress")? */
export function rotationInProgress(key: Pick<KeyView, 'rotation'>): boolean {
  return key.rotation !== null;
}

/** One step of a vendor rotation, as the guided flow shows it. */
export interface RotationStepView {
  /** Which step: the dashboard, pasting the new key, removing the old key. */
  kind: 'dashboard' | 'paste' | 'remove';
  /** The step's heading. */
  title: string;
  /** What to do, in one or two sentences. */
  text: string;
  /** Done, the one to do now, or still to come. */
  state: 'done' | 'now' | 'later';
}

type StepFields = IssuerFields & Pick<KeyView, 'rotation' | 'leaked' | 'application' | 'delete_after' | 'credential_id'>;

function usedBy(key: Pick<KeyView, 'application'>): string {
  return key.application?.trim() || 'the application that uses it';
}

/**
 * The guided rotation of a vendor key, three steps. For a leaked key the first step is to revoke
 * it at the vendor now, before anything else; otherwise it is to open the vendor's dashboard.
 */
export function vendorRotationSteps(key: StepFields, now: Date = new Date()): RotationStepView[] {
  const vendor = vendorLabel(key);
  const their = possessive(vendor);
  const stage = rotationStage(key);
  const pasted = stage === 'waiting_for_old_key_removal';
  const first: RotationStepView = key.leaked
    ? {
        kind: 'dashboard',
        title: `Revoke it at ${vendor} now`,
        text: `Anyone who has this key can use it until ${vendor} stops accepting it. Sign in to ${their} dashboard now and delete or revoke the key whose credential ID is ${key.credential_id}.`,
        state: pasted ? 'done' : 'now',
      }
    : {
        kind: 'dashboard',
        title: `Open ${their} dashboard`,
        text: `Sign in where ${vendor} lets you make API keys.`,
        state: pasted ? 'done' : 'now',
      };
  return [
    first,
    {
      kind: 'paste',
      title: 'Generate a new key there, then paste it here',
      text: `Make a new key in ${their} dashboard and paste its credential ID and secret below. The new key gets this key's service, application and owner.`,
      state: pasted ? 'done' : 'now',
    },
    {
      kind: 'remove',
      title: `Delete the old key in ${their} dashboard, then here`,
      text: removeOldText(key, now),
      state: pasted ? 'now' : 'later',
    },
  ];
}

/** The last step's words: when to delete the old key, at the vendor and then in Keyward. */
export function removeOldText(key: StepFields, now: Date = new Date()): string {
  const vendor = vendorLabel(key);
  const their = possessive(vendor);
  if (key.leaked) {
    return `The old key leaked: do not wait. Once it is deleted in ${their} dashboard, delete it here too.`;
  }
  const after = key.delete_after ? Date.parse(key.delete_after) : Number.NaN;
  const when =
    Number.isNaN(after) || after <= now.getTime()
      ? `Once ${usedBy(key)} works with the new key, delete the old key`
      : `Once ${usedBy(key)} works with the new key, and by ${formatDate(key.delete_after ?? '')}, delete the old key`;
  return `${when} in ${their} dashboard, then here. It keeps working at ${vendor} until it is deleted there.`;
}

/**
 * What a replaced key's notice says about the old key, truthfully: it keeps working where it is
 * accepted (at the vendor, or at the organisation's own service) until it is removed there;
 * deleting it in Keyward only removes Keyward's copy.
 */
export function replacedKeyText(key: StepFields & Pick<KeyView, 'replaced_by'>, now: Date = new Date()): string {
  if (isVendorKey(key)) return `This old key keeps working at ${vendorLabel(key)} until you delete it there. ${removeOldText(key, now)}`;
  const app = usedBy(key);
  const after = key.delete_after ? Date.parse(key.delete_after) : Number.NaN;
  const remind = Number.isNaN(after) || after <= now.getTime() ? '' : ` Keyward will remind you after ${formatDate(key.delete_after ?? '')}.`;
  return `This old key keeps working wherever ${key.service} still accepts it. Once ${app} works with the new key, remove the old key from ${key.service} and delete it here.${remind}`;
}

/** The delete dialog's explanation: what Keyward deletes, and what it cannot. */
export interface DeleteWording {
  /** What deleting in Keyward does. */
  what: string;
  /** What stays true afterwards (the key still works where it is accepted). */
  still: string;
  /** For a vendor key, the question whether it was deleted at the vendor; null otherwise. */
  question: string | null;
}

export function deleteWording(key: IssuerFields & Pick<KeyView, 'leaked'>): DeleteWording {
  const what =
    'Keyward removes its own copy: the secret in your keychain and the key in its list. This cannot be undone: Keyward cannot show you the secret again.';
  if (!isVendorKey(key)) {
    return {
      what,
      still: `If ${key.service} still accepts this key, remove it there too: until then the key keeps working for anyone who has it, and any application that uses it keeps working.`,
      question: null,
    };
  }
  const vendor = vendorLabel(key);
  return {
    what,
    still: key.leaked
      ? `This key leaked. Deleting it here does not stop it: it keeps working at ${vendor} until it is deleted or revoked in ${possessive(vendor)} dashboard.`
      : `The key keeps working at ${vendor} until it is deleted or revoked in ${possessive(vendor)} dashboard. Keyward cannot do that for you.`,
    question: `Have you deleted or revoked it in ${possessive(vendor)} dashboard?`,
  };
}

/** How a leak is handled, shown before the person confirms "This key leaked". */
export function leakSteps(key: IssuerFields & Pick<KeyView, 'application'>): string[] {
  if (!isVendorKey(key)) {
    return [
      'Keyward marks the key as leaked and makes a new key at once.',
      `Put the new key into ${usedBy(key)}.`,
      `Remove the old key from ${key.service} now and delete it here: there is no waiting period for a leaked key.`,
    ];
  }
  const vendor = vendorLabel(key);
  return [
    `Revoke the key at ${vendor} now, in ${possessive(vendor)} dashboard: only ${vendor} can stop it from working.`,
    `Generate a new key there and paste it into Keyward.`,
    `Put the new key into ${usedBy(key)}, then delete the old key here: there is no waiting period for a leaked key.`,
  ];
}

/** What the key's status badge says about a leak or a rotation in progress; null when neither. */
export function flowStatusText(key: IssuerFields & Pick<KeyView, 'leaked' | 'rotation' | 'replaced_by'>): string | null {
  if (key.leaked) {
    if (key.replaced_by !== null || key.rotation === 'waiting_for_old_key_removal') return 'Leaked — replaced, delete it now';
    return isVendorKey(key) ? `Leaked — revoke it at ${vendorLabel(key)} now` : 'Leaked — replace it now';
  }
  if (key.rotation === 'waiting_for_new_key') return 'Rotation in progress — paste the new key';
  return null;
}
