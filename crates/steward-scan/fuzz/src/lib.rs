//! Shared checks for the fuzz targets: run an extractor and assert cheap invariants on
//! every item it reports.

use steward_scan::extract::fuzz_extract_as;
use steward_scan::walk::Limits;
use steward_scan::{Item, Location};

/// libFuzzer's panic hook aborts on every panic, even one caught by `catch_unwind`.
/// The PDF and mail extractors catch panics of `lopdf` and `mail-parser` on purpose (and
/// report the file as unreadable), so panics located in those crates' sources are let
/// through to be caught there; every other panic still aborts and is a finding.
fn let_lopdf_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let aborting = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.location().is_some_and(|l| l.file().contains("/lopdf-") || l.file().contains("/mail-parser-")) {
                return;
            }
            aborting(info);
        }));
    });
}

/// Limits for fuzzing: the defaults, but with a segment size taken from the input's
/// length (so that splitting is exercised) and smaller size budgets (so that runs stay
/// fast and memory stays well under libFuzzer's limit).
pub fn limits(len: usize) -> Limits {
    Limits {
        max_file_bytes: 16 << 20,
        max_expanded_bytes: 64 << 20,
        max_segment_bytes: 16 + len % 1024,
        ..Limits::default()
    }
}

/// Extracts `bytes` as `format` and checks every item.
pub fn run(format: &str, bytes: &[u8]) {
    let_lopdf_panics_unwind();
    let limits = limits(bytes.len());
    let mut items = Vec::new();
    fuzz_extract_as(format, bytes, &limits, &mut |item| items.push(item));
    check(&items, bytes, &limits);
}

/// Extracts `bytes` through the public entry point (content and name sniffing) and
/// checks every item.
pub fn run_named(name: &str, bytes: &[u8]) {
    let_lopdf_panics_unwind();
    let limits = limits(bytes.len());
    let mut items = Vec::new();
    steward_scan::extract::extract(name, name, bytes, &limits, 0, &mut |item| items.push(item));
    check(&items, bytes, &limits);
}

/// The invariants: at least one item; no blank segment; segments no longer than the
/// limit (three times it for lossily decoded text, where each invalid byte becomes
/// U+FFFD); 1-based blocks and pages; and for the top-level plain-text document, file
/// offsets in order and within the file, each pointing at its text (when the text was
/// not altered by decoding) and at its line.
pub fn check(items: &[Item], bytes: &[u8], limits: &Limits) {
    assert!(!items.is_empty(), "no item reported");
    let max = limits.max_segment_bytes.max(4);
    for item in items {
        let Item::Document(doc) = item else { continue };
        let top_text = doc.format == "text" && !doc.source.contains('!');
        let (mut last, mut line_at, mut lines) = (0usize, 0usize, 1u64);
        for segment in &doc.segments {
            assert!(!segment.text.trim().is_empty(), "blank segment in {}", doc.source);
            let bound = if doc.format == "text" { 3 * max } else { max };
            assert!(segment.text.len() <= bound, "segment of {} bytes over {bound}", segment.text.len());
            match &segment.location {
                Location::Block { index } => assert!(*index >= 1),
                Location::Page { page } => assert!(*page >= 1),
                Location::Text { line } => assert!(*line >= 1),
                Location::Cell { .. } | Location::Message { .. } => {}
            }
            if !top_text {
                continue;
            }
            let Some(offset) = segment.file_offset else { continue };
            let offset = usize::try_from(offset).expect("offset fits usize");
            assert!(offset >= last && offset < bytes.len(), "offset {offset} out of order or range");
            last = offset;
            if !segment.text.contains('\u{FFFD}') {
                assert!(
                    bytes[offset..].starts_with(segment.text.as_bytes()),
                    "offset {offset} does not point at its text"
                );
            }
            lines += bytes[line_at..offset].iter().filter(|&&b| b == b'\n').count() as u64;
            line_at = offset;
            assert_eq!(segment.location, Location::Text { line: lines }, "wrong line at offset {offset}");
        }
    }
}
