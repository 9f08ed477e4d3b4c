//! Worked examples of the lawful-basis rules, from the policies' activities.

use super::*;

fn purpose(basis: &str) -> PurposeInput {
    PurposeInput { purpose: "Managing tenancies".into(), lawful_basis: basis.into(), ..PurposeInput::default() }
}

fn special(category: &str, art9: &str, sch1: &str) -> SpecialInput {
    SpecialInput {
        category: category.into(),
        art9_condition: art9.into(),
        schedule1_condition: sch1.into(),
        policy_document: false,
    }
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn health_data_for_care_under_9_2_h_with_part1_para2_is_accepted() {
    let errors = check(&[purpose("contract")], &[special("health", "h", "part1_para2")]);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn health_data_under_9_2_h_without_a_schedule1_condition_is_refused_naming_schedule_1() {
    let errors = check(&[purpose("contract")], &[special("health", "h", "")]);
    assert_eq!(fields(&errors), ["special_category[0].schedule1_condition"]);
    assert!(errors[0].message.contains("Schedule 1") && errors[0].message.contains("9(2)(h)"), "{errors:?}");
}

#[test]
fn conditions_that_stand_alone_need_no_schedule1() {
    for letter in ["a", "c", "d", "e", "f"] {
        let errors =
            check(&[purpose("legal_obligation")], &[special("religious_or_philosophical_beliefs", letter, "")]);
        assert!(errors.is_empty(), "{letter}: {errors:?}");
    }
    for letter in ["b", "g", "h", "i", "j"] {
        let errors = check(&[purpose("legal_obligation")], &[special("health", letter, "")]);
        assert_eq!(fields(&errors), ["special_category[0].schedule1_condition"], "{letter}");
    }
}

#[test]
fn special_category_data_without_an_art9_condition_names_art_9() {
    let errors = check(&[purpose("legitimate_interests")], &[special("sexual_orientation", "", "")]);
    assert!(fields(&errors).contains(&"special_category[0].art9_condition"));
    let art9 = errors.iter().find(|e| e.field.ends_with("art9_condition")).unwrap();
    assert!(art9.message.contains("Art 9(2)"), "{art9:?}");
    let errors = check(&[purpose("contract")], &[special("health", "k", "")]);
    assert!(errors[0].message.contains("a to j"), "{errors:?}");
}

#[test]
fn part_2_conditions_and_the_employment_condition_need_a_policy_document() {
    // Safeguarding children and individuals at risk (Part 2 para 18), under 9(2)(g).
    let mut s = special("health", "g", "part2_para18");
    let errors = check(&[purpose("public_task")], std::slice::from_ref(&s));
    assert_eq!(fields(&errors), ["special_category[0].policy_document"]);
    assert!(errors[0].message.contains("para 5"), "{errors:?}");
    s.policy_document = true;
    assert!(check(&[purpose("public_task")], &[s]).is_empty());
    // Employment (Part 1 para 1) under 9(2)(b): an appropriate policy document too.
    let errors = check(&[purpose("legal_obligation")], &[special("trade_union_membership", "b", "part1_para1")]);
    assert!(errors[0].message.contains("para 1(1)(b)"), "{errors:?}");
    // Health or social care (Part 1 para 2) does not need one.
    assert!(check(&[purpose("contract")], &[special("health", "h", "part1_para2")]).is_empty());
}

#[test]
fn criminal_offence_data_needs_a_schedule1_condition_not_an_art9_one() {
    let errors = check(&[purpose("legitimate_interests")], &[special(CRIMINAL_OFFENCE, "", "")]);
    let e = errors.iter().find(|e| e.field == "special_category[0].schedule1_condition").unwrap();
    assert!(e.message.contains("Art 10") && e.message.contains("Schedule 1"), "{e:?}");
    let mut s = special(CRIMINAL_OFFENCE, "", "part2_para10");
    s.policy_document = true;
    let ok = PurposeInput { legitimate_interest: "Keeping neighbours safe".into(), ..purpose("legitimate_interests") };
    assert!(check(std::slice::from_ref(&ok), &[s]).is_empty());
    // A Part 3 condition covers criminal data only.
    assert!(check(std::slice::from_ref(&ok), &[special(CRIMINAL_OFFENCE, "", "part3_para29")]).is_empty());
    let errors = check(&[ok], &[special("health", "h", "part3_para29")]);
    assert!(errors[0].message.contains("Part 3"), "{errors:?}");
}

#[test]
fn consent_needs_its_purpose_and_legitimate_interests_their_interest() {
    let errors = check(&[purpose("consent"), purpose("legitimate_interests")], &[]);
    assert_eq!(fields(&errors), ["purposes[0].consent_purpose", "purposes[1].legitimate_interest"]);
    assert!(errors[0].message.contains("7(3)") && errors[1].message.contains("Art 6(1)(f)"));
    let fine = [
        PurposeInput { consent_purpose: "Newsletter".into(), ..purpose("consent") },
        PurposeInput { legitimate_interest: "Fraud prevention".into(), ..purpose("legitimate_interests") },
        purpose("recognised_legitimate_interest"),
    ];
    assert!(check(&fine, &[]).is_empty());
}

#[test]
fn bad_and_missing_bases_are_named_and_every_problem_is_listed() {
    // Not yet decided is recorded as it is; the compliance check reports it.
    assert!(check(&[], &[]).is_empty());
    assert!(check(&[purpose("")], &[]).is_empty());
    let errors = check(
        &[PurposeInput { lawful_basis: "Legitimate Interest".into(), ..PurposeInput::default() }, purpose("")],
        &[special("shoe_size", "a", ""), special("health", "h", "part9_para1")],
    );
    assert_eq!(
        fields(&errors),
        [
            "purposes[0].purpose",
            "purposes[0].lawful_basis",
            "special_category[0].category",
            "special_category[1].schedule1_condition",
        ]
    );
    assert!(!errors.iter().any(|e| e.message.contains("Legitimate Interest")), "values are never repeated");
}

#[test]
fn codes_read_back() {
    for b in LawfulBasis::ALL {
        assert_eq!(LawfulBasis::parse(b.as_str()), Some(b));
        assert!(b.label().contains("Art 6(1)"));
    }
    assert_eq!(Schedule1Condition::parse("part2_para18"), Some(Schedule1Condition { part: 2, para: 18 }));
    for bad in ["part1_para5", "part2_para5", "part2_para29", "part3_para38", "part4_para1", "para2", "part1_para"] {
        assert_eq!(Schedule1Condition::parse(bad), None, "{bad}");
    }
    assert_eq!(Art9Condition::parse("h").map(|c| c.letter()), Some('h'));
    assert_eq!(Art9Condition::parse("hh"), None);
}

#[test]
fn rights_follow_from_the_bases() {
    use LawfulBasis::*;
    use Right::*;
    assert_eq!(
        rights(&[Consent]),
        [BeInformed, Access, Rectification, Erasure, Restriction, Portability, WithdrawConsent]
    );
    assert_eq!(rights(&[Contract]), [BeInformed, Access, Rectification, Erasure, Restriction, Portability]);
    assert_eq!(rights(&[LegalObligation]), [BeInformed, Access, Rectification, Restriction]);
    assert_eq!(rights(&[PublicTask]), [BeInformed, Access, Rectification, Restriction, Object]);
    assert_eq!(rights(&[LegitimateInterests]), [BeInformed, Access, Rectification, Erasure, Restriction, Object]);
    assert_eq!(rights(&[VitalInterests]), [BeInformed, Access, Rectification, Erasure, Restriction]);
    // Several purposes: the rights of each.
    assert_eq!(
        rights(&[LegalObligation, LegitimateInterests]),
        [BeInformed, Access, Rectification, Erasure, Restriction, Object]
    );
}

#[test]
fn the_labelled_lists_name_every_code_the_parsers_accept() {
    assert_eq!(SCHEDULE1_CONDITIONS.len(), 4 + 23 + 9);
    for (code, _) in SCHEDULE1_CONDITIONS {
        assert!(Schedule1Condition::parse(code).is_some(), "{code}");
    }
    for (code, _) in ART9_CONDITIONS {
        assert!(Art9Condition::parse(code).is_some(), "{code}");
    }
    for (code, label) in BASES {
        assert_eq!(LawfulBasis::parse(code).map(LawfulBasis::label), Some(*label));
    }
}
