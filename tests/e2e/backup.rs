//! Settings → Backup in the real window: a backup of several hundred keys,
//! made on another computer with the command line, is put back here with
//! its progress shown; Cancel stops it between keys and says in words how
//! many were put back and that restoring again continues; the list and the
//! real keychain agree (every key put back has its secret, no other key's
//! secret was written); restoring again in the window puts back the rest.

use std::collections::HashMap;

use fantoccini::{Client, Locator};

use super::{
    assert_accessible, click_button, heading, in_window, screenshot, text_of, type_into, wait_for,
};
use crate::backup_share::There;
use crate::util::*;

/// Keys in the backup: enough that a restore takes seconds in gnome-keyring.
const KEYS: usize = 500;

const PASSPHRASE: &str = "Seven lanterns drift past the quiet ferry at dawn";

/// Scrolls the element `css` into the middle of the screen (for the screenshot).
async fn show(client: &Client, css: &str) {
    client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
}

/// The first number in `words` ("1,234" read as 1234).
fn first_number(words: &str) -> usize {
    words
        .split(|c: char| !(c.is_ascii_digit() || c == ','))
        .find(|w| w.chars().any(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no number in {words:?}"))
        .replace(',', "")
        .parse()
        .unwrap()
}

fn keys(n: usize) -> String {
    if n == 1 {
        "1 key".into()
    } else {
        format!("{n} keys")
    }
}

/// "1 key was", "3 keys were".
fn were(n: usize) -> String {
    format!("{} {}", keys(n), if n == 1 { "was" } else { "were" })
}

/// Starts a restore of `file` from Settings → Backup.
async fn start_restore(client: &Client, file: &str) {
    type_into(client, "#backup-restore-path", file).await;
    type_into(client, "#backup-restore-passphrase", PASSPHRASE).await;
    wait_for(client, Locator::Css("#backup-restore"))
        .await
        .click()
        .await
        .unwrap();
}

#[test]
fn a_restore_of_hundreds_of_keys_shows_progress_and_cancel_stops_it_between_keys() {
    // The other computer: keys imported there, a backup made there with
    // the command line (the passphrase on standard input).
    let there = There::start();
    let sheet = there.root.path().join("many.csv");
    let mut rows = String::from("service,credential_id,secret\n");
    for i in 0..KEYS {
        rows.push_str(&format!(
            "window-svc-{},window-cred-{i:04},window-restore-secret-{i:04}\n",
            i % 5
        ));
    }
    std::fs::write(&sheet, rows).unwrap();
    let out = there
        .cmd(&[
            "import",
            sheet.to_str().unwrap(),
            "--format",
            "csv",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = there.root.path().join("many.keyward");
    let path = file.to_str().unwrap().to_owned();
    let out = there.run_with_input(
        &["backup", "--output", &path, "--passphrase", "-"],
        &format!("{PASSPHRASE}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Each key's id (kept by a restore) and the secret it must have.
    let expected: HashMap<String, String> = there
        .list()
        .iter()
        .map(|k| {
            let n = &k["credential_id"].as_str().unwrap()["window-cred-".len()..];
            (
                k["id"].as_str().unwrap().to_owned(),
                format!("window-restore-secret-{n}"),
            )
        })
        .collect();
    assert_eq!(expected.len(), KEYS);

    let here = App::new();
    let mut stopped_after = 0;
    in_window(&here, async |client| {
        click_button(client, "Settings").await;
        heading(client, "Settings").await;
        start_restore(client, &path).await;

        // Progress, with Cancel, while keys go into the keychain.
        let moving = wait_for(
            client,
            Locator::XPath(
                "//p[@id='backup-restore-progress'][starts-with(normalize-space(),'Restoring: ')][not(starts-with(normalize-space(),'Restoring: 0 '))]",
            ),
        )
        .await;
        let words = moving.text().await.unwrap();
        assert!(words.ends_with(&format!("of {KEYS} keys done…")), "{words}");
        let bar = wait_for(
            client,
            Locator::Css("progress[aria-label='Progress of the restore']"),
        )
        .await;
        assert_eq!(bar.attr("max").await.unwrap().as_deref(), Some("500"));
        show(client, "#backup-restore-progress").await;
        screenshot(client, "backup-restore-progress").await;
        wait_for(client, Locator::Css("#backup-restore-cancel"))
            .await
            .click()
            .await
            .unwrap();

        // Stopped between keys, said in plain words.
        let result = text_of(client, "#backup-restore-result").await;
        assert!(
            result.starts_with("Stopped after putting back "),
            "{result}"
        );
        assert!(
            result.contains("Restore the same backup again to put back the rest"),
            "how to continue: {result}"
        );
        stopped_after = first_number(&result);
        let left = KEYS - stopped_after;
        assert!(
            result.contains(&format!("{} not put back yet", were(left))),
            "{result}"
        );
        assert!(
            client
                .find(Locator::Css("#backup-restore-cancel"))
                .await
                .is_err(),
            "Cancel goes once the restore stopped"
        );
        show(client, "#backup-restore-result").await;
        screenshot(client, "backup-restore-cancelled").await;
        assert_accessible(client, "a cancelled restore").await;

        // The list and the keychain agree: the keys put back are whole, and
        // no key that was not put back left a secret behind.
        assert!(
            stopped_after > 0 && stopped_after < KEYS,
            "stopped part-way: {stopped_after}"
        );
        let listed = here.list();
        assert_eq!(
            listed.len(),
            stopped_after,
            "the list holds what was put back"
        );
        let records = here.catalog_records();
        assert_eq!(records.len(), stopped_after);
        assert!(
            records.iter().all(|r| r["state"] == "active"),
            "nothing half-made is left"
        );
        let inflight: Vec<_> = std::fs::read_dir(here.data_dir().join("inflight"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
            .collect();
        assert!(inflight.is_empty(), "no journal left over");
        for key in &listed {
            let id = key["id"].as_str().unwrap();
            assert_eq!(
                keychain_secret(id).as_ref(),
                Some(&expected[id]),
                "the secret of {id}, read through the real Secret Service"
            );
        }
        let put_back: std::collections::HashSet<&str> =
            listed.iter().map(|k| k["id"].as_str().unwrap()).collect();
        let stray: Vec<&String> = expected
            .keys()
            .filter(|id| !put_back.contains(id.as_str()))
            .filter(|id| keychain_secret(id).is_some())
            .collect();
        assert!(
            stray.is_empty(),
            "secrets written for keys not put back: {stray:?}"
        );

        // Restoring again continues: the rest is put back, the rest left.
        start_restore(client, &path).await;
        // Hundreds of keychain writes: on a loaded machine well over wait_for's 20 s.
        let again = client
            .wait()
            .at_most(std::time::Duration::from_secs(300))
            .for_element(Locator::XPath(
                "//*[@id='backup-restore-result'][starts-with(normalize-space(),'Put back ')]",
            ))
            .await
            .expect("the second restore finished")
            .text()
            .await
            .unwrap();
        assert_eq!(
            again,
            format!(
                "Put back {}. {} already here.",
                keys(KEYS - stopped_after),
                were(stopped_after)
            )
        );
        show(client, "#backup-restore-result").await;
        screenshot(client, "backup-restore-continued").await;
    });

    let listed = here.list();
    assert_eq!(listed.len(), KEYS, "every key is back");
    for key in listed.iter().step_by(37) {
        let id = key["id"].as_str().unwrap();
        assert_eq!(keychain_secret(id).as_ref(), Some(&expected[id]));
    }
}
