//! Vendors: who issued a key Keyward did not make, and their profiles.
//!
//! A vendor profile is shared by the vendor's keys: a display name, the
//! dashboard address where keys are made and revoked, and notes ("ask
//! Finance for access"). Profiles are kept in `vendors.json` beside the
//! catalog.
//!
//! Promises:
//! - A [`VendorName`] is a lowercase slug (`mailchimp`), validated once;
//!   a [`DashboardUrl`] is an `https://` address (nothing else opens).
//! - `vendors.json` is private (0600) and written atomically through
//!   [`crate::private_files`]; changes from several processes are
//!   serialized by a lock on `vendors.lock` and re-read under it.
//! - A missing file is no profiles; a damaged one is never overwritten and
//!   is refused in words (`unsafe_file`); keys are still listed without it.
//! - Never a secret: profiles hold names, addresses and notes only.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::CatalogError;
use crate::error::{Error, Result};
use crate::naming::{Label, NameError, service_slug};
use crate::private_files::{FileError, open_read, private_dir, write_atomically};

const FILE: &str = "vendors.json";
const LOCK_FILE: &str = "vendors.lock";
const FORMAT: u32 = 1;

/// Longest dashboard address.
const URL_MAX: usize = 2000;

/// A vendor's short name, the profile's key: a lowercase slug such as
/// `mailchimp` (what a person types is slugged: "Mail Chimp" → `mail-chimp`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VendorName(String);

impl VendorName {
    /// Slugs and validates what a person typed.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        if raw.trim().is_empty() {
            return Err(NameError::Empty { what: "Vendor" });
        }
        let slug = service_slug(raw).map_err(|e| match e {
            NameError::TooLong { max, .. } => NameError::TooLong {
                what: "Vendor",
                max,
            },
            NameError::BadStart { .. } => NameError::BadStart { what: "Vendor" },
            other => other,
        })?;
        Ok(Self(slug.as_str().to_owned()))
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VendorName {
    type Error = NameError;
    fn try_from(raw: String) -> Result<Self, NameError> {
        Self::parse(&raw)
    }
}

impl From<VendorName> for String {
    fn from(value: VendorName) -> String {
        value.0
    }
}

impl std::fmt::Display for VendorName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The address of a vendor's dashboard: `https://` only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DashboardUrl(String);

impl DashboardUrl {
    /// Checks an address typed or pasted by a person.
    pub fn parse(raw: &str) -> Result<Self> {
        let text = raw.trim();
        let refuse = |why: &str| {
            Error::Invalid(format!(
                "The dashboard address {why}. Copy the address of the page where the vendor's keys are made, starting with https://, for example https://dashboard.stripe.com/apikeys."
            ))
        };
        if text.is_empty() {
            return Err(refuse("is empty"));
        }
        if text.len() > URL_MAX {
            return Err(refuse("is too long"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse("contains spaces or invisible characters"));
        }
        let url = url::Url::parse(text).map_err(|_| refuse("is not a web address"))?;
        if url.scheme() != "https" {
            return Err(refuse(
                "does not start with https:// (Keyward opens only secure addresses)",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(refuse("has no site name"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("contains a user name or password"));
        }
        Ok(Self(url.to_string()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DashboardUrl {
    type Error = Error;
    fn try_from(raw: String) -> Result<Self> {
        Self::parse(&raw)
    }
}

impl From<DashboardUrl> for String {
    fn from(value: DashboardUrl) -> String {
        value.0
    }
}

/// A vendor's profile, shared by its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorProfile {
    /// The slug keys refer to.
    pub name: VendorName,
    /// How people call the vendor ("Mailchimp").
    pub display_name: Label,
    /// Where the vendor's keys are made and revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_url: Option<DashboardUrl>,
    /// Free notes ("ask Finance for access").
    #[serde(default = "empty_label")]
    pub notes: Label,
}

fn empty_label() -> Label {
    // An empty string is always valid notes.
    Label::notes("").unwrap_or_else(|_| unreachable!("empty notes are valid"))
}

impl VendorProfile {
    /// A profile with only a name: the display name is the name.
    pub fn bare(name: VendorName) -> Self {
        let display_name = Label::parse("Vendor", name.as_str(), 200, false)
            .unwrap_or_else(|_| unreachable!("a slug is a valid label"));
        Self {
            name,
            display_name,
            dashboard_url: None,
            notes: empty_label(),
        }
    }

    /// The read model.
    pub fn view(&self) -> VendorView {
        VendorView {
            name: self.name.to_string(),
            display_name: self.display_name.to_string(),
            dashboard_url: self.dashboard_url.as_ref().map(|u| u.as_str().to_owned()),
            notes: self.notes.to_string(),
        }
    }
}

/// A vendor as people and the window see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct VendorView {
    /// The slug keys refer to (`mailchimp`).
    pub name: String,
    /// How people call the vendor.
    pub display_name: String,
    /// The `https://` dashboard address, if known.
    pub dashboard_url: Option<String>,
    /// Notes.
    pub notes: String,
}

/// A profile as a person asked to save it (raw text, validated by [`VendorRequest::parse`]).
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
pub struct VendorRequest {
    /// The vendor's name (slugged).
    pub name: String,
    /// Display name; blank means the name.
    pub display_name: String,
    /// Dashboard address; blank or null means none.
    pub dashboard_url: Option<String>,
    /// Notes.
    pub notes: String,
}

impl VendorRequest {
    /// The validated profile.
    pub fn parse(&self) -> Result<VendorProfile> {
        let name = VendorName::parse(&self.name)?;
        let display = if self.display_name.trim().is_empty() {
            name.as_str()
        } else {
            self.display_name.as_str()
        };
        let display_name = Label::parse("Vendor display name", display, 200, false)?;
        let dashboard_url = self
            .dashboard_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .map(DashboardUrl::parse)
            .transpose()?;
        Ok(VendorProfile {
            name,
            display_name,
            dashboard_url,
            notes: Label::notes(&self.notes)?,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct VendorsFile {
    format: u32,
    vendors: Vec<VendorProfile>,
}

/// The vendor profiles of one data folder.
#[derive(Debug, Clone)]
pub struct Vendors {
    dir: PathBuf,
}

impl Vendors {
    /// The profiles kept in `dir` (the data folder).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// Every profile, by name. A missing file is none.
    pub fn all(&self) -> Result<BTreeMap<VendorName, VendorProfile>> {
        private_dir(&self.dir)?;
        let path = self.path();
        let Some(mut file) = open_read(&path)? else {
            return Ok(BTreeMap::new());
        };
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(FileError::io("read", &path))?;
        let parsed: VendorsFile =
            serde_json::from_str(&text).map_err(|e| FileError::Unsafe {
                reason: format!(
                    "Keyward's list of vendors at {} is damaged and could not be read ({e}). It has been left as it was; your keys and their secrets are not affected. Restore it from a backup, or move it aside to start a new list of vendors.",
                    path.display()
                ),
                path: path.clone(),
            })?;
        if parsed.format > FORMAT {
            return Err(CatalogError::TooNew { path }.into());
        }
        Ok(parsed
            .vendors
            .into_iter()
            .map(|v| (v.name.clone(), v))
            .collect())
    }

    /// The profile called `name`, if there is one.
    pub fn get(&self, name: &VendorName) -> Result<Option<VendorProfile>> {
        Ok(self.all()?.remove(name))
    }

    /// Saves `profile` (new or replacing the one of the same name); returns
    /// the profile before, if any.
    pub fn save(&self, profile: VendorProfile) -> Result<Option<VendorProfile>> {
        self.change(|all| Ok(all.insert(profile.name.clone(), profile)))
    }

    /// Makes a bare profile for `name` unless one exists.
    pub fn ensure(&self, name: &VendorName) -> Result<()> {
        self.change(|all| {
            all.entry(name.clone())
                .or_insert_with(|| VendorProfile::bare(name.clone()));
            Ok(())
        })
    }

    fn change<T>(
        &self,
        change: impl FnOnce(&mut BTreeMap<VendorName, VendorProfile>) -> Result<T>,
    ) -> Result<T> {
        let _lock = self.lock()?;
        let mut all = self.all()?;
        let before = all.clone();
        let out = change(&mut all)?;
        if all != before {
            let file = VendorsFile {
                format: FORMAT,
                vendors: all.into_values().collect(),
            };
            let text = serde_json::to_vec_pretty(&file)
                .map_err(|e| Error::Invalid(format!("Could not save the vendors: {e}.")))?;
            write_atomically(&self.path(), &text)?;
        }
        Ok(out)
    }

    fn lock(&self) -> Result<File> {
        private_dir(&self.dir)?;
        let path = self.dir.join(LOCK_FILE);
        let file = crate::private_files::open_lock_file(&path)?;
        file.lock().map_err(FileError::io("lock", &path))?;
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_names_are_slugs() {
        assert_eq!(
            VendorName::parse("Mail Chimp").unwrap().as_str(),
            "mail-chimp"
        );
        assert_eq!(VendorName::parse("stripe").unwrap().as_str(), "stripe");
        assert!(VendorName::parse("  ").is_err());
        assert!(VendorName::parse("!!!").is_err());
    }

    #[test]
    fn only_https_dashboards_are_accepted() {
        assert_eq!(
            DashboardUrl::parse(" https://dashboard.stripe.com/apikeys ")
                .unwrap()
                .as_str(),
            "https://dashboard.stripe.com/apikeys"
        );
        for bad in [
            "http://dashboard.example.com",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "dashboard.example.com",
            "https://user:pw@example.com/",
            "",
        ] {
            let err = DashboardUrl::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{bad}");
            assert!(err.to_string().contains("https://"), "{err}");
        }
    }

    #[test]
    fn profiles_are_saved_privately_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let vendors = Vendors::in_dir(dir.path());
        assert!(vendors.all().unwrap().is_empty());
        let profile = VendorRequest {
            name: "Mailchimp".into(),
            display_name: "Mailchimp".into(),
            dashboard_url: Some("https://us1.admin.mailchimp.com/account/api/".into()),
            notes: "Ask Finance for access".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(vendors.save(profile.clone()).unwrap(), None);
        let name = VendorName::parse("mailchimp").unwrap();
        assert_eq!(vendors.get(&name).unwrap(), Some(profile.clone()));
        vendors.ensure(&name).unwrap();
        assert_eq!(
            vendors.get(&name).unwrap(),
            Some(profile),
            "ensure keeps an existing profile"
        );
        let twilio = VendorName::parse("twilio").unwrap();
        vendors.ensure(&twilio).unwrap();
        assert_eq!(
            vendors.get(&twilio).unwrap().unwrap().display_name.as_str(),
            "twilio"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_vendors_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        let vendors = Vendors::in_dir(dir.path());
        let err = vendors
            .ensure(&VendorName::parse("x").unwrap())
            .unwrap_err();
        assert_eq!(err.code(), "unsafe_file");
        assert!(err.to_string().contains("list of vendors"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(FILE)).unwrap(),
            "{not json"
        );
    }
}
