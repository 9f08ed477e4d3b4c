#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::schedule::{Applied, EvaluateError, Schedule};
use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn charity() -> Schedule {
    Schedule::template("family-support-charity").unwrap().unwrap()
}

fn facts(events: &[(&str, Date)], flags: &[&str], born: Option<Date>) -> Facts {
    Facts {
        events: events.iter().map(|(n, d)| (n.to_string(), *d)).collect(),
        flags: flags.iter().map(|f| f.to_string()).collect(),
        date_of_birth: born,
    }
}

fn destroy_on(id: &str, f: &Facts) -> Option<Date> {
    charity().evaluate(id, f).unwrap().destroy_on
}

// ---------------------------------------------------------------- Appendix 1, rule by rule

#[test]
fn staff_personnel_file() {
    // "Personnel files of employees should be retained for six years after they leave the organisation."
    let f = facts(&[("started", date(2015, 1, 5)), ("left", date(2024, 3, 15))], &[], None);
    let o = charity().evaluate("staff-personnel-file", &f).unwrap();
    assert_eq!(o.destroy_on, Some(date(2030, 3, 15)));
    assert_eq!(o.applied, Applied::Base);
    assert_eq!(o.explanation, "6 years after leaving (15 Mar 2024) → 15 Mar 2030");
}

#[test]
fn staff_personnel_file_safeguarding_state_pension_age_is_longer() {
    // "*Exception: … allegations … in relation to safeguarding … must be kept on file … at least until
    // the person reaches normal state pension age, or for 10 years if that is longer."
    // Born 31 Jul 1960: state pension age 66 and 4 months → 30 Nov 2026 (uk-rules §7); allegation 3 Feb 2019
    // → 10 years is 3 Feb 2029, later, so 3 Feb 2029. Born 12 Jun 1964 (67) → 12 Jun 2031, later than 3 Feb 2029.
    let f = facts(
        &[("left", date(2020, 1, 31)), ("allegation", date(2019, 2, 3))],
        &["safeguarding_allegation"],
        Some(date(1960, 7, 31)),
    );
    assert_eq!(destroy_on("staff-personnel-file", &f), Some(date(2029, 2, 3)));
    let f = facts(
        &[("left", date(2020, 1, 31)), ("allegation", date(2019, 2, 3))],
        &["safeguarding_allegation"],
        Some(date(1964, 6, 12)),
    );
    let o = charity().evaluate("staff-personnel-file", &f).unwrap();
    assert_eq!(o.destroy_on, Some(date(2031, 6, 12)));
    assert_eq!(o.applied, Applied::Exception { when: "safeguarding_allegation".into() });
    assert_eq!(
        o.explanation,
        "whichever is longer: state pension age (12 Jun 2031) or 10 years after the allegation (3 Feb 2029) → 12 Jun 2031"
    );
}

#[test]
fn staff_personnel_file_safeguarding_without_birth_date_says_what_is_missing() {
    let f = facts(&[("left", date(2020, 1, 31)), ("allegation", date(2019, 2, 3))], &["safeguarding_allegation"], None);
    let o = charity().evaluate("staff-personnel-file", &f).unwrap();
    assert_eq!(o.destroy_on, None);
    assert!(!o.permanent);
    assert_eq!(o.missing, vec!["date_of_birth".to_string()]);
    assert_eq!(o.explanation, "no destroy-by date yet: needs the subject's date of birth (date_of_birth)");
}

#[test]
fn trustee_file_and_its_exception() {
    // "Personnel files of trustees should be retained for six years after they leave the organisation."
    let f = facts(&[("left", date(2023, 7, 1))], &[], None);
    assert_eq!(destroy_on("trustee-file", &f), Some(date(2029, 7, 1)));
    // "*Exception: If there are any allegations against a trustee in relation to safeguarding … at least until
    // the person reaches state pension age, or for 10 years if that is longer."
    // Born 6 Apr 1977 → 68 (phased, treated as 68) → 6 Apr 2045; allegation 1 Jun 2023 → 1 Jun 2033.
    let f = facts(
        &[("left", date(2023, 7, 1)), ("allegation", date(2023, 6, 1))],
        &["safeguarding_allegation"],
        Some(date(1977, 4, 6)),
    );
    let o = charity().evaluate("trustee-file", &f).unwrap();
    assert_eq!(o.destroy_on, Some(date(2045, 4, 6)));
    // Born 1950: state pension age long past; 10 years after the allegation wins.
    let f = facts(
        &[("left", date(2023, 7, 1)), ("allegation", date(2023, 6, 1))],
        &["safeguarding_allegation"],
        Some(date(1950, 1, 1)),
    );
    assert_eq!(destroy_on("trustee-file", &f), Some(date(2033, 6, 1)));
}

#[test]
fn volunteer_file_base_and_both_exceptions() {
    // "Volunteers' records should be retained for two years."
    let f = facts(&[("left", date(2024, 3, 15))], &[], None);
    assert_eq!(destroy_on("volunteer-file", &f), Some(date(2026, 3, 15)));
    // "With consent from the person to do so, information needed for future references can be kept for longer
    // … (5 years max)."
    let f = facts(&[("left", date(2024, 3, 15))], &["reference_consent"], None);
    assert_eq!(destroy_on("volunteer-file", &f), Some(date(2029, 3, 15)));
    // "*Exception: If there are any allegations against a volunteer in relation to safeguarding … for 10 years
    // from resigning from the role." Wins over the consent exception (first match wins).
    let f = facts(&[("left", date(2024, 3, 15))], &["reference_consent", "safeguarding_allegation"], None);
    let o = charity().evaluate("volunteer-file", &f).unwrap();
    assert_eq!(o.destroy_on, Some(date(2034, 3, 15)));
    assert_eq!(o.applied, Applied::Exception { when: "safeguarding_allegation".into() });
}

#[test]
fn applications() {
    // "For unsuccessful candidates – data should be retained for six months."
    let f = facts(&[("decision", date(2025, 8, 31))], &[], None);
    assert_eq!(destroy_on("application-unsuccessful", &f), Some(date(2026, 2, 28)));
    // "For successful candidates – data to be retained for the duration of employment and shredded/deleted when
    // the employment ends."
    let f = facts(&[("started", date(2020, 1, 6)), ("left", date(2025, 9, 30))], &[], None);
    let o = charity().evaluate("application-successful", &f).unwrap();
    assert_eq!(o.destroy_on, Some(date(2025, 9, 30)));
    assert_eq!(o.explanation, "at leaving (30 Sep 2025) → 30 Sep 2025");
    // Still employed: no date yet, and it says why.
    let f = facts(&[("started", date(2020, 1, 6))], &[], None);
    let o = charity().evaluate("application-successful", &f).unwrap();
    assert_eq!(o.missing, vec!["event left".to_string()]);
    assert_eq!(o.explanation, "no destroy-by date yet: needs the date of leaving (event left)");
}

#[test]
fn dbs_record() {
    // "If there are no issues the information should be destroyed after 6 months."
    let f = facts(&[("issued", date(2025, 5, 20))], &[], None);
    assert_eq!(destroy_on("dbs-record", &f), Some(date(2025, 11, 20)));
    // "If there are issues the information should be retained up to three years."
    let f = facts(&[("issued", date(2025, 5, 20))], &["dbs_issues"], None);
    assert_eq!(destroy_on("dbs-record", &f), Some(date(2028, 5, 20)));
}

#[test]
fn right_to_work() {
    // "Evidence used as verification for eligibility to work in the UK should be destroyed once validated"
    let f = facts(&[("validated", date(2025, 1, 4))], &[], None);
    assert_eq!(destroy_on("right-to-work-evidence", &f), Some(date(2025, 1, 4)));
    // "– but hold the record that checks have been carried out for the 6 year period past employment"
    let f = facts(&[("left", date(2025, 1, 4))], &[], None);
    assert_eq!(destroy_on("right-to-work-check-record", &f), Some(date(2031, 1, 4)));
}

#[test]
fn accident_record_and_book() {
    // "Records relating to an injury or accident at work | 12 years"
    let f = facts(&[("accident", date(2024, 2, 29))], &[], None);
    assert_eq!(destroy_on("accident-record", &f), Some(date(2036, 2, 29)));
    // "Accident books | 12 years from the date of the last recorded accident"
    let f = facts(&[("last_entry", date(2023, 11, 1))], &[], None);
    assert_eq!(destroy_on("accident-book", &f), Some(date(2035, 11, 1)));
}

#[test]
fn family_file_and_its_exceptions() {
    let child = Some(date(2019, 5, 10));
    // "The family file is retained for 12 months from the date of ending Home-Start support."
    let f = facts(&[("support_ended", date(2025, 3, 31))], &[], child);
    assert_eq!(destroy_on("family-file", &f), Some(date(2026, 3, 31)));
    // "This includes cases referred to Children's Services by Home-Start when the record should be retained
    // for 75 years."
    let f = facts(&[("support_ended", date(2025, 3, 31))], &["referred_to_childrens_services"], child);
    assert_eq!(destroy_on("family-file", &f), Some(date(2100, 3, 31)));
    // "Records where a Record of Concern and Action are recorded but where the case is not referred to Children's
    // Service should be retained until the child reaches the age of 25 years old."
    let f = facts(&[("support_ended", date(2025, 3, 31))], &["concern_not_referred"], child);
    let o = charity().evaluate("family-file", &f).unwrap();
    assert_eq!(o.destroy_on, Some(date(2044, 5, 10)));
    assert_eq!(o.explanation, "until the subject turns 25 (born 10 May 2019) → 10 May 2044");
    // Without the child's date of birth there is no date, and it says so.
    let f = facts(&[("support_ended", date(2025, 3, 31))], &["concern_not_referred"], None);
    let o = charity().evaluate("family-file", &f).unwrap();
    assert_eq!((o.destroy_on, o.missing), (None, vec!["date_of_birth".to_string()]));
}

#[test]
fn family_record_safeguarding_other() {
    // "Records that do not relate to the child abuse but that relate to the family are retained for standard
    // retention period (7 years) from the date of ending Home-Start support."
    let f = facts(&[("support_ended", date(2025, 3, 31))], &[], None);
    assert_eq!(destroy_on("family-record-safeguarding-other", &f), Some(date(2032, 3, 31)));
}

#[test]
fn six_year_finance_and_corporate_periods() {
    // "Financial records | Six years"; "Payroll and tax information | Six years"
    let f = facts(&[("created", date(2024, 4, 5))], &[], None);
    assert_eq!(destroy_on("financial-record", &f), Some(date(2030, 4, 5)));
    assert_eq!(destroy_on("payroll-tax-record", &f), Some(date(2030, 4, 5)));
    // "Employers Liability Certificate | 40 years"
    let f = facts(&[("issued", date(2025, 10, 1))], &[], None);
    assert_eq!(destroy_on("employers-liability-certificate", &f), Some(date(2065, 10, 1)));
    // "Membership records | 10 years after the person leaves"
    let f = facts(&[("left", date(2022, 12, 31))], &[], None);
    assert_eq!(destroy_on("membership-record", &f), Some(date(2032, 12, 31)));
    // "Rental or Hire Purchase Agreements | Six years after expiry"
    let f = facts(&[("expired", date(2024, 6, 30))], &[], None);
    assert_eq!(destroy_on("rental-agreement", &f), Some(date(2030, 6, 30)));
    // "Leases | 12 years after lease has expired"
    assert_eq!(destroy_on("lease", &f), Some(date(2036, 6, 30)));
    // "Health & Safety Records | 12 years"
    let f = facts(&[("created", date(2024, 4, 5))], &[], None);
    assert_eq!(destroy_on("health-and-safety-record", &f), Some(date(2036, 4, 5)));
}

#[test]
fn permanent_records() {
    // "Insurance policies | Permanently", "Certificate of Incorporation | Permanently", "Minutes of Board of
    // Trustees | Permanently", "Memorandum of Association | Original to be kept permanently", "Articles of
    // Association | Original to be kept permanently", "Variations to the Governing Documents | Original to be kept
    // permanently", "Statutory Registers | Permanently", "Deeds of Title | Permanently"
    for id in [
        "insurance-policy",
        "certificate-of-incorporation",
        "board-minutes",
        "memorandum-of-association",
        "articles-of-association",
        "governing-document-variation",
        "statutory-register",
        "deed-of-title",
    ] {
        let o = charity().evaluate(id, &Facts::default()).unwrap();
        assert!(o.permanent, "{id}");
        assert_eq!(o.destroy_on, None, "{id}");
        assert!(o.missing.is_empty(), "{id}");
        assert!(o.explanation.starts_with("kept permanently under the rule for "), "{id}");
        // Even with consent and legal proceedings, permanent stays permanent.
        let f = facts(&[("proceedings_ended", date(2025, 1, 1))], &["legal_proceedings", "retention_consent"], None);
        assert!(charity().evaluate(id, &f).unwrap().permanent, "{id}");
    }
}

#[test]
fn every_listed_record_type_is_in_the_charity_template() {
    let s = charity();
    for id in [
        "staff-personnel-file",
        "trustee-file",
        "volunteer-file",
        "application-unsuccessful",
        "application-successful",
        "dbs-record",
        "right-to-work-evidence",
        "family-file",
        "family-record-safeguarding-other",
        "accident-record",
        "accident-book",
        "financial-record",
        "payroll-tax-record",
        "employers-liability-certificate",
        "membership-record",
        "rental-agreement",
        "lease",
        "health-and-safety-record",
        "insurance-policy",
        "certificate-of-incorporation",
        "board-minutes",
        "memorandum-of-association",
        "articles-of-association",
        "governing-document-variation",
        "statutory-register",
        "deed-of-title",
        "rights-request",
        "complaint",
        "breach-record",
        "disclosure-record",
        "dpia",
    ] {
        let rt = s.record_type(id).unwrap_or_else(|| panic!("missing {id}"));
        assert!(rt.source.is_some(), "{id} has no source");
    }
}

// ---------------------------------------------------------------- cross-cutting modifiers

#[test]
fn legal_proceedings_takes_the_later_date() {
    // "NB : where there is a third party legal involvement … this information must be kept on file, until
    // 7 years past legal proceedings"
    let f =
        facts(&[("left", date(2024, 3, 15)), ("proceedings_ended", date(2026, 9, 1))], &["legal_proceedings"], None);
    let o = charity().evaluate("staff-personnel-file", &f).unwrap();
    assert_eq!(o.destroy_on, Some(date(2033, 9, 1)));
    assert_eq!(o.modifiers, vec!["legal_proceedings".to_string()]);
    assert!(
        o.explanation.contains("the later of that and 7 years after the end of legal proceedings (1 Sep 2033)"),
        "{}",
        o.explanation
    );
    // When the rule's own date is later, it stands.
    let f = facts(
        &[("support_ended", date(2025, 3, 31)), ("proceedings_ended", date(2026, 9, 1))],
        &["legal_proceedings", "referred_to_childrens_services"],
        None,
    );
    assert_eq!(destroy_on("family-file", &f), Some(date(2100, 3, 31)));
    // Proceedings not yet ended: no date, and it says which fact is missing.
    let f = facts(&[("left", date(2024, 3, 15))], &["legal_proceedings"], None);
    let o = charity().evaluate("staff-personnel-file", &f).unwrap();
    assert_eq!((o.destroy_on, o.missing), (None, vec!["event proceedings_ended".to_string()]));
}

#[test]
fn retention_consent_adds_five_years() {
    // "NB – a service could retain data for a longer period (further five years) if the data subject (DS) gave
    // their consent to retain records."
    let f = facts(&[("support_ended", date(2025, 3, 31))], &["retention_consent"], None);
    let o = charity().evaluate("family-file", &f).unwrap();
    assert_eq!(o.destroy_on, Some(date(2031, 3, 31)));
    assert_eq!(
        o.explanation,
        "12 months after the end of support (31 Mar 2025) → 31 Mar 2026, plus 5 years because of retention consent → 31 Mar 2031"
    );
    // Both modifiers: consent first (2031), then legal proceedings (7 years after 1 Jan 2026 = 2033) wins.
    let f = facts(
        &[("support_ended", date(2025, 3, 31)), ("proceedings_ended", date(2026, 1, 1))],
        &["retention_consent", "legal_proceedings"],
        None,
    );
    assert_eq!(destroy_on("family-file", &f), Some(date(2033, 1, 1)));
}

#[test]
fn stewards_own_case_files_are_marked_for_review() {
    for name in ["family-support-charity", "generic"] {
        let s = Schedule::template(name).unwrap().unwrap();
        let o = s.evaluate("rights-request", &facts(&[("closed", date(2026, 1, 15))], &[], None)).unwrap();
        assert_eq!(o.destroy_on, Some(date(2032, 1, 15)));
        assert!(o.review_before_use);
    }
}

#[test]
fn generic_template_is_all_review_before_use() {
    let s = Schedule::template("generic").unwrap().unwrap();
    assert!(s.review_before_use);
    assert!(s.record_types.iter().all(|r| r.review_before_use));
    assert!(s.record_types.len() >= 10);
}

// ---------------------------------------------------------------- impossible facts

#[test]
fn impossible_facts_are_refused_precisely() {
    let s = charity();
    let f = facts(&[("started", date(2024, 5, 1)), ("left", date(2024, 3, 15))], &[], None);
    assert_eq!(
        s.evaluate("staff-personnel-file", &f).unwrap_err().to_string(),
        "event left (15 Mar 2024) is before event started (1 May 2024)"
    );
    let f = facts(&[("support_ended", date(2018, 1, 1))], &[], Some(date(2019, 5, 10)));
    assert_eq!(
        s.evaluate("family-file", &f).unwrap_err().to_string(),
        "event support_ended (1 Jan 2018) is before the subject's date of birth (10 May 2019)"
    );
    let f = facts(&[("leftt", date(2024, 3, 15))], &[], None);
    assert_eq!(s.evaluate("staff-personnel-file", &f).unwrap_err().to_string(), "unknown event 'leftt'");
    let f = facts(&[], &["consent"], None);
    assert_eq!(s.evaluate("staff-personnel-file", &f).unwrap_err().to_string(), "unknown flag 'consent'");
    assert_eq!(
        s.evaluate("staff-file", &Facts::default()).unwrap_err(),
        EvaluateError::UnknownRecordType("staff-file".into())
    );
}

// ---------------------------------------------------------------- the rule language

#[test]
fn rules_round_trip_through_display() {
    for text in [
        "permanent",
        "state_pension_age",
        "age 25",
        "at validated",
        "6 years after left",
        "1 day after created",
        "max(state_pension_age, 10 years after allegation)",
        "min(6 months after issued, at left)",
        "2 years after left + 5 years if reference_consent",
        "same_as(staff-personnel-file)",
    ] {
        assert_eq!(parse_rule(text).unwrap().to_string(), text);
    }
    assert_eq!(
        parse_rule("  max( 6 years after left ,at left )  ").unwrap().to_string(),
        "max(6 years after left, at left)"
    );
}

#[test]
fn rule_errors_name_the_problem() {
    let msg = |t: &str| parse_rule(t).unwrap_err().message;
    assert!(msg("6 years after leftt").starts_with("unknown event 'leftt'; known events: started, left"));
    assert_eq!(msg("6 weeks after left"), "unknown unit 'weeks'; expected days, months or years");
    assert!(msg("forever").starts_with("unknown operator 'forever'"));
    assert_eq!(msg("longest(at left, at started)"), "unknown operator 'longest(…)'; expected max, min or same_as");
    assert!(msg("left").contains("'left' is an event, not a rule"));
    assert_eq!(msg("max(at left)"), "max(…) needs at least two rules");
    assert!(msg("99999999999 years after left").contains("bad number"), "{}", msg("99999999999 years after left"));
    assert!(msg("500 years after left").starts_with("bad number: 500 years"));
    assert!(msg("age 0").starts_with("bad number"));
    assert!(msg("6 years left").contains("syntax error at character 9 near 'left'"), "{}", msg("6 years left"));
    assert!(msg("max(at left, at started").contains("(end of rule)"), "{}", msg("max(at left, at started"));
    assert!(msg("at left + 5 years if consent").starts_with("unknown flag 'consent'"));
    assert_eq!(
        msg("at left at started"),
        "syntax error at character 9 near 'at started': expected the end of the rule or `+ PERIOD if FLAG`"
    );
    assert!(msg("").contains("syntax error"));
}

// ---------------------------------------------------------------- schedule loading

#[test]
fn schedule_errors_name_the_record_type_and_field() {
    let text = r#"
version = 1
name = "Test"

[[applies_to_all]]
when = "legal_proceedings"
later_of = "7 years after proceedings_endd"

[[record_type]]
id = "a"
name = "A"
rule = "6 years after leftt"
exceptions = [ { when = "safeguarding", rule = "at left" }, { when = "dbs_issues", rule = "3 weeks after issued" } ]

[[record_type]]
id = "a"
name = "A again"
rule = "permanent"

[[record_type]]
id = "Bad Id"
name = "B"
rule = "permanent"
"#;
    let errs = Schedule::from_toml(text).unwrap_err().0;
    let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(lines[0].starts_with("applies_to_all[0].later_of: unknown event 'proceedings_endd'"), "{lines:?}");
    assert!(lines[1].starts_with("record type 'a', rule: unknown event 'leftt'"), "{lines:?}");
    assert!(lines[2].starts_with("record type 'a', exceptions[0].when: unknown flag 'safeguarding'"), "{lines:?}");
    assert_eq!(lines[3], "record type 'a', exceptions[1].rule: unknown unit 'weeks'; expected days, months or years");
    assert_eq!(lines[4], "record type 'a', id: the id is used by an earlier record type");
    assert!(lines[5].starts_with("record_type[2].id: 'Bad Id' is not a valid id"), "{lines:?}");
    assert_eq!(lines.len(), 6, "{lines:?}");
}

#[test]
fn schedule_version_and_unknown_fields() {
    let e = Schedule::from_toml("version = 2\nname = \"x\"\n").unwrap_err();
    assert_eq!(e.to_string(), "version: unsupported version 2; this Steward reads version 1");
    let e = Schedule::from_toml(
        "version = 1\nname = \"x\"\n[[record_type]]\nid = \"a\"\nname = \"A\"\nrule = \"permanent\"\nperiod = 3\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown field `period`"), "{e}");
    let e = Schedule::from_toml("version = 1\nname = \"x\"\n[[applies_to_all]]\nwhen = \"retention_consent\"\n")
        .unwrap_err();
    assert_eq!(e.to_string(), "applies_to_all[0]: give exactly one of `extend` (a period) or `later_of` (a rule)");
}

#[test]
fn same_as_references_and_cycles() {
    let ok = "version = 1\nname = \"x\"\n[[record_type]]\nid = \"a\"\nname = \"A\"\nrule = \"6 years after left\"\n[[record_type]]\nid = \"b\"\nname = \"B\"\nrule = \"same_as(a)\"\n";
    let s = Schedule::from_toml(ok).unwrap();
    let o = s.evaluate("b", &facts(&[("left", date(2024, 3, 15))], &[], None)).unwrap();
    assert_eq!(o.destroy_on, Some(date(2030, 3, 15)));
    let cycle = "version = 1\nname = \"x\"\n[[record_type]]\nid = \"a\"\nname = \"A\"\nrule = \"max(same_as(c), at left)\"\n[[record_type]]\nid = \"b\"\nname = \"B\"\nrule = \"same_as(a)\"\n[[record_type]]\nid = \"c\"\nname = \"C\"\nrule = \"same_as(b)\"\n";
    let e = Schedule::from_toml(cycle).unwrap_err();
    assert_eq!(e.to_string(), "record type 'a', rule: same_as forms a cycle: a → c → b → a");
    let unknown = "version = 1\nname = \"x\"\n[[record_type]]\nid = \"a\"\nname = \"A\"\nrule = \"same_as(zz)\"\n";
    assert_eq!(
        Schedule::from_toml(unknown).unwrap_err().to_string(),
        "record type 'a', rule: same_as names unknown record type 'zz'"
    );
}

#[test]
fn min_and_max_with_permanent_and_missing() {
    let none = |_: &str| None;
    let f = facts(&[("left", date(2024, 3, 15))], &[], None);
    let v = evaluate(&parse_rule("min(permanent, 2 years after left)").unwrap(), &f, &none);
    assert!(matches!(v, Value::Date { date: d, .. } if d == date(2026, 3, 15)));
    let v = evaluate(&parse_rule("max(permanent, 2 years after left)").unwrap(), &f, &none);
    assert!(matches!(v, Value::Permanent { .. }));
    let v = evaluate(&parse_rule("max(at started, age 25, 2 years after left)").unwrap(), &f, &none);
    assert_eq!(v, Value::Missing(vec!["event started".into(), "date_of_birth".into()]));
}

// ---------------------------------------------------------------- properties

fn any_date() -> impl Strategy<Value = Date> {
    (1950i16..2060, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| {
        let last = date(y, m, 1).last_of_month().day();
        date(y, m, d.min(last))
    })
}

fn any_period() -> impl Strategy<Value = Period> {
    (0u32..200, prop_oneof![Just(Unit::Days), Just(Unit::Months), Just(Unit::Years)])
        .prop_map(|(count, unit)| Period { count, unit })
}

proptest! {
    #[test]
    fn destroy_on_is_never_before_the_triggering_event(on in any_date(), p in any_period()) {
        let f = facts(&[("left", on)], &[], None);
        let rule = Rule::After(p, "left".into());
        match evaluate(&rule, &f, &|_| None) {
            Value::Date { date: d, .. } => prop_assert!(d >= on),
            other => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn max_is_at_least_each_side_and_min_at_most(a in any_date(), b in any_date(), pa in any_period(), pb in any_period()) {
        let f = facts(&[("left", a), ("issued", b)], &[], None);
        let sides = vec![Rule::After(pa, "left".into()), Rule::After(pb, "issued".into())];
        let one = |r: &Rule| match evaluate(r, &f, &|_| None) { Value::Date { date, .. } => date, other => panic!("{other:?}") };
        let (x, y) = (one(&sides[0]), one(&sides[1]));
        let hi = one(&Rule::Max(sides.clone()));
        let lo = one(&Rule::Min(sides));
        prop_assert!(hi >= x && hi >= y && (hi == x || hi == y));
        prop_assert!(lo <= x && lo <= y && (lo == x || lo == y));
    }

    #[test]
    fn schedule_dates_are_never_before_the_event_in_the_charity_template(on in any_date(), consent in any::<bool>()) {
        let s = charity();
        let flags: &[&str] = if consent { &["retention_consent"] } else { &[] };
        for rt in &s.record_types {
            let f = facts(&[("left", on), ("support_ended", on), ("decision", on), ("issued", on), ("validated", on), ("accident", on), ("last_entry", on), ("expired", on), ("created", on), ("closed", on), ("disclosed", on), ("superseded", on)], flags, None);
            let o = s.evaluate(&rt.id, &f).unwrap();
            if let Some(d) = o.destroy_on { prop_assert!(d >= on, "{}: {d} < {on}", rt.id); }
        }
    }

    #[test]
    fn parser_never_panics(text in "[a-z0-9_(), +-]{0,40}") {
        let _ = parse_rule(&text);
    }
}

#[test]
fn modifier_errors_name_the_field() {
    let text = r#"
version = 1
name = "x"
[[applies_to_all]]
when = "retention_consent"
extend = "5 fortnights"
[[applies_to_all]]
when = "legal_proceedings"
later_of = "same_as(a)"
[[applies_to_all]]
when = "retention_consent"
extend = "1 year"
[[applies_to_all]]
when = "hold"
extend = "1 year"
"#;
    let lines: Vec<String> = Schedule::from_toml(text).unwrap_err().0.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            "applies_to_all[0].extend: unknown unit 'fortnights'; expected days, months or years".to_string(),
            "applies_to_all[1].later_of: same_as(…) cannot be used in applies_to_all".to_string(),
            "applies_to_all[2].when: a modifier for 'retention_consent' is already given".to_string(),
            format!("applies_to_all[3].when: unknown flag 'hold'; known flags: {}", FLAGS.join(", ")),
        ]
    );
}

#[test]
fn facts_and_outcome_as_json() {
    // The shape the records API will accept and answer with.
    let f: Facts =
        serde_json::from_str(r#"{"events": {"left": "2024-03-15"}, "flags": ["reference_consent"]}"#).unwrap();
    let o = charity().evaluate("volunteer-file", &f).unwrap();
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(json["destroy_on"], "2029-03-15");
    assert_eq!(json["rule"], "5 years after left");
    assert_eq!(json["applied"]["kind"], "exception");
    assert_eq!(json["applied"]["when"], "reference_consent");
    assert_eq!(json["explanation"], "5 years after leaving (15 Mar 2024) → 15 Mar 2029");
    let o = charity().evaluate("deed-of-title", &Facts::default()).unwrap();
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(
        (json["destroy_on"].clone(), json["permanent"].clone()),
        (serde_json::Value::Null, serde_json::Value::Bool(true))
    );
}

#[test]
fn every_charity_rule_and_exception_quotes_its_source() {
    for rt in charity().record_types {
        assert!(rt.source.as_deref().is_some_and(|s| !s.is_empty()), "{}", rt.id);
        for ex in &rt.exceptions {
            assert!(ex.source.as_deref().is_some_and(|s| !s.is_empty()), "{} / {}", rt.id, ex.when);
        }
    }
}

#[test]
fn rules_read_as_plain_english_for_letters() {
    let name = |id: &str| if id == "tenancy-file" { "Tenancy files".to_string() } else { id.to_string() };
    let phrase = |t: &str| parse_rule(t).map(|r| r.phrase(&name)).unwrap_or_default();
    assert_eq!(phrase("6 years after left"), "6 years after leaving");
    assert_eq!(phrase("permanent"), "permanently");
    assert_eq!(phrase("age 25"), "until the person is 25");
    assert_eq!(phrase("same_as(tenancy-file)"), "as long as tenancy files");
    assert_eq!(
        phrase("max(6 years after left, age 25)"),
        "whichever is longer of 6 years after leaving or until the person is 25"
    );
}
