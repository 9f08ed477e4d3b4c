//! ZIP containers, via the `zip` crate: Office Open XML and OpenDocument files (handed
//! to [`office`](super::office)) and plain archives, whose entries are extracted in turn
//! as `archive!path/in/archive`. Every entry is read within the limits: its size, the
//! top-level input's expansion budget, its compression ratio and the nesting depth.

use std::io::Cursor;

use zip::ZipArchive;

use super::entries::read_entry;
use super::{Cx, office, push_split};
use crate::{Location, Skip};

/// Extracts a ZIP file: as an Office document when it is one, otherwise entry by entry.
pub(super) fn extract(cx: &mut Cx<'_>, source: &str, bytes: &[u8], depth: u32) {
    let mut zip = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(zip) => zip,
        Err(err) => return cx.skip(source, Skip::Unreadable(format!("ZIP: {err}"))),
    };
    if office::extract(cx, source, bytes.len(), &mut zip) {
        return;
    }
    let max = cx.limits.max_segment_bytes;
    let count = zip.len();
    let mut names = Vec::new();
    let mut entries = Vec::new();
    let mut unreadable = Vec::new();
    for index in 0..count.min(cx.limits.max_entries) {
        let entry = match zip.by_index_raw(index) {
            Ok(entry) => entry,
            Err(err) => {
                unreadable.push((format!("{source}!#{}", index + 1), err.to_string()));
                continue;
            }
        };
        let name = entry.name().map_or_else(|_| String::from_utf8_lossy(entry.name_raw()).into_owned(), |n| n.into());
        if !entry.is_dir() {
            entries.push((index, name.clone()));
        }
        names.push(name);
    }
    // The archive's own document lists its entries' names, which can be personal data.
    let mut segments = Vec::new();
    for (i, name) in names.iter().enumerate() {
        push_split(&mut segments, name, Location::Block { index: i as u64 + 1 }, max);
    }
    cx.document(source, "zip", bytes.len(), segments);
    for (inner, err) in unreadable {
        cx.skip(&inner, Skip::Unreadable(format!("ZIP entry: {err}")));
    }
    let total = entries.len();
    for (done, (index, name)) in entries.into_iter().enumerate() {
        if cx.spent {
            let left = total - done;
            cx.skip(source, Skip::ArchiveLimit(format!("expansion budget spent; {left} further entries not read")));
            return;
        }
        let inner = format!("{source}!{name}");
        match read_entry(cx, &mut zip, index) {
            Ok(data) => {
                let base = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_owned();
                cx.extract(&inner, &base, &data, depth + 1);
            }
            Err(skip) => cx.skip(&inner, skip),
        }
    }
    if count > cx.limits.max_entries {
        let max = cx.limits.max_entries;
        cx.skip(source, Skip::ArchiveLimit(format!("{count} entries; only the first {max} were read")));
    }
}
