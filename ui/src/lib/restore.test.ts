import { describe, expect, it } from 'vitest';
import { restoreProgressWords, restoreResultWords } from './restore';
import type { RestoreReport, RestoreStatus } from './types';

function report(patch: Partial<RestoreReport>): RestoreReport {
  return {
    restored: [],
    already_here: [],
    conflicts: [],
    failed: [],
    not_tried: 0,
    cancelled: false,
    history_added: 0,
    vendors_added: 0,
    ...patch,
  };
}

function names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `key-${i}`);
}

describe('restore words', () => {
  it('say where a running restore is', () => {
    const status: RestoreStatus = { state: 'restoring', done: 1200, total: 10000, report: null, settings: null, error: null };
    expect(restoreProgressWords(status)).toBe('Restoring: 1,200 of 10,000 keys done…');
  });

  it('say how many keys a cancelled restore put back and that restoring again continues', () => {
    const words = restoreResultWords(report({ restored: names(120), not_tried: 380, cancelled: true }));
    expect(words).toBe(
      'Stopped after putting back 120 keys; 380 keys were not put back yet. Each key put back is whole, with its secret in the keyring. ' +
        'Restore the same backup again to put back the rest: keys already here are left as they are.',
    );
  });

  it('count one key as one', () => {
    expect(restoreResultWords(report({ restored: names(1), not_tried: 1, cancelled: true }))).toMatch(
      /^Stopped after putting back 1 key; 1 key was not put back yet\./,
    );
  });

  it('say what a restore run again found already here', () => {
    expect(restoreResultWords(report({ restored: names(380), already_here: names(120) }))).toBe(
      'Put back 380 keys. 120 keys were already here.',
    );
    expect(restoreResultWords(report({ restored: names(2) }))).toBe('Put back 2 keys.');
  });
});
