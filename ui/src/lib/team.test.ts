import { describe, expect, it } from 'vitest';
import { emptyTeamForm, filterTeamKeys, overdueSummary, sharedAgo, teamFormProblem, teamRequest, vaultAddressProblem } from './team';
import type { TeamKey } from './types';

describe('the team vault address', () => {
  it('is https, or http to this computer only, like the back end', () => {
    expect(vaultAddressProblem('https://vault.example.com:8200')).toBeNull();
    expect(vaultAddressProblem('http://127.0.0.1:8200')).toBeNull();
    expect(vaultAddressProblem('http://localhost:8200')).toBeNull();
    expect(vaultAddressProblem('http://vault.example.com:8200')).toMatch(/https:\/\//);
    expect(vaultAddressProblem('vault')).toMatch(/not a web address/);
    expect(vaultAddressProblem('')).toMatch(/address/);
  });
});

describe('the Settings → Team form', () => {
  it('asks for the user name or role ID and the credential it needs', () => {
    const form = { ...emptyTeamForm(), address: 'https://v', method: 'userpass' as const };
    expect(teamFormProblem(form, true)?.field).toBe('team-who');
    expect(teamFormProblem({ ...form, who: 'ann' }, true)?.message).toBe('Type the password.');
    expect(teamFormProblem({ ...form, who: 'ann' }, false)).toBeNull();
  });

  it('sends blanks as null so the back end uses its defaults and the stored credential', () => {
    const request = teamRequest({ ...emptyTeamForm(), address: ' https://v ', prefix: ' ', method: 'approle', who: 'r1' });
    expect(request).toEqual({
      address: 'https://v',
      mount: 'secret',
      prefix: null,
      login: { method: 'approle', role_id: 'r1' },
      credential: null,
      desktop: null,
    });
  });
});

describe('the Team screen', () => {
  const key = (over: Partial<TeamKey>): TeamKey => ({
    desktop: 'ann@pc1',
    user: 'ann',
    computer: 'pc1',
    name: 'payments-01',
    service: 'payments',
    application: null,
    vendor: null,
    owner: null,
    status: 'ok',
    days_overdue: 0,
    rotate_by: '2027-01-01T00:00:00Z',
    created_at: '2026-10-01T00:00:00Z',
    replaced: false,
    leaked: false,
    last_shared_at: null,
    desktop_silent: false,
    leak_checked_at: null,
    leak_found_at: null,
    ...over,
  });

  it('searches every word across desktop, person, key and service', () => {
    const keys = [key({}), key({ desktop: 'bob@pc2', user: 'bob', service: 'mail', name: 'mail-01' })];
    expect(filterTeamKeys(keys, 'bob mail').map((k) => k.name)).toEqual(['mail-01']);
    expect(filterTeamKeys(keys, '')).toHaveLength(2);
    expect(filterTeamKeys(keys, 'PAYMENTS')).toHaveLength(1);
  });

  it('sums up in words', () => {
    expect(overdueSummary(12, 5)).toBe('12 keys overdue across 5 people.');
    expect(overdueSummary(1, 1)).toBe('1 key overdue across 1 person.');
    expect(overdueSummary(0, 0)).toBe('No key is overdue.');
    expect(sharedAgo(null)).toBe('never');
    expect(sharedAgo(9)).toBe('9 days ago');
  });
});
