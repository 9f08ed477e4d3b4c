//! `scan_corpus`: writes a labelled, fictional, UK-flavoured corpus for evaluating the
//! scanner (emails as `.eml` and an mbox, letters, case notes, CSV sheets, DOCX and PDF)
//! with a gold file `gold.jsonl` of every personal-data span in it.
//!
//! Usage: `scan_corpus --out DIR [--docs N] [--seed S] [--name "First Last"] [--megabytes M]`
//!
//! Offsets in `gold.jsonl` are byte offsets into the file for the plain-text formats
//! (`txt`, `eml`, `mbox`, `csv`); for `docx` and `pdf` they are byte offsets into the
//! extracted text (paragraphs or lines joined by `\n`), and the line says so in `format`.
//! The same seed always writes the same corpus.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const FIRST: &[&str] = &[
    "Priya", "Oliver", "Amelia", "Mohammed", "Sophie", "Callum", "Aisha", "Thomas", "Grace", "Daniel", "Chloe", "Rhys",
    "Hannah", "Samuel", "Zainab", "Connor", "Emily", "Kwame", "Lucy", "Arjun", "Megan", "Liam", "Fatima", "George",
    "Niamh", "Ewan", "Isla", "Tomasz", "Ruth", "Declan", "Harriet", "Joseph", "Siobhan", "Marcus", "Eleanor", "Yusuf",
    "Bethan", "Patrick", "Leah", "Graham", "April", "Dylan", "Margaret", "Kieran", "Olivia",
];
const LAST: &[&str] = &[
    "Patel",
    "Hughes",
    "Okafor",
    "Campbell",
    "Wright",
    "Khan",
    "Morgan",
    "Evans",
    "O'Brien",
    "Robinson",
    "Ahmed",
    "Thompson",
    "Kowalski",
    "Fraser",
    "Davies",
    "Begum",
    "Mensah",
    "Walsh",
    "Turner",
    "Singh",
    "MacLeod",
    "Price",
    "Nowak",
    "Clarke",
    "Jenkins",
    "Hussain",
    "Lloyd",
    "Baker",
    "Reid",
    "Chaudhry",
    "Ellis",
    "Doyle",
    "Pritchard",
];
const STREETS: &[&str] = &[
    "Larkspur Close",
    "Mill Lane",
    "Victoria Road",
    "Hawthorn Drive",
    "Church Street",
    "Orchard Way",
    "Station Road",
    "Kingfisher Court",
    "Bramley Gardens",
    "Queensway",
    "Albion Terrace",
    "Willow Crescent",
    "Cedar Grove",
];
const TOWNS: &[(&str, &str)] = &[
    ("Leeds", "LS"),
    ("Manchester", "M"),
    ("Bristol", "BS"),
    ("Cardiff", "CF"),
    ("Newcastle", "NE"),
    ("Sheffield", "S"),
    ("Nottingham", "NG"),
    ("Norwich", "NR"),
];
/// Special-category phrases: an article (outside the span) and the labelled words.
const HEALTH: &[(&str, &str)] = &[
    ("", "depression"),
    ("", "type 2 diabetes"),
    ("", "epilepsy"),
    ("", "anxiety"),
    ("a ", "hearing impairment"),
    ("", "multiple sclerosis"),
    ("a ", "criminal conviction"),
    ("", "pregnancy"),
];
const ROLES: &[&str] = &["Housing Officer", "Case Worker", "Tenancy Manager", "Support Worker", "Customer Adviser"];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Subject or third party, as in the scanner's output.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Subject,
    Third,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Subject => "subject",
            Kind::Third => "third_party",
        }
    }
}

/// One labelled span in a document's text.
struct Span {
    entity: &'static str,
    start: usize,
    end: usize,
    kind: Kind,
}

/// A document's text with its labelled spans; `prefix` is written after every newline
/// (quoted replies).
#[derive(Default)]
struct Doc {
    text: String,
    spans: Vec<Span>,
    prefix: &'static str,
}

impl Doc {
    fn t(&mut self, s: &str) {
        if self.prefix.is_empty() {
            self.text.push_str(s);
        } else {
            for c in s.chars() {
                self.text.push(c);
                if c == '\n' {
                    self.text.push_str(self.prefix);
                }
            }
        }
    }
    fn e(&mut self, entity: &'static str, kind: Kind, s: &str) {
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push(Span { entity, start, end: self.text.len(), kind });
    }
}

/// A person with identifiers.
#[derive(Clone)]
struct Person {
    first: String,
    last: String,
    email: String,
    phone: String,
    dob: (u32, u32, u32),
    nino: String,
    nhs: String,
    street: String,
    town: String,
    postcode: String,
    reference: String,
    licence: String,
    passport: String,
    reg: String,
    nickname: String,
}

fn pick<'a>(rng: &mut fastrand::Rng, xs: &'a [&'a str]) -> &'a str {
    xs[rng.usize(..xs.len())]
}

/// A valid NHS number (mod 11) in the 999 test range, or any 10 digits that pass.
fn nhs_number(rng: &mut fastrand::Rng, prefix: &str) -> String {
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
fn nino(rng: &mut fastrand::Rng) -> String {
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
fn postcode(rng: &mut fastrand::Rng, area: &str) -> String {
    const IN: &str = "ABDEFGHJLNPQRSTUWXYZ";
    let l1 = IN.as_bytes()[rng.usize(..IN.len())] as char;
    let l2 = IN.as_bytes()[rng.usize(..IN.len())] as char;
    format!("{area}{} {}{l1}{l2}", rng.u32(90..100), rng.u32(1..10))
}

fn driving_licence(rng: &mut fastrand::Rng, last: &str, first: &str, dob: (u32, u32, u32), female: bool) -> String {
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

fn vehicle_reg(rng: &mut fastrand::Rng) -> String {
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

fn person(rng: &mut fastrand::Rng, first: &str, last: &str) -> Person {
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

fn subject(name: &str) -> Person {
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

/// The generator: the subject, a pool of third parties, and the random source.
struct Gen {
    rng: fastrand::Rng,
    subject: Person,
    people: Vec<Person>,
}

fn date_text(rng: &mut fastrand::Rng) -> String {
    format!("{} {} {}", rng.u32(1..29), MONTHS[rng.usize(..12)], rng.u32(2021..2026))
}

fn phone_form(rng: &mut fastrand::Rng, p: &str) -> String {
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let rest = &digits[1..];
    match rng.u8(0..4) {
        0 => p.to_string(),
        1 => format!("+44 {} {} {}", &rest[..4], &rest[4..7], &rest[7..]),
        2 => digits.clone(),
        _ => format!("({}) {}", &digits[..5], &digits[5..]),
    }
}

fn nino_form(rng: &mut fastrand::Rng, n: &str) -> String {
    let (p, d, s) = (&n[..2], &n[2..8], &n[8..]);
    match rng.u8(0..4) {
        0 => n.to_string(),
        1 => format!("{p} {} {} {} {s}", &d[..2], &d[2..4], &d[4..]),
        2 => format!("{p} {d} {s}"),
        _ => format!("{p}{} {}{s}", &d[..2], &d[2..]).to_lowercase(),
    }
}

fn nhs_form(rng: &mut fastrand::Rng, n: &str) -> String {
    match rng.u8(0..3) {
        0 => format!("{} {} {}", &n[..3], &n[3..6], &n[6..]),
        1 => n.to_string(),
        _ => format!("{}-{}-{}", &n[..3], &n[3..6], &n[6..]),
    }
}

fn dob_form(rng: &mut fastrand::Rng, dob: (u32, u32, u32)) -> String {
    let (d, m, y) = dob;
    match rng.u8(0..3) {
        0 => format!("{d:02}/{m:02}/{y}"),
        1 => format!("{d} {} {y}", MONTHS[(m - 1) as usize]),
        _ => format!("{d:02}.{m:02}.{y}"),
    }
}

/// A number that passes the NHS mod-11 check but is an order number (a hard negative).
fn order_number(rng: &mut fastrand::Rng) -> String {
    nhs_number(rng, "40")
}

/// An invalid NI number: a forbidden first letter or a forbidden pair.
fn bad_nino(rng: &mut fastrand::Rng) -> String {
    let p = ["QQ", "DA", "FY", "VB", "GB", "NK", "TN", "ZZ", "BG"][rng.usize(..9)];
    format!("{p}{:06}{}", rng.u32(0..1_000_000), ['A', 'B', 'C', 'D'][rng.usize(..4)])
}

fn iban(rng: &mut fastrand::Rng) -> String {
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

fn card(rng: &mut fastrand::Rng) -> String {
    ["4111 1111 1111 1111", "5555 5555 5555 4444", "4000 0566 5566 5556", "3782 822463 10005"][rng.usize(..4)].into()
}

/// Sentence templates. Placeholders: `{s}` a form of the subject's name, `{S}` the
/// subject's full name, `{sf}` first name, `{t}` a third party's full name, `{tf}` the
/// same person's first name, `{t2}` another third party, and identifiers prefixed `s`
/// (subject) or `t` (third party): `phone email dob nino nhs pc addr ref lic pass reg`;
/// unlabelled: `{date}`, `{order}`, `{badni}`, `{month}`, `{town}`; labelled `{health}`,
/// `{card}`, `{iban}`, `{bank}` belong to the third party in context.
const SENTENCES: &[&str] = &[
    "{s} telephoned on {date} about the damp in the back bedroom.",
    "I spoke to {s} again today; she said {t} from the next flat had been helping with shopping.",
    "{S} (date of birth {sdob}) lives at {saddr}, {town} {spc}.",
    "Her mobile is {sphone} and her email address is {semail}.",
    "Tenancy reference {sref} was quoted in the call.",
    "{t} can be reached on {tphone} or at {temail}.",
    "{tf} said she would prefer a call after 5pm.",
    "Will you please confirm the visit with {s} before Friday?",
    "Bill payments for the garage are due in {month}.",
    "May we remind you that Order no. {order} is still outstanding.",
    "The invoice quotes order number {order} and a delivery date of {date}.",
    "Our office in Chester will close in May for refurbishment.",
    "A form was returned with the NI number {badni}, which is not a valid number.",
    "Her National Insurance number is {snino} and her NHS number is {snhs}.",
    "{t} (NHS number {tnhs}, born {tdob}) is her neighbour and has {health}.",
    "{s} told me that she has been treated for {shealth} since last year.",
    "{t2} from the council wrote to {t} at {taddr}, {tpc}.",
    "The GP, Dr {t}, confirmed the referral on {date}.",
    "{t}'s National Insurance number was given as {tnino}.",
    "Payment was taken by card {card} from {t}.",
    "Please pay the refund to {t} at IBAN {iban}.",
    "The rent is paid from sort code {bank}.",
    "A car with registration {treg} belonging to {t} was parked in the bay for {s}.",
    "{s}'s own car is {sreg}.",
    "{s} showed her driving licence, number {slic}, and passport {spass}.",
    "{t} showed driving licence {tlic} as proof of identity.",
    "Chester and Bath were both mentioned as possible transfer areas.",
    "JANE SMITH was written on the envelope in capitals.",
    "Contact {s} on {sphone} if there is no answer at the door.",
    "{t} and {t2} attended the residents' meeting on {date}.",
    "April rent was paid late but March was on time.",
    "Mark the file as reviewed and close the repair ticket.",
    "The caretaker said the lift would be fixed by the end of {month}.",
    "She asked that letters go to {saddr}, {spc}, not to her sister {t}.",
];

impl Gen {
    fn third(&mut self) -> Person {
        self.people[self.rng.usize(..self.people.len())].clone()
    }

    fn subject_name(&mut self) -> (String, bool) {
        let s = &self.subject;
        let (first, last) = (s.first.clone(), s.last.clone());
        match self.rng.u8(0..8) {
            0 | 1 => (format!("{first} {last}"), false),
            2 => (format!("{}. {last}", &first[..1]), false),
            3 => (format!("Ms {last}"), true),
            4 => (first, false),
            5 => (s.nickname.clone(), false),
            6 => (format!("{first} {last}").to_uppercase(), false),
            _ => (format!("Mrs {last}"), true),
        }
    }

    /// Writes one sentence into `doc`, expanding its placeholders.
    fn sentence(&mut self, doc: &mut Doc, tpl: &str) {
        let t = self.third();
        let t2 = self.third();
        let s = self.subject.clone();
        let mut rest = tpl;
        while let Some(open) = rest.find('{') {
            doc.t(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let key = &rest[open + 1..close];
            rest = &rest[(close + 1).min(rest.len())..];
            let rng = &mut self.rng;
            match key {
                "s" => {
                    let (name, titled) = self.subject_name();
                    if titled {
                        let (title, last) = name.split_at(name.find(' ').map_or(0, |i| i + 1));
                        doc.t(title);
                        doc.e("PERSON", Kind::Subject, last);
                    } else {
                        doc.e("PERSON", Kind::Subject, &name);
                    }
                }
                "S" => doc.e("PERSON", Kind::Subject, &format!("{} {}", s.first, s.last)),
                "sf" => doc.e("PERSON", Kind::Subject, &s.first),
                "t" => doc.e("PERSON", Kind::Third, &format!("{} {}", t.first, t.last)),
                "tf" => doc.e("PERSON", Kind::Third, &t.first),
                "t2" => doc.e("PERSON", Kind::Third, &format!("{} {}", t2.first, t2.last)),
                "date" => doc.t(&date_text(rng)),
                "order" => doc.t(&order_number(rng)),
                "badni" => doc.t(&bad_nino(rng)),
                "month" => doc.t(MONTHS[rng.usize(..12)]),
                "town" => doc.t(&s.town),
                "health" | "shealth" => {
                    let (article, words) = HEALTH[rng.usize(..HEALTH.len())];
                    doc.t(article);
                    doc.e("SPECIAL_CATEGORY", if key == "health" { Kind::Third } else { Kind::Subject }, words);
                }
                "card" => doc.e("CREDIT_CARD", Kind::Third, &card(rng)),
                "iban" => doc.e("IBAN_CODE", Kind::Third, &iban(rng)),
                "bank" => {
                    let v = format!(
                        "{:02}-{:02}-{:02}, account {:08}",
                        rng.u32(10..99),
                        rng.u32(0..99),
                        rng.u32(0..99),
                        rng.u32(0..100_000_000)
                    );
                    doc.e("UK_BANK_ACCOUNT", Kind::Subject, &v);
                }
                _ => {
                    let (who, kind, field) = match key.split_at(1) {
                        ("s", f) => (&s, Kind::Subject, f),
                        (_, f) => (&t, Kind::Third, f),
                    };
                    let (entity, text) = match field {
                        "phone" => ("PHONE_NUMBER", phone_form(rng, &who.phone)),
                        "email" => ("EMAIL_ADDRESS", who.email.clone()),
                        "dob" => ("DATE_OF_BIRTH", dob_form(rng, who.dob)),
                        "nino" => ("UK_NINO", nino_form(rng, &who.nino)),
                        "nhs" => ("UK_NHS", nhs_form(rng, &who.nhs)),
                        "pc" => {
                            let pc =
                                if rng.u8(0..5) == 0 { who.postcode.replace(' ', "") } else { who.postcode.clone() };
                            ("UK_POSTCODE", pc)
                        }
                        "addr" => ("LOCATION", who.street.clone()),
                        "ref" => ("REFERENCE", who.reference.clone()),
                        "lic" => ("UK_DRIVING_LICENCE", who.licence.clone()),
                        "pass" => ("UK_PASSPORT", who.passport.clone()),
                        "reg" => ("UK_VEHICLE_REGISTRATION", who.reg.clone()),
                        _ => ("", key.to_string()),
                    };
                    if entity.is_empty() {
                        doc.t(&text);
                    } else {
                        doc.e(entity, kind, &text);
                    }
                }
            }
        }
        doc.t(rest);
    }

    fn paragraph(&mut self, doc: &mut Doc, sentences: usize) {
        for i in 0..sentences {
            if i > 0 {
                doc.t(" ");
            }
            let tpl = SENTENCES[self.rng.usize(..SENTENCES.len())];
            // The literal "JANE SMITH" sentence is only true for the default subject.
            if tpl.starts_with("JANE SMITH") && self.subject.first != "Jane" {
                continue;
            }
            if let Some(rest) = tpl.strip_prefix("JANE SMITH") {
                doc.e("PERSON", Kind::Subject, "JANE SMITH");
                doc.t(rest);
            } else {
                self.sentence(doc, tpl);
            }
        }
    }

    fn signature(&mut self, doc: &mut Doc, p: &Person, kind: Kind) {
        doc.t("Kind regards,\n");
        doc.e("PERSON", kind, &format!("{} {}", p.first, p.last));
        let phone = if kind == Kind::Subject {
            doc.t("\nTel: ");
            phone_form(&mut self.rng, &p.phone)
        } else {
            let role = pick(&mut self.rng, ROLES);
            doc.t(&format!("\n{role}\nTel: "));
            format!("0113 496 0{:03}", self.rng.u32(0..1000))
        };
        doc.e("PHONE_NUMBER", kind, &phone);
        doc.t("\n");
    }

    fn email(&mut self, doc: &mut Doc, n: usize) {
        let s = self.subject.clone();
        let officer = self.third();
        let from_subject = self.rng.bool();
        let (from, to, fk, tk) = if from_subject {
            (&s, &officer, Kind::Subject, Kind::Third)
        } else {
            (&officer, &s, Kind::Third, Kind::Subject)
        };
        doc.t("From: ");
        doc.e("PERSON", fk, &format!("{} {}", from.first, from.last));
        doc.t(" <");
        doc.e("EMAIL_ADDRESS", fk, &from.email);
        doc.t(">\nTo: ");
        doc.e("PERSON", tk, &format!("{} {}", to.first, to.last));
        doc.t(" <");
        doc.e("EMAIL_ADDRESS", tk, &to.email);
        let date = date_text(&mut self.rng);
        doc.t(&format!(
            ">\nSubject: Re: repairs and tenancy\nDate: {date}\nMessage-ID: <msg{n:06}@housing.example.org>\nContent-Type: text/plain; charset=us-ascii\n\n"
        ));
        doc.t("Dear ");
        if from_subject {
            doc.e("PERSON", Kind::Third, &officer.first);
        } else {
            doc.e("PERSON", Kind::Subject, &s.first);
        }
        doc.t(",\n\n");
        for _ in 0..self.rng.usize(1..4) {
            let k = self.rng.usize(2..5);
            self.paragraph(doc, k);
            doc.t("\n\n");
        }
        self.signature(doc, from, fk);
        if self.rng.bool() {
            doc.t("\nOn ");
            doc.t(&date_text(&mut self.rng));
            doc.t(", ");
            doc.e("PERSON", tk, &format!("{} {}", to.first, to.last));
            doc.t(" <");
            doc.e("EMAIL_ADDRESS", tk, &to.email);
            doc.t("> wrote:\n> ");
            doc.prefix = "> ";
            let k = self.rng.usize(2..4);
            self.paragraph(doc, k);
            doc.t("\n");
            self.signature(doc, to, tk);
            doc.prefix = "";
            doc.t("\n");
        }
    }

    fn letter(&mut self, doc: &mut Doc) {
        let s = self.subject.clone();
        let officer = self.third();
        doc.t("Housing Services\nCivic Centre\n\n");
        doc.t("Ms ");
        doc.e("PERSON", Kind::Subject, &format!("{} {}", s.first, s.last));
        doc.t("\n");
        doc.e("LOCATION", Kind::Subject, &s.street);
        doc.t(&format!("\n{}\n", s.town));
        doc.e("UK_POSTCODE", Kind::Subject, &s.postcode);
        doc.t(&format!("\n\n{}\n\nOur ref: ", date_text(&mut self.rng)));
        doc.e("REFERENCE", Kind::Subject, &s.reference);
        doc.t("\n\nDear Ms ");
        doc.e("PERSON", Kind::Subject, &s.last);
        doc.t(",\n\n");
        for _ in 0..self.rng.usize(2..5) {
            let k = self.rng.usize(2..5);
            self.paragraph(doc, k);
            doc.t("\n\n");
        }
        self.signature(doc, &officer, Kind::Third);
    }

    fn case_note(&mut self, doc: &mut Doc) {
        let worker = self.third();
        doc.t("CASE NOTE\nCase: ");
        doc.e("REFERENCE", Kind::Subject, &self.subject.reference.clone());
        doc.t("\nWorker: ");
        doc.e("PERSON", Kind::Third, &format!("{} {}", worker.first, worker.last));
        doc.t(&format!("\nDate: {}\n\n", date_text(&mut self.rng)));
        for _ in 0..self.rng.usize(3..7) {
            doc.t("- ");
            let k = self.rng.usize(1..4);
            self.paragraph(doc, k);
            doc.t("\n");
        }
    }

    fn sheet(&mut self, doc: &mut Doc) {
        doc.t("name,email,phone,postcode,date_of_birth,notes\n");
        let rows = self.rng.usize(5..20);
        let subject_row = self.rng.usize(..rows);
        for r in 0..rows {
            let (p, k) =
                if r == subject_row { (self.subject.clone(), Kind::Subject) } else { (self.third(), Kind::Third) };
            doc.e("PERSON", k, &format!("{} {}", p.first, p.last));
            doc.t(",");
            doc.e("EMAIL_ADDRESS", k, &p.email);
            doc.t(",");
            let phone = phone_form(&mut self.rng, &p.phone);
            doc.e("PHONE_NUMBER", k, &phone);
            doc.t(",");
            doc.e("UK_POSTCODE", k, &p.postcode);
            doc.t(",");
            let (d, m, y) = p.dob;
            doc.e("DATE_OF_BIRTH", k, &format!("{d:02}/{m:02}/{y}"));
            let note = ["", "prefers email", "Will call back", "order 4010232137", "May visit"][self.rng.usize(..5)];
            doc.t(&format!(",{note}\n"));
        }
    }
}

/// Replaces spaces outside labelled spans with newlines so that no line is much longer
/// than `width` (length-preserving, so offsets stay valid).
fn wrap(doc: &mut Doc, width: usize) {
    let mut bytes = std::mem::take(&mut doc.text).into_bytes();
    let mut line_start = 0;
    let mut last_space = None;
    for i in 0..bytes.len() {
        if bytes[i] == b'\n' {
            line_start = i + 1;
            last_space = None;
            continue;
        }
        if bytes[i] == b' ' && !doc.spans.iter().any(|s| s.start <= i && i < s.end) {
            last_space = Some(i);
        }
        if i - line_start >= width
            && let Some(sp) = last_space
        {
            bytes[sp] = b'\n';
            line_start = sp + 1;
            last_space = None;
        }
    }
    doc.text = String::from_utf8_lossy(&bytes).into_owned();
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A ZIP archive with stored (uncompressed) entries.
fn zip_stored(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            for v in [20u16, 0, 0, 0, 0x21] {
                h.extend_from_slice(&v.to_le_bytes());
            }
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                for v in [0u16, 0, 0] {
                    h.extend_from_slice(&v.to_le_bytes());
                }
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, entries.len() as u16, entries.len() as u16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A minimal DOCX: one `w:p` per line of `text`.
fn docx(text: &str) -> Vec<u8> {
    let mut body = String::new();
    for para in text.split('\n') {
        let _ = write!(body, "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", xml_escape(para));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    zip_stored(&[
        ("[Content_Types].xml", types.as_bytes().to_vec()),
        ("_rels/.rels", rels.as_bytes().to_vec()),
        ("word/document.xml", document.into_bytes()),
    ])
}

/// A minimal one-page PDF (Helvetica), one text line per line of `text`.
fn pdf(text: &str) -> Vec<u8> {
    let mut content = String::from("BT /F1 9 Tf 11 TL 40 800 Td\n");
    for line in text.split('\n') {
        let esc = line.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
        let _ = writeln!(content, "({esc}) Tj T*");
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{o}\nendobj\n", i + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(out, "{o:010} 00000 n ");
    }
    let _ = write!(out, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
    out.into_bytes()
}

struct Args {
    out: PathBuf,
    docs: usize,
    seed: u64,
    name: String,
    megabytes: Option<f64>,
}

fn parse_args() -> Res<Args> {
    let mut a = Args { out: PathBuf::new(), docs: 300, seed: 42, name: "Jane Smith".into(), megabytes: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => a.out = PathBuf::from(val()?),
            "--docs" => a.docs = val()?.parse()?,
            "--seed" => a.seed = val()?.parse()?,
            "--name" => a.name = val()?,
            "--megabytes" => a.megabytes = Some(val()?.parse()?),
            "-h" | "--help" => {
                println!("usage: scan_corpus --out DIR [--docs N] [--seed S] [--name \"First Last\"] [--megabytes M]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if a.out.as_os_str().is_empty() {
        return Err("--out DIR is required".into());
    }
    if a.name.split_whitespace().count() < 2 {
        return Err("--name needs a first and a last name".into());
    }
    Ok(a)
}

/// Writes the gold lines of `doc` (offsets shifted by `base`) for `file`.
fn gold_lines(out: &mut String, file: &str, format: &str, doc: &Doc, base: usize) {
    for s in &doc.spans {
        let line = json!({
            "file": file, "format": format, "entity": s.entity, "start": s.start + base, "end": s.end + base,
            "text": &doc.text[s.start..s.end], "kind": s.kind.as_str(),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
}

fn write_file(root: &Path, rel: &str, data: &[u8]) -> Res<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&path, data).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

fn run() -> Res<()> {
    let args = parse_args()?;
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let mut people = Vec::new();
    for f in FIRST {
        for _ in 0..2 {
            let l = pick(&mut rng, LAST);
            people.push(person(&mut rng, f, l));
        }
    }
    let subject = subject(&args.name);
    let mut g = Gen { rng, subject: subject.clone(), people };
    fs::create_dir_all(&args.out)?;
    let mut gold = String::new();
    let mut by_format: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut mbox = String::new();
    let mut docs = 0usize;
    let mut bytes = 0usize;
    let bulk_limit = args.megabytes.map(|m| (m * 1_000_000.0) as usize);
    let mut i = 0usize;
    loop {
        match bulk_limit {
            Some(limit) if bytes >= limit => break,
            None if i >= args.docs => break,
            _ => {}
        }
        let mut doc = Doc::default();
        let roll = if bulk_limit.is_some() { g.rng.u8(0..3) } else { g.rng.u8(0..20) };
        let (rel, format, data): (String, &str, Vec<u8>) = match roll {
            0 if bulk_limit.is_some() => {
                g.letter(&mut doc);
                (format!("bulk/{:03}/doc_{i:06}.txt", i / 1000), "txt", doc.text.clone().into_bytes())
            }
            1 if bulk_limit.is_some() => {
                g.case_note(&mut doc);
                (format!("bulk/{:03}/doc_{i:06}.txt", i / 1000), "txt", doc.text.clone().into_bytes())
            }
            _ if bulk_limit.is_some() => {
                g.email(&mut doc, i);
                (format!("bulk/{:03}/doc_{i:06}.txt", i / 1000), "txt", doc.text.clone().into_bytes())
            }
            0..=4 => {
                g.email(&mut doc, i);
                (format!("mail/msg_{i:05}.eml"), "eml", doc.text.clone().into_bytes())
            }
            5..=6 => {
                g.email(&mut doc, i);
                const SEPARATOR: &str = "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n";
                let base = mbox.len() + SEPARATOR.len();
                mbox.push_str(SEPARATOR);
                mbox.push_str(&doc.text);
                mbox.push('\n');
                gold_lines(&mut gold, "mail/archive.mbox", "mbox", &doc, base);
                let e = by_format.entry("mbox").or_default();
                e.0 += 1;
                e.1 += SEPARATOR.len() + doc.text.len() + 1;
                docs += 1;
                bytes += SEPARATOR.len() + doc.text.len() + 1;
                i += 1;
                continue;
            }
            7..=10 => {
                g.letter(&mut doc);
                (format!("letters/letter_{i:05}.txt"), "txt", doc.text.clone().into_bytes())
            }
            11..=14 => {
                g.case_note(&mut doc);
                (format!("notes/case_{i:05}.txt"), "txt", doc.text.clone().into_bytes())
            }
            15..=16 => {
                g.sheet(&mut doc);
                (format!("sheets/contacts_{i:05}.csv"), "csv", doc.text.clone().into_bytes())
            }
            17..=18 => {
                g.letter(&mut doc);
                (format!("docs/letter_{i:05}.docx"), "docx", docx(&doc.text))
            }
            _ => {
                g.case_note(&mut doc);
                wrap(&mut doc, 90);
                (format!("docs/note_{i:05}.pdf"), "pdf", pdf(&doc.text))
            }
        };
        write_file(&args.out, &rel, &data)?;
        gold_lines(&mut gold, &rel, format, &doc, 0);
        let e = by_format.entry(format).or_default();
        e.0 += 1;
        e.1 += data.len();
        docs += 1;
        bytes += data.len();
        i += 1;
    }
    if !mbox.is_empty() {
        write_file(&args.out, "mail/archive.mbox", mbox.as_bytes())?;
    }
    let mut f = fs::File::create(args.out.join("gold.jsonl"))?;
    f.write_all(gold.as_bytes())?;
    let plain: usize =
        by_format.iter().filter(|(k, _)| ["txt", "eml", "mbox", "csv"].contains(k)).map(|(_, v)| v.1).sum();
    let plain_docs: usize =
        by_format.iter().filter(|(k, _)| ["txt", "eml", "mbox", "csv"].contains(k)).map(|(_, v)| v.0).sum();
    let formats: serde_json::Map<String, serde_json::Value> =
        by_format.iter().map(|(k, v)| (k.to_string(), json!({"documents": v.0, "bytes": v.1}))).collect();
    let s = &subject;
    let manifest = json!({
        "seed": args.seed,
        "documents": docs,
        "bytes": bytes,
        "plain_text_documents": plain_docs,
        "plain_text_bytes": plain,
        "formats": formats,
        "subject": {
            "name": format!("{} {}", s.first, s.last), "nickname": s.nickname, "email": s.email, "phone": s.phone,
            "date_of_birth": format!("{:04}-{:02}-{:02}", s.dob.2, s.dob.1, s.dob.0), "nino": s.nino, "nhs": s.nhs,
            "address": s.street, "postcode": s.postcode, "reference": s.reference, "driving_licence": s.licence,
            "passport": s.passport, "vehicle_registration": s.reg,
        },
    });
    fs::write(args.out.join("manifest.json"), serde_json::to_string_pretty(&manifest)?)?;
    println!(
        "wrote {docs} documents ({:.2} MB, {} gold spans) to {}",
        bytes as f64 / 1e6,
        gold.lines().count(),
        args.out.display()
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("scan_corpus: {e}");
        std::process::exit(1);
    }
}
