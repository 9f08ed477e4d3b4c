//! The disclosure log: each request from the police, a council, a social worker, the CQC or
//! anyone else to disclose a person's data, who asked and how their identity was checked,
//! the basis or exemption relied on, the decision with its justification, who made it and
//! when, what was sent and how, and whether the person was told. A decision made outside
//! the organisation's working hours is approved by the DPO afterwards.
//!
//! Sources: UK GDPR Art 5(1)(a) and 5(2) (lawful, fair and transparent, and shown to be);
//! Art 6(1) (a lawful basis for each disclosure); DPA 2018 Sch 2 Pt 1 para 2 (crime and
//! taxation) and para 5 (disclosure required by law or in connection with legal
//! proceedings); ICO "Data sharing: a code of practice" (record what was shared, with whom,
//! why and on what basis; one-off requests and standing agreements); the housing
//! procedure's incident log (out-of-hours decisions approved afterwards).

use super::entry::{Entry, Link, LinkTarget, RegisterKind, field};
use super::incident::{Env, out_of_hours};
use super::{MAX_NAME, MAX_NOTE};
use crate::{FieldError, Permission};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The basis or exemption a disclosure relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisclosureBasis {
    /// DPA 2018 Sch 2 Pt 1 para 2: for the prevention or detection of crime, or the
    /// apprehension or prosecution of offenders, where not disclosing would be likely to
    /// prejudice it.
    CrimeAndTaxation,
    /// DPA 2018 Sch 2 Pt 1 para 5: required by law, or in connection with legal
    /// proceedings.
    RequiredByLawOrLegalProceedings,
    /// Safeguarding a child or an adult at risk (DPA 2018 Sch 1 para 18).
    Safeguarding,
    /// A court order requires it.
    CourtOrder,
    /// The person has consented.
    SubjectConsent,
    /// A standing data sharing agreement covers it.
    SharingAgreement,
    /// Legitimate interests (UK GDPR Art 6(1)(f)), with the justification.
    LegitimateInterests,
    /// To protect someone's life (UK GDPR Art 6(1)(d)).
    VitalInterests,
}

impl DisclosureBasis {
    /// Every basis with its code and words.
    pub const CHOICES: [(&'static str, &'static str); 8] = [
        ("crime_and_taxation", "Crime and taxation (DPA 2018 Sch 2 Pt 1 para 2)"),
        (
            "required_by_law_or_legal_proceedings",
            "Required by law or for legal proceedings (DPA 2018 Sch 2 Pt 1 para 5)",
        ),
        ("safeguarding", "Safeguarding"),
        ("court_order", "Court order"),
        ("subject_consent", "The person's consent"),
        ("sharing_agreement", "A data sharing agreement"),
        ("legitimate_interests", "Legitimate interests (Art 6(1)(f))"),
        ("vital_interests", "Vital interests (Art 6(1)(d))"),
    ];

    /// Its words.
    pub fn words(self) -> &'static str {
        super::breach::choice_words(&self, &Self::CHOICES)
    }
}

/// What was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisclosureDecision {
    /// Disclose what was asked for.
    Disclose,
    /// Disclose part of it.
    Partly,
    /// Refuse.
    Refuse,
}

/// Whether the person was told of the disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectTold {
    /// They have been told.
    Told,
    /// They will be told (once it no longer prejudices the purpose).
    WillBeTold,
    /// They will not be told, for the reason given.
    NotTold,
}

/// The DPO's retrospective approval of a decision made out of hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    /// Waiting for the DPO.
    Pending,
    /// The DPO approved the decision.
    Approved,
    /// The DPO did not approve it (the note says what follows).
    Rejected,
}

/// The DPO's retrospective approval, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisclosureApproval {
    /// Approved or rejected.
    pub outcome: Option<ApprovalState>,
    /// Who approved or rejected it.
    #[serde(default)]
    pub by: String,
    /// When.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<Date>,
    /// The DPO's note (required when rejected).
    #[serde(default)]
    pub note: String,
}

/// A request to disclose as recorded, and as the API receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    /// Who asked: the organisation (required), like "Westshire Police".
    pub requester_organisation: String,
    /// The officer or worker who asked, with their role or collar number.
    #[serde(default)]
    pub requester_officer: String,
    /// How their identity was checked (called back on the switchboard number, official
    /// email domain).
    #[serde(default)]
    pub identity_checked: String,
    /// The person the request is about (a subject id), if on record.
    #[serde(default)]
    pub subject_id: Option<String>,
    /// What was asked for, and why (required).
    pub request_summary: String,
    /// When it was asked (RFC 3339; required).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub requested_at: Option<Timestamp>,
    /// The request was made in writing (a DP form, an email from an official address).
    #[serde(default)]
    pub in_writing: bool,
    /// The basis or exemption relied on (required to disclose).
    #[serde(default)]
    pub basis: Option<DisclosureBasis>,
    /// The data sharing agreement cited (required with `basis: sharing_agreement`).
    #[serde(default)]
    pub sharing_agreement_id: Option<String>,
    /// The decision; none while it is open.
    #[serde(default)]
    pub decision: Option<DisclosureDecision>,
    /// Why (required with the decision, unless a standing sharing agreement is cited).
    #[serde(default)]
    pub justification: String,
    /// Who decided (required with the decision), by name and role.
    #[serde(default)]
    pub decided_by: String,
    /// When it was decided (RFC 3339; required with the decision).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<Timestamp>,
    /// What was sent.
    #[serde(default)]
    pub data_sent: String,
    /// How it was sent (secure email, collected in person).
    #[serde(default)]
    pub sent_how: String,
    /// Whether the person was or will be told.
    #[serde(default)]
    pub subject_told: Option<SubjectTold>,
    /// Why the person will not be told (required with `not_told`).
    #[serde(default)]
    pub subject_not_told_reason: String,
    /// The DPO's approval afterwards, for a decision made out of hours.
    #[serde(default)]
    pub approval: DisclosureApproval,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// What follows from a disclosure rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DisclosureDerived {
    /// The decision was made outside working hours (a weekend, a bank holiday, or outside
    /// the organisation's hours, UK time).
    pub out_of_hours: bool,
    /// For a decision out of hours: the DPO's approval afterwards; none otherwise.
    pub retrospective_approval: Option<ApprovalState>,
    /// Where it stands, in words.
    pub status: String,
}

impl Entry for Disclosure {
    const KIND: RegisterKind = RegisterKind::Disclosure;
    const UNIQUE_TITLE: bool = false;
    const CREATE: Permission = Permission::RecordDisclosures;
    const CHANGE: Permission = Permission::RecordDisclosures;
    const GUARD: Permission = Permission::ManageIncidents;
    type Derived = DisclosureDerived;

    fn derive(&self, today: Date) -> DisclosureDerived {
        self.derive_at(&Env::on(today))
    }

    fn derive_at(&self, env: &Env) -> DisclosureDerived {
        let out = self.decision.is_some()
            && self.decided_at.is_some_and(|t| out_of_hours(t, env.incidents.working_hours, &env.calendar));
        let approval = out.then(|| self.approval.outcome.unwrap_or(ApprovalState::Pending));
        let status = match (self.decision, approval) {
            (None, _) => "Awaiting a decision",
            (Some(_), Some(ApprovalState::Pending)) => "Awaiting the DPO's approval",
            (Some(_), Some(ApprovalState::Rejected)) => "Not approved by the DPO",
            (Some(DisclosureDecision::Disclose), _) => "Disclosed",
            (Some(DisclosureDecision::Partly), _) => "Partly disclosed",
            (Some(DisclosureDecision::Refuse), _) => "Refused",
        };
        DisclosureDerived { out_of_hours: out, retrospective_approval: approval, status: status.into() }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let requester_organisation =
            field("requester_organisation", &self.requester_organisation, MAX_NAME, true, &mut e);
        let request_summary = field("request_summary", &self.request_summary, MAX_NOTE, true, &mut e);
        if self.requested_at.is_none() {
            e.push(FieldError::new("requested_at", "give when the request was made"));
        }
        let justification = field("justification", &self.justification, MAX_NOTE, false, &mut e);
        let decided_by = field("decided_by", &self.decided_by, MAX_NAME, false, &mut e);
        let agreement =
            self.sharing_agreement_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if self.basis == Some(DisclosureBasis::SharingAgreement) && agreement.is_none() {
            e.push(FieldError::new("sharing_agreement_id", "choose the data sharing agreement relied on"));
        }
        if self.basis == Some(DisclosureBasis::LegitimateInterests) && justification.is_empty() {
            e.push(FieldError::new(
                "justification",
                "give the legitimate interest and why it is not overridden by the person's interests (UK GDPR \
                 Art 6(1)(f))",
            ));
        }
        if let Some(d) = self.decision {
            if d != DisclosureDecision::Refuse && self.basis.is_none() {
                e.push(FieldError::new(
                    "basis",
                    "give the lawful basis or exemption the disclosure relies on (UK GDPR Art 6(1); DPA 2018 Sch 2)",
                ));
            }
            let by_agreement = self.basis == Some(DisclosureBasis::SharingAgreement) && agreement.is_some();
            if justification.is_empty() && !by_agreement && !e.iter().any(|x| x.field == "justification") {
                e.push(FieldError::new(
                    "justification",
                    "give the reason for the decision, or cite the standing data sharing agreement that covers it",
                ));
            }
            if decided_by.is_empty() {
                e.push(FieldError::new("decided_by", "give who made the decision"));
            }
            if self.decided_at.is_none() {
                e.push(FieldError::new("decided_at", "give when the decision was made"));
            }
        } else if self.decided_at.is_some() {
            e.push(FieldError::new("decision", "a decision time is given without the decision"));
        }
        if let (Some(r), Some(d)) = (self.requested_at, self.decided_at)
            && d < r
        {
            e.push(FieldError::new("decided_at", "cannot be before the request was made"));
        }
        let subject_not_told_reason =
            field("subject_not_told_reason", &self.subject_not_told_reason, MAX_NOTE, false, &mut e);
        if self.subject_told == Some(SubjectTold::NotTold) && subject_not_told_reason.is_empty() {
            e.push(FieldError::new(
                "subject_not_told_reason",
                "give why the person will not be told (for example, telling them would prejudice the \
                 investigation: DPA 2018 Sch 2 Pt 1 para 2)",
            ));
        }
        let approval_note = field("approval.note", &self.approval.note, MAX_NOTE, false, &mut e);
        match self.approval.outcome {
            Some(ApprovalState::Pending) => {
                e.push(FieldError::new("approval.outcome", "is approved or rejected; pending is worked out"))
            }
            Some(ApprovalState::Rejected) if approval_note.is_empty() => e.push(FieldError::new(
                "approval.note",
                "give the reason the decision is not approved, and what follows",
            )),
            Some(_) if self.decision.is_none() => {
                e.push(FieldError::new("approval.outcome", "there is no decision to approve yet"))
            }
            _ => {}
        }
        let subject_id = self.subject_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if subject_id.as_ref().is_some_and(|s| s.len() > 64) {
            e.push(FieldError::new("subject_id", "is not the id of a person on record"));
        }
        let out = Disclosure {
            requester_organisation,
            requester_officer: field("requester_officer", &self.requester_officer, MAX_NAME, false, &mut e),
            identity_checked: field("identity_checked", &self.identity_checked, MAX_NOTE, false, &mut e),
            subject_id,
            request_summary,
            requested_at: self.requested_at,
            in_writing: self.in_writing,
            basis: self.basis,
            sharing_agreement_id: agreement,
            decision: self.decision,
            justification,
            decided_by,
            decided_at: self.decided_at,
            data_sent: field("data_sent", &self.data_sent, MAX_NOTE, false, &mut e),
            sent_how: field("sent_how", &self.sent_how, MAX_NAME, false, &mut e),
            subject_told: self.subject_told,
            subject_not_told_reason,
            approval: DisclosureApproval {
                outcome: self.approval.outcome,
                by: field("approval.by", &self.approval.by, MAX_NAME, false, &mut e),
                on: self.approval.on,
                note: approval_note,
            },
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.requester_organisation
    }

    fn links(&self) -> Vec<Link> {
        let mut out = Vec::new();
        if let Some(id) = self.sharing_agreement_id.as_deref().filter(|s| !s.is_empty()) {
            out.push(Link {
                field: "sharing_agreement_id".into(),
                target: LinkTarget::Register(RegisterKind::SharingAgreement),
                id: id.to_string(),
            });
        }
        if let Some(id) = self.subject_id.as_deref().filter(|s| !s.is_empty()) {
            out.push(Link { field: "subject_id".into(), target: LinkTarget::Subject, id: id.to_string() });
        }
        out
    }

    fn subject(&self) -> Option<&str> {
        self.subject_id.as_deref()
    }

    fn guarded(&self) -> Option<serde_json::Value> {
        if self.approval == DisclosureApproval::default() { None } else { serde_json::to_value(&self.approval).ok() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Region;
    use crate::calendar::Calendar;
    use crate::time::uk_zone;
    use jiff::civil::date;

    fn uk(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d).at(h, min, 0, 0).to_zoned(uk_zone()).unwrap().timestamp()
    }

    fn police() -> Disclosure {
        Disclosure {
            requester_organisation: "Westshire Police".into(),
            requester_officer: "DC R. Akhtar, CID".into(),
            identity_checked: "Called back through the force switchboard".into(),
            request_summary: "Current address of a tenant, for an investigation into criminal damage".into(),
            requested_at: Some(uk(2026, 11, 27, 23, 40)),
            in_writing: true,
            basis: Some(DisclosureBasis::CrimeAndTaxation),
            decision: Some(DisclosureDecision::Disclose),
            justification: "Not disclosing would be likely to prejudice the investigation".into(),
            decided_by: "Out-of-hours manager".into(),
            decided_at: Some(uk(2026, 11, 28, 2, 0)),
            ..Default::default()
        }
    }

    #[test]
    fn a_decision_at_two_on_a_saturday_morning_awaits_the_dpo() {
        let mut env = Env::on(date(2026, 11, 30));
        env.calendar = Calendar::new(Region::EnglandAndWales);
        let d = police().validate().unwrap().derive_at(&env);
        assert!(d.out_of_hours);
        assert_eq!(d.retrospective_approval, Some(ApprovalState::Pending));
        assert_eq!(serde_json::to_value(&d).unwrap()["retrospective_approval"], "pending");
        let approved = Disclosure {
            approval: DisclosureApproval {
                outcome: Some(ApprovalState::Approved),
                by: "Jo Fairweather, DPO".into(),
                on: Some(date(2026, 11, 30)),
                note: String::new(),
            },
            ..police()
        };
        assert_eq!(approved.derive_at(&env).retrospective_approval, Some(ApprovalState::Approved));
        let office_hours = Disclosure { decided_at: Some(uk(2026, 11, 30, 11, 0)), ..police() };
        let d = office_hours.derive_at(&env);
        assert!(!d.out_of_hours);
        assert_eq!(d.retrospective_approval, None);
    }

    #[test]
    fn a_disclosure_needs_its_basis_and_its_reason() {
        let no_basis = Disclosure { basis: None, ..police() }.validate().unwrap_err();
        assert!(no_basis.iter().any(|e| e.field == "basis" && e.message.contains("Sch 2")));
        let no_reason = Disclosure { justification: String::new(), ..police() }.validate().unwrap_err();
        assert!(no_reason.iter().any(|e| e.field == "justification"));
        // A standing agreement stands in for a case-by-case justification.
        let by_agreement = Disclosure {
            basis: Some(DisclosureBasis::SharingAgreement),
            sharing_agreement_id: Some("agreement-1".into()),
            justification: String::new(),
            ..police()
        };
        assert!(by_agreement.validate().is_ok());
        let no_agreement = Disclosure { basis: Some(DisclosureBasis::SharingAgreement), ..police() };
        assert!(no_agreement.validate().unwrap_err().iter().any(|e| e.field == "sharing_agreement_id"));
        // A refusal needs its reason but no basis.
        let refused = Disclosure { basis: None, decision: Some(DisclosureDecision::Refuse), ..police() };
        assert!(refused.validate().is_ok());
        let early = Disclosure { decided_at: Some(uk(2026, 11, 27, 22, 0)), ..police() };
        assert!(early.validate().unwrap_err().iter().any(|e| e.field == "decided_at"));
    }

    #[test]
    fn a_rejection_carries_its_reason_and_pending_is_not_typed() {
        let rejected = Disclosure {
            approval: DisclosureApproval { outcome: Some(ApprovalState::Rejected), ..Default::default() },
            ..police()
        };
        assert!(rejected.validate().unwrap_err().iter().any(|e| e.field == "approval.note"));
        let pending = Disclosure {
            approval: DisclosureApproval { outcome: Some(ApprovalState::Pending), ..Default::default() },
            ..police()
        };
        assert!(pending.validate().is_err());
        let not_told = Disclosure { subject_told: Some(SubjectTold::NotTold), ..police() };
        assert!(not_told.validate().unwrap_err().iter().any(|e| e.field == "subject_not_told_reason"));
    }

    #[test]
    fn the_json_names_the_issue_fixes() {
        let v = serde_json::to_value(police()).unwrap();
        for k in [
            "requester_organisation",
            "request_summary",
            "requested_at",
            "in_writing",
            "basis",
            "decision",
            "justification",
            "decided_at",
            "subject_id",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert_eq!(v["basis"], "crime_and_taxation");
    }
}
