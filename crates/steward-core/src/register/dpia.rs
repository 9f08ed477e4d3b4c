//! Data protection impact assessments: the ICO's screening questions deciding whether one is
//! required, and the assessment in the seven steps of the ICO's template (the need, the
//! processing described, consultation, necessity and proportionality, the risks, the
//! measures with their residual risk, and sign-off with the DPO's advice), with the clocks
//! that follow: the DPO told within 5 working days of high risk being found, and the ICO
//! consulted before processing a residual high risk.
//!
//! Sources: UK GDPR Art 35(1) (a DPIA before processing likely to result in a high risk),
//! Art 35(3) (the cases always needing one), Art 35(7) (what it contains), Art 35(11)
//! (review), Art 36(1)-(2) (prior consultation with the Commissioner where the residual risk
//! stays high; the Commissioner answers within 8 weeks, extendable by 6); ICO "Data
//! protection impact assessments" (the screening lists, and the DPIA template's steps and
//! risk scales); the seed policy's "notify the DPO within 5 working days of finding high
//! risk".

use super::dates::passed;
use super::entry::{Entry, Link, LinkTarget, RegisterKind, field, ids, links};
use super::incident::{Env, weeks_after, working_days_after};
use super::{MAX_NAME, MAX_NOTE};
use crate::FieldError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Working days the DPO has to be told in after high risk is found (seed policy).
pub const DPO_NOTICE_WORKING_DAYS: u32 = 5;
/// Weeks the ICO has to answer a prior consultation (Art 36(2)).
pub const ICO_RESPONSE_WEEKS: i64 = 8;

macro_rules! screening {
    ($($(#[$doc:meta])* $key:ident, $always:expr, $words:expr;)*) => {
        /// The ICO's screening questions, each answered yes, no or not yet.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Screening {
            $($(#[$doc])* #[serde(default)] pub $key: Option<bool>,)*
        }

        impl Screening {
            /// Every question: its key, whether a yes always needs a DPIA (the ICO's
            /// "always" list; otherwise "consider"), its words, and the answer.
            pub fn questions(&self) -> Vec<(&'static str, bool, &'static str, Option<bool>)> {
                vec![$((stringify!($key), $always, $words, self.$key),)*]
            }

            /// Every question's key, whether it is on the "always" list, and its words.
            pub const QUESTIONS: &'static [(&'static str, bool, &'static str)] = &[$((stringify!($key), $always, $words),)*];
        }
    };
}

screening! {
    /// Systematic and extensive profiling or automated decisions with significant effects.
    profiling_with_significant_effects, true, "Systematic and extensive profiling, or automated decisions with legal or similarly significant effects";
    /// Large-scale special-category or criminal offence data.
    large_scale_special_category, true, "Special-category or criminal offence data on a large scale";
    /// Large-scale monitoring of publicly accessible places.
    public_monitoring, true, "Systematic monitoring of publicly accessible places on a large scale";
    /// New technologies.
    new_technologies, true, "New technologies";
    /// Decisions on access to a service, opportunity or benefit.
    denial_of_service, true, "Profiling, automated decisions or special-category data used to decide access to a service, opportunity or benefit";
    /// Large-scale profiling.
    large_scale_profiling, true, "Profiling on a large scale";
    /// Biometric or genetic data.
    biometric_or_genetic, true, "Biometric or genetic data";
    /// Combining, comparing or matching data from several sources.
    data_matching, true, "Combining, comparing or matching data from several sources";
    /// Processing without a privacy notice given directly to the person.
    invisible_processing, true, "Processing without giving the privacy notice directly to the person";
    /// Tracking location or behaviour.
    tracking, true, "Tracking people's location or behaviour";
    /// Children's data for profiling, automated decisions or marketing, or online services
    /// offered to children.
    targeting_children, true, "Children's data used for profiling, automated decisions or marketing, or online services offered to children";
    /// Processing where a breach could risk physical harm.
    risk_of_physical_harm, true, "Processing where a breach could put someone's physical health or safety at risk";
    /// Evaluation or scoring.
    evaluation_or_scoring, false, "Evaluation or scoring";
    /// Automated decisions with significant effects.
    automated_decisions, false, "Automated decision-making with significant effects";
    /// Systematic monitoring.
    systematic_monitoring, false, "Systematic monitoring";
    /// Sensitive or highly personal data.
    sensitive_data, false, "Sensitive or highly personal data";
    /// Large scale.
    large_scale, false, "Processing on a large scale";
    /// Vulnerable people's data.
    vulnerable_people, false, "Data of vulnerable people";
    /// Innovative technology.
    innovative_technology, false, "Innovative technological or organisational solutions";
    /// Processing that stops people exercising a right or using a service.
    prevents_rights, false, "Processing that prevents people exercising a right or using a service or contract";
}

/// The outcome of the screening questions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScreeningOutcome {
    /// Whether a DPIA is required; none while questions that could decide it are unanswered.
    pub required: Option<bool>,
    /// Why, in words.
    pub reason: String,
    /// The questions not yet answered (their keys).
    pub unanswered: Vec<String>,
}

impl Screening {
    /// Whether a DPIA is required: yes when any "always" question is answered yes, or two or
    /// more "consider" questions are (ICO: "as a rule of thumb, if two or more criteria
    /// apply, a DPIA is likely to be required", following the EDPB's criteria adopted in
    /// the ICO guidance); no when every question is answered and neither holds; not yet
    /// decided otherwise.
    pub fn outcome(&self) -> ScreeningOutcome {
        let qs = self.questions();
        let unanswered: Vec<String> = qs.iter().filter(|q| q.3.is_none()).map(|q| q.0.to_string()).collect();
        let always: Vec<&str> = qs.iter().filter(|q| q.1 && q.3 == Some(true)).map(|q| q.2).collect();
        let consider: Vec<&str> = qs.iter().filter(|q| !q.1 && q.3 == Some(true)).map(|q| q.2).collect();
        let (required, reason) = if let Some(first) = always.first() {
            (Some(true), format!("Always required: {}.", lowercase_first(first)))
        } else if consider.len() >= 2 {
            (
                Some(true),
                format!("Required: {} criteria apply ({}).", consider.len(), consider.join("; ").to_lowercase()),
            )
        } else if unanswered.is_empty() {
            let why = if consider.is_empty() {
                "No screening criterion applies.".to_string()
            } else {
                format!("Not required: only one criterion applies ({}).", consider[0].to_lowercase())
            };
            (Some(false), why)
        } else {
            (None, format!("{} screening questions still to answer.", unanswered.len()))
        };
        ScreeningOutcome { required, reason, unanswered }
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// How likely harm is (the ICO template's scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskLikelihood {
    /// Remote.
    Remote,
    /// Reasonable possibility.
    Possible,
    /// More likely than not.
    Probable,
}

/// How severe the harm would be (the ICO template's scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskSeverity {
    /// Minimal impact.
    Minimal,
    /// Some impact.
    Significant,
    /// Serious harm.
    Severe,
}

/// Overall risk (the ICO template's scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

impl RiskLevel {
    /// Overall risk from likelihood and severity: the usual three-by-three matrix (the ICO
    /// template leaves the combination to the organisation): high when probable and
    /// significant or worse, or possible and severe; low when remote and not severe, or
    /// possible and minimal; medium otherwise.
    pub fn of(likelihood: RiskLikelihood, severity: RiskSeverity) -> RiskLevel {
        use RiskLikelihood::*;
        use RiskSeverity::*;
        match (likelihood, severity) {
            (Probable, Significant | Severe) | (Possible, Severe) => RiskLevel::High,
            (Remote, Minimal | Significant) | (Possible, Minimal) => RiskLevel::Low,
            _ => RiskLevel::Medium,
        }
    }
}

/// One risk to people (step 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// The risk and its source (required).
    pub description: String,
    /// How likely harm is.
    pub likelihood: RiskLikelihood,
    /// How severe it would be.
    pub severity: RiskSeverity,
}

/// What a measure does to its risk (step 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureEffect {
    /// The risk is eliminated.
    Eliminated,
    /// The risk is reduced.
    Reduced,
    /// The risk is accepted.
    Accepted,
}

/// A measure to reduce a risk (step 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// The risk it answers (its description, or a short name).
    #[serde(default)]
    pub risk: String,
    /// The measure (required).
    pub measure: String,
    /// Its effect.
    pub effect: MeasureEffect,
    /// The risk left afterwards.
    pub residual_risk: RiskLevel,
    /// Approved.
    #[serde(default)]
    pub approved: bool,
}

/// The prior consultation with the ICO (Art 36).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IcoConsultation {
    /// When it was sent.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub sent_on: Option<Date>,
    /// When the ICO answered.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub answered_on: Option<Date>,
    /// What the ICO said.
    #[serde(default)]
    pub outcome: String,
}

/// A DPIA as recorded, and as the API receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dpia {
    /// Title (required): the project or change assessed.
    pub title: String,
    /// The processing activities it covers (the record of processing's DPIA columns read
    /// from here).
    #[serde(default)]
    pub activity_ids: Vec<String>,
    /// Step 1: the screening questions.
    #[serde(default)]
    pub screening: Screening,
    /// Step 1: the need for a DPIA, in the assessor's words.
    #[serde(default)]
    pub need: String,
    /// Step 2: the nature of the processing.
    #[serde(default)]
    pub nature: String,
    /// Step 2: its scope.
    #[serde(default)]
    pub scope: String,
    /// Step 2: its context.
    #[serde(default)]
    pub context: String,
    /// Step 2: its purposes.
    #[serde(default)]
    pub purposes: String,
    /// Step 3: who was consulted, and what they said.
    #[serde(default)]
    pub consultation: String,
    /// Step 4: necessity and proportionality (basis, function creep, quality and
    /// minimisation, information to people, rights, processors, transfers).
    #[serde(default)]
    pub necessity: String,
    /// Step 5: the risks.
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// Step 6: the measures.
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// The day high risk was found: the DPO is to be told within 5 working days.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub high_risk_found_on: Option<Date>,
    /// The day the DPO was told.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub dpo_notified_on: Option<Date>,
    /// Step 7: measures approved by (name and role).
    #[serde(default)]
    pub measures_approved_by: String,
    /// Step 7: residual risks approved by.
    #[serde(default)]
    pub residual_risk_approved_by: String,
    /// Step 7: the DPO's advice.
    #[serde(default)]
    pub dpo_advice: String,
    /// Step 7: the advice was followed (yes) or overruled (no).
    #[serde(default)]
    pub dpo_advice_accepted: Option<bool>,
    /// Step 7: why the advice was overruled, and by whom (required if overruled).
    #[serde(default)]
    pub overruled_reason: String,
    /// Step 7: consultation responses reviewed by.
    #[serde(default)]
    pub consultation_reviewed_by: String,
    /// Step 7: who keeps it under review.
    #[serde(default)]
    pub kept_under_review_by: String,
    /// Signed off on.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub signed_off_on: Option<Date>,
    /// When it is next to be reviewed (Art 35(11)).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub review_on: Option<Date>,
    /// The prior consultation with the ICO.
    #[serde(default)]
    pub ico_consultation: IcoConsultation,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// What follows from a DPIA rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DpiaDerived {
    /// Whether a DPIA is required, from the screening; none while undecided.
    pub dpia_required: Option<bool>,
    /// Why, in words.
    pub required_reason: String,
    /// The highest risk found (step 5).
    pub overall_risk: Option<RiskLevel>,
    /// The highest risk left after the measures (step 6); the overall risk if no measure
    /// is recorded.
    pub residual_risk: Option<RiskLevel>,
    /// Five working days after high risk was found: the DPO is to be told by then.
    #[schema(value_type = Option<String>, format = Date)]
    pub dpo_notify_by: Option<Date>,
    /// The residual risk is high: the ICO must be consulted before the processing starts
    /// (Art 36(1)).
    pub ico_consultation_required: bool,
    /// When the ICO's answer is due: 8 weeks after the consultation was sent (Art 36(2)).
    #[schema(value_type = Option<String>, format = Date)]
    pub ico_response_due_on: Option<Date>,
    /// The review date has passed.
    pub review_overdue: bool,
    /// Where it stands, in words.
    pub status: String,
}

impl Dpia {
    /// The highest overall risk of the risks found.
    pub fn overall_risk(&self) -> Option<RiskLevel> {
        self.risks.iter().map(|r| RiskLevel::of(r.likelihood, r.severity)).max()
    }

    /// The highest residual risk after the measures, or the overall risk when none is
    /// recorded.
    pub fn residual_risk(&self) -> Option<RiskLevel> {
        self.measures.iter().map(|m| m.residual_risk).max().or_else(|| self.overall_risk())
    }
}

impl Entry for Dpia {
    const KIND: RegisterKind = RegisterKind::Dpia;
    type Derived = DpiaDerived;

    fn derive(&self, today: Date) -> DpiaDerived {
        self.derive_at(&Env::on(today))
    }

    fn derive_at(&self, env: &Env) -> DpiaDerived {
        let screening = self.screening.outcome();
        let residual = self.residual_risk();
        let consult = residual == Some(RiskLevel::High);
        let status = if self.signed_off_on.is_some() {
            if passed(env.today, self.review_on) { "Review overdue" } else { "Signed off" }
        } else if consult && self.ico_consultation.sent_on.is_some() && self.ico_consultation.answered_on.is_none() {
            "Awaiting the ICO"
        } else if consult && self.ico_consultation.sent_on.is_none() {
            "ICO consultation needed"
        } else if self.dpo_advice.is_empty() && !self.risks.is_empty() {
            "Awaiting the DPO's advice"
        } else if screening.required.is_none() {
            "Screening"
        } else if screening.required == Some(false) {
            "Not required"
        } else {
            "In progress"
        };
        DpiaDerived {
            dpia_required: screening.required,
            required_reason: screening.reason,
            overall_risk: self.overall_risk(),
            residual_risk: residual,
            dpo_notify_by: self
                .high_risk_found_on
                .and_then(|d| working_days_after(d, DPO_NOTICE_WORKING_DAYS, &env.calendar)),
            ico_consultation_required: consult,
            ico_response_due_on: self.ico_consultation.sent_on.and_then(|d| weeks_after(d, ICO_RESPONSE_WEEKS)),
            review_overdue: passed(env.today, self.review_on),
            status: status.into(),
        }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let note = |name: &str, v: &str, e: &mut Vec<FieldError>| field(name, v, MAX_NOTE * 5, false, e);
        let title = field("title", &self.title, MAX_NAME, true, &mut e);
        let mut risks = Vec::new();
        for (i, r) in self.risks.iter().enumerate() {
            risks.push(Risk {
                description: field(&format!("risks[{i}].description"), &r.description, MAX_NOTE, true, &mut e),
                ..r.clone()
            });
        }
        let mut measures = Vec::new();
        for (i, m) in self.measures.iter().enumerate() {
            measures.push(Measure {
                risk: field(&format!("measures[{i}].risk"), &m.risk, MAX_NOTE, false, &mut e),
                measure: field(&format!("measures[{i}].measure"), &m.measure, MAX_NOTE, true, &mut e),
                ..m.clone()
            });
        }
        if risks.len() > 100 || measures.len() > 100 {
            e.push(FieldError::new("risks", "must hold at most 100 risks and 100 measures"));
        }
        let dpo_advice = note("dpo_advice", &self.dpo_advice, &mut e);
        let overruled_reason = note("overruled_reason", &self.overruled_reason, &mut e);
        if self.dpo_advice_accepted == Some(false) && overruled_reason.is_empty() {
            e.push(FieldError::new(
                "overruled_reason",
                "the DPO's advice was overruled: record why, and who decided (ICO DPIA template, step 7)",
            ));
        }
        if self.signed_off_on.is_some() {
            for (key, _, words, answer) in self.screening.questions() {
                if answer.is_none() {
                    e.push(FieldError::new(
                        format!("screening.{key}"),
                        format!("answer this screening question before signing off: {words}"),
                    ));
                }
            }
            if dpo_advice.is_empty() && self.screening.outcome().required == Some(true) {
                e.push(FieldError::new("dpo_advice", "record the DPO's advice before signing off (UK GDPR Art 35(2))"));
            }
            if self.residual_risk() == Some(RiskLevel::High) && self.ico_consultation.sent_on.is_none() {
                e.push(FieldError::new(
                    "ico_consultation.sent_on",
                    "the residual risk is high: consult the ICO before the processing starts, and record when \
                     (UK GDPR Art 36(1))",
                ));
            }
        }
        if let (Some(s), Some(a)) = (self.ico_consultation.sent_on, self.ico_consultation.answered_on)
            && a < s
        {
            e.push(FieldError::new("ico_consultation.answered_on", "cannot be before the consultation was sent"));
        }
        if let (Some(f), Some(n)) = (self.high_risk_found_on, self.dpo_notified_on)
            && n < f
        {
            e.push(FieldError::new("dpo_notified_on", "cannot be before the high risk was found"));
        }
        let out = Dpia {
            title,
            activity_ids: ids("activity_ids", &self.activity_ids, &mut e),
            screening: self.screening.clone(),
            need: note("need", &self.need, &mut e),
            nature: note("nature", &self.nature, &mut e),
            scope: note("scope", &self.scope, &mut e),
            context: note("context", &self.context, &mut e),
            purposes: note("purposes", &self.purposes, &mut e),
            consultation: note("consultation", &self.consultation, &mut e),
            necessity: note("necessity", &self.necessity, &mut e),
            risks,
            measures,
            high_risk_found_on: self.high_risk_found_on,
            dpo_notified_on: self.dpo_notified_on,
            measures_approved_by: field("measures_approved_by", &self.measures_approved_by, MAX_NAME, false, &mut e),
            residual_risk_approved_by: field(
                "residual_risk_approved_by",
                &self.residual_risk_approved_by,
                MAX_NAME,
                false,
                &mut e,
            ),
            dpo_advice,
            dpo_advice_accepted: self.dpo_advice_accepted,
            overruled_reason,
            consultation_reviewed_by: field(
                "consultation_reviewed_by",
                &self.consultation_reviewed_by,
                MAX_NAME,
                false,
                &mut e,
            ),
            kept_under_review_by: field("kept_under_review_by", &self.kept_under_review_by, MAX_NAME, false, &mut e),
            signed_off_on: self.signed_off_on,
            review_on: self.review_on,
            ico_consultation: IcoConsultation {
                outcome: note("ico_consultation.outcome", &self.ico_consultation.outcome, &mut e),
                ..self.ico_consultation.clone()
            },
            notes: note("notes", &self.notes, &mut e),
        };
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn links(&self) -> Vec<Link> {
        links("activity_ids", &self.activity_ids, LinkTarget::Register(RegisterKind::Activity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Region;
    use crate::calendar::Calendar;
    use jiff::civil::date;

    fn all_no() -> Screening {
        let mut v = serde_json::Map::new();
        for (k, _, _) in Screening::QUESTIONS {
            v.insert((*k).into(), false.into());
        }
        serde_json::from_value(serde_json::Value::Object(v)).unwrap()
    }

    fn env(today: Date) -> Env {
        Env { calendar: Calendar::new(Region::EnglandAndWales), ..Env::on(today) }
    }

    #[test]
    fn high_risk_found_on_friday_20_november_means_the_dpo_by_friday_27() {
        let d = Dpia {
            title: "CCTV in communal areas".into(),
            high_risk_found_on: Some(date(2026, 11, 20)),
            ..Default::default()
        };
        assert_eq!(d.derive_at(&env(date(2026, 11, 20))).dpo_notify_by, Some(date(2026, 11, 27)));
    }

    #[test]
    fn a_high_residual_risk_needs_the_ico_consulted_first() {
        let d = Dpia {
            title: "Tenancy risk scoring".into(),
            risks: vec![Risk {
                description: "Wrongly scored tenants refused a tenancy".into(),
                likelihood: RiskLikelihood::Probable,
                severity: RiskSeverity::Severe,
            }],
            measures: vec![Measure {
                risk: "Wrong scores".into(),
                measure: "Human review of every refusal".into(),
                effect: MeasureEffect::Reduced,
                residual_risk: RiskLevel::High,
                approved: true,
            }],
            ico_consultation: IcoConsultation { sent_on: Some(date(2026, 11, 2)), ..Default::default() },
            ..Default::default()
        };
        let got = d.derive_at(&env(date(2026, 12, 7)));
        assert!(got.ico_consultation_required);
        assert_eq!(got.ico_response_due_on, Some(date(2026, 12, 28)));
        assert_eq!(got.status, "Awaiting the ICO");
        let lowered =
            Dpia { measures: vec![Measure { residual_risk: RiskLevel::Low, ..d.measures[0].clone() }], ..d.clone() };
        assert!(!lowered.derive_at(&env(date(2026, 12, 7))).ico_consultation_required);
    }

    #[test]
    fn the_risk_matrix_follows_the_template_scales() {
        assert_eq!(RiskLevel::of(RiskLikelihood::Remote, RiskSeverity::Minimal), RiskLevel::Low);
        assert_eq!(RiskLevel::of(RiskLikelihood::Remote, RiskSeverity::Severe), RiskLevel::Medium);
        assert_eq!(RiskLevel::of(RiskLikelihood::Possible, RiskSeverity::Significant), RiskLevel::Medium);
        assert_eq!(RiskLevel::of(RiskLikelihood::Possible, RiskSeverity::Severe), RiskLevel::High);
        assert_eq!(RiskLevel::of(RiskLikelihood::Probable, RiskSeverity::Minimal), RiskLevel::Medium);
        assert_eq!(RiskLevel::of(RiskLikelihood::Probable, RiskSeverity::Significant), RiskLevel::High);
    }

    #[test]
    fn screening_decides_whether_a_dpia_is_required() {
        let none = all_no();
        assert_eq!(none.outcome().required, Some(false));
        let one_always = Screening { biometric_or_genetic: Some(true), ..Screening::default() };
        let o = one_always.outcome();
        assert_eq!(o.required, Some(true));
        assert!(o.reason.contains("biometric"));
        let one_consider = Screening { vulnerable_people: Some(true), ..all_no() };
        assert_eq!(one_consider.outcome().required, Some(false));
        let two_consider = Screening { vulnerable_people: Some(true), sensitive_data: Some(true), ..all_no() };
        assert_eq!(two_consider.outcome().required, Some(true));
        let open = Screening { vulnerable_people: Some(true), ..Screening::default() };
        assert_eq!(open.outcome().required, None);
        assert_eq!(open.outcome().unanswered.len(), Screening::QUESTIONS.len() - 1);
    }

    #[test]
    fn signing_off_needs_every_screening_answer_and_the_dpo_advice() {
        let d = Dpia {
            title: "Repairs app".into(),
            screening: Screening { new_technologies: Some(true), ..Screening::default() },
            signed_off_on: Some(date(2026, 12, 1)),
            ..Default::default()
        };
        let errs = d.validate().unwrap_err();
        assert!(errs.iter().any(|e| e.field == "screening.tracking"));
        assert!(errs.iter().any(|e| e.field == "dpo_advice"));
        let overruled = Dpia { title: "x".into(), dpo_advice_accepted: Some(false), ..Default::default() };
        assert!(overruled.validate().unwrap_err().iter().any(|e| e.field == "overruled_reason"));
    }
}
