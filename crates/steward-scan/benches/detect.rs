//! Detector throughput on generated UK correspondence (emails and letters with names,
//! phones, addresses, postcodes, dates, NHS and NI numbers in ordinary prose), single
//! thread. `cargo bench -p steward-scan --bench detect [-- MB]` (default 64 MB).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Instant;
use steward_scan::detect::Detector;
use steward_scan::profile::{SubjectMatcher, SubjectProfile};
use steward_scan::redact::proposals;
use steward_scan::{Document, Location, Segment};

const FIRST: &[&str] =
    &["Sarah", "James", "Priya", "Tom", "Aoife", "Mohammed", "Emma", "David", "Olivia", "Callum", "Grace", "Will"];
const LAST: &[&str] =
    &["Jenkins", "Patel", "O'Brien", "Smith", "Brennan", "Khan", "Taylor", "Evans", "Wilson", "Macdonald"];
const STREETS: &[&str] = &["Acacia Avenue", "High Street", "Mill Lane", "Church Road", "Victoria Close", "Park Drive"];
const TOWNS: &[&str] = &["Manchester", "Leeds", "Bristol", "Cardiff", "Glasgow", "Norwich"];
const POSTCODES: &[&str] = &["M1 1AE", "LS1 4AP", "BS1 5TR", "CF10 1EP", "G2 3AB", "NR1 3QT"];
const PROSE: &[&str] = &[
    "Thank you for your letter about the repairs to the property, which we received last week.",
    "We have passed your complaint to the housing team and they will contact you within ten working days.",
    "The contractor attended on Tuesday but could not gain access, so a further appointment has been booked.",
    "Please let us know if the damp in the back bedroom has got worse since the last inspection.",
    "May I remind you that the rent account is in arrears and a payment plan is available.",
    "As discussed on the phone, the boiler was replaced in March and the warranty runs for five years.",
    "Our records show that the tenancy started in 2016 and the deposit is held in a protected scheme.",
    "If you are unhappy with our response you can ask for a review by the Housing Ombudsman.",
    "The meeting in London has been moved to Thursday afternoon at the Council offices.",
    "Will you confirm whether the neighbour noise has continued after the warning letter was sent?",
];

/// Best of three timed runs: (seconds, result of the last).
fn best_of_3(mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..3 {
        let t = Instant::now();
        n = f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, n)
}

fn pick<'a>(rng: &mut fastrand::Rng, v: &[&'a str]) -> &'a str {
    v[rng.usize(0..v.len())]
}

fn nhs(rng: &mut fastrand::Rng) -> String {
    loop {
        let d: Vec<u32> = (0..9).map(|_| rng.u32(0..10)).collect();
        let sum: u32 = d.iter().enumerate().map(|(i, x)| x * (10 - i as u32)).sum();
        let c = 11 - sum % 11;
        if c == 10 {
            continue;
        }
        let c = if c == 11 { 0 } else { c };
        let s: String = d.iter().chain(std::iter::once(&c)).map(|x| char::from(b'0' + *x as u8)).collect();
        return format!("{} {} {}", &s[..3], &s[3..6], &s[6..]);
    }
}

fn message(rng: &mut fastrand::Rng) -> String {
    let (f1, l1, f2, l2) = (pick(rng, FIRST), pick(rng, LAST), pick(rng, FIRST), pick(rng, LAST));
    let mut m = format!(
        "From: {f1} {l1} <{}.{}@example.org>\nTo: {f2} {l2} <{}@council.gov.uk>\nSubject: Repairs at {} {}\n\nDear {f2},\n\n",
        f1.to_lowercase(),
        l1.to_lowercase().replace('\'', ""),
        f2.to_lowercase(),
        rng.u32(1..200),
        pick(rng, STREETS)
    );
    for _ in 0..rng.usize(6..14) {
        m.push_str(pick(rng, PROSE));
        m.push(' ');
        match rng.u32(0..12) {
            0 => m.push_str(&format!("You can reach me on 07700 {:06}. ", rng.u32(0..1_000_000))),
            1 => m.push_str(&format!("My NHS number is {} if the surgery needs it. ", nhs(rng))),
            2 => m.push_str(&format!(
                "The address is {} {}, {} {}. ",
                rng.u32(1..200),
                pick(rng, STREETS),
                pick(rng, TOWNS),
                pick(rng, POSTCODES)
            )),
            3 => m.push_str(&format!(
                "Mrs {} was born on {} March 19{}. ",
                pick(rng, LAST),
                rng.u32(1..29),
                rng.u32(40..99)
            )),
            4 => m.push_str(&format!("Your order {} has been dispatched. ", rng.u64(1_000_000_000..9_999_999_999))),
            5 => m.push_str("Her diagnosis of depression was mentioned by the GP. "),
            _ => {}
        }
        if rng.u32(0..3) == 0 {
            m.push_str("\n\n");
        }
    }
    m.push_str(&format!("\n\nKind regards,\n{f1} {l1}\nHousing Officer\nTel: 0161 496 {:04}\n\n", rng.u32(0..10000)));
    m.push_str(&format!("> On {} May 2024, {f2} {l2} wrote:\n> {}\n", rng.u32(1..29), pick(rng, PROSE)));
    m
}

fn main() {
    let mb: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(64);
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut docs = Vec::new();
    let mut total = 0;
    while total < mb << 20 {
        let m = message(&mut rng);
        total += m.len();
        docs.push(m);
    }
    let mbs = total as f64 / 1e6;
    println!("corpus: {} messages, {:.1} MB", docs.len(), mbs);

    let t = Instant::now();
    let det = Detector::new();
    println!("Detector::new: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);

    let mut best = f64::MAX;
    let mut found = 0;
    for _ in 0..3 {
        let t = Instant::now();
        found = 0;
        for d in &docs {
            found += black_box(det.detect(d)).len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("detect (per message): {found} detections, {:.3} s, {:.1} MB/s", best, mbs / best);

    let mut kinds = std::collections::BTreeMap::new();
    for d in &docs {
        for x in det.detect(d) {
            *kinds.entry(steward_scan::detect::entity_label(x.entity)).or_insert(0usize) += 1;
        }
    }
    println!("by kind: {kinds:?}");
    let planted = |s: &str| docs.iter().map(|d| d.matches(s).count()).sum::<usize>();
    println!(
        "planted: NHS {}, born {}, addresses {}, order numbers (not NHS) {}",
        planted("NHS number is"),
        planted("was born"),
        planted("The address is") + docs.len(),
        planted("Your order")
    );

    let joined = docs.concat();
    let t = Instant::now();
    let n = black_box(det.detect(&joined)).len();
    let s = t.elapsed().as_secs_f64();
    println!("detect (one {mbs:.0} MB string): {n} detections, {s:.3} s, {:.1} MB/s", mbs / s);

    let p = SubjectProfile {
        name: Some("Sarah Jenkins".into()),
        emails: vec!["sarah.jenkins@example.org".into()],
        phones: vec!["07700 900123".into()],
        dobs: vec!["1985-03-12".into()],
        ni: vec!["AB123456C".into()],
        nhs: vec!["943 476 5919".into()],
        postcodes: vec!["M1 1AE".into()],
        refs: vec!["TEN-00123".into()],
        ..Default::default()
    };
    let subject = SubjectMatcher::new(&p).unwrap();
    let (s, n) = best_of_3(|| docs.iter().map(|d| black_box(subject.find(d)).len()).sum());
    println!("subject find (per message): {n} finds, {s:.3} s, {:.1} MB/s", mbs / s);

    let (s, n) = best_of_3(|| {
        let mut n = 0;
        for d in &docs {
            let finds = subject.find(d);
            n += det.detect(d).iter().filter(|x| !subject.owns_among(&finds, x)).count();
        }
        n
    });
    println!("detect + subject (third parties): {n}, {s:.3} s, {:.1} MB/s", mbs / s);

    let docs: Vec<Document> = docs
        .into_iter()
        .map(|text| Document {
            source: "bench".into(),
            format: "text".into(),
            bytes: text.len() as u64,
            segments: vec![Segment { text, location: Location::Text { line: 1 }, file_offset: Some(0) }],
        })
        .collect();
    let (s, n) = best_of_3(|| docs.iter().map(|d| black_box(proposals(d, &det, Some(&subject))).len()).sum());
    println!("redact::proposals (full pipeline, subject excluded): {n} proposals, {s:.3} s, {:.1} MB/s", mbs / s);
}
