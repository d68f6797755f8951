/**
 * Importing keys in plain words: the formats and fields offered, the column mapping (a field
 * belongs to one column at most), what the preview and a running or finished import say.
 *
 * Promises: never shows a secret (the back end sends none: secret cells come masked); every
 * refused row keeps its reason in the back end's words; the mapping the window sends names each
 * field at most once.
 */
import { formatCount } from './numbers';
import type { ImportField, ImportFormat, ImportResult, ImportStatus, Preview, Refusal } from './types';

/** The kinds of file, as the person chooses them. */
export const FORMATS: readonly { value: ImportFormat; label: string; hint: string }[] = [
  { value: 'csv', label: 'A spreadsheet (CSV)', hint: 'A header row, then one key per row. You choose what each column holds.' },
  { value: 'keepassxc', label: 'KeePassXC (CSV export)', hint: 'Database → Export → CSV file.' },
  { value: 'bitwarden', label: 'Bitwarden (JSON export)', hint: 'Tools → Export vault → File format “.json” (not encrypted).' },
];

/** What a column can become, with its label. */
export const FIELDS: readonly { value: ImportField; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'service', label: 'Service' },
  { value: 'application', label: 'Application' },
  { value: 'credential_id', label: 'Credential ID' },
  { value: 'secret', label: 'Secret' },
  { value: 'created', label: 'Created (date)' },
  { value: 'notes', label: 'Notes' },
  { value: 'owner', label: 'Owner' },
  { value: 'vendor', label: 'Vendor' },
];

/** A column → field mapping: one entry per column, `null` for a column left out. */
export type ColumnMapping = (ImportField | null)[];

/** `mapping` with column `at` mapped to `field`; the column that had that field before is freed. */
export function mapColumn(mapping: ColumnMapping, at: number, field: ImportField | null): ColumnMapping {
  return mapping.map((current, index) => {
    if (index === at) return field;
    return field !== null && current === field ? null : current;
  });
}

/** What the mapping still lacks for any key to be imported, in words; null when nothing. */
export function mappingProblem(mapping: ColumnMapping): string | null {
  const missing: string[] = [];
  if (!mapping.includes('credential_id')) missing.push('the credential ID');
  if (!mapping.includes('secret')) missing.push('the secret');
  if (missing.length === 0) return null;
  return missing.length === 1
    ? `Choose the column that holds ${missing[0]}.`
    : `Choose the columns that hold ${missing.join(' and ')}.`;
}

function rows(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;
}

function keys(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'key' : 'keys'}`;
}

/** "The file has 6 rows: 3 keys will be imported, 3 rows will not." */
export function previewSummary(preview: Preview): string {
  const head = `The file has ${rows(preview.total)}: `;
  const ready = preview.ready.length === 0 ? 'no key will be imported' : `${keys(preview.ready.length)} will be imported`;
  const refused = preview.refused.length === 0 ? '' : `, ${rows(preview.refused.length)} will not`;
  return `${head}${ready}${refused}.`;
}

/** Skipped rows (already in Keyward, imported earlier, repeated in the file) and rows to fix. */
export function refusalGroups(refused: readonly Refusal[]): { skipped: Refusal[]; toFix: Refusal[] } {
  const skipped: Refusal[] = [];
  const toFix: Refusal[] = [];
  for (const refusal of refused) {
    const isSkip = refusal.kind === 'already_in_keyward' || refusal.kind === 'imported_earlier' || refusal.kind === 'duplicate_in_file';
    (isSkip ? skipped : toFix).push(refusal);
  }
  return { skipped, toFix };
}

/** Whether an import is running. */
export function isImporting(status: ImportStatus): boolean {
  return status.state === 'importing';
}

/** "Imported 2,500 of 10,000 keys…" */
export function importProgressWords(status: ImportStatus): string {
  if (status.total === 0) return 'Reading the file…';
  return `Imported ${formatCount(status.done)} of ${keys(status.total)}…`;
}

/** The result of an import in a few sentences. */
export function resultWords(result: ImportResult): string {
  if (result.cancelled) {
    return `Stopped after ${keys(result.imported)}. Import the same file again to continue: keys already imported are skipped.`;
  }
  const parts = [`Imported ${keys(result.imported)}.`];
  const { skipped, toFix } = refusalGroups(result.refused);
  if (skipped.length > 0) parts.push(`${rows(skipped.length)} ${skipped.length === 1 ? 'was' : 'were'} skipped (already in Keyward, or repeated in the file).`);
  if (toFix.length > 0) parts.push(`${rows(toFix.length)} ${toFix.length === 1 ? 'was' : 'were'} not imported.`);
  if (result.failed.length > 0) parts.push(`${rows(result.failed.length)} could not be written (nothing of it was kept).`);
  return parts.join(' ');
}
