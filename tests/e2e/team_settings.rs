//! Settings → Team's "Send the team digest" box and a staff member's Team
//! screen, in the real window against a real OpenBao: the lead's choice is
//! saved where the command line and the background program read it; a
//! staff login, which may not read the lead's report, sees a calm line with
//! its own last share and the shared keys it is granted, not a fault.

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{alerts_shown, assert_accessible, heading, in_window, screenshot, text_of, wait_for};
use crate::openbao::{OpenBao, lead_policy, staff_policy, staff_policy_reading_shared};
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

fn connect(app: &App, bao: &OpenBao, token: &str, desktop: &str) {
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
    assert!(out.status.success(), "{desktop}: {}", text(&out.stderr));
}

#[test]
fn the_lead_turns_on_the_team_digest_in_settings_and_the_command_line_sees_it() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    bao.policy("lead", &lead_policy("lee@pc9"));
    let lead = App::new();
    connect(&lead, &bao, &bao.token(&["lead"], "1h"), "lee@pc9");
    let status = || json(&lead.ok(&["team", "status", "--json"]));
    assert_eq!(status()["send_digest"], false);

    in_window(&lead, async |client| {
        nav(client, "Settings").await;
        heading(client, "Settings").await;
        let hint = text_of(client, "#team-send-digest-hint").await;
        assert!(
            hint.contains("security lead") && hint.contains("one computer only"),
            "says who turns it on: {hint}"
        );
        let box_ = wait_for(client, Locator::Css("#team-send-digest")).await;
        assert_eq!(
            box_.prop("checked").await.unwrap().as_deref(),
            Some("false")
        );
        box_.click().await.unwrap();
        let started = std::time::Instant::now();
        while !std::fs::read_to_string(
            lead.root
                .path()
                .join("config")
                .join(SERVICE)
                .join("team.json"),
        )
        .unwrap_or_default()
        .contains("\"send_digest\": true")
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "the box was saved"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(
            wait_for(client, Locator::Css("#team-send-digest"))
                .await
                .prop("checked")
                .await
                .unwrap()
                .as_deref(),
            Some("true")
        );
        client
            .execute(
                "document.getElementById('team-send-digest').scrollIntoView({block: 'center'});",
                vec![],
            )
            .await
            .unwrap();
        assert_accessible(client, "Settings → Team with the digest box").await;
        screenshot(client, "settings-team-digest-on").await;
    });
    assert_eq!(
        status()["send_digest"],
        true,
        "the command line (and the background program) see the lead's choice"
    );
    lead.ok(&["team", "disconnect"]);
}

#[test]
fn a_staff_member_opening_the_team_screen_sees_a_calm_line_and_the_shared_keys_not_an_error() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    // A staff member as docs/keyward-staff.hcl describes, granted one shared key.
    bao.policy(
        "staff-a",
        &staff_policy_reading_shared("ann@pc1", "payments-api"),
    );
    bao.write(
        "keyward/shared/payments-api",
        json!({"format": 1, "metadata": "{}", "secret": "kw_shared_for_staff_0123456789abcdef"}),
    );
    let desk = App::new();
    desk.generate(&unique("mine"));
    connect(&desk, &bao, &bao.token(&["staff-a"], "1h"), "ann@pc1");

    in_window(&desk, async |client| {
        nav(client, "Team").await;
        heading(client, "Team").await;
        let line = text_of(client, "[data-testid=team-not-lead]").await;
        assert!(
            line.contains("The team report is for security leads")
                && line.contains("your keys are shared with the team")
                && line.contains("shared today"),
            "a calm, truthful line with this desktop's last share: {line}"
        );
        let row = wait_for(
            client,
            Locator::XPath(
                "//*[@data-testid='shared-keys']//tr[td[1][normalize-space()='payments-api']]",
            ),
        )
        .await;
        // Read-only in the vault: Copy, and no Rotate or Delete to be
        // refused after the person made a new key at the vendor.
        let buttons: Vec<String> = {
            let mut texts = Vec::new();
            for button in row.find_all(Locator::Css("button")).await.unwrap() {
                texts.push(button.text().await.unwrap());
            }
            texts
        };
        assert_eq!(buttons, ["Copy"], "only what the vault allows: {buttons:?}");
        let hint = text_of(client, "[data-testid=shared-copy-only]").await;
        assert!(
            hint.contains("security lead"),
            "says who changes the others: {hint}"
        );
        assert_eq!(
            alerts_shown(client).await,
            "",
            "no error shown for what the policy rightly refuses"
        );
        let page = client.source().await.unwrap();
        assert!(
            !page.contains("does not allow"),
            "no permission error in the page"
        );
        assert_accessible(client, "a staff member's Team screen").await;
        screenshot(client, "team-screen-staff").await;
    });
    desk.ok(&["team", "disconnect"]);
}

/// A staff member with the example policy as it is (no shared keys granted):
/// the Team screen's "Shared keys" says calmly that none were given and who
/// to ask, instead of a red permission error (the vault's refusal to list
/// them is the policy working, not a fault).
#[test]
fn a_staff_member_granted_no_shared_keys_sees_a_calm_line_not_a_permission_error() {
    let _team = crate::team_vault::TEAM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bao = OpenBao::start();
    bao.policy("staff-b", &staff_policy("bea@pc3"));
    let desk = App::new();
    desk.generate(&unique("mine"));
    connect(&desk, &bao, &bao.token(&["staff-b"], "1h"), "bea@pc3");

    in_window(&desk, async |client| {
        nav(client, "Team").await;
        heading(client, "Team").await;
        let line = text_of(client, "[data-testid=shared-not-granted]").await;
        assert!(
            line.contains("no shared keys") && line.contains("ask your security lead"),
            "a calm line that says what to do: {line}"
        );
        assert_eq!(alerts_shown(client).await, "", "no error shown");
        assert_accessible(client, "Shared keys, none granted").await;
        screenshot(client, "team-screen-staff-no-shared-keys").await;
    });
    desk.ok(&["team", "disconnect"]);
}
