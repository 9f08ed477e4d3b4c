//! Email addresses, except message identifiers in mail headers.

use super::text::push;
use crate::{Detection, Entity};

/// Emails: for each `@`, the local part to the left and a dotted domain to the right.
pub(super) fn emails(text: &str, out: &mut Vec<Detection>) {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'');
    let domain = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'@', &b[from..]) {
        let at = from + p;
        from = at + 1;
        let mut s = at;
        while s > 0 && local(b[s - 1]) && at - s < 64 {
            s -= 1;
        }
        while s < at && matches!(b[s], b'.' | b'\'' | b'-') {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && domain(b[e]) && e - at < 255 {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if s == at || e <= at + 1 {
            continue;
        }
        let dom = &b[at + 1..e];
        let Some(dot) = dom.iter().rposition(|&c| c == b'.') else { continue };
        let tld = &dom[dot + 1..];
        if tld.len() < 2 || !tld.iter().all(u8::is_ascii_alphabetic) || dom[0] == b'.' {
            continue;
        }
        if in_msg_id_header(b, s) {
            from = e;
            continue;
        }
        push(out, text, Entity::EmailAddress, s, e, 0.95, "local@domain with a dotted domain".into());
        from = e;
    }
}

/// Mail headers whose values are message identifiers, not mailboxes: `Message-ID`,
/// `In-Reply-To` and `References` (RFC 5322 section 3.6.4: `msg-id` is
/// `"<" id-left "@" id-right ">"`, unique to a message, naming no one), their `Resent-`
/// form (section 3.6.6) and MIME's `Content-ID` (RFC 2045 section 7).
pub(super) const MSG_ID_HEADERS: &[&[u8]] =
    &[b"message-id", b"in-reply-to", b"references", b"resent-message-id", b"content-id"];

/// Whether byte `s` is in the value of a message-identifier header ([`MSG_ID_HEADERS`]):
/// the logical header line holding it (unfolded: lines starting with a space or tab
/// continue the one before, RFC 5322 section 2.2.3) starts with one of those names and a
/// colon, after any quoting `>` of a reply.
pub(super) fn in_msg_id_header(b: &[u8], s: usize) -> bool {
    let mut start = memchr::memrchr(b'\n', &b[..s]).map_or(0, |p| p + 1);
    // Unfold: a continuation line belongs to the header above it (at most a few lines back).
    for _ in 0..8 {
        if start == 0 || !matches!(b[start], b' ' | b'\t') {
            break;
        }
        start = memchr::memrchr(b'\n', &b[..start - 1]).map_or(0, |p| p + 1);
    }
    let mut k = start;
    while k < s && matches!(b[k], b'>' | b' ') {
        k += 1;
    }
    let Some(colon) = memchr::memchr(b':', &b[k..s]) else { return false };
    let name = &b[k..k + colon];
    MSG_ID_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}
