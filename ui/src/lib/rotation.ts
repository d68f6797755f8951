/**
 * A key's rotation status in words, for the list, the details screen and screen readers.
 *
 * Status always comes with words; colour and the symbol only repeat what the words say.
 */
import { formatDate } from './dates';
import type { KeyView, RotationStatus } from './types';

function days(count: number): string {
  return `${count} day${count === 1 ? '' : 's'}`;
}

/** How late, in days for the first two months, then in whole months, then in whole years. */
function lateness(lateDays: number): string {
  if (lateDays <= 60) return days(lateDays);
  const months = Math.floor(lateDays / (365.2425 / 12));
  if (months < 12) return `${months} months`;
  const years = Math.floor(months / 12);
  return years === 1 ? 'over a year' : `over ${years} years`;
}

/**
 * "Rotate now — 12 days overdue", "Rotate within 9 days", "OK — rotate by 26 Feb 2027".
 * `daysUntilDue` is negative when overdue. Past two months late, lateness is said in months
 * ("Rotate now — 4 months overdue"), past a year in years, to stay short and readable.
 */
export function statusText(status: RotationStatus, daysUntilDue: number, rotateBy: string): string {
  switch (status) {
    case 'overdue': {
      const late = Math.max(0, -Math.trunc(daysUntilDue));
      return late === 0 ? 'Rotate now — due today' : `Rotate now — ${lateness(late)} overdue`;
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
