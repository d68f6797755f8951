//! The "Check for leaks" screen in the real window: a folder with a key in
//! an ignored `.env`, the result naming the key and the place (never the
//! secret), "This key leaked" from the result, a check cancelled while
//! it runs, and the folders checked every day listed, added and removed.

use std::io::Write;

use fantoccini::{Client, Locator};

use super::{
    assert_accessible, click_button, focused, heading, in_window, screenshot, type_into, wait_for,
};
use crate::util::*;

async fn open_leak_check(client: &Client) {
    wait_for(
        client,
        Locator::XPath("//nav//button[normalize-space()='Check for leaks']"),
    )
    .await
    .click()
    .await
    .unwrap();
    heading(client, "Check for leaks").await;
}

async fn progress_words(client: &Client) -> String {
    wait_for(client, Locator::Css("#leak-progress"))
        .await
        .text()
        .await
        .unwrap()
}

#[test]
fn the_leak_check_screen_finds_a_key_marks_it_leaked_and_cancels_a_running_check() {
    let app = App::new();
    let made = app.generate(&unique("leakscreen"));
    let name = made["name"].as_str().unwrap().to_owned();
    let secret = made["secret"].as_str().unwrap().to_owned();
    let plants = tempfile::tempdir().unwrap();
    let folder = plants.path().join("project");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join(".gitignore"), ".env\n").unwrap();
    std::fs::write(folder.join(".env"), format!("# local\nAPI_KEY={secret}\n")).unwrap();
    // A big folder for the cancelled check: 400 MB of text.
    let big = plants.path().join("big");
    std::fs::create_dir(&big).unwrap();
    let mut file = std::fs::File::create(big.join("log.txt")).unwrap();
    let line = "2026-11-27 INFO request served in 12 ms token=abcdef0123456789\n".repeat(16_000);
    while file.metadata().unwrap().len() < 400_000_000 {
        file.write_all(line.as_bytes()).unwrap();
    }
    drop(file);
    let extra = plants.path().join("added-from-the-screen");
    std::fs::create_dir(&extra).unwrap();
    let extra_path = extra.canonicalize().unwrap().to_str().unwrap().to_owned();
    let folder_path = folder.canonicalize().unwrap().to_str().unwrap().to_owned();

    in_window(&app, async |client| {
        open_leak_check(client).await;
        type_into(client, "#leak-path", folder.to_str().unwrap()).await;
        // "Every file" is the default: the ignored .env is read.
        wait_for(client, Locator::Css("#leak-daily"))
            .await
            .click()
            .await
            .unwrap();
        wait_for(client, Locator::Css("#leak-start"))
            .await
            .click()
            .await
            .unwrap();
        let hit = wait_for(client, Locator::Css("li.hit")).await;
        let said = hit.text().await.unwrap();
        assert!(said.contains(&name), "{said}");
        assert!(said.contains(".env, line 2, column 9"), "{said}");
        let words = progress_words(client).await;
        assert!(words.starts_with("Found 1 place holding a key."), "{words}");
        let page = client.source().await.unwrap();
        assert!(!page.contains(&secret[5..]), "the page holds the secret");
        assert_accessible(client, "the leak check's result").await;
        screenshot(client, "leak-check-found").await;

        click_button(client, "This key leaked").await;
        wait_for(
            client,
            Locator::XPath("//li[contains(@class,'hit')]//span[starts-with(normalize-space(),'Marked as leaked')]"),
        )
        .await;

        // A check of 400 MB, cancelled while it runs.
        type_into(client, "#leak-path", big.to_str().unwrap()).await;
        wait_for(client, Locator::Css("#leak-start"))
            .await
            .click()
            .await
            .unwrap();
        wait_for(client, Locator::Css("#leak-cancel"))
            .await
            .click()
            .await
            .unwrap();
        wait_for(
            client,
            Locator::XPath("//p[@id='leak-progress'][contains(.,'cancelled')]"),
        )
        .await;
        wait_for(client, Locator::Css("#leak-start")).await;
        screenshot(client, "leak-check-cancelled").await;

        // The folders checked every day: the one ticked above is listed, checked.
        let rows = "//ul[@aria-labelledby='watched-title']/li";
        let first = wait_for(
            client,
            Locator::XPath(&format!("{rows}[contains(., '{folder_path}')]")),
        )
        .await;
        let said = first.text().await.unwrap();
        assert!(
            said.contains("Every file, hidden and ignored ones too · last checked"),
            "{said}"
        );
        // Another is added from the screen.
        click_button(client, "Add a folder…").await;
        type_into(client, "#watch-path", &extra_path).await;
        assert_accessible(client, "the add-a-folder dialog").await;
        click_button(client, "Check it every day").await;
        let added = wait_for(
            client,
            Locator::XPath(&format!("{rows}[contains(., '{extra_path}')]")),
        )
        .await;
        assert!(added.text().await.unwrap().contains("Every file"));
        screenshot(client, "leak-check-watched").await;
        // And removed, after a plain confirmation, by keyboard.
        let stop = wait_for(
            client,
            Locator::XPath(&format!(
                "//button[@aria-label='Stop checking {extra_path} every day']"
            )),
        )
        .await;
        stop.send_keys("\u{E007}").await.unwrap();
        let question = wait_for(client, Locator::Css("dialog[open] #unwatch-what")).await;
        let asked = question.text().await.unwrap();
        assert!(
            asked.contains(&extra_path) && asked.contains("Nothing in the folder changes"),
            "{asked}"
        );
        assert_accessible(client, "the stop-checking confirmation").await;
        screenshot(client, "leak-check-unwatch-confirm").await;
        wait_for(
            client,
            Locator::XPath("//dialog//button[normalize-space()='Stop checking']"),
        )
        .await
        .click()
        .await
        .unwrap();
        let started = std::time::Instant::now();
        while !client
            .find_all(Locator::XPath(&format!(
                "{rows}[contains(., '{extra_path}')]"
            )))
            .await
            .unwrap()
            .is_empty()
        {
            assert!(
                started.elapsed().as_secs() < 10,
                "the removed folder stays listed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(
            focused(client).await,
            "watched-title",
            "focus goes to the list's heading once the row is gone"
        );
        let left = client.find_all(Locator::XPath(rows)).await.unwrap().len();
        assert_eq!(left, 1, "only the folder ticked above is left");
        client.clone().close().await.unwrap();
    });

    let watched = app.ok(&["scan", "--watched"]);
    assert!(
        watched.contains(folder.canonicalize().unwrap().to_str().unwrap())
            && !watched.contains(big.to_str().unwrap()),
        "the first folder is checked every day: {watched}"
    );
    assert!(
        !watched.contains(&extra_path),
        "the folder removed in the window is no longer checked: {watched}"
    );
    let key = app
        .list()
        .into_iter()
        .find(|k| k["name"] == name.as_str())
        .unwrap();
    assert_eq!(key["leaked"], true, "marked from the result: {key}");
    let audit = std::fs::read_to_string(app.data_dir().join("audit.log")).unwrap();
    let found: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains("\"leak_found\""))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one hit audited, nothing of the cancelled check: {audit}"
    );
    assert!(!audit.contains(&secret[5..]));
}
