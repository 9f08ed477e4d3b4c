//! Normal forms of identifiers (email, UK phone, NI and NHS numbers, postcodes, names)
//! used both to validate input and to build the blind-index keys for exact look-up.

use crate::CoreError;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Longest accepted email address (RFC 5321 §4.5.3.1.3 path limit less the brackets).
const MAX_EMAIL: usize = 254;

/// Normalise an email address for storage and look-up: trimmed and lower-cased.
///
/// Accepts `local@domain` with a non-empty local part, a domain containing a dot,
/// and no whitespace. The error never echoes the value.
pub fn email(field: &str, raw: &str) -> Result<String, CoreError> {
    let s = raw.trim().to_lowercase();
    let bad = || CoreError::invalid(field, "is not an email address (expected name@example.org)");
    if s.is_empty() || s.len() > MAX_EMAIL || s.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let (local, domain) = s.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(s)
}

/// Normalise a phone number to E.164 (`+447700900123`), reading numbers without a
/// country code as UK numbers (libphonenumber metadata via the `phonenumber` crate).
pub fn phone(field: &str, raw: &str) -> Result<String, CoreError> {
    let bad = || CoreError::invalid(field, "is not a phone number (e.g. 07700 900123 or +44 7700 900123)");
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.len() > 40 {
        return Err(bad());
    }
    let parsed = phonenumber::parse(Some(phonenumber::country::Id::GB), trimmed).map_err(|_| bad())?;
    let national = parsed.national().value().to_string();
    let is_uk = parsed.code().value() == 44;
    // Ofcom reserves ranges for drama (07700 900xxx, 01632 960xxx) that libphonenumber
    // calls invalid; they are well-formed UK numbers, so accept any ten-digit UK number.
    let plausible = parsed.is_valid() || (is_uk && national.len() == 10);
    if !plausible {
        return Err(bad());
    }
    Ok(parsed.format().mode(phonenumber::Mode::E164).to_string())
}

/// Prefix pairs never issued for National Insurance numbers (HMRC NIM39110).
const NI_BANNED_PREFIXES: [&str; 7] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];

/// Normalise a National Insurance number to `AB123456C` (no spaces, upper case).
///
/// Rules from HMRC's National Insurance Manual NIM39110: two prefix letters (the first
/// not D, F, I, Q, U or V; the second not D, F, I, O, Q, U or V; not BG, GB, KN, NK,
/// NT, TN or ZZ), six digits and a suffix A–D.
pub fn ni_number(field: &str, raw: &str) -> Result<String, CoreError> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
    let bad = || CoreError::invalid(field, "is not a valid National Insurance number (e.g. AB 12 34 56 C)");
    let b = s.as_bytes();
    if b.len() != 9 || !s.is_ascii() {
        return Err(bad());
    }
    let (first, second) = (b[0], b[1]);
    if !first.is_ascii_uppercase() || !second.is_ascii_uppercase() {
        return Err(bad());
    }
    if b"DFIQUV".contains(&first) || b"DFIOQUV".contains(&second) {
        return Err(bad());
    }
    if NI_BANNED_PREFIXES.contains(&&s[0..2]) {
        return Err(bad());
    }
    if !b[2..8].iter().all(u8::is_ascii_digit) || !b"ABCD".contains(&b[8]) {
        return Err(bad());
    }
    Ok(s)
}

/// Whether ten digits pass the NHS number modulus-11 check (NHS Data Dictionary,
/// "NHS Number": weights 10 down to 2, check digit 11 − (sum mod 11), 11 → 0, 10 invalid).
pub fn nhs_checksum_ok(digits: &[u8; 10]) -> bool {
    let sum: u32 = digits[..9].iter().enumerate().map(|(i, d)| u32::from(*d) * (10 - i as u32)).sum();
    let check = match 11 - (sum % 11) {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(digits[9])
}

/// Normalise an NHS number to ten digits, refusing any that fail the modulus-11 check.
pub fn nhs_number(field: &str, raw: &str) -> Result<String, CoreError> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let bad = || CoreError::invalid(field, "is not a valid NHS number (ten digits passing the check digit)");
    if s.len() != 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let mut digits = [0u8; 10];
    for (d, b) in digits.iter_mut().zip(s.bytes()) {
        *d = b - b'0';
    }
    if !nhs_checksum_ok(&digits) {
        return Err(bad());
    }
    Ok(s)
}

/// Format a normalised NHS number as people write it: `943 476 5919`.
pub fn nhs_display(normalised: &str) -> String {
    if normalised.len() == 10 && normalised.is_ascii() {
        format!("{} {} {}", &normalised[0..3], &normalised[3..6], &normalised[6..])
    } else {
        normalised.to_string()
    }
}

/// Normalise a UK postcode to upper case with one space before the inward code (`IP1 1AA`).
///
/// Shape per the Royal Mail Programmers' Guide: an outward code of 2–4 characters
/// starting with a letter, and an inward code of a digit and two letters.
pub fn postcode(field: &str, raw: &str) -> Result<String, CoreError> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let bad = || CoreError::invalid(field, "is not a UK postcode (e.g. IP1 1AA)");
    if !(5..=7).contains(&s.len()) || !s.is_ascii() || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad());
    }
    let (outward, inward) = s.split_at(s.len() - 3);
    let ib = inward.as_bytes();
    if !ib[0].is_ascii_digit() || !ib[1].is_ascii_alphabetic() || !ib[2].is_ascii_alphabetic() {
        return Err(bad());
    }
    if !outward.as_bytes()[0].is_ascii_alphabetic() || !outward.bytes().any(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(format!("{outward} {inward}"))
}

/// Fold a name for matching: Unicode compatibility decomposition, diacritics removed,
/// lower case, apostrophes dropped (`O'Brien` → `obrien`), other punctuation as spaces,
/// whitespace collapsed. `Siobhán Nguyễn` → `siobhan nguyen`.
pub fn fold_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.nfkd().filter(|c| !is_combining_mark(*c)) {
        if matches!(c, '\'' | '’' | '‘' | '`') {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The name tokens of a folded name.
pub fn name_tokens(raw: &str) -> Vec<String> {
    fold_name(raw).split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// Shortest prefix of a name token that the prefix index answers for.
pub const MIN_NAME_PREFIX: usize = 3;

/// Every prefix of `token` that the name index stores: lengths from
/// [`MIN_NAME_PREFIX`] (or the whole token if shorter) up to the whole token.
pub fn token_prefixes(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    let start = MIN_NAME_PREFIX.min(chars.len()).max(1);
    (start..=chars.len()).map(|n| chars[..n].iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(email("e", " Jane.Smith@Example.ORG ").as_deref(), Ok("jane.smith@example.org"));
        for bad in ["", "jane", "jane@", "@example.org", "jane@example", "ja ne@example.org", "a@b@c.org"] {
            assert!(email("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uk_phone_formats_normalise_to_e164() {
        for raw in [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700 900123",
            "(07700) 900-123",
        ] {
            assert_eq!(phone("p", raw).as_deref(), Ok("+447700900123"), "{raw}");
        }
        assert_eq!(phone("p", "01632 960 001").as_deref(), Ok("+441632960001"));
        assert_eq!(phone("p", "020 7946 0018").as_deref(), Ok("+442079460018"));
        assert!(phone("p", "12").is_err());
        assert!(phone("p", "not a phone").is_err());
    }

    #[test]
    fn ni_numbers_follow_hmrc_prefix_rules() {
        assert_eq!(ni_number("n", "ab 12 34 56 c").as_deref(), Ok("AB123456C"));
        assert!(ni_number("n", "QQ123456C").is_err(), "QQ is the specimen prefix, never issued");
        for bad in ["DA123456C", "AO123456C", "GB123456A", "NK123456A", "AB123456E", "AB12345C", "AB1234567C"] {
            assert!(ni_number("n", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nhs_numbers_need_a_good_check_digit() {
        assert_eq!(nhs_number("h", "943 476 5919").as_deref(), Ok("9434765919"));
        assert_eq!(nhs_number("h", "401-023-2137").as_deref(), Ok("4010232137"));
        assert!(nhs_number("h", "943 476 5918").is_err());
        assert!(nhs_number("h", "94347659").is_err());
        assert_eq!(nhs_display("9434765919"), "943 476 5919");
    }

    #[test]
    fn postcodes_get_one_space() {
        assert_eq!(postcode("p", "ip11aa").as_deref(), Ok("IP1 1AA"));
        assert_eq!(postcode("p", "SW1A 1AA").as_deref(), Ok("SW1A 1AA"));
        assert_eq!(postcode("p", "m1 1ae").as_deref(), Ok("M1 1AE"));
        assert!(postcode("p", "12345").is_err());
        assert!(postcode("p", "IP1").is_err());
    }

    #[test]
    fn names_fold_case_diacritics_and_apostrophes() {
        assert_eq!(fold_name("Siobhán  Nguyễn"), "siobhan nguyen");
        assert_eq!(fold_name("O'Brien"), "obrien");
        assert_eq!(fold_name("Zoë Smith-Jones"), "zoe smith jones");
        assert_eq!(fold_name("王芳"), "王芳");
        assert_eq!(name_tokens("  Mary-Jane  WATSON "), vec!["mary", "jane", "watson"]);
    }

    #[test]
    fn prefixes_start_at_three_letters_or_the_whole_short_token() {
        assert_eq!(token_prefixes("smith"), vec!["smi", "smit", "smith"]);
        assert_eq!(token_prefixes("li"), vec!["li"]);
        assert_eq!(token_prefixes("王芳"), vec!["王芳"]);
    }
}
