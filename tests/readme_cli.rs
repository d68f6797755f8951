//! The README's command-line table against the real `--help`: every
//! option the table names exists, and every option a command has is in
//! the table, so the documentation cannot drift from the program.

use std::collections::BTreeSet;
use std::process::Command;

/// The README's command table: (command words, options) per row; a row
/// like `vendor set … / vendor list …` yields one entry per command.
/// A subcommand's word: lower-case letters, with hyphens inside (`backup-reminder`).
fn is_command_word(token: &str) -> bool {
    token.starts_with(|c: char| c.is_ascii_lowercase())
        && token.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

fn readme_rows() -> Vec<(Vec<String>, BTreeSet<String>)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    let mut rows = Vec::new();
    for line in readme.lines().filter(|l| l.starts_with("| `keyward ")) {
        let cell = line
            .trim_start_matches("| ")
            .split(" | ")
            .next()
            .unwrap_or("");
        let mut words: Vec<String> = Vec::new();
        for part in cell.split('`').skip(1).step_by(2) {
            let tokens: Vec<&str> = part.split_whitespace().collect();
            let starts_command = tokens.first() == Some(&"keyward")
                || (!words.is_empty() && tokens.first().is_some_and(|t| is_command_word(t)));
            let tokens = if tokens.first() == Some(&"keyward") {
                &tokens[1..]
            } else {
                &tokens[..]
            };
            if starts_command && tokens.first().is_some_and(|t| !t.starts_with('-')) {
                let mut command: Vec<String> = tokens
                    .iter()
                    .take_while(|t| is_command_word(t))
                    .map(std::string::ToString::to_string)
                    .collect();
                // A second command in the same cell ("status [--json]") shares the first's parent.
                if !part.starts_with("keyward ") && command.len() == 1 && words.len() > 1 {
                    command.insert(0, words[0].clone());
                }
                words = command.clone();
                let options = tokens
                    .iter()
                    .flat_map(|t| t.split(['[', ']', '|', '\\']))
                    .filter(|t| t.starts_with("--"))
                    .map(std::string::ToString::to_string)
                    .collect();
                rows.push((command, options));
            }
        }
    }
    rows
}

fn help_options(command: &[String]) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_keyward"))
        .args(command)
        .arg("--help")
        .output()
        .expect("keyward runs");
    assert!(out.status.success(), "keyward {command:?} --help");
    // Option lines start with a dash; their first long option is the name.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("--") || line.get(2..3) == Some(","))
        .filter_map(|line| {
            line.split_whitespace()
                .map(|w| w.trim_end_matches(','))
                .find(|w| w.starts_with("--"))
        })
        .filter(|w| *w != "--help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_in_the_readme_table_lists_exactly_the_options_its_help_has() {
    let rows = readme_rows();
    assert!(rows.len() > 10, "the table is found: {rows:?}");
    let mut by_command: std::collections::BTreeMap<Vec<String>, BTreeSet<String>> =
        Default::default();
    for (command, options) in rows {
        by_command.entry(command).or_default().extend(options);
    }
    let mut problems = Vec::new();
    for (command, documented) in &by_command {
        let real = help_options(command);
        for missing in real.difference(documented) {
            problems.push(format!(
                "keyward {} {missing}: in --help, not in the README",
                command.join(" ")
            ));
        }
        for unknown in documented.difference(&real) {
            problems.push(format!(
                "keyward {} {unknown}: in the README, not in --help",
                command.join(" ")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "README table and --help disagree:\n{}",
        problems.join("\n")
    );
}
