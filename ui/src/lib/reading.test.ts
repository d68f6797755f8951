import { describe, expect, it } from 'vitest';
import { Reading } from './reading.svelte';
import type { ErrorExplanation } from './errors';

const explain = (reason: unknown): ErrorExplanation => ({ code: 'unknown', message: `Explained: ${String(reason)}`, action: '', keychain: false });

describe('a screen’s reading', () => {
  it('is loading while the read runs, and not once it is over', async () => {
    const reading = new Reading(explain);
    let release!: () => void;
    const running = reading.run(() => new Promise<void>((resolve) => (release = resolve)));
    expect(reading.loading, '"Read again" waits while it reads').toBe(true);
    release();
    await running;
    expect(reading.loading).toBe(false);
    expect(reading.error).toBeNull();
  });

  it('keeps a failure in words after dropping what is no longer true, and clears it on the next read', async () => {
    const reading = new Reading(explain);
    let shown: string[] | null = ['old'];
    await reading.run(
      () => Promise.reject('vault down'),
      () => (shown = null),
    );
    expect(shown, 'what was read before is dropped').toBeNull();
    expect(reading.error?.message).toBe('Explained: vault down');
    expect(reading.loading, 'a failure ends the read').toBe(false);
    await reading.run(async () => {});
    expect(reading.error, 'a successful read leaves no stale problem').toBeNull();
  });
});
