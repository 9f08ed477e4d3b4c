//! Extraction: recognises an input's format (by its content first, its name second) and
//! turns it into [`Document`]s of located text, recursing into archives, messages and
//! attachments within [`Limits`].

mod archive;
mod entries;
mod mail;
mod markup;
mod office;
mod pdf;

use std::borrow::Cow;

use crate::limits::Limits;
use crate::{Document, Item, Location, Segment, Skip};

/// Extracts the text of one input (`bytes`, named `name`, reported as `source`) and
/// passes one [`Item`] per document to `sink`: one for a plain file, one per message of
/// a mailbox, and one per attachment or archive entry (with source `outer!inner`).
///
/// `depth` is how deeply the input is nested in archives and attachments (0 for a file
/// on disk). Never panics: anything unreadable, encrypted, unsupported or over a limit
/// is reported as [`Item::Skipped`].
pub fn extract(source: &str, name: &str, bytes: &[u8], limits: &Limits, depth: u32, sink: &mut dyn FnMut(Item)) {
    let mut budget = limits.max_expanded_bytes;
    let mut cx = Cx { limits, budget: &mut budget, spent: false, sink };
    cx.extract(source, name, bytes, depth);
}

/// Extracts `bytes` as the named format (`text`, `html`, `eml`, `mbox`, `csv`, `tsv`,
/// `json`, `pdf` or `zip`, which includes the Office formats), without recognising it
/// by content or name first; an unknown name is reported as [`Skip::Unsupported`].
///
/// For fuzzing only (the targets in `crates/steward-scan/fuzz`), so that each extractor
/// can be reached by input the content sniffer would route elsewhere; not part of the
/// supported interface. The limits on size and depth apply as in [`extract`].
#[doc(hidden)]
pub fn fuzz_extract_as(format: &str, bytes: &[u8], limits: &Limits, sink: &mut dyn FnMut(Item)) {
    let format = match format {
        "text" => Format::Text,
        "html" => Format::Html,
        "eml" => Format::Eml,
        "mbox" => Format::Mbox,
        "csv" => Format::Csv,
        "tsv" => Format::Tsv,
        "json" => Format::Json,
        "pdf" => Format::Pdf,
        "zip" => Format::Zip,
        other => return sink(Item::Skipped { source: "fuzz".into(), skip: Skip::Unsupported(other.into()) }),
    };
    let mut budget = limits.max_expanded_bytes;
    let mut cx = Cx { limits, budget: &mut budget, spent: false, sink };
    if bytes.len() as u64 > limits.max_file_bytes {
        return cx.skip("fuzz", Skip::TooLarge(format!("{} bytes", bytes.len())));
    }
    cx.extract_format("fuzz", bytes, 0, format);
}

/// The state shared by one top-level extraction: the limits, what is left of the
/// expansion budget and where items go.
pub(crate) struct Cx<'a> {
    pub(crate) limits: &'a Limits,
    pub(crate) budget: &'a mut u64,
    /// Set once something was refused for want of budget: the rest of an archive is not
    /// read.
    pub(crate) spent: bool,
    pub(crate) sink: &'a mut dyn FnMut(Item),
}

/// A recognised format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Html,
    Eml,
    Mbox,
    Csv,
    Tsv,
    Json,
    Pdf,
    Zip,
}

impl Cx<'_> {
    /// Reports an input as not scanned.
    pub(crate) fn skip(&mut self, source: &str, skip: Skip) {
        (self.sink)(Item::Skipped { source: source.to_owned(), skip });
    }

    /// Reports an extracted document.
    pub(crate) fn document(&mut self, source: &str, format: &str, bytes: usize, segments: Vec<Segment>) {
        (self.sink)(Item::Document(Document {
            source: source.to_owned(),
            format: format.to_owned(),
            bytes: bytes as u64,
            segments,
        }));
    }

    /// Takes `bytes` from the expansion budget of the top-level input; if there is not
    /// enough left, reports `source` as over the archive limit and returns false.
    pub(crate) fn spend(&mut self, source: &str, bytes: u64) -> bool {
        if bytes > *self.budget {
            self.spent = true;
            let limit = self.limits.max_expanded_bytes;
            self.skip(source, Skip::ArchiveLimit(format!("expands past {limit} bytes in all")));
            return false;
        }
        *self.budget -= bytes;
        true
    }

    /// Extracts one input at the given nesting depth.
    pub(crate) fn extract(&mut self, source: &str, name: &str, bytes: &[u8], depth: u32) {
        if depth > self.limits.max_depth {
            let skip = Skip::ArchiveLimit(format!("nested more than {} deep", self.limits.max_depth));
            return self.skip(source, skip);
        }
        if bytes.len() as u64 > self.limits.max_file_bytes {
            let skip =
                Skip::TooLarge(format!("{} bytes, over the limit of {}", bytes.len(), self.limits.max_file_bytes));
            return self.skip(source, skip);
        }
        let format = match sniff(name, bytes) {
            Ok(format) => format,
            Err(skip) => return self.skip(source, skip),
        };
        self.extract_format(source, bytes, depth, format);
    }

    /// Extracts one input, already recognised as `format`, at the given nesting depth.
    fn extract_format(&mut self, source: &str, bytes: &[u8], depth: u32, format: Format) {
        match format {
            Format::Pdf => pdf::extract(self, source, bytes),
            Format::Zip => archive::extract(self, source, bytes, depth),
            Format::Text | Format::Html | Format::Eml | Format::Mbox | Format::Csv | Format::Tsv | Format::Json => {
                let (text, transcoded) = decode(bytes);
                match format {
                    Format::Html => {
                        let segments = markup::html_blocks(&text, self.limits.max_segment_bytes);
                        self.document(source, "html", bytes.len(), segments);
                    }
                    Format::Eml => mail::eml(self, source, bytes, depth),
                    Format::Mbox => mail::mbox(self, source, bytes, depth),
                    Format::Csv | Format::Tsv => {
                        let delimiter = if format == Format::Csv { b',' } else { b'\t' };
                        let segments = markup::csv_cells(text.as_bytes(), delimiter, self.limits.max_segment_bytes);
                        self.document(source, if format == Format::Csv { "csv" } else { "tsv" }, bytes.len(), segments);
                    }
                    Format::Json => match markup::json_values(text.as_bytes(), self.limits.max_segment_bytes) {
                        Some(segments) => self.document(source, "json", bytes.len(), segments),
                        None => self.text(source, bytes, &text, transcoded),
                    },
                    _ => self.text(source, bytes, &text, transcoded),
                }
            }
        }
    }

    /// A plain-text document: segments at line boundaries with their file offsets
    /// (offsets only when the file is UTF-8; transcoded UTF-16 has none).
    fn text(&mut self, source: &str, bytes: &[u8], text: &str, transcoded: bool) {
        let segments = if transcoded {
            let mut segments = text_segments(text.as_bytes(), self.limits.max_segment_bytes);
            for segment in &mut segments {
                segment.file_offset = None;
            }
            segments
        } else {
            text_segments(bytes, self.limits.max_segment_bytes)
        };
        self.document(source, "text", bytes.len(), segments);
    }
}

/// Splits text (UTF-8, possibly invalid) into segments of at most `max` bytes, at line
/// boundaries when there are any, else at a character boundary; each segment carries its
/// first line number and its byte offset. Invalid UTF-8 is replaced (U+FFFD).
pub(crate) fn text_segments(bytes: &[u8], max: usize) -> Vec<Segment> {
    let max = max.max(4);
    let mut segments = Vec::new();
    let mut start = 0;
    let mut line = 1u64;
    while start < bytes.len() {
        let limit = start.saturating_add(max).min(bytes.len());
        let end = if limit == bytes.len() {
            limit
        } else {
            match bytes[start..limit].iter().rposition(|&b| b == b'\n') {
                Some(i) => start + i + 1,
                None => char_boundary(bytes, start, limit),
            }
        };
        let chunk = &bytes[start..end];
        let text = String::from_utf8_lossy(chunk).into_owned();
        if !text.trim().is_empty() {
            segments.push(Segment { text, location: Location::Text { line }, file_offset: Some(start as u64) });
        }
        line += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        start = end;
    }
    segments
}

/// The last UTF-8 character boundary at or before `end` (and after `start`).
fn char_boundary(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut cut = end;
    for _ in 0..3 {
        if cut > start + 1 && bytes.get(cut).is_some_and(|&b| b & 0xC0 == 0x80) {
            cut -= 1;
        }
    }
    cut
}

/// Splits a block of text longer than `max` bytes into pieces on character boundaries,
/// each with the same location; blank text (or a blank piece) gives nothing.
pub(crate) fn push_split(segments: &mut Vec<Segment>, text: &str, location: Location, max: usize) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let max = max.max(4);
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(max);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, tail) = rest.split_at(cut);
        // A run of whitespace longer than a segment would otherwise give blank ones.
        if !piece.trim().is_empty() {
            segments.push(Segment { text: piece.to_owned(), location: location.clone(), file_offset: None });
        }
        rest = tail;
    }
}

/// Decodes text: UTF-16 (either order) and UTF-8 with a byte-order mark, else UTF-8
/// with invalid sequences replaced. The flag says whether the text was transcoded (its
/// byte offsets are not the file's).
fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, _)) if encoding != encoding_rs::UTF_8 => {
            let (text, _, _) = encoding.decode(bytes);
            (text, true)
        }
        _ => (String::from_utf8_lossy(bytes), false),
    }
}

/// Binary formats recognised by their first bytes, and what to call them when skipped.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "OLE2"),
    (b"!BDN", "Outlook .pst"),
    (b"\x89PNG", "PNG image"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1F\x8B", "gzip"),
    (b"BZh", "bzip2"),
    (b"7z\xBC\xAF\x27\x1C", "7-Zip"),
    (b"Rar!", "RAR"),
    (b"\xFD7zXZ", "xz"),
    (b"\x7FELF", "executable"),
    (b"MZ", "executable"),
    (b"SQLite format 3\0", "SQLite database"),
    (b"{\\rtf", "RTF"),
];

/// Extensions of files expected to hold text (binary content in one is unreadable, not
/// just unsupported).
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "log", "csv", "tsv", "tab", "json", "jsonl", "ndjson", "html", "htm", "xhtml",
    "eml", "mbox", "mbx", "xml", "ini", "cfg", "yaml", "yml", "rst", "",
];

/// Recognises the format: magic bytes first, then text with a strong signature (a
/// mailbox's `From ` line, an HTML doctype), then the extension, then mail headers.
fn sniff(name: &str, bytes: &[u8]) -> Result<Format, Skip> {
    let ext = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    // A PDF starts with its header; some writers put junk first, so a `.pdf` may have
    // it anywhere in its first KiB.
    let pdf_late = || ext == "pdf" && bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-");
    if bytes.starts_with(b"%PDF-") || pdf_late() {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Format::Zip);
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") && matches!(ext.as_str(), "docx" | "xlsx" | "pptx") {
        // A password-protected Office Open XML file is an OLE2 container.
        return Err(Skip::Encrypted);
    }
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            let what = match (*what, ext.as_str()) {
                ("OLE2", "msg") => "Outlook .msg: no maintained reader; export to .eml",
                ("Outlook .pst", _) => "Outlook .pst: not read yet; export to .mbox",
                ("OLE2", "doc" | "xls" | "ppt") => "legacy Office binary format; save as .docx/.xlsx",
                (what, _) => what,
            };
            return Err(Skip::Unsupported(what.to_owned()));
        }
    }
    let bom = encoding_rs::Encoding::for_bom(bytes).is_some();
    if !bom && looks_binary(bytes) {
        return Err(if TEXT_EXTENSIONS.contains(&ext.as_str()) {
            Skip::Unreadable("binary content in a file named as text".into())
        } else {
            Skip::Unsupported(format!("binary file ({})", if ext.is_empty() { "no extension" } else { &ext }))
        });
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    let head = head.trim_start_matches('\u{feff}');
    let lower = head.trim_start().get(..64.min(head.trim_start().len())).unwrap_or("").to_ascii_lowercase();
    if head.starts_with("From ") && head.lines().nth(1).is_some_and(is_header_line) {
        return Ok(Format::Mbox);
    }
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return Ok(Format::Html);
    }
    Ok(match ext.as_str() {
        "html" | "htm" | "xhtml" => Format::Html,
        "eml" => Format::Eml,
        "mbox" | "mbx" => Format::Mbox,
        "csv" => Format::Csv,
        "tsv" | "tab" => Format::Tsv,
        "json" | "jsonl" | "ndjson" => Format::Json,
        _ if looks_like_message(head) => Format::Eml,
        _ => Format::Text,
    })
}

/// A line that looks like a mail header (`Name: value`).
fn is_header_line(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// Text that starts with a block of mail headers including From and a Date, Subject
/// or Message-ID (a Maildir file, or a message saved without an extension).
fn looks_like_message(head: &str) -> bool {
    let mut from = false;
    let mut other = false;
    for line in head.lines().take(60) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        if !is_header_line(line) {
            return false;
        }
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        from |= name == "from";
        other |= matches!(name.as_str(), "date" | "subject" | "message-id" | "received" | "return-path");
    }
    from && other
}

/// Binary content: a NUL byte, or more than one byte in ten a control character, in the
/// first 8 KiB.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)).count();
    control * 10 > head.len()
}
