//! The TypeScript types in `ui/src/lib/bindings/` are generated from the
//! Rust types that cross to the window. This fails when they drift; run
//! `UPDATE_BINDINGS=1 cargo test --test fast bindings` to regenerate them.

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
        "these bindings differ from the Rust types: {stale:?}; run UPDATE_BINDINGS=1 cargo test --test fast bindings and commit ui/src/lib/bindings"
    );
}

#[test]
fn the_window_receives_every_error_code_as_the_generated_code_type() {
    use ts_rs::{Config, TS};
    let cfg = Config::new().with_large_int("number");
    let code = keyward_core::Code::decl(&cfg);
    for each in keyward_core::Code::ALL {
        assert!(
            code.contains(&format!("\"{each}\"")),
            "the generated Code type lacks {each}: {code}"
        );
    }
    let error = keyward::commands::IpcError::decl(&cfg);
    assert!(
        error.contains("code: Code,"),
        "IpcError's code is the generated Code type (errors.ts keys its wording by it): {error}"
    );
}
