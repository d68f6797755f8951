use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};

use super::*;
use crate::naming::Label;
use crate::record::test_support::record;

const KEEPASSXC: &str = include_str!("../../../../tests/fixtures/import/keepassxc.csv");
const BITWARDEN: &str = include_str!("../../../../tests/fixtures/import/bitwarden.json");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 25, 9, 0, 0).unwrap()
}

/// Central European winter time, so local dates differ from UTC ones.
fn tz() -> FixedOffset {
    FixedOffset::east_opt(3600).unwrap()
}

fn planned(format: Format, text: &str, keys: &[crate::record::KeyRecord]) -> Plan {
    let table = Table::parse(format, text.as_bytes()).unwrap();
    let mapping = Mapping::default_for(&table);
    plan(table, &mapping, keys, &HashSet::new(), now(), &tz())
}

fn reasons(plan: &Plan) -> Vec<(usize, RefusalKind)> {
    plan.refused.iter().map(|r| (r.row, r.kind)).collect()
}

#[test]
fn a_keepassxc_export_maps_title_username_password_notes_and_created() {
    let plan = planned(Format::Keepassxc, KEEPASSXC, &[]);
    assert_eq!(plan.total, 6, "a quoted note with a line break is one row");
    let stripe = &plan.ready[0];
    assert_eq!(stripe.row, 2);
    assert_eq!(
        stripe.credential_id.as_str(),
        "rk_live_51HxKeyWardFixture0001"
    );
    assert_eq!(
        stripe.secret.expose(),
        "sk_live_51HxFIXTUREsecretStripe9a8b7c6d"
    );
    assert_eq!(
        stripe.key.service.as_str(),
        "stripe-live",
        "the title gives the service"
    );
    assert_eq!(
        stripe.key.name.as_str(),
        "stripe-live-10_02_2026-09_30",
        "conventional name in local time from the Created column"
    );
    assert_eq!(
        stripe.key.created_at,
        Utc.with_ymd_and_hms(2026, 2, 10, 8, 30, 12).unwrap()
    );
    assert!(
        stripe.key.notes.as_str().contains("\"Payments\" page"),
        "{:?}",
        stripe.key.notes
    );
    let mailchimp = &plan.ready[1];
    assert_eq!(mailchimp.key.name.as_str(), "mailchimp-15_01_2026-10_30");
    assert_eq!(
        mailchimp.key.service.as_str(),
        "mailchimp",
        "service from the conventional name"
    );
    assert_eq!(
        mailchimp.key.created_at,
        Utc.with_ymd_and_hms(2026, 1, 15, 9, 30, 0).unwrap(),
        "no Created: the date of the conventional name, local time"
    );
    assert_eq!(plan.ready[2].key.service.as_str(), "aws-deploy-ci");
    assert_eq!(plan.ready.len(), 3);
    assert_eq!(
        reasons(&plan),
        [
            (5, RefusalKind::MissingSecret),
            (6, RefusalKind::DuplicateInFile),
            (7, RefusalKind::BadDate)
        ]
    );
    assert!(
        plan.refused[1].reason.contains("Row 2"),
        "{:?}",
        plan.refused[1]
    );
}

#[test]
fn a_bitwarden_export_takes_logins_and_secure_notes_and_leaves_cards_out() {
    let plan = planned(Format::Bitwarden, BITWARDEN, &[]);
    assert_eq!(plan.total, 4, "the card is no key");
    let got: Vec<(&str, &str, &str)> = plan
        .ready
        .iter()
        .map(|p| {
            (
                p.key.service.as_str(),
                p.credential_id.as_str(),
                p.secret.expose(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "sendgrid-production",
                "sg-key-id-4411",
                "SG.FIXTUREsendgridKey.b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2"
            ),
            (
                "openai-research-key",
                "key_9f8e7d6c5b4a",
                "sk-proj-FIXTUREopenaiKey_1a2b3c4d5e6f7a8b9c0d"
            ),
            (
                "github-deploy-app",
                "Iv1.8a61f9b3a7aba766",
                "ghp_FIXTUREgithubToken0123456789abcdefABCD"
            ),
        ]
    );
    assert_eq!(
        plan.ready[0].key.created_at,
        Utc.with_ymd_and_hms(2026, 2, 10, 8, 30, 12).unwrap()
    );
    assert_eq!(plan.ready[1].key.notes.as_str(), "Org: research team");
    assert_eq!(reasons(&plan), [(5, RefusalKind::MissingSecret)]);
}

#[test]
fn an_encrypted_bitwarden_export_is_refused_with_what_to_do() {
    let error = Table::parse(
        Format::Bitwarden,
        br#"{"encrypted": true, "encKeyValidation_DO_NOT_EDIT": "2.x", "items": "2.y"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("encrypted"), "{error}");
    assert!(error.contains("\".json\""), "{error}");
}

#[test]
fn the_wrong_format_and_a_damaged_file_are_said_in_words() {
    let as_keepass = Table::parse(Format::Keepassxc, b"name,secret\na,b\n")
        .unwrap_err()
        .to_string();
    assert!(
        as_keepass.contains("KeePassXC export starts with"),
        "{as_keepass}"
    );
    let cut = &BITWARDEN[..BITWARDEN.len() / 2];
    let damaged = Table::parse(Format::Bitwarden, cut.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(damaged.contains("cut short"), "{damaged}");
    let csv_as_json = Table::parse(Format::Bitwarden, KEEPASSXC.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(csv_as_json.contains("not JSON"), "{csv_as_json}");
    let latin1 = Table::parse(Format::Csv, b"name,secret\ncaf\xe9,x\n")
        .unwrap_err()
        .to_string();
    assert!(latin1.contains("UTF-8"), "{latin1}");
    let empty = Table::parse(Format::Csv, b"").unwrap_err().to_string();
    assert!(empty.contains("empty"), "{empty}");
}

#[test]
fn csv_columns_named_like_the_fields_need_no_mapping_and_others_are_mapped() {
    let text = "\u{feff}Name,Service,Credential ID,Secret,Created,Notes,Application\n\
                payments-01_02_2026-09_00,payments,cid-1,s3cret-one,,first,Shop\n\
                ,crm,cid-2,s3cret-two,2026-03-01,,\n";
    let plan = planned(Format::Csv, text, &[]);
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    assert_eq!(plan.ready[0].key.name.as_str(), "payments-01_02_2026-09_00");
    assert_eq!(
        plan.ready[0].key.application.as_ref().map(Label::as_str),
        Some("Shop")
    );
    assert_eq!(plan.ready[1].key.name.as_str(), "crm-01_03_2026-00_00");

    let other = "Key,Token,Vendor service\nid-9,tok-9,Mail Gun\n";
    let table = Table::parse(Format::Csv, other.as_bytes()).unwrap();
    let mut mapping = Mapping::default_for(&table);
    assert!(
        mapping.columns.is_empty(),
        "no column is named like a field"
    );
    for spec in [
        "Key=credential_id",
        "token=secret",
        "Vendor service=service",
    ] {
        mapping.apply_map(&table, spec).unwrap();
    }
    let plan = super::plan(table, &mapping, &[], &HashSet::new(), now(), &tz());
    assert_eq!(plan.ready.len(), 1, "{:?}", plan.refused);
    assert_eq!(plan.ready[0].key.service.as_str(), "mail-gun");
    assert_eq!(
        plan.ready[0].key.created_at,
        now(),
        "no date anywhere: today"
    );
}

#[test]
fn a_bad_map_names_the_columns_and_fields_there_are() {
    let table = Table::parse(Format::Csv, b"Key,Token\na,b\n").unwrap();
    let mut mapping = Mapping::default_for(&table);
    let no_column = mapping
        .apply_map(&table, "Secret=secret")
        .unwrap_err()
        .to_string();
    assert!(
        no_column.contains("Its columns are: Key, Token"),
        "{no_column}"
    );
    let no_field = mapping
        .apply_map(&table, "Token=password")
        .unwrap_err()
        .to_string();
    assert!(no_field.contains("credential_id"), "{no_field}");
    let no_equals = mapping.apply_map(&table, "Token").unwrap_err().to_string();
    assert!(no_equals.contains("COLUMN=FIELD"), "{no_equals}");
}

#[test]
fn keys_already_in_keyward_are_skipped_and_names_made_unique() {
    let mut held = record("k1", "stripe-live-10_02_2026-09_30");
    held.credential_id = "other-id".into();
    let mut same = record("k2", "my-mailchimp");
    same.credential_id = "mc-key-id-7781".into();
    let plan = planned(Format::Keepassxc, KEEPASSXC, &[held, same]);
    assert_eq!(
        plan.ready[0].key.name.as_str(),
        "stripe-live-10_02_2026-09_30-2",
        "a suggested name another key has gets -2"
    );
    let skipped = plan
        .refused
        .iter()
        .find(|r| r.kind == RefusalKind::AlreadyInKeyward)
        .expect("the Mailchimp key is already there");
    assert_eq!(skipped.row, 3);
    assert!(skipped.reason.contains("\"my-mailchimp\""), "{skipped:?}");

    let mut earlier = HashSet::new();
    earlier.insert("k2".to_owned());
    let table = Table::parse(Format::Keepassxc, KEEPASSXC.as_bytes()).unwrap();
    let mapping = Mapping::default_for(&table);
    let mut same = record("k2", "my-mailchimp");
    same.credential_id = "mc-key-id-7781".into();
    let resumed = super::plan(table, &mapping, &[same], &earlier, now(), &tz());
    assert!(
        resumed
            .refused
            .iter()
            .any(|r| r.row == 3 && r.kind == RefusalKind::ImportedEarlier),
        "{:?}",
        resumed.refused
    );
}

#[test]
fn the_preview_masks_secrets_and_holds_none() {
    let plan = planned(Format::Keepassxc, KEEPASSXC, &[]);
    let preview = plan.preview();
    let shown = serde_json::to_string(&preview).unwrap();
    assert!(!shown.contains("sk_live_51HxFIXTURE"), "{shown}");
    assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
    assert_eq!(preview.sample[0].cells[3], plan::MASK);
    assert_eq!(preview.sample[0].cells[1], "Stripe live");
    assert_eq!(preview.mapping[3], Some(Field::Secret));
    assert_eq!(preview.mapping[0], None, "Group is left out");
    let debug = format!("{plan:?}");
    assert!(
        !debug.contains("sk_live_51HxFIXTURE"),
        "a plan's Debug redacts: {debug}"
    );
}

#[test]
fn dates_are_read_in_the_forms_exports_and_people_write() {
    let utc = |h, m, s| Utc.with_ymd_and_hms(2026, 2, 10, h, m, s).unwrap();
    assert_eq!(
        plan::parse_date("2026-02-10T08:30:12Z", &tz()),
        Some(utc(8, 30, 12))
    );
    assert_eq!(
        plan::parse_date("2026-02-10T08:30:12.000Z", &tz()),
        Some(utc(8, 30, 12))
    );
    assert_eq!(
        plan::parse_date("2026-02-10 09:30", &tz()),
        Some(utc(8, 30, 0))
    );
    assert_eq!(
        plan::parse_date("2026-02-10", &tz()),
        Some(Utc.with_ymd_and_hms(2026, 2, 9, 23, 0, 0).unwrap())
    );
    assert_eq!(plan::parse_date("10/02/2026", &tz()), None);
    assert_eq!(plan::parse_date("yesterday", &tz()), None);
}

#[test]
fn a_future_date_and_a_typo_in_a_keyward_key_are_refused() {
    let text = "service,credential_id,secret,created\n\
                a,cid-1,sec-1,2030-01-01\n\
                b,kwid_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,sec-2,\n";
    let plan = planned(Format::Csv, text, &[]);
    assert_eq!(
        reasons(&plan),
        [(2, RefusalKind::BadDate), (3, RefusalKind::BadValue)]
    );
    assert!(
        plan.refused[0].reason.contains("future"),
        "{:?}",
        plan.refused[0]
    );
}

#[test]
fn a_link_a_folder_and_a_missing_file_are_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("keys.csv");
    std::fs::write(&real, "name,secret\n").unwrap();
    assert_eq!(&read_source(&real).unwrap()[..], b"name,secret\n");
    let missing = read_source(&dir.path().join("nope.csv"))
        .unwrap_err()
        .to_string();
    assert!(missing.contains("There is no file"), "{missing}");
    let folder = read_source(dir.path()).unwrap_err().to_string();
    assert!(folder.contains("is a folder"), "{folder}");
    #[cfg(unix)]
    {
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let refused = read_source(&link).unwrap_err().to_string();
        assert!(refused.contains("is a link"), "{refused}");
    }
}

#[test]
fn bitwarden_custom_fields_are_offered_as_columns_to_map_and_hidden_ones_are_masked() {
    let export = r#"{"encrypted": false, "folders": [], "items": [
        {"type": 1, "name": "stripe-live", "notes": null,
         "login": {"username": "rk_live_custom01", "password": "sk_live_CUSTOMfieldSecret0123456789"},
         "fields": [
            {"name": "Environment", "value": "production", "type": 0},
            {"name": "Webhook signing value", "value": "whsec_HIDDENvalue0123", "type": 1},
            {"name": "Notes", "value": "from a field", "type": 0}
         ]},
        {"type": 2, "name": "other", "notes": null, "secureNote": {"type": 0},
         "fields": [{"name": "Environment", "value": "staging", "type": 0}]}
    ]}"#;
    let table = Table::parse(Format::Bitwarden, export.as_bytes()).unwrap();
    assert_eq!(
        table.columns[table.columns.len() - 3..],
        ["Environment", "Webhook signing value", "field Notes"],
        "each custom field name once, a clash with a column renamed"
    );
    let mut mapping = Mapping::default_for(&table);
    mapping
        .apply_map(&table, "Environment=application")
        .unwrap();
    mapping.apply_map(&table, "field Notes=owner").unwrap();
    let plan = plan(table, &mapping, &[], &HashSet::new(), now(), &tz());
    let key = &plan.ready[0].key;
    assert_eq!(
        key.application.as_ref().map(Label::as_str),
        Some("production")
    );
    assert_eq!(key.owner.as_ref().map(Label::as_str), Some("from a field"));
    let preview = plan.preview();
    let at = preview
        .columns
        .iter()
        .position(|c| c == "Webhook signing value")
        .unwrap();
    assert_eq!(
        preview.sample[0].cells[at],
        plan::MASK,
        "a hidden field is masked in the preview"
    );
    let environment = preview
        .columns
        .iter()
        .position(|c| c == "Environment")
        .unwrap();
    assert_eq!(preview.sample[1].cells[environment], "staging");
}

#[cfg(target_os = "linux")]
#[test]
fn a_source_the_disk_cannot_read_is_the_cores_file_error_with_its_code() {
    // A regular file by its metadata that fails when read (EIO), even for root.
    let error = read_source(Path::new("/proc/self/mem")).unwrap_err();
    assert!(
        matches!(
            &error,
            ImportError::File(FileError::Io { action: "read", path, .. })
                if path == Path::new("/proc/self/mem")
        ),
        "the disk's refusal is the one file error, naming the file and what was done: {error:?}"
    );
    assert_eq!(
        error.code(),
        crate::Code::Io,
        "a disk refusal crosses as `io`"
    );
    assert_eq!(
        crate::Error::from(error).code(),
        crate::Code::Io,
        "and stays `io` once it is the core's error"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_larger_than_its_size_said_is_read_no_further_than_the_limit() {
    // /proc/self/status says it is 0 bytes long and holds about a kilobyte:
    // a file that grew between the size check and the read.
    let status = Path::new("/proc/self/status");
    assert_eq!(std::fs::symlink_metadata(status).unwrap().len(), 0);
    assert!(matches!(
        read_source_within(status, 64),
        Err(ImportError::TooLarge(_))
    ));
    assert!(read_source_within(status, 64 * 1024).unwrap().len() > 64);
}
