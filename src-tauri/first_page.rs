//! The window's page, served with the list of keys already in it.
//!
//! Asking for the list over IPC once the page's script runs costs the first
//! launch a few hundred milliseconds: the answer reaches the page only after
//! WebKit has built and drawn it once, so the window shows an empty page
//! first and the keys a frame later. Serving `index.html` with the list
//! written into it (JSON in an attribute of a hidden element, which the page
//! reads and removes before it draws) lets the window draw the keys in its
//! first frame. The list never holds a secret ([`KeyView`]); if it cannot be
//! read, the page is served as built and asks over IPC as before, which
//! reports the problem.
//!
//! Why an attribute and not `<script type="application/json">`: WebKit grows
//! a script element's text chunk by chunk as the page arrives, copying it
//! each time, so 10,000 keys (5 MB) took a second to arrive that way; an
//! attribute is read in one pass (0.17 s).
//!
//! Only the first screen: the [`FIRST_SCREEN_KEYS`] keys the list opens on
//! (what needs doing first, see [`first_screen`]) and how many there are in all; the page asks for the
//! whole list over IPC once it is drawn. WebKit keeps copies of the page it
//! was served in the app's process and in the web process for as long as the
//! window is open: with all of 10,000 keys (5 MB) written in, the two held
//! ~22 MB more than with the first screen and the list over IPC.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use keyward_core::keychain::SharedStore;
use keyward_core::record::KeyView;
use keyward_core::rotation::RotationStatus;
use keyward_core::vault::Vault;
use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};
use tauri::{Assets, Runtime};

/// The id of the element holding the list; `ui/src/lib/firstList.ts` reads it.
pub const FIRST_LIST_ID: &str = "first-list";

/// How many keys the page carries: more than any window shows at once (a
/// row is 56 pixels high, so 100 rows fill a screen 5,600 pixels tall).
pub const FIRST_SCREEN_KEYS: usize = 100;

/// The built UI, with the list of keys written into the page when it loads.
pub struct FirstPage<R: Runtime> {
    built: Box<dyn Assets<R>>,
    vault: Arc<Vault<SharedStore>>,
}

impl<R: Runtime> FirstPage<R> {
    /// Serves `built` (the UI embedded at build time), with `vault`'s list
    /// written into its page.
    pub fn new(built: Box<dyn Assets<R>>, vault: Arc<Vault<SharedStore>>) -> Self {
        Self { built, vault }
    }
}

impl<R: Runtime> Assets<R> for FirstPage<R> {
    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        let asset = self.built.get(key)?;
        if key.as_ref() != "/index.html" {
            return Some(asset);
        }
        let Ok(page) = std::str::from_utf8(&asset) else {
            return Some(asset);
        };
        let now = Utc::now();
        let served = match self.vault.list(now, &chrono::Local) {
            Ok(keys) => {
                let locale = date_locale(|name| keyward_core::env::process().locale.get(name));
                with_first_list(page, &keys, now, locale.as_deref())
                    .map(|page| Cow::Owned(page.into_bytes()))
            }
            Err(_) => None,
        };
        crate::memory::give_back_soon();
        served.or(Some(asset))
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        self.built.iter()
    }

    fn csp_hashes(&self, html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        self.built.csp_hashes(html_path)
    }
}

/// `page` with the first screen of `keys` (see [`first_screen`]; `now` says
/// which replaced keys are due to be deleted)
/// as JSON at the end of its body, in the `data-keys` attribute of a hidden
/// element with the id [`FIRST_LIST_ID`], and the number of all `keys` in its
/// `data-total` attribute; `None` when the page has no body to put it in.
///
/// The element also carries the person's date `locale` in `data-locale`
/// (from [`date_locale`]: letters, digits and `-` only), so that dates
/// typed into forms follow it (the web view knows only the language of
/// messages, and not on every system).
///
/// `<`, `>`, `&` and `'` are written as JSON escapes, so no key's name or
/// notes can end the attribute or start markup (the attribute is read as
/// written: it holds no character references); so is `_`, so no text in a
/// key can spell the placeholders Tauri replaces in the page it serves
/// (`__TAURI_SCRIPT_NONCE__`).
pub fn with_first_list(
    page: &str,
    keys: &[KeyView],
    now: DateTime<Utc>,
    locale: Option<&str>,
) -> Option<String> {
    let end = page.rfind("</body>")?;
    let json = serde_json::to_string(&first_screen(keys, now)).ok()?;
    let mut block = String::with_capacity(json.len() + 80);
    block.push_str(r#"<div hidden id=""#);
    block.push_str(FIRST_LIST_ID);
    block.push_str(r#"" data-total=""#);
    block.push_str(&keys.len().to_string());
    if let Some(locale) = locale {
        block.push_str(r#"" data-locale=""#);
        block.push_str(locale);
    }
    block.push_str(r#"" data-keys='"#);
    for c in json.chars() {
        match c {
            '<' => block.push_str("\\u003c"),
            '>' => block.push_str("\\u003e"),
            '&' => block.push_str("\\u0026"),
            '\'' => block.push_str("\\u0027"),
            '_' => block.push_str("\\u005f"),
            c => block.push(c),
        }
    }
    block.push_str("'></div>");
    let mut served = String::with_capacity(page.len() + block.len());
    served.push_str(&page[..end]);
    served.push_str(&block);
    served.push_str(&page[end..]);
    Some(served)
}

/// The keys the list shows first when it opens, at most [`FIRST_SCREEN_KEYS`]:
/// what needs doing first, as the list's default order has it (the page sorts
/// what it shows itself, see `ui/src/lib/keyQuery.ts`): leaked keys, overdue
/// keys (the most overdue first), replaced keys due to be deleted, keys due soon (the
/// soonest first), then the rest, the oldest first.
fn first_screen(keys: &[KeyView], now: DateTime<Utc>) -> Vec<&KeyView> {
    let mut first: Vec<(u8, &KeyView)> = keys.iter().map(|k| (urgency(k, now), k)).collect();
    // RFC 3339 times in UTC, all written alike: in text order is in time order.
    first.sort_by(|(ua, a), (ub, b)| {
        let by_due = |u: u8, k: &KeyView| {
            if u == 1 || u == 3 {
                k.days_until_due
            } else {
                0
            }
        };
        ua.cmp(ub)
            .then_with(|| by_due(*ua, a).cmp(&by_due(*ub, b)))
            .then_with(|| a.created_at.cmp(&b.created_at))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    first.truncate(FIRST_SCREEN_KEYS);
    first.into_iter().map(|(_, k)| k).collect()
}

/// The person's locale for dates as a BCP 47 tag (`de-DE`), from the first
/// of `LC_ALL`, `LC_TIME` and `LANG` that is set (`de_DE.UTF-8@euro` is
/// `de-DE`); `None` for the C or POSIX locale, or anything that is not a
/// plain language and region (only letters and digits are written into the
/// page).
pub fn date_locale(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let value = ["LC_ALL", "LC_TIME", "LANG"]
        .iter()
        .filter_map(|name| var(name))
        .find(|value| !value.is_empty())?;
    let name = value.split(['.', '@']).next().unwrap_or_default();
    if name.is_empty() || name == "C" || name == "POSIX" {
        return None;
    }
    let parts: Vec<&str> = name.split('_').collect();
    let plain = parts.len() <= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()));
    plain.then(|| parts.join("-"))
}

/// 0 leaked, 1 overdue, 2 replaced and due to be deleted, 3 due soon, 4
/// nothing to do yet (`urgency` in `ui/src/lib/keyQuery.ts`).
fn urgency(key: &KeyView, now: DateTime<Utc>) -> u8 {
    if key.replaced_by.is_some() {
        let delete_due = key.delete_after.is_none_or(|after| after <= now);
        return if delete_due { 2 } else { 4 };
    }
    if key.leaked {
        return 0;
    }
    match key.status {
        RotationStatus::Overdue => 1,
        RotationStatus::DueSoon => 3,
        RotationStatus::Ok => 4,
    }
}

/// No files: holds the place of the built UI while it moves into [`FirstPage`].
pub struct NoAssets;

impl<R: Runtime> Assets<R> for NoAssets {
    fn get(&self, _key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        None
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }

    fn csp_hashes(&self, _html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-27T12:00:00Z".parse().unwrap()
    }

    const PAGE: &str = "<!doctype html><html><head><script type=\"module\" src=\"/assets/index.js\"></script></head><body><div id=\"app\"></div></body></html>";

    fn key(name: &str, notes: &str) -> KeyView {
        KeyView {
            id: "k1".into(),
            name: name.into(),
            service: "payments-api".into(),
            application: Some("Billing & <Web>".into()),
            credential_id: "cid".into(),
            notes: notes.into(),
            created_at: "2026-08-26T09:48:00Z".parse().unwrap(),
            rotate_by: "2026-11-24T09:48:00Z".parse().unwrap(),
            age_days: 92,
            status: RotationStatus::Overdue,
            attention: keyward_core::attention::Attention::Rotate,
            days_until_due: -2,
            last_copied_at: None,
            last_revealed_at: None,
            replaced_by: None,
            delete_after: None,
            snoozed_until: None,
            issuer: keyward_core::record::Issuer::Vendor,
            vendor: None,
            vendor_display_name: None,
            vendor_dashboard_url: None,
            owner: None,
            leaked: false,
            leaked_at: None,
            rotation: None,
            replaced_by_name: None,
            received_from: None,
            received_for: None,
            received_at: None,
        }
    }

    /// The value of the list's attribute.
    fn block(served: &str) -> &str {
        let open = "\" data-keys='";
        let start = served.find(open).expect("the list's attribute") + open.len();
        let len = served[start..].find('\'').expect("end of the attribute");
        &served[start..start + len]
    }

    /// The value of the total's attribute.
    fn total(served: &str) -> usize {
        let open = format!(r#"<div hidden id="{FIRST_LIST_ID}" data-total=""#);
        let start = served.find(&open).expect("the list's element") + open.len();
        let len = served[start..].find('"').expect("end of the attribute");
        served[start..start + len].parse().expect("a number")
    }

    #[test]
    fn the_list_goes_at_the_end_of_the_body_and_reads_back_unchanged() {
        let keys = vec![key("payments-api-26_08_2026-09_48", "rotate with the team")];
        let served = with_first_list(PAGE, &keys, now(), None).unwrap();
        assert!(served.starts_with(r#"<!doctype html><html><head><script type="module""#));
        assert!(served.contains(
            r#"<div id="app"></div><div hidden id="first-list" data-total="1" data-keys='["#
        ));
        assert!(served.ends_with("]'></div></body></html>"));
        let read: Vec<KeyView> = serde_json::from_str(block(&served)).unwrap();
        assert_eq!(read, keys);
    }

    #[test]
    fn markup_in_a_key_cannot_end_the_attribute_or_start_an_element() {
        let hostile = "'></div><script>alert(1)</script><!--";
        let keys = vec![key(hostile, "<img src=x onerror=alert(2)> &amp; ' \"")];
        let served = with_first_list(PAGE, &keys, now(), None).unwrap();
        let data = block(&served);
        for c in ['<', '>', '&', '\''] {
            assert!(!data.contains(c), "{c} written as is in {data}");
        }
        assert!(served.ends_with("'></div></body></html>"), "{served}");
        assert_eq!(served.matches('<').count(), PAGE.matches('<').count() + 2);
        let read: Vec<KeyView> = serde_json::from_str(data).unwrap();
        assert_eq!(read, keys);
    }

    #[test]
    fn no_key_can_spell_the_placeholders_tauri_replaces() {
        let keys = vec![key("__TAURI_SCRIPT_NONCE__", "__TAURI_STYLE_NONCE__")];
        let served = with_first_list(PAGE, &keys, now(), None).unwrap();
        assert!(!served.contains("__TAURI_"), "{served}");
        let read: Vec<KeyView> = serde_json::from_str(block(&served)).unwrap();
        assert_eq!(read, keys);
    }

    #[test]
    fn the_date_locale_is_written_beside_the_total() {
        let served = with_first_list(PAGE, &[], now(), Some("de-DE")).unwrap();
        assert!(
            served.contains(r#"data-total="0" data-locale="de-DE" data-keys='[]'"#),
            "{served}"
        );
    }

    #[test]
    fn the_date_locale_comes_from_lc_all_then_lc_time_then_lang() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            date_locale(env(&[("LANG", "en_US.UTF-8"), ("LC_TIME", "de_DE.UTF-8")])),
            Some("de-DE".into())
        );
        assert_eq!(
            date_locale(env(&[("LC_ALL", "fr_CA.utf8"), ("LC_TIME", "de_DE.UTF-8")])),
            Some("fr-CA".into())
        );
        assert_eq!(
            date_locale(env(&[("LANG", "en_GB.UTF-8"), ("LC_TIME", "")])),
            Some("en-GB".into())
        );
        assert_eq!(
            date_locale(env(&[("LANG", "de_AT@euro")])),
            Some("de-AT".into())
        );
        assert_eq!(date_locale(env(&[("LANG", "C.UTF-8")])), None);
        assert_eq!(date_locale(env(&[("LANG", "POSIX")])), None);
        assert_eq!(date_locale(env(&[])), None);
        assert_eq!(
            date_locale(env(&[("LANG", "x\"><script>_y")])),
            None,
            "nothing but letters and digits goes into the page"
        );
    }

    #[test]
    fn a_page_without_a_body_is_left_to_ask_over_ipc() {
        assert_eq!(
            with_first_list("<p>no body</p>", &[key("a", "")], now(), None),
            None
        );
    }

    #[test]
    fn an_empty_list_is_written_too() {
        let served = with_first_list(PAGE, &[], now(), None).unwrap();
        assert_eq!(block(&served), "[]");
        assert_eq!(total(&served), 0);
    }

    #[test]
    fn a_long_list_gives_its_first_screen_most_urgent_first_and_how_many_there_are() {
        let keys: Vec<KeyView> = (0..250)
            .map(|i| {
                let mut key = key(&format!("maps-{i:03}"), "");
                key.id = format!("k{i:03}");
                // Out of order, and pairs made in the same second.
                let minute = (i * 37) % 250 / 2;
                key.created_at = format!(
                    "2026-08-{:02}T{:02}:{:02}:00Z",
                    1 + minute / 60,
                    minute % 24,
                    minute % 60
                )
                .parse()
                .unwrap();
                key.status = RotationStatus::Ok;
                key.days_until_due = 30;
                key
            })
            .collect();
        // Keys that need doing, at the end of the list and at no particular age.
        let mut keys = keys;
        let urgent = [
            ("soon", RotationStatus::DueSoon, 9, None),
            ("late", RotationStatus::Overdue, -3, None),
            ("very-late", RotationStatus::Overdue, -200, None),
            ("sooner", RotationStatus::DueSoon, 2, None),
            (
                "delete-now",
                RotationStatus::Overdue,
                -100,
                Some("2026-11-20T00:00:00Z"),
            ),
            (
                "grace",
                RotationStatus::Overdue,
                -100,
                Some("2026-12-20T00:00:00Z"),
            ),
            ("leaked", RotationStatus::Ok, 80, None),
        ];
        for (name, status, days, delete_after) in urgent {
            let mut key = key(name, "");
            key.id = name.into();
            key.created_at = "2026-11-01T00:00:00Z".parse().unwrap();
            key.status = status;
            key.days_until_due = days;
            if let Some(after) = delete_after {
                key.replaced_by = Some("k000".into());
                key.delete_after = Some(after.parse().unwrap());
            }
            key.leaked = name == "leaked";
            keys.push(key);
        }
        let served = with_first_list(PAGE, &keys, now(), None).unwrap();
        assert_eq!(total(&served), 257);
        let read: Vec<KeyView> = serde_json::from_str(block(&served)).unwrap();
        assert_eq!(read.len(), FIRST_SCREEN_KEYS);
        let names: Vec<&str> = read.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(
            names[..6],
            [
                "leaked",
                "very-late",
                "late",
                "delete-now",
                "sooner",
                "soon"
            ],
            "what needs doing comes first"
        );

        // Then the rest, the oldest first (a replaced key within its grace period among them).
        let mut rest: Vec<&KeyView> = keys
            .iter()
            .filter(|k| k.status == RotationStatus::Ok || k.name == "grace")
            .collect();
        rest.sort_by(|a, b| (a.created_at, a.name.as_str()).cmp(&(b.created_at, b.name.as_str())));
        let expected: Vec<&str> = rest.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names[6..], expected[..FIRST_SCREEN_KEYS - 6]);
    }

    #[test]
    fn a_list_that_fits_a_screen_is_written_whole() {
        let keys: Vec<KeyView> = (0..FIRST_SCREEN_KEYS)
            .map(|i| key(&format!("k{i}"), ""))
            .collect();
        let served = with_first_list(PAGE, &keys, now(), None).unwrap();
        assert_eq!(total(&served), FIRST_SCREEN_KEYS);
        let read: Vec<KeyView> = serde_json::from_str(block(&served)).unwrap();
        assert_eq!(read.len(), FIRST_SCREEN_KEYS);
    }
}
