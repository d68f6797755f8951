/**
 * The reminder banner on the Keys screen: how reminders are seen inside the window, also when
 * the computer shows no desktop notifications.
 *
 * Promises: which keys need attention is the back end's decision (`attention` on each key, from
 * src-tauri/core/src/attention.rs, the rule the tray uses too): a replaced key never counts as
 * needing rotation, it counts as "can be deleted" from its delete-after date on, and paused
 * reminders still count. The words are the tray's: `attention.json` pins them for both sides.
 */
import { formatCount } from './numbers';
import type { KeyView } from './types';

export interface AttentionCounts {
  /** Keys that need rotating (due soon, overdue or leaked, and not replaced). */
  rotate: number;
  /** Replaced keys past the date to delete them. */
  deletable: number;
}

/** How many keys need rotating and how many replaced keys can be deleted, as the back end said. */
export function attentionCounts(keys: readonly Pick<KeyView, 'attention'>[]): AttentionCounts {
  let rotate = 0;
  let deletable = 0;
  for (const key of keys) {
    if (key.attention === 'rotate') rotate += 1;
    else if (key.attention === 'delete') deletable += 1;
  }
  return { rotate, deletable };
}

/** "3 keys need rotating", "1 key needs rotating". */
export function rotateReminder(n: number): string {
  return n === 1 ? '1 key needs rotating' : `${formatCount(n)} keys need rotating`;
}

/** "1 replaced key can be deleted", "2 replaced keys can be deleted". */
export function deleteReminder(n: number): string {
  return n === 1 ? '1 replaced key can be deleted' : `${formatCount(n)} replaced keys can be deleted`;
}
