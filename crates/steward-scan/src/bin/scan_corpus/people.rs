//! People and their identifiers: valid (and deliberately invalid) UK numbers, and the
//! forms people write them in.

use crate::words::{MONTHS, STREETS, TOWNS};
use std::fmt::Write as _;

/// A person with identifiers.
#[derive(Clone)]
pub(crate) struct Person {
    pub(crate) first: String,
    pub(crate) last: String,
    pub(crate) email: String,
    pub(crate) phone: String,
    pub(crate) dob: (u32, u32, u32),
    pub(crate) nino: String,
    pub(crate) nhs: String,
    pub(crate) street: String,
    pub(crate) town: String,
    pub(crate) postcode: String,
    pub(crate) reference: String,
    pub(crate) licence: String,
    pub(crate) passport: String,
    pub(crate) reg: String,
    pub(crate) nickname: String,
}

pub(crate) fn pick<'a>(rng: &mut fastrand::Rng, xs: &'a [&'a str]) -> &'a str {
    xs[rng.usize(..xs.len())]
}

/// A valid NHS number (mod 11) in the 999 test range, or any 10 digits that pass.
pub(crate) fn nhs_number(rng: &mut fastrand::Rng, prefix: &str) -> String {
    loop {
        let mut d: Vec<u32> = prefix.chars().filter_map(|c| c.to_digit(10)).collect();
        while d.len() < 9 {
            d.push(rng.u32(0..10));
        }
        let sum: u32 = d.iter().enumerate().map(|(i, x)| x * (10 - i as u32)).sum();
        let check = (11 - sum % 11) % 11;
        if check == 10 {
            continue;
        }
        d.push(check);
        return d.iter().map(|x| char::from_digit(*x, 10).unwrap_or('0')).collect();
    }
}

/// A National Insurance number with a valid prefix.
pub(crate) fn nino(rng: &mut fastrand::Rng) -> String {
    const FIRST_OK: &str = "ABCEGHJKLMNOPRSTWXYZ";
    const SECOND_OK: &str = "ABCEGHJKLMNPRSTWXYZ";
    const BAD: &[&str] = &["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"];
    loop {
        let a = FIRST_OK.as_bytes()[rng.usize(..FIRST_OK.len())] as char;
        let b = SECOND_OK.as_bytes()[rng.usize(..SECOND_OK.len())] as char;
        let p = format!("{a}{b}");
        if BAD.contains(&p.as_str()) {
            continue;
        }
        let suffix = ['A', 'B', 'C', 'D'][rng.usize(..4)];
        return format!("{p}{:06}{suffix}", rng.u32(0..1_000_000));
    }
}

/// A postcode in the right format, in districts 90–99 (which do not exist in these areas).
pub(crate) fn postcode(rng: &mut fastrand::Rng, area: &str) -> String {
    const IN: &str = "ABDEFGHJLNPQRSTUWXYZ";
    let l1 = IN.as_bytes()[rng.usize(..IN.len())] as char;
    let l2 = IN.as_bytes()[rng.usize(..IN.len())] as char;
    format!("{area}{} {}{l1}{l2}", rng.u32(90..100), rng.u32(1..10))
}

pub(crate) fn driving_licence(
    rng: &mut fastrand::Rng,
    last: &str,
    first: &str,
    dob: (u32, u32, u32),
    female: bool,
) -> String {
    let mut sur: String = last.chars().filter(|c| c.is_ascii_alphabetic()).take(5).collect::<String>().to_uppercase();
    while sur.len() < 5 {
        sur.push('9');
    }
    let (d, m, y) = dob;
    let month = if female { m + 50 } else { m };
    let init = first.chars().next().unwrap_or('X').to_ascii_uppercase();
    let a = (b'A' + rng.u8(0..26)) as char;
    let b = (b'A' + rng.u8(0..26)) as char;
    format!("{sur}{}{month:02}{d:02}{}{init}99{a}{b}", (y / 10) % 10, y % 10)
}

pub(crate) fn vehicle_reg(rng: &mut fastrand::Rng) -> String {
    const L: &str = "ABCDEFGHJKLMNOPRSTUVWXYZ";
    let mut s = String::new();
    for _ in 0..2 {
        s.push(L.as_bytes()[rng.usize(..L.len())] as char);
    }
    let _ = write!(s, "{:02} ", [19, 20, 21, 22, 23, 69, 70, 71, 72, 73][rng.usize(..10)]);
    for _ in 0..3 {
        s.push(L.as_bytes()[rng.usize(..L.len())] as char);
    }
    s
}

pub(crate) fn person(rng: &mut fastrand::Rng, first: &str, last: &str) -> Person {
    let female = rng.bool();
    let dob = (rng.u32(1..29), rng.u32(1..13), rng.u32(1940..2015));
    let (town, area) = TOWNS[rng.usize(..TOWNS.len())];
    let clean_last: String = last.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let domain = ["example.org", "example.com", "example.net"][rng.usize(..3)];
    Person {
        first: first.into(),
        last: last.into(),
        email: format!("{}.{}@{domain}", first.to_lowercase(), clean_last.to_lowercase()),
        phone: format!("07700 900{:03}", rng.u32(0..1000)),
        dob,
        nino: nino(rng),
        nhs: nhs_number(rng, "999"),
        street: format!("{} {}", rng.u32(1..120), pick(rng, STREETS)),
        town: town.into(),
        postcode: postcode(rng, area),
        reference: format!("TEN-{:06}", rng.u32(100_000..1_000_000)),
        licence: driving_licence(rng, last, first, dob, female),
        passport: format!("{:09}", rng.u32(100_000_000..1_000_000_000)),
        reg: vehicle_reg(rng),
        nickname: first.into(),
    }
}

pub(crate) fn subject(name: &str) -> Person {
    let mut parts = name.split_whitespace();
    let first = parts.next().unwrap_or("Jane").to_string();
    let last = parts.next_back().unwrap_or("Smith").to_string();
    let nickname = if first == "Jane" { "Janey".to_string() } else { first.clone() };
    let mut rng = fastrand::Rng::with_seed(1985);
    let mut p = person(&mut rng, &first, &last);
    p.email = format!("{}.{}@example.org", first.to_lowercase(), last.to_lowercase());
    p.phone = "07700 900123".into();
    p.dob = (12, 3, 1985);
    p.nino = "JK456789B".into();
    p.nhs = nhs_number(&mut rng, "999");
    p.street = "27 Larkspur Close".into();
    p.town = "Leeds".into();
    p.postcode = "LS98 4TQ".into();
    p.reference = "TEN-204518".into();
    p.licence = driving_licence(&mut rng, &last, &first, p.dob, true);
    p.passport = "925076473".into();
    p.reg = "YK19 HNP".into();
    p.nickname = nickname;
    p
}

pub(crate) fn date_text(rng: &mut fastrand::Rng) -> String {
    format!("{} {} {}", rng.u32(1..29), MONTHS[rng.usize(..12)], rng.u32(2021..2026))
}

pub(crate) fn phone_form(rng: &mut fastrand::Rng, p: &str) -> String {
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let rest = &digits[1..];
    match rng.u8(0..4) {
        0 => p.to_string(),
        1 => format!("+44 {} {} {}", &rest[..4], &rest[4..7], &rest[7..]),
        2 => digits.clone(),
        _ => format!("({}) {}", &digits[..5], &digits[5..]),
    }
}

pub(crate) fn nino_form(rng: &mut fastrand::Rng, n: &str) -> String {
    let (p, d, s) = (&n[..2], &n[2..8], &n[8..]);
    match rng.u8(0..4) {
        0 => n.to_string(),
        1 => format!("{p} {} {} {} {s}", &d[..2], &d[2..4], &d[4..]),
        2 => format!("{p} {d} {s}"),
        _ => format!("{p}{} {}{s}", &d[..2], &d[2..]).to_lowercase(),
    }
}

pub(crate) fn nhs_form(rng: &mut fastrand::Rng, n: &str) -> String {
    match rng.u8(0..3) {
        0 => format!("{} {} {}", &n[..3], &n[3..6], &n[6..]),
        1 => n.to_string(),
        _ => format!("{}-{}-{}", &n[..3], &n[3..6], &n[6..]),
    }
}

pub(crate) fn dob_form(rng: &mut fastrand::Rng, dob: (u32, u32, u32)) -> String {
    let (d, m, y) = dob;
    match rng.u8(0..3) {
        0 => format!("{d:02}/{m:02}/{y}"),
        1 => format!("{d} {} {y}", MONTHS[(m - 1) as usize]),
        _ => format!("{d:02}.{m:02}.{y}"),
    }
}

/// A number that passes the NHS mod-11 check but is an order number (a hard negative).
pub(crate) fn order_number(rng: &mut fastrand::Rng) -> String {
    nhs_number(rng, "40")
}

/// An invalid NI number: a forbidden first letter or a forbidden pair.
pub(crate) fn bad_nino(rng: &mut fastrand::Rng) -> String {
    let p = ["QQ", "DA", "FY", "VB", "GB", "NK", "TN", "ZZ", "BG"][rng.usize(..9)];
    format!("{p}{:06}{}", rng.u32(0..1_000_000), ['A', 'B', 'C', 'D'][rng.usize(..4)])
}

pub(crate) fn iban(rng: &mut fastrand::Rng) -> String {
    let bank = ["NWBK", "BARC", "LOYD", "MIDL"][rng.usize(..4)];
    let bban = format!("{bank}{:06}{:08}", rng.u32(0..1_000_000), rng.u32(0..100_000_000));
    let mut digits = String::new();
    for c in format!("{bban}GB00").chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            let _ = write!(digits, "{}", c as u32 - 'A' as u32 + 10);
        }
    }
    let rem = digits.chars().fold(0u64, |r, c| (r * 10 + u64::from(c.to_digit(10).unwrap_or(0))) % 97);
    let raw = format!("GB{:02}{bban}", 98 - rem);
    raw.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

pub(crate) fn card(rng: &mut fastrand::Rng) -> String {
    ["4111 1111 1111 1111", "5555 5555 5555 4444", "4000 0566 5566 5556", "3782 822463 10005"][rng.usize(..4)].into()
}
