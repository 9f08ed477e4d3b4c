//! Bulk import of the records inventory from CSV, through the application on SQLite:
//! spreadsheet quirks (a byte-order mark, CRLF, quoted fields, blank lines, UK dates),
//! every bad row named by line and column, a dry run that writes nothing, a failed import
//! that changes nothing, and 100,000 rows added in one transaction. Fictional data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use steward_app::erasure::{NewSystem, SystemKind};
use steward_app::record_import::{ImportReport, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, parse_date};
use steward_app::retention::RecordQuery;
use steward_app::{App, AppError, Context};
use steward_core::Role;
use steward_core::subject::NewSubject;
use steward_store::AuditFilter;
use steward_testkit::Database;

fn app() -> (Database, App) {
    let dir = Database::sqlite();
    let app = dir.open_app();
    app.use_schedule_template(&Context::cli(), "family-support-charity").unwrap();
    (dir, app)
}

fn total(app: &App) -> u64 {
    app.records(&Context::cli(), &RecordQuery { limit: Some(1), ..Default::default() }).unwrap().total
}

fn imports_audited(app: &App) -> usize {
    let f = AuditFilter { action: Some("record.import".into()), limit: 100, ..Default::default() };
    app.audit_entries(&Context::cli(), &f).unwrap().len()
}

fn import(app: &App, csv: &str, dry_run: bool) -> ImportReport {
    app.import_records(&Context::cli(), csv.as_bytes(), dry_run).unwrap()
}

fn refused(app: &App, csv: &[u8]) -> (String, String) {
    match app.import_records(&Context::cli(), csv, true) {
        Err(AppError::Invalid(f)) => (f.field, f.message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_clean_file_is_checked_by_a_dry_run_then_imported_once() {
    let (_dir, app) = app();
    let csv = "record_type,reference,event:started,event:left,flags,location\n\
               volunteer-file,VOL-0001,2019-01-07,2024-03-15,,Cabinet 3\n\
               volunteer-file,VOL-0002,2019-01-07,15/03/2024,reference_consent,\"Cabinet 3, drawer 2\"\n\
               staff-personnel-file,HR-0001,2015-05-01,,,\n\
               board-minutes,BM-2020,,,,Safe\n";
    let dry = import(&app, csv, true);
    assert!(dry.dry_run && !dry.imported, "{dry:?}");
    assert_eq!((dry.rows, dry.would_import, dry.error_count, dry.imported_rows), (4, 4, 0, 0));
    assert_eq!(dry.by_record_type.get("volunteer-file"), Some(&2));
    assert_eq!(dry.lacking_facts, 1, "the staff file has not left yet");
    assert_eq!(dry.permanent, 1);
    assert_eq!(total(&app), 0, "a dry run writes nothing");
    assert_eq!(imports_audited(&app), 0);

    let done = import(&app, csv, false);
    assert!(done.imported && !done.dry_run);
    assert_eq!(done.imported_rows, 4);
    assert_eq!(total(&app), 4);
    assert_eq!(imports_audited(&app), 1, "one audit entry for the whole import");
    let f = AuditFilter { action: Some("record.import".into()), limit: 1, ..Default::default() };
    let entry = &app.audit_entries(&Context::cli(), &f).unwrap()[0];
    assert!(entry.event.detail.contains("rows=4"), "{}", entry.event.detail);
    assert!(!entry.event.detail.contains("VOL-"), "no references in the audit entry");

    let page = app
        .records(&Context::cli(), &RecordQuery { record_type: Some("volunteer-file".into()), ..Default::default() })
        .unwrap();
    let dates: Vec<String> = page.records.iter().filter_map(|r| r.destroy_on.map(|d| d.to_string())).collect();
    assert_eq!(dates, ["2026-03-15", "2029-03-15"], "UK date read as 15 March; the consent exception applied");
    assert!(page.records.iter().any(|r| r.location.detail == "Cabinet 3, drawer 2"), "quoted comma kept");
}

#[test]
fn bom_crlf_column_order_and_blank_trailing_lines_are_accepted() {
    let (_dir, app) = app();
    let csv = "\u{feff}event:left,Reference,record_type\r\n2024-03-15,VOL-1,volunteer-file\r\n\r\n,,\r\n\r\n";
    // "Reference" is not a column name: names are exact.
    let (field, message) = refused(&app, csv.as_bytes());
    assert_eq!(field, "columns");
    assert!(message.contains("'Reference'") && message.contains("event:left"), "{message}");

    let csv = "\u{feff}event:left,reference,record_type\r\n2024-03-15,VOL-1,volunteer-file\r\n\
               \"2024-03-16\",\"VOL-2\",\"volunteer-file\"\r\n\r\n,,\r\n\r\n";
    let r = import(&app, csv, false);
    assert_eq!((r.rows, r.imported_rows, r.error_count), (2, 2, 0), "{r:?}");

    // Line numbers count CRLF lines and blank lines as a spreadsheet shows them.
    let csv = "\u{feff}record_type,event:left\r\n\r\nvolunteer-file,2024-03-15\r\n\"filing\r\ncabinet\",\r\n\
               volunteer-file,soon\r\n";
    let r = import(&app, csv, true);
    let got: Vec<(u64, &str)> = r.errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(got, [(4, "record_type"), (6, "event:left")], "{r:?}");
}

#[test]
fn wrong_or_missing_columns_are_one_error_naming_them_and_the_expected_ones() {
    let (_dir, app) = app();
    let (field, message) = refused(&app, b"reference,colour,event:birthday\nX,red,2020-01-01\n");
    assert_eq!(field, "columns");
    for part in ["'colour'", "'event:birthday'", "record_type is missing", "the columns are", "subject_id"] {
        assert!(message.contains(part), "{part} in {message}");
    }
    let (_, message) = refused(&app, b"record_type,reference,reference\n");
    assert!(message.contains("named twice: reference"), "{message}");
    let (field, message) = refused(&app, b"");
    assert_eq!(field, "file");
    assert!(message.contains("empty"), "{message}");
    let (field, message) = refused(&app, b"record_type\n\xff\xfe\n");
    assert_eq!(field, "file");
    assert!(message.contains("UTF-8") && message.contains("line 2"), "{message}");
}

#[test]
fn every_bad_row_is_named_by_line_and_column_and_nothing_is_imported() {
    let (_dir, app) = app();
    let cli = Context::cli();
    let born = NewSubject {
        given_name: "Ffion".into(),
        family_name: "Example".into(),
        date_of_birth: Some(jiff::civil::date(2000, 6, 1)),
        ..Default::default()
    };
    let subject = app.create_subject(&cli, born).unwrap().id;
    let csv = format!(
        "record_type,subject_id,event:started,event:left,system,flags\n\
         volunteer-file,,2020-01-01,2024-03-15,,\n\
         volunteer-file,,2020-01-01,31/02/2024,,\n\
         volunteer-file,,2020-01-01,2024-3-15,,\n\
         filing-cabinet,,,,,\n\
         volunteer-file,{subject},1999-01-01,2024-03-15,,\n\
         volunteer-file,,2024-03-15,2020-01-01,,\n\
         volunteer-file,no-such-subject,,,,\n\
         volunteer-file,,,,Nowhere,\n\
         volunteer-file,,,,,not_a_flag\n\
         \"filing\ncabinet\",,,,,\n\
         volunteer-file,,,\n"
    );
    let before = total(&app);
    let r = import(&app, &csv, false);
    assert!(!r.imported);
    assert_eq!(total(&app), before, "a file with errors changes nothing");
    assert_eq!(imports_audited(&app), 0);
    assert_eq!((r.rows, r.would_import, r.error_count), (11, 1, 10), "{r:#?}");
    let got: Vec<(u64, &str)> = r.errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(
        got,
        [
            (3, "event:left"),
            (4, "event:left"),
            (5, "record_type"),
            (6, "events"),
            (7, "events"),
            (8, "subject_id"),
            (9, "system"),
            (10, "flags"),
            (11, "record_type"),
            (13, "row"),
        ],
        "{:#?}",
        r.errors
    );
    let msg = |line: u64| &r.errors.iter().find(|e| e.line == line).unwrap().message;
    assert!(msg(3).contains("YYYY-MM-DD"), "{}", msg(3));
    assert!(msg(5).contains("not a record type"), "{}", msg(5));
    assert!(msg(6).contains("before the subject's date of birth"), "{}", msg(6));
    assert!(!msg(6).contains("2000"), "the birth date is not repeated: {}", msg(6));
    assert!(msg(7).contains("before event started"), "{}", msg(7));
    assert!(msg(13).contains("has 4 fields but the header has 6 columns"), "{}", msg(13));
    let lines = r.error_lines();
    assert_eq!(lines[0], format!("line 3: event:left: {}", msg(3)));
}

#[test]
fn systems_are_found_by_name_or_id() {
    let (_dir, app) = app();
    let s = NewSystem {
        name: "Shared drive".into(),
        kind: SystemKind::System,
        holds_all_subjects: false,
        contact: "IT".into(),
        notes: String::new(),
        retired: false,
        owner: String::new(),
        location: String::new(),
        hosting_country: String::new(),
        processor_id: String::new(),
        security_measures: String::new(),
    };
    let id = app.create_system(&Context::cli(), s).unwrap().id;
    let csv = format!(
        "record_type,system,location,event:created\n\
         financial-record,shared drive,Finance/2020,2020-04-05\n\
         financial-record,{id},,05/04/2021\n"
    );
    let r = import(&app, &csv, false);
    assert_eq!(r.imported_rows, 2, "{r:?}");
    let page = app.records(&Context::cli(), &RecordQuery { system_id: Some(id), ..Default::default() }).unwrap();
    assert_eq!(page.total, 2);
}

#[test]
fn only_those_who_manage_registers_import() {
    let (_dir, app) = app();
    let staff = Context::new("user:staff", Role::Staff, "r");
    let csv = b"record_type\nboard-minutes\n";
    assert!(matches!(app.import_records(&staff, csv, true), Err(AppError::Forbidden(_))));
    let dpo = Context::new("user:dpo", Role::Dpo, "r");
    assert_eq!(app.import_records(&dpo, csv, false).unwrap().imported_rows, 1);
}

#[test]
fn oversized_files_and_too_many_rows_are_refused_precisely() {
    let (_dir, app) = app();
    let big = vec![b'a'; MAX_IMPORT_BYTES + 1];
    let (field, message) = refused(&app, &big);
    assert_eq!(field, "file");
    assert!(message.contains("50 MB"), "{message}");
    let mut csv = String::from("record_type\n");
    for _ in 0..=MAX_IMPORT_ROWS {
        csv.push_str("board-minutes\n");
    }
    let (field, message) = refused(&app, csv.as_bytes());
    assert_eq!(field, "file");
    assert!(message.contains("more than 200000 rows"), "{message}");
}

#[test]
fn the_error_list_is_capped_with_a_count_of_the_rest() {
    let (_dir, app) = app();
    let mut csv = String::from("record_type\n");
    for _ in 0..1_500 {
        csv.push_str("no-such-type\n");
    }
    let r = import(&app, &csv, true);
    assert_eq!((r.error_count, r.errors.len(), r.errors_not_listed), (1_500, 1_000, 500));
    assert_eq!(r.error_lines().last().unwrap(), "… and 500 more problem(s) not listed");
}

#[test]
fn uk_and_iso_dates_are_read_and_nonsense_refused() {
    let d = jiff::civil::date(2024, 3, 5);
    for ok in ["2024-03-05", "05/03/2024", "5/3/2024", " 2024-03-05 "] {
        assert_eq!(parse_date(ok), Some(d), "{ok}");
    }
    for bad in ["2024-3-5", "03/05/24", "31/02/2024", "2024/03/05", "yesterday", "", "05/03/2024/1"] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
}

#[test]
fn a_hundred_thousand_rows_import_in_one_transaction_or_not_at_all() {
    let (_dir, app) = app();
    let types = ["volunteer-file", "family-file", "financial-record", "dbs-record", "board-minutes"];
    let events = ["left", "support_ended", "created", "issued", "created"];
    let mut csv = String::from("record_type,reference,event:left,event:support_ended,event:created,event:issued\n");
    let mut bad = String::new();
    for i in 0..100_000usize {
        let t = i % types.len();
        let day = format!("20{:02}-{:02}-{:02}", 10 + i % 15, 1 + i % 12, 1 + i % 28);
        let cells: Vec<&str> = ["left", "support_ended", "created", "issued"]
            .iter()
            .map(|e| if *e == events[t] && t != 4 { day.as_str() } else { "" })
            .collect();
        csv.push_str(&format!("{},REF-{i:06},{}\n", types[t], cells.join(",")));
        if i == 99_998 {
            bad = csv.clone();
            bad.push_str("volunteer-file,REF-BAD,not-a-date,,,\n");
        }
    }
    // One bad row at the very end: nothing of the 99,999 good ones is added.
    let r = import(&app, &bad, false);
    assert_eq!((r.rows, r.error_count), (100_000, 1));
    assert_eq!(r.errors[0].line, 100_001);
    assert_eq!(total(&app), 0);

    let r = import(&app, &csv, false);
    assert!(r.imported, "{:?}", r.errors);
    assert_eq!(r.imported_rows, 100_000);
    assert_eq!(r.by_record_type.get("family-file"), Some(&20_000));
    assert_eq!(total(&app), 100_000);
    assert_eq!(imports_audited(&app), 1);
}
