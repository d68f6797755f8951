/**
 * The short sentences Keyward says after an action, shown in the status area and read out by
 * screen readers ("Key saved", "Copied").
 */
import { formatCount } from './numbers';

function count(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** After `copy_secret`: says when the clipboard will be cleared. */
export function secretCopied(clearAfterSeconds: number): string {
  const seconds = Math.round(clearAfterSeconds);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'Copied.';
  return `Copied. The clipboard will be cleared in ${count(seconds, 'second', 'seconds')}.`;
}

export const CREDENTIAL_ID_COPIED = 'Credential ID copied.';
export const KEY_SAVED = 'Key saved.';
export const KEY_DELETED = 'Key deleted.';

/** "3 keys", "1 key", "10,000 keys". */
export function keyCount(n: number): string {
  return count(n, 'key', 'keys');
}

/** For the search results: "12 keys found", "No keys found". */
export function searchResult(found: number): string {
  return found === 0 ? 'No keys found.' : `${keyCount(found)} found.`;
}

/** "Showing 12 of 10,000 keys" when filtering, "10,000 keys" otherwise. */
export function shownCount(shown: number, total: number): string {
  return shown === total ? keyCount(total) : `Showing ${formatCount(shown)} of ${keyCount(total)}`;
}

/** While the rest of a long list loads (its first screen is shown): "Loading all 10,000 keys…". */
export function loadingAll(total: number): string {
  return `Loading all ${keyCount(total)}…`;
}

/** The start-up notice about changes that were interrupted last time and have been tidied up. */
export function recoveredNotice(names: readonly string[]): string {
  if (names.length === 0) return '';
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return names.length === 1
    ? `Keyward was closed before it finished saving or deleting the key ${list}. It has tidied this up. Check that the list shows your keys as you expect.`
    : `Keyward was closed before it finished saving or deleting the keys ${list}. It has tidied these up. Check that the list shows your keys as you expect.`;
}

/** After saving a report. */
export function reportSaved(path: string): string {
  return `Report saved to ${path}`;
}

export const SETTINGS_SAVED = 'Settings saved.';
