//! The environment is read in one module: `keyward_core::env` reads every
//! variable Keyward heeds once per process, and nothing else in the
//! program's sources calls `std::env::var` (or `var_os`, `vars`).

use std::path::{Path, PathBuf};

/// The one module that reads the environment.
const READER: &str = "src-tauri/core/src/env.rs";

/// Test-only files that read their own test's variables, never Keyward's
/// settings.
const TEST_ONLY: &[&str] = &[
    // The leak-scan memory test re-runs itself alone, marked by `KEYWARD_ALONE`.
    "src-tauri/core/src/scan/tests.rs",
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("the sources can be listed");
    for entry in entries {
        let path = entry.expect("a source folder entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Lines of `text` that read the environment: `env::var`, `env::var_os`,
/// `env::vars`, `env::vars_os`, or an import of them from `std::env`.
fn readings(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or_default();
            code.contains("env::var") || code.contains("use std::env")
        })
        .map(|(n, line)| (n + 1, line.trim().to_owned()))
        .collect()
}

#[test]
fn only_the_environment_module_reads_environment_variables() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src-tauri"), &mut files);
    assert!(files.len() > 50, "the scan found the program's sources");
    let mut outside = Vec::new();
    let mut reader_reads = false;
    for file in files {
        let relative = file
            .strip_prefix(&root)
            .expect("under the repository")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).expect("a source file reads");
        let found = readings(&text);
        if relative == READER {
            reader_reads = !found.is_empty();
        } else if !TEST_ONLY.contains(&relative.as_str()) {
            outside.extend(
                found
                    .into_iter()
                    .map(|(line, code)| format!("{relative}:{line}: {code}")),
            );
        }
    }
    assert!(
        reader_reads,
        "{READER} reads the environment (the scan looks for the right words)"
    );
    assert!(
        outside.is_empty(),
        "read environment variables through keyward_core::env (Environment), \
         not directly:\n{}",
        outside.join("\n")
    );
}

#[test]
fn the_scan_sees_every_way_of_reading_a_variable() {
    for line in [
        r#"std::env::var("X")"#,
        r#".filter_map(std::env::var_os)"#,
        "for (k, v) in std::env::vars() {}",
        "use std::env::var;",
        "use std::env;",
    ] {
        assert_eq!(readings(line).len(), 1, "{line} reads the environment");
    }
    for line in [
        r#"unsafe { std::env::set_var("X", "1") };"#,
        r#"let dir = env!("CARGO_MANIFEST_DIR");"#,
        "// std::env::var in a comment",
    ] {
        assert!(readings(line).is_empty(), "{line} reads no variable");
    }
}
