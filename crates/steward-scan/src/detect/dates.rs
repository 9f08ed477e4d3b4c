//! Dates: day-first and month-first, in figures or with the month's name, and the
//! column headers that make a table's dates dates of birth.

use super::text::{number_at, ordinal, skip_space, word_end};
use super::validate;
use super::words::month_number;

/// A date starting with a digit at `i`: `12/03/1985`, `12-03-85`, `12.03.1985`,
/// `1985-03-12`, `12 March 1985`, `12th Mar. 1985`, `12 of March, 1985`. Day-first
/// (UK) order. Returns its end and (year, month, day).
pub(crate) fn parse_date(b: &[u8], i: usize) -> Option<(usize, u32, u32, u32)> {
    let (a, e) = number_at(b, i, 1, 4)?;
    if e - i == 4 {
        // ISO 8601: yyyy-mm-dd.
        if b.get(e) != Some(&b'-') {
            return None;
        }
        let (m, e2) = number_at(b, e + 1, 2, 2)?;
        if b.get(e2) != Some(&b'-') {
            return None;
        }
        let (d, e3) = number_at(b, e2 + 1, 2, 2)?;
        return (validate::date(a, m, d) && !b.get(e3).is_some_and(u8::is_ascii_digit)).then_some((e3, a, m, d));
    }
    if e - i > 2 {
        return None;
    }
    let sep = *b.get(e)?;
    if matches!(sep, b'/' | b'-' | b'.') {
        let (m, e2) = number_at(b, e + 1, 1, 2)?;
        if b.get(e2) != Some(&sep) {
            return None;
        }
        let (y, e3) = number_at(b, e2 + 1, 2, 4)?;
        let y = match e3 - e2 - 1 {
            2 if y > 30 => 1900 + y,
            2 => 2000 + y,
            4 => y,
            _ => return None,
        };
        return validate::date(y, m, a).then_some((e3, y, m, a));
    }
    // 12 March 1985, 12th of Mar, 1985
    let mut k = e;
    if ordinal(b, k) {
        k += 2;
    }
    k = skip_space(b, k);
    if b.get(k..k + 3).is_some_and(|w| w.eq_ignore_ascii_case(b"of ")) {
        k = skip_space(b, k + 3);
    }
    let we = word_end(b, k);
    let m = month_number(&b[k..we])?;
    k = we;
    if b.get(k) == Some(&b'.') {
        k += 1;
    }
    if b.get(k) == Some(&b',') {
        k += 1;
    }
    let s = skip_space(b, k);
    let (y, e3) = number_at(b, s, 4, 4)?;
    validate::date(y, m, a).then_some((e3, y, m, a))
}

/// Whether a table's header cell names a birth date: after lower-casing and dropping
/// spaces, dots, underscores and hyphens (and anything in brackets, such as a format
/// hint: "Date of birth (dd/mm/yyyy)"), it is `dateofbirth`, `dob`, `birthdate` or
/// `birthday`. A date of birth is personal data of the person on that row (UK GDPR
/// Art 4(1)), whatever the header's spelling.
pub fn birth_date_header(cell: &str) -> bool {
    let cell = cell.trim();
    if cell.len() > 40 {
        return false;
    }
    let mut key = [0u8; 40];
    let mut n = 0;
    let mut depth = 0u32;
    for &c in cell.as_bytes() {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b' ' | b'.' | b'_' | b'-' | b'\t' => {}
            _ if depth > 0 => {}
            _ => {
                key[n] = c.to_ascii_lowercase();
                n += 1;
            }
        }
    }
    matches!(&key[..n], b"dateofbirth" | b"dob" | b"birthdate" | b"birthday")
}

/// The span of a cell that holds only a date (`12/03/1985`, `12 March 1985`,
/// `1985-03-12`, `March 12, 1985`), perhaps with a midnight time after it as
/// spreadsheets export dates (`1985-03-12 00:00:00`).
pub(super) fn whole_date(cell: &str) -> Option<(usize, usize)> {
    let b = cell.as_bytes();
    let start = b.iter().position(|c| !c.is_ascii_whitespace())?;
    let (end, ..) = if b[start].is_ascii_digit() { parse_date(b, start)? } else { parse_date_month_first(b, start)? };
    let rest = cell[end..].trim();
    let time = rest.is_empty()
        || (matches!(b[end], b' ' | b'T')
            && rest.trim_start_matches('T').bytes().all(|c| c.is_ascii_digit() || matches!(c, b':' | b'.' | b'Z')));
    time.then_some((start, end))
}

/// `March 12, 1985`, `Mar 12th 1985`.
pub(crate) fn parse_date_month_first(b: &[u8], i: usize) -> Option<(usize, u32, u32, u32)> {
    let we = word_end(b, i);
    let m = month_number(&b[i..we])?;
    let mut k = we;
    if b.get(k) == Some(&b'.') {
        k += 1;
    }
    k = skip_space(b, k);
    let (d, mut e) = number_at(b, k, 1, 2)?;
    if ordinal(b, e) {
        e += 2;
    }
    if b.get(e) == Some(&b',') {
        e += 1;
    }
    let s = skip_space(b, e);
    let (y, e3) = number_at(b, s, 4, 4)?;
    validate::date(y, m, d).then_some((e3, y, m, d))
}
