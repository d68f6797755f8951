/**
 * The Settings form: the numbers as typed, checked as the person types, with the same limits
 * and sentences as the back end (which checks again and has the last word).
 *
 * Promises: a value out of range or not a whole number gives a sentence and is never sent;
 * a rotation period over three months gives a warning that does not block saving. With an
 * organisation's policy, a value looser than it allows gives the back end's sentence naming the
 * organisation's limit, and a setting the policy leaves no choice about is locked ("Set by your
 * organisation").
 */
import type { OrgPolicy, Settings } from './types';

/** The settings typed as numbers. */
export type NumberSetting = 'rotation_months' | 'lead_time_days' | 'repeat_days' | 'grace_days' | 'clipboard_clear_seconds';

export const NUMBER_SETTINGS: readonly NumberSetting[] = [
  'rotation_months',
  'lead_time_days',
  'repeat_days',
  'grace_days',
  'clipboard_clear_seconds',
];

/** The allowed range of each number, and the sentence the back end uses when it is out of range. */
export const LIMITS: Record<NumberSetting, { min: number; max: number; outOfRange: string }> = {
  rotation_months: { min: 1, max: 24, outOfRange: 'The rotation period must be between 1 and 24 months.' },
  lead_time_days: { min: 1, max: 60, outOfRange: 'Reminders can start between 1 and 60 days before a key is due.' },
  repeat_days: { min: 1, max: 60, outOfRange: 'Overdue reminders can repeat every 1 to 60 days.' },
  grace_days: { min: 1, max: 90, outOfRange: 'A replaced key can be kept for 1 to 90 days.' },
  clipboard_clear_seconds: { min: 5, max: 600, outOfRange: 'The clipboard can be cleared after 5 to 600 seconds.' },
};

/** The form's state: the numbers are kept as the text typed, so a half-typed value is not lost. */
export type SettingsDraft = Omit<Settings, NumberSetting> & Record<NumberSetting, string>;

export function toDraft(settings: Settings): SettingsDraft {
  const draft = { ...settings } as unknown as SettingsDraft;
  for (const field of NUMBER_SETTINGS) draft[field] = String(settings[field]);
  return draft;
}

/** The whole number typed, or null when the text is not one. */
function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** What is wrong with a typed number, or null when it can be saved. */
export function numberProblem(field: NumberSetting, text: string, policy: OrgPolicy = NO_POLICY): string | null {
  const { min, max, outOfRange } = LIMITS[field];
  const value = wholeNumber(text);
  if (value === null) return `Type a whole number from ${min} to ${max}.`;
  if (value < min || value > max) return outOfRange;
  return policyProblem(field, value, policy);
}

/** Every field with a problem, and its sentence. Empty when the form can be saved. */
export function draftProblems(draft: SettingsDraft, policy: OrgPolicy = NO_POLICY): Partial<Record<NumberSetting, string>> {
  const problems: Partial<Record<NumberSetting, string>> = {};
  for (const field of NUMBER_SETTINGS) {
    const problem = numberProblem(field, draft[field], policy);
    if (problem) problems[field] = problem;
  }
  return problems;
}

/** No organisation policy: no limits beyond Keyward's own. */
export const NO_POLICY: OrgPolicy = {
  rotation_months: null,
  min_lead_time_days: null,
  max_repeat_days: null,
  max_snooze_days: null,
  max_snoozes_per_stage: null,
  notifications_required: null,
};

export const SET_BY_ORGANISATION = 'Set by your organisation';

const plural = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

/**
 * The sentence the back end gives when `value` is looser than the organisation allows (the same
 * words), or null when the policy allows it.
 */
export function policyProblem(field: NumberSetting, value: number, policy: OrgPolicy): string | null {
  if (field === 'rotation_months' && policy.rotation_months !== null && value > policy.rotation_months) {
    const cap = policy.rotation_months === 1 ? 'month' : `${policy.rotation_months} months`;
    return `Your organisation requires keys to be rotated at least every ${cap}, so ${plural(value, 'month', 'months')} is not allowed.`;
  }
  if (field === 'lead_time_days' && policy.min_lead_time_days !== null && value < policy.min_lead_time_days) {
    return `Your organisation requires reminders to start at least ${plural(policy.min_lead_time_days, 'day', 'days')} before a key is due, so ${plural(value, 'day', 'days')} is not allowed.`;
  }
  if (field === 'repeat_days' && policy.max_repeat_days !== null && value > policy.max_repeat_days) {
    return `Your organisation requires overdue reminders to repeat at least every ${plural(policy.max_repeat_days, 'day', 'days')}, so every ${plural(value, 'day', 'days')} is not allowed.`;
  }
  return null;
}

/** How the organisation's policy bears on one setting in the form. */
export interface PolicyLimit {
  /** The policy leaves no other choice: the control is shown disabled with this value. */
  locked: boolean;
  /** The range the person may still choose from (numbers only). */
  min: number;
  max: number;
  /** The sentence shown with the control and read with it by screen readers. */
  note: string;
}

/** What the organisation's policy says about `field`, or null when it sets no limit on it. */
export function policyLimit(field: NumberSetting | 'notifications', policy: OrgPolicy): PolicyLimit | null {
  if (field === 'notifications') {
    if (policy.notifications_required !== true) return null;
    return {
      locked: true,
      min: 0,
      max: 0,
      note: `${SET_BY_ORGANISATION}: desktop notifications stay on.`,
    };
  }
  const { min, max } = LIMITS[field];
  if (field === 'rotation_months' && policy.rotation_months !== null) {
    const cap = Math.min(max, policy.rotation_months);
    return cap <= min
      ? { locked: true, min, max: min, note: `${SET_BY_ORGANISATION}: keys are rotated every month.` }
      : {
          locked: false,
          min,
          max: cap,
          note: `Limited by your organisation: at most ${cap} months. You can choose a shorter period.`,
        };
  }
  if (field === 'lead_time_days' && policy.min_lead_time_days !== null) {
    const floor = Math.max(min, policy.min_lead_time_days);
    return floor >= max
      ? { locked: true, min: max, max, note: `${SET_BY_ORGANISATION}: reminders start ${max} days before a key is due.` }
      : {
          locked: false,
          min: floor,
          max,
          note: `Limited by your organisation: at least ${plural(floor, 'day', 'days')}. You can choose more.`,
        };
  }
  if (field === 'repeat_days' && policy.max_repeat_days !== null) {
    const cap = Math.min(max, policy.max_repeat_days);
    return cap <= min
      ? { locked: true, min, max: min, note: `${SET_BY_ORGANISATION}: overdue reminders repeat every day.` }
      : {
          locked: false,
          min,
          max: cap,
          note: `Limited by your organisation: at most every ${plural(cap, 'day', 'days')}. You can choose more often.`,
        };
  }
  return null;
}

/** The settings to send, or null while a field has a problem. */
export function fromDraft(draft: SettingsDraft, policy: OrgPolicy = NO_POLICY): Settings | null {
  if (Object.keys(draftProblems(draft, policy)).length > 0) return null;
  const settings = { ...draft } as unknown as Settings;
  for (const field of NUMBER_SETTINGS) settings[field] = Number(draft[field].trim());
  return settings;
}

export const ROTATION_GUIDANCE = "Your security team's guidance is to rotate at least every three months.";

/** The warning for a rotation period longer than the guidance; null otherwise (or while unreadable). */
export function rotationWarning(monthsText: string): string | null {
  const months = wholeNumber(monthsText);
  return months !== null && months > 3 ? ROTATION_GUIDANCE : null;
}

/** Does the draft differ from what is saved? */
export function isChanged(draft: SettingsDraft, saved: Settings): boolean {
  const typed = fromDraft(draft, NO_POLICY);
  if (!typed) return true;
  return (Object.keys(saved) as (keyof Settings)[]).some((field) => typed[field] !== saved[field]);
}

/**
 * What is wrong with a team channel address, or null when it can be sent. It must be a web
 * address that starts with https://, so that reminders travel encrypted (the back end also
 * accepts http:// to this computer itself, and so does this check).
 */
export function channelAddressProblem(text: string): string | null {
  const address = text.trim();
  if (address === '') return 'Paste the address of your team channel.';
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'This is not a web address. Copy the whole address, starting with https://.';
  }
  if (url.hostname === '') return 'This is not a web address. Copy the whole address, starting with https://.';
  if (url.protocol === 'https:') return null;
  // Like the back end: plain http:// only to this computer itself (a local relay), never over the network.
  if (url.protocol === 'http:' && isThisComputer(url.hostname)) return null;
  return 'The address must start with https:// so that messages are sent securely.';
}

function isThisComputer(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
