//! The leak check's speed, for `.ci/bench-scan` (not a test).
//!
//! `bench_scan folder DIR SECRETS_OUT [--no-prefix]` makes 10,000 keys
//! (Keyward's `kwsk_` format, or with `--no-prefix` vendor-style keys with no
//! shared prefix), plants 3 of them in `DIR/keyward-bench-planted/`, writes
//! all 10,000 as fixed strings to `SECRETS_OUT` (for `rg -F -f`), checks
//! `DIR` every file (hidden and ignored too) and prints one line of figures.
//! `bench_scan history REPO` plants 3 of 10,000 keys in three commits of the
//! repository at `REPO` (removed again in the next), then checks its whole
//! history. Neither prints a secret; both fail unless exactly the 3 planted
//! keys are found.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use keyward_core::Secret;
use keyward_core::fingerprint::FingerprintKey;
use keyward_core::generate::{generate_credential, random_hex};
use keyward_core::scan::{Matcher, Mode, scan_folder, scan_history};
use keyward_core::vault::ScanKeys;

const KEYS: usize = 10_000;

fn keys(no_prefix: bool) -> Vec<Secret> {
    (0..KEYS)
        .map(|_| {
            if no_prefix {
                // 40 hex-and-letters characters, no common start.
                let hex = random_hex(20).expect("random");
                let mixed: String = hex
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if i % 3 == 0 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                Secret::new(mixed)
            } else {
                generate_credential().expect("random").secret
            }
        })
        .collect()
}

fn matcher(secrets: &[Secret]) -> (Matcher, f64) {
    let started = Instant::now();
    let hasher = FingerprintKey::generate().expect("random").hasher();
    let keys = secrets
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("id{i}"), format!("key{i}"), hasher.fingerprint(s)))
        .collect();
    let matcher = Matcher::new(ScanKeys {
        hasher,
        keys,
        unreadable: Vec::new(),
    });
    (matcher, started.elapsed().as_secs_f64())
}

fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args([
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.com",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let no_prefix = args.iter().any(|a| a == "--no-prefix");
    let secrets = keys(no_prefix);
    let planted = [&secrets[17], &secrets[4_242], &secrets[9_999]];
    let cancel = AtomicBool::new(false);
    match args.first().map(String::as_str) {
        Some("folder") => {
            let dir = Path::new(&args[1]);
            let plant = dir.join("keyward-bench-planted");
            std::fs::create_dir_all(&plant).expect("plant folder");
            for (i, secret) in planted.iter().enumerate() {
                std::fs::write(
                    plant.join(format!("config{i}.env")),
                    format!("# planted\nAPI_KEY={}\n", secret.expose()),
                )
                .expect("plant");
            }
            let list: String = secrets
                .iter()
                .map(|s| format!("{}\n", s.expose()))
                .collect();
            std::fs::write(&args[2], list).expect("secrets file");
            let (matcher, setup) = matcher(&secrets);
            drop(secrets);
            // The fastest of 3 runs (the machine is shared).
            let (scan, took) = (0..3)
                .map(|_| {
                    let started = Instant::now();
                    let scan = scan_folder(&matcher, dir, Mode::Everywhere, &cancel, |_, _| {});
                    (scan, started.elapsed().as_secs_f64())
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("3 runs");
            println!(
                "keyward folder{}: {:.2} s for {} files, {:.0} MB ({:.2} GB/s), setup {:.2} s, {} hits, {} binary skipped, peak memory {:.0} MiB",
                if no_prefix { " (no prefix)" } else { "" },
                took,
                scan.files,
                scan.bytes as f64 / 1e6,
                scan.bytes as f64 / 1e9 / took,
                setup,
                scan.hits.len(),
                scan.binary_skipped,
                peak_mib()
            );
            assert_eq!(scan.hits.len(), 3, "exactly the 3 planted keys");
        }
        Some("history") => {
            let repo = Path::new(&args[1]);
            for (i, secret) in planted.iter().enumerate() {
                let file = repo.join(format!("keyward-bench-{i}.env"));
                std::fs::write(&file, format!("TOKEN={}\n", secret.expose())).expect("plant");
                git(repo, &["add", "."]);
                git(repo, &["commit", "-q", "-m", "bench: add a key"]);
                std::fs::remove_file(&file).expect("unplant");
                git(repo, &["commit", "-q", "-am", "bench: remove the key"]);
            }
            let (matcher, setup) = matcher(&secrets);
            drop(secrets);
            let (scan, took) = (0..3)
                .map(|_| {
                    let started = Instant::now();
                    let scan =
                        scan_history(&matcher, repo, &cancel, |_, _| {}).expect("history scan");
                    (scan, started.elapsed().as_secs_f64())
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("3 runs");
            println!(
                "keyward history{}: {:.2} s for {} blobs, {:.0} MB, setup {:.2} s, {} hits, {} binary skipped, peak memory {:.0} MiB",
                if no_prefix { " (no prefix)" } else { "" },
                took,
                scan.blobs,
                scan.bytes as f64 / 1e6,
                setup,
                scan.hits.len(),
                scan.binary_skipped,
                peak_mib()
            );
            assert_eq!(scan.hits.len(), 3, "exactly the 3 planted keys");
        }
        _ => {
            eprintln!(
                "usage: bench_scan folder DIR SECRETS_OUT [--no-prefix] | history REPO [--no-prefix]"
            );
            std::process::exit(2);
        }
    }
}
