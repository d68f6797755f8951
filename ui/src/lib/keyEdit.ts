/**
 * The edit form of a key (application, notes, owner, vendor) and of a vendor's profile
 * (display name, dashboard address, notes): checks in plain words before anything is sent, and
 * the requests sent. The back end checks again; its words are shown when it refuses.
 *
 * Promises: a problem names the field and says how to fix it; nothing here edits a secret or a
 * credential ID (a different secret is a new key); a vendor typed the way people write it
 * ("Mailchimp") finds its profile by name or display name, ignoring case, and a new vendor is
 * given a profile with the name as typed for display.
 */
import type { EditRequest, KeyView, VendorRequest, VendorView } from './types';

/** Longest application name, owner and vendor display name (as the back end allows). */
export const LABEL_MAX = 100;
/** Longest notes. */
export const NOTES_MAX = 2000;
/** Longest vendor name (as a service name). */
export const VENDOR_MAX = 64;

/** What the person typed in the key's edit form. */
export interface KeyEditForm {
  application: string;
  notes: string;
  owner: string;
  vendor: string;
}

export type KeyEditProblems = Partial<Record<keyof KeyEditForm, string>>;

// Control, zero-width and text-direction characters: never in a name (as the back end refuses).
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The form filled from the key as it is. */
export function keyEditForm(key: Pick<KeyView, 'application' | 'notes' | 'owner' | 'vendor' | 'vendor_display_name'>): KeyEditForm {
  return {
    application: key.application ?? '',
    notes: key.notes,
    owner: key.owner ?? '',
    vendor: key.vendor_display_name ?? key.vendor ?? '',
  };
}

function tooLong(what: string, text: string, max: number): string | null {
  return [...text].length > max ? `${what} can be at most ${max} characters long.` : null;
}

function hidden(what: string, text: string, multiline = false): string | null {
  const checked = multiline ? text.replace(/[\n\t]/g, ' ') : text;
  return INVISIBLE.test(checked) ? `${what} has an invisible or control character. Type it again without copying it from elsewhere.` : null;
}

/** Why the owner cannot be used, or null: a person's name, or an email address. */
export function ownerProblem(typed: string): string | null {
  const owner = typed.trim();
  if (owner === '') return null;
  const problem = tooLong('The owner', owner, LABEL_MAX) ?? hidden('The owner', owner);
  if (problem) return problem;
  if (owner.includes('@')) {
    return EMAIL.test(owner) ? null : 'That is not a complete email address. Type one like sam@example.com, or type the person’s name.';
  }
  return /\p{L}/u.test(owner) ? null : 'Type the name or the email address of the person responsible for this key.';
}

/**
 * The vendor's profile name for what the person typed ("Stripe Payments" → `stripe-payments`),
 * the way a service name is made; null when nothing usable was typed.
 */
export function vendorSlug(typed: string): string | null {
  let slug = '';
  for (const c of typed.toLowerCase()) {
    if (/[a-z0-9_.]/.test(c)) slug += c;
    else if (!slug.endsWith('-')) slug += '-';
  }
  slug = slug.replace(/^[-_.]+|[-_.]+$/g, '');
  return slug === '' ? null : slug;
}

/** The known vendor the person means: by profile name or display name, ignoring case and spaces. */
export function findVendor(typed: string, vendors: readonly VendorView[]): VendorView | null {
  const text = typed.trim().toLowerCase();
  if (text === '') return null;
  const slug = vendorSlug(typed);
  return (
    vendors.find((v) => v.display_name.trim().toLowerCase() === text || v.name === text) ??
    vendors.find((v) => slug !== null && v.name === slug) ??
    null
  );
}

/** Why the vendor cannot be used, or null (empty means "no vendor"). */
export function vendorProblem(typed: string): string | null {
  const vendor = typed.trim();
  if (vendor === '') return null;
  const problem = tooLong('The vendor', vendor, VENDOR_MAX) ?? hidden('The vendor', vendor);
  if (problem) return problem;
  return vendorSlug(vendor) === null ? 'Type the vendor’s name with letters or digits, for example Mailchimp.' : null;
}

/** Every problem of the form, by field (empty when it can be saved). */
export function keyEditProblems(form: KeyEditForm): KeyEditProblems {
  const problems: KeyEditProblems = {};
  const application = form.application.trim();
  const app = tooLong('The application name', application, LABEL_MAX) ?? hidden('The application name', application);
  if (app) problems.application = app;
  const notes = tooLong('Notes', form.notes, NOTES_MAX) ?? hidden('Notes', form.notes, true);
  if (notes) problems.notes = notes;
  const owner = ownerProblem(form.owner);
  if (owner) problems.owner = owner;
  const vendor = vendorProblem(form.vendor);
  if (vendor) problems.vendor = vendor;
  return problems;
}

/** The fields in the order they are shown, for focusing the first problem. */
export const KEY_EDIT_FIELDS: readonly (keyof KeyEditForm)[] = ['application', 'owner', 'vendor', 'notes'];

/** What saving the form sends: a new vendor's profile first (when the vendor is new), then the edit. */
export interface KeyEditPlan {
  newVendor: VendorRequest | null;
  request: EditRequest;
}

export function keyEditPlan(id: string, form: KeyEditForm, vendors: readonly VendorView[]): KeyEditPlan {
  const typedVendor = form.vendor.trim();
  const known = findVendor(typedVendor, vendors);
  const slug = typedVendor === '' ? null : (known?.name ?? vendorSlug(typedVendor));
  const newVendor =
    slug !== null && known === null ? { name: slug, display_name: typedVendor, dashboard_url: null, notes: '' } : null;
  return {
    newVendor,
    request: {
      id,
      application: form.application.trim() || null,
      notes: form.notes.trim(),
      owner: form.owner.trim() || null,
      vendor: slug,
    },
  };
}

/** Has the person changed anything? */
export function keyEditChanged(before: KeyEditForm, after: KeyEditForm): boolean {
  return (Object.keys(before) as (keyof KeyEditForm)[]).some((field) => before[field].trim() !== after[field].trim());
}

// ---------------------------------------------------------------------------------------------
// A vendor's profile
// ---------------------------------------------------------------------------------------------

/** What the person typed in a vendor's profile. */
export interface VendorForm {
  displayName: string;
  dashboardUrl: string;
  notes: string;
}

export type VendorProblems = Partial<Record<keyof VendorForm, string>>;

export function vendorForm(vendor: VendorView | null, fallbackName: string): VendorForm {
  return {
    displayName: vendor?.display_name ?? fallbackName,
    dashboardUrl: vendor?.dashboard_url ?? '',
    notes: vendor?.notes ?? '',
  };
}

/**
 * The dashboard address to save: `https://` added when the person typed none
 * ("admin.mailchimp.com" → "https://admin.mailchimp.com"); null when left empty.
 */
export function dashboardAddress(typed: string): string | null {
  const text = typed.trim();
  if (text === '') return null;
  return /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
}

/** Why the dashboard address cannot be used, or null. Only secure (https) addresses are kept. */
export function dashboardProblem(typed: string): string | null {
  const address = dashboardAddress(typed);
  if (address === null) return null;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'That is not a web address. Copy the address of the vendor’s dashboard from your browser, for example https://dashboard.stripe.com/apikeys.';
  }
  if (url.protocol !== 'https:') {
    return 'The dashboard address must be a secure address, starting with https://.';
  }
  if (!url.hostname.includes('.') || /\s/.test(address)) {
    return 'That is not a complete web address. Copy it from your browser’s address bar, for example https://dashboard.stripe.com/apikeys.';
  }
  return null;
}

export function vendorProblems(form: VendorForm): VendorProblems {
  const problems: VendorProblems = {};
  const name = form.displayName.trim();
  const display =
    name === ''
      ? 'Type the vendor’s name as people know it, for example Mailchimp.'
      : (tooLong('The name', name, LABEL_MAX) ?? hidden('The name', name));
  if (display) problems.displayName = display;
  const dashboard = dashboardProblem(form.dashboardUrl);
  if (dashboard) problems.dashboardUrl = dashboard;
  const notes = tooLong('Notes', form.notes, NOTES_MAX) ?? hidden('Notes', form.notes, true);
  if (notes) problems.notes = notes;
  return problems;
}

export function vendorRequest(name: string, form: VendorForm): VendorRequest {
  return {
    name,
    display_name: form.displayName.trim(),
    dashboard_url: dashboardAddress(form.dashboardUrl),
    notes: form.notes.trim(),
  };
}
