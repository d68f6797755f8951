//! The TypeScript types in `ui/src/lib/bindings/` are generated from the
//! Rust types that cross to the window. This fails when they drift; run
//! `UPDATE_BINDINGS=1 cargo test --test tests bindings` to regenerate them.

use std::path::PathBuf;

#[test]
fn typescript_bindings_match_the_rust_types() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings");
    let update = std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for (file, text) in keyward::commands::typescript_bindings() {
        let path = dir.join(&file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "these bindings differ from the Rust types: {stale:?}; run UPDATE_BINDINGS=1 cargo test --test tests bindings and commit ui/src/lib/bindings"
    );
}

#[test]
fn the_ui_knows_every_error_code_the_back_end_sends() {
    let types = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/types.ts"),
    )
    .unwrap();
    let list = types
        .split("export const ERROR_CODES = [")
        .nth(1)
        .and_then(|rest| rest.split("] as const").next())
        .expect("ui/src/lib/types.ts has ERROR_CODES");
    let mut ui: Vec<&str> = list
        .split(',')
        .map(|c| c.trim().trim_matches('\''))
        .filter(|c| !c.is_empty())
        .collect();
    let mut rust = keyward::commands::error_codes();
    ui.sort_unstable();
    rust.sort_unstable();
    assert_eq!(
        ui, rust,
        "ERROR_CODES in ui/src/lib/types.ts must list exactly the back end's codes"
    );
}
