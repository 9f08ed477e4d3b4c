//! Worked examples of the record of processing as the ICO's table, and read back.

use super::*;
use crate::register::activity::{Activity, Purpose, SpecialData};

fn names() -> Names {
    let mut n = Names::default();
    n.add(LinkKind::System, "sys-1", "Housing system");
    n.add(LinkKind::Processor, "proc-1", "Payroll bureau");
    n.add(LinkKind::Transfer, "tr-1", "Acme Cloud (United States)");
    n.add(LinkKind::Transfer, "tr-1", "Acme Cloud");
    n.add(LinkKind::RecordType, "tenancy-file", "Tenancy files (6 years after tenancy_ended)");
    n.add(LinkKind::RecordType, "tenancy-file", "Tenancy files");
    n.add(LinkKind::Notice, "n-1", "Tenant privacy notice");
    n
}

fn tenancy() -> Activity {
    Activity {
        name: "Tenancy management".into(),
        business_function: "Housing management".into(),
        subject_categories: vec!["Tenants".into(), "Household members".into()],
        data_categories: vec!["Contact details".into(), "Rent account".into()],
        recipients: vec!["Contractors".into()],
        purposes: vec![
            Purpose { purpose: "Managing tenancies".into(), lawful_basis: "contract".into(), ..Purpose::default() },
            Purpose {
                purpose: "Recovering rent arrears".into(),
                lawful_basis: "legitimate_interests".into(),
                legitimate_interest: "Collecting money owed".into(),
                lia_link: "LIA-2026-03".into(),
                ..Purpose::default()
            },
            Purpose {
                purpose: "Tenant newsletter".into(),
                lawful_basis: "consent".into(),
                consent_purpose: "Newsletter".into(),
                ..Purpose::default()
            },
        ],
        special_category: vec![SpecialData {
            category: "health".into(),
            art9_condition: "h".into(),
            schedule1_condition: "part1_para2".into(),
            policy_document: false,
        }],
        system_ids: vec!["sys-1".into()],
        processor_ids: vec!["proc-1".into()],
        transfer_ids: vec!["tr-1".into()],
        notice_ids: vec!["n-1".into()],
        retention_record_types: vec!["tenancy-file".into()],
        location: "Paper files at the area office".into(),
        security_measures: "Role-based access; encrypted laptops".into(),
        dpia_required: DpiaRequired::No,
        retained_per_policy: Some(true),
        ..Activity::default()
    }
}

fn org() -> Organisation {
    Organisation {
        name: "Northgate Housing Association".into(),
        address: "1 High Street, Northgate".into(),
        email: "info@northgate.example".into(),
        dpo_name: "Dana Okafor".into(),
        dpo_contact: "dpo@northgate.example".into(),
        ..Organisation::default()
    }
}

fn header_index(rows: &[Vec<String>]) -> usize {
    rows.iter().position(|r| r.first().is_some_and(|c| c == "Business function")).expect("header row")
}

#[test]
fn the_30_ico_headings_come_first_in_the_templates_order() {
    let headings: Vec<&str> = COLUMNS.iter().map(|c| c.heading).collect();
    assert_eq!(headings.len(), 40);
    assert_eq!(headings[0], "Business function");
    assert_eq!(headings[1], "Purpose of processing");
    assert_eq!(headings[6], "Link to contract with processor");
    assert_eq!(headings[11], "Article 6 lawful basis for processing personal data");
    assert_eq!(headings[12], "Article 9 condition for processing special category data");
    assert_eq!(headings[18], "Link to record of consent");
    assert_eq!(headings[19], "Location of personal data");
    assert_eq!(headings[23], "Has a personal data breach occurred?");
    assert_eq!(headings[25], "Data Protection Act 2018 Schedule 1 Condition for processing");
    assert_eq!(headings[26], "GDPR Article 6 lawful basis for processing");
    assert_eq!(headings[29], "Reasons for not adhering to policy document (if applicable)");
    assert!(COLUMNS[..ICO_COLUMNS].iter().all(|c| c.group != "Steward"));
    assert!(COLUMNS[ICO_COLUMNS..].iter().all(|c| c.group == "Steward"));
    // Every column once, every heading distinct, each found by its Col.
    for c in &COLUMNS {
        assert_eq!(c.col.column(), c);
        assert_eq!(COLUMNS.iter().filter(|o| fold(o.heading) == fold(c.heading)).count(), 1, "{}", c.heading);
    }
}

#[test]
fn one_row_per_purpose_with_the_activity_cells_repeated_and_contacts_on_top() {
    let rows = export(&[tenancy()], &[org()], &names());
    let h = header_index(&rows);
    assert_eq!(rows[0][0], "Record of processing activities (UK GDPR Article 30)");
    let controller = rows[..h].iter().find(|r| r.first().is_some_and(|c| c == "Controller")).unwrap();
    assert_eq!(controller[1], "Northgate Housing Association");
    assert_eq!(controller[3], "info@northgate.example");
    let dpo = rows[..h].iter().find(|r| r.first().is_some_and(|c| c == "Data Protection Officer")).unwrap();
    assert_eq!(dpo[1], "Dana Okafor");
    assert!(rows[..h].iter().any(|r| r.first().is_some_and(|c| c == "Representative")));
    let data = &rows[h + 1..];
    assert_eq!(data.len(), 3, "three purposes, three rows");
    for r in data {
        assert_eq!(r.len(), COLUMNS.len());
        assert_eq!(r[0], "Housing management");
        assert_eq!(r[3], "Tenants; Household members");
        assert_eq!(r[6], "Payroll bureau");
        assert_eq!(r[7], "Acme Cloud (United States)");
        assert_eq!(r[9], "Tenancy files (6 years after tenancy_ended)");
        assert_eq!(r[12], "Health: (h) Health or social care");
        assert_eq!(r[19], "Housing system; Paper files at the area office");
        assert_eq!(r[25], "Health: Part 1 para 2: Health or social care purposes");
        assert_eq!(r[30], "Tenancy management");
    }
    assert_eq!(data[0][1], "Managing tenancies");
    assert_eq!(data[0][11], "Contract (Art 6(1)(b))");
    assert_eq!(data[1][13], "Collecting money owed");
    assert_eq!(data[2][18], "Newsletter");
    assert!(data[2][15].contains("To withdraw consent at any time"));
}

#[test]
fn formulas_are_neutralised_on_export_and_exactly_that_quote_is_removed_on_import() {
    for (cell, safe) in [
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("+44 161 496 0000", "'+44 161 496 0000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("'=already quoted", "''=already quoted"),
        ("'plain", "'plain"),
        ("Plain words", "Plain words"),
    ] {
        assert_eq!(neutralise(cell), safe, "{cell}");
        assert_eq!(restore(&neutralise(cell)), cell, "{cell}");
    }
    let mut a = tenancy();
    a.business_function = "=cmd|' /C calc'!A0".into();
    let rows = export(&[a.clone()], &[], &names());
    let h = header_index(&rows);
    assert_eq!(rows[h + 1][0], "'=cmd|' /C calc'!A0");
    let (parsed, problems) = parse(&rows, &names());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(parsed[0].activity.business_function, a.business_function);
}

#[test]
fn an_export_reads_back_as_the_same_activities() {
    let mut b = tenancy();
    b.name = "Repairs".into();
    b.purposes.truncate(1);
    b.special_category.clear();
    b.record = RecordKind::Processor;
    b.national_data_opt_out = true;
    let acts = vec![tenancy(), b];
    let rows = export(&acts, &[org()], &names());
    let (parsed, problems) = parse(&rows, &names());
    assert!(problems.is_empty(), "{problems:?}");
    let back: Vec<Activity> = parsed.iter().map(|p| p.activity.clone()).collect();
    assert_eq!(back, acts);
    assert_eq!(parsed[0].rows, [8, 9, 10], "spreadsheet rows of each purpose");
    for (p, a) in parsed.iter().zip(&acts) {
        assert_eq!(merge(a, p), *a, "merging onto itself changes nothing");
        assert!(merge(a, p).validate().is_ok());
    }
}

#[test]
fn columns_in_a_different_order_import_fine() {
    let rows = export(&[tenancy()], &[], &names());
    let h = header_index(&rows);
    let mut shuffled: Vec<Vec<String>> = rows[..h].to_vec();
    for r in &rows[h..] {
        let mut r = r.clone();
        r.reverse();
        r.swap(3, 17);
        shuffled.push(r);
    }
    let (parsed, problems) = parse(&shuffled, &names());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(parsed[0].activity, tenancy());
}

#[test]
fn an_unknown_lawful_basis_is_named_by_row_and_column() {
    let mut rows = export(&[tenancy()], &[], &names());
    let h = header_index(&rows);
    rows[h + 2][11] = "Because we want to".into();
    let (parsed, problems) = parse(&rows, &names());
    assert!(problems.is_empty());
    let errors = parsed[0].activity.clone().validate().unwrap_err();
    let located: Vec<Problem> = errors.iter().map(|e| parsed[0].locate(e)).collect();
    assert_eq!(located.len(), 1, "{located:?}");
    assert_eq!(located[0].row, h as u64 + 3);
    assert_eq!(located[0].column, "Article 6 lawful basis for processing personal data");
    assert!(located[0].message.contains("not a lawful basis"), "{}", located[0].message);
    assert!(!located[0].message.contains("Because"), "the cell's value is never repeated");
}

#[test]
fn an_art9_letter_out_of_range_and_a_missing_schedule1_condition_are_named() {
    let mut rows = export(&[tenancy()], &[], &names());
    let h = header_index(&rows);
    rows[h + 1][12] = "Health: (k)".into();
    let (parsed, _) = parse(&rows, &names());
    let e = parsed[0].activity.clone().validate().unwrap_err();
    let p = parsed[0].locate(&e[0]);
    assert_eq!((p.row, p.column.as_str()), (h as u64 + 2, "Article 9 condition for processing special category data"));
    assert!(p.message.contains("a to j"));

    let mut rows = export(&[tenancy()], &[], &names());
    for r in &mut rows[h + 1..] {
        r[25] = String::new();
    }
    let (parsed, _) = parse(&rows, &names());
    let e = parsed[0].activity.clone().validate().unwrap_err();
    let p = parsed[0].locate(&e[0]);
    assert_eq!(p.column, "Data Protection Act 2018 Schedule 1 Condition for processing");
    assert!(p.message.contains("Schedule 1"));
}

#[test]
fn conditions_are_understood_as_people_write_them() {
    assert_eq!(parse_basis("legal obligation"), "legal_obligation");
    assert_eq!(parse_basis("Legal obligation (Art 6(1)(c))"), "legal_obligation");
    assert_eq!(parse_basis("Art 6(1)(ea)"), "recognised_legitimate_interest");
    assert_eq!(parse_basis("PUBLIC_TASK"), "public_task");
    assert_eq!(parse_basis("vibes"), "vibes");
    assert_eq!(parse_art9(" (h) Health or social care"), "h");
    assert_eq!(parse_art9("Art 9(2)(b)"), "b");
    assert_eq!(parse_art9("g"), "g");
    assert_eq!(parse_schedule1("Part 2 para 18: Safeguarding"), "part2_para18");
    assert_eq!(parse_schedule1("part1_para2"), "part1_para2");
    assert_eq!(parse_schedule1("whatever"), "whatever");
    assert_eq!(category_key("Biometric data"), Some("biometric"));
    assert_eq!(category_key("criminal offence"), Some("criminal_offence"));
}

#[test]
fn unknown_and_missing_columns_are_reported_on_the_heading_row() {
    let mut rows = export(&[tenancy()], &[], &names());
    let h = header_index(&rows);
    rows[h][5] = "Favourite colour".into();
    let name_at = rows[h].iter().position(|c| c == "Processing activity").unwrap();
    rows[h][name_at] = String::new();
    let (_, problems) = parse(&rows, &names());
    assert!(problems.iter().any(|p| p.row == h as u64 + 1 && p.column == "Favourite colour"), "{problems:?}");
    assert!(problems.iter().any(|p| p.column == "Processing activity" && p.message.contains("missing")));
    let (_, problems) = parse(&[vec!["Hello".into()]], &names());
    assert_eq!(problems[0].row, 1);
}

#[test]
fn bad_cells_are_named_by_row_and_column() {
    let mut rows = export(&[tenancy()], &[], &names());
    let h = header_index(&rows);
    rows[h + 1][20] = "Perhaps".into();
    rows[h + 1][6] = "Payroll bureau; Nobody Ltd".into();
    rows[h + 2][3] = "Tenants only".into();
    rows[h + 3][1] = "Managing tenancies".into();
    let (_, problems) = parse(&rows, &names());
    let at = |row: usize, col: Col| problems.iter().find(|p| p.row == row as u64 + 1 && p.column == col.heading());
    assert!(at(h + 1, Col::DpiaRequired).is_some(), "{problems:?}");
    assert!(at(h + 1, Col::Processors).is_some_and(|p| p.message.contains("item 2")), "{problems:?}");
    assert!(at(h + 2, Col::SubjectCategories).is_some_and(|p| p.message.contains("differs from row")));
    assert!(at(h + 3, Col::Purpose).is_some_and(|p| p.message.contains("repeats the purpose")));
    assert!(problems.iter().all(|p| !p.message.contains("Nobody") && !p.message.contains("Perhaps")));
}

#[test]
fn an_activity_repeated_further_down_is_reported() {
    let mut other = tenancy();
    other.name = "Repairs".into();
    other.purposes.truncate(1);
    let mut rows = export(&[tenancy(), other], &[], &names());
    let h = header_index(&rows);
    let first = rows[h + 1].clone();
    rows.push(first);
    let (_, problems) = parse(&rows, &names());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].row, rows.len() as u64);
    assert!(problems[0].message.contains(&format!("row {}", h + 2)));
}

#[test]
fn absent_columns_keep_the_existing_values() {
    let existing = tenancy();
    let rows = vec![
        vec![
            "Processing activity".into(),
            "Purpose of processing".into(),
            "Article 6 lawful basis for processing personal data".into(),
        ],
        vec!["tenancy management".into(), "Managing tenancies".into(), "contract".into()],
        vec!["Tenancy management".into(), "Recovering rent arrears".into(), "legitimate interests".into()],
    ];
    let (parsed, problems) = parse(&rows, &names());
    assert!(problems.is_empty(), "{problems:?}");
    let merged = merge(&existing, &parsed[0]);
    assert_eq!(merged.system_ids, existing.system_ids);
    assert_eq!(merged.special_category, existing.special_category);
    assert_eq!(merged.purposes.len(), 2, "the newsletter purpose is dropped");
    assert_eq!(merged.purposes[1].legitimate_interest, "Collecting money owed", "kept from the same purpose");
}
