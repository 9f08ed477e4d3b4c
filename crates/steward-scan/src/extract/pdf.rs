//! PDF: the text layer, page by page, via `lopdf`. A PDF that needs a password is
//! skipped as encrypted (one with only an owner password, which opens with the empty
//! user password, is read); a damaged one as unreadable.
//!
//! `lopdf` is a large parser of hostile input that has panicked on malformed files, so
//! as a last resort each call into it runs under `catch_unwind`: a panic there becomes
//! [`Skip::Unreadable`] instead of ending the walk.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{Cx, push_split};
use crate::{Location, Segment, Skip};

/// Extracts the text layer of a PDF, one segment (or more, past the segment limit) per
/// page; a page whose text cannot be decoded is reported as `file!page n`, and a PDF
/// none of whose pages can be read is unreadable.
pub(super) fn extract(cx: &mut Cx<'_>, source: &str, bytes: &[u8]) {
    let max = cx.limits.max_segment_bytes;
    let page_limit = usize::try_from(cx.limits.max_file_bytes).unwrap_or(usize::MAX);
    let result = catch_unwind(AssertUnwindSafe(|| read(bytes, max, page_limit)));
    match result {
        Ok(Ok((segments, failed))) => {
            cx.document(source, "pdf", bytes.len(), segments);
            for (page, err) in failed {
                cx.skip(&format!("{source}!page {page}"), Skip::Unreadable(format!("PDF page text: {err}")));
            }
        }
        Ok(Err(skip)) => cx.skip(source, skip),
        Err(_) => cx.skip(source, Skip::Unreadable("PDF parser failed on this file".into())),
    }
}

/// The text of every page, and the pages that failed with why.
type Pages = (Vec<Segment>, Vec<(u32, String)>);

fn read(bytes: &[u8], max: usize, page_limit: usize) -> Result<Pages, Skip> {
    let document = lopdf::Document::load_mem(bytes).map_err(|err| match err {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => Skip::Encrypted,
        err => Skip::Unreadable(format!("PDF: {err}")),
    })?;
    if document.is_encrypted() {
        return Err(Skip::Encrypted);
    }
    let pages = document.get_pages();
    let mut segments = Vec::new();
    let mut failed = Vec::new();
    for &page in pages.keys() {
        match document.extract_text_with_limit(&[page], page_limit) {
            Ok(text) => push_split(&mut segments, &text, Location::Page { page }, max),
            Err(err) => failed.push((page, err.to_string())),
        }
    }
    if pages.is_empty() || (failed.len() == pages.len() && segments.is_empty()) {
        return Err(Skip::Unreadable(format!("PDF: no readable pages ({} pages)", pages.len())));
    }
    Ok((segments, failed))
}
