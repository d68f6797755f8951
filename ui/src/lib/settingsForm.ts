/**
 * The Settings form: the numbers as typed, checked as the person types, with the same limits
 * and sentences as the back end (which checks again and has the last word).
 *
 * Promises: a value out of range or not a whole number gives a sentence and is never sent;
 * a rotation period over three months gives a warning that does not block saving.
 */
import type { Settings } from './types';

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
export function numberProblem(field: NumberSetting, text: string): string | null {
  const { min, max, outOfRange } = LIMITS[field];
  const value = wholeNumber(text);
  if (value === null) return `Type a whole number from ${min} to ${max}.`;
  return value < min || value > max ? outOfRange : null;
}

/** Every field with a problem, and its sentence. Empty when the form can be saved. */
export function draftProblems(draft: SettingsDraft): Partial<Record<NumberSetting, string>> {
  const problems: Partial<Record<NumberSetting, string>> = {};
  for (const field of NUMBER_SETTINGS) {
    const problem = numberProblem(field, draft[field]);
    if (problem) problems[field] = problem;
  }
  return problems;
}

/** The settings to send, or null while a field has a problem. */
export function fromDraft(draft: SettingsDraft): Settings | null {
  if (Object.keys(draftProblems(draft)).length > 0) return null;
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
  const typed = fromDraft(draft);
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
