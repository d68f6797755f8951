//! The fast tier: tests of the app that need no desktop session — no
//! Secret Service, no notification server, no display. The keychain is the
//! core's in-memory store (feature `test-support`, which can be told to
//! fail like a locked keychain), the window is Tauri's mock runtime with
//! the app's real context (capabilities and access control), and
//! notifications go to a recorder.
//!
//! `cargo test --workspace --lib --test fast` gives feedback in seconds
//! after a change to a command or the UI's contract; `.ci/test` runs this
//! tier first and then the session tier (`tests/tests.rs`), which checks
//! the same flows against the real parts.

mod backup;
mod bindings;
mod commands;
mod environment;
#[path = "../mock_window.rs"]
mod mock_window;
mod registry;
mod reminders;
mod support;
