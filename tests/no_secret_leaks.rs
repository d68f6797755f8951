//! Secrets never touch a file: every file the app wrote is searched for them.

use crate::util::*;

#[test]
fn no_file_the_app_wrote_contains_a_secret() {
    let app = App::new();
    let generated = app.generate(&unique("leakcheck"));
    let secret = generated["secret"].as_str().unwrap().to_owned();
    let name = generated["name"].as_str().unwrap().to_owned();
    let pasted = "sk_live_PASTED_secret_0123456789";
    let out = app.run_with_input(
        &["add", "--service", "pasted", "--credential-id", "cid-1"],
        pasted,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    app.ok(&["reveal", &name]);
    app.ok(&["list"]);
    app.ok(&["list", "--json"]);
    app.run(&["due", "--json"]);
    app.ok(&["check"]);

    let mut files = Vec::new();
    files_under(app.root.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("catalog.json")),
        "the app wrote its catalog under the test folders: {files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let content = String::from_utf8_lossy(&bytes);
        for needle in [&secret[..], &secret[5..25], pasted, &pasted[8..24]] {
            assert!(
                !content.contains(needle),
                "{} contains (part of) a secret",
                file.display()
            );
        }
    }
}
