//! Contact details and identifiers of the demo's people: email addresses, phone numbers
//! from the drama ranges, NI and NHS numbers, references, postcodes and addresses, and
//! the notes on their records.

use super::people::{Gen, Org, Person, ascii_tokens, title_case_email};
use super::places::{BLOCKS, BUSINESS_PARKS, COMMON_STREETS, INWARD_LETTERS, Town};
use std::ops::RangeInclusive;
use steward_core::subject::{Address, NewSubject};
impl Gen {
    // ----- contact details and identifiers -----------------------------------------

    pub(super) fn unique_email(&mut self, local: &str, domain: &str) -> String {
        let mut candidate = format!("{local}@{domain}");
        let mut n = 2;
        while !self.used_emails.insert(candidate.clone()) {
            candidate = format!("{local}{n}@{domain}");
            n += 1;
        }
        candidate
    }

    pub(super) fn personal_email(&mut self, p: &Person) -> String {
        let domain = ["example.com", "example.org", "example.net"][self.weighted(&[50, 25, 25])];
        let given = ascii_tokens(&p.given);
        let first = given.first().cloned().unwrap_or_else(|| "me".into());
        let given = given.concat();
        let family = ascii_tokens(&p.family()).concat();
        let initial: String = first.chars().take(1).collect();
        let yy = p.dob.year() % 100;
        let n = self.rng.u32(1..100);
        let local = match self.rng.u32(0..9) {
            0 | 1 => format!("{first}.{family}"),
            2 => format!("{given}{family}"),
            3 => format!("{initial}.{family}"),
            4 => format!("{first}.{family}{yy:02}"),
            5 => format!("{first}_{family}"),
            6 => format!("{family}.{first}"),
            7 => format!("{first}{yy:02}"),
            _ => format!("{first}{family}{n}"),
        };
        let email = self.unique_email(&local, domain);
        // People type their addresses in all sorts of ways; validation lower-cases.
        if self.chance(6) { title_case_email(&email) } else { email }
    }

    /// A work address: housing staff `jane.smith@example.org`, charity staff
    /// `j.smith@example.net`, suppliers in assorted styles at example.com.
    pub(super) fn work_email(&mut self, p: &Person, org: Option<Org>) -> String {
        let first = ascii_tokens(&p.given).first().cloned().unwrap_or_else(|| "staff".into());
        let family = ascii_tokens(&p.family()).concat();
        let initial: String = first.chars().take(1).collect();
        match org {
            Some(Org::Housing) => self.unique_email(&format!("{first}.{family}"), "example.org"),
            Some(Org::Charity) => self.unique_email(&format!("{initial}.{family}"), "example.net"),
            None => {
                let local = match self.rng.u32(0..3) {
                    0 => format!("{first}.{family}"),
                    1 => format!("{initial}{family}"),
                    _ => first,
                };
                self.unique_email(&local, "example.com")
            }
        }
    }

    /// A mobile number in 07700 900000–900999, in one of several ways of writing it.
    pub(super) fn mobile(&mut self) -> String {
        let n = match self.mobiles.pop() {
            Some(n) => n,
            None => self.rng.u32(0..1000),
        };
        match self.rng.u32(0..100) {
            0..45 => format!("07700 900{n:03}"),
            45..60 => format!("07700900{n:03}"),
            60..72 => format!("+44 7700 900{n:03}"),
            72..80 => format!("+447700900{n:03}"),
            80..90 => format!("07700 900 {n:03}"),
            _ => format!("+44 (0)7700 900{n:03}"),
        }
    }

    /// A landline in 01632 960000–960999, or in London 020 7946 0000–0999.
    pub(super) fn landline(&mut self, london: bool) -> String {
        let pool = if london { &mut self.london } else { &mut self.landlines };
        let n = match pool.pop() {
            Some(n) => n,
            None => self.rng.u32(0..1000),
        };
        let style = self.rng.u32(0..100);
        if london {
            match style {
                0..50 => format!("020 7946 0{n:03}"),
                50..65 => format!("02079460{n:03}"),
                65..77 => format!("(020) 7946 0{n:03}"),
                77..90 => format!("+44 20 7946 0{n:03}"),
                _ => format!("0207 946 0{n:03}"),
            }
        } else {
            match style {
                0..50 => format!("01632 960{n:03}"),
                50..65 => format!("01632960{n:03}"),
                65..77 => format!("(01632) 960{n:03}"),
                77..90 => format!("+44 1632 960{n:03}"),
                _ => format!("01632 960 {n:03}"),
            }
        }
    }

    /// A National Insurance number with a prefix HMRC allows (NIM39110) and suffix A–D,
    /// written with or without the usual spaces.
    pub(super) fn ni(&mut self) -> String {
        const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
        const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
        const AVOID: [&str; 14] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "CR", "FY", "MW", "NC", "PP", "PY", "PZ"];
        loop {
            let prefix: String = [char::from(self.pick(FIRST)), char::from(self.pick(SECOND))].iter().collect();
            if AVOID.contains(&prefix.as_str()) {
                continue;
            }
            let digits = format!("{:06}", self.rng.u32(0..1_000_000));
            let suffix = char::from(self.pick(b"ABCD"));
            let ni = format!("{prefix}{digits}{suffix}");
            if !self.used_ni.insert(ni.clone()) {
                continue;
            }
            return match self.rng.u32(0..100) {
                0..60 => ni,
                60..95 => {
                    format!("{prefix} {} {} {} {suffix}", &digits[0..2], &digits[2..4], &digits[4..6])
                }
                _ => ni.to_lowercase(),
            };
        }
    }

    /// An NHS number in the 999 range kept for test data, with a good modulus-11 check
    /// digit (numbers whose check would be 10 are skipped), in the usual `3 3 4` layout
    /// or without spaces.
    pub(super) fn nhs(&mut self) -> String {
        loop {
            let mut d = [9u32, 9, 9, 0, 0, 0, 0, 0, 0];
            for x in d.iter_mut().skip(3) {
                *x = self.rng.u32(0..10);
            }
            let sum: u32 = d.iter().zip((2..=10u32).rev()).map(|(x, w)| x * w).sum();
            let check = match 11 - sum % 11 {
                11 => 0,
                10 => continue,
                c => c,
            };
            let s: String = d.iter().chain([check].iter()).map(|x| x.to_string()).collect();
            if !self.used_nhs.insert(s.clone()) {
                continue;
            }
            return match self.rng.u32(0..100) {
                0..70 => format!("{} {} {}", &s[0..3], &s[3..6], &s[6..]),
                70..95 => s,
                _ => format!("{}-{}-{}", &s[0..3], &s[3..6], &s[6..]),
            };
        }
    }

    /// A reference like `TEN-004211`, unique across the data.
    pub(super) fn unique_ref(&mut self, prefix: &str, width: usize, range: RangeInclusive<u32>) -> String {
        for _ in 0..10_000 {
            let r = format!("{prefix}{:0width$}", self.rng.u32(range.clone()));
            if self.used_refs.insert(r.clone()) {
                return r;
            }
        }
        let r = format!("{prefix}{:0width$}", self.used_refs.len());
        self.used_refs.insert(r.clone());
        r
    }

    pub(super) fn postcode(&mut self, outward: &str) -> String {
        let digit = self.rng.u32(1..10);
        let a = char::from(self.pick(INWARD_LETTERS));
        let b = char::from(self.pick(INWARD_LETTERS));
        let pc = format!("{outward} {digit}{a}{b}");
        match self.rng.u32(0..100) {
            0..4 => pc.to_lowercase(),
            4..10 => pc.replace(' ', ""),
            _ => pc,
        }
    }

    /// A home address in `town`: a house, or (more often for social housing) a flat.
    pub(super) fn address(&mut self, town: &Town, social_housing: bool) -> Address {
        let (locality, outward) = self.pick(town.areas);
        let street = if self.chance(55) { self.pick_from(town.streets) } else { self.pick_from(COMMON_STREETS) };
        let flat_pct = if social_housing { 45 } else { 25 };
        let r = self.rng.u32(0..100);
        let mut lines = Vec::new();
        if r < flat_pct {
            let block = self.pick_from(BLOCKS);
            lines.push(format!("Flat {}, {block}", self.rng.u32(1..=40)));
            lines.push(street.to_string());
        } else if r < flat_pct + 8 {
            let suffix = self.pick(&["a", "b"]);
            lines.push(format!("{}{suffix} {street}", self.rng.u32(1..=200)));
        } else {
            lines.push(format!("{} {street}", self.rng.u32(1..=180)));
        }
        if self.chance(55) {
            lines.push(locality.to_string());
        }
        lines.push(town.name.to_string());
        if let Some(county) = town.county
            && self.chance(20)
        {
            lines.push(county.to_string());
        }
        Address { lines, postcode: Some(self.postcode(outward)) }
    }

    pub(super) fn business_address(&mut self, town: &Town) -> Address {
        let (_, outward) = self.pick(town.areas);
        let park = self.pick_from(BUSINESS_PARKS);
        let street = self.pick_from(town.streets);
        let lines =
            vec![format!("Unit {}", self.rng.u32(1..=30)), park.to_string(), street.to_string(), town.name.to_string()];
        Address { lines, postcode: Some(self.postcode(outward)) }
    }

    pub(super) fn amount(&mut self) -> String {
        let pounds = self.rng.u32(85..=2400);
        let pence = self.rng.u32(0..100);
        if pounds >= 1000 {
            format!("£{},{:03}.{pence:02}", pounds / 1000, pounds % 1000)
        } else {
            format!("£{pounds}.{pence:02}")
        }
    }

    pub(super) fn maybe_note(&mut self, s: &mut NewSubject, pct: u32, notes: &[&str]) {
        if notes.is_empty() || !self.chance(pct) {
            return;
        }
        let note = self.pick(notes);
        let note = if note.contains("{amount}") {
            let amount = self.amount();
            note.replace("{amount}", &amount)
        } else {
            note.to_string()
        };
        s.notes = Some(note);
    }
}
