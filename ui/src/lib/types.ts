/**
 * The shapes that cross between the UI and Keyward's back end.
 *
 * The data types are generated from the Rust types into `./bindings/` (a Rust test fails when
 * they drift); this module re-exports them under the names the rest of the UI imports, and adds
 * the few narrower types the UI relies on. Every field is snake_case, exactly as sent.
 */
import type { AppStatus } from './bindings/AppStatus';

export type { AddRequest } from './bindings/AddRequest';
export type { AppStatus } from './bindings/AppStatus';
export type { Copied } from './bindings/Copied';
export type { GenerateRequest } from './bindings/GenerateRequest';
export type { GeneratedKey } from './bindings/GeneratedKey';
export type { KeyView } from './bindings/KeyView';
export type { NameCheck } from './bindings/NameCheck';
export type { RotationStatus } from './bindings/RotationStatus';

/** How the OS keychain answered when Keyward last asked. */
export type KeychainState = AppStatus['keychain'];

/**
 * Every error code the back end may send. A Rust test pins this list against the codes the
 * back end can produce.
 */
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

/** What a rejected command carries (the generated `IpcError`, with `code` narrowed). */
export interface IpcError {
  code: ErrorCode;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Declared here until the Rust side generates them into ./bindings/ (then re-export them from
// there under the same names and delete these declarations). They follow the agreed contract.
// ---------------------------------------------------------------------------------------------

/** How messages to the team channel are shaped. Not yet in bindings/ (Rust `WebhookFormat`). */
export type WebhookFormat = 'slack' | 'teams' | 'json';

/** Everything a person can set. Not yet in bindings/ (Rust `Settings`). */
export interface Settings {
  /** Calendar months a key may be used (1–24; the guidance is at most 3). */
  rotation_months: number;
  /** Days before the due date when reminders start (1–60). */
  lead_time_days: number;
  /** Days between repeated reminders while a key is overdue (1–60). */
  repeat_days: number;
  /** Days a replaced key is kept before Keyward reminds you to delete it (1–90). */
  grace_days: number;
  /** Desktop notifications on or off. */
  notifications: boolean;
  /** Start Keyward in the background at login. */
  start_at_login: boolean;
  /** Seconds before a copied secret is cleared from the clipboard (5–600). */
  clipboard_clear_seconds: number;
  webhook_format: WebhookFormat;
  webhook_include_credential_ids: boolean;
}

/** What the activity log records. Not yet in bindings/. */
export type AuditAction =
  | 'generated'
  | 'added'
  | 'copied'
  | 'revealed'
  | 'rotated'
  | 'deleted'
  | 'reminder_sent'
  | 'webhook_sent'
  | 'webhook_failed';

/** One line of the activity log, newest first. Not yet in bindings/. */
export interface AuditEntry {
  /** When, RFC 3339. */
  at: string;
  action: AuditAction;
  /** The key it is about, if any (the key may since have been deleted). */
  key_id: string | null;
  /** The key's name at the time, kept after the key is deleted. */
  key_name: string | null;
  /** More about it, in words (for example why a message failed). */
  detail: string | null;
}

/** The team channel as the window may see it: never its address. Not yet in bindings/. */
export interface WebhookStatus {
  configured: boolean;
  format: WebhookFormat;
  include_credential_ids: boolean;
  /** Why the last message failed, if it did. */
  last_error: string | null;
}

/** The answer to "Send test message". Not yet in bindings/. */
export interface WebhookTest {
  delivered: boolean;
  message: string;
}

/** The file formats of a report. Not yet in bindings/. */
export type ReportFormat = 'csv' | 'json';

/** How long a reminder can be paused, in days. */
export type SnoozeDays = 1 | 7;

/** Payload of the `open-key` event: a clicked desktop notification asks to open this key. */
export interface OpenKeyEvent {
  id: string;
}
