/**
 * Dates and ages in the words the UI shows: "26 Feb 2027", "4 months".
 *
 * Dates are shown in the computer's local time zone. The formats are fixed (day, short month,
 * year) rather than taken from the system locale, so that "26 Feb 2027" reads the same for
 * everyone and cannot be mistaken for 2 June.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function toDate(value: string | Date): Date | null {
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "26 Feb 2027" in local time; "unknown date" for an unreadable value. */
export function formatDate(value: string | Date): string {
  const date = toDate(value);
  if (!date) return 'unknown date';
  return `${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()}`;
}

/**
 * "27 Nov" when the date falls in the same (local) year as `now`, "27 Nov 2027" otherwise; for
 * dates close to today, where the year only adds noise.
 */
export function formatShortDate(value: string | Date, now: Date = new Date()): string {
  const date = toDate(value);
  if (!date) return 'unknown date';
  return date.getFullYear() === now.getFullYear() ? `${date.getDate()} ${MONTHS[date.getMonth()]}` : formatDate(date);
}

/** "26 Feb 2027 at 09:05" in local time. */
export function formatDateTime(value: string | Date): string {
  const date = toDate(value);
  if (!date) return 'unknown date';
  const hh = String(date.getHours()).padStart(2, '0');
  const mm = String(date.getMinutes()).padStart(2, '0');
  return `${formatDate(date)} at ${hh}:${mm}`;
}

/** `YYYY-MM-DD` of a local date, as `<input type="date">` uses. */
export function isoDay(date: Date): string {
  const mm = String(date.getMonth() + 1).padStart(2, '0');
  const dd = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${mm}-${dd}`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** Average days in a month over the Gregorian cycle, to turn an age in days into months. */
const DAYS_PER_MONTH = 365.2425 / 12;

/**
 * How long, in words, by the one rule the window and the command line share (src-tauri/cli/output.rs,
 * both tested against `durations.json`): "Less than a day", days up to 60 ("60 days"), whole months
 * after that ("5 months"), then years and months ("1 year and 2 months").
 */
export function durationInWords(wholeDays: number): string {
  const days = Math.floor(wholeDays);
  if (!Number.isFinite(days) || days < 1) return 'Less than a day';
  if (days <= 60) return plural(days, 'day');
  const months = Math.floor(days / DAYS_PER_MONTH);
  if (months < 12) return plural(months, 'month');
  const years = Math.floor(months / 12);
  const rest = months % 12;
  return rest === 0 ? plural(years, 'year') : `${plural(years, 'year')} and ${plural(rest, 'month')}`;
}

/** A key's age in words: "Less than a day", "12 days", "4 months", "1 year and 2 months" ({@link durationInWords}). */
export function ageInWords(ageDays: number): string {
  return durationInWords(ageDays);
}

/**
 * "Secret last shown" on a key's details: when, or "Once, when it was made" for a key Keyward
 * made and showed once (it was shown, so "Never" would not be true), or "Never".
 */
export function lastShown(key: { created_at: string; credential_id: string; last_revealed_at: string | null; issuer?: string }): string {
  if (key.last_revealed_at) return formatDateTime(key.last_revealed_at);
  // Keys say who issued them; before they did, Keyward's own keys were known by their credential ID.
  const madeHere = key.issuer !== undefined ? key.issuer === 'keyward' : key.credential_id.startsWith('kwid_');
  return madeHere ? `Once, when it was made (${formatDateTime(key.created_at)})` : 'Never';
}

/**
 * "Received from" on a key's details, for a key added from a colleague's shared file:
 * "sam on laptop-7, for Bob in Finance, on 2 Mar 2026"; `null` for any other key.
 */
export function receivedWords(key: { received_from: string | null; received_for: string | null; received_at: string | null }): string | null {
  if (!key.received_from || !key.received_at) return null;
  const shared = key.received_for ? `, for ${key.received_for}` : '';
  return `${key.received_from}${shared}, on ${formatDate(key.received_at)}`;
}
