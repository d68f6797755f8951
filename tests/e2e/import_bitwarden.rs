//! A Bitwarden export in the real window's Import screen: its custom fields
//! are offered as columns in the preview (a hidden field's masked), a
//! custom field mapped to the credential ID and another to the notes are
//! what the keys get, and the secrets land in the real keychain.

use fantoccini::{Client, Locator};

use super::{assert_accessible, click_button, heading, in_window, screenshot, type_into, wait_for};
use crate::util::*;

/// An unencrypted export as Bitwarden writes it (Tools → Export vault →
/// ".json"): logins whose username is a generic "api", the real key
/// reference and what the key is for in custom fields, a hidden custom
/// field, a secure note with its key in a hidden field, and a card (left out).
const EXPORT: &str = r#"{
  "encrypted": false,
  "folders": [
    { "id": "0b1c3f5e-8a47-4d2b-9c61-2f7e5a9d4b10", "name": "API keys" }
  ],
  "items": [
    {
      "passwordHistory": null,
      "revisionDate": "2026-02-03T10:15:22.417Z",
      "creationDate": "2026-01-12T08:01:09.120Z",
      "deletedDate": null,
      "id": "5a8e2c1d-3b4f-4e6a-9d7c-1f2e3a4b5c6d",
      "organizationId": null,
      "folderId": "0b1c3f5e-8a47-4d2b-9c61-2f7e5a9d4b10",
      "type": 1,
      "reprompt": 0,
      "name": "Mailgun EU",
      "notes": null,
      "favorite": false,
      "fields": [
        { "name": "Key reference", "value": "mg-ref-4471", "type": 0, "linkedId": null },
        { "name": "Purpose", "value": "Order receipts from the shop", "type": 0, "linkedId": null },
        { "name": "Webhook signing key", "value": "HIDDENwebhookSigning0123456789", "type": 1, "linkedId": null }
      ],
      "login": {
        "fido2Credentials": [],
        "uris": [ { "match": null, "uri": "https://app.eu.mailgun.com" } ],
        "username": "api",
        "password": "key-BWE2Emailgun0123456789abcdef",
        "totp": null
      },
      "collectionIds": null
    },
    {
      "passwordHistory": null,
      "revisionDate": "2026-02-20T16:40:00.000Z",
      "creationDate": "2026-02-20T16:40:00.000Z",
      "deletedDate": null,
      "id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
      "organizationId": null,
      "folderId": "0b1c3f5e-8a47-4d2b-9c61-2f7e5a9d4b10",
      "type": 1,
      "reprompt": 0,
      "name": "Stripe live",
      "notes": "Rotate with the finance team",
      "favorite": true,
      "fields": [
        { "name": "Key reference", "value": "st-ref-0912", "type": 0, "linkedId": null },
        { "name": "Purpose", "value": "Card payments", "type": 0, "linkedId": null }
      ],
      "login": {
        "fido2Credentials": [],
        "uris": [ { "match": null, "uri": "https://dashboard.stripe.com" } ],
        "username": "api",
        "password": "sk_live_BWE2Estripe0123456789abcdef",
        "totp": null
      },
      "collectionIds": null
    },
    {
      "passwordHistory": null,
      "revisionDate": "2026-03-01T09:00:00.000Z",
      "creationDate": "2026-03-01T09:00:00.000Z",
      "deletedDate": null,
      "id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
      "organizationId": null,
      "folderId": null,
      "type": 2,
      "reprompt": 0,
      "name": "Sentry ingest",
      "notes": "",
      "favorite": false,
      "fields": [
        { "name": "Key reference", "value": "se-ref-2207", "type": 0, "linkedId": null },
        { "name": "Purpose", "value": "Error reports", "type": 0, "linkedId": null },
        { "name": "API key", "value": "sntrys_BWE2Esentry0123456789abcdef", "type": 1, "linkedId": null }
      ],
      "secureNote": { "type": 0 },
      "collectionIds": null
    },
    {
      "passwordHistory": null,
      "revisionDate": "2026-01-02T12:00:00.000Z",
      "creationDate": "2026-01-02T12:00:00.000Z",
      "deletedDate": null,
      "id": "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2190",
      "organizationId": null,
      "folderId": null,
      "type": 3,
      "reprompt": 0,
      "name": "Company card",
      "notes": null,
      "favorite": false,
      "card": {
        "cardholderName": "Sam Lee",
        "brand": "Visa",
        "number": "4111111111111111",
        "expMonth": "7",
        "expYear": "2029",
        "code": "123"
      },
      "collectionIds": null
    }
  ]
}"#;

/// The secrets of the export: never on the screen.
const SECRETS: [&str; 4] = [
    "key-BWE2Emailgun0123456789abcdef",
    "sk_live_BWE2Estripe0123456789abcdef",
    "sntrys_BWE2Esentry0123456789abcdef",
    "HIDDENwebhookSigning0123456789",
];

/// The preview's column headings, in order.
async fn columns(client: &Client) -> Vec<String> {
    let mut out = Vec::new();
    for cell in client
        .find_all(Locator::Css(".import thead span.column"))
        .await
        .unwrap()
    {
        out.push(cell.text().await.unwrap());
    }
    out
}

/// Chooses `value` for the column headed `heading`, then waits for the new preview.
async fn map(client: &Client, heading: &str, value: &str) {
    let at = columns(client)
        .await
        .iter()
        .position(|c| c == heading)
        .unwrap_or_else(|| panic!("no column {heading:?}"));
    wait_for(client, Locator::Css(&format!("#import-map-{at}")))
        .await
        .select_by_value(value)
        .await
        .unwrap();
    wait_for(
        client,
        Locator::XPath("//button[@id='import-preview'][not(@disabled)]"),
    )
    .await;
}

/// What the preview's column `heading` is mapped to (the select's value).
async fn mapped(client: &Client, heading: &str) -> String {
    let at = columns(client)
        .await
        .iter()
        .position(|c| c == heading)
        .unwrap_or_else(|| panic!("no column {heading:?}"));
    wait_for(client, Locator::Css(&format!("#import-map-{at}")))
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[test]
fn a_bitwarden_exports_custom_fields_are_columns_to_map_and_are_imported() {
    let app = App::new();
    let file = app.root.path().join("bitwarden_export_20260301.json");
    std::fs::write(&file, EXPORT).unwrap();

    in_window(&app, async |client| {
        click_button(client, "Import keys from a file").await;
        heading(client, "Import keys").await;
        type_into(client, "#import-path", file.to_str().unwrap()).await;
        wait_for(
            client,
            Locator::Css("input[name='import-format'][value='bitwarden']"),
        )
        .await
        .click()
        .await
        .unwrap();
        wait_for(client, Locator::Css("#import-preview"))
            .await
            .click()
            .await
            .unwrap();
        wait_for(client, Locator::Css("#import-summary")).await;

        // Each custom field name is a column of its own, after Bitwarden's.
        let headings = columns(client).await;
        for custom in ["Key reference", "Purpose", "Webhook signing key", "API key"] {
            assert!(
                headings.iter().any(|h| h == custom),
                "{custom}: {headings:?}"
            );
        }
        let page = client.source().await.unwrap();
        assert!(
            page.contains("mg-ref-4471"),
            "a text field is shown as it is"
        );
        for secret in SECRETS {
            assert!(!page.contains(secret), "{secret} on the screen");
        }
        assert!(page.contains("••••••••"), "hidden fields are masked");
        assert_eq!(mapped(client, "username").await, "credential_id");

        // The real credential ID and what the key is for are custom fields.
        map(client, "Key reference", "credential_id").await;
        map(client, "Purpose", "notes").await;
        assert_eq!(mapped(client, "username").await, "", "freed for the field");
        assert_eq!(mapped(client, "notes").await, "");
        let planned = wait_for(client, Locator::Css("ul.planned"))
            .await
            .text()
            .await
            .unwrap();
        for reference in ["mg-ref-4471", "st-ref-0912", "se-ref-2207"] {
            assert!(
                planned.contains(&format!("credential ID {reference}")),
                "{planned}"
            );
        }
        assert!(!planned.contains("credential ID api"), "{planned}");
        let page = client.source().await.unwrap();
        for secret in SECRETS {
            assert!(!page.contains(secret), "{secret} on the screen");
        }
        assert_accessible(client, "the Bitwarden preview").await;
        client
            .execute(
                "document.querySelector('.table-wrap').scrollIntoView({ block: 'start' });",
                vec![],
            )
            .await
            .unwrap();
        screenshot(client, "import-bitwarden-custom-fields").await;
        // Many columns: the table scrolls sideways rather than squeeze them.
        let widths = client
            .execute(
                "const w = document.querySelector('.table-wrap'); w.scrollLeft = w.scrollWidth; \
                 return [w.scrollWidth, w.clientWidth];",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            widths[0].as_f64().unwrap() > widths[1].as_f64().unwrap(),
            "{widths}"
        );
        screenshot(client, "import-bitwarden-custom-fields-scrolled").await;

        wait_for(client, Locator::Css("#import-confirm"))
            .await
            .click()
            .await
            .unwrap();
        let result = wait_for(client, Locator::Css("#import-result"))
            .await
            .text()
            .await
            .unwrap();
        assert!(result.starts_with("Imported 3 keys."), "{result}");
        screenshot(client, "import-bitwarden-done").await;
    });

    let keys = app.list();
    assert_eq!(keys.len(), 3, "{keys:?}");
    for (reference, notes, secret) in [
        ("mg-ref-4471", "Order receipts from the shop", SECRETS[0]),
        ("st-ref-0912", "Card payments", SECRETS[1]),
        ("se-ref-2207", "Error reports", SECRETS[2]),
    ] {
        let key = keys
            .iter()
            .find(|k| k["credential_id"] == reference)
            .unwrap_or_else(|| panic!("no key with credential ID {reference}: {keys:?}"));
        assert_eq!(key["notes"], notes, "{key}");
        assert_eq!(
            keychain_secret(key["id"].as_str().unwrap()).as_deref(),
            Some(secret),
            "the secret, read through the real Secret Service"
        );
    }
}
