//! Redaction: labels, the subject never redacted, special-category cues only flagged,
//! HTML escaping of hostile text, and the log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use steward_scan::detect::Detector;
use steward_scan::profile::{SubjectMatcher, SubjectProfile};
use steward_scan::redact::{proposals, redacted_html, redacted_text, redaction_log};
use steward_scan::{Document, Entity, Location, Segment};

fn doc(texts: &[&str]) -> Document {
    Document {
        source: "mail.eml".into(),
        format: "eml".into(),
        bytes: 0,
        segments: texts
            .iter()
            .enumerate()
            .map(|(i, t)| Segment {
                text: (*t).into(),
                location: Location::Block { index: i as u64 + 1 },
                file_offset: None,
            })
            .collect(),
    }
}

fn subject() -> SubjectMatcher {
    let p = SubjectProfile {
        name: Some("Robert Smith".into()),
        emails: vec!["rob@example.org".into()],
        phones: vec!["07700 900123".into()],
        ..Default::default()
    };
    SubjectMatcher::new(&p).unwrap()
}

#[test]
fn third_parties_redacted_subject_kept() {
    let d = doc(&["Robert Smith (rob@example.org, 07700 900123) complained about Sarah Jenkins (sarah@example.com)."]);
    let det = Detector::new();
    let s = subject();
    let ps = proposals(&d, &det, Some(&s));
    let out = redacted_text(&d, &ps);
    assert_eq!(
        out,
        "Robert Smith (rob@example.org, 07700 900123) complained about [PERSON redacted — DPA 2018 Sch 2 Pt 3 para 16] \
         ([EMAIL_ADDRESS redacted — DPA 2018 Sch 2 Pt 3 para 16])."
    );
    // Without a subject, everyone is proposed.
    let all = proposals(&d, &det, None);
    assert!(all.len() > ps.len());
}

#[test]
fn rejected_left_in_and_special_category_only_flagged() {
    let d = doc(&["Sarah Jenkins has a diagnosis of depression.", "Call Tom Baker on 07700 900456."]);
    let det = Detector::new();
    let mut ps = proposals(&d, &det, Some(&subject()));
    let cue = ps.iter().find(|p| p.detection.entity == Entity::SpecialCategory).unwrap();
    assert_eq!(cue.accepted, None);
    assert!(cue.exemption.starts_with("review"));
    for p in ps.iter_mut() {
        if p.detection.text == "Tom Baker" {
            p.accepted = Some(false);
        }
    }
    let out = redacted_text(&d, &ps);
    assert!(out.contains("diagnosis of depression"), "{out}");
    assert!(out.contains("Call Tom Baker on [PHONE_NUMBER redacted"), "{out}");
    assert!(out.starts_with("[PERSON redacted"), "{out}");
    assert_eq!(out.lines().count(), 2);
    let log = redaction_log(&d, &ps);
    assert_eq!(log["source"], "mail.eml");
    assert_eq!(
        log["for_review"].as_u64().unwrap(),
        ps.iter().filter(|p| p.detection.entity == Entity::SpecialCategory).count() as u64
    );
    let first = &log["proposals"][0];
    assert_eq!(first["entity"], "PERSON");
    assert_eq!(first["exemption"], "DPA 2018 Sch 2 Pt 3 para 16");
    assert_eq!(first["location"]["kind"], "block");
    assert_eq!(first["applied"], true);
}

#[test]
fn html_is_escaped() {
    let d = doc(&["<script>alert('x')</script> & \"Sarah Jenkins\" <img src=x onerror=alert(1)>"]);
    let ps = proposals(&d, &Detector::new(), None);
    let html = redacted_html(&d, &ps);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;"), "{html}");
    assert!(html.contains("<mark class=\"redacted\""), "{html}");
    assert!(html.contains("[PERSON redacted — DPA 2018 Sch 2 Pt 3 para 16]</mark>"), "{html}");
    assert!(!html.contains("Sarah"), "{html}");
}

#[test]
fn hostile_detection_text_in_html_is_escaped() {
    // A name followed by markup: the mark's title and content are escaped too.
    let d = doc(&["Dear Mrs <b>Patel</b>, reply to \"x\"@evil.com' onmouseover='x"]);
    let ps = proposals(&d, &Detector::new(), None);
    let html = redacted_html(&d, &ps);
    assert!(!html.contains("<b>"), "{html}");
    assert!(!html.contains("' onmouseover"), "{html}");
}

#[test]
fn never_panics_and_html_never_has_raw_markup() {
    let pieces = [
        "<",
        ">",
        "&",
        "\"",
        "'",
        "Sarah Jenkins",
        "Robert Smith",
        " ",
        "07700 900123",
        "é\u{301}",
        "<script>",
        "diagnosis",
        "\n",
        "Mr",
    ];
    let det = Detector::new();
    let s = subject();
    let mut rng = fastrand::Rng::with_seed(5);
    for _ in 0..1000 {
        let texts: Vec<String> = (0..rng.usize(1..4))
            .map(|_| (0..rng.usize(0..20)).map(|_| pieces[rng.usize(0..pieces.len())]).collect())
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let d = doc(&refs);
        let ps = proposals(&d, &det, Some(&s));
        let _ = redacted_text(&d, &ps);
        let html = redacted_html(&d, &ps);
        let stripped = html.replace("<p class=\"segment\">", "").replace("</p>", "").replace("</mark>", "");
        let stripped = regex_free_strip_marks(&stripped);
        assert!(!stripped.contains('<') && !stripped.contains('>'), "{html}");
        let _ = redaction_log(&d, &ps);
    }
}

/// Removes `<mark …>` opening tags (whose attributes are escaped) so that any other `<` is a leak.
fn regex_free_strip_marks(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("<mark ") {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('>').unwrap();
        assert!(!rest[i..i + j].contains('<') || rest[i..i + j].matches('<').count() == 1);
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_subject_identifier_survives_redaction() {
    let p = SubjectProfile {
        name: Some("Robert Smith".into()),
        emails: vec!["rob@example.org".into()],
        phones: vec!["07700 900123".into()],
        dobs: vec!["12/03/1985".into()],
        ni: vec!["AB123456C".into()],
        nhs: vec!["9434765919".into()],
        postcodes: vec!["M1 1AE".into()],
        refs: vec!["TEN-00123".into()],
        ..Default::default()
    };
    let s = SubjectMatcher::new(&p).unwrap();
    let text = "Mr Robert Smith, born 12 March 1985, of 14 Acacia Avenue, Manchester M1 1AE (NI AB 12 34 56 C, \
                NHS 943 476 5919, tel +44 7700 900123, rob@example.org, tenancy TEN-00123). \
                His neighbour Sarah Jenkins (sarah@example.com, 07700 900456, NI JG103759A) complained.";
    let d = doc(&[text]);
    let ps = proposals(&d, &Detector::new(), Some(&s));
    let out = redacted_text(&d, &ps);
    for keep in [
        "Mr Robert Smith",
        "12 March 1985",
        "14 Acacia Avenue",
        "M1 1AE",
        "AB 12 34 56 C",
        "943 476 5919",
        "+44 7700 900123",
        "rob@example.org",
    ] {
        assert!(out.contains(keep), "{keep} redacted: {out}");
    }
    for gone in ["Sarah Jenkins", "sarah@example.com", "07700 900456", "JG103759A"] {
        assert!(!out.contains(gone), "{gone} kept: {out}");
    }
}

#[test]
fn detector_and_matcher_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Detector>();
    shared::<SubjectMatcher>();
}
