//! "Import keys" in the real window: reached from "Add an existing key",
//! a spreadsheet's columns mapped in the preview table, the refused row
//! listed with why, the import confirmed, the secrets in the real keychain,
//! and the plain-text source deleted when offered.

use fantoccini::{Client, Locator};

use super::{
    assert_accessible, click_button, heading, in_window, screenshot, text_of, type_into, wait_for,
};
use crate::util::*;

/// Chooses `value` in the mapping list of column `at`, then waits for the
/// new preview.
async fn map_column(client: &Client, at: usize, value: &str) {
    wait_for(client, Locator::Css(&format!("#import-map-{at}")))
        .await
        .select_by_value(value)
        .await
        .unwrap();
    // The preview is read again; the next change builds on this one.
    wait_for(
        client,
        Locator::XPath("//button[@id='import-preview'][not(@disabled)]"),
    )
    .await;
}

/// Scrolls the element with id `id` to the top of the screen (for the screenshot).
async fn scroll_to(client: &Client, id: &str) {
    client
        .execute(
            "document.getElementById(arguments[0]).scrollIntoView({ block: 'start' });",
            vec![serde_json::json!(id)],
        )
        .await
        .unwrap();
}

#[test]
fn a_spreadsheet_is_mapped_previewed_imported_and_deleted_in_the_window() {
    let app = App::new();
    let sheet = app.root.path().join("team-keys.csv");
    std::fs::write(
        &sheet,
        "Vendor,Key,Token,Made on,Comment\n\
         Mail Gun,mg-e2e-0001,mg-E2E-secret-one-0123456789,2026-01-05,shop mail\n\
         Send Grid,sg-e2e-0002,,2026-01-06,secret with Sam\n\
         Stripe,st-e2e-0003,st-E2E-secret-three-0123456789,2026-02-10,payments\n",
    )
    .unwrap();

    in_window(&app, async |client| {
        // A new person's empty list offers it too; here it is reached from "Add".
        click_button(client, "Add a key you already have").await;
        heading(client, "Add an existing key").await;
        wait_for(client, Locator::Css("#add-import"))
            .await
            .click()
            .await
            .unwrap();
        heading(client, "Import keys").await;
        type_into(client, "#import-path", sheet.to_str().unwrap()).await;
        wait_for(client, Locator::Css("#import-preview"))
            .await
            .click()
            .await
            .unwrap();
        let summary = text_of(client, "#import-summary").await;
        assert_eq!(
            summary, "The file has 3 rows: no key will be imported, 3 rows will not.",
            "no column is named like a field yet"
        );
        let problem = text_of(client, "#import-mapping-problem").await;
        assert!(
            problem.contains("credential ID and the secret"),
            "{problem}"
        );

        map_column(client, 0, "service").await;
        map_column(client, 1, "credential_id").await;
        map_column(client, 2, "secret").await;
        map_column(client, 3, "created").await;
        map_column(client, 4, "notes").await;
        wait_for(
            client,
            Locator::XPath(
                "//p[@id='import-summary'][normalize-space()='The file has 3 rows: 2 keys will be imported, 1 row will not.']",
            ),
        )
        .await;
        let refused = text_of(client, "#import-refused").await;
        assert!(refused.contains("Row 3: No secret"), "{refused}");
        let page = client.source().await.unwrap();
        assert!(
            !page.contains("mg-E2E-secret") && !page.contains("st-E2E-secret"),
            "the preview holds no secret"
        );
        assert!(page.contains("••••••••"), "the secret column is masked");
        assert_accessible(client, "the import preview").await;
        scroll_to(client, "import-summary").await;
        screenshot(client, "import-preview").await;

        wait_for(client, Locator::Css("#import-confirm"))
            .await
            .click()
            .await
            .unwrap();
        let result = text_of(client, "#import-result").await;
        assert_eq!(
            result, "Imported 2 keys. 1 row was not imported.",
            "the result in words"
        );
        assert_accessible(client, "the import's result").await;
        scroll_to(client, "import-result").await;
        screenshot(client, "import-done").await;
        wait_for(client, Locator::Css("#import-delete-source"))
            .await
            .click()
            .await
            .unwrap();
        let deleted = text_of(client, "#import-deleted").await;
        assert!(deleted.contains("was deleted"), "{deleted}");
        client.clone().close().await.unwrap();
    });

    assert!(!sheet.exists(), "the plain-text source was deleted");
    let keys = app.list();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let mail = keys
        .iter()
        .find(|k| k["name"] == "mail-gun-05_01_2026-00_00")
        .expect("the Mail Gun key, named from its service and date");
    assert_eq!(mail["notes"], "shop mail");
    assert_eq!(
        keychain_secret(mail["id"].as_str().unwrap()).as_deref(),
        Some("mg-E2E-secret-one-0123456789"),
        "the secret went to the real keychain"
    );
}

#[test]
fn an_import_of_ten_thousand_rows_shows_progress_and_stops_when_cancelled() {
    let app = App::new();
    let sheet = app.root.path().join("many-keys.csv");
    let mut rows = String::from("service,credential_id,secret,created\n");
    for i in 0..10_000 {
        rows.push_str(&format!(
            "bulk-{},bulk-e2e-{i:05},bulk-E2E-secret-{i:05}-0123456789,2026-01-{:02}\n",
            i % 20,
            1 + i % 28
        ));
    }
    std::fs::write(&sheet, rows).unwrap();
    let mut stopped_after = 0;

    in_window(&app, async |client| {
        click_button(client, "Import keys from a file").await;
        heading(client, "Import keys").await;
        type_into(client, "#import-path", sheet.to_str().unwrap()).await;
        wait_for(client, Locator::Css("#import-preview"))
            .await
            .click()
            .await
            .unwrap();
        let summary = text_of(client, "#import-summary").await;
        assert_eq!(
            summary, "The file has 10,000 rows: 10,000 keys will be imported.",
            "columns named like the fields need no mapping"
        );
        wait_for(client, Locator::Css("#import-confirm"))
            .await
            .click()
            .await
            .unwrap();
        // "Reading the file…", then "Imported 100 of 10,000 keys…" after each batch.
        wait_for(
            client,
            Locator::XPath(
                "//p[@id='import-progress'][starts-with(normalize-space(),'Imported ')]",
            ),
        )
        .await;
        scroll_to(client, "import-progress").await;
        screenshot(client, "import-progress").await;
        wait_for(client, Locator::Css("#import-cancel"))
            .await
            .click()
            .await
            .unwrap();
        let result = text_of(client, "#import-result").await;
        assert!(result.starts_with("Stopped after "), "{result}");
        assert!(
            result.contains("Import the same file again to continue"),
            "{result}"
        );
        stopped_after = result["Stopped after ".len()..]
            .split(' ')
            .next()
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap();
        assert!(
            !client
                .source()
                .await
                .unwrap()
                .contains("import-delete-source"),
            "a stopped import does not offer to delete the file"
        );
        screenshot(client, "import-cancelled").await;
        client.clone().close().await.unwrap();
    });

    assert!(
        stopped_after > 0 && stopped_after < 10_000 && stopped_after % 100 == 0,
        "stopped after a whole batch: {stopped_after}"
    );
    assert_eq!(
        app.list().len(),
        stopped_after,
        "what was made stays, complete"
    );
    assert!(sheet.exists());
    let again = json(&app.ok(&[
        "import",
        sheet.to_str().unwrap(),
        "--format",
        "csv",
        "--dry-run",
        "--json",
    ]));
    let earlier = again["refused"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "imported_earlier")
        .count();
    assert_eq!(
        earlier, stopped_after,
        "a second run continues where it stopped"
    );
}
