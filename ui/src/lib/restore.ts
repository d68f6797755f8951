/**
 * A restore from a backup in words (Settings → Backup): where it is while it runs, and what it did.
 * A cancelled restore says how many keys were put back, that each of them is whole, and that
 * restoring the same backup again puts back the rest (keys already here are left as they are).
 */
import { formatCount } from './numbers';
import { inStoreWords } from './storeNames';
import type { RestoreReport, RestoreStatus } from './types';

function keys(n: number): string {
  return n === 1 ? '1 key' : `${formatCount(n)} keys`;
}

function were(n: number): string {
  return `${keys(n)} ${n === 1 ? 'was' : 'were'}`;
}

/** Where a running restore is: "Restoring: 120 of 500 keys done…". */
export function restoreProgressWords(status: RestoreStatus): string {
  return `Restoring: ${formatCount(status.done)} of ${keys(status.total)} done…`;
}

/** What a finished or cancelled restore did, in a few sentences. */
export function restoreResultWords(report: RestoreReport): string {
  const parts: string[] = [];
  if (report.cancelled) {
    parts.push(`Stopped after putting back ${keys(report.restored.length)}; ${were(report.not_tried)} not put back yet.`);
    parts.push(inStoreWords('Each key put back is whole, with its secret in the keychain.'));
    parts.push('Restore the same backup again to put back the rest: keys already here are left as they are.');
  } else {
    parts.push(`Put back ${keys(report.restored.length)}.`);
  }
  if (report.already_here.length > 0) parts.push(`${were(report.already_here.length)} already here.`);
  return parts.join(' ');
}
