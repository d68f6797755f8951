//! Handing a key to a colleague in the real window: "Share…" on the key's
//! details writes the file and shows the passphrase once with the plain
//! guidance; "Add from a shared file" (from "Add an existing key") opens
//! it again; the secret is read back from the real keychain.

use fantoccini::Locator;

use super::{
    assert_accessible, click_button, heading, in_window, open_key, screenshot, text_of, type_into,
    wait_for,
};
use crate::util::*;

#[test]
fn a_key_is_shared_with_its_passphrase_shown_once_and_added_back_from_the_file() {
    let app = App::new();
    let made = app.generate(&unique("e2eshare"));
    let name = made["name"].as_str().unwrap().to_owned();
    let id = made["id"].as_str().unwrap().to_owned();
    let file = app.root.path().join("for-sam.keyward");
    in_window(&app, async |client| {
        open_key(client, &name).await;
        wait_for(client, Locator::Css("#share-key"))
            .await
            .click()
            .await
            .unwrap();
        type_into(client, "#share-recipient", "Sam Lee, Finance").await;
        type_into(client, "#share-path", file.to_str().unwrap()).await;
        assert_accessible(client, "the share dialog").await;
        wait_for(client, Locator::Css("#share-save"))
            .await
            .click()
            .await
            .unwrap();
        let passphrase = text_of(client, "#share-passphrase").await;
        assert_eq!(passphrase.split('-').count(), 5, "{passphrase}");
        let what = text_of(client, "#share-what").await;
        assert!(
            what.contains("by phone or in person") && what.contains("Never send it in the same"),
            "{what}"
        );
        assert_accessible(client, "the passphrase shown once").await;
        screenshot(client, "share-passphrase").await;
        assert!(file.exists(), "the file is written");
        let audit = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap();
        assert!(
            audit
                .lines()
                .any(|l| l.contains("\"shared\"") && l.contains("Sam Lee, Finance")),
            "the recipient is audited"
        );
        click_button(client, "Done").await;

        // The key leaves this Keyward, then comes back from the file.
        app.ok(&["delete", &id, "--yes"]);
        wait_for(client, Locator::XPath("//button[contains(@class,'back')]"))
            .await
            .click()
            .await
            .unwrap();
        heading(client, "API keys").await;
        click_button(client, "Add an existing key").await;
        heading(client, "Add an existing key").await;
        wait_for(client, Locator::Css("#add-receive"))
            .await
            .click()
            .await
            .unwrap();
        type_into(client, "#receive-path", file.to_str().unwrap()).await;
        type_into(client, "#receive-passphrase", "wrong-words-here").await;
        wait_for(client, Locator::Css("#receive-add"))
            .await
            .click()
            .await
            .unwrap();
        wait_for(
            client,
            Locator::XPath("//*[contains(., 'This passphrase does not open the file')]"),
        )
        .await;
        type_into(client, "#receive-passphrase", &passphrase).await;
        assert_accessible(client, "the receive dialog").await;
        screenshot(client, "receive-dialog").await;
        wait_for(client, Locator::Css("#receive-add"))
            .await
            .click()
            .await
            .unwrap();
        heading(client, "API keys").await;
        wait_for(
            client,
            Locator::XPath(&format!("//button[@data-name='{name}']")),
        )
        .await;
        screenshot(client, "received-key-listed").await;
    });
    let listed = app.list();
    let back = listed
        .iter()
        .find(|k| k["name"] == name.as_str())
        .expect("the key is back");
    assert_eq!(back["credential_id"], made["credential_id"]);
    assert_eq!(
        keychain_secret(back["id"].as_str().unwrap()).as_deref(),
        made["secret"].as_str(),
        "the secret, read back from the real keychain"
    );
}
