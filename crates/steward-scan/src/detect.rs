//! Personal data of anyone in a piece of text: names, contact details, identifiers,
//! financial numbers, dates of birth and special-category cues.
//!
//! Built for speed: one pass over the bytes. Lower-case words are skipped byte by byte
//! without lookup; a capitalised word costs one hash lookup in a single table (given
//! names, surnames, titles, months, street words, stop words); a digit starts a small
//! parser for numbers, dates and addresses; `@` (found with `memchr`) starts an email
//! check; the special-category word list is one Aho-Corasick automaton, run anchored
//! only at word starts whose first letters hash into a 64 Kbit filter of its terms. Validators
//! (check digits, allocated prefixes) are in [`validate`]. Overlaps are resolved at the
//! end: the more confident, then the longer, detection wins.

pub mod validate;

use crate::{Detection, Entity, Location, Segment};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use rustc_hash::FxHashMap;

const FIRST: u16 = 1;
const SURNAME: u16 = 2;
const STOP: u16 = 4;
const TITLE: u16 = 8;
const MONTH: u16 = 16;
const STREET: u16 = 32;
const GREETING: u16 = 64;

const FIRST_NAMES: &str = include_str!("../data/first_names.txt");
const EXTRA_FIRST_NAMES: &str = include_str!("../data/extra_first_names.txt");
const SURNAMES: &str = include_str!("../data/surnames.txt");
const STOPWORDS: &str = include_str!("../data/stopwords.txt");
const SPECIAL: &str = include_str!("../data/special_category.txt");
/// Short forms of given names (`bob robert`), for matching the data subject.
pub(crate) const NICKNAMES: &str = include_str!("../data/nicknames.txt");

const TITLES: &[&str] =
    &["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord", "rev"];
const GREETINGS: &[&str] = &["dear", "signed", "regards", "from", "to", "cc", "hi", "hello", "thanks", "sincerely"];
const STREETS: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "lane",
    "ln",
    "close",
    "drive",
    "dr",
    "way",
    "crescent",
    "cres",
    "place",
    "pl",
    "grove",
    "gardens",
    "gdns",
    "court",
    "ct",
    "terrace",
    "hill",
    "park",
    "square",
    "sq",
    "mews",
    "row",
    "walk",
    "view",
    "rise",
    "green",
    "parade",
    "wharf",
    "quay",
    "yard",
    "boulevard",
    "broadway",
];
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// The name Presidio (and the redaction labels) use for an entity.
pub fn entity_label(e: Entity) -> &'static str {
    match e {
        Entity::Person => "PERSON",
        Entity::EmailAddress => "EMAIL_ADDRESS",
        Entity::PhoneNumber => "PHONE_NUMBER",
        Entity::UkNhs => "UK_NHS",
        Entity::UkNino => "UK_NINO",
        Entity::UkPostcode => "UK_POSTCODE",
        Entity::Address => "LOCATION",
        Entity::DateOfBirth => "DATE_OF_BIRTH",
        Entity::CreditCard => "CREDIT_CARD",
        Entity::IbanCode => "IBAN_CODE",
        Entity::UkBankAccount => "UK_BANK_ACCOUNT",
        Entity::UkPassport => "UK_PASSPORT",
        Entity::UkDrivingLicence => "UK_DRIVING_LICENCE",
        Entity::UkVehicleRegistration => "UK_VEHICLE_REGISTRATION",
        Entity::Reference => "REFERENCE",
        Entity::SpecialCategory => "SPECIAL_CATEGORY",
    }
}

/// Finds the personal data of anyone in text. Build once (it loads the gazetteers,
/// some 95,000 names) and share: [`Detector::detect`] takes `&self`.
pub struct Detector {
    words: FxHashMap<Box<[u8]>, u16>,
    special: Option<AhoCorasick>,
    special_category: Vec<&'static str>,
    /// One bit per hash of a special-category term's first word (its first five
    /// letters): a word whose bit is clear cannot start a term, so the automaton runs
    /// only at the few word starts that might.
    special_prefix: Box<[u64; 1024]>,
}

/// Hash of a word's first five bytes, ASCII-lower-cased, into 16 bits.
fn prefix_hash(w: &[u8]) -> usize {
    let mut h: u32 = 0;
    for &c in w.iter().take(5) {
        h = h.wrapping_mul(31).wrapping_add(u32::from(c | 0x20));
    }
    ((h ^ (h >> 16)) & 0xFFFF) as usize
}

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

fn data_lines(s: &'static str) -> impl Iterator<Item = &'static str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Detector {
    /// Loads the gazetteers and word lists shipped in `data/`.
    pub fn new() -> Self {
        let mut words: FxHashMap<Box<[u8]>, u16> = FxHashMap::default();
        let mut add = |w: &str, f: u16| {
            *words.entry(w.as_bytes().to_ascii_lowercase().into_boxed_slice()).or_default() |= f;
        };
        for w in data_lines(FIRST_NAMES).chain(data_lines(EXTRA_FIRST_NAMES)) {
            add(w, FIRST);
        }
        for w in data_lines(NICKNAMES).filter_map(|l| l.split_whitespace().next()) {
            add(w, FIRST);
        }
        for w in data_lines(SURNAMES) {
            add(w, SURNAME);
        }
        for w in data_lines(STOPWORDS) {
            add(w, STOP);
        }
        for w in TITLES {
            add(w, TITLE | STOP);
        }
        for w in GREETINGS {
            add(w, GREETING | STOP);
        }
        for w in STREETS {
            add(w, STREET);
        }
        for (w, _) in MONTHS {
            add(w, MONTH | STOP);
        }
        let mut patterns = Vec::new();
        let mut special_category = Vec::new();
        let mut category = "special category";
        for l in data_lines(SPECIAL) {
            if let Some(c) = l.strip_prefix('[').and_then(|c| c.strip_suffix(']')) {
                category = c;
            } else {
                patterns.push(l);
                special_category.push(category);
            }
        }
        let mut special_prefix = Box::new([0u64; 1024]);
        for p in &patterns {
            let first = p.as_bytes().iter().take_while(|c| c.is_ascii_alphanumeric()).count();
            let h = prefix_hash(&p.as_bytes()[..first]);
            special_prefix[h / 64] |= 1 << (h % 64);
        }
        let special = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .ok();
        Detector { words, special, special_category, special_prefix }
    }

    fn flags(&self, word: &[u8]) -> u16 {
        if !word.is_ascii() {
            // "Zoë", "Élodie", "Brontë": fold to ASCII (a slow path; such words are rare).
            let Ok(w) = std::str::from_utf8(word) else { return 0 };
            let mut folded = String::with_capacity(w.len());
            for c in w.chars() {
                unicode_normalization::char::decompose_canonical(c, |d| {
                    if !unicode_normalization::char::is_combining_mark(d) {
                        folded.extend(d.to_lowercase());
                    }
                });
            }
            return if folded.is_ascii() { self.words.get(folded.as_bytes()).copied().unwrap_or(0) } else { 0 };
        }
        let mut buf = [0u8; 24];
        if word.len() > buf.len() {
            return 0;
        }
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word);
        lower.make_ascii_lowercase();
        self.words.get(&*lower).copied().unwrap_or(0)
    }

    /// Finds personal data in `text`: sorted by start, without overlaps.
    pub fn detect(&self, text: &str) -> Vec<Detection> {
        let mut out = Vec::new();
        emails(text, &mut out);
        self.scan(text, &mut out);
        resolve(out)
    }

    /// Finds personal data in each of a document's segments (one list per segment, in
    /// order), as [`Detector::detect`] does, with the context a single segment lacks: a
    /// table's column headers. A cell of a CSV, TSV or spreadsheet that holds only a date,
    /// below a header cell naming a birth date ([`birth_date_header`]: `date_of_birth`,
    /// `DOB`, `Date of birth`, `birth_date`, `D.O.B.` …) in the same column of the same
    /// sheet, is a date of birth.
    pub fn detect_segments(&self, segments: &[Segment]) -> Vec<Vec<Detection>> {
        // (sheet, column, header row) of each birth-date column seen so far.
        let mut birth_columns: Vec<(Option<&str>, u64, u64)> = Vec::new();
        segments
            .iter()
            .map(|seg| {
                let mut found = self.detect(&seg.text);
                if let Location::Cell { sheet, row, col } = &seg.location {
                    let sheet = sheet.as_deref();
                    if birth_date_header(&seg.text) {
                        birth_columns.push((sheet, *col, *row));
                    } else if birth_columns.iter().any(|&(s, c, r)| s == sheet && c == *col && r < *row)
                        && let Some((start, end)) = whole_date(&seg.text)
                        && !found.iter().any(|d| d.start < end && start < d.end && d.entity == Entity::DateOfBirth)
                    {
                        push(
                            &mut found,
                            &seg.text,
                            Entity::DateOfBirth,
                            start,
                            end,
                            0.85,
                            "date in a date-of-birth column".into(),
                        );
                        found = resolve(found);
                    }
                }
                found
            })
            .collect()
    }

    /// A special-category term starting at word start `i` (word ends at `e`).
    #[inline]
    fn special_at(&self, text: &str, i: usize, e: usize, out: &mut Vec<Detection>) {
        let b = text.as_bytes();
        let h = prefix_hash(&b[i..e]);
        if self.special_prefix[h / 64] & (1 << (h % 64)) == 0 {
            return;
        }
        let Some(ac) = &self.special else { return };
        let Ok(Some(m)) = ac.try_find(Input::new(b).range(i..).anchored(Anchored::Yes)) else { return };
        let end = m.end();
        if end < b.len() && is_word(b[end]) {
            return;
        }
        if b[i..end].eq_ignore_ascii_case(b"surgery") && premises(b, i) {
            return;
        }
        let cat = self.special_category.get(m.pattern().as_usize()).copied().unwrap_or("special category");
        push(out, text, Entity::SpecialCategory, i, end, 0.5, format!("special-category cue ({cat})"));
    }

    fn scan(&self, text: &str, out: &mut Vec<Detection>) {
        let b = text.as_bytes();
        let n = b.len();
        let mut i = 0;
        let mut sentence_start = true;
        while i < n {
            let c = b[i];
            if c.is_ascii_lowercase()
                && nino_start(b, i)
                && let Some(e) = nino(text, i, out)
            {
                i = e;
                sentence_start = false;
            } else if (c.is_ascii_lowercase() || c >= 0x80 || c == b'_') && !latin1_upper(b, i) {
                let s = i;
                i += 1;
                while i < n && is_word(b[i]) {
                    i += 1;
                }
                if c.is_ascii_lowercase() {
                    self.special_at(text, s, i, out);
                }
                sentence_start = false;
            } else if c.is_ascii_uppercase() || c >= 0x80 {
                if c.is_ascii_uppercase() {
                    self.special_at(text, i, word_end(b, i), out);
                }
                i = self.upper(text, i, sentence_start, out).max(i + 1);
                sentence_start = false;
            } else if c.is_ascii_digit() {
                i = self.digits(text, i, out).max(i + 1);
                sentence_start = false;
            } else {
                match c {
                    b'+' | b'(' if i + 1 < n && b[i + 1].is_ascii_digit() => {
                        i = phone(text, i, out).max(i + 1);
                        continue;
                    }
                    b'.' | b'!' | b'?' | b'\n' | b'>' | b':' | b'"' => sentence_start = true,
                    _ => {}
                }
                i += 1;
            }
        }
    }

    /// A word starting with an upper-case letter at `i`: an identifier (NINO, postcode,
    /// IBAN, licence, registration), a month-first date, or a name. Returns where to go on.
    fn upper(&self, text: &str, i: usize, sentence_start: bool, out: &mut Vec<Detection>) -> usize {
        let b = text.as_bytes();
        if nino_start(b, i)
            && let Some(e) = nino(text, i, out)
        {
            return e;
        }
        let j = word_end(b, i);
        let tok = &b[i..j];
        let has_digit = tok.iter().any(u8::is_ascii_digit);
        let all_upper = tok.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if all_upper
            && (has_digit
                || (tok.len() <= 5 && b.get(j) == Some(&b' ') && b.get(j + 1).is_some_and(u8::is_ascii_digit)))
        {
            if let Some(e) = identifier(text, i, out) {
                return e;
            }
            if has_digit {
                return j;
            }
        }
        if tok.len() == 1 {
            return self.initial(text, i, out);
        }
        if all_upper && !has_digit {
            // Forms write names in capitals: "JOHN SMITH". Both words must be in the gazetteers.
            let f = self.flags(tok);
            if f & FIRST != 0 && f & STOP == 0 {
                let s = skip_space(b, j);
                let e = word_end(b, s);
                if s > j && e - s >= 2 && b[s..e].iter().all(u8::is_ascii_uppercase) {
                    let g = self.flags(&b[s..e]);
                    if g & SURNAME != 0 && g & STOP == 0 {
                        push(
                            out,
                            text,
                            Entity::Person,
                            i,
                            e,
                            0.8,
                            "given name + surname in capitals (gazetteer)".into(),
                        );
                        return e;
                    }
                }
            }
            return j;
        }
        if all_upper || has_digit {
            return j;
        }
        let f = self.flags(tok);
        if f == 0 {
            return j;
        }
        if f & MONTH != 0
            && let Some((e, y, m, d)) = parse_date_month_first(b, i)
        {
            dob(text, i, e, (y, m, d), out);
            return e;
        }
        if f & TITLE != 0 {
            return self.titled(text, i, j, out);
        }
        if f & GREETING != 0 {
            // "Dear Anna", "Signed: Anna Jones": the name after the word, unless a title follows.
            let mut k = skip_punct_space(b, j);
            if upper_at(b, k) {
                let e = word_end(b, k);
                let g = self.flags(&b[k..e]);
                if g & TITLE != 0 {
                    return k;
                }
                // A given name, or a surname with no capitalised word after it ("Dear Housing Team" is not a person).
                let next = self.next_cap(b, e);
                let named =
                    g & FIRST != 0 || (g & SURNAME != 0 && next.is_none_or(|(_, f)| f & (FIRST | SURNAME) != 0));
                if named
                    && g & STOP == 0
                    && e - k >= 2
                    && b[k + 1..e].iter().all(|c| c.is_ascii_lowercase() || *c >= 0x80)
                {
                    let mut end = e;
                    if let Some((e2, g2)) = next
                        && g2 & STOP == 0
                    {
                        end = e2;
                    }
                    let why = format!("capitalised name after \"{}\"", &text[i..j]);
                    push(out, text, Entity::Person, k, end, 0.85, why);
                    return end;
                }
                k = e;
            }
            return k.max(j);
        }
        if f & FIRST != 0 {
            // Given name [middle name or initial] surname.
            let mut k = j;
            if let Some((e2, g2)) = self.next_cap(b, k)
                && (g2 & FIRST != 0 || e2 - skip_space(b, k) <= 2)
                && g2 & STOP == 0
                && let Some((_, g3)) = self.next_cap(b, e2)
                && g3 & SURNAME != 0
                && g3 & STOP == 0
            {
                k = e2;
            }
            if let Some((e, g)) = self.next_cap(b, k) {
                if g & SURNAME != 0 && g & STOP == 0 && g & MONTH == 0 {
                    let conf = if f & STOP != 0 { 0.7 } else { 0.9 };
                    push(out, text, Entity::Person, i, e, conf, "given name + surname (gazetteer)".into());
                    return e;
                }
                if f & STOP == 0 && g & (STOP | MONTH | STREET) == 0 {
                    push(out, text, Entity::Person, i, e, 0.75, "given name + capitalised word".into());
                    return e;
                }
            }
            // "Don't", "Will've": a contraction, not a name.
            let contraction = b.get(j) == Some(&b'\'')
                && b.get(j + 1).is_some_and(|&c| matches!(c, b't' | b'l' | b'r' | b'v' | b'd' | b'm'));
            if f & STOP == 0 && tok.len() >= 3 && !contraction {
                let (conf, why) = if sentence_start {
                    (0.45, "given name alone, at sentence start")
                } else {
                    (0.6, "given name alone (gazetteer)")
                };
                push(out, text, Entity::Person, i, j, conf, why.into());
            }
            return j;
        }
        if f & SURNAME != 0 && f & STOP == 0 {
            // "Smith, John"
            if b.get(j) == Some(&b',')
                && let Some((e, g)) = self.next_cap(b, j + 1)
                && g & FIRST != 0
                && g & STOP == 0
            {
                push(out, text, Entity::Person, i, e, 0.75, "surname, given name".into());
                return e;
            }
        }
        if f & STREET == 0 {
            return j;
        }
        j
    }

    /// The capitalised word after one run of spaces (same line) from `k`: its end and flags.
    fn next_cap(&self, b: &[u8], k: usize) -> Option<(usize, u16)> {
        let s = skip_space(b, k);
        if s == k || !upper_at(b, s) {
            return None;
        }
        let e = word_end(b, s);
        let w = &b[s..e];
        if w.len() == 1 {
            // An initial ("J.") or O'Brien.
            return match (b.get(e), b.get(e + 1)) {
                (Some(b'.'), _) => Some((e + 1, 0)),
                (Some(b'\''), Some(c)) if c.is_ascii_uppercase() => Some((word_end(b, e + 1), SURNAME)),
                _ => None,
            };
        }
        if !w[1..].iter().all(|c| c.is_ascii_lowercase() || *c >= 0x80 || c.is_ascii_uppercase()) {
            return None;
        }
        if w.iter().all(u8::is_ascii_uppercase) {
            return None;
        }
        let mut f = self.flags(w);
        let mut end = e;
        // Double-barrelled: Smith-Jones.
        if b.get(e) == Some(&b'-') && b.get(e + 1).is_some_and(u8::is_ascii_uppercase) {
            end = word_end(b, e + 1);
            f |= SURNAME;
            f &= !STOP;
        }
        Some((end, f))
    }

    fn titled(&self, text: &str, i: usize, j: usize, out: &mut Vec<Detection>) -> usize {
        let b = text.as_bytes();
        let mut k = if b.get(j) == Some(&b'.') { j + 1 } else { j };
        let mut end = None;
        for _ in 0..3 {
            match self.next_cap(b, k) {
                Some((e, g)) if g & (TITLE | GREETING | MONTH) == 0 => {
                    // An initial alone is not a name: need a word of two letters or more.
                    if e - skip_space(b, k) > 2 || b[e - 1] != b'.' {
                        end = Some(e);
                    }
                    k = e;
                }
                _ => break,
            }
        }
        match end {
            Some(e) => {
                let why = format!("title \"{}\" + capitalised name", &text[i..j]);
                push(out, text, Entity::Person, i, e, 0.9, why);
                e
            }
            None => j,
        }
    }

    /// "J. Smith", "J. R. Smith".
    fn initial(&self, text: &str, i: usize, out: &mut Vec<Detection>) -> usize {
        let b = text.as_bytes();
        let mut k = i + 1;
        if b.get(k) != Some(&b'.') {
            return k;
        }
        k += 1;
        let mut inits = 1;
        loop {
            match self.next_cap(b, k) {
                Some((e, 0)) if b[e - 1] == b'.' && e - skip_space(b, k) == 2 && inits < 3 => {
                    inits += 1;
                    k = e;
                }
                Some((e, g))
                    if (g & SURNAME != 0 || inits >= 2) && g & (STOP | MONTH) == 0 && e - skip_space(b, k) > 2 =>
                {
                    let why =
                        if g & SURNAME != 0 { "initial + surname (gazetteer)" } else { "initials + capitalised word" };
                    push(out, text, Entity::Person, i, e, 0.7, why.into());
                    return e;
                }
                _ => return i + 1,
            }
        }
    }

    fn digits(&self, text: &str, i: usize, out: &mut Vec<Detection>) -> usize {
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
    fn address(&self, text: &str, i: usize, num_end: usize, out: &mut Vec<Detection>) -> Option<usize> {
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

/// Words before "surgery" that make it a place (a GP's or dentist's premises) rather
/// than an operation.
const PREMISES: &[&[u8]] = &[
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
fn premises(b: &[u8], i: usize) -> bool {
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

/// An upper-case letter of Latin-1 (À to Þ, not ×) starts at `i`: UTF-8 `C3 80`–`C3 9E`.
fn latin1_upper(b: &[u8], i: usize) -> bool {
    b[i] == 0xC3 && b.get(i + 1).is_some_and(|&c| (0x80..=0x9E).contains(&c) && c != 0x97)
}

fn upper_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_uppercase) || (i < b.len() && latin1_upper(b, i))
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80 || c == b'_'
}

fn word_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_word(b[i]) {
        i += 1;
    }
    i
}

fn digit_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

fn skip_punct_space(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b',' | b':') {
        i += 1;
    }
    i
}

fn ordinal(b: &[u8], i: usize) -> bool {
    let w = &b[i..word_end(b, i)];
    w.eq_ignore_ascii_case(b"st")
        || w.eq_ignore_ascii_case(b"nd")
        || w.eq_ignore_ascii_case(b"rd")
        || w.eq_ignore_ascii_case(b"th")
}

fn push(out: &mut Vec<Detection>, text: &str, entity: Entity, start: usize, end: usize, confidence: f32, why: String) {
    if let Some(t) = text.get(start..end) {
        out.push(Detection { entity, start, end, text: t.to_owned(), confidence, why });
    }
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

const DOB_WORDS: &[&[u8]] = &[b"born", b"dob", b"d.o.b", b"birth"];

fn dob(text: &str, i: usize, e: usize, _ymd: (u32, u32, u32), out: &mut Vec<Detection>) {
    if has_context(text.as_bytes(), i, 40, DOB_WORDS) {
        push(out, text, Entity::DateOfBirth, i, e, 0.85, "date near \"born\"/\"DOB\"/\"date of birth\"".into());
    }
}

fn month_number(w: &[u8]) -> Option<u32> {
    MONTHS.iter().find(|(m, _)| m.as_bytes().eq_ignore_ascii_case(w)).map(|&(_, n)| n)
}

fn number_at(b: &[u8], i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let e = digit_end(b, i);
    if e - i < min || e - i > max {
        return None;
    }
    let v = b[i..e].iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
    Some((v, e))
}

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
fn whole_date(cell: &str) -> Option<(usize, usize)> {
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

/// Emails: for each `@`, the local part to the left and a dotted domain to the right.
fn emails(text: &str, out: &mut Vec<Detection>) {
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
const MSG_ID_HEADERS: &[&[u8]] = &[b"message-id", b"in-reply-to", b"references", b"resent-message-id", b"content-id"];

/// Whether byte `s` is in the value of a message-identifier header ([`MSG_ID_HEADERS`]):
/// the logical header line holding it (unfolded: lines starting with a space or tab
/// continue the one before, RFC 5322 section 2.2.3) starts with one of those names and a
/// colon, after any quoting `>` of a reply.
fn in_msg_id_header(b: &[u8], s: usize) -> bool {
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

/// Upper-case identifiers starting at `i`, read as up to 34 letters and digits with
/// single spaces allowed only where each format allows them.
fn identifier(text: &str, i: usize, out: &mut Vec<Detection>) -> Option<usize> {
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
fn nino_start(b: &[u8], i: usize) -> bool {
    i + 3 < b.len()
        && b[i].is_ascii_alphabetic()
        && b[i + 1].is_ascii_alphabetic()
        && (b[i + 2].is_ascii_digit()
            || (matches!(b[i + 2], b' ' | b'-' | b'.') && b[i + 3].is_ascii_digit())
            || (b[i + 2] == b' ' && b[i + 3] == b' '))
}

/// What people write between the parts of an NI number: nothing, one or two spaces, one
/// hyphen or one dot. Returns where the next part starts.
fn nino_sep(b: &[u8], k: usize) -> usize {
    match b.get(k) {
        Some(b' ') if b.get(k + 1) == Some(&b' ') => k + 2,
        Some(b' ' | b'-' | b'.') => k + 1,
        _ => k,
    }
}

/// Common two-letter words that are also allocated NI prefixes ("at 12 34 56 a").
const NINO_WORDS: &[&[u8]] = &[
    b"am", b"an", b"as", b"at", b"be", b"by", b"go", b"he", b"me", b"my", b"no", b"ok", b"on", b"or", b"so", b"to",
    b"we",
];
const NINO_CONTEXT: &[&[u8]] = &[b"ni ", b"ni:", b"ni no", b"n.i", b"nino", b"insurance"];

/// A National Insurance number at word start `i`: two prefix letters, three pairs of
/// digits and a suffix letter, in any case (`AB123456C`, `ab 12 34 56 c`), with nothing,
/// one or two spaces, a hyphen or a dot between the parts (`AB-12-34-56-C`,
/// `AB.12.34.56.C`, `jk45 6789b`) and a word boundary after it. The letters must make an
/// allocated number ([`validate::nino`]: prefix letters not D, F, I, Q, U or V, second
/// not O, prefixes BG, GB, KN, NK, NT, TN and ZZ not allocated, suffix A to D; source:
/// HMRC National Insurance Manual NIM39110). A lower-case prefix that is also a common
/// word ("on 12.05.19 a", "On 12 05 19 a"), followed by a separator, needs "NI" or
/// "insurance" before it; in capitals it is taken as written.
fn nino(text: &str, i: usize, out: &mut Vec<Detection>) -> Option<usize> {
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

/// Digits from `i` in groups separated by single spaces or hyphens (at most 19 digits):
/// the digits, and each group's end (byte offset) with the digit count so far.
struct Groups {
    digits: [u8; 24],
    n: usize,
    groups: [(usize, usize); 12],
    g: usize,
    hyphens: bool,
}

fn groups(b: &[u8], i: usize) -> Groups {
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

const NOT_NHS: &[&[u8]] = &[b"order", b"invoice", b"ref", b"account", b"tracking", b"po ", b"receipt", b"customer"];
const NHS_WORDS: &[&[u8]] = &[b"nhs", b"patient", b"chi "];
const ACCOUNT_WORDS: &[&[u8]] = &[b"account", b"acc", b"a/c"];
const SORT_WORDS: &[&[u8]] = &[b"sort code", b"sort"];

/// Phone numbers, card numbers, NHS numbers, sort codes and account numbers, passport
/// numbers: a number (in groups) starting at `i`.
fn numbers(text: &str, i: usize, out: &mut Vec<Detection>) -> usize {
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
fn account_after(b: &[u8], sc_end: usize) -> Option<usize> {
    let limit = (sc_end + 40).min(b.len());
    let k = sc_end + b[sc_end..limit].iter().position(u8::is_ascii_digit)?;
    let e = digit_end(b, k);
    (e - k == 8).then_some(e)
}

/// A phone number starting with `+` or `(`: `+44 7700 900123`, `+44 (0)161 496 0000`,
/// `(0161) 496 0000`, or another country's number after `+`.
fn phone(text: &str, i: usize, out: &mut Vec<Detection>) -> usize {
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

/// Sorts by start and resolves overlaps: of two overlapping detections the more
/// confident wins, then the longer.
pub(crate) fn resolve(mut v: Vec<Detection>) -> Vec<Detection> {
    v.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Detection> = Vec::with_capacity(v.len());
    for d in v {
        if let Some(last) = out.last_mut()
            && d.start < last.end
        {
            let better = d.confidence > last.confidence
                || (d.confidence == last.confidence && d.end - d.start > last.end - last.start);
            if better {
                *last = d;
            }
            continue;
        }
        out.push(d);
    }
    out
}
