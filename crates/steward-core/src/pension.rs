//! State pension age: the date on which a person born on a given day reaches it (Pensions Act 2014 s26 and Sch 12).
//!
//! Needed by the retention rule "until the person reaches state pension age, or for
//! 10 years if that is longer" (safeguarding allegations in staff, trustee and
//! volunteer files). The bands follow the project's reference on UK rules (§7):
//!
//! | Born                        | State pension age                                      |
//! |-----------------------------|--------------------------------------------------------|
//! | before 6 Oct 1954           | treated as 66 (see [`PensionBasis::EarlierTreatedAs66`]) |
//! | 6 Oct 1954 – 5 Apr 1960     | 66 (Pensions Act 2011 s1)                               |
//! | 6 Apr 1960 – 5 Mar 1961     | 66 and 1–11 months, one month per monthly band (Pensions Act 2014 s26, Sch 12) |
//! | 6 Mar 1961 – 5 Apr 1977     | 67 (Pensions Act 2014 s26)                              |
//! | 6 Apr 1977 or later         | 68 (Pensions Act 2007 s13; phased 2044–2046, treated as 68) |
//!
//! All arithmetic is done by `jiff`: adding years and months to a date keeps the day of
//! the month and falls back to the month's last day when that day does not exist
//! (born 31 Jul 1960 → 66 years 4 months → 30 Nov 2026).

use jiff::civil::{Date, date};
use jiff::{Span, ToSpan};

/// Which statutory band a date of birth fell in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PensionBasis {
    /// Born before 6 Oct 1954. Under the Pensions Act 1995 Sch 4 (as amended by the
    /// Pensions Act 2011 s1) these people reached state pension age at 65 or earlier for
    /// some, by a sex-dependent table, and in every case before 6 Oct 2020. Steward does not
    /// record sex, so it treats them as 66, the earliest band of uk-rules §7: never earlier
    /// than the real date, so a record is never destroyed early.
    EarlierTreatedAs66,
    /// Born 6 Oct 1954 – 5 Apr 1960: 66 (Pensions Act 1995 s126 and Sch 4 para 1, as amended
    /// by the Pensions Act 2011 s1).
    SixtySix,
    /// Born 6 Apr 1960 – 5 Mar 1961: 66 plus one month for each monthly band (6th to 5th)
    /// after 5 Apr 1960 (Pensions Act 2014 s26 and Sch 12). The number is the months added.
    SixtySixPlusMonths(u8),
    /// Born 6 Mar 1961 – 5 Apr 1977: 67 (Pensions Act 2014 s26).
    SixtySeven,
    /// Born 6 Apr 1977 or later: 68 (Pensions Act 2007 s13). The rise from 67 to 68 is
    /// phased over 2044–2046 and not yet fixed by day; Steward treats it as 68 and says so.
    SixtyEight,
}

/// The day a person reaches state pension age, with the band that gave it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatePensionAge {
    /// The date on which state pension age is reached.
    pub date: Date,
    /// The statutory band the date of birth fell in.
    pub basis: PensionBasis,
}

impl StatePensionAge {
    /// The age in words, e.g. "66", "66 and 4 months", "68 (phased 2044–2046, treated as 68)".
    pub fn age_text(&self) -> String {
        match self.basis {
            PensionBasis::EarlierTreatedAs66 => {
                "66 (born before 6 Oct 1954: reached earlier under the Pensions Act 1995 and 2011 rules, treated as 66)"
                    .to_string()
            }
            PensionBasis::SixtySix => "66".to_string(),
            PensionBasis::SixtySixPlusMonths(1) => "66 and 1 month".to_string(),
            PensionBasis::SixtySixPlusMonths(m) => format!("66 and {m} months"),
            PensionBasis::SixtySeven => "67".to_string(),
            PensionBasis::SixtyEight => "68 (phased 2044–2046, treated as 68)".to_string(),
        }
    }
}

/// The date on which someone born on `date_of_birth` reaches state pension age.
///
/// Returns `None` only if the date would fall outside the range `jiff` can represent
/// (years after 9999), which no real date of birth reaches.
pub fn state_pension_age(date_of_birth: Date) -> Option<StatePensionAge> {
    let (basis, span): (PensionBasis, Span) = if date_of_birth < date(1954, 10, 6) {
        (PensionBasis::EarlierTreatedAs66, 66.years())
    } else if date_of_birth < date(1960, 4, 6) {
        (PensionBasis::SixtySix, 66.years())
    } else if date_of_birth < date(1961, 3, 6) {
        let months = monthly_band(date_of_birth);
        (PensionBasis::SixtySixPlusMonths(months), 66.years().months(i64::from(months)))
    } else if date_of_birth < date(1977, 4, 6) {
        (PensionBasis::SixtySeven, 67.years())
    } else {
        (PensionBasis::SixtyEight, 68.years())
    };
    let reached = date_of_birth.checked_add(span).ok()?;
    Some(StatePensionAge { date: reached, basis })
}

/// The monthly band (1–11) of a birth between 6 Apr 1960 and 5 Mar 1961: band 1 is
/// 6 Apr – 5 May 1960, band 11 is 6 Feb – 5 Mar 1961 (Pensions Act 2014 Sch 12).
fn monthly_band(date_of_birth: Date) -> u8 {
    let months_since_april_1960 = (i32::from(date_of_birth.year()) - 1960) * 12 + i32::from(date_of_birth.month()) - 4;
    let band = months_since_april_1960 + if date_of_birth.day() >= 6 { 1 } else { 0 };
    u8::try_from(band.clamp(1, 11)).unwrap_or(11)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spa(y: i16, m: i8, d: i8) -> (Date, PensionBasis) {
        let r = state_pension_age(date(y, m, d)).unwrap_or_else(|| panic!("no date for {y}-{m}-{d}"));
        (r.date, r.basis)
    }

    #[test]
    fn worked_examples_from_uk_rules_section_7() {
        // "born 15 Apr 1960 → 15 May 2026"
        assert_eq!(spa(1960, 4, 15), (date(2026, 5, 15), PensionBasis::SixtySixPlusMonths(1)));
        // "born 10 Sep 1960 → 10 Mar 2027"
        assert_eq!(spa(1960, 9, 10), (date(2027, 3, 10), PensionBasis::SixtySixPlusMonths(6)));
        // "a missing day-of-month falls back to the month's last day (born 31 Jul 1960 → 30 Nov 2026)"
        assert_eq!(spa(1960, 7, 31), (date(2026, 11, 30), PensionBasis::SixtySixPlusMonths(4)));
    }

    #[test]
    fn band_edges() {
        let cases = [
            // (born, reaches, basis)
            (date(1954, 10, 5), date(2020, 10, 5), PensionBasis::EarlierTreatedAs66),
            (date(1954, 10, 6), date(2020, 10, 6), PensionBasis::SixtySix),
            (date(1960, 4, 5), date(2026, 4, 5), PensionBasis::SixtySix),
            (date(1960, 4, 6), date(2026, 5, 6), PensionBasis::SixtySixPlusMonths(1)),
            (date(1960, 5, 5), date(2026, 6, 5), PensionBasis::SixtySixPlusMonths(1)),
            (date(1960, 5, 6), date(2026, 7, 6), PensionBasis::SixtySixPlusMonths(2)),
            (date(1960, 12, 5), date(2027, 8, 5), PensionBasis::SixtySixPlusMonths(8)),
            (date(1961, 1, 5), date(2027, 10, 5), PensionBasis::SixtySixPlusMonths(9)),
            (date(1961, 2, 6), date(2028, 1, 6), PensionBasis::SixtySixPlusMonths(11)),
            (date(1961, 3, 5), date(2028, 2, 5), PensionBasis::SixtySixPlusMonths(11)),
            (date(1961, 3, 6), date(2028, 3, 6), PensionBasis::SixtySeven),
            (date(1977, 4, 5), date(2044, 4, 5), PensionBasis::SixtySeven),
            (date(1977, 4, 6), date(2045, 4, 6), PensionBasis::SixtyEight),
            (date(1990, 6, 12), date(2058, 6, 12), PensionBasis::SixtyEight),
        ];
        for (born, reaches, basis) in cases {
            let r = state_pension_age(born).unwrap_or_else(|| panic!("no date for {born}"));
            assert_eq!((r.date, r.basis), (reaches, basis), "born {born}");
        }
    }

    #[test]
    fn month_end_fallback_in_the_bands() {
        // Born 31 Dec 1960 (band 9, 6 Dec – 5 Jan): 66 years 9 months; 31 Sep does not exist → 30 Sep 2027.
        assert_eq!(spa(1960, 12, 31), (date(2027, 9, 30), PensionBasis::SixtySixPlusMonths(9)));
        // Born 31 Jan 1961 (band 10): 66 years 10 months; 31 Nov does not exist → 30 Nov 2027.
        assert_eq!(spa(1961, 1, 31), (date(2027, 11, 30), PensionBasis::SixtySixPlusMonths(10)));
        // Born 29 Feb 1960 (66, before the bands): 2026 has no 29 Feb → 28 Feb 2026.
        assert_eq!(spa(1960, 2, 29), (date(2026, 2, 28), PensionBasis::SixtySix));
    }

    #[test]
    fn phased_68_is_said() {
        let r = state_pension_age(date(1980, 1, 1)).unwrap_or_else(|| panic!("no date"));
        assert!(r.age_text().contains("phased 2044–2046, treated as 68"));
    }

    fn born() -> impl proptest::strategy::Strategy<Value = Date> {
        use proptest::strategy::Strategy;
        (0i32..25_000).prop_map(|d| date(1940, 1, 1).checked_add(jiff::Span::new().days(i64::from(d))).unwrap())
    }

    proptest::proptest! {
        #[test]
        fn between_66_and_68_and_never_earlier_for_a_later_birth(a in born(), b in born()) {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            let (sa, sb) = (state_pension_age(a).unwrap().date, state_pension_age(b).unwrap().date);
            proptest::prop_assert!(sa <= sb, "{a} → {sa}, {b} → {sb}");
            proptest::prop_assert!(sa >= a.checked_add(66.years()).unwrap() && sa <= a.checked_add(68.years()).unwrap());
        }
    }
}
