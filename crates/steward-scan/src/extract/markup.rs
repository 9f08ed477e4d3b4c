//! Text formats with structure: HTML (visible text by block, via the `html5gum`
//! tokenizer), CSV/TSV (cell by cell, via `csv`) and JSON (string and number values,
//! via `serde_json`).

use html5gum::{DefaultEmitter, Token, Tokenizer};

use super::push_split;
use crate::{Location, Segment};

/// Elements whose content is not shown.
const HIDDEN: &[&[u8]] = &[b"script", b"style", b"template", b"noscript"];

/// Elements that start a new block of text.
const BLOCKS: &[&[u8]] = &[
    b"p",
    b"div",
    b"br",
    b"li",
    b"tr",
    b"td",
    b"th",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"table",
    b"section",
    b"article",
    b"header",
    b"footer",
    b"blockquote",
    b"pre",
    b"title",
    b"ul",
    b"ol",
    b"dd",
    b"dt",
    b"address",
    b"hr",
    b"form",
    b"nav",
    b"aside",
    b"main",
    b"figure",
    b"figcaption",
    b"caption",
    b"body",
    b"option",
    b"label",
];

/// The visible text of an HTML document, one string per block (paragraph, cell, list
/// item, heading …), whitespace collapsed; script, style and template content left out.
pub(crate) fn html_text_blocks(html: &str) -> Vec<String> {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let tokenizer = Tokenizer::new_with_emitter(html, emitter);
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut hidden = 0usize;
    let flush = |current: &mut String, blocks: &mut Vec<String>| {
        let collapsed = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !collapsed.is_empty() {
            blocks.push(collapsed);
        }
        current.clear();
    };
    for token in tokenizer {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                if HIDDEN.contains(&name.as_slice()) && !tag.self_closing {
                    hidden += 1;
                } else if BLOCKS.contains(&name.as_slice()) {
                    flush(&mut current, &mut blocks);
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                if HIDDEN.contains(&name.as_slice()) {
                    hidden = hidden.saturating_sub(1);
                } else if BLOCKS.contains(&name.as_slice()) {
                    flush(&mut current, &mut blocks);
                }
            }
            Token::String(text) if hidden == 0 => {
                current.push_str(&String::from_utf8_lossy(&text.value));
                current.push(' ');
            }
            _ => {}
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

/// The visible text of an HTML document as segments, one per block.
pub(crate) fn html_blocks(html: &str, max: usize) -> Vec<Segment> {
    let mut segments = Vec::new();
    for (i, block) in html_text_blocks(html).iter().enumerate() {
        push_split(&mut segments, block, Location::Block { index: i as u64 + 1 }, max);
    }
    segments
}

/// Every non-blank cell of a CSV or TSV file (rows of any length; quoted fields may span
/// lines; invalid UTF-8 replaced). A parse error ends the file with what was read.
pub(crate) fn csv_cells(bytes: &[u8], delimiter: u8, max: usize) -> Vec<Segment> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut segments = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        row += 1;
        for (col, field) in record.iter().enumerate() {
            let text = String::from_utf8_lossy(field);
            let location = Location::Cell { sheet: None, row, col: col as u64 + 1 };
            push_split(&mut segments, &text, location, max);
        }
    }
    segments
}

/// The string and number values of a JSON document (or of each document in JSON Lines),
/// one block each (object members in key order); `None` if it is not JSON.
pub(crate) fn json_values(bytes: &[u8], max: usize) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut index = 0u64;
    for value in serde_json::Deserializer::from_slice(bytes).into_iter::<serde_json::Value>() {
        let value = value.ok()?;
        json_walk(&value, &mut segments, &mut index, max);
    }
    Some(segments)
}

fn json_walk(value: &serde_json::Value, segments: &mut Vec<Segment>, index: &mut u64, max: usize) {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            *index += 1;
            push_split(segments, text, Location::Block { index: *index }, max);
        }
        Value::Number(number) => {
            *index += 1;
            push_split(segments, &number.to_string(), Location::Block { index: *index }, max);
        }
        Value::Array(values) => values.iter().for_each(|v| json_walk(v, segments, index, max)),
        Value::Object(map) => map.values().for_each(|v| json_walk(v, segments, index, max)),
        Value::Null | Value::Bool(_) => {}
    }
}
