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

use std::borrow::Cow;
use std::sync::Arc;

use chrono::Utc;
use keyward_core::keychain::OsKeychain;
use keyward_core::record::KeyView;
use keyward_core::vault::Vault;
use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};
use tauri::{Assets, Runtime};

/// The id of the element holding the list; `ui/src/lib/firstList.ts` reads it.
pub const FIRST_LIST_ID: &str = "first-list";

/// The built UI, with the list of keys written into the page when it loads.
pub struct FirstPage<R: Runtime> {
    built: Box<dyn Assets<R>>,
    vault: Arc<Vault<OsKeychain>>,
}

impl<R: Runtime> FirstPage<R> {
    /// Serves `built` (the UI embedded at build time), with `vault`'s list
    /// written into its page.
    pub fn new(built: Box<dyn Assets<R>>, vault: Arc<Vault<OsKeychain>>) -> Self {
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
        let served = match self.vault.list(Utc::now()) {
            Ok(keys) => with_first_list(page, &keys).map(|page| Cow::Owned(page.into_bytes())),
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

/// `page` with `keys` as JSON at the end of its body, in the `data-keys`
/// attribute of a hidden element with the id [`FIRST_LIST_ID`]; `None` when
/// the page has no body to put it in.
///
/// `<`, `>`, `&` and `'` are written as JSON escapes, so no key's name or
/// notes can end the attribute or start markup (the attribute is read as
/// written: it holds no character references); so is `_`, so no text in a
/// key can spell the placeholders Tauri replaces in the page it serves
/// (`__TAURI_SCRIPT_NONCE__`).
pub fn with_first_list(page: &str, keys: &[KeyView]) -> Option<String> {
    let end = page.rfind("</body>")?;
    let json = serde_json::to_string(keys).ok()?;
    let mut block = String::with_capacity(json.len() + 80);
    block.push_str(r#"<div hidden id=""#);
    block.push_str(FIRST_LIST_ID);
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
    use keyward_core::rotation::RotationStatus;

    const PAGE: &str = "<!doctype html><html><head><script type=\"module\" src=\"/assets/index.js\"></script></head><body><div id=\"app\"></div></body></html>";

    fn key(name: &str, notes: &str) -> KeyView {
        KeyView {
            id: "k1".into(),
            name: name.into(),
            service: "payments-api".into(),
            application: Some("Billing & <Web>".into()),
            credential_id: "cid".into(),
            notes: notes.into(),
            created_at: "2026-08-26T09:48:00Z".into(),
            rotate_by: "2026-11-24T09:48:00Z".into(),
            age_days: 92,
            status: RotationStatus::Overdue,
            days_until_due: -2,
            last_copied_at: None,
            last_revealed_at: None,
            replaced_by: None,
            delete_after: None,
            snoozed_until: None,
        }
    }

    /// The value of the list's attribute.
    fn block(served: &str) -> &str {
        let open = format!(r#"<div hidden id="{FIRST_LIST_ID}" data-keys='"#);
        let start = served.find(&open).expect("the list's element") + open.len();
        let len = served[start..].find('\'').expect("end of the attribute");
        &served[start..start + len]
    }

    #[test]
    fn the_list_goes_at_the_end_of_the_body_and_reads_back_unchanged() {
        let keys = vec![key("payments-api-26_08_2026-09_48", "rotate with the team")];
        let served = with_first_list(PAGE, &keys).unwrap();
        assert!(served.starts_with(r#"<!doctype html><html><head><script type="module""#));
        assert!(served.contains(r#"<div id="app"></div><div hidden id="first-list" data-keys='["#));
        assert!(served.ends_with("]'></div></body></html>"));
        let read: Vec<KeyView> = serde_json::from_str(block(&served)).unwrap();
        assert_eq!(read, keys);
    }

    #[test]
    fn markup_in_a_key_cannot_end_the_attribute_or_start_an_element() {
        let hostile = "'></div><script>alert(1)</script><!--";
        let keys = vec![key(hostile, "<img src=x onerror=alert(2)> &amp; ' \"")];
        let served = with_first_list(PAGE, &keys).unwrap();
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
        let served = with_first_list(PAGE, &keys).unwrap();
        assert!(!served.contains("__TAURI_"), "{served}");
        let read: Vec<KeyView> = serde_json::from_str(block(&served)).unwrap();
        assert_eq!(read, keys);
    }

    #[test]
    fn a_page_without_a_body_is_left_to_ask_over_ipc() {
        assert_eq!(with_first_list("<p>no body</p>", &[key("a", "")]), None);
    }

    #[test]
    fn an_empty_list_is_written_too() {
        let served = with_first_list(PAGE, &[]).unwrap();
        assert_eq!(block(&served), "[]");
    }
}
