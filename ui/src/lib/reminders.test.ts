import { describe, expect, it } from 'vitest';
import { formatDate } from './dates';
import { matchesFilter } from './keyQuery';
import { attentionCounts, deleteReminder, rotateReminder } from './reminders';
import { deleteIsDue, keyStatus, needsRotating, pausedUntil, rotatedAdvice, TONE_SYMBOLS } from './rotation';
import type { RotationStatus } from './types';

const NOW = new Date('2026-11-26T12:00:00Z');

type Fields = Parameters<typeof keyStatus>[0];

function key(status: RotationStatus, patch: Partial<Fields> = {}): Fields {
  return {
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
    const replaced = key('overdue', { replaced_by: 'new', delete_after: '2026-12-03T12:00:00Z' });
    expect(keyStatus(replaced, NOW)).toEqual({ tone: 'replaced', text: 'Replaced — delete after 3 Dec 2026', paused: null });
  });

  it('says "delete it now" once the delete-after date has passed', () => {
    const replaced = key('ok', { replaced_by: 'new', delete_after: '2026-11-26T11:59:00Z' });
    expect(keyStatus(replaced, NOW)).toEqual({ tone: 'overdue', text: 'Replaced — delete it now', paused: null });
    expect(keyStatus({ ...replaced, delete_after: '2026-11-26T12:00:00Z' }, NOW).text).toBe('Replaced — delete it now');
  });

  it('treats a replaced key without a readable date as ready to delete', () => {
    expect(keyStatus(key('ok', { replaced_by: 'new' }), NOW).text).toBe('Replaced — delete it now');
    expect(keyStatus(key('ok', { replaced_by: 'new', delete_after: 'soon' }), NOW).text).toBe('Replaced — delete it now');
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
  it('counts keys due soon or overdue, unless they are replaced', () => {
    expect(needsRotating(key('overdue'))).toBe(true);
    expect(needsRotating(key('due_soon'))).toBe(true);
    expect(needsRotating(key('ok'))).toBe(false);
    expect(needsRotating(key('overdue', { replaced_by: 'new' }))).toBe(false);
  });

  it('counts a leaked key as needing rotation whatever its age, until it is replaced', () => {
    expect(needsRotating(key('ok', { leaked: true }))).toBe(true);
    expect(needsRotating(key('ok', { leaked: true, replaced_by: 'new' }))).toBe(false);
    expect(attentionCounts([key('ok', { leaked: true })], NOW)).toEqual({ rotate: 1, deletable: 0 });
    expect(matchesFilter(key('ok', { leaked: true }), 'needs_rotating')).toBe(true);
    expect(matchesFilter(key('ok'), 'needs_rotating')).toBe(false);
  });

  it('never says to delete a key that has not been replaced', () => {
    expect(deleteIsDue(key('overdue', { delete_after: '2020-01-01T00:00:00Z' }), NOW)).toBe(false);
  });
});

describe('attentionCounts', () => {
  const keys = [
    key('overdue'),
    key('due_soon'),
    key('due_soon', { snoozed_until: '2026-12-01T00:00:00Z' }),
    key('ok'),
    key('overdue', { replaced_by: 'a', delete_after: '2026-11-20T00:00:00Z' }),
    key('ok', { replaced_by: 'b', delete_after: '2026-12-20T00:00:00Z' }),
  ];

  it('counts keys to rotate (paused ones too) and replaced keys past their date', () => {
    expect(attentionCounts(keys, NOW)).toEqual({ rotate: 3, deletable: 1 });
  });

  it('is zero for an empty list', () => {
    expect(attentionCounts([], NOW)).toEqual({ rotate: 0, deletable: 0 });
  });

  it('counts a replaced key once its date passes', () => {
    expect(attentionCounts(keys, new Date('2026-12-21T00:00:00Z'))).toEqual({ rotate: 3, deletable: 2 });
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
