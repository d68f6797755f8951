import { describe, expect, it } from 'vitest';
import { countOf, daysOverdue, emptyTeamForm, groupLine, matchingLine, mostOverdueOf, overdueSummary, sharedAgo, teamFormProblem, teamRequest, vaultAddressProblem, windowToFetch, TEAM_WINDOW } from './team';
import teamScreen from './screens/TeamScreen.svelte?raw';

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
  it('asks the back end for a window around the rows in view, only when they are not held', () => {
    expect(windowToFetch(0, 20, 0, 0)).toBe(0);
    expect(windowToFetch(0, 20, 0, TEAM_WINDOW)).toBeNull();
    expect(windowToFetch(100, 130, 0, TEAM_WINDOW)).toBe(115 - TEAM_WINDOW / 2);
    expect(windowToFetch(5, 25, 0, 0)).toBe(0);
    expect(windowToFetch(0, 0, 0, 0)).toBeNull();
  });

  it('sums up in words', () => {
    expect(overdueSummary(12, 5)).toBe('12 keys overdue across 5 people.');
    expect(overdueSummary(1, 1)).toBe('1 key overdue across 1 person.');
    expect(overdueSummary(0, 0)).toBe('No key is overdue.');
    expect(sharedAgo(null)).toBe('never');
    expect(sharedAgo(9)).toBe('9 days ago');
  });
});

describe("the Team screen's counts", () => {
  it('group thousands, as every other count in Keyward', () => {
    expect(overdueSummary(12_345, 1_200)).toBe('12,345 keys overdue across 1,200 people.');
    expect(countOf(100_000, 'key', 'keys')).toBe('100,000 keys');
    expect(countOf(1, 'desktop', 'desktops')).toBe('1 desktop');
    expect(countOf(1_500, 'desktop', 'desktops')).toBe('1,500 desktops');
    expect(groupLine({ name: 'ann', keys: 20_000, overdue: 1_024 })).toBe('ann: 20,000 keys, 1,024 overdue');
    expect(groupLine({ name: 'stripe', keys: 1, overdue: 0 })).toBe('stripe: 1 key');
    expect(matchingLine(12_000, 100_000)).toBe('12,000 of 100,000 keys.');
    expect(mostOverdueOf(50, 2_000, 'people')).toBe('The 50 most overdue of 2,000 people.');
    expect(daysOverdue(1_100)).toBe(', 1,100 days');
    expect(daysOverdue(0)).toBe('');
    expect(sharedAgo(1_000)).toBe('1,000 days ago');
  });

  it('are never written raw in the screen', () => {
    const markup = teamScreen.replace(/<script[\s\S]*?<\/script>/, '').replace(/<style[\s\S]*?<\/style>/, '');
    // A number put in the text as it is: `{desktop.keys}`, `{matching}`, `${group.overdue}`.
    const raw = markup.match(/\$?\{(?:matching|(?:summary|desktop|group|key)\.(?:keys|overdue|people|services|days_overdue|desktops\.length|per_person\.length|per_service\.length))\}/g);
    expect(raw, 'counts go through formatCount (lib/numbers.ts)').toBeNull();
  });
});
