import { describe, expect, it } from 'vitest';
import { formatDate } from './dates';
import { keyStatusText, snoozeRefusal, statusText } from './rotation';

describe('statusText', () => {
  it('says how late an overdue key is', () => {
    expect(statusText('overdue', -12, '2026-11-14T10:00:00Z')).toBe('Rotate now — 12 days overdue');
    expect(statusText('overdue', -1, '2026-11-25T10:00:00Z')).toBe('Rotate now — 1 day overdue');
  });

  it('says lateness in months after 60 days, and in years and months after a year, as ages are said', () => {
    expect(statusText('overdue', -60, '2026-09-27T10:00:00Z')).toBe('Rotate now — 60 days overdue');
    expect(statusText('overdue', -61, '2026-09-26T10:00:00Z')).toBe('Rotate now — 2 months overdue');
    expect(statusText('overdue', -309, '2026-01-21T10:00:00Z')).toBe('Rotate now — 10 months overdue');
    expect(statusText('overdue', -400, '2025-10-22T10:00:00Z')).toBe('Rotate now — 1 year and 1 month overdue');
    expect(statusText('overdue', -800, '2024-09-17T10:00:00Z')).toBe('Rotate now — 2 years and 2 months overdue');
  });

  it('says "due today" for a key that became overdue today', () => {
    expect(statusText('overdue', 0, '2026-11-26T08:00:00Z')).toBe('Rotate now — due today');
  });

  it('says how many days are left for a key due soon', () => {
    expect(statusText('due_soon', 9, '2026-12-05T10:00:00Z')).toBe('Rotate within 9 days');
    expect(statusText('due_soon', 1, '2026-11-27T10:00:00Z')).toBe('Rotate within 1 day');
    expect(statusText('due_soon', 0, '2026-11-26T20:00:00Z')).toBe('Rotate today');
  });

  it('gives the rotate-by date for a key that is fine', () => {
    const rotateBy = '2027-02-26T12:00:00Z';
    expect(statusText('ok', 92, rotateBy)).toBe(`OK — rotate by ${formatDate(rotateBy)}`);
  });

  it('reads the fields of a key', () => {
    expect(keyStatusText({ status: 'overdue', days_until_due: -3, rotate_by: '2026-11-23T00:00:00Z' })).toBe(
      'Rotate now — 3 days overdue',
    );
  });
});

describe('snoozeRefusal', () => {
  const none = { max_snooze_days: null, max_snoozes_per_stage: null };

  it('allows any pause without a policy', () => {
    expect(snoozeRefusal(1, none)).toBeNull();
    expect(snoozeRefusal(7, none)).toBeNull();
  });

  it('refuses a pause longer than the organisation allows, in the back end\'s words', () => {
    const three = { ...none, max_snooze_days: 3 };
    expect(snoozeRefusal(1, three)).toBeNull();
    expect(snoozeRefusal(7, three)).toBe('Your organisation allows pausing reminders for at most 3 days at a time.');
  });

  it('refuses every pause when the organisation allows none', () => {
    expect(snoozeRefusal(1, { ...none, max_snoozes_per_stage: 0 })).toMatch(/does not allow pausing/);
    expect(snoozeRefusal(1, { ...none, max_snooze_days: 0 })).toMatch(/does not allow pausing/);
  });
});
