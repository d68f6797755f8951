//! The audit log's check and the audit stream in the real window: "Check
//! the log" on the Activity screen names an edited line, and Settings →
//! Audit stream sets up the stream, which the window itself then sends to
//! a real rsyslog.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::Value;

use super::{
    assert_accessible, click_button, heading, in_window, screenshot, text_of, type_into, wait_for,
};
use crate::rsyslog::Rsyslog;
use crate::util::*;

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

/// Settings → Audit stream with the organisation's own certificate
/// authority and a client certificate: the person types the three files'
/// paths, the key goes to the real keychain (the file may then be
/// deleted), "Test" says the SIEM was reached, and entries arrive at an
/// rsyslog that takes only senders with a certificate.
#[test]
fn settings_sets_up_a_stream_to_a_siem_that_requires_a_client_certificate() {
    let app = App::new();
    let rsyslog = Rsyslog::start_tls_requiring_client_certs();
    let port = rsyslog.port;
    let mine = tempfile::tempdir().unwrap();
    let (cert, key) = (mine.path().join("desk.pem"), mine.path().join("desk.key"));
    std::fs::copy(rsyslog.client_cert_file(), &cert).unwrap();
    std::fs::copy(rsyslog.client_key_file(), &key).unwrap();
    let pem = std::fs::read_to_string(&key).unwrap();
    in_window(&app, async |client| {
        click_button(client, "Settings").await;
        heading(client, "Settings").await;
        type_into(client, "#stream-address", &format!("localhost:{port}")).await;
        type_into(client, "#stream-ca", rsyslog.ca_file().to_str().unwrap()).await;
        type_into(client, "#stream-client-cert", cert.to_str().unwrap()).await;
        type_into(client, "#stream-client-key", key.to_str().unwrap()).await;
        click_button(client, "Start sending").await;
        let state = wait_for(
            client,
            Locator::XPath(
                "//*[@role='status'][contains(., 'Audit entries go to')][contains(., 'keyward-desktop-7')]",
            ),
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(
            state.contains(&format!("localhost:{port} over TLS"))
                && state.contains("Keyward test CA")
                && state.contains("valid until"),
            "{state}"
        );
        // The key file's job is done: the window's stream reads the keychain.
        std::fs::remove_file(&key).unwrap();
        click_button(client, "Test").await;
        let tested = wait_for(
            client,
            Locator::XPath("//*[@role='status'][contains(., 'reached the SIEM')]"),
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(tested.contains(&format!("localhost:{port}")), "{tested}");
        screenshot(client, "settings-audit-stream-client-certificate").await;
        assert_accessible(client, "Settings with a client certificate for the stream").await;
        let received = rsyslog.wait_for(Duration::from_secs(30), |r| r.contains("audit_stream"));
        assert!(
            received.contains("|settings_changed|Setting changed|"),
            "the set-up entry arrives with the client certificate: {received}"
        );
    });
    assert_eq!(
        keychain_secret(keyward_core::siem::CLIENT_KEY_ACCOUNT).map(|k| k.trim_end().to_owned()),
        Some(pem.trim_end().to_owned()),
        "the client key is in the real keychain"
    );
    let status = json(&app.ok(&["audit", "stream", "status", "--json"]));
    assert_eq!(status["last_error"], Value::Null, "{status}");
    app.ok(&["audit", "stream", "off"]);
}
