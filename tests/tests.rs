//! Integration tests of the `keyward` binary against the real parts: a real
//! Secret Service (gnome-keyring) in a private desktop session.
//!
//! Run them through `tests/session.sh` (the README's test command does);
//! outside a session every test here fails on purpose rather than skip.

mod private_bus;
mod util;

mod backup_reminder;
mod backup_share;
mod cli_flows;
mod crash_recovery;
mod e2e;
mod files_pipes_terminals;
mod import;
mod ipc;
mod keychain_faults;
mod leak_scan;
mod mock_window;
mod no_secret_leaks;
mod readme_cli;
mod vendor_cli;
mod vendor_ipc;
// For security leads: audit log, report, team channel.
mod audit;
mod audit_stream;
mod background_supervision;
mod hook_server;
mod lead_ipc;
mod notifications;
mod policy;
mod reminder_stages;
mod reminders;
mod report;
#[cfg(target_os = "linux")]
mod start_at_login;
mod time_zones;
mod webhook;
// The team vault against a real OpenBao.
mod openbao;
mod team_ipc;
mod team_shared;
mod team_vault;
// rsyslog as the SIEM for the audit stream.
mod rsyslog;
