//! Regressions for the extractors' contract on hostile input (never panic), from the
//! fuzzing work (see docs/fuzzing.md): each input once made an extractor panic or
//! break an invariant of its output; now it is extracted as it should be.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use steward_scan::extract::extract;
use steward_scan::walk::Limits;
use steward_scan::{Item, Location};
use zip::write::SimpleFileOptions;

fn run(name: &str, bytes: &[u8]) -> Vec<Item> {
    let mut items = Vec::new();
    extract(name, name, bytes, &Limits::default(), 0, &mut |item| items.push(item));
    items
}

fn zipped(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        writer.start_file(*name, SimpleFileOptions::default()).unwrap();
        writer.write_all(data.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn cells(items: &[Item]) -> Vec<(u64, u64, String)> {
    let Some(Item::Document(doc)) = items.first() else { panic!("no document: {items:?}") };
    doc.segments
        .iter()
        .map(|s| match &s.location {
            Location::Cell { row, col, .. } => (*row, *col, s.text.clone()),
            other => panic!("not a cell: {other:?}"),
        })
        .collect()
}

/// An XLSX row numbered `u64::MAX` followed by a row without a number, and a cell
/// without a reference after a cell in the last column: the next row and column
/// overflowed (a panic in builds with overflow checks).
#[test]
fn xlsx_row_and_column_numbers_at_the_maximum_do_not_overflow() {
    let sheet = r#"<worksheet><sheetData><row r="18446744073709551615"><c><v>a</v></c></row><row><c><v>b</v></c></row><row r="3"><c r="GKGWBYLWRXTLPO3"><v>c</v></c><c><v>d</v></c></row></sheetData></worksheet>"#;
    let xlsx = zipped(&[
        ("xl/workbook.xml", r#"<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>"#),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ]);
    let cells = cells(&run("big.xlsx", &xlsx));
    assert_eq!(cells.len(), 4, "{cells:?}");
    assert_eq!(cells[1], (u64::MAX, 1, "b".to_owned()));
    assert_eq!(cells[3], (3, u64::MAX, "d".to_owned()));
}

/// An ODS row and cell repeated `u64::MAX` times, followed by more rows and cells:
/// the row and column counts overflowed (a panic in builds with overflow checks).
#[test]
fn ods_repeats_at_the_maximum_do_not_overflow() {
    let content = r#"<office:document-content><table:table table:name="S"><table:table-row table:number-rows-repeated="18446744073709551615"><table:table-cell table:number-columns-repeated="18446744073709551615"><text:p>a</text:p></table:table-cell><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>c</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>d</text:p></table:table-cell></table:table-row></table:table></office:document-content>"#;
    let ods = zipped(&[("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content)]);
    let cells = cells(&run("big.ods", &ods));
    assert_eq!(cells.iter().map(|c| c.2.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    assert_eq!(cells[1].1, u64::MAX);
    assert_eq!(cells[3].0, u64::MAX);
}

/// Found by the `zip` target: an entry name with a run of spaces longer than a segment
/// gave a blank segment; now text split into segments never gives a blank one (shown
/// here with a CSV cell, split the same way).
#[test]
fn long_runs_of_whitespace_give_no_blank_segment() {
    let limits = Limits { max_segment_bytes: 16, ..Limits::default() };
    let cell = format!("a{}b", " ".repeat(40));
    let csv = format!("{cell},x\n");
    let mut items = Vec::new();
    extract("s.csv", "s.csv", csv.as_bytes(), &limits, 0, &mut |item| items.push(item));
    let Some(Item::Document(doc)) = items.first() else { panic!("no document: {items:?}") };
    assert!(doc.segments.iter().all(|s| !s.text.trim().is_empty()), "{:?}", doc.segments);
    let texts: Vec<&str> = doc.segments.iter().map(|s| s.text.trim()).collect();
    assert_eq!(texts, ["a", "b", "x"]);
}

/// The `zip` target's input, minimised by hand: a ZIP whose one entry's name has a run
/// of spaces longer than the segment limit the target used.
#[test]
fn zip_entry_name_with_long_whitespace_gives_no_blank_segment() {
    let name = format!("dir/{}x.txt", " ".repeat(64));
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer.start_file(name.as_str(), SimpleFileOptions::default()).unwrap();
    writer.write_all(b"hello").unwrap();
    let bytes = writer.finish().unwrap().into_inner();
    let limits = Limits { max_segment_bytes: 16, ..Limits::default() };
    let mut items = Vec::new();
    extract("a.zip", "a.zip", &bytes, &limits, 0, &mut |item| items.push(item));
    for item in &items {
        if let Item::Document(doc) = item {
            assert!(doc.segments.iter().all(|s| !s.text.trim().is_empty()), "{:?}", doc.segments);
        }
    }
}

/// Found by the `mbox` and `eml` targets: a multipart message whose nested boundaries are
/// broken makes `mail-parser` 0.11 panic ("Invalid part ID, could not find multipart").
/// The message is reported as unreadable and the rest of the mailbox is still read. The
/// input is the fuzzer's mutation of a generic multipart test message (example.com
/// addresses only).
#[test]
fn a_message_that_makes_the_mail_parser_panic_is_unreadable_not_fatal() {
    let bytes = include_bytes!("../data/mail-parser-panic.mbox");
    for name in ["broken.mbox", "broken.eml"] {
        let items = run(name, bytes);
        assert!(!items.is_empty(), "{name}: something is reported");
    }
    let items = run("broken.eml", bytes);
    assert!(
        items
            .iter()
            .any(|i| matches!(i, Item::Skipped { skip, .. } if skip.to_string().contains("malformed mail message"))),
        "{items:?}"
    );
    // A good message after the broken one in a mailbox is still read.
    let mut mailbox = bytes.to_vec();
    mailbox.extend_from_slice(
        b"\nFrom someone@example.org Mon Jan  1 00:00:00 2024\nFrom: a@example.org\nSubject: fine\n\nStill read.\n",
    );
    let items = run("mixed.mbox", &mailbox);
    assert!(
        items
            .iter()
            .any(|i| matches!(i, Item::Document(d) if d.segments.iter().any(|s| s.text.contains("Still read")))),
        "{items:?}"
    );
}
