//! The register of training: each course a member of staff has completed, when, and when it
//! expires, including the course that lets a person see special-category data, so lapsed
//! training can be chased and that access reviewed.
//!
//! Sources: UK GDPR Art 39(1)(b) (the DPO monitors the training of staff involved in
//! processing), Art 32(4) (anyone acting under the controller's authority processes data
//! only on instructions), Art 24(1) (organisational measures); ICO "Accountability
//! framework", "Training and awareness" (induction and refresher training, records of
//! completion, specialised training for those handling special-category data).

use super::dates::{date_after, days_until, passed, required};
use super::entry::{Entry, Link, LinkTarget, RegisterKind, field};
use super::{MAX_NAME, MAX_NOTE};
use crate::FieldError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A training record as recorded, and as the API receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// The member of staff who completed it (a user id; required).
    pub user_id: String,
    /// The course ("Data protection essentials 2026"; required).
    pub course: String,
    /// When it was completed (required).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_on: Option<Date>,
    /// When it expires and must be refreshed; after the completion date.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Date>,
    /// This course is what allows the person to see special-category data.
    #[serde(default)]
    pub special_category_access: bool,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// What follows from a training record's entries rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrainingDerived {
    /// The expiry date has passed: refresher training is due (ICO Accountability framework,
    /// "Training and awareness").
    pub lapsed: bool,
    /// Days until it expires (negative once it has); none if it does not expire.
    pub expires_in_days: Option<i64>,
}

/// The day a member of staff's special-category training lapsed, from their training
/// records (`records`: theirs, any order): `None` unless at least one record is a course
/// giving special-category access (`special_category_access`), none of those has no
/// expiry date, and the latest expiry of them has passed. The training lapses the day
/// after that expiry; the expiry date is returned. Records of other courses are ignored,
/// and a refresher recorded with a later expiry puts the access back.
///
/// Sources: UK GDPR Art 32(4) (people acting under the controller's authority process data
/// only as instructed, which training makes real), Art 39(1)(b) (the DPO monitors staff
/// training); ICO "Accountability framework", "Training and awareness" (specialised,
/// refreshed training for those handling special-category data).
pub fn special_access_lapsed_on<'a>(today: Date, records: impl IntoIterator<Item = &'a Training>) -> Option<Date> {
    let mut latest: Option<Date> = None;
    let mut any = false;
    for t in records.into_iter().filter(|t| t.special_category_access) {
        any = true;
        match t.expires_on {
            None => return None,
            Some(d) => latest = Some(latest.map_or(d, |l| l.max(d))),
        }
    }
    if !any {
        return None;
    }
    latest.filter(|d| *d < today)
}

impl Entry for Training {
    const KIND: RegisterKind = RegisterKind::Training;
    const UNIQUE_TITLE: bool = false;
    type Derived = TrainingDerived;

    fn derive(&self, today: Date) -> TrainingDerived {
        TrainingDerived {
            lapsed: passed(today, self.expires_on),
            expires_in_days: self.expires_on.map(|d| days_until(today, d)),
        }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let user_id = self.user_id.trim().to_string();
        if user_id.is_empty() {
            e.push(FieldError::new(
                "user_id",
                "choose the member of staff who completed the course (UK GDPR Art 39(1)(b))",
            ));
        } else if user_id.len() > 64 {
            e.push(FieldError::new("user_id", "is not the id of a user"));
        }
        let course = field("course", &self.course, MAX_NAME, true, &mut e);
        required(
            "completed_on",
            self.completed_on,
            "give the day the course was completed: the record shows who was trained and when (UK GDPR \
             Art 39(1)(b))",
            &mut e,
        );
        date_after(
            "expires_on",
            self.expires_on,
            self.completed_on,
            "must be after the day the course was completed",
            &mut e,
        );
        let out = Training {
            user_id,
            course,
            completed_on: self.completed_on,
            expires_on: self.expires_on,
            special_category_access: self.special_category_access,
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.course
    }

    fn links(&self) -> Vec<Link> {
        let id = self.user_id.trim();
        if id.is_empty() {
            return Vec::new();
        }
        vec![Link { field: "user_id".into(), target: LinkTarget::User, id: id.to_string() }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn essentials() -> Training {
        Training {
            user_id: "user-7".into(),
            course: "Data protection essentials".into(),
            completed_on: Some(date(2025, 12, 1)),
            expires_on: Some(date(2026, 12, 1)),
            special_category_access: true,
            ..Training::default()
        }
    }

    #[test]
    fn training_lapses_the_day_after_it_expires() {
        let t = essentials().validate().unwrap();
        assert_eq!(t.title(), "Data protection essentials");
        assert_eq!(t.derive(date(2026, 11, 1)), TrainingDerived { lapsed: false, expires_in_days: Some(30) });
        assert_eq!(t.derive(date(2026, 12, 1)), TrainingDerived { lapsed: false, expires_in_days: Some(0) });
        assert_eq!(t.derive(date(2026, 12, 7)), TrainingDerived { lapsed: true, expires_in_days: Some(-6) });
        assert_eq!(Training { expires_on: None, ..t }.derive(date(2030, 1, 1)), TrainingDerived::default());
    }

    #[test]
    fn no_person_no_completion_date_and_no_course_are_refused_together() {
        let t = Training { user_id: " ".into(), course: String::new(), completed_on: None, ..essentials() };
        let e = t.validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["user_id", "course", "completed_on"]);
        assert!(e[0].message.contains("Art 39(1)(b)") && e[2].message.contains("Art 39(1)(b)"));
    }

    #[test]
    fn special_access_lapses_when_the_latest_such_course_has_expired() {
        let today = date(2026, 12, 7);
        let old = essentials();
        let refresher = Training { expires_on: Some(date(2027, 12, 1)), ..essentials() };
        let other = Training { special_category_access: false, expires_on: Some(date(2020, 1, 1)), ..essentials() };
        assert_eq!(special_access_lapsed_on(today, [&old]), Some(date(2026, 12, 1)));
        assert_eq!(special_access_lapsed_on(today, [&old, &refresher]), None, "the refresher puts it back");
        assert_eq!(special_access_lapsed_on(today, [&other]), None, "no special-access course at all");
        assert_eq!(special_access_lapsed_on(date(2026, 12, 1), [&old]), None, "still good on its expiry day");
        let never = Training { expires_on: None, ..essentials() };
        assert_eq!(special_access_lapsed_on(today, [&old, &never]), None, "a course that never expires");
        assert_eq!(special_access_lapsed_on(today, std::iter::empty()), None);
    }

    #[test]
    fn expiry_must_follow_completion_and_the_user_is_a_link() {
        let t = Training { expires_on: Some(date(2025, 12, 1)), ..essentials() };
        assert_eq!(t.clone().validate().unwrap_err()[0].field, "expires_on");
        let l = t.links();
        assert_eq!((l[0].field.as_str(), l[0].target, l[0].id.as_str()), ("user_id", LinkTarget::User, "user-7"));
        assert!(serde_json::from_str::<Training>(r#"{"user_id":"u","course":"c","score":90}"#).is_err());
    }
}
