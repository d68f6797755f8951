//! Questions asked on the terminal: a line typed as the answer, the
//! "type the name to confirm" step before something that cannot be undone,
//! and a secret typed with echo off (or piped in).
//!
//! Promises: nothing is confirmed without a terminal (the caller's refusal
//! says to add `--yes`); only the exact name, surrounding spaces aside,
//! confirms; a failed read is said as "Could not read your answer".

use std::io::{self, BufRead, IsTerminal, Read};

use keyward_core::{Error, Result};
use zeroize::Zeroizing;

/// One line typed on standard input, as typed (line break included).
pub(super) fn answer() -> Result<String> {
    let mut answer = String::new();
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::Invalid(format!("Could not read your answer: {e}.")))?;
    Ok(answer)
}

/// Says `question` (which ends by asking for `name`) and confirms when
/// `name` is typed back. Without a terminal it refuses with
/// `no_terminal`, the sentence that says what would happen and to add `--yes`.
pub(super) fn type_name_to_confirm(name: &str, question: &str, no_terminal: String) -> Result<()> {
    if !io::stdin().is_terminal() {
        return Err(Error::Invalid(no_terminal));
    }
    keyward_core::note!("{question}");
    if answer()?.trim() != name {
        return Err(Error::Invalid(
            "The name did not match, so nothing was deleted.".into(),
        ));
    }
    Ok(())
}

/// What the person gives for `what`: on a terminal, one line typed with
/// echo off after `ask` ("Paste the …"); else all that is piped in, up to
/// `limit` bytes.
pub(super) fn hidden_or_piped(ask: &str, what: &str, limit: u64) -> Result<Zeroizing<String>> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprint!("{ask} and press Enter (it will not be shown): ");
        return Ok(Zeroizing::new(read_hidden_line()?));
    }
    let mut text = Zeroizing::new(String::new());
    stdin
        .lock()
        .take(limit)
        .read_to_string(&mut text)
        .map_err(|e| {
            Error::Invalid(format!(
                "Could not read the {what} from standard input: {e}."
            ))
        })?;
    Ok(text)
}

/// Reads a line from the terminal with echo turned off.
pub(super) fn read_hidden_line() -> Result<String> {
    let echo = |on: bool| {
        std::process::Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .stdin(std::process::Stdio::inherit())
            .status()
    };
    let hidden = echo(false).is_ok_and(|s| s.success());
    let mut line = String::new();
    let result = io::stdin().lock().read_line(&mut line);
    if hidden {
        let _ = echo(true);
        keyward_core::note!();
    }
    result.map_err(|e| Error::Invalid(format!("Could not read the secret: {e}.")))?;
    Ok(line)
}
