//! The data subject: what is known about the person making the subject access request
//! (names, emails, phones, dates of birth, NI and NHS numbers, postcodes, references),
//! and a matcher that finds those in text in any of their usual written forms.
//!
//! Matching runs on a folded copy of the text (lower case, diacritics removed by
//! Unicode canonical decomposition, so "José" matches "Jose"), with byte offsets mapped
//! back to the original. Every identifier becomes one alternative of a single regular
//! expression, so a segment is searched once whatever the size of the profile; each
//! match is then classified by the alternative it satisfies.

use crate::detect::{NICKNAMES, entity_label, parse_date, parse_date_month_first, resolve};
use crate::{Detection, Entity};
use regex::Regex;
use serde::Deserialize;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// What is known about the data subject. Every field is optional; at least one
/// identifier is needed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SubjectProfile {
    /// Full name as usually written ("Robert James Smith").
    pub name: Option<String>,
    /// Other names: maiden or former names, names used at work ("Bob Smith", "Robert Jones").
    pub aliases: Vec<String>,
    /// Email addresses.
    pub emails: Vec<String>,
    /// Phone numbers in any format.
    pub phones: Vec<String>,
    /// Dates of birth (`1985-03-12`, `12/03/1985`, `12 March 1985`).
    pub dobs: Vec<String>,
    /// National Insurance numbers.
    pub ni: Vec<String>,
    /// NHS numbers.
    pub nhs: Vec<String>,
    /// Postcodes of current and former addresses.
    pub postcodes: Vec<String>,
    /// Reference numbers (customer, tenancy, employee, case).
    pub refs: Vec<String>,
}

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Nothing to match on.
    #[error("the subject profile has no name and no identifier")]
    Empty,
    /// A date of birth that is not a date.
    #[error("cannot read date of birth {0:?} (use 1985-03-12, 12/03/1985 or 12 March 1985)")]
    BadDate(String),
    /// The combined pattern could not be built (too large a profile).
    #[error("cannot build the subject pattern: {0}")]
    Pattern(String),
}

struct Alt {
    re: Regex,
    /// Only when the original text starts with a capital ("Will", not "will").
    needs_capital: bool,
    entity: Entity,
    confidence: f32,
    why: String,
}

/// Finds the data subject's own data, and tells whether a detection is theirs.
pub struct SubjectMatcher {
    combined: Regex,
    alts: Vec<Alt>,
    /// Normalised identifiers (digits or upper-case letters and digits), for comparing
    /// a detection's value with the profile whatever its spacing.
    values: Vec<String>,
}

/// Folds text for matching: lower case, combining marks removed. Returns the folded
/// text and, for each of its bytes, the byte range of the original character.
/// ASCII text (the common case) folds byte for byte, and its map is `None`.
fn fold(text: &str) -> (String, Option<Vec<(usize, usize)>>) {
    if text.is_ascii() {
        return (text.to_ascii_lowercase(), None);
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let before = out.len();
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.extend(d.to_lowercase());
                }
            });
        }
        map.extend(std::iter::repeat_n((i, end), out.len() - before));
    }
    (out, Some(map))
}

fn fold_str(s: &str) -> String {
    fold(s).0
}

/// Upper-case letters and digits only.
fn compact(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// A pattern for `chars` allowing any spacing, hyphens or dots between them
/// (`JK 45 67 89 B`, `jk45 6789b`, `JK-45-67-89-B`, `JK.45.67.89.B`); matched against
/// lower-cased text, so in any case.
fn spaced(chars: &str) -> String {
    let parts: Vec<String> = chars.chars().map(|c| regex::escape(&c.to_lowercase().to_string())).collect();
    parts.join(r"[\s\-.]*")
}

fn alternation(words: &[String]) -> String {
    let mut w: Vec<&String> = words.iter().filter(|w| !w.is_empty()).collect();
    w.sort_by_key(|s| std::cmp::Reverse(s.len()));
    w.dedup();
    let parts: Vec<String> = w.iter().map(|s| regex::escape(s).replace(' ', r"\s+")).collect();
    format!("(?:{})", parts.join("|"))
}

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A date of birth given in the profile, as (year, month, day).
fn profile_date(s: &str) -> Option<(u32, u32, u32)> {
    let t = s.trim();
    let b = t.as_bytes();
    let parsed = if b.first()?.is_ascii_digit() { parse_date(b, 0) } else { parse_date_month_first(b, 0) };
    parsed.filter(|p| p.0 == b.len()).map(|(_, y, m, d)| (y, m, d))
}

fn date_pattern((y, m, d): (u32, u32, u32)) -> String {
    let month = MONTH_NAMES[(m - 1) as usize];
    let months = format!("(?:{}|{})\\.?", month, &month[..3]);
    let day = format!("0?{d}(?:st|nd|rd|th)?");
    let yy = y % 100;
    format!(
        r"(?:0?{d}[/.\-]0?{m}[/.\-](?:{y}|{yy:02})|{y}-{m:02}-{d:02}|{day}\s+(?:of\s+)?{months},?\s+{y}|{months}\s+{day},?\s+{y})"
    )
}

impl SubjectMatcher {
    /// Builds the matcher. Fails when the profile has nothing to match or a date of
    /// birth cannot be read.
    pub fn new(p: &SubjectProfile) -> Result<Self, ProfileError> {
        let mut alts: Vec<(String, Entity, f32, String)> = Vec::new();
        let mut values = Vec::new();
        let nick_pairs: Vec<(String, String)> = NICKNAMES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut it = l.split_whitespace();
                Some((it.next()?.to_owned(), it.next()?.to_owned()))
            })
            .collect();

        // Names (matched after identifiers, so that "rob" in rob.smith@… is the email).
        let mut name_alts: Vec<(String, Entity, f32, String)> = Vec::new();
        let mut names: Vec<Vec<String>> = Vec::new();
        for n in p.name.iter().chain(&p.aliases) {
            let toks: Vec<String> = fold_str(n)
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .map(|t| t.trim_end_matches('.').to_owned())
                .collect();
            if !toks.is_empty() {
                names.push(toks);
            }
        }
        let mut given = Vec::new();
        let mut surnames = Vec::new();
        let mut middles = Vec::new();
        for (k, toks) in names.iter().enumerate() {
            if toks.len() == 1 {
                // A one-word alias: a given name or nickname.
                given.push(toks[0].clone());
                continue;
            }
            given.push(toks[0].clone());
            surnames.push(toks[toks.len() - 1].clone());
            middles.extend(toks[1..toks.len() - 1].iter().cloned());
            let phrase = toks.join(" ");
            let why = if k == 0 { "the subject's full name" } else { "one of the subject's other names" };
            name_alts.push((alternation(&[phrase]), Entity::Person, 0.95, why.into()));
        }
        let mut nicks = Vec::new();
        for g in &given {
            for (nick, full) in &nick_pairs {
                if full == g {
                    nicks.push(nick.clone());
                }
                if nick == g {
                    nicks.push(full.clone());
                }
            }
        }
        let mut all_given = given.clone();
        all_given.extend(nicks.iter().cloned());
        if !surnames.is_empty() {
            let g = alternation(&all_given);
            let s = alternation(&surnames);
            let m = if middles.is_empty() {
                r"[a-z]\.?".to_owned()
            } else {
                format!(r"(?:[a-z]\.?|{})", alternation(&middles))
            };
            name_alts.push((
                format!(r"{g}\s+(?:{m}\s+){{0,2}}{s}"),
                Entity::Person,
                0.9,
                "given name or nickname + surname".into(),
            ));
            name_alts.push((format!(r"{s}\s*,\s*{g}(?:\s+{m})?"), Entity::Person, 0.9, "surname, given name".into()));
            name_alts.push((
                format!(r"(?:mr|mrs|ms|miss|mx|dr|prof)\.?\s+{s}"),
                Entity::Person,
                0.8,
                "title + the subject's surname".into(),
            ));
            let mut initials: Vec<String> =
                given.iter().filter_map(|g| g.chars().next()).map(|c| c.to_string()).collect();
            initials.sort();
            initials.dedup();
            let i = alternation(&initials);
            name_alts.push((
                format!(r"{i}(?:\.\s*|\s+)(?:[a-z](?:\.\s*|\s+)){{0,2}}{s}"),
                Entity::Person,
                0.75,
                "initial + the subject's surname".into(),
            ));
        }
        if !all_given.is_empty() {
            name_alts.push((
                alternation(&all_given),
                Entity::Person,
                0.5,
                "the subject's given name or nickname alone".into(),
            ));
        }

        for e in &p.emails {
            let e = e.trim().to_lowercase();
            if !e.is_empty() {
                values.push(e.to_uppercase());
                alts.push((regex::escape(&e), Entity::EmailAddress, 1.0, "the subject's email address".into()));
            }
        }
        for ph in &p.phones {
            let digits: String = ph.chars().filter(char::is_ascii_digit).collect();
            let national = if let Some(r) = digits.strip_prefix("0044") {
                format!("0{r}")
            } else if ph.trim_start().starts_with('+') && digits.starts_with("44") {
                format!("0{}", &digits[2..])
            } else {
                digits.clone()
            };
            if national.len() < 6 {
                continue;
            }
            values.push(national.clone());
            let pat = if let Some(rest) = national.strip_prefix('0') {
                let sep = r"[\s\-.()]*";
                let rest: Vec<String> = rest.chars().map(String::from).collect();
                format!(r"(?:\+\s*44{sep}(?:\(0\){sep})?|0044{sep}|\(?0){sep}{}", rest.join(sep))
            } else {
                let d: Vec<String> = national.chars().map(String::from).collect();
                format!(r"\+?{}", d.join(r"[\s\-.()]*"))
            };
            alts.push((pat, Entity::PhoneNumber, 0.95, "the subject's phone number (same digits)".into()));
        }
        for d in &p.dobs {
            let ymd = profile_date(d).ok_or_else(|| ProfileError::BadDate(d.clone()))?;
            alts.push((date_pattern(ymd), Entity::DateOfBirth, 0.8, "the subject's date of birth".into()));
        }
        for (list, entity, conf, why) in [
            (&p.ni, Entity::UkNino, 0.99, "the subject's NI number"),
            (&p.nhs, Entity::UkNhs, 0.99, "the subject's NHS number"),
            (&p.postcodes, Entity::UkPostcode, 0.9, "the subject's postcode"),
            (&p.refs, Entity::Reference, 0.95, "one of the subject's reference numbers"),
        ] {
            for v in list {
                let c = compact(v);
                if c.len() >= 3 {
                    alts.push((spaced(&c), entity, conf, why.into()));
                    values.push(c);
                }
            }
        }
        alts.extend(name_alts);
        if alts.is_empty() {
            return Err(ProfileError::Empty);
        }
        // Word boundaries; a phone pattern may start with `+` or `(`, so it has none in
        // front (a digit before it is ruled out when matching).
        let bounded = |p: &str, e: Entity| {
            let lead = if e == Entity::PhoneNumber { "" } else { r"(?-u:\b)" };
            format!(r"{lead}{p}(?-u:\b)")
        };
        let combined_src = alts.iter().map(|a| format!("(?:{})", bounded(&a.0, a.1))).collect::<Vec<_>>().join("|");
        let combined = regex::RegexBuilder::new(&combined_src)
            .size_limit(64 << 20)
            .build()
            .map_err(|e| ProfileError::Pattern(e.to_string()))?;
        let alts = alts
            .into_iter()
            .map(|(src, entity, confidence, why)| {
                // A given name alone or an initial could be an ordinary word ("will", "bill", "r").
                let needs_capital = entity == Entity::Person && confidence < 0.8;
                Regex::new(&format!("^(?:{src})$"))
                    .map(|re| Alt { re, needs_capital, entity, confidence, why })
                    .map_err(|e| ProfileError::Pattern(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SubjectMatcher { combined, alts, values })
    }

    /// The subject's own data in `text`, sorted by start, without overlaps.
    pub fn find(&self, text: &str) -> Vec<Detection> {
        let (folded, map) = fold(text);
        let mut out = Vec::new();
        for m in self.combined.find_iter(&folded) {
            // `\b` treats a `+` or `(` as a boundary; the digit before a phone must not be a digit.
            let s = m.as_str();
            let Some(alt) = self.alts.iter().find(|a| a.re.is_match(s)) else { continue };
            let fb = folded.as_bytes();
            if m.start() > 0 && fb[m.start() - 1].is_ascii_digit() {
                continue;
            }
            // A name inside an email address (bob.jones@…) is not the subject's name.
            if alt.entity == Entity::Person
                && ((m.start() > 0 && matches!(fb[m.start() - 1], b'.' | b'@' | b'_'))
                    || matches!(fb.get(m.end()), Some(b'@' | b'_'))
                    || (fb.get(m.end()) == Some(&b'.') && fb.get(m.end() + 1).is_some_and(u8::is_ascii_alphanumeric)))
            {
                continue;
            }
            let (start, end) = match &map {
                None => (m.start(), m.end()),
                Some(map) => match (map.get(m.start()), map.get(m.end().saturating_sub(1))) {
                    (Some(&(start, _)), Some(&(_, end))) => (start, end),
                    _ => continue,
                },
            };
            if alt.needs_capital && !text[start..].chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            if let Some(t) = text.get(start..end) {
                out.push(Detection {
                    entity: alt.entity,
                    start,
                    end,
                    text: t.to_owned(),
                    confidence: alt.confidence,
                    why: alt.why.clone(),
                });
            }
        }
        resolve(out)
    }

    /// Whether detection `d` (found by [`crate::detect::Detector`] in `text`) is the
    /// subject's own data. Searches `text` again; [`SubjectMatcher::owns_among`] takes
    /// the result of [`SubjectMatcher::find`] instead.
    pub fn owns(&self, text: &str, d: &Detection) -> bool {
        self.owns_among(&self.find(text), d)
    }

    /// As [`SubjectMatcher::owns`], given the subject's finds in the same text:
    /// - the detection's value is one of the profile's identifiers, whatever its spacing;
    /// - a confident find (0.75 or more) overlaps it, or a given-name-alone find covers
    ///   exactly the same text (a lone "Bob" in the subject's own mail is taken as theirs);
    /// - an address line ending within 120 bytes before the subject's postcode.
    pub fn owns_among(&self, finds: &[Detection], d: &Detection) -> bool {
        let by_find = finds.iter().any(|f| {
            let overlap = f.start < d.end && d.start < f.end;
            (overlap && f.confidence >= 0.75 && (f.entity == d.entity || d.entity != Entity::SpecialCategory))
                || (f.start == d.start && f.end == d.end && f.entity == d.entity)
                || (d.entity == Entity::Address
                    && f.entity == Entity::UkPostcode
                    && d.end <= f.start
                    && f.start - d.end <= 120)
        });
        if by_find {
            return true;
        }
        if matches!(d.entity, Entity::Person | Entity::Address | Entity::SpecialCategory | Entity::DateOfBirth) {
            return false;
        }
        let v = if d.entity == Entity::EmailAddress { d.text.to_uppercase() } else { compact(&d.text) };
        let v = if d.entity == Entity::PhoneNumber {
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            match digits.strip_prefix("44") {
                Some(r) if d.text.trim_start().starts_with('+') => format!("0{r}"),
                _ => digits,
            }
        } else {
            v
        };
        !v.is_empty() && self.values.contains(&v)
    }
}

impl std::fmt::Debug for SubjectMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kinds: Vec<&str> = self.alts.iter().map(|a| entity_label(a.entity)).collect();
        f.debug_struct("SubjectMatcher").field("patterns", &kinds).finish()
    }
}
