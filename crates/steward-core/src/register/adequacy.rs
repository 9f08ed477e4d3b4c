//! The countries and territories covered by UK adequacy regulations: where personal data
//! may go from the UK without an IDTA, the UK Addendum, binding corporate rules or an
//! Art 49 derogation. This is the UK's own list, kept by hand; the EU's adequacy decisions
//! are a different list and are not used.
//!
//! Sources: DPA 2018 s17A (adequacy regulations; the Data (Use and Access) Act 2025,
//! Schs 7 and 9, recasts them as transfers approved by regulations under UK GDPR Art 45A
//! and carries the existing ones over); DPA 2018 Sch 21 paras 4-5 (the EEA states, Gibraltar and the
//! countries with an EU adequacy decision at the end of the transition period, treated as
//! adequate); the Data Protection (Adequacy) (Republic of Korea) Regulations 2022
//! (SI 2022/1213); the Data Protection (Adequacy) (United States of America) Regulations
//! 2023 (SI 2023/1028); ICO guidance "International transfers" (its list of UK adequacy
//! regulations).
//!
//! How to update: when the Secretary of State makes, narrows or revokes adequacy
//! regulations (search legislation.gov.uk for "Data Protection (Adequacy)" and read the
//! ICO's "International transfers" guidance), add, change or remove the entry in
//! [`ADEQUATE`] with the instrument's title and SI number and any limit on its scope in
//! `partial`, keep the list in code order, and set [`LIST_AS_OF`] to the day the list was
//! checked. The tests check the order and that every code is an ISO 3166-1 code.

/// The day this list was last checked against the UK's adequacy regulations.
pub const LIST_AS_OF: &str = "2026-12-07";

/// One country or territory covered by UK adequacy regulations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adequacy {
    /// Its ISO 3166-1 alpha-2 code (`FR`).
    pub code: &'static str,
    /// Its English name.
    pub name: &'static str,
    /// The law that covers it.
    pub instrument: &'static str,
    /// The limit on what is covered, where only some recipients or data are (Canada,
    /// Japan, the United States); `None` when the whole country is covered.
    pub partial: Option<&'static str>,
}

/// The EEA states: treated as adequate by DPA 2018 Sch 21 paras 4-5.
const EEA: &str = "DPA 2018 Sch 21 paras 4-5 (EEA state, treated as covered by adequacy regulations)";
/// Gibraltar: treated as adequate by DPA 2018 Sch 21 paras 4-5.
const GIBRALTAR: &str = "DPA 2018 Sch 21 paras 4-5 (Gibraltar, treated as covered by adequacy regulations)";
/// The countries with an EU adequacy decision in force at the end of the transition period.
const CARRIED_OVER: &str =
    "DPA 2018 Sch 21 paras 4-5 (EU adequacy decision in force at the end of the transition period, carried over)";
/// The Republic of Korea.
const KOREA: &str = "Data Protection (Adequacy) (Republic of Korea) Regulations 2022 (SI 2022/1213)";
/// The United States of America.
const USA: &str = "Data Protection (Adequacy) (United States of America) Regulations 2023 (SI 2023/1028)";

/// Every country and territory covered by UK adequacy regulations as of [`LIST_AS_OF`], in
/// code order: the 27 EU states, Iceland, Liechtenstein and Norway (the EEA), Gibraltar,
/// the countries carried over from EU adequacy decisions, and those with UK regulations of
/// their own.
pub const ADEQUATE: [Adequacy; 45] = [
    Adequacy { code: "AD", name: "Andorra", instrument: CARRIED_OVER, partial: None },
    Adequacy { code: "AR", name: "Argentina", instrument: CARRIED_OVER, partial: None },
    Adequacy { code: "AT", name: "Austria", instrument: EEA, partial: None },
    Adequacy { code: "BE", name: "Belgium", instrument: EEA, partial: None },
    Adequacy { code: "BG", name: "Bulgaria", instrument: EEA, partial: None },
    Adequacy {
        code: "CA",
        name: "Canada",
        instrument: CARRIED_OVER,
        partial: Some(
            "Only recipients subject to the Personal Information Protection and Electronic Documents Act \
             (PIPEDA): commercial organisations. Public bodies, and organisations outside PIPEDA, need another \
             mechanism.",
        ),
    },
    Adequacy { code: "CH", name: "Switzerland", instrument: CARRIED_OVER, partial: None },
    Adequacy { code: "CY", name: "Cyprus", instrument: EEA, partial: None },
    Adequacy { code: "CZ", name: "Czechia", instrument: EEA, partial: None },
    Adequacy { code: "DE", name: "Germany", instrument: EEA, partial: None },
    Adequacy { code: "DK", name: "Denmark", instrument: EEA, partial: None },
    Adequacy { code: "EE", name: "Estonia", instrument: EEA, partial: None },
    Adequacy { code: "ES", name: "Spain", instrument: EEA, partial: None },
    Adequacy { code: "FI", name: "Finland", instrument: EEA, partial: None },
    Adequacy { code: "FO", name: "Faroe Islands", instrument: CARRIED_OVER, partial: None },
    Adequacy { code: "FR", name: "France", instrument: EEA, partial: None },
    Adequacy { code: "GG", name: "Guernsey", instrument: CARRIED_OVER, partial: None },
    Adequacy { code: "GI", name: "Gibraltar", instrument: GIBRALTAR, partial: None },
    Adequacy { code: "GR", name: "Greece", instrument: EEA, partial: None },
    Adequacy { code: "HR", name: "Croatia", instrument: EEA, partial: None },
    Adequacy { code: "HU", name: "Hungary", instrument: EEA, partial: None },
    Adequacy { code: "IE", name: "Ireland", instrument: EEA, partial: None },
    Adequacy { code: "IL", name: "Israel", instrument: CARRIED_OVER, partial: None },
    Adequacy { code: "IM", name: "Isle of Man", instrument: CARRIED_OVER, partial: None },
    Adequacy { code: "IS", name: "Iceland", instrument: EEA, partial: None },
    Adequacy { code: "IT", name: "Italy", instrument: EEA, partial: None },
    Adequacy { code: "JE", name: "Jersey", instrument: CARRIED_OVER, partial: None },
    Adequacy {
        code: "JP",
        name: "Japan",
        instrument: CARRIED_OVER,
        partial: Some(
            "Only private-sector organisations subject to the Act on the Protection of Personal Information \
             (APPI). Public bodies, and data outside the APPI, need another mechanism.",
        ),
    },
    Adequacy { code: "KR", name: "Korea (Republic of)", instrument: KOREA, partial: None },
    Adequacy { code: "LI", name: "Liechtenstein", instrument: EEA, partial: None },
    Adequacy { code: "LT", name: "Lithuania", instrument: EEA, partial: None },
    Adequacy { code: "LU", name: "Luxembourg", instrument: EEA, partial: None },
    Adequacy { code: "LV", name: "Latvia", instrument: EEA, partial: None },
    Adequacy { code: "MT", name: "Malta", instrument: EEA, partial: None },
    Adequacy { code: "NL", name: "Netherlands", instrument: EEA, partial: None },
    Adequacy { code: "NO", name: "Norway", instrument: EEA, partial: None },
    Adequacy { code: "NZ", name: "New Zealand", instrument: CARRIED_OVER, partial: None },
    Adequacy { code: "PL", name: "Poland", instrument: EEA, partial: None },
    Adequacy { code: "PT", name: "Portugal", instrument: EEA, partial: None },
    Adequacy { code: "RO", name: "Romania", instrument: EEA, partial: None },
    Adequacy { code: "SE", name: "Sweden", instrument: EEA, partial: None },
    Adequacy { code: "SI", name: "Slovenia", instrument: EEA, partial: None },
    Adequacy { code: "SK", name: "Slovakia", instrument: EEA, partial: None },
    Adequacy {
        code: "US",
        name: "United States of America",
        instrument: USA,
        partial: Some(
            "Only organisations on the Data Privacy Framework List as taking part in the UK Extension to the \
             EU-US Data Privacy Framework (SI 2023/1028 reg 3); check the recipient is listed. Anyone else in \
             the United States needs another mechanism.",
        ),
    },
    Adequacy { code: "UY", name: "Uruguay", instrument: CARRIED_OVER, partial: None },
];

/// The entry for a country code (upper case), if UK adequacy regulations cover it.
pub fn find(code: &str) -> Option<&'static Adequacy> {
    ADEQUATE.binary_search_by(|a| a.code.cmp(code)).ok().map(|i| &ADEQUATE[i])
}

/// Whether UK adequacy regulations cover a country code (upper case), in whole or in part.
pub fn covered(code: &str) -> bool {
    find(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::super::country;
    use super::*;

    /// The 27 EU member states, by ISO code.
    const EU27: [&str; 27] = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
        "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ];

    #[test]
    fn the_list_is_in_order_and_every_code_is_an_iso_code() {
        assert!(ADEQUATE.windows(2).all(|w| w[0].code < w[1].code));
        for a in ADEQUATE {
            assert!(country::name(a.code).is_some(), "{} is an ISO 3166-1 code", a.code);
        }
        assert!(jiff::civil::Date::strptime("%Y-%m-%d", LIST_AS_OF).is_ok());
    }

    #[test]
    fn the_eea_gibraltar_and_the_uks_own_regulations_are_covered() {
        for c in EU27.iter().chain(&["IS", "LI", "NO"]) {
            assert_eq!(find(c).map(|a| a.instrument), Some(EEA), "{c}");
        }
        assert_eq!(ADEQUATE.iter().filter(|a| a.instrument == EEA).count(), 30);
        assert!(covered("GI") && covered("KR") && covered("GG") && covered("JE") && covered("IM"));
        assert!(find("US").and_then(|a| a.partial).is_some_and(|p| p.contains("UK Extension")));
        assert!(find("CA").and_then(|a| a.partial).is_some_and(|p| p.contains("PIPEDA")));
        assert!(find("JP").and_then(|a| a.partial).is_some());
    }

    #[test]
    fn countries_without_uk_regulations_are_not_covered() {
        for c in ["IN", "AU", "BR", "SG", "AE", "ZA", "CN", "GB"] {
            assert!(!covered(c), "{c}");
        }
        assert!(!covered("fr"), "codes are looked up in upper case");
    }
}
