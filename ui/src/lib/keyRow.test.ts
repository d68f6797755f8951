import { describe, expect, it } from 'vitest';
import { keyRowLabel } from './keyRow';
import type { KeyView } from './types';

const NOW = new Date('2026-11-26T12:00:00Z');

const KEY: KeyView = {
  id: 'a',
  name: 'maps-01_07_2026-09_30',
  service: 'Maps',
  application: null,
  credential_id: 'kw_a',
  notes: '',
  created_at: '2026-07-01T09:30:00Z',
  rotate_by: '2026-09-29T09:30:00Z',
  age_days: 148,
  status: 'overdue',
  attention: 'rotate',
  days_until_due: -58,
  last_copied_at: null,
  last_revealed_at: null,
  replaced_by: null,
  delete_after: null,
  snoozed_until: null,
  issuer: 'keyward',
  vendor: null,
  vendor_display_name: null,
  vendor_dashboard_url: null,
  owner: null,
  leaked: false,
  leaked_at: null,
  rotation: null,
  replaced_by_name: null,
  received_from: null,
  received_for: null,
  received_at: null,
};

describe('keyRowLabel', () => {
  it('reads as one sentence with everything the row shows', () => {
    expect(keyRowLabel(KEY, NOW)).toBe('maps-01_07_2026-09_30, service Maps, application No application, 4 months old, Rotate now — 58 days overdue');
  });

  it('names the application, and a replaced key by what to do with it', () => {
    const replaced = { ...KEY, application: 'Shop website', replaced_by: 'b', delete_after: '2026-11-20T00:00:00Z', attention: 'delete' as const };
    expect(keyRowLabel(replaced, NOW)).toBe('maps-01_07_2026-09_30, service Maps, application Shop website, 4 months old, Replaced — delete it now');
  });

  it('says when reminders are paused, and not once the pause is over', () => {
    const paused = { ...KEY, snoozed_until: '2026-11-30T08:00:00Z' };
    expect(keyRowLabel(paused, NOW)).toBe(
      'maps-01_07_2026-09_30, service Maps, application No application, 4 months old, Rotate now — 58 days overdue, Reminders paused until 30 Nov',
    );
    expect(keyRowLabel(paused, new Date('2026-12-01T00:00:00Z'))).not.toContain('paused');
  });
});
