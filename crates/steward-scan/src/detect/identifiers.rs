//! Upper-case identifiers (postcodes, IBANs, driving licences, vehicle registrations,
//! passports, references) and National Insurance numbers.

use super::context::{NINO_CONTEXT, NINO_WORDS, has_context};
use super::text::{is_word, push};
use super::validate;
use crate::{Detection, Entity};

/// Upper-case identifiers starting at `i`, read as up to 34 letters and digits with
/// single spaces allowed only where each format allows them.
pub(super) fn identifier(text: &str, i: usize, out: &mut Vec<Detection>) -> Option<usize> {
    let b = text.as_bytes();
    let mut chars = [0u8; 34];
    let mut ends = [0usize; 34];
    let mut gaps = [false; 34];
    let mut n = 0;
    let mut k = i;
    while n < 34 && k < b.len() {
        let c = b[k];
        if c.is_ascii_uppercase() || c.is_ascii_digit() {
            chars[n] = c;
            k += 1;
            ends[n] = k;
            n += 1;
        } else if c == b' ' && n > 0 && b.get(k + 1).is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
            gaps[n] = true;
            k += 1;
        } else {
            break;
        }
    }
    let boundary = |len: usize| len > 0 && !b.get(ends[len - 1]).is_some_and(|&c| is_word(c));
    let gaps_ok = |len: usize, allowed: &dyn Fn(usize) -> bool| (1..len).all(|p| !gaps[p] || allowed(p));
    // IBAN: longest first; spaces every four.
    if n >= 15 && chars[..2].iter().all(u8::is_ascii_uppercase) {
        for len in (15..=n).rev() {
            if boundary(len) && gaps_ok(len, &|p| p % 4 == 0) && validate::iban(&chars[..len]) {
                push(out, text, Entity::IbanCode, i, ends[len - 1], 0.95, "IBAN, mod-97 check (ISO 13616)".into());
                return Some(ends[len - 1]);
            }
        }
    }
    if n >= 16 && boundary(16) && gaps_ok(16, &|p| matches!(p, 5 | 11 | 13)) && validate::driving_licence(&chars[..16])
    {
        push(out, text, Entity::UkDrivingLicence, i, ends[15], 0.85, "UK driving licence format (DVLA)".into());
        return Some(ends[15]);
    }
    if n >= 7 && boundary(7) && gaps_ok(7, &|p| p == 4) && validate::vehicle_registration(&chars[..7]) {
        push(out, text, Entity::UkVehicleRegistration, i, ends[6], 0.7, "UK registration AB12 CDE (DVLA)".into());
        return Some(ends[6]);
    }
    for len in (5..=7.min(n)).rev() {
        if boundary(len) && gaps_ok(len, &|p| p == len - 3) && validate::postcode(&chars[..len]) {
            let conf = if gaps[len - 3] { 0.85 } else { 0.7 };
            push(out, text, Entity::UkPostcode, i, ends[len - 1], conf, "UK postcode format (Royal Mail PAF)".into());
            return Some(ends[len - 1]);
        }
    }
    None
}

/// Two letters at `i`, then a digit, or a separator and a digit or space: the cheap test
/// before [`nino`] reads a National Insurance number.
#[inline]
pub(super) fn nino_start(b: &[u8], i: usize) -> bool {
    i + 3 < b.len()
        && b[i].is_ascii_alphabetic()
        && b[i + 1].is_ascii_alphabetic()
        && (b[i + 2].is_ascii_digit()
            || (matches!(b[i + 2], b' ' | b'-' | b'.') && b[i + 3].is_ascii_digit())
            || (b[i + 2] == b' ' && b[i + 3] == b' '))
}

/// What people write between the parts of an NI number: nothing, one or two spaces, one
/// hyphen or one dot. Returns where the next part starts.
pub(super) fn nino_sep(b: &[u8], k: usize) -> usize {
    match b.get(k) {
        Some(b' ') if b.get(k + 1) == Some(&b' ') => k + 2,
        Some(b' ' | b'-' | b'.') => k + 1,
        _ => k,
    }
}

/// A National Insurance number at word start `i`: two prefix letters, three pairs of
/// digits and a suffix letter, in any case (`AB123456C`, `ab 12 34 56 c`), with nothing,
/// one or two spaces, a hyphen or a dot between the parts (`AB-12-34-56-C`,
/// `AB.12.34.56.C`, `jk45 6789b`) and a word boundary after it. The letters must make an
/// allocated number ([`validate::nino`]: prefix letters not D, F, I, Q, U or V, second
/// not O, prefixes BG, GB, KN, NK, NT, TN and ZZ not allocated, suffix A to D; source:
/// HMRC National Insurance Manual NIM39110). A lower-case prefix that is also a common
/// word ("on 12.05.19 a", "On 12 05 19 a"), followed by a separator, needs "NI" or
/// "insurance" before it; in capitals it is taken as written.
pub(super) fn nino(text: &str, i: usize, out: &mut Vec<Detection>) -> Option<usize> {
    let b = text.as_bytes();
    let mut chars = [0u8; 9];
    chars[0] = b[i].to_ascii_uppercase();
    chars[1] = b[i + 1].to_ascii_uppercase();
    let mut k = i + 2;
    for pair in 0..3 {
        k = nino_sep(b, k);
        let d = b.get(k..k + 2)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        chars[2 + 2 * pair..4 + 2 * pair].copy_from_slice(d);
        k += 2;
    }
    k = nino_sep(b, k);
    chars[8] = b.get(k)?.to_ascii_uppercase();
    let end = k + 1;
    if b.get(end).is_some_and(|&c| is_word(c)) || !validate::nino(&chars) {
        return None;
    }
    let capitals = b[i].is_ascii_uppercase() && b[i + 1].is_ascii_uppercase();
    let word = [b[i].to_ascii_lowercase(), b[i + 1].to_ascii_lowercase()];
    if !capitals
        && !b[i + 2].is_ascii_digit()
        && NINO_WORDS.contains(&&word[..])
        && !has_context(b, i, 40, NINO_CONTEXT)
    {
        return None;
    }
    push(out, text, Entity::UkNino, i, end, 0.9, "NI number, allocated prefix (HMRC NIM39110)".into());
    Some(end)
}
