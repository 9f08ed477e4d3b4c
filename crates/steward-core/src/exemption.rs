//! The exemptions from the right of access (UK GDPR Art 15) and data portability (Art 20)
//! in the Data Protection Act 2018, Schedules 2 and 3: codes, citations and plain-language
//! explanations a caseworker can apply when reviewing a response pack.
//!
//! Sources: Data Protection Act 2018 (c. 12), Schedule 2 (exemptions from the GDPR) Parts
//! 1 to 4, and Schedule 3 (health, social work, education and child abuse data) Parts 2 to 5,
//! as published on legislation.gov.uk; the ICO's guide "Right of access — exemptions". The
//! catalogue lists the exemptions an organisation of Steward's kind (housing, charities,
//! care) can meet; it is a reminder of what each needs, not legal advice. Most of them apply
//! only "to the extent that" disclosure would cause the harm described, so an item should be
//! withheld only in part where that is enough.

use serde::Serialize;

/// One exemption a reviewer may apply to an item of a response pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Exemption {
    /// Stable code stored with each decision (e.g. `third_party`).
    pub code: &'static str,
    /// Short name.
    pub title: &'static str,
    /// The provision, e.g. `DPA 2018 Sch 2 Pt 3 para 16`.
    pub citation: &'static str,
    /// What it means, in plain language, for a caseworker and for the requester.
    pub explanation: &'static str,
}

/// Every exemption Steward knows, in the order of the Act.
pub const EXEMPTIONS: &[Exemption] = &[
    Exemption {
        code: "crime_taxation",
        title: "Crime and taxation",
        citation: "DPA 2018 Sch 2 Pt 1 para 2",
        explanation: "Information held to prevent or detect crime, catch or prosecute offenders, or assess or collect tax may be withheld, but only where giving it would be likely to harm those purposes (for example, it would tip someone off about an investigation).",
    },
    Exemption {
        code: "immigration",
        title: "Immigration control",
        citation: "DPA 2018 Sch 2 Pt 1 para 4",
        explanation: "Information used for effective immigration control may be withheld where giving it would be likely to harm that control.",
    },
    Exemption {
        code: "disclosure_required_by_law",
        title: "Disclosures required by law or for legal proceedings",
        citation: "DPA 2018 Sch 2 Pt 1 para 5",
        explanation: "Where the law, a court order, or legal proceedings (including getting legal advice or defending legal rights) require information to be disclosed to someone, the rules on what the requester must be given do not stop that, to the extent that they would prevent it.",
    },
    Exemption {
        code: "protection_of_public",
        title: "Functions that protect the public",
        citation: "DPA 2018 Sch 2 Pt 2 para 7",
        explanation: "Information held for certain public-protection functions (such as protecting people against dishonesty, malpractice or risks to health and safety at work, or protecting charities) may be withheld where giving it would be likely to harm how those functions are carried out.",
    },
    Exemption {
        code: "regulatory_functions",
        title: "Regulatory functions",
        citation: "DPA 2018 Sch 2 Pt 2 paras 10-11",
        explanation: "Information held by a regulator for its regulatory work (for example the Housing Ombudsman or a social care regulator) may be withheld where giving it would be likely to harm that work.",
    },
    Exemption {
        code: "third_party",
        title: "Another person's information",
        citation: "DPA 2018 Sch 2 Pt 3 para 16",
        explanation: "Information that would identify another person (not the requester) is withheld unless that person agrees, or it is reasonable in all the circumstances to give it without their agreement (think about any duty of confidence, what steps were taken to ask them, whether they could agree, and whether they refused).",
    },
    Exemption {
        code: "third_party_professional",
        title: "Health, social work and education workers",
        citation: "DPA 2018 Sch 2 Pt 3 para 17",
        explanation: "Where the other person named is a health worker, social worker or education worker acting in that job, it is treated as reasonable to give their details, so they are normally not withheld on the ground that they identify that worker.",
    },
    Exemption {
        code: "legal_privilege",
        title: "Legal professional privilege",
        citation: "DPA 2018 Sch 2 Pt 4 para 19",
        explanation: "Confidential communications with lawyers for legal advice, or made for legal proceedings, may be withheld.",
    },
    Exemption {
        code: "self_incrimination",
        title: "Self-incrimination",
        citation: "DPA 2018 Sch 2 Pt 4 para 20",
        explanation: "Information may be withheld where giving it would reveal evidence that the organisation itself has committed an offence (other than an offence under data protection law), so exposing it to proceedings.",
    },
    Exemption {
        code: "corporate_finance",
        title: "Corporate finance",
        citation: "DPA 2018 Sch 2 Pt 4 para 21",
        explanation: "Information held for a corporate finance service (such as issuing shares) may be withheld where giving it would be likely to affect the price of those instruments or harm the UK economy.",
    },
    Exemption {
        code: "management_forecasts",
        title: "Management forecasts and planning",
        citation: "DPA 2018 Sch 2 Pt 4 para 22",
        explanation: "Information used for management forecasting or planning (for example a planned restructure affecting the requester) may be withheld where giving it would be likely to harm the organisation's business or activity.",
    },
    Exemption {
        code: "negotiations",
        title: "Negotiations with the requester",
        citation: "DPA 2018 Sch 2 Pt 4 para 23",
        explanation: "Records of the organisation's intentions in negotiations with the requester (for example a settlement figure it would accept) may be withheld where giving them would be likely to harm those negotiations.",
    },
    Exemption {
        code: "confidential_reference",
        title: "Confidential references",
        citation: "DPA 2018 Sch 2 Pt 4 para 24",
        explanation: "A reference given in confidence for the requester's education, training, employment, volunteering, appointment to office or provision of services may be withheld.",
    },
    Exemption {
        code: "exam_scripts",
        title: "Exam scripts and exam marks",
        citation: "DPA 2018 Sch 2 Pt 4 para 25",
        explanation: "Answers a candidate wrote in an exam need not be given. Exam marks asked for before results are announced may be given later, within five months of the request or forty days of the announcement, whichever is sooner.",
    },
    Exemption {
        code: "health_court",
        title: "Health data in court proceedings",
        citation: "DPA 2018 Sch 3 Pt 2 para 3",
        explanation: "Health information given to a court in certain proceedings about children or families, which the court may withhold from the person, is withheld here too.",
    },
    Exemption {
        code: "health_expectations",
        title: "Health data: the person's wishes",
        citation: "DPA 2018 Sch 3 Pt 2 para 4",
        explanation: "Where someone asks on another person's behalf (a parent for a child, or a person appointed to manage their affairs), health information the person gave in the expectation that it would not be passed on, or asked not to be passed on, is withheld from the requester.",
    },
    Exemption {
        code: "health_serious_harm",
        title: "Health data: serious harm",
        citation: "DPA 2018 Sch 3 Pt 2 paras 5-6",
        explanation: "Health information may be withheld where giving it would be likely to cause serious harm to the physical or mental health of the person or anyone else. Unless you are a health professional, you must first have the opinion of the appropriate health professional, obtained within the last six months, that this serious harm test is met.",
    },
    Exemption {
        code: "social_work_serious_harm",
        title: "Social work data: serious harm",
        citation: "DPA 2018 Sch 3 Pt 3",
        explanation: "Social work records (for example from a local authority or a care provider acting for one) may be withheld where giving them would be likely to prejudice the carrying out of social work by causing serious harm to the physical or mental health of the person or anyone else; information a person gave in confidence is also withheld from someone asking on their behalf.",
    },
    Exemption {
        code: "education_serious_harm",
        title: "Education data: serious harm",
        citation: "DPA 2018 Sch 3 Pt 4",
        explanation: "Education records may be withheld where giving them would be likely to cause serious harm to the physical or mental health of the pupil or anyone else, or, in some cases, would reveal that the pupil is or may be at risk of child abuse where that is not in their best interests.",
    },
    Exemption {
        code: "child_abuse_data",
        title: "Child abuse data",
        citation: "DPA 2018 Sch 3 Pt 5 para 21",
        explanation: "When a parent or someone with parental responsibility asks for a child's information, information about whether the child is or has been the subject of, or at risk of, child abuse is withheld where giving it would not be in the child's best interests. This does not apply in Scotland.",
    },
];

/// The exemption with `code`, if any.
pub fn find(code: &str) -> Option<&'static Exemption> {
    EXEMPTIONS.iter().find(|e| e.code == code)
}

/// How much of an item a reviewer keeps out of a response pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// The whole item is left out; the pack lists that it exists and why it is withheld.
    Withheld,
    /// Some of the item's fields are left out (named by the reviewer).
    PartlyWithheld,
}

impl Treatment {
    /// The stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Withheld => "withheld",
            Treatment::PartlyWithheld => "partly_withheld",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Treatment::Withheld => "Withheld",
            Treatment::PartlyWithheld => "Partly withheld",
        }
    }
}

impl std::str::FromStr for Treatment {
    type Err = crate::CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "withheld" => Ok(Treatment::Withheld),
            "partly_withheld" => Ok(Treatment::PartlyWithheld),
            _ => Err(crate::CoreError::invalid("treatment", "must be withheld or partly_withheld")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_every_entry_is_complete() {
        let mut codes: Vec<&str> = EXEMPTIONS.iter().map(|e| e.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EXEMPTIONS.len());
        for e in EXEMPTIONS {
            assert!(e.citation.starts_with("DPA 2018 Sch "), "{}", e.code);
            assert!(e.explanation.len() > 60, "{}", e.code);
            assert!(e.code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", e.code);
        }
    }

    #[test]
    fn finds_by_code() {
        assert_eq!(find("third_party").map(|e| e.citation), Some("DPA 2018 Sch 2 Pt 3 para 16"));
        assert_eq!(find("legal_privilege").map(|e| e.citation), Some("DPA 2018 Sch 2 Pt 4 para 19"));
        assert!(find("nonsense").is_none());
        assert_eq!("partly_withheld".parse::<Treatment>(), Ok(Treatment::PartlyWithheld));
        assert!("hidden".parse::<Treatment>().is_err());
    }
}
