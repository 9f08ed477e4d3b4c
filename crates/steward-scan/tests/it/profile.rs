//! Subject matching: every written form of the subject's names and identifiers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use steward_scan::Entity;
use steward_scan::detect::Detector;
use steward_scan::profile::{ProfileError, SubjectMatcher, SubjectProfile};

fn subject() -> SubjectMatcher {
    let p = SubjectProfile {
        name: Some("Robert José Smith".into()),
        aliases: vec!["Robert Jones".into()],
        emails: vec!["Rob.Smith@Example.org".into()],
        phones: vec!["+44 7700 900123".into(), "0161 496 0000".into()],
        dobs: vec!["1985-03-12".into()],
        ni: vec!["AB 12 34 56 C".into()],
        nhs: vec!["943 476 5919".into()],
        postcodes: vec!["M1 1AE".into()],
        refs: vec!["TEN-00123".into()],
    };
    SubjectMatcher::new(&p).unwrap()
}

fn finds(text: &str, e: Entity, want: &str) {
    let f = subject().find(text);
    assert!(f.iter().any(|d| d.entity == e && d.text == want), "{e:?} {want:?} not found in {text:?}: {f:#?}");
}

#[test]
fn names_in_every_form() {
    finds("Letter to Robert Smith today", Entity::Person, "Robert Smith");
    finds("Letter to ROBERT SMITH today", Entity::Person, "ROBERT SMITH");
    finds("Letter to Robert José Smith", Entity::Person, "Robert José Smith");
    finds("Letter to Robert Jose Smith", Entity::Person, "Robert Jose Smith");
    finds("Letter to robert josé smith", Entity::Person, "robert josé smith");
    finds("Hi Bob Smith,", Entity::Person, "Bob Smith");
    finds("Cc: Bobby Smith", Entity::Person, "Bobby Smith");
    finds("signed R. Smith", Entity::Person, "R. Smith");
    finds("signed R Smith", Entity::Person, "R Smith");
    finds("Smith, Robert (tenant)", Entity::Person, "Smith, Robert");
    finds("Dear Mr Smith", Entity::Person, "Mr Smith");
    finds("née Robert Jones", Entity::Person, "Robert Jones");
    finds("Hi Bob, thanks", Entity::Person, "Bob");
}

#[test]
fn identifiers_in_every_form() {
    finds("mail ROB.SMITH@EXAMPLE.ORG now", Entity::EmailAddress, "ROB.SMITH@EXAMPLE.ORG");
    for p in
        ["07700 900123", "07700900123", "+44 7700 900123", "+44 (0)7700 900123", "0044 7700 900123", "07700-900-123"]
    {
        finds(&format!("ring {p} today"), Entity::PhoneNumber, p);
    }
    for p in ["0161 496 0000", "(0161) 496 0000", "0161-496-0000", "+44 161 496 0000"] {
        finds(&format!("ring {p} today"), Entity::PhoneNumber, p);
    }
    for d in ["12/03/1985", "12 March 1985", "12th Mar 1985", "1985-03-12", "March 12, 1985", "12.03.85"] {
        finds(&format!("dob {d}."), Entity::DateOfBirth, d);
    }
    for n in
        ["AB123456C", "ab 12 34 56 c", "AB 123456 C", "ab12 3456c", "Ab 12 34 56 C", "AB-12-34-56-C", "AB.12.34.56.C"]
    {
        finds(&format!("NI {n}."), Entity::UkNino, n);
    }
    // The detector's reading of the same number in any of those forms is the subject's.
    let s = subject();
    for t in ["NI ab12 3456c here", "NI AB-12-34-56-C here", "NI ab.12.34.56.c here"] {
        let d = Detector::new().detect(t);
        let ni = d.iter().find(|d| d.entity == Entity::UkNino).expect(t);
        assert!(s.owns(t, ni), "{t}: {ni:#?}");
    }
    for n in ["9434765919", "943 476 5919", "943-476-5919"] {
        finds(&format!("NHS {n}."), Entity::UkNhs, n);
    }
    for p in ["M1 1AE", "m11ae", "M1  1AE"] {
        finds(&format!("Manchester {p}."), Entity::UkPostcode, p);
    }
    finds("tenancy ref TEN 00123", Entity::Reference, "TEN 00123");
    finds("tenancy ref ten-00123", Entity::Reference, "ten-00123");
}

#[test]
fn others_are_not_the_subject() {
    let s = subject();
    for t in ["Jane Smith called", "ring 07700 900124", "NI AB123456D", "dob 13/03/1985", "ref TEN-001234"] {
        let f: Vec<_> = s.find(t).into_iter().filter(|d| d.confidence >= 0.75).collect();
        assert!(f.is_empty(), "{t}: {f:#?}");
    }
}

#[test]
fn owns_decides_between_subject_and_others() {
    let s = subject();
    let det = Detector::new();
    let text = "Robert Smith (07700 900123) met Sarah Jenkins (07700 900456) at 14 Acacia Avenue, Manchester M1 1AE.";
    let d = det.detect(text);
    let mine: Vec<&str> = d.iter().filter(|x| s.owns(text, x)).map(|x| x.text.as_str()).collect();
    let theirs: Vec<&str> = d.iter().filter(|x| !s.owns(text, x)).map(|x| x.text.as_str()).collect();
    assert_eq!(mine, ["Robert Smith", "07700 900123", "14 Acacia Avenue", "M1 1AE"], "{d:#?}");
    assert_eq!(theirs, ["Sarah Jenkins", "07700 900456"]);
}

#[test]
fn ordinary_words_are_not_a_given_name() {
    let p = SubjectProfile { name: Some("William Brown".into()), ..Default::default() };
    let s = SubjectMatcher::new(&p).unwrap();
    assert!(s.find("I will pay the bill on Monday").is_empty());
    let f = s.find("Will said that Bill Brown and w. brown agreed");
    let texts: Vec<&str> = f.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["Will", "Bill Brown"], "{f:#?}");
}

#[test]
fn bad_profiles() {
    assert!(matches!(SubjectMatcher::new(&SubjectProfile::default()), Err(ProfileError::Empty)));
    let p = SubjectProfile { dobs: vec!["31/02/1985".into()], ..Default::default() };
    assert!(matches!(SubjectMatcher::new(&p), Err(ProfileError::BadDate(_))));
    let p: SubjectProfile = serde_json::from_str(r#"{"name":"Ann Lee","emails":["ann@example.com"]}"#).unwrap();
    assert!(SubjectMatcher::new(&p).is_ok());
}

#[test]
fn never_panics_on_random_input() {
    let s = subject();
    let mut rng = fastrand::Rng::with_seed(11);
    let alphabet: Vec<char> = "Rob Smith 07700 900123 é\u{301}ß İ ﬁ 😀,.()+-".chars().collect();
    for _ in 0..2000 {
        let n = rng.usize(0..120);
        let t: String = (0..n).map(|_| alphabet[rng.usize(0..alphabet.len())]).collect();
        for d in s.find(&t) {
            assert_eq!(&t[d.start..d.end], d.text);
        }
    }
}
