/**
 * The one module that talks to Keyward's back end.
 *
 * Every back-end command has one typed function here, and nothing else in the UI imports
 * `invoke`. Each command takes a single argument object, its request, whose fields are snake_case. A failed
 * command rejects with a {@link IpcError}; turn it into words with `explainError` from
 * `./errors`.
 *
 * The {@link Commands} table ties each command name to its argument and answer types, so a
 * misspelt name or a wrong argument is a compile error rather than a runtime surprise. The
 * {@link Events} table does the same for the events the back end sends.
 */
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type {
  AddRequest,
  AppStatus,
  AuditEntry,
  AuditLogRequest,
  ChainCheck,
  CheckNameRequest,
  ChooseFileRequest,
  OpenFileRequest,
  RestoreStatus,
  SaveBackupRequest,
  Sealed,
  ShareKeyRequest,
  Copied,
  DeleteRequest,
  EditRequest,
  GenerateRequest,
  GeneratedKey,
  ImportRequest,
  ImportSourceRequest,
  ImportStatus,
  KeyRequest,
  KeyView,
  LeakScanRequest,
  LeakScanStatus,
  NameCheck,
  NoArgs,
  OpenRequest,
  Preview,
  ReportFormat,
  SaveReportRequest,
  SaveSettingsRequest,
  SetAuditStreamRequest,
  AuditStreamTest,
  PickCertificateRequest,
  CertificatePick,
  SetWebhookRequest,
  Settings,
  SettingsStatus,
  SnoozeDays,
  SnoozeRequest,
  StreamStatus,
  SuggestNameRequest,
  TeamConnectRequest,
  TeamConnection,
  TeamDigestRequest,
  TeamRows,
  TeamRowsRequest,
  SharedEntry,
  SharedKeyRequest,
  SharedCopied,
  SharedRotated,
  RotateSharedRequest,
  UnshareRequest,
  TeamStatus,
  TeamSummary,
  UnwatchRequest,
  VendorRequest,
  VendorRotateRequest,
  VendorView,
  WebhookFormat,
  WebhookStatus,
  WebhookTest,
  WatchRequest,
  WatchedFolder,
} from './types';

/**
 * Command name → its request (the argument object, a type generated from the back end's request
 * struct) and its answer. Names exactly the back end's commands (`src-tauri/commands/registry.rs`;
 * a Rust test fails when they differ).
 */
export interface Commands {
  list_keys: { args: NoArgs; answer: KeyView[] };
  suggest_name: { args: SuggestNameRequest; answer: string };
  check_name: { args: CheckNameRequest; answer: NameCheck };
  generate_key: { args: GenerateRequest; answer: GeneratedKey };
  add_key: { args: AddRequest; answer: KeyView };
  reveal_secret: { args: KeyRequest; answer: string };
  copy_secret: { args: KeyRequest; answer: Copied };
  copy_credential_id: { args: KeyRequest; answer: null };
  delete_key: { args: DeleteRequest; answer: null };
  edit_key: { args: EditRequest; answer: KeyView };
  list_vendors: { args: NoArgs; answer: VendorView[] };
  save_vendor: { args: VendorRequest; answer: VendorView };
  open_vendor_dashboard: { args: KeyRequest; answer: null };
  start_rotation: { args: KeyRequest; answer: KeyView };
  cancel_rotation: { args: KeyRequest; answer: KeyView };
  finish_vendor_rotation: { args: VendorRotateRequest; answer: KeyView };
  mark_leaked: { args: KeyRequest; answer: KeyView };
  app_status: { args: NoArgs; answer: AppStatus };
  rotate_key: { args: KeyRequest; answer: GeneratedKey };
  snooze_key: { args: SnoozeRequest; answer: KeyView };
  take_open_request: { args: NoArgs; answer: OpenRequest | null };
  get_settings: { args: NoArgs; answer: Settings };
  save_settings: { args: SaveSettingsRequest; answer: Settings };
  settings_status: { args: NoArgs; answer: SettingsStatus };
  audit_log: { args: AuditLogRequest; answer: AuditEntry[] };
  save_report: { args: SaveReportRequest; answer: string | null };
  get_webhook: { args: NoArgs; answer: WebhookStatus };
  set_webhook: { args: SetWebhookRequest; answer: WebhookStatus };
  clear_webhook: { args: NoArgs; answer: WebhookStatus };
  test_webhook: { args: NoArgs; answer: WebhookTest };
  choose_scan_folder: { args: NoArgs; answer: string | null };
  start_leak_scan: { args: LeakScanRequest; answer: LeakScanStatus };
  leak_scan_status: { args: NoArgs; answer: LeakScanStatus };
  cancel_leak_scan: { args: NoArgs; answer: null };
  choose_import_file: { args: NoArgs; answer: string | null };
  preview_import: { args: ImportRequest; answer: Preview };
  start_import: { args: ImportRequest; answer: ImportStatus };
  import_status: { args: NoArgs; answer: ImportStatus };
  cancel_import: { args: NoArgs; answer: null };
  delete_import_source: { args: ImportSourceRequest; answer: null };
  team_status: { args: NoArgs; answer: TeamStatus };
  test_team_connection: { args: TeamConnectRequest; answer: TeamConnection };
  connect_team: { args: TeamConnectRequest; answer: TeamConnection };
  disconnect_team: { args: NoArgs; answer: TeamStatus };
  team_report: { args: NoArgs; answer: TeamSummary };
  team_keys: { args: TeamRowsRequest; answer: TeamRows };
  set_team_digest: { args: TeamDigestRequest; answer: TeamStatus };
  shared_keys: { args: NoArgs; answer: SharedEntry[] };
  copy_shared_secret: { args: SharedKeyRequest; answer: SharedCopied };
  rotate_shared_key: { args: RotateSharedRequest; answer: SharedRotated };
  unshare_key: { args: UnshareRequest; answer: null };
  share_with_team: { args: KeyRequest; answer: SharedEntry };
  verify_audit_log: { args: NoArgs; answer: ChainCheck };
  get_audit_stream: { args: NoArgs; answer: StreamStatus };
  set_audit_stream: { args: SetAuditStreamRequest; answer: StreamStatus };
  turn_off_audit_stream: { args: NoArgs; answer: StreamStatus };
  test_audit_stream: { args: NoArgs; answer: AuditStreamTest };
  choose_certificate_file: { args: PickCertificateRequest; answer: string | null };
  watched_folders: { args: NoArgs; answer: WatchedFolder[] };
  watch_folder: { args: WatchRequest; answer: WatchedFolder[] };
  unwatch_folder: { args: UnwatchRequest; answer: WatchedFolder[] };
  choose_backup_file: { args: ChooseFileRequest; answer: string | null };
  save_backup: { args: SaveBackupRequest; answer: Sealed };
  start_restore: { args: OpenFileRequest; answer: RestoreStatus };
  restore_status: { args: NoArgs; answer: RestoreStatus };
  cancel_restore: { args: NoArgs; answer: null };
  share_key: { args: ShareKeyRequest; answer: Sealed };
  receive_key: { args: OpenFileRequest; answer: KeyView };
}

/** Event name → its payload. Mirrors what the back end emits. */
export interface Events {
  /** The list of keys changed outside this window (the reminder task, the command line): reload it. */
  'keys-changed': null;
  /** A clicked desktop notification asks to open a key, or the tray the keys that need rotating. */
  'open-request': OpenRequest;
}

export type CommandName = keyof Commands;

function call<C extends CommandName>(command: C, args: Commands[C]['args']): Promise<Commands[C]['answer']> {
  return invoke<Commands[C]['answer']>(command, args);
}

/** All keys, with their age and rotation status worked out by the back end. Never touches the keychain. */
export function listKeys(): Promise<KeyView[]> {
  return call('list_keys', {});
}

/**
 * A name for a new key following the convention `<service>-<dd_mm_yyyy>-<hh_mm>`, using the
 * local time now. The back end turns what the person typed into a slug (lowercase, spaces → `-`).
 * Rejects with `invalid_input` when the service cannot be used in a name.
 */
export function suggestName(service: string): Promise<string> {
  return call('suggest_name', { service });
}

/** Whether `name` can be used for a new key; when not, `message` says why in plain words. */
export function checkName(name: string): Promise<NameCheck> {
  return call('check_name', { name });
}

/**
 * Creates a new key (credential ID and secret) and stores the secret in the keychain.
 * The answer carries the secret: show it once and forget it.
 */
export function generateKey(request: GenerateRequest): Promise<GeneratedKey> {
  return call('generate_key', request);
}

/** Stores a key the person already has. The secret goes to the keychain; the answer has no secret. */
export function addKey(request: AddRequest): Promise<KeyView> {
  return call('add_key', request);
}

/** The key's secret, read from the keychain. Only call this when the person asks to see it. */
export function revealSecret(id: string): Promise<string> {
  return call('reveal_secret', { id });
}

/**
 * Puts the key's secret on the clipboard without sending it to the UI. The back end clears the
 * clipboard after `clear_after_seconds`.
 */
export function copySecret(id: string): Promise<Copied> {
  return call('copy_secret', { id });
}

/** Puts the key's credential ID on the clipboard. */
export async function copyCredentialId(id: string): Promise<void> {
  await call('copy_credential_id', { id });
}

/**
 * Deletes Keyward's copy of the key (its secret in the keychain and its entry in Keyward); the key
 * keeps working wherever it is accepted until it is deleted or revoked there. `confirmName` is what
 * the person typed to confirm; the back end refuses unless it is exactly the key's name.
 * `revokedAtVendor`, for a vendor's key, is the person's answer: `true` "I deleted it at the
 * vendor", `false` "Not yet"; `null` for keys Keyward issued. The audit log records which.
 */
export async function deleteKey(id: string, confirmName: string, revokedAtVendor: boolean | null = null): Promise<void> {
  await call('delete_key', { id, confirm_name: confirmName, revoked_at_vendor: revokedAtVendor });
}

/**
 * Changes a key's application, notes, owner (a person's name or email) and vendor; every field is
 * sent (`null` or blank clears one). Rejects with `invalid_input` in plain words when a value
 * cannot be used (for example a vendor on a key Keyward made). Audited old → new. A vendor name with
 * no profile gets a bare one. Secrets and credential IDs are never edited.
 */
export function editKey(request: EditRequest): Promise<KeyView> {
  return call('edit_key', request);
}

/** Every vendor profile (display name, dashboard address, notes), by name. */
export function listVendors(): Promise<VendorView[]> {
  return call('list_vendors', {});
}

/**
 * Saves a vendor's profile (new, or replacing the one with that name). Rejects with `invalid_input`
 * when the dashboard address is not `https://`.
 */
export function saveVendor(request: VendorRequest): Promise<VendorView> {
  return call('save_vendor', request);
}

/**
 * Opens the key's vendor dashboard in the default browser (only the address saved in the vendor's
 * profile). Rejects with `no_dashboard` when none is known.
 */
export async function openVendorDashboard(id: string): Promise<void> {
  await call('open_vendor_dashboard', { id });
}

/**
 * Starts a vendor key's rotation: the key then shows `rotation: 'waiting_for_new_key'` (also after a
 * restart) until the new key is pasted with {@link finishVendorRotation} or {@link cancelRotation}.
 * A key Keyward issued is refused (`invalid_input`): use {@link rotateKey}.
 */
export function startRotation(id: string): Promise<KeyView> {
  return call('start_rotation', { id });
}

/** Stops a vendor rotation that is still waiting for its new key. */
export function cancelRotation(id: string): Promise<KeyView> {
  return call('cancel_rotation', { id });
}

/**
 * Finishes a vendor rotation with the key made in the vendor's dashboard. The answer is the NEW key
 * (it inherits service, application, owner, vendor and notes); the old key becomes replaced
 * (`rotation: 'waiting_for_old_key_removal'`, `delete_after` = now + grace, or now if it leaked).
 * Rejects with `credential_id_taken` (naming the other key) when another key has that credential ID.
 */
export function finishVendorRotation(request: VendorRotateRequest): Promise<KeyView> {
  return call('finish_vendor_rotation', request);
}

/**
 * Records that the key leaked (audited; `leaked: true` in the list, report and team channel). A
 * vendor's key then waits for its new key (`rotation: 'waiting_for_new_key'`, no grace period); for a
 * key Keyward issued, call {@link rotateKey} next: a leaked key's rotation has no grace period.
 */
export function markLeaked(id: string): Promise<KeyView> {
  return call('mark_leaked', { id });
}

/** Asks the person for a folder to check for leaked keys (the system's picker); null when cancelled. */
export function chooseScanFolder(): Promise<string | null> {
  return call('choose_scan_folder', {});
}

/**
 * Starts a leak check of a folder or git repository for the keys Keyward holds (never a secret
 * crosses: the report names keys and places). Rejects with `busy` while one runs. Follow it with
 * {@link leakScanStatus}.
 */
export function startLeakScan(request: LeakScanRequest): Promise<LeakScanStatus> {
  return call('start_leak_scan', request);
}

/** Where the leak check is: its progress, then its report. */
export function leakScanStatus(): Promise<LeakScanStatus> {
  return call('leak_scan_status', {});
}

/** Stops the running leak check (nothing of it is kept or audited). */
export function cancelLeakScan(): Promise<null> {
  return call('cancel_leak_scan', {});
}

/** Asks the person for the file to import keys from (the system's picker); null when cancelled. */
export function chooseImportFile(): Promise<string | null> {
  return call('choose_import_file', {});
}

/**
 * Reads an export and says what importing it would do: the first rows (secrets masked), the
 * column mapping, the keys it would make and every row it would refuse, with why. Writes nothing.
 */
export function previewImport(request: ImportRequest): Promise<Preview> {
  return call('preview_import', request);
}

/** Starts the import the person confirmed (rejects with `busy` while one runs); follow it with {@link importStatus}. */
export function startImport(request: ImportRequest): Promise<ImportStatus> {
  return call('start_import', request);
}

/** Where the import is: its progress, then its result. */
export function importStatus(): Promise<ImportStatus> {
  return call('import_status', {});
}

/** Stops the running import after the batch in progress (keys made so far stay). */
export function cancelImport(): Promise<null> {
  return call('cancel_import', {});
}

/** Deletes the file just imported (it holds secrets in plain text); refused unless every key of it is in Keyward. */
export function deleteImportSource(path: string): Promise<null> {
  return call('delete_import_source', { path });
}

/** The folders checked for leaked keys every day, in the order added. */
export function watchedFolders(): Promise<WatchedFolder[]> {
  return call('watched_folders', {});
}

/**
 * Adds a folder to those checked every day (the background checks it soon, then daily; a history
 * check needs a git repository); answers the list after.
 */
export function watchFolder(request: WatchRequest): Promise<WatchedFolder[]> {
  return call('watch_folder', request);
}

/** Stops checking a folder every day (nothing in the folder changes); answers the list after. */
export function unwatchFolder(path: string): Promise<WatchedFolder[]> {
  return call('unwatch_folder', { path });
}

/** How the keychain answers, and which unfinished changes were cleaned up at start. */
export function appStatus(): Promise<AppStatus> {
  return call('app_status', {});
}

/**
 * Replaces a key: creates a new one (same service and application, a new conventional name)
 * and marks this one replaced, to be deleted after the grace period. The answer is the NEW key
 * with its secret: show it once and forget it. Reload the list to see the old key's new state.
 */
export function rotateKey(id: string): Promise<GeneratedKey> {
  return call('rotate_key', { id });
}

/** Pauses the key's reminders for one day or a week. */
export function snoozeKey(id: string, days: SnoozeDays): Promise<KeyView> {
  return call('snooze_key', { id, days });
}

/**
 * What the window was asked to show, if anything (a clicked desktop notification's key, or the
 * tray's keys that need rotating); asking clears it. Call at start and whenever the window gains
 * focus.
 */
export function takeOpenRequest(): Promise<OpenRequest | null> {
  return call('take_open_request', {});
}

/** The settings in force: the person's, with the organisation's limits applied (the guide's defaults when the file is damaged). */
export function getSettings(): Promise<Settings> {
  return call('get_settings', {});
}

/**
 * Saves the settings; rejects with `invalid_input` (a sentence saying which value) when one is out
 * of range or looser than the organisation allows. Answers with the settings now in force.
 */
export function saveSettings(settings: Settings): Promise<Settings> {
  return call('save_settings', { settings });
}

/** The organisation's limits, the rotation period in force and where it comes from, and what went wrong reading the settings. */
export function settingsStatus(): Promise<SettingsStatus> {
  return call('settings_status', {});
}

/** What Keyward did, newest first: for one key, or for all keys when `id` is null. */
export function auditLog(id: string | null): Promise<AuditEntry[]> {
  return call('audit_log', { id });
}

/** Asks where to save a report, then saves it. The path it was saved to, or null when the person cancelled. */
export function saveReport(format: ReportFormat): Promise<string | null> {
  return call('save_report', { format });
}

/** Checks the audit log's hash chain: whether any line was changed, removed, put in or moved, and which. */
export function verifyAuditLog(): Promise<ChainCheck> {
  return call('verify_audit_log', {});
}

/** Whether the audit stream to a SIEM is on, where it goes, what was delivered and what waits. */
export function getAuditStream(): Promise<StreamStatus> {
  return call('get_audit_stream', {});
}

/** The stream's certificates to change: a path sets one, `remove*` removes it, neither keeps what is set. */
export interface StreamCertificates {
  /** A certificate authority file (PEM) to trust alone for the SIEM's certificate. */
  ca?: string;
  removeCa?: boolean;
  /** A client certificate file and its private key file (PEM), both or neither. */
  clientCert?: string;
  clientKey?: string;
  removeClientCert?: boolean;
}

/**
 * Sends every new audit entry to the SIEM at `address` (HOST:PORT). Plain TCP only to this computer
 * unless `allowPlainTcp`. Certificates not named in `certificates` are kept. Rejects with
 * `invalid_input` and a sentence when the address, a certificate or the key is refused (then
 * nothing changed). The private key goes into the keychain; it never comes back to the window.
 */
export function setAuditStream(
  address: string,
  tls: boolean,
  allowPlainTcp: boolean,
  fromStart: boolean,
  certificates: StreamCertificates = {},
): Promise<StreamStatus> {
  return call('set_audit_stream', {
    address,
    tls,
    allow_plain_tcp: allowPlainTcp,
    from_start: fromStart,
    ca: certificates.ca ?? null,
    remove_ca: certificates.removeCa ?? false,
    client_cert: certificates.clientCert ?? null,
    client_key: certificates.clientKey ?? null,
    remove_client_cert: certificates.removeClientCert ?? false,
  });
}

/** Tries the stream's connection (TLS with its certificates) without sending anything; says what is wrong in words. */
export function testAuditStream(): Promise<AuditStreamTest> {
  return call('test_audit_stream', {});
}

/** Opens the system's picker for a certificate or key file; the path, or null when cancelled. */
export function chooseCertificateFile(pick: CertificatePick): Promise<string | null> {
  return call('choose_certificate_file', { pick });
}

/** Stops the audit stream. */
export function turnOffAuditStream(): Promise<StreamStatus> {
  return call('turn_off_audit_stream', {});
}

/** Whether a team channel is set up (its address is never sent to the window). */
export function getWebhook(): Promise<WebhookStatus> {
  return call('get_webhook', {});
}

/** Sets up the team channel. The address is a secret: the back end keeps it in the keychain. */
export function setWebhook(url: string, format: WebhookFormat, includeCredentialIds: boolean): Promise<WebhookStatus> {
  return call('set_webhook', { url, format, include_credential_ids: includeCredentialIds });
}

/** Removes the team channel. */
export function clearWebhook(): Promise<WebhookStatus> {
  return call('clear_webhook', {});
}

/** Sends a test message to the team channel. */
export function testWebhook(): Promise<WebhookTest> {
  return call('test_webhook', {});
}

/** Whether this desktop is connected to a team vault, where, and when its inventory was last shared (never the credential). */
export function teamStatus(): Promise<TeamStatus> {
  return call('team_status', {});
}

/**
 * Tests a team-vault connection by publishing this desktop's inventory (metadata only); saves
 * nothing. `credential` null tests with the one already stored. The answer says which part was
 * wrong (address, certificate, login, permission) in plain words.
 */
export function testTeamConnection(request: TeamConnectRequest): Promise<TeamConnection> {
  return call('test_team_connection', request);
}

/** Connects this desktop to the team vault: tested first; only then saved (the credential in the keychain). */
export function connectTeam(request: TeamConnectRequest): Promise<TeamConnection> {
  return call('connect_team', request);
}

/**
 * For leads: turns on or off sending the team digest to the team channel from this desktop by
 * itself (`keyward team digest --automatic on|off`). Rejects with `team_vault` when not connected.
 */
export function setTeamDigest(on: boolean): Promise<TeamStatus> {
  return call('set_team_digest', { on });
}

/** Forgets the team vault (the credential leaves the keychain; what was shared stays in the vault). */
export function disconnectTeam(): Promise<TeamStatus> {
  return call('disconnect_team', {});
}

/**
 * The lead's view: reads every desktop's keys from the team vault (kept by the back end) and
 * answers with the summary; the keys come a window at a time from {@link teamKeys}. Rejects with
 * `team_vault` in words.
 */
export function teamReport(): Promise<TeamSummary> {
  return call('team_report', {});
}

/** A window of the team's keys matching `query` (every word, case ignored), overdue first. */
export function teamKeys(request: TeamRowsRequest): Promise<TeamRows> {
  return call('team_keys', request);
}

/** The shared keys the team vault lets this person see (names and versions, never a secret). */
export function sharedKeys(): Promise<SharedEntry[]> {
  return call('shared_keys', {});
}

/** Copies a shared key's secret from the team vault to the clipboard (cleared after a while); audited. */
export function copySharedSecret(name: string): Promise<SharedCopied> {
  return call('copy_shared_secret', { name });
}

/** Rotates a shared key for everyone; rejects with `team_conflict` when a colleague changed it first. */
export function rotateSharedKey(request: RotateSharedRequest): Promise<SharedRotated> {
  return call('rotate_shared_key', request);
}

/** Deletes a shared key from the team vault for everyone; rejects with `team_conflict` when it changed meanwhile. */
export function unshareKey(name: string, version: number | null): Promise<null> {
  return call('unshare_key', { name, version });
}

/** Shares one of this person's keys with the team (its secret and metadata into the team vault). */
export function shareWithTeam(id: string): Promise<SharedEntry> {
  return call('share_with_team', { id });
}

/** Stops listening. */
export type Unlisten = () => void;

/**
 * Calls `handler` with each `event` from the back end until the returned function is called.
 * Listening is best effort: if it cannot start, the window still works (it reloads on focus).
 */
export function onEvent<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Unlisten {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  listen<Events[E]>(event, (message) => {
    if (!stopped) handler(message.payload);
  }).then(
    (stop) => {
      const quietly = () => void Promise.resolve(stop()).catch(() => undefined);
      if (stopped) quietly();
      else unlisten = quietly;
    },
    () => undefined,
  );
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** Asks for a file to write (`save`) or open, for a backup or a shared key; null when cancelled. */
export function chooseBackupFile(save: boolean, purpose: 'backup' | 'share'): Promise<string | null> {
  return call('choose_backup_file', { save, purpose });
}

/** Saves an encrypted backup of every key; the answer carries the proposed passphrase, to show once. */
export function saveBackup(path: string): Promise<Sealed> {
  return call('save_backup', { path });
}

/** Opens a backup with its passphrase and starts putting it back (follow with `restoreStatus`). */
export function startRestore(path: string, passphrase: string): Promise<RestoreStatus> {
  return call('start_restore', { path, passphrase, name: null });
}

/** Where the restore is. */
export function restoreStatus(): Promise<RestoreStatus> {
  return call('restore_status', {});
}

/** Stops the restore before its next key (keys put back so far stay). */
export function cancelRestore(): Promise<null> {
  return call('cancel_restore', {});
}

/** Writes one key to an encrypted file for a colleague; the answer carries the passphrase, to show once. */
export function shareKey(id: string, path: string, recipient: string, expiresDays: number): Promise<Sealed> {
  return call('share_key', { id, path, recipient, expires_days: expiresDays });
}

/** Adds the key in a colleague's shared file. */
export function receiveKey(path: string, passphrase: string, name: string | null): Promise<KeyView> {
  return call('receive_key', { path, passphrase, name });
}
