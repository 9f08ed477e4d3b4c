//! Tests of subjects: validation and normalisation, special-category headings, patches
//! and what debug output never shows.

use super::*;
use jiff::civil::date;

#[test]
fn special_category_takes_exactly_the_art_9_and_art_10_headings() {
    let json = r#"{"given_name":"Ada","special_category":{"health":"  Type 1 diabetes ","criminal_offence":"","religious_or_philosophical_beliefs":"Quaker"}}"#;
    let s: NewSubject = serde_json::from_str(json).expect("parses");
    let v = s.validate(date(2026, 12, 7)).expect("valid");
    let sc = v.personal.special_category.expect("kept");
    assert_eq!(sc.health.as_deref(), Some("Type 1 diabetes"), "trimmed");
    assert_eq!(sc.criminal_offence, None, "blank is none");
    assert_eq!(sc.religious_or_philosophical_beliefs.as_deref(), Some("Quaker"));
    // Every heading is a key; nothing else is.
    let keys: Vec<&str> = SpecialCategory::HEADINGS.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys.len(), 10);
    for k in &keys {
        let one = format!(r#"{{"{k}":"x"}}"#);
        let parsed: SpecialCategory = serde_json::from_str(&one).expect(k);
        assert_eq!(parsed.entries().iter().filter(|(_, _, t)| !t.is_empty()).count(), 1, "{k}");
        let mut set = SpecialCategory::default();
        assert!(set.set(k, Some("x".into())));
        assert_eq!(set, parsed);
    }
    assert!(serde_json::from_str::<SpecialCategory>(r#"{"disability":"x"}"#).is_err(), "unknown key refused");
    assert!(!SpecialCategory::default().set("disability", None));
    // All blank is no special-category data at all.
    let blank: NewSubject = serde_json::from_str(r#"{"given_name":"Ada","special_category":{"health":" "}}"#).unwrap();
    assert!(blank.validate(date(2026, 12, 7)).unwrap().personal.special_category.is_none());
    // Too long is refused, naming the heading and not the text.
    let long = NewSubject {
        given_name: "Ada".into(),
        special_category: Some(SpecialCategory { health: Some("a".repeat(5_001)), ..Default::default() }),
        ..Default::default()
    };
    let e = long.validate(date(2026, 12, 7)).unwrap_err().to_string();
    assert!(e.contains("special_category.health") && !e.contains("aaaa"), "{e}");
    assert!(!format!("{sc:?}").contains("diabetes"), "Debug is redacted");
}

#[test]
fn a_patch_replaces_or_clears_special_category_data() {
    let current = PersonalData {
        given_name: "Ada".into(),
        special_category: Some(SpecialCategory { health: Some("Asthma".into()), ..Default::default() }),
        ..Default::default()
    };
    let untouched: SubjectPatch = serde_json::from_str(r#"{"given_name":"Ada"}"#).unwrap();
    assert_eq!(untouched.apply(&current, &[]).special_category, current.special_category);
    let cleared: SubjectPatch = serde_json::from_str(r#"{"special_category":null}"#).unwrap();
    assert_eq!(cleared.changed_fields(), ["special_category"]);
    assert_eq!(cleared.apply(&current, &[]).special_category, None);
}

fn jane() -> NewSubject {
    serde_json::from_str(
        r#"{"given_name": "Jane", "family_name": "Smith", "other_names": ["Janey Smith"],
        "date_of_birth": "1980-01-31", "emails": ["jane@example.org"], "phones": ["07700 900123"],
        "addresses": [{"lines": ["1 High Street", "Ipswich"], "postcode": "IP1 1AA"}],
        "identifiers": {"ni_number": "AB123456C", "nhs_number": "943 476 5919"}, "categories": ["tenant"]}"#,
    )
    .expect("example parses")
}

#[test]
fn the_documented_example_validates_and_normalises() {
    let v = jane().validate(date(2026, 11, 23)).expect("valid");
    assert_eq!(v.personal.phones, vec!["+447700900123"]);
    assert_eq!(v.personal.identifiers.nhs_number.as_deref(), Some("9434765919"));
    assert_eq!(v.categories, vec![Category::Tenant]);
    let terms = index_terms(&v.personal);
    assert!(terms.contains(&(IndexKind::SurnameDob, "smith|1980-01-31".into())));
    assert!(terms.contains(&(IndexKind::FullName, "jane smith".into())));
    assert!(terms.contains(&(IndexKind::NamePrefix, "jan".into())));
    assert!(terms.contains(&(IndexKind::FullName, "janey smith".into())));
}

#[test]
fn bad_values_name_their_field_without_echoing_them() {
    let mut s = jane();
    s.identifiers.nhs_number = Some("943 476 5918".into());
    let Err(CoreError::Invalid(e)) = s.validate(date(2026, 11, 23)) else { panic!("must fail") };
    assert_eq!(e.field, "identifiers.nhs_number");
    assert!(!e.message.contains("943"));

    let mut s = jane();
    s.date_of_birth = Some(date(2030, 1, 1));
    assert!(matches!(s.validate(date(2026, 11, 23)), Err(CoreError::Invalid(e)) if e.field == "date_of_birth"));

    let mut s = jane();
    s.emails.push("not-an-email".into());
    assert!(matches!(s.validate(date(2026, 11, 23)), Err(CoreError::Invalid(e)) if e.field == "emails[1]"));

    let s = NewSubject::default();
    assert!(s.validate(date(2026, 11, 23)).is_err());
}

#[test]
fn unknown_fields_are_refused() {
    let r: Result<NewSubject, _> = serde_json::from_str(r#"{"family_name": "Smith", "surname": "x"}"#);
    assert!(r.is_err());
}

#[test]
fn patch_null_clears_and_absent_keeps() {
    let v = jane().validate(date(2026, 11, 23)).expect("valid");
    let p: SubjectPatch = serde_json::from_str(r#"{"date_of_birth": null, "given_name": "Janet"}"#).expect("patch");
    assert_eq!(p.changed_fields(), vec!["given_name", "date_of_birth"]);
    let n = p.apply(&v.personal, &v.categories);
    assert_eq!(n.date_of_birth, None);
    assert_eq!(n.given_name, "Janet");
    assert_eq!(n.emails, vec!["jane@example.org"]);
}

#[test]
fn debug_never_shows_personal_data() {
    let v = jane().validate(date(2026, 11, 23)).expect("valid");
    let s = format!("{v:?} {:?}", jane());
    assert!(!s.contains("Jane") && !s.contains("Smith"));
}

#[test]
fn register_words_name_categories_in_singular_or_plural() {
    assert!(Category::Tenant.named_by("Tenants"));
    assert!(Category::Tenant.named_by(" tenant "));
    assert!(Category::FormerTenant.named_by("Former tenants"));
    assert!(Category::FormerTenant.named_by("former_tenant"));
    assert!(Category::Child.named_by("Children"));
    assert!(Category::FamilyMember.named_by("family-members"));
    assert!(Category::ServiceUser.named_by("Service users"));
    assert!(Category::Employee.named_by("Staff"));
    assert!(Category::Employee.named_by("employees"));
    assert!(Category::Trustee.named_by("Trustees"));
    assert!(!Category::Tenant.named_by("Former tenants"));
    assert!(!Category::Tenant.named_by("Applicants"));
    assert!(!Category::Other.named_by(""));
}
