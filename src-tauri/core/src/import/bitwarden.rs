//! Bitwarden's unencrypted JSON export read into a [`Table`].
//!
//! The export (Bitwarden's documented `.json` format) is an object with
//! `encrypted: false`, `folders` and `items`. Keys are taken from items of
//! type 1 (login: `login.username` is the credential ID, `login.password`
//! the secret) and type 2 (secure note: custom `fields` or the note carry
//! them); cards (3) and identities (4) are left out. Custom fields named
//! like a credential ID ("Client ID", "Key ID", "Access key ID", …) or a
//! secret ("API key", "Secret", "Token", or any hidden field) fill in what
//! the login does not have. An encrypted or password-protected export is
//! refused with what to do.
//!
//! Each item becomes a row with the columns [`COLUMNS`], then one column
//! per custom field name found in the export (first seen first, at most
//! [`MAX_CUSTOM_COLUMNS`]; a name that clashes with a column is headed
//! `field NAME`), so a field such as "Environment" or "Owner" can be mapped
//! in the preview or with `--map`; a hidden field's column is masked in the
//! preview. Every string of the file is read into a zeroizing [`Cell`].

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{Cell, Field, Format, Row, Table};

/// The columns each item becomes.
const COLUMNS: [&str; 9] = [
    "name", "folder", "type", "username", "password", "notes", "uri", "created", "revised",
];

/// The most custom field names offered as columns.
const MAX_CUSTOM_COLUMNS: usize = 40;

/// What the columns become unless the person maps them otherwise.
pub(super) const DEFAULT_MAPPING: &[(&str, Field)] = &[
    ("name", Field::Name),
    ("username", Field::CredentialId),
    ("password", Field::Secret),
    ("notes", Field::Notes),
    ("created", Field::Created),
];

/// A string of the file, wiped when dropped.
#[derive(Default)]
struct Text(Cell);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self(Zeroizing::new(
            Option::<String>::deserialize(d)?.unwrap_or_default(),
        )))
    }
}

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    encrypted: bool,
    #[serde(rename = "passwordProtected", default)]
    password_protected: bool,
    #[serde(default)]
    folders: Vec<Folder>,
    items: Option<Vec<Item>>,
}

#[derive(Deserialize)]
struct Folder {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct Item {
    #[serde(rename = "type")]
    kind: u8,
    #[serde(default)]
    name: Text,
    #[serde(default)]
    notes: Text,
    #[serde(rename = "folderId", default)]
    folder_id: Option<String>,
    #[serde(rename = "creationDate", default)]
    created: Option<String>,
    #[serde(rename = "revisionDate", default)]
    revised: Option<String>,
    #[serde(default)]
    login: Option<Login>,
    #[serde(default)]
    fields: Option<Vec<CustomField>>,
}

#[derive(Deserialize)]
struct Login {
    #[serde(default)]
    username: Text,
    #[serde(default)]
    password: Text,
    #[serde(default)]
    uris: Option<Vec<Uri>>,
}

#[derive(Deserialize)]
struct Uri {
    #[serde(default)]
    uri: Text,
}

#[derive(Deserialize)]
struct CustomField {
    #[serde(default)]
    name: Text,
    #[serde(default)]
    value: Text,
    /// 0 text, 1 hidden, 2 boolean, 3 linked.
    #[serde(rename = "type", default)]
    kind: u8,
}

const ENCRYPTED: &str = "it is encrypted. Export the vault again choosing the format \".json\" (not \".json (Encrypted)\"), import it, then delete the file";

/// Names of custom fields that hold a credential ID.
const ID_FIELDS: [&str; 8] = [
    "credential_id",
    "client_id",
    "key_id",
    "access_key_id",
    "api_key_id",
    "app_id",
    "account_id",
    "username",
];
/// Names of custom fields that hold a secret.
const SECRET_FIELDS: [&str; 10] = [
    "secret",
    "credential_secret",
    "client_secret",
    "secret_key",
    "secret_access_key",
    "api_key",
    "api_secret",
    "token",
    "api_token",
    "password",
];

/// Just the flags of an export, read first (other values skipped unread)
/// so an encrypted export is told as such.
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    encrypted: bool,
    #[serde(rename = "passwordProtected", default)]
    password_protected: bool,
}

pub(super) fn parse(bytes: &[u8]) -> Result<Table, String> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err("it is not JSON (a Bitwarden export starts with \"{\")".into());
    }
    if let Ok(head) = serde_json::from_slice::<Head>(bytes)
        && (head.encrypted || head.password_protected)
    {
        return Err(ENCRYPTED.into());
    }
    let export: Export = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            format!("it is not JSON, or it was cut short ({e})")
        } else {
            format!("it is JSON, but not a Bitwarden export ({e})")
        }
    })?;
    if export.encrypted || export.password_protected {
        return Err(ENCRYPTED.into());
    }
    let items = export
        .items
        .ok_or_else(|| "it has no \"items\"".to_owned())?;
    let folder_name = |id: &Option<String>| -> String {
        id.as_ref()
            .and_then(|id| export.folders.iter().find(|f| &f.id == id))
            .map(|f| f.name.clone())
            .unwrap_or_default()
    };
    let mut columns: Vec<String> = COLUMNS.map(str::to_owned).to_vec();
    // Custom field names, as in the file, and the column each fills.
    let mut custom: Vec<String> = Vec::new();
    let mut hidden = Vec::new();
    for field in items
        .iter()
        .filter(|i| matches!(i.kind, 1 | 2))
        .flat_map(|i| i.fields.iter().flatten())
    {
        let name = field.name.0.trim();
        if name.is_empty() || custom.iter().any(|c| c == name) || custom.len() >= MAX_CUSTOM_COLUMNS
        {
            continue;
        }
        let taken = |header: &str| {
            columns
                .iter()
                .any(|c| super::normalized(c) == super::normalized(header))
        };
        let header = if taken(name) {
            format!("field {name}")
        } else {
            name.to_owned()
        };
        if taken(&header) {
            continue;
        }
        if field.kind == 1 {
            hidden.push(columns.len());
        }
        columns.push(header);
        custom.push(name.to_owned());
    }
    let mut rows = Vec::new();
    for (at, item) in items.into_iter().enumerate() {
        let kind = match item.kind {
            1 => "login",
            2 => "secure note",
            _ => continue, // cards and identities hold no API keys
        };
        let fields = item.fields.unwrap_or_default();
        let field = |names: &[&str], hidden: bool| -> Option<Cell> {
            fields
                .iter()
                .find(|f| {
                    let name = super::normalized(&f.name.0);
                    names.contains(&name.as_str()) && !f.value.0.is_empty()
                })
                .or_else(|| {
                    hidden
                        .then(|| fields.iter().find(|f| f.kind == 1 && !f.value.0.is_empty()))
                        .flatten()
                })
                .map(|f| f.value.0.clone())
        };
        let (mut username, mut password, uri) = match item.login {
            Some(login) => (
                login.username.0,
                login.password.0,
                login
                    .uris
                    .unwrap_or_default()
                    .into_iter()
                    .next()
                    .map(|u| u.uri.0)
                    .unwrap_or_default(),
            ),
            None => Default::default(),
        };
        if username.trim().is_empty()
            && let Some(value) = field(&ID_FIELDS, false)
        {
            username = value;
        }
        if password.trim().is_empty()
            && let Some(value) = field(&SECRET_FIELDS, true)
        {
            password = value;
        }
        let extra: Vec<Cell> = custom
            .iter()
            .map(|name| {
                fields
                    .iter()
                    .find(|f| f.name.0.trim() == name)
                    .map(|f| f.value.0.clone())
                    .unwrap_or_default()
            })
            .collect();
        let mut cells = vec![
            item.name.0,
            Zeroizing::new(folder_name(&item.folder_id)),
            Zeroizing::new(kind.to_owned()),
            username,
            password,
            item.notes.0,
            uri,
            Zeroizing::new(item.created.unwrap_or_default()),
            Zeroizing::new(item.revised.unwrap_or_default()),
        ];
        cells.extend(extra);
        rows.push(Row {
            number: at + 1,
            cells,
        });
    }
    Ok(Table {
        format: Format::Bitwarden,
        columns,
        rows,
        hidden,
    })
}
