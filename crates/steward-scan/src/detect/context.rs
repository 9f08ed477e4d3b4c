//! Context words: what the text just before a candidate must (or must not) say for it
//! to count, and the words that make "surgery" a place rather than an operation.

use super::text::is_word;

/// Words before "surgery" that make it a place (a GP's or dentist's premises) rather
/// than an operation.
pub(super) const PREMISES: &[&[u8]] = &[
    b"gp",
    b"gp's",
    b"gps",
    b"doctor's",
    b"doctors",
    b"doctors'",
    b"dental",
    b"dentist's",
    b"dentists",
    b"vet's",
    b"vets",
    b"veterinary",
];

/// Whether "surgery" at `i` names premises, not an operation: "GP surgery", "dental
/// surgery", or "Surgery" capitalised after another capitalised word on the same line
/// ("Park Road Surgery"). Health data is information about a person's physical or
/// mental health (UK GDPR Art 4(15), Art 9(1)); a practice's name or address says
/// nothing about anyone's health. A GP mentioned alone is no cue either (the word "GP"
/// is not in the list): "referred to her GP about depression" is found by "depression".
pub(super) fn premises(b: &[u8], i: usize) -> bool {
    let mut e = i;
    while e > 0 && matches!(b[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    if e == i {
        return false;
    }
    let mut s = e;
    while s > 0 && (is_word(b[s - 1]) || b[s - 1] == b'\'') {
        s -= 1;
    }
    let prev = &b[s..e];
    if prev.is_empty() {
        return false;
    }
    PREMISES.iter().any(|w| w.eq_ignore_ascii_case(prev))
        || (b[i] == b'S' && prev[0].is_ascii_uppercase() && (s == 0 || !matches!(b[s - 1], b'.' | b'!' | b'?')))
}

/// Whether one of `words` (lower case) occurs in the `len` bytes before `i`, any case.
pub(crate) fn has_context(b: &[u8], i: usize, len: usize, words: &[&[u8]]) -> bool {
    let from = i.saturating_sub(len.min(64));
    let mut buf = [0u8; 64];
    let w = &mut buf[..i - from];
    w.copy_from_slice(&b[from..i]);
    w.make_ascii_lowercase();
    // Each word must start a word ("ref" in "prefer" is not a reference).
    let mut prev_word = from > 0 && b[from - 1].is_ascii_alphanumeric();
    for k in 0..w.len() {
        let c = w[k];
        if !prev_word && c.is_ascii_alphanumeric() && words.iter().any(|word| w[k..].starts_with(word)) {
            return true;
        }
        prev_word = c.is_ascii_alphanumeric();
    }
    false
}

pub(super) const DOB_WORDS: &[&[u8]] = &[b"born", b"dob", b"d.o.b", b"birth"];

/// Common two-letter words that are also allocated NI prefixes ("at 12 34 56 a").
pub(super) const NINO_WORDS: &[&[u8]] = &[
    b"am", b"an", b"as", b"at", b"be", b"by", b"go", b"he", b"me", b"my", b"no", b"ok", b"on", b"or", b"so", b"to",
    b"we",
];
pub(super) const NINO_CONTEXT: &[&[u8]] = &[b"ni ", b"ni:", b"ni no", b"n.i", b"nino", b"insurance"];

pub(super) const NOT_NHS: &[&[u8]] =
    &[b"order", b"invoice", b"ref", b"account", b"tracking", b"po ", b"receipt", b"customer"];
pub(super) const NHS_WORDS: &[&[u8]] = &[b"nhs", b"patient", b"chi "];
pub(super) const ACCOUNT_WORDS: &[&[u8]] = &[b"account", b"acc", b"a/c"];
pub(super) const SORT_WORDS: &[&[u8]] = &[b"sort code", b"sort"];
