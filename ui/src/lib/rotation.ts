/**
 * A key's rotation status in words, for the list, the details screen and screen readers.
 *
 * Status always comes with words; colour and the symbol only repeat what the words say.
 */
import { durationInWords, formatDate, formatShortDate } from './dates';
import type { KeyView, OrgPolicy, RotationStatus } from './types';
import { flowStatusText } from './vendorKeys';

function days(count: number): string {
  return `${count} day${count === 1 ? '' : 's'}`;
}


/**
 * "Rotate now — 12 days overdue", "Rotate within 9 days", "OK — rotate by 26 Feb 2027".
 * `daysUntilDue` is negative when overdue. Lateness is said as ages are ({@link durationInWords}:
 * "Rotate now — 4 months overdue" past 60 days), the same as on the command line.
 */
export function statusText(status: RotationStatus, daysUntilDue: number, rotateBy: string): string {
  switch (status) {
    case 'overdue': {
      const late = Math.max(0, -Math.trunc(daysUntilDue));
      return late === 0 ? 'Rotate now — due today' : `Rotate now — ${durationInWords(late)} overdue`;
    }
    case 'due_soon': {
      const left = Math.max(0, Math.trunc(daysUntilDue));
      return left === 0 ? 'Rotate today' : `Rotate within ${days(left)}`;
    }
    case 'ok':
      return `OK — rotate by ${formatDate(rotateBy)}`;
  }
}

/** {@link statusText} for a key. */
export function keyStatusText(key: Pick<KeyView, 'status' | 'days_until_due' | 'rotate_by'>): string {
  return statusText(key.status, key.days_until_due, key.rotate_by);
}

/** Short names for the status filter. */
export const STATUS_LABELS: Record<RotationStatus, string> = {
  overdue: 'Rotate now',
  due_soon: 'Rotate soon',
  ok: 'OK',
};

/** A shape that repeats the status for people who do not see colours (hidden from screen readers). */
export const STATUS_SYMBOLS: Record<RotationStatus, string> = {
  overdue: '!',
  due_soon: '◷',
  ok: '✓',
};

// ---------------------------------------------------------------------------------------------
// Replaced and paused keys
// ---------------------------------------------------------------------------------------------

type ReminderFields = Pick<
  KeyView,
  | 'status'
  | 'attention'
  | 'days_until_due'
  | 'rotate_by'
  | 'replaced_by'
  | 'delete_after'
  | 'snoozed_until'
  | 'leaked'
  | 'rotation'
  | 'issuer'
  | 'vendor'
  | 'vendor_display_name'
  | 'vendor_dashboard_url'
  | 'service'
>;

/**
 * Which colour and symbol a status is shown with: a rotation status, "replaced", "leaked", or a
 * vendor rotation waiting for its new key ("in_progress").
 */
export type StatusTone = RotationStatus | 'replaced' | 'leaked' | 'in_progress';

/** A key's status as shown: the words, the colour, and whether its reminders are paused. */
export interface KeyStatus {
  tone: StatusTone;
  /** "Rotate within 9 days", "Replaced — delete after 3 Dec 2026", "Replaced — delete it now". */
  text: string;
  /** "Reminders paused until 27 Nov" while the key's reminders are paused; null otherwise. */
  paused: string | null;
}

function time(value: string | null): number | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Has this key been replaced by a newer one (rotated)? */
export function isReplaced(key: Pick<KeyView, 'replaced_by'>): boolean {
  return key.replaced_by !== null;
}

/**
 * Is it time to delete this replaced key? The back end decides, once for every surface
 * (`attention`, from src-tauri/core/src/attention.rs): from its delete-after date on, or at once
 * for a replaced key without one; never for a key that has not been replaced.
 */
export function deleteIsDue(key: Pick<KeyView, 'attention'>): boolean {
  return key.attention === 'delete';
}

/**
 * Does this key need rotating: due soon, overdue or leaked, and not already replaced? The back
 * end decides (`attention`), as for the tray.
 */
export function needsRotating(key: Pick<KeyView, 'attention'>): boolean {
  return key.attention === 'rotate';
}

/** Until when the key's reminders are paused; null when they are not (or no longer) paused. */
export function pausedUntil(key: Pick<KeyView, 'snoozed_until'>, now: Date = new Date()): Date | null {
  const until = time(key.snoozed_until);
  return until !== null && until > now.getTime() ? new Date(until) : null;
}

/** "Reminders paused until 27 Nov". */
export function pausedText(until: string | Date, now: Date = new Date()): string {
  return `Reminders paused until ${formatShortDate(until, now)}`;
}

/**
 * A key's status in words. A replaced key shows when to delete it instead of its rotation status
 * ("Replaced — delete after 3 Dec 2026", then "Replaced — delete it now"); a leaked key says so
 * first ("Leaked — revoke it at Mailchimp now"), a vendor rotation waiting for its new key says
 * "Rotation in progress"; a key whose reminders are paused says so as well.
 */
export function keyStatus(key: ReminderFields, now: Date = new Date()): KeyStatus {
  const until = pausedUntil(key, now);
  const paused = until ? pausedText(until, now) : null;
  const flow = flowStatusText(key);
  if (key.leaked && flow) return { tone: 'leaked', text: flow, paused };
  if (!isReplaced(key) && flow) return { tone: 'in_progress', text: flow, paused };
  if (isReplaced(key)) {
    if (deleteIsDue(key)) return { tone: 'overdue', text: 'Replaced — delete it now', paused };
    return { tone: 'replaced', text: `Replaced — delete after ${formatDate(key.delete_after ?? '')}`, paused };
  }
  return { tone: key.status, text: keyStatusText(key), paused };
}

/** The symbols of {@link STATUS_SYMBOLS}, plus one for a replaced key. */
export const TONE_SYMBOLS: Record<StatusTone, string> = { ...STATUS_SYMBOLS, replaced: '↻', leaked: '!', in_progress: '…' };

/**
 * What the person should do after rotating a key Keyward made, shown with the new key:
 * "Put the new key into Shop website. The old key keeps working wherever payments-api still
 * accepts it: remove it there and delete it here. Keyward will remind you after 3 Dec 2026."
 * (Deleting in Keyward only removes Keyward's copy, so it never says the old key stops there.)
 */
export function rotatedAdvice(old: Pick<KeyView, 'application' | 'delete_after' | 'service' | 'leaked'>): string {
  const application = old.application?.trim();
  const put = application ? `Put the new key into ${application}.` : 'Put the new key into the application that used the old key.';
  const remove = `The old key keeps working wherever ${old.service} still accepts it: remove it there and delete it here`;
  if (old.leaked) return `${put} The old key leaked: remove it from ${old.service} now and delete it here. Until then it works for anyone who has it.`;
  const after = time(old.delete_after);
  const remind =
    after === null
      ? `${remove} once no application uses it.`
      : `${remove}. Keyward will remind you after ${formatDate(old.delete_after ?? '')}.`;
  return `${put} ${remind}`;
}

/**
 * Why the organisation does not allow pausing a key's reminders for `days`, in the back end's words,
 * or null when it does (the back end checks again, also how often a key was paused at its stage).
 */
export function snoozeRefusal(days: number, policy: Pick<OrgPolicy, 'max_snooze_days' | 'max_snoozes_per_stage'>): string | null {
  if (policy.max_snooze_days === 0 || policy.max_snoozes_per_stage === 0) {
    return 'Your organisation does not allow pausing reminders. Rotate the key to stop them.';
  }
  if (policy.max_snooze_days !== null && days > policy.max_snooze_days) {
    const most = policy.max_snooze_days === 1 ? '1 day' : `${policy.max_snooze_days} days`;
    return `Your organisation allows pausing reminders for at most ${most} at a time.`;
  }
  return null;
}
