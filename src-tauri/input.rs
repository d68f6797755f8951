//! Raw input from the command line or the window, turned into domain values
//! once. Local time is read here (the core never reads the clock).

use chrono::{DateTime, Local, NaiveDate, Utc};
use keyward_core::local_time;
use keyward_core::naming::{self, KeyName, Label, ServiceName};
use keyward_core::vault::NewKey;
use keyward_core::vendor::VendorName;
use keyward_core::{Error, Result};

/// What a person asked for when making or adding a key.
#[derive(Debug, Default)]
pub struct KeyInput<'a> {
    /// The service as typed.
    pub service: &'a str,
    /// The application, if any.
    pub application: Option<&'a str>,
    /// A chosen name; without one the conventional name is suggested.
    pub name: Option<&'a str>,
    /// Notes.
    pub notes: Option<&'a str>,
    /// `YYYY-MM-DD` creation date of an existing key.
    pub created: Option<&'a str>,
    /// The vendor that issued an existing key (blank: none).
    pub vendor: Option<&'a str>,
    /// Who looks after the key (blank: nobody named).
    pub owner: Option<&'a str>,
}

impl KeyInput<'_> {
    /// Validates everything and decides the creation time: the given date,
    /// else the local date and time in a conventional name (a wall time in a
    /// daylight-saving gap or overlap follows the rule in
    /// `keyward_core::local_time`, never "now"), else `now`.
    pub fn into_new_key(self, slug_service: bool, now: DateTime<Utc>) -> Result<NewKey> {
        let service = if slug_service {
            naming::service_slug(self.service)?
        } else {
            ServiceName::parse(self.service)?
        };
        let name = self
            .name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(KeyName::parse)
            .transpose()?;
        let created_at = match self.created.map(str::trim).filter(|c| !c.is_empty()) {
            Some(date) => parse_created(date)?,
            None => name
                .as_ref()
                .and_then(naming::date_from_name)
                .map(|local| local_time::resolve(&Local, local))
                .unwrap_or(now),
        };
        if created_at > now + chrono::Duration::minutes(5) {
            return Err(Error::Invalid(
                "The creation date is in the future. Use the date the key was made.".into(),
            ));
        }
        let name = match name {
            Some(name) => name,
            None => naming::suggest_name(&service, created_at.with_timezone(&Local).naive_local()),
        };
        Ok(NewKey {
            service,
            application: self
                .application
                .map(Label::application)
                .transpose()?
                .flatten(),
            name,
            notes: Label::notes(self.notes.unwrap_or(""))?,
            created_at,
            vendor: self
                .vendor
                .filter(|v| !v.trim().is_empty())
                .map(VendorName::parse)
                .transpose()?,
            owner: self.owner.map(Label::owner).transpose()?.flatten(),
        })
    }
}

/// The conventional name for a key made now for `service` (as typed).
pub fn suggested_name(service: &str, now: DateTime<Utc>) -> Result<KeyName> {
    let service = naming::service_slug(service)?;
    Ok(naming::suggest_name(
        &service,
        now.with_timezone(&Local).naive_local(),
    ))
}

/// The conventional name for a replacement of a `service` key made now;
/// when a key already has it (a key replaced in the minute it was made),
/// `-2`, `-3`, … is added.
pub fn replacement_name<S: keyward_core::keychain::SecretStore>(
    vault: &keyward_core::vault::Vault<S>,
    service: &ServiceName,
    now: DateTime<Utc>,
) -> Result<KeyName> {
    let base = suggested_name(service.as_str(), now)?;
    if vault.name_available(&base)? {
        return Ok(base);
    }
    for n in 2..100 {
        let name = KeyName::parse(&format!("{base}-{n}"))?;
        if vault.name_available(&name)? {
            return Ok(name);
        }
    }
    Ok(base) // refused as taken, in words, by the vault
}

/// `YYYY-MM-DD`, taken as the start of that day in local time (a midnight
/// in a daylight-saving gap follows the rule in `keyward_core::local_time`).
fn parse_created(raw: &str) -> Result<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        let shown: String = raw.chars().filter(|c| !c.is_control()).take(40).collect();
        Error::Invalid(format!(
            "\"{shown}\" is not a date Keyward understands. Write it as YYYY-MM-DD, for example 2026-08-26."
        ))
    })?;
    Ok(local_time::resolve(
        &Local,
        date.and_time(chrono::NaiveTime::MIN),
    ))
}
