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

mod context;
mod dates;
mod emails;
mod identifiers;
mod names;
mod numbers;
mod resolve;
mod text;
mod words;

pub use dates::birth_date_header;
pub(crate) use dates::{parse_date, parse_date_month_first};
pub(crate) use resolve::resolve;
pub(crate) use words::NICKNAMES;

use crate::{Detection, Entity, Location, Segment};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use context::premises;
use dates::whole_date;
use emails::emails;
use identifiers::{nino, nino_start};
use numbers::phone;
use rustc_hash::FxHashMap;
use text::{is_word, latin1_upper, push, word_end};
use words::{
    EXTRA_FIRST_NAMES, FIRST, FIRST_NAMES, GREETING, GREETINGS, MONTH, MONTHS, SPECIAL, STOP, STOPWORDS, STREET,
    STREETS, SURNAME, SURNAMES, TITLE, TITLES,
};

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
}
