/**
 * The reminder banner on the Keys screen: how reminders are seen inside the window, also when
 * the computer shows no desktop notifications.
 *
 * Promises: a replaced key never counts as needing rotation (its replacement does the job);
 * a replaced key counts as "can be deleted" only once its delete-after date has passed, the same
 * moment the status says "delete it now"; paused reminders still count, because the keys still
 * need the work (pausing only quiets notifications).
 */
import { formatCount } from './numbers';
import { deleteIsDue, needsRotating } from './rotation';
import type { KeyView } from './types';

export interface AttentionCounts {
  /** Due soon or overdue, and not replaced. */
  rotate: number;
  /** Replaced, and past the date to delete it. */
  deletable: number;
}

/** How many keys need rotating and how many replaced keys can be deleted. */
export function attentionCounts(
  keys: readonly (Pick<KeyView, 'status' | 'replaced_by' | 'delete_after'> & Partial<Pick<KeyView, 'leaked'>>)[],
  now: Date = new Date(),
): AttentionCounts {
  let rotate = 0;
  let deletable = 0;
  for (const key of keys) {
    if (needsRotating(key)) rotate += 1;
    else if (deleteIsDue(key, now)) deletable += 1;
  }
  return { rotate, deletable };
}

function count(n: number): string {
  return formatCount(n);
}

/** "3 keys need rotating", "1 key needs rotating". */
export function rotateReminder(n: number): string {
  return n === 1 ? '1 key needs rotating' : `${count(n)} keys need rotating`;
}

/** "1 replaced key can be deleted", "2 replaced keys can be deleted". */
export function deleteReminder(n: number): string {
  return n === 1 ? '1 replaced key can be deleted' : `${count(n)} replaced keys can be deleted`;
}
