//! The conditions that make processing lawful, as a processing activity states them:
//! the Art 6(1) basis of each purpose, the Art 9(2) condition for each kind of
//! special-category data (and the DPA 2018 Schedule 1 condition some of them need),
//! the Art 10 / Schedule 1 condition for criminal-offence data, and the rights that
//! follow from the bases. Each refusal names the article and what to add.
//!
//! Sources: UK GDPR Art 6(1) (and (ea), recognised legitimate interests, inserted by
//! the Data (Use and Access) Act 2025, Annex 1), Art 7(3), Art 9(2), Art 10, Arts 15–22;
//! DPA 2018 s10 and Schedule 1 (Part 1 paras 1–4, Part 2 paras 6–28, Part 3 paras
//! 29–37; an appropriate policy document under para 1(1)(b), para 5 and Part 4); ICO
//! guidance "Lawful basis for processing" and "A guide to individual rights".

use crate::FieldError;
use crate::subject::SpecialCategory;
use serde::{Deserialize, Serialize};

/// An Art 6(1) lawful basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LawfulBasis {
    /// Art 6(1)(a): the person consented to this purpose.
    Consent,
    /// Art 6(1)(b): needed for a contract with the person, or steps before one.
    Contract,
    /// Art 6(1)(c): needed to comply with a legal obligation.
    LegalObligation,
    /// Art 6(1)(d): needed to protect someone's life.
    VitalInterests,
    /// Art 6(1)(e): needed for a task in the public interest or official authority.
    PublicTask,
    /// Art 6(1)(f): needed for legitimate interests, balanced against the person's.
    LegitimateInterests,
    /// Art 6(1)(ea): a recognised legitimate interest (Annex 1; no balancing test).
    RecognisedLegitimateInterest,
}

impl LawfulBasis {
    /// Every basis, in the order of Art 6(1).
    pub const ALL: [LawfulBasis; 7] = [
        LawfulBasis::Consent,
        LawfulBasis::Contract,
        LawfulBasis::LegalObligation,
        LawfulBasis::VitalInterests,
        LawfulBasis::PublicTask,
        LawfulBasis::LegitimateInterests,
        LawfulBasis::RecognisedLegitimateInterest,
    ];

    /// The code the API uses (`legitimate_interests`).
    pub fn as_str(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "consent",
            LawfulBasis::Contract => "contract",
            LawfulBasis::LegalObligation => "legal_obligation",
            LawfulBasis::VitalInterests => "vital_interests",
            LawfulBasis::PublicTask => "public_task",
            LawfulBasis::LegitimateInterests => "legitimate_interests",
            LawfulBasis::RecognisedLegitimateInterest => "recognised_legitimate_interest",
        }
    }

    /// The basis a code names, if any.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == code)
    }

    /// In words, with its article: "Legitimate interests (Art 6(1)(f))".
    pub fn label(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "Consent (Art 6(1)(a))",
            LawfulBasis::Contract => "Contract (Art 6(1)(b))",
            LawfulBasis::LegalObligation => "Legal obligation (Art 6(1)(c))",
            LawfulBasis::VitalInterests => "Vital interests (Art 6(1)(d))",
            LawfulBasis::PublicTask => "Public task (Art 6(1)(e))",
            LawfulBasis::LegitimateInterests => "Legitimate interests (Art 6(1)(f))",
            LawfulBasis::RecognisedLegitimateInterest => "Recognised legitimate interest (Art 6(1)(ea))",
        }
    }
}

/// An Art 9(2) condition for special-category data, by its letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Art9Condition(char);

impl Art9Condition {
    /// The condition a letter `a`–`j` names (Art 9(2)(a) to (j)).
    pub fn parse(letter: &str) -> Option<Self> {
        let mut chars = letter.trim().chars();
        match (chars.next(), chars.next()) {
            (Some(c @ 'a'..='j'), None) => Some(Self(c)),
            _ => None,
        }
    }

    /// Its letter.
    pub fn letter(self) -> char {
        self.0
    }

    /// Whether it is met only with a DPA 2018 Schedule 1 condition as well (s10(1)-(3):
    /// Art 9(2)(b), (g), (h), (i) and (j)).
    pub fn needs_schedule1(self) -> bool {
        matches!(self.0, 'b' | 'g' | 'h' | 'i' | 'j')
    }
}

/// A DPA 2018 Schedule 1 condition: `part1_para2`, `part2_para18`, `part3_para29`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Schedule1Condition {
    /// Part 1 (employment, health, public health, research), 2 (substantial public
    /// interest) or 3 (criminal convictions: additional conditions).
    pub part: u8,
    /// The paragraph (Part 1: 1–4; Part 2: 6–28; Part 3: 29–37).
    pub para: u8,
}

impl Schedule1Condition {
    /// The condition a code names, if the paragraph is in its part.
    pub fn parse(code: &str) -> Option<Self> {
        let (part, para) = code.trim().strip_prefix("part")?.split_once("_para")?;
        let (part, para) = (part.parse::<u8>().ok()?, para.parse::<u8>().ok()?);
        let range = match part {
            1 => 1..=4,
            2 => 6..=28,
            3 => 29..=37,
            _ => return None,
        };
        range.contains(&para).then_some(Self { part, para })
    }

    /// Whether the controller must have an appropriate policy document in place: the
    /// employment condition (Sch 1 para 1(1)(b)) and every Part 2 condition (para 5).
    pub fn needs_policy_document(self) -> bool {
        (self.part == 1 && self.para == 1) || self.part == 2
    }

    /// Whether it can stand for criminal-offence data (Art 10, DPA 2018 s10(5)): any
    /// Part 1, 2 or 3 condition.
    pub fn covers_criminal_data(self) -> bool {
        (1..=3).contains(&self.part)
    }

    /// Whether it can go with an Art 9(2) condition (s10(2)-(3)): Parts 1 and 2.
    pub fn covers_special_category(self) -> bool {
        self.part == 1 || self.part == 2
    }
}

/// Every DPA 2018 Schedule 1 condition with its heading in the Act, by code: Part 1
/// (conditions relating to employment, health and research), Part 2 (substantial public
/// interest conditions), Part 3 (additional conditions relating to criminal convictions).
pub const SCHEDULE1_CONDITIONS: &[(&str, &str)] = &[
    ("part1_para1", "Part 1 para 1: Employment, social security and social protection"),
    ("part1_para2", "Part 1 para 2: Health or social care purposes"),
    ("part1_para3", "Part 1 para 3: Public health"),
    ("part1_para4", "Part 1 para 4: Research etc"),
    ("part2_para6", "Part 2 para 6: Statutory and government purposes"),
    ("part2_para7", "Part 2 para 7: Administration of justice and parliamentary purposes"),
    ("part2_para8", "Part 2 para 8: Equality of opportunity or treatment"),
    ("part2_para9", "Part 2 para 9: Racial and ethnic diversity at senior levels of organisations"),
    ("part2_para10", "Part 2 para 10: Preventing or detecting unlawful acts"),
    ("part2_para11", "Part 2 para 11: Protecting the public"),
    ("part2_para12", "Part 2 para 12: Regulatory requirements"),
    ("part2_para13", "Part 2 para 13: Journalism, academia, art and literature"),
    ("part2_para14", "Part 2 para 14: Preventing fraud"),
    ("part2_para15", "Part 2 para 15: Suspicion of terrorist financing or money laundering"),
    ("part2_para16", "Part 2 para 16: Support for individuals with a particular disability or medical condition"),
    ("part2_para17", "Part 2 para 17: Counselling"),
    ("part2_para18", "Part 2 para 18: Safeguarding of children and individuals at risk"),
    ("part2_para19", "Part 2 para 19: Safeguarding of economic well-being of certain individuals"),
    ("part2_para20", "Part 2 para 20: Insurance"),
    ("part2_para21", "Part 2 para 21: Occupational pensions"),
    ("part2_para22", "Part 2 para 22: Political parties"),
    ("part2_para23", "Part 2 para 23: Elected representatives responding to requests"),
    ("part2_para24", "Part 2 para 24: Disclosure to elected representatives"),
    ("part2_para25", "Part 2 para 25: Informing elected representatives about prisoners"),
    ("part2_para26", "Part 2 para 26: Publication of legal judgments"),
    ("part2_para27", "Part 2 para 27: Anti-doping in sport"),
    ("part2_para28", "Part 2 para 28: Standards of behaviour in sport"),
    ("part3_para29", "Part 3 para 29: Consent"),
    ("part3_para30", "Part 3 para 30: Protecting an individual's vital interests"),
    ("part3_para31", "Part 3 para 31: Processing by not-for-profit bodies"),
    ("part3_para32", "Part 3 para 32: Personal data in the public domain"),
    ("part3_para33", "Part 3 para 33: Legal claims"),
    ("part3_para34", "Part 3 para 34: Judicial acts"),
    (
        "part3_para35",
        "Part 3 para 35: Administration of accounts used in commission of indecency offences involving children",
    ),
    ("part3_para36", "Part 3 para 36: Extension of conditions in Part 2 referring to substantial public interest"),
    ("part3_para37", "Part 3 para 37: Extension of insurance conditions"),
];

/// Every Art 9(2) condition with its words, by letter.
pub const ART9_CONDITIONS: &[(&str, &str)] = &[
    ("a", "(a) Explicit consent"),
    ("b", "(b) Employment, social security and social protection"),
    ("c", "(c) Vital interests, where consent cannot be given"),
    ("d", "(d) Not-for-profit body's members and contacts"),
    ("e", "(e) Made manifestly public by the person"),
    ("f", "(f) Legal claims or judicial acts"),
    ("g", "(g) Reasons of substantial public interest"),
    ("h", "(h) Health or social care"),
    ("i", "(i) Public health"),
    ("j", "(j) Archiving, research or statistics"),
];

/// Every Art 6(1) basis code with its words.
pub const BASES: &[(&str, &str)] = &[
    ("consent", "Consent (Art 6(1)(a))"),
    ("contract", "Contract (Art 6(1)(b))"),
    ("legal_obligation", "Legal obligation (Art 6(1)(c))"),
    ("vital_interests", "Vital interests (Art 6(1)(d))"),
    ("public_task", "Public task (Art 6(1)(e))"),
    ("legitimate_interests", "Legitimate interests (Art 6(1)(f))"),
    ("recognised_legitimate_interest", "Recognised legitimate interest (Art 6(1)(ea))"),
];

/// One purpose of an activity as stated: what for, and on which basis.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PurposeInput {
    /// What the processing is for.
    pub purpose: String,
    /// The Art 6(1) basis code.
    pub lawful_basis: String,
    /// For legitimate interests: the interest pursued.
    pub legitimate_interest: String,
    /// For consent: the consent purpose that records it.
    pub consent_purpose: String,
}

/// One kind of special-category (or criminal-offence) data as stated, with its
/// conditions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpecialInput {
    /// One of the ten keys of a subject's special-category data.
    pub category: String,
    /// The Art 9(2) letter (empty for criminal-offence data).
    pub art9_condition: String,
    /// The Schedule 1 condition code, where one is needed.
    pub schedule1_condition: String,
    /// Whether an appropriate policy document is in place.
    pub policy_document: bool,
}

/// The key of criminal-offence data among the special-category keys.
pub const CRIMINAL_OFFENCE: &str = "criminal_offence";

/// Check an activity's purposes and special-category data: every problem at once,
/// each naming the field (`purposes[0].lawful_basis`) and, in words, the article and
/// what to add.
pub fn check(purposes: &[PurposeInput], special: &[SpecialInput]) -> Vec<FieldError> {
    // An activity whose basis is still to be decided may be recorded (the register must
    // show the processing as it is); the compliance check reports it
    // (`activity_without_lawful_basis`, Art 6(1)). A basis that is given must be one.
    let mut out = Vec::new();
    for (i, p) in purposes.iter().enumerate() {
        let at = |f: &str| format!("purposes[{i}].{f}");
        if p.purpose.trim().is_empty() {
            out.push(FieldError::new(at("purpose"), "say what the processing is for (UK GDPR Art 5(1)(b))"));
        }
        match LawfulBasis::parse(p.lawful_basis.trim()) {
            None if p.lawful_basis.trim().is_empty() => {}
            None => out.push(FieldError::new(
                at("lawful_basis"),
                "is not a lawful basis: use consent, contract, legal_obligation, vital_interests, public_task, \
                 legitimate_interests or recognised_legitimate_interest (UK GDPR Art 6(1))",
            )),
            Some(LawfulBasis::Consent) if p.consent_purpose.trim().is_empty() => out.push(FieldError::new(
                at("consent_purpose"),
                "consent as the basis needs the consent purpose people agree to, so that each consent can be \
                 recorded and withdrawn (UK GDPR Art 6(1)(a), Art 7(1) and 7(3))",
            )),
            Some(LawfulBasis::LegitimateInterests) if p.legitimate_interest.trim().is_empty() => {
                out.push(FieldError::new(
                    at("legitimate_interest"),
                    "legitimate interests as the basis needs the interest pursued, weighed in a legitimate \
                     interests assessment (UK GDPR Art 6(1)(f), Art 13(1)(d))",
                ))
            }
            Some(_) => {}
        }
    }
    for (i, s) in special.iter().enumerate() {
        let at = |f: &str| format!("special_category[{i}].{f}");
        let category = s.category.trim();
        if !SpecialCategory::HEADINGS.iter().any(|(k, _)| *k == category) {
            out.push(FieldError::new(at("category"), "is not a kind of special-category or criminal-offence data"));
            continue;
        }
        let schedule1 = s.schedule1_condition.trim();
        let sch = Schedule1Condition::parse(schedule1);
        if !schedule1.is_empty() && sch.is_none() {
            out.push(FieldError::new(
                at("schedule1_condition"),
                "is not a DPA 2018 Schedule 1 condition: use part1_para1 to part1_para4, part2_para6 to \
                 part2_para28 or part3_para29 to part3_para37",
            ));
        }
        if category == CRIMINAL_OFFENCE {
            // Art 10: only under official authority or when authorised by law, which for
            // a housing association or charity means a Schedule 1 condition (s10(5)).
            match sch {
                Some(c) if c.covers_criminal_data() => {}
                _ if schedule1.is_empty() => out.push(FieldError::new(
                    at("schedule1_condition"),
                    "criminal-offence data needs a DPA 2018 Schedule 1 condition (UK GDPR Art 10, DPA 2018 s10(5))",
                )),
                _ => {}
            }
        } else {
            let art9 = s.art9_condition.trim();
            match Art9Condition::parse(art9) {
                None if art9.is_empty() => out.push(FieldError::new(
                    at("art9_condition"),
                    "special-category data needs an Art 9(2) condition as well as a lawful basis (UK GDPR Art 9(2))",
                )),
                None => out.push(FieldError::new(
                    at("art9_condition"),
                    "is not an Art 9(2) condition: use a letter from a to j (UK GDPR Art 9(2)(a)-(j))",
                )),
                Some(c) if c.needs_schedule1() => match sch {
                    None if schedule1.is_empty() => out.push(FieldError::new(
                        at("schedule1_condition"),
                        format!(
                            "Art 9(2)({}) is met only with a DPA 2018 Schedule 1 condition: add the Schedule 1 \
                             condition relied on (DPA 2018 s10(1)-(3))",
                            c.letter()
                        ),
                    )),
                    Some(s1) if !s1.covers_special_category() => out.push(FieldError::new(
                        at("schedule1_condition"),
                        "Schedule 1 Part 3 conditions cover criminal-offence data only: for special-category \
                         data use a Part 1 or Part 2 condition (DPA 2018 s10(2)-(3))",
                    )),
                    _ => {}
                },
                Some(_) => {}
            }
        }
        if let Some(c) = sch
            && c.needs_policy_document()
            && !s.policy_document
        {
            out.push(FieldError::new(
                at("policy_document"),
                format!(
                    "Schedule 1 Part {} paragraph {} needs an appropriate policy document in place (DPA 2018 \
                     Schedule 1 {}, Part 4)",
                    c.part,
                    c.para,
                    if c.part == 1 { "para 1(1)(b)" } else { "para 5" }
                ),
            ));
        }
    }
    out
}

/// A right people have over their data (UK GDPR Arts 15–22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// To be informed (Art 13, 14).
    BeInformed,
    /// Of access (Art 15).
    Access,
    /// To rectification (Art 16).
    Rectification,
    /// To erasure (Art 17).
    Erasure,
    /// To restrict processing (Art 18).
    Restriction,
    /// To data portability (Art 20).
    Portability,
    /// To object (Art 21).
    Object,
    /// To withdraw consent at any time (Art 7(3)).
    WithdrawConsent,
}

impl Right {
    /// The right in words ("To object").
    pub fn label(self) -> &'static str {
        match self {
            Right::BeInformed => "To be informed",
            Right::Access => "Of access",
            Right::Rectification => "To rectification",
            Right::Erasure => "To erasure",
            Right::Restriction => "To restrict processing",
            Right::Portability => "To data portability",
            Right::Object => "To object",
            Right::WithdrawConsent => "To withdraw consent at any time",
        }
    }
}

/// The rights people have over processing on `bases` (ICO "A guide to individual
/// rights"): informed, access, rectification and restriction always; erasure unless
/// every basis is a legal obligation or public task (Art 17(3)(b)); portability only
/// for consent or contract (Art 20(1)(a)); objection for public task or legitimate
/// interests (Art 21(1)); withdrawal for consent (Art 7(3)).
pub fn rights(bases: &[LawfulBasis]) -> Vec<Right> {
    let any = |f: &dyn Fn(LawfulBasis) -> bool| bases.iter().any(|&b| f(b));
    let mut out = vec![Right::BeInformed, Right::Access, Right::Rectification];
    if any(&|b| !matches!(b, LawfulBasis::LegalObligation | LawfulBasis::PublicTask)) {
        out.push(Right::Erasure);
    }
    out.push(Right::Restriction);
    if any(&|b| matches!(b, LawfulBasis::Consent | LawfulBasis::Contract)) {
        out.push(Right::Portability);
    }
    if any(&|b| matches!(b, LawfulBasis::PublicTask | LawfulBasis::LegitimateInterests)) {
        out.push(Right::Object);
    }
    if any(&|b| b == LawfulBasis::Consent) {
        out.push(Right::WithdrawConsent);
    }
    out
}

#[cfg(test)]
mod tests;
