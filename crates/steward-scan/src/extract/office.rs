//! Office documents inside ZIP containers, their XML read with `quick-xml`: DOCX
//! (paragraphs of the body, headers, footers, notes and comments), XLSX (cells with
//! their sheet names, shared strings resolved), PPTX (paragraphs of each slide), ODT
//! (paragraphs and headings) and ODS (cells with their table names).

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::entries::{Zip, read_entry};
use super::{Cx, push_split};
use crate::{Location, Segment, Skip};

/// If the archive is an Office document, extracts it (one document, or a skip) and
/// returns true; returns false for any other archive.
pub(super) fn extract(cx: &mut Cx<'_>, source: &str, bytes: usize, zip: &mut Zip<'_>) -> bool {
    let has = |zip: &Zip<'_>, name: &str| zip.index_for_name(name).is_some();
    let kind = if has(zip, "word/document.xml") {
        "docx"
    } else if has(zip, "xl/workbook.xml") {
        "xlsx"
    } else if has(zip, "ppt/presentation.xml") {
        "pptx"
    } else if has(zip, "content.xml") && has(zip, "mimetype") {
        match read(cx, zip, "mimetype") {
            Ok(Some(m)) if m.starts_with(b"application/vnd.oasis.opendocument.text") => "odt",
            Ok(Some(m)) if m.starts_with(b"application/vnd.oasis.opendocument.spreadsheet") => "ods",
            Ok(Some(m)) if m.starts_with(b"application/vnd.oasis.opendocument.presentation") => "odp",
            _ => return false,
        }
    } else {
        return false;
    };
    let max = cx.limits.max_segment_bytes;
    let result = match kind {
        "docx" => docx(cx, zip, max),
        "xlsx" => xlsx(cx, zip, max),
        "pptx" => pptx(cx, zip, max),
        "ods" => ods(cx, zip, max),
        _ => odt(cx, zip, max),
    };
    match result {
        Ok(segments) => cx.document(source, kind, bytes, segments),
        Err(skip) => cx.skip(source, skip),
    }
    true
}

/// Reads a named part, if the archive has it.
fn read(cx: &mut Cx<'_>, zip: &mut Zip<'_>, name: &str) -> Result<Option<Vec<u8>>, Skip> {
    match zip.index_for_name(name) {
        Some(index) => read_entry(cx, zip, index).map(Some),
        None => Ok(None),
    }
}

/// A simplified XML event: an element opened (`empty` if it also closes), an element
/// closed (by local name), or text with references resolved.
enum Ev<'a, 'b> {
    Open(&'a BytesStart<'b>, bool),
    Close(&'a [u8]),
    Text(&'a str),
}

/// Runs `f` over the events of an XML document; malformed XML ends it early.
fn xml_events(xml: &[u8], mut f: impl FnMut(Ev<'_, '_>)) {
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => f(Ev::Open(&e, false)),
            Ok(Event::Empty(e)) => {
                f(Ev::Open(&e, true));
                f(Ev::Close(e.local_name().as_ref()));
            }
            Ok(Event::End(e)) => f(Ev::Close(e.local_name().as_ref())),
            Ok(Event::Text(t)) => {
                if let Ok(text) = t.decode() {
                    f(Ev::Text(&text));
                }
            }
            Ok(Event::CData(t)) => {
                if let Ok(text) = t.decode() {
                    f(Ev::Text(&text));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Ok(name) = r.decode()
                    && let Ok(text) = quick_xml::escape::unescape(&format!("&{name};"))
                {
                    f(Ev::Text(&text));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// An attribute's value, by local name.
fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// Paragraph text from WordprocessingML or DrawingML: text runs (`t`, and deleted text
/// `delText`, which is still in the file), tabs and breaks, a block per paragraph `p`.
fn paragraphs(xml: &[u8], segments: &mut Vec<Segment>, index: &mut u64, max: usize) {
    let mut current = String::new();
    let mut in_text = false;
    xml_events(xml, |ev| match ev {
        Ev::Open(e, empty) => match e.local_name().as_ref() {
            b"t" | b"delText" => in_text = !empty,
            b"tab" => current.push('\t'),
            b"br" | b"cr" => current.push('\n'),
            _ => {}
        },
        Ev::Close(name) => match name {
            b"t" | b"delText" => in_text = false,
            b"p" => {
                if !current.trim().is_empty() {
                    *index += 1;
                    push_split(segments, &current, Location::Block { index: *index }, max);
                }
                current.clear();
            }
            _ => {}
        },
        Ev::Text(text) if in_text => current.push_str(text),
        Ev::Text(_) => {}
    });
    if !current.trim().is_empty() {
        *index += 1;
        push_split(segments, &current, Location::Block { index: *index }, max);
    }
}

/// DOCX: the body, then headers, footers, footnotes, endnotes and comments.
fn docx(cx: &mut Cx<'_>, zip: &mut Zip<'_>, max: usize) -> Result<Vec<Segment>, Skip> {
    let mut parts = vec!["word/document.xml".to_owned()];
    let mut others: Vec<String> = zip
        .file_names()
        .flatten()
        .filter(|n| {
            n.starts_with("word/")
                && n.ends_with(".xml")
                && ["word/header", "word/footer", "word/footnotes", "word/endnotes", "word/comments"]
                    .iter()
                    .any(|p| n.starts_with(p))
        })
        .map(|n| n.into_owned())
        .collect();
    others.sort();
    parts.extend(others);
    let mut segments = Vec::new();
    let mut index = 0;
    for part in parts {
        if let Some(xml) = read(cx, zip, &part)? {
            paragraphs(&xml, &mut segments, &mut index, max);
        }
    }
    Ok(segments)
}

/// PPTX: each slide's paragraphs, slides in order.
fn pptx(cx: &mut Cx<'_>, zip: &mut Zip<'_>, max: usize) -> Result<Vec<Segment>, Skip> {
    let mut slides: Vec<(u64, String)> = zip
        .file_names()
        .flatten()
        .filter_map(|n| {
            let number = n.strip_prefix("ppt/slides/slide")?.strip_suffix(".xml")?.parse().ok()?;
            Some((number, n.into_owned()))
        })
        .collect();
    slides.sort();
    let mut segments = Vec::new();
    let mut index = 0;
    for (_, slide) in slides {
        if let Some(xml) = read(cx, zip, &slide)? {
            paragraphs(&xml, &mut segments, &mut index, max);
        }
    }
    Ok(segments)
}

/// A cell reference such as `AB12` as (row, column), 1-based.
fn cell_ref(r: &str) -> Option<(u64, u64)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let mut col = 0u64;
    for c in letters.bytes() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        col = col.checked_mul(26)?.checked_add(u64::from(c.to_ascii_uppercase() - b'A' + 1))?;
    }
    Some((digits.parse().ok()?, col))
}

/// XLSX: every sheet's cells (shared strings, inline strings, numbers, formula results).
fn xlsx(cx: &mut Cx<'_>, zip: &mut Zip<'_>, max: usize) -> Result<Vec<Segment>, Skip> {
    let mut shared = Vec::new();
    if let Some(xml) = read(cx, zip, "xl/sharedStrings.xml")? {
        let mut current = String::new();
        let (mut in_t, mut in_phonetic) = (false, false);
        xml_events(&xml, |ev| match ev {
            Ev::Open(e, empty) => match e.local_name().as_ref() {
                b"t" => in_t = !empty,
                b"rPh" => in_phonetic = !empty,
                _ => {}
            },
            Ev::Close(b"t") => in_t = false,
            Ev::Close(b"rPh") => in_phonetic = false,
            Ev::Close(b"si") => shared.push(std::mem::take(&mut current)),
            Ev::Text(text) if in_t && !in_phonetic => current.push_str(text),
            _ => {}
        });
    }
    let mut sheets = Vec::new();
    if let Some(xml) = read(cx, zip, "xl/workbook.xml")? {
        xml_events(&xml, |ev| {
            if let Ev::Open(e, _) = ev
                && e.local_name().as_ref() == b"sheet"
            {
                sheets.push((attr(e, b"name").unwrap_or_default(), attr(e, b"id").unwrap_or_default()));
            }
        });
    }
    let mut targets = std::collections::HashMap::new();
    if let Some(xml) = read(cx, zip, "xl/_rels/workbook.xml.rels")? {
        xml_events(&xml, |ev| {
            if let Ev::Open(e, _) = ev
                && let (Some(id), Some(target)) = (attr(e, b"Id"), attr(e, b"Target"))
            {
                let path = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{target}"),
                };
                targets.insert(id, path);
            }
        });
    }
    let mut segments = Vec::new();
    for (sheet, id) in sheets {
        let Some(path) = targets.get(&id) else { continue };
        let Some(xml) = read(cx, zip, path)? else { continue };
        let (mut row, mut col) = (0u64, 0u64);
        let mut kind = String::new();
        let mut value = String::new();
        let mut capture = false;
        xml_events(&xml, |ev| match ev {
            Ev::Open(e, _) => match e.local_name().as_ref() {
                b"row" => {
                    row = attr(e, b"r").and_then(|r| r.parse().ok()).unwrap_or(row.saturating_add(1));
                    col = 0;
                }
                b"c" => {
                    match attr(e, b"r").as_deref().and_then(cell_ref) {
                        Some((r, c)) => (row, col) = (r, c),
                        None => col = col.saturating_add(1),
                    }
                    kind = attr(e, b"t").unwrap_or_default();
                    value.clear();
                }
                b"v" | b"t" => capture = true,
                _ => {}
            },
            Ev::Close(name) => match name {
                b"v" | b"t" => capture = false,
                b"c" => {
                    let text = match kind.as_str() {
                        "s" => value.trim().parse::<usize>().ok().and_then(|i| shared.get(i)).cloned(),
                        "b" | "e" => None,
                        _ => Some(std::mem::take(&mut value)),
                    };
                    if let Some(text) = text {
                        let location = Location::Cell { sheet: Some(sheet.clone()), row, col };
                        push_split(&mut segments, &text, location, max);
                    }
                    value.clear();
                }
                _ => {}
            },
            Ev::Text(text) if capture => value.push_str(text),
            Ev::Text(_) => {}
        });
    }
    Ok(segments)
}

/// ODT (and ODP): paragraphs and headings of `content.xml`.
fn odt(cx: &mut Cx<'_>, zip: &mut Zip<'_>, max: usize) -> Result<Vec<Segment>, Skip> {
    let mut segments = Vec::new();
    let Some(xml) = read(cx, zip, "content.xml")? else { return Ok(segments) };
    let mut current = String::new();
    let mut index = 0u64;
    let mut depth = 0usize;
    xml_events(&xml, |ev| match ev {
        Ev::Open(e, empty) => match e.local_name().as_ref() {
            b"p" | b"h" if !empty => depth += 1,
            b"s" => {
                let n = attr(e, b"c").and_then(|c| c.parse::<usize>().ok()).unwrap_or(1).min(64);
                current.push_str(&" ".repeat(n));
            }
            b"tab" => current.push('\t'),
            b"line-break" => current.push('\n'),
            _ => {}
        },
        Ev::Close(b"p" | b"h") => {
            depth = depth.saturating_sub(1);
            if !current.trim().is_empty() {
                index += 1;
                push_split(&mut segments, &current, Location::Block { index }, max);
            }
            current.clear();
        }
        Ev::Text(text) if depth > 0 => current.push_str(text),
        _ => {}
    });
    Ok(segments)
}

/// ODS: every table's cells, repeated rows and columns counted but not expanded.
fn ods(cx: &mut Cx<'_>, zip: &mut Zip<'_>, max: usize) -> Result<Vec<Segment>, Skip> {
    let mut segments = Vec::new();
    let Some(xml) = read(cx, zip, "content.xml")? else { return Ok(segments) };
    let mut sheet = String::new();
    let (mut row, mut col) = (0u64, 0u64);
    let (mut row_repeat, mut col_repeat) = (1u64, 1u64);
    let mut value = String::new();
    let mut in_cell = false;
    let mut in_p = false;
    let repeated = |e: &BytesStart<'_>, name: &[u8]| attr(e, name).and_then(|n| n.parse::<u64>().ok()).unwrap_or(1);
    xml_events(&xml, |ev| match ev {
        Ev::Open(e, empty) => match e.local_name().as_ref() {
            b"table" => {
                sheet = attr(e, b"name").unwrap_or_default();
                row = 0;
            }
            b"table-row" => {
                row = row.saturating_add(1);
                col = 0;
                row_repeat = repeated(e, b"number-rows-repeated");
            }
            b"table-cell" | b"covered-table-cell" => {
                col = col.saturating_add(1);
                col_repeat = repeated(e, b"number-columns-repeated");
                in_cell = !empty;
                value.clear();
            }
            b"p" if in_cell && !empty => {
                if !value.is_empty() {
                    value.push('\n');
                }
                in_p = true;
            }
            b"s" if in_p => value.push(' '),
            b"tab" if in_p => value.push('\t'),
            _ => {}
        },
        Ev::Close(name) => match name {
            b"p" => in_p = false,
            b"table-cell" | b"covered-table-cell" => {
                if in_cell {
                    let location = Location::Cell { sheet: Some(sheet.clone()), row, col };
                    push_split(&mut segments, &value, location, max);
                }
                in_cell = false;
                col = col.saturating_add(col_repeat.saturating_sub(1));
            }
            b"table-row" => row = row.saturating_add(row_repeat.saturating_sub(1)),
            _ => {}
        },
        Ev::Text(text) if in_p => value.push_str(text),
        Ev::Text(_) => {}
    });
    Ok(segments)
}
