/**
 * The team vault in the window: the Settings → Team form's checks and request, and the lead's Team
 * screen's words and the window of rows it asks the back end for. No network here; `api.ts` calls the back end.
 *
 * Promises: the credential typed in the form goes only into the request (never kept after it is
 * sent); the address rule is the back end's (https, or http to this computer); every text shown on
 * the Team screen is shown as text by Svelte, never as markup (the back end has already removed
 * control and text-direction characters).
 */
import { formatCount } from './numbers';
import type { Login, TeamConnectRequest, TeamGroup } from './types';

/** How the person logs in, as the form's radio buttons name it. */
export type LoginMethod = Login['method'];

/** What the Settings → Team form holds. */
export interface TeamForm {
  address: string;
  mount: string;
  prefix: string;
  method: LoginMethod;
  /** The userpass user name or the AppRole role ID. */
  who: string;
  /** The token, password or secret ID: sent once, never shown again. */
  credential: string;
  desktop: string;
}

/** A blank form with the defaults. */
export function emptyTeamForm(): TeamForm {
  return { address: '', mount: 'secret', prefix: 'keyward', method: 'token', who: '', credential: '', desktop: '' };
}

/** Why the vault address cannot be used, or null. Mirrors the back end's rule. */
export function vaultAddressProblem(text: string): string | null {
  const address = text.trim();
  if (address === '') return "Type the team vault's address, for example https://vault.example.com:8200.";
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'This is not a web address. Type the whole address, starting with https://.';
  }
  if (url.hostname === '') return 'This is not a web address. Type the whole address, starting with https://.';
  if (url.protocol === 'https:') return null;
  const host = url.hostname.toLowerCase();
  const local = host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (url.protocol === 'http:' && local) return null;
  return 'The address must start with https:// so that nobody on the network can read or change what Keyward sends.';
}

/** The first problem with the form (field id and sentence), or null. `needCredential` when nothing is stored yet. */
export function teamFormProblem(form: TeamForm, needCredential: boolean): { field: string; message: string } | null {
  const address = vaultAddressProblem(form.address);
  if (address) return { field: 'team-address', message: address };
  if (form.mount.trim() === '') return { field: 'team-mount', message: 'Type the mount of the key-value engine, for example secret.' };
  if (form.method !== 'token' && form.who.trim() === '') {
    return { field: 'team-who', message: form.method === 'userpass' ? 'Type your vault user name.' : 'Type the role ID.' };
  }
  if (needCredential && form.credential.trim() === '') {
    return { field: 'team-credential', message: `Type the ${credentialWord(form.method)}.` };
  }
  return null;
}

/** "token", "password", "secret ID". */
export function credentialWord(method: LoginMethod): string {
  return method === 'token' ? 'token' : method === 'userpass' ? 'password' : 'secret ID';
}

/** The request for the back end; a blank credential means "the one stored". */
export function teamRequest(form: TeamForm): TeamConnectRequest {
  const login: Login =
    form.method === 'token'
      ? { method: 'token' }
      : form.method === 'userpass'
        ? { method: 'userpass', user: form.who.trim() }
        : { method: 'approle', role_id: form.who.trim() };
  const blank = (text: string) => (text.trim() === '' ? null : text.trim());
  return {
    address: form.address.trim(),
    mount: form.mount.trim(),
    prefix: blank(form.prefix),
    login,
    credential: form.credential === '' ? null : form.credential,
    desktop: blank(form.desktop),
  };
}

/**
 * Rows of the Team screen's key list asked of the back end at once (the search is done there): the
 * rows in view (about 16) and a screen's worth on each side, so that each keystroke's answer is
 * small and scrolling asks again only every dozen rows or so.
 */
export const TEAM_WINDOW = 48;

/**
 * The first row to ask the back end for so that rows `[start, end)` are held (a window of
 * `size` centred on them), or null when the rows held, `[heldStart, heldEnd)`, cover them.
 */
export function windowToFetch(start: number, end: number, heldStart: number, heldEnd: number, size = TEAM_WINDOW): number | null {
  if (start >= heldStart && end <= heldEnd) return null;
  return Math.max(0, Math.floor((start + end) / 2) - Math.floor(size / 2));
}

/** "12 keys overdue across 5 people", "No key is overdue". */
export function overdueSummary(overdue: number, people: number): string {
  if (overdue === 0) return 'No key is overdue.';
  return `${countOf(overdue, 'key', 'keys')} overdue across ${countOf(people, 'person', 'people')}.`;
}

/** "1 key", "100,000 keys": a count with its word, thousands grouped as every count in Keyward. */
export function countOf(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${formatCount(n)} ${many}`;
}

/** A line of "Per person" or "Per service": "ann: 20,000 keys, 1,024 overdue". */
export function groupLine(group: TeamGroup): string {
  const overdue = group.overdue ? `, ${formatCount(group.overdue)} overdue` : '';
  return `${group.name}: ${countOf(group.keys, 'key', 'keys')}${overdue}`;
}

/** Under the search box: "12,000 of 100,000 keys." */
export function matchingLine(matching: number, keys: number): string {
  return `${formatCount(matching)} of ${formatCount(keys)} keys.`;
}

/** Under a cut list: "The 50 most overdue of 2,000 people." */
export function mostOverdueOf(shown: number, all: number, what: string): string {
  return `The ${formatCount(shown)} most overdue of ${formatCount(all)} ${what}.`;
}

/** After a key's status: ", 12 days" overdue, or nothing. */
export function daysOverdue(days: number): string {
  return days > 0 ? `, ${formatCount(days)} days` : '';
}

/** "today", "1 day ago", "9 days ago", "never". */
export function sharedAgo(days: number | null): string {
  if (days === null) return 'never';
  if (days === 0) return 'today';
  return days === 1 ? '1 day ago' : `${formatCount(days)} days ago`;
}
