import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NameHelper, type NameHelperDeps, type NameHelperState } from './nameHelper';
import type { NameCheck } from './types';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const slug = (service: string) => service.trim().toLowerCase().replace(/\s+/g, '-');

function setup(overrides: Partial<NameHelperDeps> = {}) {
  let state: NameHelperState | undefined;
  const suggest = vi.fn(async (service: string) => `${slug(service)}-26_11_2026-10_48`);
  const check = vi.fn(async (name: string): Promise<NameCheck> =>
    name.includes('taken') ? { ok: false, message: 'A key with this name already exists.' } : { ok: true, message: null },
  );
  const helper = new NameHelper({ suggest, check, onChange: (s) => (state = s), delayMs: 300, ...overrides });
  return { helper, suggest, check, state: () => state ?? helper.state };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('NameHelper', () => {
  it('suggests a conventional name once typing pauses, then checks it', async () => {
    const { helper, suggest, check, state } = setup();
    helper.setService('P');
    helper.setService('Pay');
    helper.setService('Payments API');
    await vi.advanceTimersByTimeAsync(299);
    expect(suggest, 'nothing is asked while the person is still typing').not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(suggest).toHaveBeenCalledTimes(1);
    expect(suggest).toHaveBeenCalledWith('Payments API');
    await vi.runAllTimersAsync();
    expect(state().name).toBe('payments-api-26_11_2026-10_48');
    expect(check).toHaveBeenCalledWith('payments-api-26_11_2026-10_48');
    expect(state().check).toBe('ok');
  });

  it('drops a suggestion that arrives after the service changed again', async () => {
    const slow = deferred<string>();
    const suggest = vi.fn().mockReturnValueOnce(slow.promise).mockResolvedValueOnce('maps-26_11_2026-10_48');
    const { helper, state } = setup({ suggest });
    helper.setService('Payments');
    await vi.advanceTimersByTimeAsync(300);
    helper.setService('Maps');
    await vi.advanceTimersByTimeAsync(300);
    slow.resolve('payments-26_11_2026-10_48');
    await vi.runAllTimersAsync();
    expect(state().name).toBe('maps-26_11_2026-10_48');
  });

  it('keeps a name the person typed, whatever the service becomes', async () => {
    const { helper, state } = setup();
    helper.setName('my-own-name');
    helper.setService('Payments');
    await vi.runAllTimersAsync();
    expect(state().name).toBe('my-own-name');
    expect(state().edited).toBe(true);
  });

  it('follows the suggestion again when the person empties the name', async () => {
    const { helper, state } = setup();
    helper.setService('Maps');
    helper.setName('custom');
    await vi.runAllTimersAsync();
    helper.setName('');
    await vi.runAllTimersAsync();
    expect(state().edited).toBe(false);
    expect(state().name).toBe('maps-26_11_2026-10_48');
  });

  it('shows the message for a name that cannot be used', async () => {
    const { helper, state } = setup();
    helper.setName('taken-name');
    expect(state().check).toBe('checking');
    await vi.runAllTimersAsync();
    expect(state()).toMatchObject({ check: 'problem', checkMessage: 'A key with this name already exists.' });
  });

  it('never shows a check result for a name that is no longer in the field', async () => {
    const first = deferred<NameCheck>();
    const check = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValue({ ok: true, message: null });
    const { helper, state } = setup({ check });
    helper.setName('taken-name');
    await vi.advanceTimersByTimeAsync(300);
    helper.setName('fresh-name');
    await vi.advanceTimersByTimeAsync(300);
    first.resolve({ ok: false, message: 'A key with this name already exists.' });
    await vi.runAllTimersAsync();
    expect(state()).toMatchObject({ name: 'fresh-name', check: 'ok', checkMessage: null });
  });

  it('shows the back end words when the service cannot be used in a name', async () => {
    const suggest = vi.fn().mockRejectedValue({ code: 'invalid_input', message: 'A service name cannot contain "/".' });
    const { helper, state } = setup({ suggest });
    helper.setService('a/b');
    await vi.runAllTimersAsync();
    expect(state().serviceMessage).toBe('A service name cannot contain "/".');
    expect(state().name).toBe('');
  });

  it('clears the suggested name and messages when the service is emptied', async () => {
    const { helper, state } = setup();
    helper.setService('Maps');
    await vi.runAllTimersAsync();
    helper.setService('  ');
    await vi.runAllTimersAsync();
    expect(state()).toMatchObject({ name: '', check: 'idle', serviceMessage: null });
  });

  it('says the check failed, in plain words, when the check itself fails', async () => {
    const check = vi.fn().mockRejectedValue({ code: 'catalog_unreadable', message: 'EOF while parsing' });
    const { helper, state } = setup({ check });
    helper.setName('some-name');
    await vi.runAllTimersAsync();
    expect(state().check).toBe('failed');
    expect(state().checkMessage).toBe('Keyward cannot read its list of keys. It has left the list untouched so that nothing is lost.');
  });

  it('never suggests without a suggest function (the Add screen)', async () => {
    const { helper, state, check } = setup({ suggest: undefined });
    helper.setService('Maps');
    await vi.runAllTimersAsync();
    expect(state().name).toBe('');
    expect(check).not.toHaveBeenCalled();
  });

  it('checks at once before saving and reports whether the name can be used', async () => {
    const { helper } = setup();
    helper.setName('taken-name');
    await expect(helper.checkNow()).resolves.toBe(false);
    helper.setName('good-name');
    await expect(helper.checkNow()).resolves.toBe(true);
    helper.setName('');
    await expect(helper.checkNow(), 'an empty name lets the back end choose').resolves.toBe(true);
  });

  it('ignores answers after it is disposed', async () => {
    const { helper, state } = setup();
    helper.setService('Maps');
    helper.dispose();
    await vi.runAllTimersAsync();
    expect(state().name).toBe('');
  });
});
