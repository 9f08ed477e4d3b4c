//! Names: capitalised words looked up in the gazetteers, with titles, initials and
//! greetings around them; a capitalised word may also start an identifier or a
//! month-first date.

use super::Detector;
use super::dates::parse_date_month_first;
use super::identifiers::{identifier, nino, nino_start};
use super::numbers::dob;
use super::text::{push, skip_punct_space, skip_space, upper_at, word_end};
use super::words::{FIRST, GREETING, MONTH, STOP, STREET, SURNAME, TITLE};
use crate::{Detection, Entity};

impl Detector {
    /// A word starting with an upper-case letter at `i`: an identifier (NINO, postcode,
    /// IBAN, licence, registration), a month-first date, or a name. Returns where to go on.
    pub(super) fn upper(&self, text: &str, i: usize, sentence_start: bool, out: &mut Vec<Detection>) -> usize {
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
    pub(super) fn next_cap(&self, b: &[u8], k: usize) -> Option<(usize, u16)> {
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

    pub(super) fn titled(&self, text: &str, i: usize, j: usize, out: &mut Vec<Detection>) -> usize {
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
    pub(super) fn initial(&self, text: &str, i: usize, out: &mut Vec<Detection>) -> usize {
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
}
