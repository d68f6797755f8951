import { describe, expect, it } from 'vitest';
import { hitPlace, hitTitle, isRunning, progressWords, stopWatchingLabel, watchedWords } from './leakCheck';
import type { LeakHit, LeakScanStatus, WatchedFolder } from './types';

const HIT: LeakHit = {
  kind: 'stored',
  key_id: 'k1',
  key_name: 'payments-26_08_2026-09_48',
  path: 'config/.env',
  line: 3,
  column: 12,
  commit: null,
  author_date: null,
  blob: null,
};

function status(patch: Partial<LeakScanStatus>): LeakScanStatus {
  return { state: 'idle', path: null, keys_done: 0, keys_total: 0, scanned: 0, bytes: 0, report: null, error: null, ...patch };
}

describe('leak check words', () => {
  it('name the key and the place, or say the key is not one of ours', () => {
    expect(hitTitle(HIT)).toBe('payments-26_08_2026-09_48');
    expect(hitPlace(HIT)).toBe('config/.env, line 3, column 12');
    expect(hitTitle({ ...HIT, kind: 'keyward_not_held', key_id: null, key_name: null })).toContain('does not hold');
    const inHistory = { ...HIT, commit: '0123456789abcdef0123', author_date: '2026-08-26T09:48:00Z' };
    expect(hitPlace(inHistory)).toMatch(/^config\/\.env, line 3, column 12, in commit 0123456789ab of /);
    expect(hitPlace({ ...HIT, path: null, blob: 'ab' })).toContain('in no commit');
  });

  it('say how far a check is and what it found', () => {
    expect(progressWords(status({ state: 'preparing', keys_done: 2, keys_total: 5 }), 'everywhere')).toBe('Getting ready: key 2 of 5…');
    expect(progressWords(status({ state: 'scanning', scanned: 12, bytes: 2_500_000 }), 'history')).toBe('Checked 12 file versions (2.5 MB)…');
    const report = {
      hits: [HIT],
      scanned: 3,
      bytes: 1000,
      binary_skipped: 1,
      unreadable: [{ path: 'x', error: 'denied' }],
      problems: [],
      keys_checked: 4,
      keys_not_checked: [],
      cancelled: false,
    };
    expect(progressWords(status({ state: 'done', report }), 'committable')).toBe(
      'Found 1 place holding a key. Checked 3 files (0.0 MB) for 4 keys; skipped 1 that are not text; 1 could not be read.',
    );
    expect(progressWords(status({ state: 'cancelled' }), 'committable')).toContain('cancelled');
    expect(isRunning(status({ state: 'scanning' }))).toBe(true);
    expect(isRunning(status({ state: 'done' }))).toBe(false);
  });
});

describe('folders checked every day', () => {
  const repo: WatchedFolder = { path: '/home/ann/shop', scope: 'history', last_checked: '2026-11-26T21:15:00Z' };
  const fresh: WatchedFolder = { path: '/home/ann/notes', scope: 'everywhere', last_checked: null };

  it('say what is checked and when it last was', () => {
    expect(watchedWords(repo)).toMatch(/^The whole history of a git repository · last checked 2[67] Nov 2026 at \d\d:\d\d$/);
    expect(watchedWords(fresh)).toBe('Every file, hidden and ignored ones too · not checked yet: Keyward checks it in the background while it runs');
    expect(watchedWords({ ...fresh, scope: 'committable' })).toMatch(/^Files git would commit · /);
  });

  it('name the folder in the remove button, so a screen reader tells the buttons apart', () => {
    expect(stopWatchingLabel(repo)).toBe('Stop checking /home/ann/shop every day');
    expect(stopWatchingLabel(fresh)).not.toBe(stopWatchingLabel(repo));
  });
});
