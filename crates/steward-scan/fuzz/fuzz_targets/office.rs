//! Office documents (DOCX, XLSX, PPTX, ODT, ODS, ODP): the fuzzed bytes are the XML
//! parts of a document, wrapped here in a valid ZIP so that every input reaches the XML
//! reading. The first byte chooses the kind; the rest is split at 0xFF bytes (never in
//! UTF-8) into the kind's parts, in the order of `PARTS`.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;

/// Per kind: the `mimetype` entry (OpenDocument only) and the names of the parts.
const PARTS: &[(Option<&str>, &[&str])] = &[
    (None, &["word/document.xml", "word/header1.xml", "word/footnotes.xml", "word/comments.xml"]),
    (
        None,
        &[
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/sharedStrings.xml",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
        ],
    ),
    (None, &["ppt/presentation.xml", "ppt/slides/slide1.xml", "ppt/slides/slide2.xml"]),
    (Some("application/vnd.oasis.opendocument.text"), &["content.xml"]),
    (Some("application/vnd.oasis.opendocument.spreadsheet"), &["content.xml"]),
    (Some("application/vnd.oasis.opendocument.presentation"), &["content.xml"]),
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let (mimetype, names) = PARTS[usize::from(first) % PARTS.len()];
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    if let Some(mimetype) = mimetype {
        writer.start_file("mimetype", options).expect("zip entry");
        writer.write_all(mimetype.as_bytes()).expect("zip write");
    }
    let mut chunks = rest.split(|&b| b == 0xFF);
    for name in names {
        writer.start_file(*name, options).expect("zip entry");
        writer.write_all(chunks.next().unwrap_or_default()).expect("zip write");
    }
    let bytes = writer.finish().expect("zip finish").into_inner();
    steward_scan_fuzz::run("zip", &bytes);
});
