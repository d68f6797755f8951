/**
 * DEV-ONLY fake of Keyward's back end, for the preview. Installs
 * `window.__TAURI_INTERNALS__.invoke`, which `@tauri-apps/api/core`'s `invoke` calls, and answers
 * the same commands with the same shapes and error codes as the real one, from memory.
 * Rotation: due three calendar months after creation, "due soon" 14 days before.
 */
import type { AddRequest, AppStatus, ErrorCode, GenerateRequest, KeychainState, KeyView, RotationStatus } from '../src/lib/types';

const DAY = 86_400_000;
const LEAD_DAYS = 14;

interface StoredKey {
  view: Omit<KeyView, 'age_days' | 'status' | 'days_until_due' | 'rotate_by'>;
  secret: string;
}

function fail(code: ErrorCode, message: string): never {
  throw { code, message };
}

function addMonthsClamped(date: Date, months: number): Date {
  const result = new Date(date);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

function view(stored: StoredKey, now: Date): KeyView {
  const created = new Date(stored.view.created_at);
  const rotateBy = addMonthsClamped(created, 3);
  const untilDue = Math.floor((rotateBy.getTime() - now.getTime()) / DAY);
  const status: RotationStatus = now >= rotateBy ? 'overdue' : untilDue < LEAD_DAYS ? 'due_soon' : 'ok';
  return {
    ...stored.view,
    rotate_by: rotateBy.toISOString(),
    age_days: Math.max(0, Math.floor((now.getTime() - created.getTime()) / DAY)),
    status,
    days_until_due: status === 'overdue' ? Math.min(untilDue, 0) : untilDue,
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

function slug(service: string): string {
  const result = service.trim().toLowerCase().replace(/\s+/g, '-');
  if (result === '') fail('invalid_input', 'Type the name of the service this key is for.');
  if (/[/\\]/.test(result)) fail('invalid_input', 'A service name cannot contain “/” or “\\”.');
  return result;
}

function conventionalName(service: string, at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${slug(service)}-${p(at.getDate())}_${p(at.getMonth() + 1)}_${at.getFullYear()}-${p(at.getHours())}_${p(at.getMinutes())}`;
}

const SERVICES = [
  ['Payments API', 'Shop website'],
  ['Maps', 'Delivery app'],
  ['Email sending', 'Newsletter tool'],
  ['Customer records', 'Support desk'],
  ['Weather data', null],
  ['Translation', 'Help centre'],
  ['Invoices', 'Accounting app'],
  ['Search', 'Intranet'],
] as const;

function seed(kind: string, now: Date): StoredKey[] {
  const make = (i: number, service: string, application: string | null, created: Date, notes = ''): StoredKey => ({
    view: {
      id: `key-${i}`,
      name: conventionalName(service, created),
      service,
      application,
      credential_id: `kwid_${randomText(20)}`,
      notes,
      created_at: created.toISOString(),
      last_copied_at: i % 3 === 0 ? new Date(created.getTime() + 2 * DAY).toISOString() : null,
      last_revealed_at: i % 4 === 0 ? new Date(created.getTime() + 5 * DAY).toISOString() : null,
      replaced_by: null,
      delete_after: null,
      snoozed_until: null,
    },
    secret: `kw_sec_${randomText(43)}`,
  });
  if (kind === '0') return [];
  if (kind === 'mixed') {
    const ago = (days: number, hour: number) => {
      const d = new Date(now.getTime() - days * DAY);
      d.setHours(hour, 15 + days % 40, 0, 0);
      return d;
    };
    return [
      make(1, 'Payments API', 'Shop website', ago(3, 10), 'Asked for by Priya for the new checkout.'),
      make(2, 'Maps', 'Delivery app', ago(30, 9)),
      make(3, 'Email sending', null, ago(55, 14)),
      make(4, 'Customer records', 'Support desk', ago(80, 11)),
      make(5, 'Weather data', 'Intranet', ago(84, 16)),
      make(6, 'Translation', 'Help centre', ago(88, 8)),
      make(7, 'Invoices', 'Accounting app', ago(104, 13), 'Used by the monthly billing run.\nReplace before the audit.'),
      make(8, 'Search', 'Intranet', ago(170, 15)),
      make(9, 'Payments API', 'Mobile app', ago(400, 10)),
    ];
  }
  const count = Number(kind);
  return Array.from({ length: Number.isFinite(count) ? count : 0 }, (_, i) => {
    const [service, application] = SERVICES[i % SERVICES.length];
    const created = new Date(now.getTime() - ((i * 7919) % 200) * DAY - (i % 1440) * 60_000);
    return make(i + 1, `${service} ${Math.floor(i / SERVICES.length) + 1}`, application, created);
  });
}

export function installFakeBackend(params: URLSearchParams): void {
  const now = () => new Date();
  const keys: StoredKey[] = seed(params.get('keys') ?? 'mixed', now());
  let keychain = (params.get('keychain') ?? 'ok') as KeychainState;
  const recovered = params.get('recovered') ? ['maps-02_11_2026-09_12', 'invoices-14_10_2026-16_40'] : [];
  const latency = Number(params.get('latency') ?? '40');
  // fail=command:code makes one command reject, e.g. fail=copy_secret:keychain_locked
  const [failCommand, failCode] = (params.get('fail') ?? '').split(':');

  const find = (id: string) => keys.find((k) => k.view.id === id) ?? fail('not_found', 'This key no longer exists.');
  const needKeychain = () => {
    if (keychain !== 'ok') fail(`keychain_${keychain === 'error' ? 'unavailable' : keychain}` as ErrorCode, 'The keychain refused.');
  };
  const nameProblem = (name: string): string | null => {
    if (name.trim() === '') return 'Type a name for the key.';
    if (/[/\\]/.test(name)) return 'A key name cannot contain “/” or “\\”.';
    if (keys.some((k) => k.view.name === name)) return 'A key with this name already exists.';
    return null;
  };

  const commands: Record<string, (args: Record<string, unknown>) => unknown> = {
    list_keys: () => keys.map((k) => view(k, now())),
    app_status: (): AppStatus => ({ keychain, keychain_message: null, recovered }),
    suggest_name: ({ service }) => conventionalName(String(service), now()),
    check_name: ({ name }) => {
      const message = nameProblem(String(name));
      return { ok: message === null, message };
    },
    generate_key: ({ request }) => {
      const r = request as GenerateRequest;
      needKeychain();
      const name = r.name ?? conventionalName(r.service, now());
      const problem = nameProblem(name);
      if (problem) fail(problem.includes('exists') ? 'name_taken' : 'invalid_input', problem);
      const stored: StoredKey = {
        view: {
          id: `key-${randomText(8)}`,
          name,
          service: r.service,
          application: r.application,
          credential_id: `kwid_${randomText(20)}`,
          notes: r.notes ?? '',
          created_at: now().toISOString(),
          last_copied_at: null,
          last_revealed_at: null,
          replaced_by: null,
          delete_after: null,
          snoozed_until: null,
        },
        secret: `kw_sec_${randomText(43)}`,
      };
      keys.push(stored);
      return { key: view(stored, now()), secret: stored.secret };
    },
    add_key: ({ request }) => {
      const r = request as AddRequest;
      needKeychain();
      const created = r.created ? new Date(`${r.created}T12:00:00`) : now();
      const name = r.name ?? conventionalName(r.service, created);
      const problem = nameProblem(name);
      if (problem) fail(problem.includes('exists') ? 'name_taken' : 'invalid_input', problem);
      const stored: StoredKey = {
        view: {
          id: `key-${randomText(8)}`,
          name,
          service: r.service,
          application: r.application,
          credential_id: r.credential_id,
          notes: r.notes ?? '',
          created_at: created.toISOString(),
          last_copied_at: null,
          last_revealed_at: null,
          replaced_by: null,
          delete_after: null,
          snoozed_until: null,
        },
        secret: r.secret,
      };
      keys.push(stored);
      return view(stored, now());
    },
    reveal_secret: ({ id }) => {
      needKeychain();
      const stored = find(String(id));
      stored.view.last_revealed_at = now().toISOString();
      return stored.secret;
    },
    copy_secret: ({ id }) => {
      needKeychain();
      find(String(id)).view.last_copied_at = now().toISOString();
      return { clear_after_seconds: 30 };
    },
    copy_credential_id: ({ id }) => {
      find(String(id));
      return null;
    },
    delete_key: ({ id, confirm_name }) => {
      const stored = find(String(id));
      if (confirm_name !== stored.view.name) fail('invalid_input', 'The name you typed does not match the key’s name.');
      needKeychain();
      keys.splice(keys.indexOf(stored), 1);
      return null;
    },
  };

  const internals = {
    invoke: async (cmd: string, args: Record<string, unknown> = {}) => {
      await new Promise((resolve) => setTimeout(resolve, latency));
      if (cmd === failCommand) fail(failCode as ErrorCode, `Fake failure of ${cmd}.`);
      const handler = commands[cmd];
      if (!handler) fail('internal', `command ${cmd} not found`);
      // Answers cross a serialisation boundary in the real app; do the same here.
      return structuredClone(handler(args));
    },
    transformCallback: () => 0,
    unregisterCallback: () => undefined,
    convertFileSrc: (path: string) => path,
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
    /** Lets a scenario unlock the keychain. */
    setKeychain: (state: KeychainState) => (keychain = state),
  };
  (window as unknown as { __TAURI_INTERNALS__: typeof internals }).__TAURI_INTERNALS__ = internals;
}
