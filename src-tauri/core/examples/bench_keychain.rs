//! The keychain's own cost per item, for the import benchmark
//! (`.ci/bench-import`): writes N items straight through the platform's
//! credential store (keyring-core, no Keyward code in between), then
//! removes them, and prints the milliseconds per write and per removal.
//!
//! Usage: `bench_keychain N` (items go under a service of their own, so
//! they never mix with Keyward's).

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::args()
        .nth(1)
        .ok_or("usage: bench_keychain N")?
        .parse()?;
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    let store: std::sync::Arc<keyring_core::CredentialStore> =
        zbus_secret_service_keyring_store::Store::new()?;
    #[cfg(not(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )))]
    return Err("this benchmark runs against the Secret Service only".into());
    let service = "app.keyward.bench-keychain";
    let entries: Vec<keyring_core::Entry> = (0..count)
        .map(|i| keyring_core::Entry::new_in_store(&store, service, &format!("item-{i:06}")))
        .collect::<Result<_, _>>()?;
    let started = Instant::now();
    for (i, entry) in entries.iter().enumerate() {
        entry.set_password(&format!(
            "bench-secret-{i:06}-0123456789abcdef0123456789abcdef"
        ))?;
    }
    let write = started.elapsed();
    let started = Instant::now();
    for entry in &entries {
        entry.delete_credential()?;
    }
    let remove = started.elapsed();
    let per = |d: std::time::Duration| d.as_secs_f64() * 1000.0 / count.max(1) as f64;
    println!(
        "keychain alone: {count} writes in {:.2} s ({:.2} ms each), {count} removals in {:.2} s ({:.2} ms each)",
        write.as_secs_f64(),
        per(write),
        remove.as_secs_f64(),
        per(remove)
    );
    Ok(())
}
