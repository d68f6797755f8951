import { describe, expect, it } from 'vitest';
import { ageInWords, formatDate, formatDateTime, formatShortDate, isoDay, lastShown, receivedWords } from './dates';
import durations from './durations.json?raw';
import { statusText } from './rotation';

/** Days and how long they are in words; the command line's tests read the same table (src-tauri/cli/output.rs). */
const DURATIONS = JSON.parse(durations) as [number, string][];

describe('one rule for how long, in the window and on the command line', () => {
  it('says ages as the shared table does', () => {
    for (const [days, words] of DURATIONS) expect(ageInWords(days), `${days} days`).toBe(words);
  });

  it('says how late a key is the same way ("5 months overdue", never "178 days" in one and months in the other)', () => {
    for (const [days, words] of DURATIONS) {
      if (days === 0) continue;
      expect(statusText('overdue', -days, '2026-01-01T00:00:00Z'), `${days} days late`).toBe(`Rotate now — ${words} overdue`);
    }
  });
});

describe('ageInWords', () => {
  it('says "Less than a day" for a key created today', () => {
    expect(ageInWords(0)).toBe('Less than a day');
  });

  it('counts days up to 60, with the right plural', () => {
    expect(ageInWords(1)).toBe('1 day');
    expect(ageInWords(12)).toBe('12 days');
    expect(ageInWords(30)).toBe('30 days');
    expect(ageInWords(60)).toBe('60 days');
  });

  it('counts whole months after 60 days', () => {
    expect(ageInWords(61)).toBe('2 months');
    expect(ageInWords(92)).toBe('3 months');
    expect(ageInWords(125)).toBe('4 months');
    expect(ageInWords(364)).toBe('11 months');
  });

  it('counts years and months after a year', () => {
    expect(ageInWords(366)).toBe('1 year');
    expect(ageInWords(430)).toBe('1 year and 2 months');
    expect(ageInWords(731)).toBe('2 years');
  });

  it('never shows a negative or broken age', () => {
    expect(ageInWords(-3)).toBe('Less than a day');
    expect(ageInWords(Number.NaN)).toBe('Less than a day');
  });
});

describe('formatDate', () => {
  it('writes day, short month and year in local time', () => {
    expect(formatDate(new Date(2027, 1, 26, 10, 48))).toBe('26 Feb 2027');
    expect(formatDate(new Date(2026, 10, 3))).toBe('3 Nov 2026');
  });

  it('reads RFC 3339 strings', () => {
    const local = new Date('2027-02-26T12:00:00Z');
    expect(formatDate('2027-02-26T12:00:00Z')).toBe(formatDate(local));
  });

  it('says so when the date cannot be read', () => {
    expect(formatDate('not a date')).toBe('unknown date');
  });
});

describe('formatDateTime', () => {
  it('adds the local time with two-digit hours and minutes', () => {
    expect(formatDateTime(new Date(2026, 10, 26, 9, 5))).toBe('26 Nov 2026 at 09:05');
  });
});

describe('isoDay', () => {
  it('gives the YYYY-MM-DD a date input uses', () => {
    expect(isoDay(new Date(2026, 0, 7))).toBe('2026-01-07');
  });
});

describe('formatShortDate', () => {
  it('leaves out the year when it is this year', () => {
    const now = new Date(2026, 10, 26, 12);
    expect(formatShortDate(new Date(2026, 10, 27, 9), now)).toBe('27 Nov');
    expect(formatShortDate(new Date(2027, 0, 2, 9), now)).toBe('2 Jan 2027');
    expect(formatShortDate('not a date', now)).toBe('unknown date');
  });
});

describe('lastShown', () => {
  const base = { created_at: '2026-11-26T09:05:00Z', credential_id: 'AKIAEXAMPLE', last_revealed_at: null as string | null };

  it('says when the secret was last shown', () => {
    expect(lastShown({ ...base, last_revealed_at: '2026-11-27T10:00:00Z' })).toBe(formatDateTime('2026-11-27T10:00:00Z'));
  });

  it('does not say "Never" for a key Keyward made, whose secret it showed once when making it', () => {
    expect(lastShown({ ...base, issuer: 'keyward' })).toBe(`Once, when it was made (${formatDateTime(base.created_at)})`);
    // Before keys said who issued them: Keyward's own credential IDs.
    expect(lastShown({ ...base, credential_id: 'kwid_abc' })).toBe(`Once, when it was made (${formatDateTime(base.created_at)})`);
  });

  it('says "Never" for a key added from elsewhere that was never shown', () => {
    expect(lastShown({ ...base, issuer: 'vendor' })).toBe('Never');
    expect(lastShown(base)).toBe('Never');
  });
});

describe('receivedWords', () => {
  const none = { received_from: null, received_for: null, received_at: null };

  it('says who handed a key over, for whom and when', () => {
    const at = '2026-03-02T10:00:00Z';
    expect(receivedWords({ received_from: 'sam on laptop-7', received_for: 'Bob in Finance', received_at: at })).toBe(
      `sam on laptop-7, for Bob in Finance, on ${formatDate(at)}`,
    );
    expect(receivedWords({ ...none, received_from: 'someone', received_at: at })).toBe(`someone, on ${formatDate(at)}`);
  });

  it('says nothing for a key that was not received from a shared file', () => {
    expect(receivedWords(none)).toBeNull();
  });
});
