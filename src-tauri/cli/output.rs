//! How results look: plain text for people, JSON for scripts.

use keyward_core::Secret;
use keyward_core::record::KeyView;
use keyward_core::rotation::RotationStatus;
use keyward_core::vault::Recovery;
use serde_json::{Value, json};

/// The status in words, e.g. "Rotate now — 12 days overdue".
pub fn status_words(key: &KeyView) -> String {
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    match key.status {
        RotationStatus::Ok => format!("OK (rotate by {})", date_part(&key.rotate_by)),
        RotationStatus::DueSoon => format!("Rotate within {}", days(key.days_until_due)),
        RotationStatus::Overdue if key.days_until_due == 0 => "Rotate now — due today".to_owned(),
        RotationStatus::Overdue => format!("Rotate now — {} overdue", days(-key.days_until_due)),
    }
}

/// An age in words: "today", "12 days", "4 months".
pub fn age_words(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "1 day".into(),
        2..=59 => format!("{days} days"),
        _ => format!("{} months", days / 30),
    }
}

fn date_part(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

/// A new or added key, with its secret when it was generated.
pub fn created(key: &KeyView, secret: Option<&Secret>, json: bool) {
    if json {
        let mut value = serde_json::to_value(key).unwrap_or(Value::Null);
        if let (Some(secret), Value::Object(map)) = (secret, &mut value) {
            map.insert("secret".into(), Value::String(secret.expose().to_owned()));
        }
        println!("{value}");
        return;
    }
    println!("Saved \"{}\" for {}.", key.name, key.service);
    println!();
    println!("  Credential ID:     {}", key.credential_id);
    if let Some(secret) = secret {
        println!("  Credential secret: {}", secret.expose());
        println!();
        println!(
            "This is the only time Keyward shows the secret here (`keyward reveal` shows it again)."
        );
        println!(
            "Keep it in a password manager or your application's secure settings; never put it in a code"
        );
        println!("repository, an email or a chat. Use this key for one application only.");
    }
    println!("Rotate it by {}.", date_part(&key.rotate_by));
}

/// A list of keys as a table or a JSON array.
pub fn keys(keys: &[KeyView], json: bool, empty: &str) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(keys).unwrap_or_else(|_| "[]".into())
        );
        return;
    }
    if keys.is_empty() {
        println!("{empty}");
        return;
    }
    let rows: Vec<[String; 5]> = keys
        .iter()
        .map(|k| {
            [
                k.name.clone(),
                k.service.clone(),
                k.application.clone().unwrap_or_else(|| "—".into()),
                age_words(k.age_days),
                status_words(k),
            ]
        })
        .collect();
    let header = ["NAME", "SERVICE", "APPLICATION", "AGE", "STATUS"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
}

/// What `keyward check` found.
pub fn check(recovery: &Recovery, orphans: &[String], json: bool) {
    if json {
        let failed: Vec<Value> = recovery
            .failed
            .iter()
            .map(|(name, e)| json!({"name": name, "code": e.code(), "message": e.to_string()}))
            .collect();
        let report = json!({
            "rolled_back": recovery.rolled_back,
            "finished_deletes": recovery.finished_deletes,
            "failed": failed,
            "orphans": orphans,
        });
        println!("{report}");
        return;
    }
    recovery_notes(recovery);
    if orphans.is_empty() {
        println!("Every secret Keyward keeps in the keychain belongs to a key in its list.");
    } else {
        println!(
            "The keychain holds {} Keyward secret(s) with no key in Keyward's list (the list may have been restored from an older copy):",
            orphans.len()
        );
        for orphan in orphans {
            println!("  {orphan}");
        }
    }
}

/// Tells people what recovery did (on standard error, so output stays clean).
pub fn recovery_notes(recovery: &Recovery) {
    for name in &recovery.rolled_back {
        eprintln!(
            "Note: creating \"{name}\" was interrupted earlier; Keyward removed the unfinished key."
        );
    }
    for name in &recovery.finished_deletes {
        eprintln!(
            "Note: deleting \"{name}\" was interrupted earlier; Keyward finished deleting it."
        );
    }
    for (name, error) in &recovery.failed {
        eprintln!(
            "Note: \"{name}\" was left unfinished earlier and could not be cleaned up yet: {error}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(status: RotationStatus, days_until_due: i64) -> KeyView {
        KeyView {
            id: "id".into(),
            name: "n".into(),
            service: "s".into(),
            application: None,
            credential_id: "c".into(),
            notes: String::new(),
            created_at: "2026-01-01T00:00:00Z".into(),
            rotate_by: "2026-04-01T00:00:00Z".into(),
            age_days: 0,
            status,
            days_until_due,
            last_copied_at: None,
            last_revealed_at: None,
            replaced_by: None,
            delete_after: None,
            snoozed_until: None,
        }
    }

    #[test]
    fn status_reads_as_a_sentence() {
        assert_eq!(
            status_words(&view(RotationStatus::Ok, 40)),
            "OK (rotate by 2026-04-01)"
        );
        assert_eq!(
            status_words(&view(RotationStatus::DueSoon, 9)),
            "Rotate within 9 days"
        );
        assert_eq!(
            status_words(&view(RotationStatus::Overdue, -12)),
            "Rotate now — 12 days overdue"
        );
        assert_eq!(
            status_words(&view(RotationStatus::Overdue, -1)),
            "Rotate now — 1 day overdue"
        );
        assert_eq!(
            status_words(&view(RotationStatus::Overdue, 0)),
            "Rotate now — due today"
        );
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_words(0), "today");
        assert_eq!(age_words(12), "12 days");
        assert_eq!(age_words(125), "4 months");
    }
}
