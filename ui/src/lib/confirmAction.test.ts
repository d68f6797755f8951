import { describe, expect, it } from 'vitest';
import { ConfirmAction } from './confirmAction.svelte';
import type { ErrorExplanation } from './errors';

const explain = (reason: unknown): ErrorExplanation => ({ code: 'unknown', message: `Explained: ${String(reason)}`, action: '', keychain: false });

describe('a dialog’s confirm action', () => {
  it('is busy while the work runs and finished once it is done', async () => {
    const action = new ConfirmAction(explain);
    let release!: (value: string) => void;
    const seen: Array<[string, boolean]> = [];
    const running = action.run(
      () => new Promise<string>((resolve) => (release = resolve)),
      (result) => seen.push([result, action.finished]),
    );
    expect(action.busy, 'the button is disabled while the work runs').toBe(true);
    release('done');
    await running;
    expect(seen, 'done hears the result after the action counts as finished').toEqual([['done', true]]);
    expect(action.busy).toBe(false);
    expect(action.error).toBeNull();
  });

  it('ignores a second press while the first one runs', async () => {
    const action = new ConfirmAction(explain);
    let runs = 0;
    let release!: () => void;
    const first = action.run(
      () => new Promise<void>((resolve) => ((runs += 1), (release = resolve))),
      () => {},
    );
    await action.run(async () => void (runs += 1), () => {});
    release();
    await first;
    expect(runs, 'only the first press started the work').toBe(1);
  });

  it('keeps a failure as a problem in words and stays open', async () => {
    const action = new ConfirmAction(explain);
    let told = false;
    await action.run(
      () => Promise.reject('locked'),
      () => (told = true),
    );
    expect(action.error?.message).toBe('Explained: locked');
    expect(action.finished, 'a failed run does not close the dialog').toBe(false);
    expect(told).toBe(false);
    expect(action.busy).toBe(false);
  });

  it('clears the last problem when it runs again', async () => {
    const action = new ConfirmAction(explain);
    await action.run(() => Promise.reject('locked'), () => {});
    await action.run(async () => 1, () => {});
    expect(action.error, 'a successful retry leaves no stale problem').toBeNull();
  });
});

describe('closing a dialog', () => {
  it('is a cancel while the work is not done, even after a failed try', async () => {
    const action = new ConfirmAction(explain);
    let cancels = 0;
    const closed = action.closer(() => (cancels += 1));
    closed();
    expect(cancels, 'Escape before confirming cancels').toBe(1);
    await action.run(() => Promise.reject('locked'), () => {});
    closed();
    expect(cancels, 'Escape after a failure still cancels').toBe(2);
  });

  it('is not a cancel once the work is done', async () => {
    const action = new ConfirmAction(explain);
    let cancels = 0;
    const closed = action.closer(() => (cancels += 1));
    await action.run(async () => 1, () => closed());
    expect(cancels, 'the dialog that closes because it is done was not cancelled').toBe(0);
  });
});
