//! Reading one entry of a ZIP container (an archive, or an Office or OpenDocument file)
//! within the limits: its size, the top-level input's expansion budget and its
//! compression ratio.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::Cx;
use crate::Skip;

/// A ZIP archive read from memory.
pub(super) type Zip<'b> = ZipArchive<Cursor<&'b [u8]>>;

/// Entries smaller than this are not held to the compression ratio (small XML parts
/// legitimately compress very well).
const RATIO_FLOOR: u64 = 1 << 20;

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
