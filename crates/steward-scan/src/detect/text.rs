//! Byte-level helpers the recognisers share: word and digit runs, spaces, upper-case
//! letters, ordinals, small numbers, and recording a detection.

use crate::{Detection, Entity};

/// An upper-case letter of Latin-1 (À to Þ, not ×) starts at `i`: UTF-8 `C3 80`–`C3 9E`.
pub(super) fn latin1_upper(b: &[u8], i: usize) -> bool {
    b[i] == 0xC3 && b.get(i + 1).is_some_and(|&c| (0x80..=0x9E).contains(&c) && c != 0x97)
}

pub(super) fn upper_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_uppercase) || (i < b.len() && latin1_upper(b, i))
}

pub(super) fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80 || c == b'_'
}

pub(super) fn word_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_word(b[i]) {
        i += 1;
    }
    i
}

pub(super) fn digit_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

pub(super) fn skip_space(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

pub(super) fn skip_punct_space(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b',' | b':') {
        i += 1;
    }
    i
}

pub(super) fn ordinal(b: &[u8], i: usize) -> bool {
    let w = &b[i..word_end(b, i)];
    w.eq_ignore_ascii_case(b"st")
        || w.eq_ignore_ascii_case(b"nd")
        || w.eq_ignore_ascii_case(b"rd")
        || w.eq_ignore_ascii_case(b"th")
}

pub(super) fn push(
    out: &mut Vec<Detection>,
    text: &str,
    entity: Entity,
    start: usize,
    end: usize,
    confidence: f32,
    why: String,
) {
    if let Some(t) = text.get(start..end) {
        out.push(Detection { entity, start, end, text: t.to_owned(), confidence, why });
    }
}

pub(super) fn number_at(b: &[u8], i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let e = digit_end(b, i);
    if e - i < min || e - i > max {
        return None;
    }
    let v = b[i..e].iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
    Some((v, e))
}
