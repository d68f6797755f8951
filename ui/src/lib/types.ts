/**
 * The shapes that cross between the UI and Keyward's back end.
 *
 * Written by hand for now, to the agreed contract. Later these will be generated from the Rust
 * types into `./bindings/` and this module will only re-export them, so the names here are the
 * ones the rest of the UI imports. They are the names of the Rust types (`KeyView`, `NameCheck`,
 * `GenerateRequest`, `GeneratedKey`, `AddRequest`, `Copied`, `AppStatus`, `IpcError`). Every field
 * is snake_case, exactly as the back end sends it.
 */

/** Where a key stands against the "rotate at least every three months" rule. */
export type RotationStatus = 'ok' | 'due_soon' | 'overdue';

/** One key as the list and the details screen show it. Never contains the secret. */
export interface KeyView {
  id: string;
  name: string;
  service: string;
  application: string | null;
  credential_id: string;
  notes: string;
  /** RFC 3339. */
  created_at: string;
  /** RFC 3339: created_at plus three calendar months. */
  rotate_by: string;
  age_days: number;
  status: RotationStatus;
  /** Negative when the key is overdue. */
  days_until_due: number;
  /** RFC 3339, or null when never copied. */
  last_copied_at: string | null;
  /** RFC 3339, or null when never shown. */
  last_revealed_at: string | null;
}

/** Answer of `check_name`: `message` says in plain words what is wrong when `ok` is false. */
export interface NameCheck {
  ok: boolean;
  message: string | null;
}

/** What the person asked for on the Generate screen. Null fields let the back end decide. */
export interface GenerateRequest {
  service: string;
  application: string | null;
  name: string | null;
  notes: string | null;
}

/** A key just generated: the only time the back end sends a secret without being asked. */
export interface GeneratedKey {
  key: KeyView;
  secret: string;
}

/** An existing key the person types in. `created` is `YYYY-MM-DD`. */
export interface AddRequest {
  service: string;
  application: string | null;
  name: string | null;
  credential_id: string;
  secret: string;
  created: string | null;
  notes: string | null;
}

/** Answer of `copy_secret`: the back end clears the clipboard after this many seconds. */
export interface Copied {
  clear_after_seconds: number;
}

/** How the OS keychain answered when Keyward last asked. */
export type KeychainState = 'ok' | 'locked' | 'unavailable' | 'timeout' | 'denied' | 'error';

/** Answer of `app_status`, asked once at start. */
export interface AppStatus {
  keychain: KeychainState;
  keychain_message: string | null;
  /** Names of keys whose unfinished create or delete was cleaned up at start. */
  recovered: string[];
}

/** Every error code the back end may send. */
export const ERROR_CODES = [
  'invalid_input',
  'name_taken',
  'not_found',
  'keychain_locked',
  'keychain_unavailable',
  'keychain_timeout',
  'keychain_denied',
  'keychain_error',
  'catalog_unreadable',
  'io',
  'rng',
  'busy',
  'clipboard',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What a rejected command carries. */
export interface IpcError {
  code: ErrorCode;
  message: string;
}
