//! Questions asked on the terminal: a line typed as the answer, and the
//! "type the name to confirm" step before something that cannot be undone.
//!
//! Promises: nothing is confirmed without a terminal (the caller's refusal
//! says to add `--yes`); only the exact name, surrounding spaces aside,
//! confirms; a failed read is said as "Could not read your answer".

use std::io::{self, BufRead, IsTerminal};

use keyward_core::{Error, Result};

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
