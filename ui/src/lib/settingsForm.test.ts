import { describe, expect, it } from 'vitest';
import {
  channelAddressProblem,
  draftProblems,
  fromDraft,
  isChanged,
  NO_POLICY,
  numberProblem,
  policyLimit,
  ROTATION_GUIDANCE,
  rotationWarning,
  toDraft,
} from './settingsForm';
import type { Settings } from './types';

const DEFAULTS: Settings = {
  rotation_months: 3,
  lead_time_days: 14,
  repeat_days: 7,
  grace_days: 7,
  notifications: true,
  start_at_login: false,
  clipboard_clear_seconds: 30,
  webhook_format: 'slack',
  webhook_include_credential_ids: false,
  backup_reminder: false,
};

describe('numberProblem', () => {
  it('accepts whole numbers in range, with spaces around', () => {
    expect(numberProblem('rotation_months', '1')).toBeNull();
    expect(numberProblem('rotation_months', ' 24 ')).toBeNull();
    expect(numberProblem('clipboard_clear_seconds', '600')).toBeNull();
  });

  it('uses the back end’s sentence for a value out of range', () => {
    expect(numberProblem('rotation_months', '0')).toBe('The rotation period must be between 1 and 24 months.');
    expect(numberProblem('rotation_months', '25')).toBe('The rotation period must be between 1 and 24 months.');
    expect(numberProblem('lead_time_days', '61')).toBe('Reminders can start between 1 and 60 days before a key is due.');
    expect(numberProblem('repeat_days', '0')).toBe('Overdue reminders can repeat every 1 to 60 days.');
    expect(numberProblem('grace_days', '91')).toBe('A replaced key can be kept for 1 to 90 days.');
    expect(numberProblem('clipboard_clear_seconds', '4')).toBe('The clipboard can be cleared after 5 to 600 seconds.');
  });

  it('asks for a whole number when the text is not one', () => {
    for (const text of ['', ' ', '2.5', '-1', 'three', '1e2']) {
      expect(numberProblem('grace_days', text), text).toBe('Type a whole number from 1 to 90.');
    }
  });
});

describe('the draft', () => {
  it('round-trips the settings', () => {
    expect(fromDraft(toDraft(DEFAULTS))).toEqual(DEFAULTS);
    expect(isChanged(toDraft(DEFAULTS), DEFAULTS)).toBe(false);
  });

  it('lists every field with a problem and sends nothing then', () => {
    const draft = { ...toDraft(DEFAULTS), rotation_months: '30', clipboard_clear_seconds: '' };
    expect(Object.keys(draftProblems(draft)).sort()).toEqual(['clipboard_clear_seconds', 'rotation_months']);
    expect(fromDraft(draft)).toBeNull();
  });

  it('notices changes', () => {
    expect(isChanged({ ...toDraft(DEFAULTS), grace_days: '14' }, DEFAULTS)).toBe(true);
    expect(isChanged({ ...toDraft(DEFAULTS), notifications: false }, DEFAULTS)).toBe(true);
    expect(isChanged({ ...toDraft(DEFAULTS), grace_days: ' 7' }, DEFAULTS)).toBe(false);
  });
});

describe('rotationWarning', () => {
  it('warns above three months, and only then', () => {
    expect(rotationWarning('3')).toBeNull();
    expect(rotationWarning('1')).toBeNull();
    expect(rotationWarning('4')).toBe(ROTATION_GUIDANCE);
    expect(rotationWarning('24')).toBe("Your security team's guidance is to rotate at least every three months.");
  });

  it('does not warn about text that is not a number (the field says that)', () => {
    expect(rotationWarning('')).toBeNull();
    expect(rotationWarning('six')).toBeNull();
  });
});

describe('channelAddressProblem', () => {
  it('accepts an https address', () => {
    expect(channelAddressProblem('https://hooks.example.com/services/T000/B000/XXXX')).toBeNull();
    expect(channelAddressProblem('  https://example.webhook.office.com/abc  ')).toBeNull();
  });

  it('asks for https', () => {
    expect(channelAddressProblem('http://hooks.example.com/x')).toBe(
      'The address must start with https:// so that messages are sent securely.',
    );
    expect(channelAddressProblem('ftp://hooks.example.com/x')).toBe(
      'The address must start with https:// so that messages are sent securely.',
    );
    expect(channelAddressProblem('http://127.0.0.1.example.com/x')).not.toBeNull();
  });

  it('accepts plain http only to this computer, as the back end does', () => {
    expect(channelAddressProblem('http://localhost:8080/hook')).toBeNull();
    expect(channelAddressProblem('http://127.0.0.1:9000/hook')).toBeNull();
    expect(channelAddressProblem('http://[::1]:9000/hook')).toBeNull();
  });

  it('explains an empty or broken address', () => {
    expect(channelAddressProblem('')).toBe('Paste the address of your team channel.');
    expect(channelAddressProblem('hooks.example.com/x')).toMatch(/^This is not a web address/);
    expect(channelAddressProblem('https://')).toMatch(/^This is not a web address/);
  });
});

describe('the organisation\'s policy in the form', () => {
  const policy = { ...NO_POLICY, rotation_months: 3, min_lead_time_days: 21, notifications_required: true };

  it('refuses a looser value with the back end\'s sentence naming the limit, and allows a stricter one', () => {
    expect(numberProblem('rotation_months', '6', policy)).toBe(
      'Your organisation requires keys to be rotated at least every 3 months, so 6 months is not allowed.',
    );
    expect(numberProblem('rotation_months', '2', policy)).toBeNull();
    expect(numberProblem('lead_time_days', '14', policy)).toBe(
      'Your organisation requires reminders to start at least 21 days before a key is due, so 14 days is not allowed.',
    );
    expect(numberProblem('lead_time_days', '30', policy)).toBeNull();
    expect(fromDraft(toDraft({ ...DEFAULTS, rotation_months: 6 }), policy)).toBeNull();
    expect(fromDraft(toDraft({ ...DEFAULTS, lead_time_days: 21 }), policy)).not.toBeNull();
  });

  it('locks a setting the policy leaves no choice about and limits the others', () => {
    expect(policyLimit('notifications', policy)).toMatchObject({ locked: true, note: 'Set by your organisation: desktop notifications stay on.' });
    expect(policyLimit('rotation_months', policy)).toMatchObject({ locked: false, max: 3 });
    expect(policyLimit('rotation_months', policy)?.note).toContain('Limited by your organisation: at most 3 months');
    expect(policyLimit('rotation_months', { ...NO_POLICY, rotation_months: 1 })).toMatchObject({ locked: true });
    expect(policyLimit('rotation_months', { ...NO_POLICY, rotation_months: 1 })?.note).toMatch(/^Set by your organisation/);
    expect(policyLimit('repeat_days', { ...NO_POLICY, max_repeat_days: 1 })).toMatchObject({ locked: true });
    expect(policyLimit('grace_days', policy)).toBeNull();
    expect(policyLimit('notifications', NO_POLICY)).toBeNull();
    expect(policyLimit('rotation_months', NO_POLICY)).toBeNull();
  });
});
