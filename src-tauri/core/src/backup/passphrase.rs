//! Passphrases for encrypted files: proposed from the EFF long word list
//! with the OS random source, or a person's own, checked with zxcvbn.

use crate::error::{Error, Result};
use crate::generate::RandomSourceFailed;
use crate::secret::Secret;

/// Words in a proposed backup passphrase: 6 × 12.92 = 77.5 bits.
pub const BACKUP_WORDS: usize = 6;

/// Words in a proposed share passphrase: 5 × 12.92 = 64.6 bits. The file
/// expires, and every guess costs a second of scrypt work.
pub const SHARE_WORDS: usize = 5;

/// Fewest guesses (as a power of ten) zxcvbn must estimate for a person's
/// own passphrase.
const MIN_GUESSES_LOG10: f64 = 12.0;

/// A fresh passphrase of `words` words from the EFF long list, joined by
/// hyphens. Each word is drawn uniformly (rejection sampling, no modulo
/// bias); a failing random source is an error, never a weaker fallback.
pub fn propose(words: usize) -> Result<Secret> {
    let list = &diceware_wordlists::EFF_LONG_WORDLIST;
    let n = list.len() as u32; // 7,776
    // The largest multiple of n below 2^16: values at or above it are drawn again.
    let limit = (u32::from(u16::MAX) + 1) / n * n;
    let mut chosen = zeroize::Zeroizing::new(String::with_capacity(words * 10));
    let mut taken = 0;
    while taken < words {
        let mut two = [0u8; 2];
        getrandom::fill(&mut two).map_err(|_| RandomSourceFailed)?;
        let value = u32::from(u16::from_le_bytes(two));
        if value >= limit {
            continue;
        }
        if taken > 0 {
            chosen.push('-');
        }
        chosen.push_str(list[(value % n) as usize]);
        taken += 1;
    }
    Ok(Secret::new(std::mem::take(&mut *chosen)))
}

/// Refuses a person's own passphrase that is too easy to guess, saying why
/// and what to do. `context` holds words a guesser would try first (the
/// user name, "keyward").
pub fn check_strength(passphrase: &Secret, context: &[&str]) -> Result<()> {
    if passphrase.is_empty() {
        return Err(Error::Invalid(
            "The passphrase is empty. Type one, or let Keyward propose one.".into(),
        ));
    }
    if passphrase.expose().chars().count() > 1000 {
        return Err(Error::Invalid(
            "The passphrase is longer than 1,000 characters. Choose a shorter one.".into(),
        ));
    }
    let mut inputs = vec!["keyward", "backup", "share"];
    inputs.extend_from_slice(context);
    let estimate = zxcvbn::zxcvbn(passphrase.expose(), &inputs);
    if estimate.guesses_log10() >= MIN_GUESSES_LOG10 {
        return Ok(());
    }
    let mut why = String::new();
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            why.push_str(&format!(" {warning}."));
        }
        for suggestion in feedback.suggestions() {
            why.push_str(&format!(" {suggestion}."));
        }
    }
    Err(Error::Invalid(format!(
        "This passphrase is too easy to guess for a file that holds secrets.{} Use five or more unrelated words, or let Keyward propose one.",
        why.replace("..", ".")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposed_passphrase_has_the_words_asked_for_from_the_eff_list() {
        let words: std::collections::HashSet<&str> = diceware_wordlists::EFF_LONG_WORDLIST
            .iter()
            .copied()
            .collect();
        assert_eq!(words.len(), 7776, "the EFF long list");
        let proposed = propose(BACKUP_WORDS).unwrap();
        let parts: Vec<&str> = proposed.expose().split('-').collect();
        assert_eq!(parts.len(), BACKUP_WORDS);
        assert!(parts.iter().all(|w| words.contains(w)), "{parts:?}");
        assert!(
            BACKUP_WORDS as f64 * (7776f64).log2() >= 77.0,
            "a backup passphrase carries at least 77 bits"
        );
        assert_ne!(propose(BACKUP_WORDS).unwrap(), proposed, "fresh each time");
    }

    #[test]
    fn proposed_passphrases_pass_the_strength_check() {
        for _ in 0..5 {
            check_strength(&propose(SHARE_WORDS).unwrap(), &[]).unwrap();
        }
    }

    #[test]
    fn weak_passphrases_are_refused_with_a_reason() {
        for weak in [
            "",
            "password",
            "keyward2026",
            "P@ssw0rd!",
            "correct horse",
            "qwertyuiop",
        ] {
            let err = check_strength(&Secret::new(weak.into()), &["alice"]).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{weak}: {err}");
            assert!(
                err.to_string().contains("passphrase"),
                "{weak}: says what is wrong: {err}"
            );
        }
        check_strength(
            &Secret::new("tidal-mosaic-burrow-quench-velvet".into()),
            &[],
        )
        .unwrap();
    }
}
