//! The team vault in the real window, against a real OpenBao: two desktops
//! (each its own data and config folders) share their inventories with
//! staff tokens from the example policy; the lead connects in Settings →
//! Team and sees every desktop's keys on the Team screen, overdue first,
//! with a hostile desktop's HTML shown as text.

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{
    assert_accessible, click_button, clipboard_holds, heading, in_window, screenshot, type_into,
    wait_for,
};
use crate::openbao::{OpenBao, lead_policy, staff_policy};
use crate::util::*;

async fn nav(client: &Client, label: &str) {
    wait_for(
        client,
        Locator::XPath(&format!("//nav//button[normalize-space()='{label}']")),
    )
    .await
    .click()
    .await
    .unwrap();
}

/// The key rows the Team screen holds, one line each, cells joined by " | "
/// (the list is a window of the rows with one-line cells, so read the
/// cells' text rather than the rendered lines).
async fn key_rows(client: &Client) -> String {
    client
        .execute(
            "return [...document.querySelectorAll('[data-testid=team-keys] tr.key-row')].map((r) => [...r.cells].map((c) => c.textContent.trim()).join(' | ')).join('\\n');",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn two_desktops_and_a_lead_the_lead_connects_in_settings_and_sees_every_key_on_the_team_screen() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    bao.policy("staff-b", &staff_policy("bob@pc2"));
    bao.policy("lead", &lead_policy("lee@pc9"));
    let (desk_a, desk_b, lead) = (App::new(), App::new(), App::new());
    let a_key = desk_a.generate(&unique("payments"));
    let out = desk_b.run_with_input(
        &[
            "add",
            "--service",
            "mail",
            "--credential-id",
            &unique("E2EOLD"),
            "--created",
            &days_ago(200),
            "--json",
        ],
        "sk_live_e2e_team_old_secret_0123456789",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let b_key = json(&text(&out.stdout));
    // A leak check on desktop A finds its key in a file: the lead sees when.
    let leaky = tempfile::tempdir().unwrap();
    std::fs::write(
        leaky.path().join("app.env"),
        format!("KEY={}\n", a_key["secret"].as_str().unwrap()),
    )
    .unwrap();
    let out = desk_a.run(&["scan", leaky.path().to_str().unwrap(), "--everywhere"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stdout));
    for (app, desktop, policy) in [
        (&desk_a, "ann@pc1", "staff-a"),
        (&desk_b, "bob@pc2", "staff-b"),
    ] {
        let token = bao.token(&[policy], "1h");
        let out = app.run_with_input(
            &[
                "team",
                "connect",
                &bao.address(),
                "--mount",
                "secret",
                "--token",
                "-",
                "--desktop",
                desktop,
            ],
            &token,
        );
        assert!(out.status.success(), "{desktop}: {}", text(&out.stderr));
        app.ok(&["team", "disconnect"]);
    }
    bao.write(
        "keyward/inventory/eve@evil",
        json!({"format": 1, "inventory": json!({"format": 1, "desktop": "eve@evil", "user": "eve", "computer": "evil",
            "published_at": "2026-11-27T00:00:00Z",
            "keys": [{"name": "<img src=x onerror=document.title='owned'>", "service": "web",
                      "created_at": "2026-09-01T00:00:00Z", "rotate_by": "2026-12-01T00:00:00Z"}]}).to_string()}),
    );
    let token = bao.token(&["lead"], "1h");

    in_window(&lead, async |client| {
        nav(client, "Settings").await;
        heading(client, "Settings").await;
        type_into(client, "#team-address", &bao.address()).await;
        type_into(client, "#team-credential", "not-the-token").await;
        type_into(client, "#team-desktop", "lee@pc9").await;
        click_button(client, "Test connection").await;
        let outcome = wait_for(client, Locator::Css("[data-testid=team-outcome]")).await;
        let said = outcome.text().await.unwrap();
        assert!(said.contains("Check the login"), "{said}");
        type_into(client, "#team-credential", &token).await;
        click_button(client, "Connect").await;
        client
            .wait()
            .at_most(std::time::Duration::from_secs(20))
            .for_element(Locator::XPath(
                "//*[@data-testid='team-outcome'][contains(., 'Connected')]",
            ))
            .await
            .expect("connected");
        let state = wait_for(client, Locator::Css("[data-testid=team-state]"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            state.contains("lee@pc9") && state.contains("shared today"),
            "{state}"
        );
        let page = client.source().await.unwrap();
        assert!(
            !page.contains(&token),
            "the token is not in the page after connecting"
        );
        screenshot(client, "settings-team-connected").await;

        nav(client, "Team").await;
        heading(client, "Team").await;
        let summary = wait_for(client, Locator::Css("[data-testid=team-summary]"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            summary.contains("1 key overdue across 1 person"),
            "{summary}"
        );
        assert!(summary.contains("3 keys on 4 desktops"), "{summary}");
        wait_for(
            client,
            Locator::Css("[data-testid=team-keys] tbody tr.key-row"),
        )
        .await;
        let rows = key_rows(client).await;
        client
            .execute(
                "document.querySelector('[data-testid=team-keys]').scrollIntoView();",
                vec![],
            )
            .await
            .unwrap();
        screenshot(client, "team-screen-rows").await;
        let first_line = rows.lines().next().unwrap_or_default().to_owned();
        assert!(
            first_line.contains(b_key["name"].as_str().unwrap()),
            "overdue first: {rows}"
        );
        assert!(rows.contains(a_key["name"].as_str().unwrap()), "{rows}");
        let a_row = rows
            .lines()
            .find(|l| l.contains(a_key["name"].as_str().unwrap()))
            .unwrap_or_default();
        assert!(
            a_row.contains("found "),
            "the last leak check found desktop A's key: {a_row}"
        );
        assert!(
            rows.contains("<img src=x"),
            "the hostile name is shown as text: {rows}"
        );
        let imgs = client
            .find_all(Locator::Css("[data-testid=team-keys] img"))
            .await
            .unwrap();
        assert!(imgs.is_empty(), "no markup from a document is rendered");
        assert_ne!(client.title().await.unwrap(), "owned");
        type_into(client, "#team-search", "bob mail").await;
        wait_for(
            client,
            Locator::Css("[data-testid=team-keys][data-query='bob mail']"),
        )
        .await;
        let rows = key_rows(client).await;
        assert!(!rows.contains(a_key["name"].as_str().unwrap()), "{rows}");
        client
            .execute(
                "const f = document.getElementById('team-search'); f.value = ''; f.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![],
            )
            .await
            .unwrap();
        assert_accessible(client, "the Team screen").await;
        client
            .execute("document.querySelector('main').scrollTop = 0;", vec![])
            .await
            .unwrap();
        screenshot(client, "team-screen").await;
        client
            .execute(
                "document.querySelector('[data-testid=team-keys]').scrollIntoView();",
                vec![],
            )
            .await
            .unwrap();
        screenshot(client, "team-screen-keys").await;
    });
    let csv = lead.ok(&["team", "report", "--format", "csv"]);
    assert!(
        csv.contains(a_key["name"].as_str().unwrap())
            && csv.contains(b_key["name"].as_str().unwrap())
    );
    lead.ok(&["team", "disconnect"]);
}

/// The shared keys in the window: desktop B lists the key desktop A shared,
/// copies its secret (clipboard, audited), rotates it for everyone, is
/// refused in plain words when a colleague rotated it first (the typed
/// secret kept), and deletes it for everyone.
#[test]
fn a_colleague_copies_rotates_and_deletes_a_shared_key_on_the_team_screen() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    let share = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/keyward-share.hcl"
    ))
    .unwrap();
    bao.policy("share", &share);
    bao.policy("staff-a", &staff_policy("ann@pc1"));
    bao.policy("staff-b", &staff_policy("bob@pc2"));
    let (desk_a, desk_b) = (App::new(), App::new());
    let made = desk_a.generate(&unique("teamshared"));
    let (name, first) = (
        made["name"].as_str().unwrap().to_owned(),
        made["secret"].as_str().unwrap().to_owned(),
    );
    let connect = |app: &App, token: &str, desktop: &str| {
        let out = app.run_with_input(
            &[
                "team",
                "connect",
                &bao.address(),
                "--mount",
                "secret",
                "--token",
                "-",
                "--desktop",
                desktop,
            ],
            token,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    connect(&desk_a, &bao.token(&["staff-a", "share"], "1h"), "ann@pc1");
    desk_a.ok(&["team", "share", &name]);
    desk_a.ok(&["team", "disconnect"]);
    connect(&desk_b, &bao.token(&["staff-b", "share"], "1h"), "bob@pc2");
    let secret_in_vault = || {
        bao.read(&format!("keyward/shared/{name}"))
            .and_then(|d| d["data"]["secret"].as_str().map(str::to_owned))
    };
    let rotated = "kw_rotated_in_the_window_0123456789abcdef0123456789";
    let theirs = "kw_a_colleagues_rotation_0123456789abcdef0123456789";
    let mine = "kw_my_late_rotation_0123456789abcdef0123456789abcd";

    in_window(&desk_b, async |client| {
        nav(client, "Team").await;
        heading(client, "Team").await;
        let row = format!("//*[@data-testid='shared-keys']//tr[td[1][normalize-space()='{name}']]");
        let listed = wait_for(client, Locator::XPath(&row))
            .await
            .text()
            .await
            .unwrap();
        assert!(listed.contains('1'), "version 1: {listed}");
        wait_for(
            client,
            Locator::XPath(&format!(
                "//button[@aria-label='Copy the secret of {name}']"
            )),
        )
        .await
        .click()
        .await
        .unwrap();
        clipboard_holds(&first);
        assert!(
            !client.source().await.unwrap().contains(&first),
            "the secret never reaches the page"
        );

        wait_for(
            client,
            Locator::XPath(&format!("//button[@aria-label='Rotate {name}…']")),
        )
        .await
        .click()
        .await
        .unwrap();
        let said = wait_for(client, Locator::Css("#rotate-shared-what"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            said.contains("Keyward cannot revoke the old secret"),
            "{said}"
        );
        type_into(client, "#rotate-shared-secret", rotated).await;
        click_button(client, "Rotate for everyone").await;
        wait_for(
            client,
            Locator::XPath(&format!("{row}[td[2][normalize-space()='2']]")),
        )
        .await;
        assert_eq!(secret_in_vault().as_deref(), Some(rotated));

        // A colleague rotates it (version 3) while this window still shows version 2.
        bao.write(
            &format!("keyward/shared/{name}"),
            bao.read(&format!("keyward/shared/{name}")).unwrap()["data"]
                .as_object()
                .map(|d| {
                    let mut d = d.clone();
                    d.insert("secret".into(), json!(theirs));
                    serde_json::Value::Object(d)
                })
                .unwrap(),
        );
        wait_for(
            client,
            Locator::XPath(&format!("//button[@aria-label='Rotate {name}…']")),
        )
        .await
        .click()
        .await
        .unwrap();
        type_into(client, "#rotate-shared-secret", mine).await;
        click_button(client, "Rotate for everyone").await;
        let refused = wait_for(
            client,
            Locator::XPath("//dialog//*[contains(., 'Someone else changed the shared key')]"),
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(refused.contains("version 2"), "{refused}");
        let kept = client
            .execute(
                "return document.getElementById('rotate-shared-secret').value;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            kept.as_str(),
            Some(mine),
            "what the person typed is not lost"
        );
        assert_eq!(
            secret_in_vault().as_deref(),
            Some(theirs),
            "nothing overwritten"
        );
        assert_accessible(client, "the refused rotation").await;
        screenshot(client, "shared-key-rotation-refused").await;
        click_button(client, "Cancel").await;

        wait_for(
            client,
            Locator::XPath(&format!("//button[@aria-label='Delete {name}…']")),
        )
        .await
        .click()
        .await
        .unwrap();
        let said = wait_for(client, Locator::Css("#delete-shared-what"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            said.contains("vendor's dashboard") && said.contains("auditors"),
            "{said}"
        );
        screenshot(client, "shared-key-delete").await;
        click_button(client, "Delete for everyone").await;
        wait_for(
            client,
            Locator::XPath("//*[@data-testid='shared-keys']//p[contains(., 'no shared keys that you may see')]"),
        )
        .await;
        assert_accessible(client, "the Team screen's shared keys").await;
        client
            .execute("document.querySelector('main').scrollTop = 0;", vec![])
            .await
            .unwrap();
        screenshot(client, "team-shared-keys").await;
    });
    assert!(secret_in_vault().is_none(), "deleted for everyone");
    let log = crate::audit::entries(&desk_b);
    let count = |action: &str| log.iter().filter(|e| e["action"] == action).count();
    assert_eq!(
        count("team_secret_copied"),
        1,
        "the copy is audited on B's side"
    );
    assert_eq!(
        count("team_rotated"),
        1,
        "only the rotation that was written"
    );
    assert_eq!(count("team_unshared"), 1);
    for secret in [&first, rotated, theirs, mine] {
        assert!(!log.iter().any(|e| e.to_string().contains(secret)));
    }
    desk_b.ok(&["team", "disconnect"]);
}
