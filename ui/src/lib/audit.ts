/**
 * The activity log in plain words: "Secret copied", "Key deleted", "Team channel message failed:
 * the chat service did not answer".
 *
 * Promises: every entry gets words, also an action this version does not know (from a newer
 * back end); the detail the back end adds is kept as text and shown under the words, except for
 * a reminder not shown or a failed team-channel message, where it is the reason and follows the
 * words.
 */
import { formatDateTime } from './dates';
import type { AuditAction, AuditEntry } from './types';

export const AUDIT_WORDS: Record<AuditAction, string> = {
  generated: 'Key generated',
  added: 'Existing key added',
  copied: 'Secret copied',
  revealed: 'Secret shown',
  rotated: 'Key rotated',
  deleted: 'Key deleted',
  reminder_sent: 'Reminder sent',
  reminder_failed: 'Reminder not shown',
  webhook_sent: 'Team channel message sent',
  webhook_failed: 'Team channel message failed',
  settings_changed: 'Setting changed',
  snoozed: 'Reminders paused',
  edited: 'Key details changed',
  marked_leaked: 'Marked as leaked',
  rotation_started: 'Rotation started',
  rotation_cancelled: 'Rotation cancelled',
  vendor_saved: 'Vendor details saved',
  leak_found: 'Secret found by a leak check',
  backed_up: 'Encrypted backup saved',
  restored: 'Put back from a backup',
  shared: 'Key shared with a colleague',
  received: 'Key added from a shared file',
  team_shared: 'Key shared with the team',
  team_copied: 'Shared key copied from the team vault',
  team_secret_copied: "Shared key's secret copied from the team vault",
  team_rotated: 'Shared key rotated in the team vault',
  team_unshared: 'Shared key deleted from the team vault',
};

/** Is this entry about something that went wrong (shown in the error colour)? */
export function isProblem(entry: Pick<AuditEntry, 'action'>): boolean {
  return entry.action === 'webhook_failed' || entry.action === 'reminder_failed' || entry.action === 'leak_found';
}

/** The entry as a title and an optional detail line. */
export function auditWords(entry: Pick<AuditEntry, 'action' | 'detail'>): { title: string; detail: string | null } {
  const words = (AUDIT_WORDS as Record<string, string | undefined>)[entry.action] ?? 'Other activity';
  const detail = entry.detail?.trim() || null;
  if (entry.action === 'webhook_failed' || entry.action === 'reminder_failed') return { title: detail ? `${words}: ${detail}` : words, detail: null };
  return { title: words, detail };
}

/** What the entry is about: the key's name, or "All keys" when it is not about one key. */
export function auditSubject(entry: Pick<AuditEntry, 'key_id' | 'key_name'>): string {
  if (entry.key_name?.trim()) return entry.key_name;
  return entry.key_id ? 'A key that no longer exists' : 'All keys';
}

/** Who did it and where: "by sam on desk-7"; null for entries written before Keyward noted it. */
export function auditWho(entry: Pick<AuditEntry, 'user' | 'computer'>): string | null {
  const user = entry.user?.trim();
  const computer = entry.computer?.trim();
  if (!user && !computer) return null;
  if (!computer) return `by ${user}`;
  return user ? `by ${user} on ${computer}` : `on ${computer}`;
}

/** The entry read as one sentence, for screen readers: "26 Nov 2026 at 09:05: Secret copied, maps-…". */
export function auditSentence(entry: AuditEntry): string {
  const { title, detail } = auditWords(entry);
  const who = auditWho(entry);
  return `${formatDateTime(entry.at)}: ${title}${detail ? ` (${detail})` : ''}, ${auditSubject(entry)}${who ? `, ${who}` : ''}`;
}

/** The kinds of activity the Activity screen can show on their own. */
export type AuditFilter = 'all' | 'secrets' | 'changes' | 'reminders';

export const AUDIT_FILTERS: Record<AuditFilter, { label: string; actions: readonly AuditAction[] | null }> = {
  all: { label: 'All activity', actions: null },
  secrets: { label: 'Secrets copied, shown or found by a leak check', actions: ['copied', 'revealed', 'leak_found', 'team_shared', 'team_copied', 'team_secret_copied'] },
  changes: {
    label: 'Keys made, changed, rotated or deleted, and settings',
    actions: ['generated', 'added', 'edited', 'rotated', 'rotation_started', 'rotation_cancelled', 'marked_leaked', 'deleted', 'vendor_saved', 'settings_changed', 'backed_up', 'restored', 'shared', 'received', 'team_rotated', 'team_unshared'],
  },
  reminders: { label: 'Reminders, pauses and team channel messages', actions: ['reminder_sent', 'reminder_failed', 'snoozed', 'webhook_sent', 'webhook_failed'] },
};

/** Is the entry of the kind the filter shows? */
export function inFilter(entry: Pick<AuditEntry, 'action'>, filter: AuditFilter): boolean {
  const actions = AUDIT_FILTERS[filter].actions;
  return actions === null || actions.includes(entry.action);
}

/** The entries of one kind, in the order given. */
export function filterAudit<T extends Pick<AuditEntry, 'action'>>(entries: readonly T[], filter: AuditFilter): T[] {
  return entries.filter((entry) => inFilter(entry, filter));
}

/**
 * What choosing an entry about a key that no longer exists says (the entry cannot open it):
 * when it was deleted, from the log's own "Key deleted" entry, or that it is gone.
 */
export function goneKeyNotice(entries: readonly Pick<AuditEntry, 'action' | 'key_id' | 'at'>[], entry: Pick<AuditEntry, 'key_id' | 'key_name'>): string {
  const deleted = entry.key_id ? entries.find((e) => e.action === 'deleted' && e.key_id === entry.key_id) : undefined;
  const name = entry.key_name?.trim();
  if (deleted && name) return `${name} was deleted on ${formatDateTime(deleted.at)}, so it cannot be opened.`;
  if (deleted) return `This key was deleted on ${formatDateTime(deleted.at)}, so it cannot be opened.`;
  return 'This key is no longer in Keyward, so it cannot be opened.';
}
