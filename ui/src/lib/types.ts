/**
 * The shapes that cross between the UI and Keyward's back end.
 *
 * The data types are generated from the Rust types into `./bindings/` (a Rust test fails when
 * they drift); this module re-exports them under the names the rest of the UI imports, and adds
 * the few narrower types the UI relies on. Every field is snake_case, exactly as sent.
 */
export type { AddRequest } from './bindings/AddRequest';
export type { AppStatus } from './bindings/AppStatus';
export type { Copied } from './bindings/Copied';
export type { GenerateRequest } from './bindings/GenerateRequest';
export type { GeneratedKey } from './bindings/GeneratedKey';
export type { KeyView } from './bindings/KeyView';
export type { NameCheck } from './bindings/NameCheck';
export type { RotationStatus } from './bindings/RotationStatus';
export type { Attention } from './bindings/Attention';
export type { AuditAction } from './bindings/AuditAction';
export type { AuditEntry } from './bindings/AuditEntry';
export type { ReportFormat } from './bindings/ReportFormat';
export type { Settings } from './bindings/Settings';
export type { OrgPolicy } from './bindings/OrgPolicy';
export type { PeriodSource } from './bindings/PeriodSource';
export type { SettingsStatus } from './bindings/SettingsStatus';
export type { WebhookFormat } from './bindings/WebhookFormat';
export type { WebhookStatus } from './bindings/WebhookStatus';
export type { WebhookTest } from './bindings/WebhookTest';
export type { Issuer } from './bindings/Issuer';
export type { RotationStep } from './bindings/RotationStep';
export type { VendorView } from './bindings/VendorView';
export type { VendorRequest } from './bindings/VendorRequest';
export type { EditRequest } from './bindings/EditRequest';
export type { VendorRotateRequest } from './bindings/VendorRotateRequest';
export type { LeakScanRequest } from './bindings/LeakScanRequest';
export type { ScanReport } from './bindings/ScanReport';
export type { LeakHit } from './bindings/LeakHit';
export type { UnreadablePath } from './bindings/UnreadablePath';
export type { WatchRequest } from './bindings/WatchRequest';
export type { UnwatchRequest } from './bindings/UnwatchRequest';
export type { WatchedFolder } from './bindings/WatchedFolder';
export type { NoArgs } from './bindings/NoArgs';
export type { KeyRequest } from './bindings/KeyRequest';
export type { SuggestNameRequest } from './bindings/SuggestNameRequest';
export type { CheckNameRequest } from './bindings/CheckNameRequest';
export type { DeleteRequest } from './bindings/DeleteRequest';
export type { AuditLogRequest } from './bindings/AuditLogRequest';
export type { SaveReportRequest } from './bindings/SaveReportRequest';
export type { SetWebhookRequest } from './bindings/SetWebhookRequest';
export type { SnoozeRequest } from './bindings/SnoozeRequest';
export type { SaveSettingsRequest } from './bindings/SaveSettingsRequest';
export type { TeamConnectRequest } from './bindings/TeamConnectRequest';
export type { TeamConnection } from './bindings/TeamConnection';
export type { TeamDigestRequest } from './bindings/TeamDigestRequest';
export type { TeamStatus } from './bindings/TeamStatus';
export type { TeamProblem } from './bindings/TeamProblem';
export type { Login } from './bindings/Login';
export type { TeamReport } from './bindings/TeamReport';
export type { TeamDesktop } from './bindings/TeamDesktop';
export type { TeamKey } from './bindings/TeamKey';
export type { TeamGroup } from './bindings/TeamGroup';
export type { TeamSummary } from './bindings/TeamSummary';
export type { TeamRows } from './bindings/TeamRows';
export type { TeamRowsRequest } from './bindings/TeamRowsRequest';
export type { SharedEntry } from './bindings/SharedEntry';
export type { SharedKeyRequest } from './bindings/SharedKeyRequest';
export type { SharedCopied } from './bindings/SharedCopied';
export type { SharedRotated } from './bindings/SharedRotated';
export type { RotateSharedRequest } from './bindings/RotateSharedRequest';
export type { UnshareRequest } from './bindings/UnshareRequest';
export type { ImportRequest } from './bindings/ImportRequest';
export type { ImportSourceRequest } from './bindings/ImportSourceRequest';
export type { ImportResult } from './bindings/ImportResult';
export type { ImportFailure } from './bindings/ImportFailure';
export type { Preview } from './bindings/Preview';
export type { PlannedView } from './bindings/PlannedView';
export type { SampleRow } from './bindings/SampleRow';
export type { Refusal } from './bindings/Refusal';
export type { RefusalKind } from './bindings/RefusalKind';
export type { Field as ImportField } from './bindings/Field';
export type { Format as ImportFormat } from './bindings/Format';

/** How the OS keychain answered when Keyward last asked. */
export type { KeychainState } from './bindings/KeychainState';

/** Every error code the back end may send (generated from the Rust `Code`). */
export type { Code as ErrorCode } from './bindings/Code';

/** What a rejected command carries: `{ code, message }`. */
export type { IpcError } from './bindings/IpcError';

/** How long a reminder can be paused, in days. */
export type SnoozeDays = 1 | 7;

/**
 * What the window is asked to show: a key (a clicked desktop notification) or the keys that need
 * rotating (the tray's "N keys need rotating"). Payload of the `open-request` event.
 */
export type { OpenRequest } from './bindings/OpenRequest';

/** What checking the audit log's hash chain found ("Check the log" on the Activity screen). */
export type { ChainCheck } from './bindings/ChainCheck';
export type { ChainProblem } from './bindings/ChainProblem';
export type { ChainProblemKind } from './bindings/ChainProblemKind';
/** The audit stream to a SIEM: where it goes and how it is doing (Settings → Audit stream). */
export type { StreamStatus } from './bindings/StreamStatus';
export type { StreamTarget } from './bindings/StreamTarget';
export type { SetAuditStreamRequest } from './bindings/SetAuditStreamRequest';
export type { CertificateFile } from './bindings/CertificateFile';
export type { AuditStreamTest } from './bindings/AuditStreamTest';
export type { PickCertificateRequest } from './bindings/PickCertificateRequest';
export type { CertificatePick } from './bindings/CertificatePick';
export type { ChooseFileRequest } from './bindings/ChooseFileRequest';
export type { SaveBackupRequest } from './bindings/SaveBackupRequest';
export type { OpenFileRequest } from './bindings/OpenFileRequest';
export type { ShareKeyRequest } from './bindings/ShareKeyRequest';
export type { Sealed } from './bindings/Sealed';
export type { RestoreReport } from './bindings/RestoreReport';
export type { Conflict } from './bindings/Conflict';
export type { SettingsRestore } from './bindings/SettingsRestore';

import type { JobStatus } from './bindings/JobStatus';
import type { ImportDetail } from './bindings/ImportDetail';
import type { LeakScanDetail } from './bindings/LeakScanDetail';
import type { RestoreDetail } from './bindings/RestoreDetail';
export type { JobState } from './bindings/JobState';
export type { JobStatus, ImportDetail, LeakScanDetail, RestoreDetail };
/** Where the window's leak check is. */
export type LeakScanStatus = JobStatus<LeakScanDetail>;
/** Where the window's import is. */
export type ImportStatus = JobStatus<ImportDetail>;
/** Where the window's restore is. */
export type RestoreStatus = JobStatus<RestoreDetail>;
