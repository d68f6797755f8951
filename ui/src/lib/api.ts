/**
 * The one module that talks to Keyward's back end.
 *
 * Every back-end command has one typed function here, and nothing else in the UI imports
 * `invoke`. Each command takes a single argument object whose fields are snake_case. A failed
 * command rejects with a {@link IpcError}; turn it into words with `explainError` from
 * `./errors`.
 *
 * The {@link Commands} table ties each command name to its argument and answer types, so a
 * misspelt name or a wrong argument is a compile error rather than a runtime surprise.
 */
import { invoke } from '@tauri-apps/api/core';
import type {
  AddRequest,
  AppStatus,
  Copied,
  GenerateRequest,
  GeneratedKey,
  KeyView,
  NameCheck,
} from './types';

/** Command name → its argument object and its answer. Mirrors the back end's command list. */
export interface Commands {
  list_keys: { args: Record<string, never>; answer: KeyView[] };
  suggest_name: { args: { service: string }; answer: string };
  check_name: { args: { name: string }; answer: NameCheck };
  generate_key: { args: { request: GenerateRequest }; answer: GeneratedKey };
  add_key: { args: { request: AddRequest }; answer: KeyView };
  reveal_secret: { args: { id: string }; answer: string };
  copy_secret: { args: { id: string }; answer: Copied };
  copy_credential_id: { args: { id: string }; answer: null };
  delete_key: { args: { id: string; confirm_name: string }; answer: null };
  app_status: { args: Record<string, never>; answer: AppStatus };
}

export type CommandName = keyof Commands;

function call<C extends CommandName>(command: C, args: Commands[C]['args']): Promise<Commands[C]['answer']> {
  return invoke<Commands[C]['answer']>(command, args);
}

/** All keys, with their age and rotation status worked out by the back end. Never touches the keychain. */
export function listKeys(): Promise<KeyView[]> {
  return call('list_keys', {});
}

/**
 * A name for a new key following the convention `<service>-<dd_mm_yyyy>-<hh_mm>`, using the
 * local time now. The back end turns what the person typed into a slug (lowercase, spaces → `-`).
 * Rejects with `invalid_input` when the service cannot be used in a name.
 */
export function suggestName(service: string): Promise<string> {
  return call('suggest_name', { service });
}

/** Whether `name` can be used for a new key; when not, `message` says why in plain words. */
export function checkName(name: string): Promise<NameCheck> {
  return call('check_name', { name });
}

/**
 * Creates a new key (credential ID and secret) and stores the secret in the keychain.
 * The answer carries the secret: show it once and forget it.
 */
export function generateKey(request: GenerateRequest): Promise<GeneratedKey> {
  return call('generate_key', { request });
}

/** Stores a key the person already has. The secret goes to the keychain; the answer has no secret. */
export function addKey(request: AddRequest): Promise<KeyView> {
  return call('add_key', { request });
}

/** The key's secret, read from the keychain. Only call this when the person asks to see it. */
export function revealSecret(id: string): Promise<string> {
  return call('reveal_secret', { id });
}

/**
 * Puts the key's secret on the clipboard without sending it to the UI. The back end clears the
 * clipboard after `clear_after_seconds`.
 */
export function copySecret(id: string): Promise<Copied> {
  return call('copy_secret', { id });
}

/** Puts the key's credential ID on the clipboard. */
export async function copyCredentialId(id: string): Promise<void> {
  await call('copy_credential_id', { id });
}

/**
 * Deletes the key and its secret permanently. `confirmName` is what the person typed to confirm;
 * the back end refuses unless it is exactly the key's name.
 */
export async function deleteKey(id: string, confirmName: string): Promise<void> {
  await call('delete_key', { id, confirm_name: confirmName });
}

/** How the keychain answers, and which unfinished changes were cleaned up at start. */
export function appStatus(): Promise<AppStatus> {
  return call('app_status', {});
}
