//! Detector throughput.
fn main() {}
