//! A tool, not a check: prints every detection in a file, for looking at false positives.
//! `SCAN_FILE=path cargo nextest run -p steward-scan --run-ignored only scan_file --no-capture`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
#[ignore]
fn scan_file() {
    let t = std::fs::read_to_string(std::env::var("SCAN_FILE").unwrap_or_default()).unwrap_or_default();
    let d = steward_scan::detect::Detector::new();
    for x in d.detect(&t) {
        println!("{:?}\t{:?}\t{}\t{}", x.entity, x.text, x.confidence, x.why);
    }
}
