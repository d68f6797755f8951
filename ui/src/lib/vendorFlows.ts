/**
 * The steps of editing a key, rotating a vendor key, reporting a leak and deleting, as calls to
 * the back end in the right order. The components show these; this module decides what is sent.
 *
 * Promises: a new vendor gets its profile before a key names it; a vendor key's new secret is
 * sent once, only after its fields pass the checks; a leaked Keyward-issued key gets its
 * replacement at once (no grace period: the back end makes it 0 for a leaked key); deleting a
 * vendor key always says whether it was deleted at the vendor, and a Keyward key never does.
 */
import * as api from './api';
import { keyEditPlan, type KeyEditForm } from './keyEdit';
import type { GeneratedKey, KeyView, VendorView } from './types';
import { isVendorKey } from './vendorKeys';

/** Saves the edit form: the new vendor's profile first when the vendor is new, then the key. */
export async function saveKeyEdit(id: string, form: KeyEditForm, vendors: readonly VendorView[]): Promise<KeyView> {
  const plan = keyEditPlan(id, form, vendors);
  if (plan.newVendor) await api.saveVendor(plan.newVendor);
  return api.editKey(plan.request);
}

/** What the person pasted at step 2 of a vendor rotation. */
export interface NewKeyForm {
  credentialId: string;
  secret: string;
}

export type NewKeyProblems = Partial<Record<keyof NewKeyForm, string>>;

/** Problems with the pasted new key, by field (empty when it can be saved). */
export function newKeyProblems(form: NewKeyForm, old: Pick<KeyView, 'credential_id'>): NewKeyProblems {
  const problems: NewKeyProblems = {};
  const id = form.credentialId.trim();
  if (id === '') problems.credentialId = 'Paste the new key’s credential ID.';
  else if (/\s/.test(id)) problems.credentialId = 'A credential ID has no spaces. Copy it again from the vendor’s dashboard.';
  else if (id === old.credential_id) problems.credentialId = 'This is the old key’s credential ID. Paste the new key’s.';
  if (form.secret === '') problems.secret = 'Paste the new key’s secret.';
  return problems;
}

/** Starts a vendor key's guided rotation (the key then shows "Rotation in progress"). */
export function beginVendorRotation(key: Pick<KeyView, 'id'>): Promise<KeyView> {
  return api.startRotation(key.id);
}

/**
 * Saves the pasted new key: it inherits the old key's service, application, owner and vendor,
 * and the old key becomes "replaced". Answers the NEW key. A rotation that was not started yet
 * (another window cancelled it) is started first.
 */
export async function saveRotatedVendorKey(old: Pick<KeyView, 'id' | 'rotation'>, form: NewKeyForm): Promise<KeyView> {
  if (old.rotation !== 'waiting_for_new_key') await api.startRotation(old.id);
  return api.finishVendorRotation({ id: old.id, credential_id: form.credentialId.trim(), secret: form.secret, name: null });
}

/** What reporting a leak made: the key as it is now, and for a Keyward key its replacement. */
export interface LeakReported {
  key: KeyView;
  /** The Keyward-issued replacement with its secret (show it once); null for a vendor key. */
  replacement: GeneratedKey | null;
}

/**
 * Marks the key as leaked. A vendor key then waits for its new key (revoke at the vendor first);
 * a Keyward-issued key is replaced at once.
 */
export async function reportLeak(key: Pick<KeyView, 'id' | 'issuer' | 'replaced_by'>): Promise<LeakReported> {
  const marked = await api.markLeaked(key.id);
  if (isVendorKey(key) || marked.replaced_by !== null) return { key: marked, replacement: null };
  const replacement = await api.rotateKey(key.id);
  return { key: marked, replacement };
}

/** The answer to "Have you deleted it at the vendor?": null until the person picks one. */
export type VendorDeletion = 'deleted' | 'not_yet' | null;

/** Can Delete be pressed: the name typed exactly, and for a vendor key an answer picked. */
export function canDelete(key: Pick<KeyView, 'name' | 'issuer'>, typed: string, answer: VendorDeletion): boolean {
  return typed === key.name && (!isVendorKey(key) || answer !== null);
}

/** Deletes the key, telling the back end what the person said about the vendor (for the audit log). */
export async function deleteKeyAnswering(key: Pick<KeyView, 'id' | 'issuer'>, typed: string, answer: VendorDeletion): Promise<void> {
  const revokedAtVendor = isVendorKey(key) ? answer === 'deleted' : null;
  if (isVendorKey(key) && answer === null) throw new Error('a vendor key is deleted only once the person answered');
  await api.deleteKey(key.id, typed, revokedAtVendor);
}
