import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDate, formatDateTime, formatShortDate, isoDay } from './dates';
import { statusText } from './rotation';

// The window shows the RFC 3339 UTC instants the back end sends as local dates, in the same
// zone the back end counts in (both follow the computer's zone, `TZ` here). These are the
// issue's examples and the zones the back end is tested under.
function inZone(zone: string): void {
  // Sets process.env.TZ, which Node reads again whenever it is assigned.
  vi.stubEnv('TZ', zone);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('dates in the computer time zone', () => {
  it('shows a St John’s key made 28 Feb 22:00 as due 28 May 22:00 (UTC−3:30 / −2:30)', () => {
    inZone('America/St_Johns');
    expect(formatDateTime('2023-03-01T01:30:00Z')).toBe('28 Feb 2023 at 22:00');
    expect(formatDateTime('2023-05-29T00:30:00Z')).toBe('28 May 2023 at 22:00');
    expect(formatDate('2023-05-29T00:30:00Z')).toBe('28 May 2023');
    expect(statusText('ok', 40, '2023-05-29T00:30:00Z')).toBe('OK — rotate by 28 May 2023');
  });

  it('shows an Apia key made 1 Mar 08:00 as due 1 Jun 08:00 (UTC+13)', () => {
    inZone('Pacific/Apia');
    expect(formatDateTime('2024-02-29T19:00:00Z')).toBe('1 Mar 2024 at 08:00');
    expect(formatDateTime('2024-05-31T19:00:00Z')).toBe('1 Jun 2024 at 08:00');
    expect(formatShortDate('2024-05-31T19:00:00Z', new Date('2024-03-01T00:00:00Z'))).toBe('1 Jun');
  });

  it('keeps quarter- and half-hour offsets and both hemispheres’ daylight saving', () => {
    inZone('Asia/Kathmandu');
    expect(formatDateTime('2026-04-30T18:05:00Z')).toBe('30 Apr 2026 at 23:50');
    inZone('Australia/Lord_Howe');
    expect(formatDateTime('2026-10-03T15:45:00Z')).toBe('4 Oct 2026 at 02:45');
    inZone('Europe/Berlin');
    expect(formatDateTime('2026-04-15T07:30:00Z')).toBe('15 Apr 2026 at 09:30');
    expect(formatDateTime('2026-01-15T08:30:00Z')).toBe('15 Jan 2026 at 09:30');
    inZone('Australia/Sydney');
    expect(formatDateTime('2026-05-14T23:30:00Z')).toBe('15 May 2026 at 09:30');
    expect(formatDateTime('2026-02-14T22:30:00Z')).toBe('15 Feb 2026 at 09:30');
  });

  it('gives the local day for the Add screen’s date field, as the back end reads it', () => {
    inZone('Pacific/Apia');
    expect(isoDay(new Date('2024-02-29T19:00:00Z'))).toBe('2024-03-01');
    inZone('America/St_Johns');
    expect(isoDay(new Date('2023-03-01T01:30:00Z'))).toBe('2023-02-28');
  });
});
