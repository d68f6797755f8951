//! The audit log's check and the audit stream in the real window: "Check
//! the log" on the Activity screen names an edited line, and Settings →
//! Audit stream sets up the stream, which the window itself then sends to
//! a real rsyslog.

use std::time::Duration;

use fantoccini::{Client, Locator};

use super::{assert_accessible, click_button, heading, in_window, screenshot, type_into, wait_for};
use crate::rsyslog::Rsyslog;
use crate::util::*;

async fn text_of(client: &Client, css: &str) -> String {
    wait_for(client, Locator::Css(css))
        .await
        .text()
        .await
        .unwrap()
}

#[test]
fn check_the_log_names_an_edited_line_and_settings_starts_the_stream_to_rsyslog() {
    let app = App::new();
    for i in 0..3 {
        app.ok(&["vendor", "set", "acme", "--notes", &format!("note {i}")]);
    }
    let path = app.data_dir().join("audit.log");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen("\"user\":\"", "\"user\":\"someone-else-", 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let rsyslog = Rsyslog::start();
    let port = rsyslog.port;
    in_window(&app, async |client| {
        click_button(client, "Activity").await;
        heading(client, "Activity").await;
        click_button(client, "Check the log").await;
        let said = text_of(client, "[data-testid=log-check]").await;
        assert!(
            said.contains("The audit log was tampered with at line 2")
                && said.contains("Line 2 was changed"),
            "{said}"
        );
        screenshot(client, "activity-check-the-log").await;
        assert_accessible(client, "the Activity screen with a log check").await;

        click_button(client, "Settings").await;
        heading(client, "Settings").await;
        type_into(client, "#stream-address", &format!("127.0.0.1:{port}")).await;
        wait_for(
            client,
            Locator::XPath("//label[contains(., 'Use TLS')]/input"),
        )
        .await
        .click()
        .await
        .unwrap();
        click_button(client, "Start sending").await;
        let state = wait_for(
            client,
            Locator::XPath("//*[@role='status'][contains(., 'Audit entries go to')]"),
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(
            state.contains(&format!("127.0.0.1:{port} in plain TCP")),
            "{state}"
        );
        screenshot(client, "settings-audit-stream").await;
        assert_accessible(client, "Settings with the audit stream on").await;
        // The window sends the set-up entry itself.
        let received =
            rsyslog.wait_for(Duration::from_secs(20), |r| r.contains("audit_stream: off"));
        assert!(
            received.contains("|settings_changed|Setting changed|4|"),
            "{received}"
        );
    });
    let status = json(&app.ok(&["audit", "stream", "status", "--json"]));
    assert_eq!(status["target"]["port"], port, "{status}");
}
