//! Prints detections on a sample (run with --nocapture to eyeball).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[test]
#[ignore]
fn eyeball() {
    let t = std::fs::read_to_string("/tmp/sdx/sample.txt").unwrap();
    let d = steward_scan::detect::Detector::new();
    for x in d.detect(&t) {
        println!("{:?} {:?} {} {}", x.entity, x.text, x.confidence, x.why);
    }
}
