import { describe, expect, it } from 'vitest';
import { formatDate } from './dates';
import { matchesFilter } from './keyQuery';
import { attentionCounts, deleteReminder, rotateReminder } from './reminders';
import { deleteIsDue, keyStatus, needsRotating, pausedUntil, rotatedAdvice, TONE_SYMBOLS } from './rotation';
import type { Attention, RotationStatus } from './types';
import attentionCases from './attention.json?raw';

const NOW = new Date('2026-11-26T12:00:00Z');

type Fields = Parameters<typeof keyStatus>[0];

/**
 * A key as the back end sends it. `attention` is the back end's (src-tauri/core/src/attention.rs,
 * where its rule is tested); by default what it says of a key neither replaced nor leaked.
 */
function key(status: RotationStatus, patch: Partial<Fields> = {}): Fields {
  const attention: Attention = status === 'ok' ? 'none' : 'rotate';
  return {
    attention,
    issuer: 'vendor',
    vendor: 'mailchimp',
    vendor_display_name: 'Mailchimp',
    vendor_dashboard_url: null,
    service: 'mailchimp',
    leaked: false,
    rotation: null,
    status,
    days_until_due: status === 'overdue' ? -12 : status === 'due_soon' ? 9 : 80,
    rotate_by: '2027-02-14T12:00:00Z',
    replaced_by: null,
    delete_after: null,
    snoozed_until: null,
    ...patch,
  };
}

describe('keyStatus', () => {
  it('shows the rotation status of a key that has not been replaced', () => {
    expect(keyStatus(key('overdue'), NOW)).toEqual({ tone: 'overdue', text: 'Rotate now — 12 days overdue', paused: null });
    expect(keyStatus(key('due_soon'), NOW)).toEqual({ tone: 'due_soon', text: 'Rotate within 9 days', paused: null });
    expect(keyStatus(key('ok'), NOW).tone).toBe('ok');
  });

  it('shows when to delete a replaced key instead of its rotation status', () => {
    const replaced = key('overdue', { replaced_by: 'new', delete_after: '2026-12-03T12:00:00Z', attention: 'none' });
    expect(keyStatus(replaced, NOW)).toEqual({ tone: 'replaced', text: 'Replaced — delete after 3 Dec 2026', paused: null });
  });

  it('says "delete it now" once the back end says the replaced key can be deleted', () => {
    const replaced = key('ok', { replaced_by: 'new', delete_after: '2026-11-26T11:59:00Z', attention: 'delete' });
    expect(keyStatus(replaced, NOW)).toEqual({ tone: 'overdue', text: 'Replaced — delete it now', paused: null });
    expect(keyStatus({ ...replaced, attention: 'none' }, NOW).text).toBe(`Replaced — delete after ${formatDate('2026-11-26T11:59:00Z')}`);
  });

  it('says "delete it now" for a replaced key without a date when the back end says so', () => {
    expect(keyStatus(key('ok', { replaced_by: 'new', attention: 'delete' }), NOW).text).toBe('Replaced — delete it now');
  });

  it('shows a pause of reminders, without the year when it is this year', () => {
    const snoozed = key('overdue', { snoozed_until: '2026-11-27T12:00:00Z' });
    expect(keyStatus(snoozed, NOW)).toEqual({
      tone: 'overdue',
      text: 'Rotate now — 12 days overdue',
      paused: 'Reminders paused until 27 Nov',
    });
    const nextYear = key('due_soon', { snoozed_until: '2027-01-02T12:00:00Z' });
    expect(keyStatus(nextYear, NOW).paused).toBe('Reminders paused until 2 Jan 2027');
  });

  it('says a key leaked before anything else, and what to do about it', () => {
    expect(keyStatus(key('ok', { leaked: true, rotation: 'waiting_for_new_key' }), NOW)).toEqual({
      tone: 'leaked',
      text: 'Leaked — revoke it at Mailchimp now',
      paused: null,
    });
    const replaced = key('ok', { leaked: true, replaced_by: 'new', rotation: 'waiting_for_old_key_removal', delete_after: '2026-11-26T12:00:00Z' });
    expect(keyStatus(replaced, NOW)).toEqual({ tone: 'leaked', text: 'Leaked — replaced, delete it now', paused: null });
  });

  it('says a vendor rotation is in progress until the new key is pasted', () => {
    expect(keyStatus(key('overdue', { rotation: 'waiting_for_new_key' }), NOW)).toEqual({
      tone: 'in_progress',
      text: 'Rotation in progress — paste the new key',
      paused: null,
    });
    const waiting = key('overdue', { rotation: 'waiting_for_old_key_removal', replaced_by: 'new', delete_after: '2026-12-03T12:00:00Z' });
    expect(keyStatus(waiting, NOW).text).toBe('Replaced — delete after 3 Dec 2026');
  });

  it('forgets a pause that has ended', () => {
    expect(keyStatus(key('overdue', { snoozed_until: '2026-11-26T11:00:00Z' }), NOW).paused).toBeNull();
    expect(pausedUntil({ snoozed_until: 'not a date' }, NOW)).toBeNull();
  });

  it('has a symbol for every tone', () => {
    for (const tone of ['ok', 'due_soon', 'overdue', 'replaced', 'leaked', 'in_progress'] as const) expect(TONE_SYMBOLS[tone]).toBeTruthy();
  });
});

describe('needsRotating and deleteIsDue', () => {
  it('follow what the back end says the key needs', () => {
    expect(needsRotating(key('overdue'))).toBe(true);
    expect(needsRotating(key('due_soon'))).toBe(true);
    expect(needsRotating(key('ok'))).toBe(false);
    expect(needsRotating(key('overdue', { replaced_by: 'new', attention: 'none' }))).toBe(false);
    expect(deleteIsDue(key('overdue', { replaced_by: 'new', attention: 'none' }))).toBe(false);
    expect(deleteIsDue(key('overdue', { replaced_by: 'new', attention: 'delete' }))).toBe(true);
  });

  it('take a leaked key the back end says needs rotating into the banner and the filter', () => {
    const leaked = key('ok', { leaked: true, attention: 'rotate' });
    expect(needsRotating(leaked)).toBe(true);
    expect(attentionCounts([leaked])).toEqual({ rotate: 1, deletable: 0 });
    expect(matchesFilter(leaked, 'needs_rotating')).toBe(true);
    expect(matchesFilter(key('ok'), 'needs_rotating')).toBe(false);
  });

  it('never work out from the dates in the window what a key needs', () => {
    expect(deleteIsDue(key('overdue', { delete_after: '2020-01-01T00:00:00Z' }))).toBe(false);
    expect(deleteIsDue(key('ok', { replaced_by: 'new', delete_after: '2020-01-01T00:00:00Z', attention: 'none' }))).toBe(false);
  });
});

describe('attentionCounts', () => {
  const keys = [
    key('overdue'),
    key('due_soon'),
    key('due_soon', { snoozed_until: '2026-12-01T00:00:00Z' }),
    key('ok'),
    key('overdue', { replaced_by: 'a', delete_after: '2026-11-20T00:00:00Z', attention: 'delete' }),
    key('ok', { replaced_by: 'b', delete_after: '2026-12-20T00:00:00Z', attention: 'none' }),
  ];

  it('counts keys to rotate (paused ones too) and replaced keys that can be deleted', () => {
    expect(attentionCounts(keys)).toEqual({ rotate: 3, deletable: 1 });
  });

  it('is zero for an empty list', () => {
    expect(attentionCounts([])).toEqual({ rotate: 0, deletable: 0 });
  });

  it('counts a replaced key once the back end says it can be deleted', () => {
    const later = keys.map((k) => (k.replaced_by === 'b' ? { ...k, attention: 'delete' as const } : k));
    expect(attentionCounts(later)).toEqual({ rotate: 3, deletable: 2 });
  });
});

describe('banner words', () => {
  it('says how many keys need rotating', () => {
    expect(rotateReminder(1)).toBe('1 key needs rotating');
    expect(rotateReminder(3)).toBe('3 keys need rotating');
    expect(rotateReminder(1200)).toBe('1,200 keys need rotating');
  });

  it('says how many replaced keys can be deleted', () => {
    expect(deleteReminder(1)).toBe('1 replaced key can be deleted');
    expect(deleteReminder(2)).toBe('2 replaced keys can be deleted');
  });

  it('are the words the tray says (attention.json, which the back end reads in its test too)', () => {
    const cases: { rotate: number; delete: number; rotate_words: string; delete_words: string }[] = JSON.parse(attentionCases);
    expect(cases.length).toBeGreaterThan(3);
    for (const c of cases) {
      expect(rotateReminder(c.rotate)).toBe(c.rotate_words);
      expect(deleteReminder(c.delete)).toBe(c.delete_words);
    }
  });
});

describe('rotatedAdvice', () => {
  it('names the application and the date', () => {
    expect(rotatedAdvice({ application: 'Shop website', delete_after: '2026-12-03T12:00:00Z', service: 'payments-api', leaked: false })).toBe(
      `Put the new key into Shop website. The old key keeps working wherever payments-api still accepts it: remove it there and delete it here. Keyward will remind you after ${formatDate('2026-12-03T12:00:00Z')}.`,
    );
  });

  it('works without an application or a date', () => {
    expect(rotatedAdvice({ application: null, delete_after: null, service: 'payments-api', leaked: false })).toBe(
      'Put the new key into the application that used the old key. The old key keeps working wherever payments-api still accepts it: remove it there and delete it here once no application uses it.',
    );
    expect(rotatedAdvice({ application: '  ', delete_after: null, service: 'payments-api', leaked: false })).toMatch(
      /^Put the new key into the application that used/,
    );
  });

  it('says to remove a leaked key at once', () => {
    expect(rotatedAdvice({ application: 'Shop website', delete_after: '2026-11-26T12:00:00Z', service: 'payments-api', leaked: true })).toBe(
      'Put the new key into Shop website. The old key leaked: remove it from payments-api now and delete it here. Until then it works for anyone who has it.',
    );
  });
});
