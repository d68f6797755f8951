//! The environment is read in one module: `keyward_core::env` reads every
//! variable Keyward heeds once per process, and nothing else in the
//! program's sources calls `std::env::var` (or `var_os`, `vars`), nor the
//! `dirs` crate, which reads `HOME` and the `XDG_*` variables itself.

use std::path::{Path, PathBuf};

/// The one module that reads the environment.
const READER: &str = "src-tauri/core/src/env.rs";

/// Where the `dirs` crate may be called: the environment module, and the
/// platform folders for Keyward that it calls (`default_data_dir`,
/// `default_config_dir`).
const FOLDER_READERS: &[&str] = &[READER, "src-tauri/core/src/lib.rs"];

/// Files that read variables that are never Keyward's settings: a test's
/// own, or what Cargo tells a build script.
const TEST_ONLY: &[&str] = &[
    // The leak-scan memory test re-runs itself alone, marked by `KEYWARD_ALONE`.
    "src-tauri/core/src/scan/tests.rs",
    // The build script reads what Cargo tells build scripts (the profile, the target).
    "src-tauri/build.rs",
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

/// Lines of `text` that call the `dirs` crate (`dirs::home_dir()`, `use dirs::…`).
fn folder_readings(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or_default();
            code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .any(|word| word.starts_with("dirs::"))
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
    let mut folders_outside = Vec::new();
    let mut reader_reads = false;
    for file in files {
        let relative = file
            .strip_prefix(&root)
            .expect("under the repository")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).expect("a source file reads");
        let found = readings(&text);
        if !FOLDER_READERS.contains(&relative.as_str()) {
            folders_outside.extend(
                folder_readings(&text)
                    .into_iter()
                    .map(|(line, code)| format!("{relative}:{line}: {code}")),
            );
        }
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
        folders_outside.is_empty(),
        "find the home and config folders through keyward_core::env (Environment), \
         not with the dirs crate, which reads HOME and XDG_* itself:\n{}",
        folders_outside.join("\n")
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

#[test]
fn the_scan_sees_the_dirs_crate_called() {
    for line in [
        "dirs::config_dir().map(|dir| dir.join(\"autostart\"))",
        "    let home = dirs::home_dir();",
        "use dirs::data_dir;",
        "(dirs::home_dir())",
    ] {
        assert_eq!(folder_readings(line).len(), 1, "{line} reads HOME or XDG_*");
    }
    for line in [
        "let data_dirs = 3;",
        "// dirs::home_dir() in a comment",
        "keyward_core::env::process().home_folder",
    ] {
        assert!(folder_readings(line).is_empty(), "{line} reads no folder");
    }
}
