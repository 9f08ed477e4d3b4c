//! Check-digit and format validators for UK and international identifiers, each
//! citing the rule it implements. All work on bytes and never allocate.

/// NHS number check: 10 digits, weights 10 down to 2 on the first nine, check digit
/// `11 - (sum mod 11)` (11 becomes 0; 10 is never issued), and not all the same digit.
/// Source: NHS Data Dictionary, "NHS Number" (check digit algorithm, Modulus 11).
pub fn nhs_number(digits: &[u8]) -> bool {
    if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if digits.iter().all(|&d| d == digits[0]) {
        return false;
    }
    let sum: u32 = digits[..9].iter().enumerate().map(|(i, &d)| u32::from(d - b'0') * (10 - i as u32)).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(digits[9] - b'0')
}

/// National Insurance number: two prefix letters, six digits, suffix A–D (`AB123456C`,
/// upper case, no spaces). Neither prefix letter may be D, F, I, Q, U or V; the second
/// may not be O; the prefixes BG, GB, NK, KN, TN, NT and ZZ are not allocated.
/// Source: HMRC National Insurance Manual NIM39110.
pub fn nino(s: &[u8]) -> bool {
    if s.len() != 9 {
        return false;
    }
    let (a, b) = (s[0], s[1]);
    let bad = |c: u8| matches!(c, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V');
    if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() || bad(a) || bad(b) || b == b'O' {
        return false;
    }
    if matches!(&s[..2], b"BG" | b"GB" | b"NK" | b"KN" | b"TN" | b"NT" | b"ZZ") {
        return false;
    }
    s[2..8].iter().all(u8::is_ascii_digit) && matches!(s[8], b'A'..=b'D')
}

/// Luhn check (ISO/IEC 7812-1 Annex B) on 13 to 19 digits, as payment card numbers use.
pub fn luhn(digits: &[u8]) -> bool {
    if !(13..=19).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if digits.iter().all(|&d| d == digits[0]) {
        return false;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Issuer prefix of a payment card (ISO/IEC 7812 IIN ranges of the major schemes:
/// Visa 4, Mastercard 51–55 and 2221–2720, Amex 34/37, Discover 6011/65, Maestro 50/56–69,
/// JCB 35, Diners Club International 300–305, 3095, 36 and 38–39). Used to keep
/// Luhn-valid reference numbers out. Sources: ISO/IEC 7812-1; Discover Global Network
/// IIN ranges (which include Diners Club International's).
pub fn card_prefix(digits: &[u8]) -> bool {
    match digits.first() {
        Some(b'4') => true,
        Some(b'5') | Some(b'6') => true,
        Some(b'3') => match digits.get(1) {
            Some(b'4'..=b'9') => true,
            Some(b'0') => diners(digits),
            _ => false,
        },
        Some(b'2') => {
            let p: u32 = digits.iter().take(4).fold(0, |a, &d| a * 10 + u32::from(d - b'0'));
            (2221..=2720).contains(&p)
        }
        _ => false,
    }
}

/// Diners Club International's IIN ranges: 300–305, 3095, 36, 38 and 39.
/// Source: Discover Global Network IIN ranges (Diners Club International).
fn diners(d: &[u8]) -> bool {
    matches!(d, [b'3', b'0', b'0'..=b'5', ..] | [b'3', b'0', b'9', b'5', ..] | [b'3', b'6' | b'8' | b'9', ..])
}

/// Whether a card number is one that is printed in groups of 4, 6 and the rest: 15
/// digits of American Express (IIN 34 or 37, printed 4-6-5) or 14 of Diners Club
/// International (printed 4-6-4). Sources: ISO/IEC 7812-1 (IINs); American Express and
/// Diners Club card layouts as printed (e.g. `3714 496353 98431`, `3056 930902 5904`).
pub fn four_six_grouping(digits: &[u8]) -> bool {
    match digits.len() {
        15 => matches!(digits, [b'3', b'4' | b'7', ..]),
        14 => diners(digits),
        _ => false,
    }
}

/// IBAN: country code, two check digits, then up to 30 letters and digits; valid when
/// the rearranged number is 1 mod 97. Source: ISO 13616-1:2020, clause 7 (ISO 7064 MOD 97-10).
/// Takes the IBAN without spaces, upper case. GB IBANs must be 22 characters.
pub fn iban(s: &[u8]) -> bool {
    if !(15..=34).contains(&s.len()) {
        return false;
    }
    if !s[0].is_ascii_uppercase() || !s[1].is_ascii_uppercase() || !s[2].is_ascii_digit() || !s[3].is_ascii_digit() {
        return false;
    }
    if &s[..2] == b"GB" && s.len() != 22 {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in s[4..].iter().chain(&s[..4]) {
        match c {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + u32::from(c - b'A' + 10)) % 97,
            _ => return false,
        }
    }
    rem == 1
}

/// UK postcode (upper case, without the space): outward code `A9`, `A99`, `AA9`, `AA99`,
/// `A9A` or `AA9A`, then inward code `9AA`; the inward letters never include C, I, K, M,
/// O or V. Source: Royal Mail Programmers' Guide to the PAF, "Postcode format";
/// BS 7666. `GIR0AA` is accepted as the one special case.
pub fn postcode(s: &[u8]) -> bool {
    if s == b"GIR0AA" {
        return true;
    }
    let n = s.len();
    if !(5..=7).contains(&n) {
        return false;
    }
    let (out, inw) = s.split_at(n - 3);
    let inward_letter = |c: u8| c.is_ascii_uppercase() && !matches!(c, b'C' | b'I' | b'K' | b'M' | b'O' | b'V');
    if !(inw[0].is_ascii_digit() && inward_letter(inw[1]) && inward_letter(inw[2])) {
        return false;
    }
    let a = |c: u8| c.is_ascii_uppercase();
    let d = |c: u8| c.is_ascii_digit();
    match out {
        [x, y] => a(*x) && d(*y),
        [x, y, z] => a(*x) && ((d(*y) && d(*z)) || (a(*y) && d(*z)) || (d(*y) && a(*z))),
        [w, x, y, z] => a(*w) && a(*x) && d(*y) && (d(*z) || a(*z)),
        _ => false,
    }
}

/// UK vehicle registration in the current format (since September 2001): two letters,
/// a two-digit age identifier, three letters (`AB12 CDE`, no space here). The age
/// identifier is the year's last two digits for March issues (02–29 so far) or that
/// plus 50 for September issues (51–79); I, Q and Z are not used as memory-tag letters
/// and I and Q not in the random letters. Source: DVLA INF104 "Vehicle registration
/// numbers and number plates".
pub fn vehicle_registration(s: &[u8]) -> bool {
    if s.len() != 7 {
        return false;
    }
    let letter = |c: u8| c.is_ascii_uppercase() && c != b'I' && c != b'Q';
    if !(letter(s[0]) && s[0] != b'Z' && letter(s[1]) && s[1] != b'Z') {
        return false;
    }
    if !(s[2].is_ascii_digit() && s[3].is_ascii_digit()) {
        return false;
    }
    let age = (s[2] - b'0') * 10 + (s[3] - b'0');
    if !((2..=29).contains(&age) || (51..=79).contains(&age)) {
        return false;
    }
    s[4..].iter().all(|&c| letter(c))
}

/// UK (GB) driving licence number, 16 characters: five of the surname (padded with 9),
/// the decade digit of the birth year, birth month (plus 50 for women), day, year digit,
/// two initials (padded with 9), an arbitrary digit and two check characters.
/// Source: DVLA, "Your driving licence number" (INF45 / GOV.UK guidance on the format).
pub fn driving_licence(s: &[u8]) -> bool {
    if s.len() != 16 {
        return false;
    }
    let l9 = |c: u8| c.is_ascii_uppercase() || c == b'9';
    if !s[..5].iter().all(|&c| l9(c)) || !s[0].is_ascii_uppercase() {
        return false;
    }
    if !s[5..11].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let month = (s[6] - b'0') * 10 + (s[7] - b'0');
    let day = (s[8] - b'0') * 10 + (s[9] - b'0');
    if !((1..=12).contains(&month) || (51..=62).contains(&month)) || !(1..=31).contains(&day) {
        return false;
    }
    l9(s[11]) && s[11] != b'9' && l9(s[12]) && s[13].is_ascii_digit() && s[14..].iter().all(u8::is_ascii_alphanumeric)
}

/// A UK telephone number in national form (digits only, starting 0): 10 or 11 digits
/// beginning 01, 02, 03, 05, 07, 08 or 09; 11 digits for every range but some 01 areas
/// and 0500/0800 numbers. Source: Ofcom, "The National Telephone Numbering Plan".
pub fn uk_phone(national: &[u8]) -> bool {
    let n = national.len();
    if !(10..=11).contains(&n) || national[0] != b'0' {
        return false;
    }
    match national[1] {
        b'1' => true,
        b'2' | b'3' | b'7' | b'9' => n == 11,
        b'5' | b'8' => true,
        _ => false,
    }
}

/// Day, month and year make a real calendar date between 1900 and 2099 (Gregorian leap years).
pub fn date(y: u32, m: u32, d: u32) -> bool {
    if !(1900..=2099).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let max = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    d <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_examples() {
        assert!(nhs_number(b"9434765919"));
        assert!(!nhs_number(b"9434765918"));
        assert!(!nhs_number(b"1111111111"));
        assert!(nino(b"AB123456C"));
        assert!(!nino(b"GB123456A"));
        assert!(!nino(b"DA123456A"));
        assert!(!nino(b"AB123456E"));
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(!iban(b"GB82WEST12345698765433"));
        assert!(postcode(b"SW1A1AA"));
        assert!(postcode(b"M11AE"));
        assert!(!postcode(b"M11CE"));
        assert!(vehicle_registration(b"AB12CDE"));
        assert!(!vehicle_registration(b"AB40CDE"));
        assert!(driving_licence(b"MORGA753116SM9IJ"));
        assert!(uk_phone(b"07700900123"));
        assert!(!uk_phone(b"0770090012"));
        assert!(date(2000, 2, 29));
        assert!(!date(1900, 2, 29));
    }
}
