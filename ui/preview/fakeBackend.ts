/**
 * DEV-ONLY fake of Keyward's back end, for the preview. Installs
 * `window.__TAURI_INTERNALS__.invoke`, which `@tauri-apps/api/core`'s `invoke` calls, and answers
 * the same commands with the same shapes and error codes as the real one, from memory.
 * Rotation: due `rotation_months` calendar months after creation, "due soon" `lead_time_days`
 * before (3 and 14 unless the Settings screen changes them).
 *
 * Events: `listen` from `@tauri-apps/api/event` goes through `plugin:event|listen`, answered
 * here; `internals.emit(event, payload)` delivers one (scenarios use it to play a clicked
 * notification). Like the real back end, commands that change keys emit `keys-changed`.
 */
import type {
  AddRequest,
  Attention,
  AppStatus,
  AuditAction,
  AuditEntry,
  ErrorCode,
  GenerateRequest,
  KeychainState,
  KeyView,
  ReportFormat,
  RotationStatus,
  Settings,
  StreamStatus,
  WebhookFormat,
  WebhookStatus,
  LeakScanStatus,
  ImportStatus,
  RestoreStatus,
  Sealed,
  SharedEntry,
  TeamStatus,
  VendorView,
  WatchedFolder,
} from '../src/lib/types';
import type { CommandName } from '../src/lib/api';

/** A command's answer from its arguments (as the real back end receives them). */
type Handler = (args: Record<string, unknown>) => unknown;

const DAY = 86_400_000;

const DEFAULT_SETTINGS: Settings = {
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

interface StoredKey {
  view: Omit<KeyView, 'age_days' | 'status' | 'attention' | 'days_until_due' | 'rotate_by'>;
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

function view(stored: StoredKey, now: Date, settings: Settings = DEFAULT_SETTINGS): KeyView {
  const created = new Date(stored.view.created_at);
  const rotateBy = addMonthsClamped(created, settings.rotation_months);
  const untilDue = Math.floor((rotateBy.getTime() - now.getTime()) / DAY);
  const status: RotationStatus = now >= rotateBy ? 'overdue' : untilDue < settings.lead_time_days ? 'due_soon' : 'ok';
  // As the back end decides it (src-tauri/core/src/attention.rs), for the preview only.
  const deleteAfter = stored.view.delete_after === null ? null : Date.parse(stored.view.delete_after);
  const attention: Attention =
    stored.view.replaced_by !== null
      ? deleteAfter === null || now.getTime() >= deleteAfter
        ? 'delete'
        : 'none'
      : status !== 'ok' || stored.view.leaked
        ? 'rotate'
        : 'none';
  return {
    ...stored.view,
    rotate_by: rotateBy.toISOString(),
    age_days: Math.max(0, Math.floor((now.getTime() - created.getTime()) / DAY)),
    status,
    attention,
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
    const keys = [
      make(1, 'Payments API', 'Shop website', ago(3, 10), 'Asked for by Priya for the new checkout.'),
      make(2, 'Maps', 'Delivery app', ago(30, 9)),
      make(3, 'Email sending', null, ago(55, 14)),
      make(4, 'Customer records', 'Support desk', ago(80, 11)),
      make(5, 'Weather data', 'Intranet', ago(84, 16)),
      make(6, 'Translation', 'Help centre', ago(88, 8)),
      make(7, 'Invoices', 'Accounting app', ago(104, 13), 'Used by the monthly billing run.\nReplace before the audit.'),
      make(8, 'Search', 'Intranet', ago(170, 15)),
      make(9, 'Payments API', 'Mobile app', ago(400, 10)),
      make(10, 'Search', 'Intranet', ago(2, 9)),
      make(11, 'Payments API', 'Mobile app', ago(12, 17)),
    ];
    // Rotated: key-8 by key-10 (still within the week to switch over), key-9 by key-11 (time to delete it).
    Object.assign(keys[7].view, { replaced_by: 'key-10', delete_after: new Date(now.getTime() + 5 * DAY).toISOString() });
    Object.assign(keys[8].view, { replaced_by: 'key-11', delete_after: new Date(now.getTime() - 5 * DAY).toISOString() });
    // Reminders about key-7 paused for six more days.
    keys[6].view.snoozed_until = new Date(now.getTime() + 6 * DAY).toISOString();
    return keys;
  }
  const count = Number(kind);
  return Array.from({ length: Number.isFinite(count) ? count : 0 }, (_, i) => {
    const [service, application] = SERVICES[i % SERVICES.length];
    const created = new Date(now.getTime() - ((i * 7919) % 200) * DAY - (i % 1440) * 60_000);
    return make(i + 1, `${service} ${Math.floor(i / SERVICES.length) + 1}`, application, created);
  });
}

function entry(at: Date | string, action: AuditAction, key: StoredKey | null, detail: string | null = null): AuditEntry {
  return {
    at: typeof at === 'string' ? at : at.toISOString(),
    action,
    key_id: key?.view.id ?? null,
    key_name: key?.view.name ?? null,
    detail,
    user: 'sam',
    computer: 'sam-laptop',
  };
}

/** A believable history for the seeded keys, newest first. */
function seedAudit(keys: StoredKey[], kind: string, now: Date): AuditEntry[] {
  const log: AuditEntry[] = [];
  keys.forEach((key, i) => {
    log.push(entry(key.view.created_at, i % 4 === 2 ? 'added' : 'generated', key));
    if (key.view.last_copied_at) log.push(entry(key.view.last_copied_at, 'copied', key));
    if (key.view.last_revealed_at) log.push(entry(key.view.last_revealed_at, 'revealed', key));
  });
  if (kind === 'mixed') {
    const at = (days: number, hour: number) => {
      const d = new Date(now.getTime() - days * DAY);
      d.setHours(hour, 0, 0, 0);
      return d;
    };
    const byId = (id: string) => keys.find((k) => k.view.id === id) ?? null;
    log.push(entry(at(12, 17), 'rotated', byId('key-9'), `Replaced by ${byId('key-11')?.view.name}`));
    log.push(entry(at(2, 9), 'rotated', byId('key-8'), `Replaced by ${byId('key-10')?.view.name}`));
    for (const id of ['key-4', 'key-5', 'key-6']) log.push(entry(at(1, 9), 'reminder_sent', byId(id), 'Due soon'));
    log.push(entry(at(8, 9), 'reminder_sent', byId('key-7'), 'Overdue'));
    log.push(entry(at(1, 9), 'webhook_sent', null, '4 keys need attention'));
    log.push(entry(at(8, 9), 'webhook_failed', null, 'the chat service did not answer within 10 seconds'));
    log.push(entry(at(20, 15), 'deleted', null, null));
    Object.assign(log[log.length - 1], { key_id: 'key-old', key_name: 'crm-export-02_06_2026-10_04' });
    log.push(entry(at(1, 12), 'copied', byId('key-1')));
  }
  return log.filter((e) => Date.parse(e.at) <= now.getTime()).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

export function installFakeBackend(params: URLSearchParams): void {
  const now = () => new Date();
  const keys: StoredKey[] = seed(params.get('keys') ?? 'mixed', now());
  let keychain = (params.get('keychain') ?? 'ok') as KeychainState;
  const recovered = params.get('recovered') ? ['maps-02_11_2026-09_12', 'invoices-14_10_2026-16_40'] : [];
  const latency = Number(params.get('latency') ?? '40');
  // fail=command:code makes one command reject, e.g. fail=copy_secret:keychain_locked
  const [failCommand, failCode] = (params.get('fail') ?? '').split(':');

  let settings: Settings = { ...DEFAULT_SETTINGS };
  const audit: AuditEntry[] = seedAudit(keys, params.get('keys') ?? 'mixed', now());
  const note = (action: AuditAction, key: StoredKey | null, detail: string | null = null) => audit.unshift(entry(now(), action, key, detail));
  // open=<key id>: a clicked notification left this request for take_open_request.
  let openRequest: string | null = params.get('open');
  // channel=set|failing: a team channel is already set up (and its last message failed).
  const channelParam = params.get('channel');
  let auditStream: StreamStatus = {
    target: null,
    delivered: 0,
    waiting: 0,
    last_delivered_at: null,
    last_error: null,
    last_error_at: null,
  };
  const channel: { url: string | null; last_error: string | null } = {
    url: channelParam ? 'https://chat.example.com/hooks/fake' : null,
    last_error: channelParam === 'failing' ? 'The chat service did not answer within 10 seconds.' : null,
  };
  const webhookStatus = (): WebhookStatus => ({
    configured: channel.url !== null,
    format: settings.webhook_format,
    include_credential_ids: settings.webhook_include_credential_ids,
    last_error: channel.last_error,
  });
  const settingsProblem = (s: Settings): string | null => {
    const within = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
    if (!within(s.rotation_months, 1, 24)) return 'The rotation period must be between 1 and 24 months.';
    if (!within(s.lead_time_days, 1, 60)) return 'Reminders can start between 1 and 60 days before a key is due.';
    if (!within(s.repeat_days, 1, 60)) return 'Overdue reminders can repeat every 1 to 60 days.';
    if (!within(s.grace_days, 1, 90)) return 'A replaced key can be kept for 1 to 90 days.';
    if (!within(s.clipboard_clear_seconds, 5, 600)) return 'The clipboard can be cleared after 5 to 600 seconds.';
    return null;
  };

  // Events: callbacks registered through transformCallback, listeners through plugin:event|listen.
  const callbacks = new Map<number, (message: unknown) => void>();
  const listeners = new Map<number, { event: string; handler: number }>();
  let nextId = 1;
  const emit = (event: string, payload: unknown) => {
    for (const [id, listener] of listeners) {
      if (listener.event === event) callbacks.get(listener.handler)?.({ event, id, payload: structuredClone(payload) });
    }
  };
  const keysChanged = () => setTimeout(() => emit('keys-changed', null), 0);

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

  // What the newer screens read: vendors, a leak check, an import, the team vault, backups.
  const vendors: VendorView[] = [];
  const watched: WatchedFolder[] = [];
  const shared: SharedEntry[] = [
    { name: 'payments-api-shared', version: 3, updated_at: new Date(now().getTime() - 2 * DAY).toISOString(), may_rotate: true, may_delete: true },
  ];
  const team: TeamStatus = {
    connected: false,
    address: null,
    mount: null,
    prefix: null,
    login: null,
    desktop: null,
    inventory_path: null,
    last_shared_at: null,
    days_since_shared: null,
    shared_words: 'not shared yet',
    last_error: null,
    next_try_at: null,
    send_digest: false,
  };
  let leakScan: LeakScanStatus = { state: 'idle', error: null, path: null, keys_done: 0, keys_total: 0, scanned: 0, bytes: 0, report: null };
  const importing: ImportStatus = { state: 'idle', error: null, path: null, done: 0, total: 0, result: null };
  const restoring: RestoreStatus = { state: 'idle', error: null, done: 0, total: 0, report: null, settings: null };
  const sealed = (path: unknown, keyCount: number, expires: boolean): Sealed => ({
    path: String(path),
    passphrase: 'maple-orbit-candle-river-quiet',
    keys: keyCount,
    expires_at: expires ? new Date(now().getTime() + 7 * DAY).toISOString() : null,
  });
  const changed = (stored: StoredKey, change: (view: StoredKey['view']) => void) => {
    change(stored.view);
    keysChanged();
    return view(stored, now(), settings);
  };
  const needTeam = () => {
    if (!team.connected) fail('team_vault', 'This desktop is not connected to a team vault. Connect it in Settings → Team, or with `keyward team connect`.');
  };
  const findShared = (name: unknown) => shared.find((e) => e.name === name) ?? fail('not_found', 'The team vault has no shared key with this name.');

  const commands = {
    list_keys: () => keys.map((k) => view(k, now(), settings)),
    app_status: (): AppStatus => ({ keychain, keychain_message: null, recovered }),
    suggest_name: ({ service }) => conventionalName(String(service), now()),
    check_name: ({ name }) => {
      const message = nameProblem(String(name));
      return { ok: message === null, message };
    },
    generate_key: (request) => {
      const r = request as unknown as GenerateRequest;
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
        },
        secret: `kw_sec_${randomText(43)}`,
      };
      keys.push(stored);
      note('generated', stored);
      return { key: view(stored, now(), settings), secret: stored.secret };
    },
    add_key: (request) => {
      const r = request as unknown as AddRequest;
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
          issuer: 'vendor',
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
        },
        secret: r.secret,
      };
      keys.push(stored);
      note('added', stored);
      return view(stored, now(), settings);
    },
    reveal_secret: ({ id }) => {
      needKeychain();
      const stored = find(String(id));
      stored.view.last_revealed_at = now().toISOString();
      note('revealed', stored);
      return stored.secret;
    },
    copy_secret: ({ id }) => {
      needKeychain();
      const stored = find(String(id));
      stored.view.last_copied_at = now().toISOString();
      note('copied', stored);
      return { clear_after_seconds: settings.clipboard_clear_seconds };
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
      note('deleted', stored);
      return null;
    },
    rotate_key: ({ id }) => {
      const old = find(String(id));
      if (old.view.replaced_by) fail('invalid_input', 'This key has already been replaced.');
      needKeychain();
      let name = conventionalName(old.view.service, now());
      for (let n = 2; keys.some((k) => k.view.name === name); n++) name = `${conventionalName(old.view.service, now())}-${n}`;
      const stored: StoredKey = {
        view: {
          ...old.view,
          id: `key-${randomText(8)}`,
          name,
          credential_id: `kwid_${randomText(20)}`,
          notes: old.view.notes,
          created_at: now().toISOString(),
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
        },
        secret: `kw_sec_${randomText(43)}`,
      };
      keys.push(stored);
      old.view.replaced_by = stored.view.id;
      old.view.delete_after = new Date(now().getTime() + settings.grace_days * DAY).toISOString();
      old.view.snoozed_until = null;
      note('rotated', old, `Replaced by ${stored.view.name}`);
      note('generated', stored);
      keysChanged();
      return { key: view(stored, now(), settings), secret: stored.secret };
    },
    snooze_key: ({ id, days }) => {
      if (days !== 1 && days !== 7) fail('invalid_input', 'Reminders can be paused for 1 day or 7 days.');
      const stored = find(String(id));
      stored.view.snoozed_until = new Date(now().getTime() + Number(days) * DAY).toISOString();
      keysChanged();
      return view(stored, now(), settings);
    },
    take_open_request: () => {
      const id = openRequest;
      openRequest = null;
      return id;
    },
    get_settings: () => settings,
    settings_status: () => ({
      policy:
        params.get('policy') === 'locked'
          ? { rotation_months: 3, min_lead_time_days: 14, max_repeat_days: 7, max_snooze_days: 7, max_snoozes_per_stage: 2, notifications_required: true }
          : { rotation_months: null, min_lead_time_days: null, max_repeat_days: null, max_snooze_days: null, max_snoozes_per_stage: null, notifications_required: null },
      problems: params.get('settings') === 'damaged' ? ['Keyward\'s settings file at /home/sam/.config/app.keyward.desktop/settings.json is damaged (EOF while parsing). It has been left as it was.'] : [],
      rotation_months: settings.rotation_months,
      rotation_period_source: params.get('policy') === 'locked' ? 'organisation' : 'person',
    }),
    save_settings: ({ settings: next }) => {
      const problem = settingsProblem(next as Settings);
      if (problem) fail('invalid_input', problem);
      settings = { ...(next as Settings) };
      keysChanged();
      return settings;
    },
    audit_log: ({ id }) => (id === null || id === undefined ? audit : audit.filter((e) => e.key_id === id)),
    save_report: ({ format }) => {
      if (params.get('report') === 'cancel') return null;
      const day = now().toISOString().slice(0, 10);
      return `/home/sam/Documents/keyward-report-${day}.${format as ReportFormat}`;
    },
    get_webhook: () => webhookStatus(),
    set_webhook: ({ url, format, include_credential_ids }) => {
      const address = String(url).trim();
      if (!address.startsWith('https://')) fail('invalid_input', 'The team channel address must start with https://.');
      needKeychain();
      channel.url = address;
      channel.last_error = null;
      settings = { ...settings, webhook_format: format as WebhookFormat, webhook_include_credential_ids: Boolean(include_credential_ids) };
      return webhookStatus();
    },
    clear_webhook: () => {
      channel.url = null;
      channel.last_error = null;
      return webhookStatus();
    },
    test_webhook: () => {
      if (!channel.url) fail('invalid_input', 'No team channel is set up.');
      if (channelParam === 'failing') {
        channel.last_error = 'The chat service did not answer within 10 seconds.';
        note('webhook_failed', null, channel.last_error);
        return { delivered: false, message: `The test message could not be sent: ${channel.last_error}` };
      }
      note('webhook_sent', null, 'Test message');
      return { delivered: true, message: 'Test message sent. Check that it arrived in your team channel.' };
    },
    verify_audit_log: () => ({
      intact: true,
      lines: 12,
      unchained_lines: 0,
      chained_from: 1,
      cut_short: [],
      last_hash: '9f2c1d0b4e7a6c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b',
      problems: [],
      summary: 'The audit log is intact: 12 lines checked, none changed, removed, put in or moved.',
    }),
    get_audit_stream: () => structuredClone(auditStream),
    set_audit_stream: ({ address, tls, allow_plain_tcp }) => {
      const [host, port] = String(address).split(':');
      if (!host || !Number(port)) fail('invalid_input', 'Give the SIEM’s address as HOST:PORT, for example siem.example.com:6514.');
      auditStream = {
        ...auditStream,
        target: { host, port: Number(port), tls: Boolean(tls), allow_plain_tcp: Boolean(allow_plain_tcp), ca: null, client_cert: null },
      };
      return structuredClone(auditStream);
    },
    turn_off_audit_stream: () => {
      auditStream = { ...auditStream, target: null };
      return structuredClone(auditStream);
    },
    test_audit_stream: () => ({ ok: true, message: 'Keyward reached the SIEM (preview).' }),
    choose_certificate_file: () => null,
    edit_key: ({ id, application, notes, owner, vendor }) =>
      changed(find(String(id)), (v) => {
        v.application = (application as string | null) ?? null;
        v.notes = String(notes ?? '');
        v.owner = (owner as string | null) ?? null;
        v.vendor = (vendor as string | null) ?? null;
      }),
    list_vendors: () => vendors,
    save_vendor: ({ name, display_name, dashboard_url, notes }) => {
      const saved: VendorView = { name: String(name), display_name: String(display_name ?? name), dashboard_url: (dashboard_url as string | null) ?? null, notes: String(notes ?? '') };
      vendors.splice(0, vendors.length, ...vendors.filter((v) => v.name !== saved.name), saved);
      return saved;
    },
    open_vendor_dashboard: () => null,
    start_rotation: ({ id }) => changed(find(String(id)), (v) => (v.rotation = 'waiting_for_new_key')),
    cancel_rotation: ({ id }) => changed(find(String(id)), (v) => (v.rotation = null)),
    finish_vendor_rotation: ({ id }) => changed(find(String(id)), (v) => (v.rotation = 'waiting_for_old_key_removal')),
    mark_leaked: ({ id }) =>
      changed(find(String(id)), (v) => {
        v.leaked = true;
        v.leaked_at = now().toISOString();
      }),
    choose_scan_folder: () => '/home/sam/projects/shop',
    start_leak_scan: ({ path }) => {
      const report = { hits: [], scanned: 412, bytes: 3_145_728, binary_skipped: 3, unreadable: [], problems: [], keys_checked: keys.length, keys_not_checked: [], cancelled: false };
      leakScan = { state: 'done', error: null, path: String(path), keys_done: keys.length, keys_total: keys.length, scanned: 412, bytes: 3_145_728, report };
      return leakScan;
    },
    leak_scan_status: () => leakScan,
    cancel_leak_scan: () => null,
    watched_folders: () => watched,
    watch_folder: ({ path, scope }) => {
      watched.push({ path: String(path), scope: scope as WatchedFolder['scope'], last_checked: null });
      return watched;
    },
    unwatch_folder: ({ path }) => {
      watched.splice(0, watched.length, ...watched.filter((w) => w.path !== path));
      return watched;
    },
    choose_import_file: () => '/home/sam/Downloads/passwords.csv',
    preview_import: () => fail('invalid_input', 'The preview has no files to read: import works only in the app.'),
    start_import: () => fail('invalid_input', 'The preview has no files to read: import works only in the app.'),
    import_status: () => importing,
    cancel_import: () => null,
    delete_import_source: () => fail('invalid_input', 'Keyward deletes a file only right after importing every key in it.'),
    team_status: () => team,
    test_team_connection: ({ address }) => ({ ok: true, problem: null, message: `Keyward reached the vault at ${String(address)} and may share there.`, status: team }),
    connect_team: ({ address, desktop }) => {
      Object.assign(team, { connected: true, address: String(address), mount: 'secret', prefix: 'keyward', login: 'token', desktop: String(desktop ?? 'sam-laptop'), shared_words: 'shared just now', last_shared_at: now().toISOString(), days_since_shared: 0 });
      return { ok: true, problem: null, message: 'This desktop is connected to the team vault and shared its list.', status: team };
    },
    disconnect_team: () => Object.assign(team, { connected: false, address: null, desktop: null, login: null, shared_words: 'not shared yet' }),
    team_report: () => {
      needTeam();
      return { generated_at: now().toISOString(), desktops: [], per_person: [], per_service: [], people: 0, services: 0, warnings: [], keys: 0, overdue: 0, people_overdue: 0 };
    },
    set_team_digest: ({ on }) => {
      if (!team.connected) return fail('team_vault', 'This desktop is not connected to a team vault. Connect it in Settings → Team, or with `keyward team connect`.');
      return Object.assign(team, { send_digest: on === true });
    },
    team_keys: ({ query }) => ({ query: String(query ?? ''), matching: 0, total: 0, offset: 0, keys: [] }),
    shared_keys: () => {
      needTeam();
      return shared;
    },
    copy_shared_secret: ({ name }) => ({ version: findShared(name).version ?? 1, clear_after_seconds: settings.clipboard_clear_seconds }),
    rotate_shared_key: ({ name }) => {
      const entry = findShared(name);
      const from = entry.version ?? 1;
      entry.version = from + 1;
      entry.updated_at = now().toISOString();
      return { name: entry.name, from_version: from, version: entry.version };
    },
    unshare_key: ({ name }) => {
      findShared(name);
      shared.splice(0, shared.length, ...shared.filter((e) => e.name !== name));
      return null;
    },
    share_with_team: ({ id }) => {
      needTeam();
      const entry: SharedEntry = { name: find(String(id)).view.name, version: 1, updated_at: now().toISOString(), may_rotate: null, may_delete: null };
      if (shared.some((e) => e.name === entry.name)) fail('team_conflict', 'The team vault already has a shared key with this name.');
      shared.push(entry);
      return entry;
    },
    choose_backup_file: ({ save, purpose }) => (save ? `/home/sam/Documents/${purpose === 'share' ? 'shared-key' : 'keyward-backup'}.keyward` : null),
    save_backup: ({ path }) => sealed(path, keys.length, false),
    start_restore: () => fail('wrong_passphrase', 'This passphrase does not open the file.'),
    restore_status: () => restoring,
    cancel_restore: () => null,
    share_key: ({ id, path }) => {
      find(String(id));
      return sealed(path, 1, true);
    },
    receive_key: () => fail('wrong_passphrase', 'This passphrase does not open the file.'),
    'plugin:event|listen': ({ event, handler }) => {
      const id = nextId++;
      listeners.set(id, { event: String(event), handler: Number(handler) });
      return id;
    },
    'plugin:event|unlisten': ({ eventId }) => {
      listeners.delete(Number(eventId));
      return null;
    },
  } satisfies Record<CommandName, Handler> & Record<`plugin:${string}`, Handler>;

  const internals = {
    invoke: async (cmd: string, args: Record<string, unknown> = {}) => {
      await new Promise((resolve) => setTimeout(resolve, latency));
      if (cmd === failCommand) fail(failCode as ErrorCode, `Fake failure of ${cmd}.`);
      const handler = (commands as Record<string, Handler | undefined>)[cmd];
      if (!handler) fail('internal', `command ${cmd} not found`);
      // Answers cross a serialisation boundary in the real app; do the same here.
      return structuredClone(handler(args));
    },
    transformCallback: (callback: (message: unknown) => void) => {
      const id = nextId++;
      callbacks.set(id, callback);
      return id;
    },
    unregisterCallback: (id: number) => callbacks.delete(id),
    convertFileSrc: (path: string) => path,
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
    /** Lets a scenario unlock the keychain. */
    setKeychain: (state: KeychainState) => (keychain = state),
    /** Lets a scenario play an event from the back end, e.g. a clicked notification. */
    emit,
  };
  (window as unknown as { __TAURI_INTERNALS__: typeof internals }).__TAURI_INTERNALS__ = internals;
  (window as unknown as { __TAURI_EVENT_PLUGIN_INTERNALS__: unknown }).__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    unregisterListener: (_event: string, id: number) => listeners.delete(id),
  };
  // notify=<key id>: two seconds after start, a desktop notification about this key is clicked.
  const notify = params.get('notify');
  if (notify) setTimeout(() => emit('open-key', { id: notify }), 2000);
}
