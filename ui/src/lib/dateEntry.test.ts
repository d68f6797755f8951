import { afterEach, describe, expect, it } from 'vitest';
import { datePattern, dateLocale, parseDate, setDateLocale, writeDate } from './dateEntry';

afterEach(() => setDateLocale(null));

describe('dates typed into forms follow the person\'s locale', () => {
  it('uses the order each locale writes dates in', () => {
    expect(datePattern('de-DE')).toEqual({ order: ['day', 'month', 'year'], separator: '.', placeholder: 'DD.MM.YYYY' });
    expect(datePattern('en-GB')).toEqual({ order: ['day', 'month', 'year'], separator: '/', placeholder: 'DD/MM/YYYY' });
    expect(datePattern('en-US')).toEqual({ order: ['month', 'day', 'year'], separator: '/', placeholder: 'MM/DD/YYYY' });
    expect(datePattern(null).placeholder).toBe('YYYY-MM-DD');
  });

  it('reads "03.04.2026" as 3 April in Germany and as March 4 in the United States', () => {
    expect(parseDate('03.04.2026', datePattern('de-DE'))).toBe('2026-04-03');
    expect(parseDate('03/04/2026', datePattern('en-US'))).toBe('2026-03-04');
    expect(parseDate('2026-04-03', datePattern(null))).toBe('2026-04-03');
    expect(parseDate(' 3 / 4 / 26 ', datePattern('en-GB'))).toBe('2026-04-03');
  });

  it('refuses what is not a real date', () => {
    const de = datePattern('de-DE');
    for (const text of ['', '31.02.2026', '13.13.2026', '1.2', 'today', '00.01.2026', '01.01.1900']) expect(parseDate(text, de), text).toBeNull();
  });

  it('writes a date back in the same order', () => {
    expect(writeDate('2026-04-03', datePattern('de-DE'))).toBe('03.04.2026');
    expect(writeDate('2026-04-03', datePattern('en-US'))).toBe('04/03/2026');
  });

  it('takes the locale the page carries, and ignores one that is not a locale', () => {
    setDateLocale('de-DE');
    expect(dateLocale()).toBe('de-DE');
    expect(datePattern().separator).toBe('.');
    setDateLocale('not a locale!');
    expect(dateLocale()).toBeNull();
  });
});
