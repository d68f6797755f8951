//! Importing keys from another tool's export: a spreadsheet's CSV, a
//! KeePassXC CSV export, or a Bitwarden unencrypted JSON export.
//!
//! An import is read in three steps, none of which writes anything:
//! [`read_source`] reads the file (never through a link, only a regular
//! file), [`Table::parse`] turns it into columns and rows of cells, and
//! [`plan`] maps the columns to a key's fields and decides, row by row, the
//! key that will be made or why the row is refused. Writing happens only
//! when the person confirms, through [`crate::vault::Vault::import`].
//!
//! Promises:
//! - every cell, and the file's bytes, are held in zeroizing buffers from
//!   the moment they are read until they are dropped; a secret goes from
//!   its cell to a [`Secret`] and from there to the keychain only;
//! - the plan ([`Plan`]) shows no secret: the preview masks the cells of the
//!   secret column and of columns whose names say they hold one;
//! - every refused row is listed with its row number and a reason in plain
//!   words ([`Refusal`]); a credential ID seen earlier in the file, or
//!   already held by a key in Keyward, is skipped and listed;
//! - columns named like the fields (`name`, `service`, `application`,
//!   `credential_id`, `secret`, `created`, `notes`, `owner`, `vendor`;
//!   case, spaces and hyphens do not matter) need no mapping; KeePassXC's
//!   and Bitwarden's columns have their own defaults ([`Format`]).

use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::private_files::FileError;

mod bitwarden;
mod csv_table;
mod plan;

pub use plan::{Plan, Planned, PlannedView, Preview, Refusal, RefusalKind, SampleRow, plan};

/// Largest file Keyward imports (an export of 10,000 keys is a few MB).
pub const SOURCE_MAX: u64 = 64 * 1024 * 1024;

/// How many rows the preview shows as they are in the file.
pub const SAMPLE_ROWS: usize = 10;

/// One cell of the file: may hold a secret, so it is wiped when dropped.
pub type Cell = Zeroizing<String>;

/// The kinds of file Keyward imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A spreadsheet's CSV: a header row, then one key per row.
    Csv,
    /// KeePassXC's CSV export ("Group","Title","Username","Password","URL","Notes",…).
    Keepassxc,
    /// Bitwarden's unencrypted JSON export (login and secure-note items).
    Bitwarden,
}

impl Format {
    /// The format's name as the command line takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Keepassxc => "keepassxc",
            Self::Bitwarden => "bitwarden",
        }
    }

    /// What people call the file.
    fn described(self) -> &'static str {
        match self {
            Self::Csv => "a CSV file",
            Self::Keepassxc => "a KeePassXC CSV export",
            Self::Bitwarden => "a Bitwarden JSON export (unencrypted)",
        }
    }
}

/// What a column can become in a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The key's name (a conventional name also gives its date and service).
    Name,
    /// The service the key is for.
    Service,
    /// The application that uses it.
    Application,
    /// The credential ID.
    CredentialId,
    /// The credential secret.
    Secret,
    /// When the key was created.
    Created,
    /// Notes.
    Notes,
    /// Who looks after it.
    Owner,
    /// The vendor that issued it.
    Vendor,
}

impl Field {
    /// Every field, in the order the preview lists them.
    pub const ALL: [Field; 9] = [
        Self::Name,
        Self::Service,
        Self::Application,
        Self::CredentialId,
        Self::Secret,
        Self::Created,
        Self::Notes,
        Self::Owner,
        Self::Vendor,
    ];

    /// The field's name as `--map` and CSV headers write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Service => "service",
            Self::Application => "application",
            Self::CredentialId => "credential_id",
            Self::Secret => "secret",
            Self::Created => "created",
            Self::Notes => "notes",
            Self::Owner => "owner",
            Self::Vendor => "vendor",
        }
    }

    /// The field a header or a `--map` target names, if any (case, spaces
    /// and hyphens do not matter: "Credential ID" is `credential_id`).
    pub fn named(text: &str) -> Option<Self> {
        let key = normalized(text);
        Self::ALL.into_iter().find(|f| f.as_str() == key)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Credential ID` → `credential_id`.
fn normalized(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Why a file could not be imported. `Display` is a sentence for people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// There is no such file.
    #[error("There is no file at {0}. Check the name and the folder.")]
    Missing(String),
    /// A link, a folder, a device: not a regular file.
    #[error("{path} {what}, so Keyward did not read it. Give the path of the export file itself.")]
    NotAFile {
        /// The path as given.
        path: String,
        /// What it is, as the end of a sentence ("is a link").
        what: &'static str,
    },
    /// Too large to be an export of keys.
    #[error(
        "{0} is larger than 64 MB, too large to be an export of keys. Check that you chose the right file."
    )]
    TooLarge(String),
    /// The disk refused to read, overwrite or remove it.
    #[error(transparent)]
    File(#[from] FileError),
    /// It is not the format that was chosen, or it is damaged.
    #[error("This file is not {} Keyward can read: {detail}. Nothing was imported.", format.described())]
    Damaged {
        /// The format that was chosen.
        format: Format,
        /// What is wrong, in words.
        detail: String,
    },
    /// A `--map` or a mapping names a column or field that does not exist.
    #[error("{0}")]
    BadMapping(String),
}

impl ImportError {
    /// The code scripts and the window act on.
    pub fn code(&self) -> crate::Code {
        use crate::Code;
        match self {
            Self::Missing(_) => Code::NotFound,
            Self::NotAFile { .. } => Code::UnsafeFile,
            Self::File(e) => e.code(),
            Self::TooLarge(_) | Self::Damaged { .. } | Self::BadMapping(_) => Code::InvalidInput,
        }
    }
}

/// Deletes the import's source file, which holds secrets in plain text:
/// its bytes are overwritten with zeros and flushed, then it is removed.
/// A link or anything but a regular file is refused and left alone. (On
/// copy-on-write file systems and SSDs old blocks may survive the
/// overwrite; removing the file is what is promised.)
pub fn delete_source(path: &Path) -> Result<(), ImportError> {
    use std::io::{Seek, Write};
    let shown = path.display().to_string();
    let meta = std::fs::symlink_metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ImportError::Missing(shown.clone()),
        _ => FileError::io("check", path)(e).into(),
    })?;
    if !meta.file_type().is_file() {
        return Err(ImportError::NotAFile {
            path: shown.clone(),
            what: if meta.file_type().is_symlink() {
                "is a link"
            } else {
                "is not a regular file"
            },
        });
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let wiped = (|| {
        let mut file = options.open(path)?;
        let len = file.metadata()?.len();
        let zeros = vec![0u8; 64 * 1024];
        let mut left = len;
        file.seek(std::io::SeekFrom::Start(0))?;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            file.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        file.sync_all()
    })();
    wiped.map_err(FileError::io("overwrite", path))?;
    std::fs::remove_file(path).map_err(FileError::io("remove", path))?;
    Ok(())
}

/// A file's bytes, wiped when dropped.
pub type SourceBytes = Zeroizing<Vec<u8>>;

/// Reads the export at `path` into a zeroizing buffer: never through a
/// link, only a regular file, at most [`SOURCE_MAX`] bytes.
pub fn read_source(path: &Path) -> Result<SourceBytes, ImportError> {
    read_source_within(path, SOURCE_MAX)
}

/// [`read_source`] with a smaller limit than the import's (the audit
/// stream's certificate files): a file over `limit` by its size is refused
/// before it is opened, and one that grows while it is read is cut at
/// `limit + 1` bytes and refused. `TooLarge`'s sentence names the import's
/// limit: a caller with another limit says its own.
pub fn read_source_within(path: &Path, limit: u64) -> Result<SourceBytes, ImportError> {
    let shown = path.display().to_string();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ImportError::Missing(shown));
        }
        Err(e) => return Err(FileError::io("check", path)(e).into()),
    };
    let kind = meta.file_type();
    let not_a_file = |what| ImportError::NotAFile {
        path: shown.clone(),
        what,
    };
    if kind.is_symlink() {
        return Err(not_a_file("is a link"));
    }
    if kind.is_dir() {
        return Err(not_a_file("is a folder"));
    }
    if !kind.is_file() {
        return Err(not_a_file("is not a regular file (a device or a pipe)"));
    }
    if meta.len() > limit {
        return Err(ImportError::TooLarge(shown));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never through a link planted between the check and the open.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(FileError::io("read", path))?;
    let opened = file.metadata().map_err(FileError::io("read", path))?;
    if !opened.is_file() {
        return Err(not_a_file("is not a regular file (a device or a pipe)"));
    }
    // Sized up front so the buffer never moves (a move would leave a copy);
    // never larger than the limit, whatever the file says now.
    let mut bytes = Zeroizing::new(Vec::with_capacity(opened.len().min(limit) as usize + 1));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(FileError::io("read", path))?;
    if bytes.len() as u64 > limit {
        return Err(ImportError::TooLarge(shown));
    }
    Ok(bytes)
}

/// A file read into columns and rows.
#[derive(Debug)]
pub struct Table {
    /// The format it was read as.
    pub format: Format,
    /// The column headers, as in the file.
    pub columns: Vec<String>,
    /// The rows, in file order.
    pub rows: Vec<Row>,
    /// Columns whose cells the source itself keeps hidden (Bitwarden's
    /// hidden custom fields): masked in the preview whatever their name.
    pub hidden: Vec<usize>,
}

/// One entry of the file.
#[derive(Debug)]
pub struct Row {
    /// Where it is in the file, for messages: the spreadsheet row (the
    /// header is row 1) or the Bitwarden item's number.
    pub number: usize,
    /// Its cells, one per column (missing ones are empty).
    pub cells: Vec<Cell>,
}

impl Table {
    /// Reads `bytes` as `format`.
    pub fn parse(format: Format, bytes: &[u8]) -> Result<Self, ImportError> {
        let damaged = |detail: String| ImportError::Damaged { format, detail };
        match format {
            Format::Csv | Format::Keepassxc => {
                let table = csv_table::parse(format, bytes).map_err(damaged)?;
                if format == Format::Keepassxc {
                    let expected = ["Group", "Title", "Username", "Password"];
                    if table.columns.len() < 6 || table.columns[..4] != expected {
                        return Err(damaged(format!(
                            "a KeePassXC export starts with the columns \"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\", this one with {}",
                            shown_columns(&table.columns)
                        )));
                    }
                }
                Ok(table)
            }
            Format::Bitwarden => bitwarden::parse(bytes).map_err(damaged),
        }
    }

    /// The column called `name` (exactly, else ignoring case and spaces).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name).or_else(|| {
            let wanted = normalized(name);
            self.columns.iter().position(|c| normalized(c) == wanted)
        })
    }
}

fn shown_columns(columns: &[String]) -> String {
    let shown: Vec<String> = columns
        .iter()
        .take(6)
        .map(|c| {
            format!(
                "\"{}\"",
                c.chars()
                    .filter(|c| !c.is_control())
                    .take(40)
                    .collect::<String>()
            )
        })
        .collect();
    if shown.is_empty() {
        "no columns".into()
    } else {
        shown.join(",")
    }
}

/// Which column becomes which field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Mapping {
    /// `(column index, field)`; a field at most once.
    pub columns: Vec<(usize, Field)>,
}

impl Mapping {
    /// The mapping a format starts with: KeePassXC's and Bitwarden's
    /// columns by their meaning, any column named like a field by its name.
    pub fn default_for(table: &Table) -> Self {
        let mut mapping = Self::default();
        let defaults: &[(&str, Field)] = match table.format {
            Format::Csv => &[],
            Format::Keepassxc => &[
                ("Title", Field::Name),
                ("Username", Field::CredentialId),
                ("Password", Field::Secret),
                ("Notes", Field::Notes),
                ("Created", Field::Created),
            ],
            Format::Bitwarden => bitwarden::DEFAULT_MAPPING,
        };
        for (column, field) in defaults {
            if let Some(at) = table.column(column) {
                mapping.set(at, *field);
            }
        }
        for (at, column) in table.columns.iter().enumerate() {
            if let Some(field) = Field::named(column)
                && mapping.column_of(field).is_none()
                && mapping.field_of(at).is_none()
            {
                mapping.set(at, field);
            }
        }
        mapping
    }

    /// Maps column `at` to `field` (a column or field mapped before is
    /// mapped again).
    pub fn set(&mut self, at: usize, field: Field) {
        self.columns.retain(|(c, f)| *c != at && *f != field);
        self.columns.push((at, field));
    }

    /// Applies `COL=FIELD` from the command line (`FIELD` may be `ignore`).
    pub fn apply_map(&mut self, table: &Table, spec: &str) -> Result<(), ImportError> {
        let Some((column, field)) = spec.rsplit_once('=') else {
            return Err(ImportError::BadMapping(format!(
                "--map {spec}: write it as COLUMN=FIELD, for example --map \"API Key=secret\"."
            )));
        };
        let at = table.column(column).ok_or_else(|| {
            ImportError::BadMapping(format!(
                "--map {spec}: the file has no column \"{column}\". Its columns are: {}.",
                table.columns.join(", ")
            ))
        })?;
        if normalized(field) == "ignore" {
            self.columns.retain(|(c, _)| *c != at);
            return Ok(());
        }
        let field = Field::named(field).ok_or_else(|| {
            ImportError::BadMapping(format!(
                "--map {spec}: \"{field}\" is not a field. Use one of: {}, or ignore.",
                Field::ALL.map(Field::as_str).join(", ")
            ))
        })?;
        self.set(at, field);
        Ok(())
    }

    /// The column mapped to `field`.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.columns
            .iter()
            .find(|(_, f)| *f == field)
            .map(|(c, _)| *c)
    }

    /// The field column `at` is mapped to.
    pub fn field_of(&self, at: usize) -> Option<Field> {
        self.columns.iter().find(|(c, _)| *c == at).map(|(_, f)| *f)
    }
}

#[cfg(test)]
mod tests;
