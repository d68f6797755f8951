/**
 * The leak check in plain words: what a hit is ("payments-api-… was found"), where ("config/.env,
 * line 3, column 12, in a commit of 26 Aug 2026"), and how far a running check is.
 *
 * Also the folders checked every day, in words ("Every file · last checked 27 Nov 2026 at 09:48").
 *
 * Promises: never shows a secret (the back end sends none); every state of a check has words.
 */
import { formatDate, formatDateTime } from './dates';
import { formatCount } from './numbers';
import type { LeakHit, LeakScanStatus, WatchedFolder } from './types';

/** What kind of check: what git would commit, every file, or a repository's whole history. */
export type LeakScope = 'committable' | 'everywhere' | 'history';

export const SCOPES: readonly { value: LeakScope; label: string; hint: string }[] = [
  { value: 'committable', label: 'Files git would commit', hint: 'Ignored files (as .gitignore says) are left out.' },
  { value: 'everywhere', label: 'Every file, hidden and ignored ones too', hint: 'Also .env files, settings and shell history: where keys really sit.' },
  { value: 'history', label: 'The whole history of a git repository', hint: 'Every version of every file ever committed, also keys removed since.' },
];

/** The hit's title: which key. */
export function hitTitle(hit: LeakHit): string {
  if (hit.kind === 'stored' && hit.key_name) return hit.key_name;
  return 'A Keyward key that Keyward does not hold (someone else’s, or deleted)';
}

/** Where the hit is, in words. */
export function hitPlace(hit: LeakHit): string {
  const where = `line ${hit.line}, column ${hit.column}`;
  if (hit.path === null) return `In the repository, in no commit (${where})`;
  const inCommit = hit.commit ? `, in commit ${hit.commit.slice(0, 12)}${hit.author_date ? ` of ${formatDate(hit.author_date)}` : ''}` : '';
  return `${hit.path}, ${where}${inCommit}`;
}

/** Megabytes, one decimal. */
function size(bytes: number): string {
  return `${(bytes / 1_000_000).toLocaleString('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MB`;
}

/** How far the check is, in words. */
export function progressWords(status: LeakScanStatus, scope: LeakScope): string {
  const things = scope === 'history' ? 'file versions' : 'files';
  switch (status.state) {
    case 'idle':
    default: // the states only other kinds of job use
      return '';
    case 'preparing':
      return status.keys_total > 0 ? `Getting ready: key ${formatCount(status.keys_done)} of ${formatCount(status.keys_total)}…` : 'Getting ready…';
    case 'scanning':
      return `Checked ${formatCount(status.scanned)} ${things} (${size(status.bytes)})…`;
    case 'cancelled':
      return 'The check was cancelled. Nothing was recorded.';
    case 'failed':
      return 'The check could not be done.';
    case 'done': {
      const report = status.report;
      if (!report) return 'Done.';
      const found = report.hits.length;
      const head = found === 0 ? 'No key found.' : `Found ${formatCount(found)} ${found === 1 ? 'place' : 'places'} holding a key.`;
      let tail = `Checked ${formatCount(report.scanned)} ${things} (${size(report.bytes)}) for ${formatCount(report.keys_checked)} ${report.keys_checked === 1 ? 'key' : 'keys'}`;
      if (report.binary_skipped > 0) tail += `; skipped ${formatCount(report.binary_skipped)} that are not text`;
      if (report.unreadable.length > 0) tail += `; ${formatCount(report.unreadable.length)} could not be read`;
      return `${head} ${tail}.`;
    }
  }
}

/** Whether the check is still running. */
export function isRunning(status: LeakScanStatus): boolean {
  return status.state === 'preparing' || status.state === 'scanning';
}

/** What is checked in a folder checked every day, and when it last was. */
export function watchedWords(folder: WatchedFolder): string {
  const what = SCOPES.find((s) => s.value === folder.scope)?.label ?? folder.scope;
  const when = folder.last_checked ? `last checked ${formatDateTime(folder.last_checked)}` : 'not checked yet: Keyward checks it in the background while it runs';
  return `${what} · ${when}`;
}

/** The accessible name of a folder's remove button: names the folder, as every row has one. */
export function stopWatchingLabel(folder: WatchedFolder): string {
  return `Stop checking ${folder.path} every day`;
}
