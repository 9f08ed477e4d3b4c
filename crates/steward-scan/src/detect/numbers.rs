//! Numbers: a digit starts a date (a date of birth with its context), a house number
//! before a street, or a number in groups (phone, card, NHS number, sort code and
//! account, passport); `+` or `(` starts a phone number.

use super::Detector;
use super::context::{ACCOUNT_WORDS, DOB_WORDS, NHS_WORDS, NOT_NHS, SORT_WORDS, has_context};
use super::dates::parse_date;
use super::text::{digit_end, is_word, ordinal, push, word_end};
use super::validate;
use super::words::STREET;
use crate::{Detection, Entity};

impl Detector {
    pub(super) fn digits(&self, text: &str, i: usize, out: &mut Vec<Detection>) -> usize {
        let b = text.as_bytes();
        let run_end = digit_end(b, i);
        if run_end < b.len() && (b[run_end].is_ascii_alphabetic() || b[run_end] >= 0x80) && !ordinal(b, run_end) {
            // 12a Acacia Road, or a code like 3rd / 4x4 / 100mg.
            let e = word_end(b, i);
            if e - i <= 5 && b[run_end].is_ascii_lowercase() && e - run_end == 1 {
                return self.address(text, i, e, out).unwrap_or(e);
            }
            return e;
        }
        if let Some((e, y, m, d)) = parse_date(b, i) {
            // "20-45-67" is a sort code, not 20 May 2067, when an account number follows
            // it or "sort code" comes before it.
            let sort_code = e - i == 8
                && b[i + 2] == b'-'
                && b[i + 5] == b'-'
                && (account_after(b, e).is_some() || has_context(b, i, 30, SORT_WORDS));
            if !sort_code {
                dob(text, i, e, (y, m, d), out);
                return e;
            }
        }
        if run_end - i <= 4
            && let Some(e) = self.address(text, i, run_end, out)
        {
            return e;
        }
        numbers(text, i, out)
    }

    /// House number, then up to three capitalised words ending with a street word.
    pub(super) fn address(&self, text: &str, i: usize, num_end: usize, out: &mut Vec<Detection>) -> Option<usize> {
        let b = text.as_bytes();
        let mut k = num_end;
        if b.get(k) == Some(&b',') {
            k += 1;
        }
        for n in 0..4 {
            let (e, g) = self.next_cap(b, k)?;
            if g & STREET != 0 && n > 0 {
                let e = if b.get(e) == Some(&b'.') { e + 1 } else { e };
                push(out, text, Entity::Address, i, e, 0.8, "house number + street name".into());
                return Some(e);
            }
            k = e;
        }
        None
    }
}

pub(super) fn dob(text: &str, i: usize, e: usize, _ymd: (u32, u32, u32), out: &mut Vec<Detection>) {
    if has_context(text.as_bytes(), i, 40, DOB_WORDS) {
        push(out, text, Entity::DateOfBirth, i, e, 0.85, "date near \"born\"/\"DOB\"/\"date of birth\"".into());
    }
}

/// Digits from `i` in groups separated by single spaces or hyphens (at most 19 digits):
/// the digits, and each group's end (byte offset) with the digit count so far.
pub(super) struct Groups {
    digits: [u8; 24],
    n: usize,
    groups: [(usize, usize); 12],
    g: usize,
    hyphens: bool,
}

pub(super) fn groups(b: &[u8], i: usize) -> Groups {
    let mut gr = Groups { digits: [0; 24], n: 0, groups: [(0, 0); 12], g: 0, hyphens: false };
    let mut k = i;
    loop {
        let e = digit_end(b, k);
        if gr.n + (e - k) > 24 || e == k {
            break;
        }
        gr.digits[gr.n..gr.n + (e - k)].copy_from_slice(&b[k..e]);
        gr.n += e - k;
        gr.groups[gr.g] = (e, gr.n);
        gr.g += 1;
        if gr.g == 12 {
            break;
        }
        match (b.get(e), b.get(e + 1)) {
            (Some(b' '), Some(c)) if c.is_ascii_digit() => k = e + 1,
            (Some(b'-' | b'.'), Some(c)) if c.is_ascii_digit() => {
                gr.hyphens = true;
                k = e + 1;
            }
            _ => break,
        }
    }
    gr
}

/// Phone numbers, card numbers, NHS numbers, sort codes and account numbers, passport
/// numbers: a number (in groups) starting at `i`.
pub(super) fn numbers(text: &str, i: usize, out: &mut Vec<Detection>) -> usize {
    let b = text.as_bytes();
    let gr = groups(b, i);
    let first = digit_end(b, i);
    if gr.g == 0 {
        return first;
    }
    let boundary = |e: usize| !b.get(e).is_some_and(|&c| is_word(c));
    // Sort code 12-34-56, then an account number nearby.
    if gr.g >= 3 && gr.groups[0].1 == 2 && gr.groups[1].1 == 4 && gr.groups[2].1 == 6 && b[gr.groups[0].0] == b'-' {
        let sc_end = gr.groups[2].0;
        if boundary(sc_end) {
            if let Some(end) = account_after(b, sc_end) {
                push(out, text, Entity::UkBankAccount, i, end, 0.85, "sort code + 8-digit account number".into());
                return end;
            }
            if has_context(b, i, 30, SORT_WORDS) {
                push(out, text, Entity::UkBankAccount, i, sc_end, 0.7, "sort code after \"sort code\"".into());
            }
            return sc_end;
        }
    }
    let d = &gr.digits[..gr.n];
    // After "NHS" or "patient", a valid 10-digit number is an NHS (or CHI) number even
    // when it starts with 0 and so could be dialled.
    let nhs_context = has_context(b, i, 40, NHS_WORDS);
    // UK phone from 0: the longest prefix of groups that is a valid national number.
    if d[0] == b'0'
        && !(nhs_context && gr.groups.iter().take(gr.g).any(|g| g.1 == 10) && validate::nhs_number(&d[..10.min(gr.n)]))
    {
        // 0044 7700 900123: the international prefix 00 and country code 44 for the trunk 0.
        let skip = if d.starts_with(b"0044") { 3 } else { 0 };
        for g in (0..gr.g).rev() {
            let (e, cnt) = gr.groups[g];
            if cnt <= skip + 1 {
                continue;
            }
            let mut nat = [0u8; 24];
            nat[0] = b'0';
            nat[1..cnt - skip].copy_from_slice(&d[skip + 1..cnt]);
            if boundary(e) && validate::uk_phone(&nat[..cnt - skip]) {
                push(out, text, Entity::PhoneNumber, i, e, 0.85, "UK phone number (Ofcom numbering plan)".into());
                return e;
            }
        }
    }
    // Card: 13–19 digits in groups of four (or none), or as American Express (4-6-5)
    // and Diners Club (4-6-4) print theirs, Luhn.
    for g in (0..gr.g).rev() {
        let (e, cnt) = gr.groups[g];
        if (13..=19).contains(&cnt) && boundary(e) && validate::card_prefix(d) && validate::luhn(&d[..cnt]) {
            let four_six =
                g == 2 && gr.groups[0].1 == 4 && gr.groups[1].1 == 10 && validate::four_six_grouping(&d[..cnt]);
            let grouped = g == 0 || four_six || (0..g).all(|x| gr.groups[x].1.is_multiple_of(4));
            if grouped {
                push(out, text, Entity::CreditCard, i, e, 0.9, "card number, Luhn check (ISO/IEC 7812)".into());
                return e;
            }
        }
    }
    // NHS number: 10 digits (3-3-4 or together), mod-11, not an order/invoice number.
    for g in 0..gr.g {
        let (e, cnt) = gr.groups[g];
        if cnt == 10 && boundary(e) && (g == 0 || (g == 2 && gr.groups[0].1 == 3 && gr.groups[1].1 == 6)) {
            if validate::nhs_number(&d[..10]) && !has_context(b, i, 30, NOT_NHS) {
                let (conf, why) = if nhs_context {
                    (0.95, "NHS number, mod-11 check (NHS Data Dictionary), after \"NHS\"")
                } else {
                    (0.7, "NHS number, mod-11 check (NHS Data Dictionary)")
                };
                push(out, text, Entity::UkNhs, i, e, conf, why.into());
                return e;
            }
            break;
        }
    }
    let (e0, c0) = gr.groups[0];
    if c0 == 9 && boundary(e0) && has_context(b, i, 40, &[b"passport"]) {
        push(out, text, Entity::UkPassport, i, e0, 0.85, "9 digits after \"passport\"".into());
        return e0;
    }
    if c0 == 8 && boundary(e0) && has_context(b, i, 30, ACCOUNT_WORDS) {
        push(out, text, Entity::UkBankAccount, i, e0, 0.6, "8 digits after \"account\"".into());
        return e0;
    }
    first
}

/// The end of an 8-digit account number after a sort code ending at `sc_end`: the first
/// number in the next 40 bytes, with exactly eight digits (a UK account number; Pay.UK
/// sort codes are six digits, `12-34-56`).
pub(super) fn account_after(b: &[u8], sc_end: usize) -> Option<usize> {
    let limit = (sc_end + 40).min(b.len());
    let k = sc_end + b[sc_end..limit].iter().position(u8::is_ascii_digit)?;
    let e = digit_end(b, k);
    (e - k == 8).then_some(e)
}

/// A phone number starting with `+` or `(`: `+44 7700 900123`, `+44 (0)161 496 0000`,
/// `(0161) 496 0000`, or another country's number after `+`.
pub(super) fn phone(text: &str, i: usize, out: &mut Vec<Detection>) -> usize {
    let b = text.as_bytes();
    let mut digits = [0u8; 20];
    let mut n = 0;
    let mut k = i + 1;
    let mut end = i + 1;
    let mut last_sep = false;
    let mut closed = false;
    let mut saw_close = false;
    while k < b.len() && n < 20 {
        let c = b[k];
        if c.is_ascii_digit() {
            digits[n] = c;
            n += 1;
            k += 1;
            end = k;
            last_sep = false;
            closed |= saw_close;
        } else if c == b'(' && b.get(k + 1) == Some(&b'0') && b.get(k + 2) == Some(&b')') && b[i] == b'+' {
            // "(0)" after +44 is the trunk prefix written in: keep it out of the digits.
            k += 3;
            last_sep = false;
        } else if matches!(c, b' ' | b'-' | b'.' | b'(' | b')') && !last_sep {
            last_sep = c != b')';
            saw_close |= c == b')' && n > 0;
            k += 1;
        } else {
            break;
        }
    }
    if b.get(end).is_some_and(|&c| is_word(c)) || n < 8 {
        return end;
    }
    let d = &digits[..n];
    if b[i] == b'+' && d.starts_with(b"44") {
        let mut nat = [0u8; 20];
        nat[0] = b'0';
        nat[1..n - 1].copy_from_slice(&d[2..]);
        if validate::uk_phone(&nat[..n - 1]) {
            push(out, text, Entity::PhoneNumber, i, end, 0.9, "UK phone number, +44 (Ofcom numbering plan)".into());
        }
    } else if b[i] == b'+' && (8..=15).contains(&n) {
        push(out, text, Entity::PhoneNumber, i, end, 0.6, "international number after + (ITU-T E.164)".into());
    } else if b[i] == b'(' && validate::uk_phone(d) {
        // "(0161) 496 0000" keeps its bracket; "(07700 900123)" does not.
        let start = if closed { i } else { i + 1 };
        push(out, text, Entity::PhoneNumber, start, end, 0.85, "UK phone number (Ofcom numbering plan)".into());
    }
    end
}
