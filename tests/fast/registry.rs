//! The window's commands are listed once (`src-tauri/commands/registry.rs`).
//! These tests fail when the invoke handler, the capability or the UI's
//! `Commands` table (`ui/src/lib/api.ts`) drifts from that list.

use std::path::PathBuf;

use serde_json::json;

use crate::support::{Dirs, invoke, window};

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort_unstable();
    names
}

fn registered() -> Vec<String> {
    let names = sorted(
        keyward::commands::COMMANDS
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
    );
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique, names, "a command is registered twice");
    names
}

fn read(path: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_capability_allows_exactly_the_registered_commands() {
    let capability: serde_json::Value =
        serde_json::from_str(&read("src-tauri/capabilities/main-window.json")).unwrap();
    let allowed = capability["permissions"]
        .as_array()
        .expect("the capability lists permissions")
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| !p.contains(':'))
        .map(|p| {
            p.strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{p}: the window is only ever allowed commands"))
                .replace('-', "_")
        })
        .collect();
    assert_eq!(
        sorted(allowed),
        registered(),
        "src-tauri/capabilities/main-window.json must allow exactly the commands in src-tauri/commands/registry.rs"
    );
}

#[test]
fn the_uis_command_table_names_exactly_the_registered_commands() {
    let api = read("ui/src/lib/api.ts");
    let table = api
        .split("export interface Commands {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("ui/src/lib/api.ts has its Commands table");
    let named = table
        .lines()
        .filter_map(|line| line.trim().split_once(": {"))
        .map(|(name, _)| name.to_owned())
        .collect();
    assert_eq!(
        sorted(named),
        registered(),
        "the Commands table in ui/src/lib/api.ts must name exactly the commands in src-tauri/commands/registry.rs"
    );
}

#[test]
fn every_registered_command_is_handled_and_allowed_for_the_main_window() {
    let dirs = Dirs::new();
    let win = window(&dirs);
    // Not a request object: every command refuses it while reading its
    // request, so none runs; "not found" or "not allowed" would mean the
    // handler or the access control lacks it.
    for command in keyward::commands::COMMANDS {
        let answer = invoke(&win, command, json!("not a request"));
        let refusal = answer.expect_err(command).to_string();
        assert!(
            refusal.contains("invalid args") && refusal.contains(command),
            "{command} must reach its handler and refuse a body that is not its request, got {refusal}"
        );
    }
}
