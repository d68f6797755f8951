use std::sync::atomic::AtomicBool;

use super::*;
use crate::fingerprint::FingerprintKey;
use crate::generate::generate_credential;
use crate::secret::Secret;

/// A matcher for `secrets`, named `key0`, `key1`…
fn matcher(secrets: &[&str]) -> Matcher {
    let hasher = FingerprintKey::generate().unwrap().hasher();
    let keys = secrets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                format!("id{i}"),
                format!("key{i}"),
                hasher.fingerprint(&Secret::new((*s).to_owned())),
            )
        })
        .collect();
    Matcher::new(ScanKeys {
        hasher,
        keys,
        unreadable: Vec::new(),
    })
}

fn scan(matcher: &Matcher, text: &[u8]) -> TextScan {
    matcher.scan_reader(text, &AtomicBool::new(false)).unwrap()
}

fn found(matcher: &Matcher, text: &str) -> Vec<(String, u64, u64)> {
    match scan(matcher, text.as_bytes()) {
        TextScan::Read(hits) => hits
            .into_iter()
            .map(|h| {
                let name = match h.found {
                    Found::Stored { key_name, .. } => key_name,
                    Found::KeywardNotHeld => "not held".into(),
                };
                (name, h.at.line, h.at.column)
            })
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn owned(list: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    list.iter()
        .map(|(n, l, c)| ((*n).to_owned(), *l, *c))
        .collect()
}

#[test]
fn a_prefixed_key_is_found_with_its_line_and_column_in_characters() {
    let m = matcher(&["sk_live_4eC39HqLyjWDarjtT1zdp7dc"]);
    let text = "# é config\nSTRIPE=\"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n";
    assert_eq!(found(&m, text), owned(&[("key0", 2, 9)]));
    // Glued to other text it is still the secret.
    let text = "x=sk_live_4eC39HqLyjWDarjtT1zdp7dcEXTRA";
    assert_eq!(found(&m, text), owned(&[("key0", 1, 3)]));
}

#[test]
fn a_key_split_across_a_line_break_or_cut_short_is_not_a_hit() {
    let m = matcher(&["sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Zq81mPx0aa77Lk2Q"]);
    let text = "a = \"sk_live_4eC39HqLyj\\\n    WDarjtT1zdp7dc\"\nb = Zq81mPx0\n  aa77Lk2Q\nc = sk_live_4eC39HqLyjWDarjtT1zdp7d\n";
    assert_eq!(found(&m, text), owned(&[]));
}

#[test]
fn a_key_without_a_prefix_is_found_at_token_boundaries() {
    let m = matcher(&["Zq81mPx0aa77Lk2Q"]);
    for (text, column) in [
        ("Zq81mPx0aa77Lk2Q", 1),
        ("TOKEN=Zq81mPx0aa77Lk2Q", 7),
        ("  'Zq81mPx0aa77Lk2Q',", 4),
        ("https://api.example.com/v1?key=Zq81mPx0aa77Lk2Q&x=1", 32),
        ("id:Zq81mPx0aa77Lk2Q==", 4),
    ] {
        assert_eq!(found(&m, text), owned(&[("key0", 1, column)]), "{text}");
    }
    // Inside a longer token (neither end at a boundary) it is not looked for.
    assert_eq!(found(&m, "xZq81mPx0aa77Lk2Qx"), owned(&[]));
}

#[test]
fn a_keyward_key_keyward_does_not_hold_is_reported_and_a_damaged_one_is_not() {
    let mine = generate_credential().unwrap().secret;
    let theirs = generate_credential().unwrap().secret;
    let m = matcher(&[mine.expose()]);
    let mut damaged = theirs.expose().to_owned().into_bytes();
    damaged[10] = if damaged[10] == b'a' { b'b' } else { b'a' };
    let damaged = String::from_utf8(damaged).unwrap();
    let text = format!(
        "mine {}\ntheirs {}\ndamaged {damaged}\n",
        mine.expose(),
        theirs.expose()
    );
    assert_eq!(
        found(&m, &text),
        owned(&[("key0", 1, 6), ("not held", 2, 8)])
    );
}

#[test]
fn a_key_across_a_chunk_boundary_is_found_once_with_its_line() {
    let secret = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    let m = matcher(&[secret, "Zq81mPx0aa77Lk2Q"]);
    for before in [CHUNK - 20, CHUNK - 1, CHUNK, CHUNK + 3, 3 * CHUNK - 7] {
        let mut text = String::new();
        while text.len() + 2 <= before {
            text.push_str("a\n");
        }
        while text.len() < before {
            text.push('a');
        }
        let lines = 1 + text.matches('\n').count() as u64;
        let column = 1 + (text.len() - text.rfind('\n').map_or(0, |i| i + 1)) as u64;
        text.push_str(secret);
        text.push_str(" Zq81mPx0aa77Lk2Q\n");
        assert_eq!(
            found(&m, &text),
            owned(&[
                ("key0", lines, column),
                ("key1", lines, column + secret.len() as u64 + 1)
            ]),
            "with {before} bytes before"
        );
    }
}

#[test]
fn binary_texts_are_skipped_and_a_cancelled_scan_stops() {
    let m = matcher(&["Zq81mPx0aa77Lk2Q"]);
    assert_eq!(scan(&m, b"\x7fELF\0\0Zq81mPx0aa77Lk2Q"), TextScan::Binary);
    let cancelled = AtomicBool::new(true);
    assert_eq!(
        m.scan_reader(&b"Zq81mPx0aa77Lk2Q"[..], &cancelled).unwrap(),
        TextScan::Cancelled
    );
}

/// Text of `len` bytes made on the fly (never held whole), ending in `tail`.
struct Endless {
    left: u64,
    tail: Vec<u8>,
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            let n = self.tail.len().min(buf.len());
            buf[..n].copy_from_slice(&self.tail[..n]);
            self.tail.drain(..n);
            return Ok(n);
        }
        let line = b"2026-11-27 INFO served /api/v1/things in 12 ms\n";
        let n = (buf.len() as u64).min(self.left) as usize;
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = line[i % line.len()];
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn peak_memory_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Runs the test `name` alone in a new process of this test program (with
/// `KEYWARD_ALONE` set), so that a measure of the whole process's memory
/// sees that test only, not the others running beside it. Returns whether
/// this is that process (then the caller does the work).
#[cfg(target_os = "linux")]
fn alone_in_a_process(name: &str) -> bool {
    if std::env::var_os("KEYWARD_ALONE").is_some() {
        return true;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env("KEYWARD_ALONE", "1")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("1 passed"),
        "{name} alone: {said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

#[test]
#[cfg(target_os = "linux")]
fn a_text_larger_than_memory_allows_is_read_in_bounded_memory() {
    if !alone_in_a_process(
        "scan::tests::a_text_larger_than_memory_allows_is_read_in_bounded_memory",
    ) {
        return;
    }
    let secret = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    let m = matcher(&[secret]);
    let before = peak_memory_kib();
    let text = Endless {
        left: 256 << 20,
        tail: format!("x {secret}\n").into_bytes(),
    };
    let TextScan::Read(hits) = m.scan_reader(text, &AtomicBool::new(false)).unwrap() else {
        panic!("not read");
    };
    assert_eq!(hits.len(), 1, "the key after 256 MiB is found");
    let grown = peak_memory_kib().saturating_sub(before);
    assert!(
        grown < 32 * 1024,
        "reading 256 MiB grew the peak memory by {grown} KiB"
    );
}

#[test]
fn keys_without_a_prefix_are_found_in_long_runs_and_beside_other_characters() {
    let m = matcher(&["Zq81mPx0aa77Lk2Q", "ab-cd_ef1234", "x9Y8w7V6u5T4s3R2q1P0"]);
    let dashes = "-".repeat(70);
    let text = format!(
        "{dashes}=Zq81mPx0aa77Lk2Q/{dashes}\nk:ab-cd_ef1234 a{dashes}b.x9Y8w7V6u5T4s3R2q1P0"
    );
    assert_eq!(
        found(&m, &text),
        owned(&[("key0", 1, 72), ("key1", 2, 3), ("key2", 2, 89)]),
        "each key is found at a token boundary, whatever the run around it holds"
    );
    // Letters and digits next to the key (no boundary) still hide it.
    assert_eq!(
        found(&m, &format!("{dashes}aZq81mPx0aa77Lk2Qa")),
        owned(&[])
    );
}

#[test]
fn a_folder_scan_lists_hits_in_path_order_and_reports_progress_to_the_end() {
    let secret = "Zq81mPx0aa77Lk2Q";
    let m = matcher(&[secret]);
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for folder in ["b", "a", "a/z", "c"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        for file in ["2.txt", "1.txt", "10.txt"] {
            let path = dir.path().join(folder).join(file);
            std::fs::write(&path, format!("x={secret}\ny={secret}\n")).unwrap();
            expected.push((path.clone(), 1));
            expected.push((path, 2));
        }
    }
    expected.sort();
    let mut last = (0, 0);
    let scan = scan_folder(
        &m,
        dir.path(),
        Mode::Everywhere,
        &AtomicBool::new(false),
        |f, b| last = (f, b),
    );
    let got: Vec<_> = scan
        .hits
        .iter()
        .map(|(p, h)| (p.clone(), h.at.line))
        .collect();
    assert_eq!(
        got, expected,
        "hits are sorted by path, then by place in the file"
    );
    assert_eq!(scan.files, 12);
    assert_eq!(
        last,
        (scan.files, scan.bytes),
        "the last progress call has the totals"
    );
    assert!(!scan.cancelled);
}

#[test]
fn a_folder_scan_cancelled_before_it_starts_reads_nothing() {
    let m = matcher(&["Zq81mPx0aa77Lk2Q"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Zq81mPx0aa77Lk2Q").unwrap();
    let scan = scan_folder(
        &m,
        dir.path(),
        Mode::Committable,
        &AtomicBool::new(true),
        |_, _| {},
    );
    assert!(scan.cancelled, "the flag was set before the walk");
    assert!(
        scan.hits.is_empty() && scan.files == 0,
        "no file is read once cancelled"
    );
}

#[test]
fn a_text_scanned_in_place_gives_what_reading_it_through_gives() {
    let key = generate_credential().unwrap().secret;
    let m = matcher(&[
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "Zq81mPx0aa77Lk2Q",
        key.expose(),
    ]);
    let cancel = AtomicBool::new(false);
    let texts: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"Zq81mPx0aa77Lk2Q".to_vec(),
        b"Zq81mPx0aa77Lk2Qxyz".to_vec(),
        b"x=Zq81mPx0aa77Lk2Qy\nTOKEN='Zq81mPx0aa77Lk2Q'\n".to_vec(),
        format!(
            "\u{e9}\u{e9} {} sk_live_4eC39HqLyjWDarjtT1zdp7dc\n",
            key.expose()
        )
        .into_bytes(),
        b"abc\0Zq81mPx0aa77Lk2Q".to_vec(),
        {
            // Longer than one chunk, with keys on both sides of its end.
            let mut big = "a b c d\n".repeat((CHUNK / 8) - 2).into_bytes();
            big.extend_from_slice(b"k=Zq81mPx0aa77Lk2Q sk_live_4eC39HqLyjWDarjtT1zdp7dc\n");
            big.extend_from_slice("z ".repeat(100).as_bytes());
            big.extend_from_slice(key.expose().as_bytes());
            big
        },
    ];
    for text in &texts {
        let through = m.scan_reader(&text[..], &cancel).unwrap();
        assert_eq!(m.scan_bytes(text, &cancel), through, "{} bytes", text.len());
    }
    assert_ne!(m.scan_bytes(&texts[2], &cancel), TextScan::Read(Vec::new()));
    let TextScan::Read(hits) = m.scan_bytes(&texts[6], &cancel) else {
        panic!("text")
    };
    assert_eq!(hits.len(), 3);
    assert_eq!(
        m.scan_bytes(b"abc", &AtomicBool::new(true)),
        TextScan::Cancelled
    );
}
