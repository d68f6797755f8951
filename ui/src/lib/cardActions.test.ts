import { describe, expect, it } from 'vitest';
import { CardActions } from './cardActions.svelte';
import type { ErrorExplanation } from './errors';

const explain = (reason: unknown): ErrorExplanation => ({ code: 'unknown', message: `Explained: ${String(reason)}`, action: '', keychain: false });

describe('a settings card’s actions', () => {
  it('name the action under way while it runs, and none once it is over', async () => {
    const actions = new CardActions<'save' | 'test'>(explain);
    let release!: () => void;
    const running = actions.run('test', () => new Promise<void>((resolve) => (release = resolve)));
    expect(actions.busy, 'the card says which button is working').toBe('test');
    release();
    await running;
    expect(actions.busy).toBeNull();
    expect(actions.error).toBeNull();
  });

  it('ignore a second press while one runs', async () => {
    const actions = new CardActions<'save' | 'test'>(explain);
    let runs = 0;
    let release!: () => void;
    const first = actions.run('save', () => new Promise<void>((resolve) => ((runs += 1), (release = resolve))));
    await actions.run('test', async () => void (runs += 1));
    expect(actions.busy, 'the first action is still the one under way').toBe('save');
    release();
    await first;
    expect(runs, 'only the first press started work').toBe(1);
  });

  it('keep a failure as a problem in words, and clear it on the next run', async () => {
    const actions = new CardActions<'save'>(explain);
    await actions.run('save', () => Promise.reject('locked'));
    expect(actions.error?.message).toBe('Explained: locked');
    expect(actions.busy, 'a failure frees the buttons').toBeNull();
    await actions.run('save', async () => {});
    expect(actions.error, 'a successful retry leaves no stale problem').toBeNull();
  });

  it('let the card take a failure for itself, as a field’s problem', async () => {
    const actions = new CardActions<'save'>(explain);
    let field: string | null = null;
    await actions.run(
      'save',
      () => Promise.reject('bad address'),
      (explained) => ((field = explained.message), true),
    );
    expect(field).toBe('Explained: bad address');
    expect(actions.error, 'a failure the card took is not also shown in its error box').toBeNull();
    await actions.run('save', () => Promise.reject('down'), () => false);
    expect(actions.error?.message, 'a failure the card did not take is shown').toBe('Explained: down');
  });
});
