//! ZIP containers, via the `zip` crate: Office Open XML and OpenDocument files (handed
//! to [`office`](super::office)) and plain archives, whose entries are extracted in turn
//! as `archive!path/in/archive`. Every entry is read within the limits: its size, the
//! top-level input's expansion budget, its compression ratio and the nesting depth.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::{Cx, office, push_split};
use crate::{Location, Skip};

/// A ZIP archive read from memory.
pub(super) type Zip<'b> = ZipArchive<Cursor<&'b [u8]>>;

/// Entries smaller than this are not held to the compression ratio (small XML parts
/// legitimately compress very well).
const RATIO_FLOOR: u64 = 1 << 20;

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

/// Reads one entry within the limits, taking its size from the expansion budget.
/// Encrypted entries, entries that expand past the budget or the ratio, and damaged
/// ones are refused without inflating more than the limits allow.
pub(super) fn read_entry(cx: &mut Cx<'_>, zip: &mut Zip<'_>, index: usize) -> Result<Vec<u8>, Skip> {
    let limits = cx.limits;
    let (compressed, declared) = {
        let entry = zip.by_index_raw(index).map_err(|err| Skip::Unreadable(format!("ZIP entry: {err}")))?;
        if entry.encrypted() {
            return Err(Skip::Encrypted);
        }
        (entry.compressed_size().max(1), entry.size())
    };
    let ratio_exceeded = |size: u64| size > RATIO_FLOOR && size / compressed > limits.max_ratio;
    if ratio_exceeded(declared) {
        return Err(Skip::ArchiveLimit(format!(
            "compression ratio over {} ({declared} bytes from {compressed})",
            limits.max_ratio
        )));
    }
    let cap = limits.max_file_bytes.min(*cx.budget);
    if declared > cap {
        return Err(over(cx, declared, cap));
    }
    let mut entry = zip.by_index(index).map_err(|err| Skip::Unreadable(format!("ZIP entry: {err}")))?;
    let mut data = Vec::with_capacity(usize::try_from(declared.min(1 << 24)).unwrap_or(0));
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = entry.read(&mut chunk).map_err(|err| Skip::Unreadable(format!("ZIP entry: {err}")))?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&chunk[..n]);
        let size = data.len() as u64;
        if size > cap {
            return Err(over(cx, size, cap));
        }
        if ratio_exceeded(size) {
            return Err(Skip::ArchiveLimit(format!(
                "compression ratio over {} (past {size} bytes from {compressed})",
                limits.max_ratio
            )));
        }
    }
    *cx.budget -= data.len() as u64;
    Ok(data)
}

/// The skip for an entry larger than what may be read: too large for the limit on one
/// file, or (marking the budget spent) for what is left of the archive's budget.
fn over(cx: &mut Cx<'_>, size: u64, cap: u64) -> Skip {
    let max_file = cx.limits.max_file_bytes;
    if cap < max_file {
        cx.spent = true;
        Skip::ArchiveLimit(format!("expands past the archive's budget ({size} bytes, {cap} left)"))
    } else {
        Skip::TooLarge(format!("{size} bytes, over the limit of {max_file}"))
    }
}
