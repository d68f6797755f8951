//! `keyward import FILE --format csv|keepassxc|bitwarden`: keys from a
//! spreadsheet or another password manager's export.
//!
//! Contract: the preview (the keys to be made, and every refused row with
//! its reason) is printed first; nothing is written with `--dry-run`, nor
//! before the person says yes on a terminal (`--yes` skips the question;
//! without a terminal running the command is the confirmation). Each key
//! is all or nothing; a run stopped by Ctrl-C or a crash is continued by
//! running the same command again (keys made are skipped and listed). The
//! source file holds secrets in plain text: Keyward says so, and deletes it
//! with `--delete-source` once every key of it is in Keyward.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use keyward_core::Result;
use keyward_core::import::{self, Format, Mapping, Plan, Table};
use keyward_core::keychain::SecretStore;
use keyward_core::local_time;
use keyward_core::vault::{ImportOutcome, Vault, source_digest};
use serde_json::json;

use super::output;

/// What `keyward import` reads and how.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The export file (it holds secrets in plain text: delete it afterwards).
    pub file: PathBuf,
    /// What kind of file it is.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Which column becomes which field: COLUMN=FIELD, FIELD one of name, service,
    /// application, credential_id, secret, created, notes, owner, vendor, or ignore.
    /// Columns named like the fields need none.
    #[arg(long = "map", value_name = "COL=FIELD")]
    pub map: Vec<String>,
    /// Show what would be imported and what refused; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation on a terminal.
    #[arg(long)]
    pub yes: bool,
    /// Delete the file after the import, once every key in it is in Keyward.
    #[arg(long, conflicts_with = "dry_run")]
    pub delete_source: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// A spreadsheet's CSV with a header row.
    Csv,
    /// KeePassXC's CSV export.
    Keepassxc,
    /// Bitwarden's unencrypted JSON export.
    Bitwarden,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Csv => Format::Csv,
            FormatArg::Keepassxc => Format::Keepassxc,
            FormatArg::Bitwarden => Format::Bitwarden,
        }
    }
}

/// How many keys and refusals the text preview lists before "and N more".
const LISTED: usize = 20;

pub fn run<S: SecretStore>(vault: &Vault<S>, args: ImportArgs) -> Result<u8> {
    let now = Utc::now();
    let format = Format::from(args.format);
    let bytes = import::read_source(&args.file)?;
    let digest = source_digest(&bytes);
    let table = Table::parse(format, &bytes)?;
    drop(bytes);
    let mut mapping = Mapping::default_for(&table);
    for spec in &args.map {
        mapping.apply_map(&table, spec)?;
    }
    let earlier = vault.imported_earlier(&digest)?;
    let keys = vault.catalog().load()?;
    let mut plan = import::plan(table, &mapping, &keys, &earlier, now, &chrono::Local);
    let file = args.file.display().to_string();
    if args.dry_run {
        if args.json {
            let mut value = serde_json::to_value(plan.preview()).unwrap_or_default();
            value["dry_run"] = json!(true);
            output::json_line(&value, true);
        } else {
            print_preview(&plan);
            say!("Nothing was written (--dry-run).");
        }
        return Ok(0);
    }
    if !args.json {
        print_preview(&plan);
    }
    if plan.ready.is_empty() {
        return finish(&plan, ImportOutcome::default(), &args, &file);
    }
    if !args.yes && std::io::stdin().is_terminal() && !confirm(plan.ready.len())? {
        say!("Nothing was imported.");
        return Ok(0);
    }
    let source = args
        .file
        .file_name()
        .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
    let bar = progress_bar(plan.ready.len() as u64);
    let ready = std::mem::take(&mut plan.ready);
    let interrupt = super::interrupt::Interrupt::watch()?;
    let outcome = vault.import(&digest, &source, ready, |done, _| {
        bar.set_position(done as u64);
        !interrupt.asked()
    })?;
    bar.finish_and_clear();
    let stopped = outcome.cancelled && interrupt.asked();
    drop(interrupt);
    let status = finish(&plan, outcome, &args, &file)?;
    if stopped {
        keyward_core::note!(
            "keyward: Stopped (Ctrl-C) between keys: every key imported is complete, in the keychain and in the list, and nothing half-made was kept. To import the rest, run the same command again: the keys already imported are skipped."
        );
        return Ok(super::interrupt::STOPPED);
    }
    Ok(status)
}

/// A bar on standard error when it is a terminal; hidden otherwise.
fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "Importing {pos}/{len} keys {bar:30} {eta} left (Ctrl-C stops; run again to continue)",
    ) {
        bar.set_style(style);
    }
    bar
}

fn confirm(count: usize) -> Result<bool> {
    keyward_core::note!(
        "Import {count} key{}? Their secrets go into {}. Type yes to import:",
        if count == 1 { "" } else { "s" },
        keyward_core::keychain::store_name::YOUR_IN
    );
    Ok(matches!(
        super::prompt::answer()?
            .trim()
            .to_ascii_lowercase()
            .as_str(),
        "yes" | "y"
    ))
}

fn local(instant: chrono::DateTime<chrono::Utc>) -> String {
    local_time::local_text_of(instant, &chrono::Local, true)
}

fn print_preview(plan: &Plan) {
    let preview = plan.preview();
    say!(
        "The file has {} row{}: {} key{} to import, {} not imported.",
        preview.total,
        plural(preview.total),
        preview.ready.len(),
        plural(preview.ready.len()),
        preview.refused.len()
    );
    let mapped: Vec<String> = preview
        .columns
        .iter()
        .zip(&preview.mapping)
        .filter_map(|(column, field)| field.map(|f| format!("{} → {f}", output::shown(column))))
        .collect();
    say!("Columns: {}.", mapped.join(", "));
    let unused: Vec<String> = preview
        .columns
        .iter()
        .zip(&preview.mapping)
        .filter(|(_, field)| field.is_none())
        .map(|(column, _)| format!("\"{}\"", output::shown(column)))
        .collect();
    if !unused.is_empty() {
        say!(
            "Not used: {} (use one with --map \"COLUMN=FIELD\").",
            unused.join(", ")
        );
    }
    for key in preview.ready.iter().take(LISTED) {
        say!(
            "  row {}: {} ({}, credential ID {}, created {})",
            key.row,
            key.name,
            key.service,
            output::shown(&key.credential_id),
            local(key.created_at)
        );
    }
    if preview.ready.len() > LISTED {
        say!("  and {} more.", preview.ready.len() - LISTED);
    }
    if !preview.refused.is_empty() {
        say!("Not imported:");
        for refusal in &preview.refused {
            say!("  row {}: {}", refusal.row, output::shown(&refusal.reason));
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn finish(plan: &Plan, outcome: ImportOutcome, args: &ImportArgs, file: &str) -> Result<u8> {
    let failed = !outcome.failed.is_empty();
    let not_kept = plan.rows_not_kept();
    let deleted = if args.delete_source && !failed && !outcome.cancelled && not_kept.is_empty() {
        import::delete_source(&args.file)?;
        true
    } else {
        false
    };
    if args.json {
        let imported: Vec<_> = outcome
            .imported
            .iter()
            .map(|(row, record)| {
                json!({
                    "row": row,
                    "id": record.id,
                    "name": record.name.as_str(),
                    "service": record.service.as_str(),
                    "credential_id": record.credential_id,
                    "created_at": record.created_at.to_rfc3339(),
                })
            })
            .collect();
        let failures: Vec<_> = outcome
            .failed
            .iter()
            .map(|(row, e)| json!({"row": row, "code": e.code(), "message": e.to_string()}))
            .collect();
        output::json_line(
            &json!({
                "format": plan.format,
                "total": plan.total,
                "imported": imported,
                "refused": plan.refused,
                "failed": failures,
                "cancelled": outcome.cancelled,
                "source_deleted": deleted,
            }),
            true,
        );
    } else {
        say!(
            "Imported {} key{}.",
            outcome.imported.len(),
            plural(outcome.imported.len())
        );
        for (row, error) in &outcome.failed {
            say!(
                "  row {row} could not be imported (nothing of it was kept): {}",
                output::shown_lines(&error.to_string(), false)
            );
        }
        if deleted {
            say!("Deleted {file}.");
        } else {
            say!(
                "{file} holds your secrets in plain text. Once you have checked the keys, delete it: run this command again with --delete-source, or delete it yourself and empty the trash."
            );
            if args.delete_source && !not_kept.is_empty() {
                let rows: Vec<String> = not_kept.iter().map(ToString::to_string).collect();
                say!(
                    "It was not deleted: row{} {} {} not imported, and {} secret{} would be lost.",
                    plural(rows.len()),
                    rows.join(", "),
                    if rows.len() == 1 { "was" } else { "were" },
                    if rows.len() == 1 { "its" } else { "their" },
                    plural(rows.len())
                );
            }
        }
    }
    Ok(if failed { 1 } else { 0 })
}
