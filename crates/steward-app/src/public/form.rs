//! The public form: its answers checked and cleaned, anti-automation (a honeypot field,
//! a signed render-time token used once, rate limits per client: OWASP ASVS 5.0 V2.4.1),
//! and the submission sealed under a fresh data key with a reference to quote.

use super::{
    BUCKET_PREFIX, DAY_WINDOW_MAX, DAY_WINDOW_SECONDS, FORM_PURPOSE, MAX_DETAILS, MAX_FORM_SECONDS, MIN_FORM_SECONDS,
    PublicInput, REFERENCE_ALPHABET, Receipt, Right, SHORT_WINDOW_MAX, SHORT_WINDOW_SECONDS, Sealed, SubmissionKind,
    SubmissionStatus, SubmitError, aad, uk_date,
};
use crate::{App, AppError, AppResult};
use steward_core::audit::{Action, AuditEvent, Outcome, format_time};
use steward_core::{FieldError, normalise};
use steward_crypto::DataKey;
use steward_store::{StoreError, SubmissionRow};

/// A single line: control characters become spaces, runs of spaces collapse, trimmed.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Several lines: `\r\n` and `\r` become `\n`, other control characters (bar tabs) are
/// dropped, surrounding blank space trimmed.
fn multi_line(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = s.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
    kept.trim().to_string()
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

/// Check the answers; all problems at once, in the order of the form.
fn validate(input: &PublicInput) -> Result<(SubmissionKind, Sealed), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: &str| errors.push(FieldError::new(field, message));
    let kind = SubmissionKind::parse(input.kind.trim());
    if kind.is_none() {
        err("kind", "Select whether you are making a request or a complaint");
    }
    let right = match kind {
        Some(SubmissionKind::Request) => {
            let r = Right::parse(input.right.trim());
            if r.is_none() {
                err("right", "Select what you would like us to do");
            }
            r
        }
        _ => None,
    };
    let name = one_line(&input.name);
    if name.is_empty() {
        err("name", "Enter your full name");
    } else if name.chars().count() > 200 {
        err("name", "Your name must be 200 characters or fewer");
    }
    let email = one_line(&input.email);
    let phone = one_line(&input.phone);
    let address = multi_line(&input.address);
    if email.is_empty() && phone.is_empty() && address.is_empty() {
        err("email", "Enter an email address, a phone number or a postal address so that we can reply to you");
    }
    if !email.is_empty() && normalise::email("email", &email).is_err() {
        err("email", "Enter an email address in the correct format, like name@example.com");
    }
    if !phone.is_empty() && normalise::phone("phone", &phone).is_err() {
        err("phone", "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192");
    }
    if address.chars().count() > 1_000 {
        err("address", "The address must be 1,000 characters or fewer");
    }
    let subject_name = one_line(&input.subject_name);
    let relationship = one_line(&input.relationship);
    let on_behalf = match input.on_behalf.trim() {
        "yes" => true,
        "no" => false,
        // Not answered: a name for the other person says enough.
        _ => !subject_name.is_empty(),
    };
    if on_behalf {
        if subject_name.is_empty() {
            err("subject_name", "Enter the full name of the person you are acting for");
        } else if subject_name.chars().count() > 200 {
            err("subject_name", "Their name must be 200 characters or fewer");
        }
        if relationship.is_empty() {
            err("relationship", "Enter how you are connected to them, for example parent, carer or solicitor");
        } else if relationship.chars().count() > 100 {
            err("relationship", "Your relationship to them must be 100 characters or fewer");
        }
    }
    let details = multi_line(&input.details);
    let n = details.chars().count();
    if details.is_empty() {
        err(
            "details",
            match kind {
                Some(SubmissionKind::Complaint) => "Enter the details of your complaint",
                _ => "Enter the details of your request",
            },
        );
    } else if n > MAX_DETAILS {
        errors.push(FieldError::new(
            "details",
            format!("Details must be 5,000 characters or fewer – you have entered {}", group_thousands(n)),
        ));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok((
            kind,
            Sealed {
                right,
                name,
                email: non_empty(email.to_lowercase()),
                phone: non_empty(phone),
                address: non_empty(address),
                on_behalf,
                subject_name: if on_behalf { non_empty(subject_name) } else { None },
                relationship: if on_behalf { non_empty(relationship) } else { None },
                details,
            },
        )),
        _ => Err(errors),
    }
}

/// `12345` as `12,345`.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A new random reference: prefix, year, six characters from [`REFERENCE_ALPHABET`].
fn new_reference(kind: SubmissionKind, year: i16) -> AppResult<String> {
    let mut out = format!("{}-{year}-", kind.reference_prefix());
    let mut buf = [0u8; 16];
    let mut taken = 0;
    while taken < 6 {
        steward_crypto::random_bytes(&mut buf)?;
        // 240 = 8 × 30: drop bytes above it so every character is equally likely.
        for b in buf.iter().filter(|b| **b < 240) {
            if taken == 6 {
                break;
            }
            out.push(char::from(REFERENCE_ALPHABET[usize::from(*b) % REFERENCE_ALPHABET.len()]));
            taken += 1;
        }
    }
    Ok(out)
}

/// The audit event of a member of the public doing `action` at `at` (a request id of
/// its own, as there is no session).
fn public_event(at: jiff::Timestamp, action: Action, object_id: &str, detail: String) -> AuditEvent {
    AuditEvent {
        at: format_time(at),
        actor: "public".into(),
        action: action.as_str().into(),
        object_type: action.object_type().as_str().into(),
        object_id: object_id.into(),
        request_id: uuid::Uuid::new_v4().to_string(),
        outcome: Outcome::Success.as_str().into(),
        detail,
    }
}

impl App {
    /// A token for a public form shown now: the time, signed. Put it in the form.
    pub fn public_form_token(&self) -> String {
        self.public_form_token_at(self.now())
    }

    /// A token for a public form shown at `shown_at`: `<seconds>.<nonce>.<signature>`,
    /// the nonce random so that every form shown is told apart from every other, even
    /// in the same second, and can be sent only once.
    pub fn public_form_token_at(&self, shown_at: jiff::Timestamp) -> String {
        let payload = format!("{}.{}", shown_at.as_second(), uuid::Uuid::new_v4().simple());
        let sig = self.keys.sign(FORM_PURPOSE, &payload);
        format!("{payload}.{sig}")
    }

    /// Check a form token's signature and age; `Ok` carries its signature, which names
    /// the token when it is used up.
    fn check_form_token<'t>(&self, token: &'t str, now: jiff::Timestamp) -> Result<&'t str, SubmitError> {
        let Some((payload, sig)) = token.trim().rsplit_once('.') else {
            return Err(SubmitError::Expired);
        };
        let Some((secs, nonce)) = payload.split_once('.') else {
            return Err(SubmitError::Expired);
        };
        let Ok(shown) = secs.parse::<i64>() else {
            return Err(SubmitError::Expired);
        };
        if nonce.is_empty() || !self.keys.verify(FORM_PURPOSE, payload, sig) {
            return Err(SubmitError::Expired);
        }
        let age = now.as_second() - shown;
        if age < MIN_FORM_SECONDS {
            Err(SubmitError::TooFast)
        } else if age > MAX_FORM_SECONDS {
            Err(SubmitError::Expired)
        } else {
            Ok(sig)
        }
    }

    /// Use up the form token signed `sig`: the first use is allowed, any other within
    /// the token's lifetime is [`SubmitError::AlreadySent`]. Recorded as a one-hit
    /// rate-limit window (one transaction, so two sends at once cannot both pass),
    /// purged with the others (OWASP ASVS 5.0 V2.3.4: nothing is booked twice, V2.4.1
    /// anti-automation).
    fn use_form_token(&self, sig: &str) -> Result<(), SubmitError> {
        let bucket = format!("{BUCKET_PREFIX}sent:{sig}");
        if self.store.hit_rate_limit_at(&bucket, MAX_FORM_SECONDS + 60, 1, self.now())? {
            Ok(())
        } else {
            Err(SubmitError::AlreadySent)
        }
    }

    /// Count a submission from `client_key` against both windows.
    fn check_rate(&self, client_key: &str) -> Result<(), SubmitError> {
        // Buckets are named by a keyed hash of the client (an IP address is personal data).
        let client = self.keys.sign("rate-limit bucket", client_key);
        for (name, window, max) in
            [("10m", SHORT_WINDOW_SECONDS, SHORT_WINDOW_MAX), ("day", DAY_WINDOW_SECONDS, DAY_WINDOW_MAX)]
        {
            if !self.store.hit_rate_limit_at(&format!("{BUCKET_PREFIX}{name}:{client}"), window, max, self.now())? {
                return Err(SubmitError::RateLimited { retry_after_secs: window });
            }
        }
        Ok(())
    }

    /// Accept a request or complaint from the public form, sent by `client_key` (the
    /// peer's IP address, or `unknown`).
    ///
    /// If the honeypot field is filled the sender is a machine: it is answered with a
    /// receipt like any other, and nothing is stored or audited. Otherwise the form
    /// token must be between [`MIN_FORM_SECONDS`] and [`MAX_FORM_SECONDS`] old and not
    /// used before, the answers valid, and the client within its rate limits. The personal data is sealed
    /// under a fresh data key; the audit entry (actor `public`) names only the kind.
    pub fn submit(&self, input: PublicInput, client_key: &str) -> Result<Receipt, SubmitError> {
        let now = self.now();
        let received_on = uk_date(now);
        if !input.website.trim().is_empty() {
            tracing::info!("public form: the honeypot field was filled; nothing stored");
            let kind = SubmissionKind::parse(input.kind.trim()).unwrap_or(SubmissionKind::Request);
            return Ok(Receipt {
                reference: new_reference(kind, received_on.year())?,
                kind,
                received_at: format_time(now),
                received_on,
                due_by: kind.due_by(received_on),
            });
        }
        let token = self.check_form_token(&input.form_token, now)?;
        let (kind, sealed) = validate(&input).map_err(SubmitError::Invalid)?;
        // Used up only once the answers are right, so a form sent back for corrections
        // can be sent again; a duplicate is refused before it counts against the rate.
        self.use_form_token(token)?;
        self.check_rate(client_key)?;

        let id = uuid::Uuid::now_v7().to_string();
        let key = DataKey::generate().map_err(AppError::from)?;
        let json = serde_json::to_vec(&sealed).map_err(|e| AppError::Io(format!("cannot encode submission: {e}")))?;
        let mut row = SubmissionRow {
            reference: String::new(),
            kind: kind.as_str().into(),
            status: SubmissionStatus::New.as_str().into(),
            submitted_at: format_time(now),
            wrapped_key: Some(self.keys.wrap(&key, &aad(&id)).map_err(AppError::from)?),
            data: Some(key.seal(aad(&id).as_bytes(), &json).map_err(AppError::from)?),
            id,
            assigned_to: None,
        };
        let event = public_event(now, Action::SubmissionCreate, &row.id, format!("kind={}", kind.as_str()));
        // References are random; on the rare clash with an existing one, draw again.
        let mut attempts = 0;
        loop {
            row.reference = new_reference(kind, received_on.year())?;
            match self.store.insert_submission(&row, &event) {
                Ok(()) => break,
                Err(StoreError::Constraint(_)) if attempts < 5 => attempts += 1,
                Err(e) => return Err(e.into()),
            }
        }
        let cutoff = format_time(now - jiff::SignedDuration::from_secs(2 * DAY_WINDOW_SECONDS));
        if let Err(e) = self.store.purge_rate_limits(BUCKET_PREFIX, &cutoff) {
            tracing::warn!(error = %e, "could not purge old rate-limit windows");
        }
        Ok(Receipt {
            reference: row.reference,
            kind,
            received_at: row.submitted_at,
            received_on,
            due_by: kind.due_by(received_on),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> PublicInput {
        PublicInput {
            kind: "request".into(),
            right: "access".into(),
            name: "  Siobhán   Ní Bhriain ".into(),
            email: "Siobhan@Example.ORG".into(),
            details: "Please send me\r\nmy tenancy file.\u{7}".into(),
            ..PublicInput::default()
        }
    }

    #[test]
    fn a_good_request_is_cleaned_up() {
        let (kind, s) = validate(&good()).expect("valid");
        assert_eq!(kind, SubmissionKind::Request);
        assert_eq!(s.right, Some(Right::Access));
        assert_eq!(s.name, "Siobhán Ní Bhriain");
        assert_eq!(s.email.as_deref(), Some("siobhan@example.org"));
        assert_eq!(s.details, "Please send me\nmy tenancy file.");
        assert!(!s.on_behalf && s.subject_name.is_none());
    }

    #[test]
    fn every_problem_is_reported_in_form_order() {
        let e = validate(&PublicInput { on_behalf: "yes".into(), ..PublicInput::default() }).expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["kind", "name", "email", "subject_name", "relationship", "details"]);
        let e = validate(&PublicInput { right: "nonsense".into(), ..good() }).map(|_| ()).expect_err("a bad right");
        assert_eq!(e[0].field, "right");
        // A complaint needs no right.
        let complaint = PublicInput { kind: "complaint".into(), right: String::new(), ..good() };
        assert_eq!(validate(&complaint).expect("valid").1.right, None);
    }

    #[test]
    fn contact_details_are_checked() {
        let none = PublicInput { email: " ".into(), ..good() };
        assert_eq!(validate(&none).expect_err("no contact")[0].field, "email");
        let phone_only = PublicInput { email: String::new(), phone: "07700 900982".into(), ..good() };
        assert!(validate(&phone_only).is_ok());
        let post_only = PublicInput { email: String::new(), address: "1 High Street\nLeeds LS1 1AA".into(), ..good() };
        assert!(validate(&post_only).is_ok());
        let bad = PublicInput { email: "not an email".into(), phone: "12".into(), ..good() };
        let fields: Vec<String> = validate(&bad).expect_err("bad").into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["email", "phone"]);
    }

    #[test]
    fn acting_for_someone_else() {
        let implied = PublicInput { subject_name: "王芳".into(), relationship: "daughter".into(), ..good() };
        let s = validate(&implied).expect("valid").1;
        assert!(s.on_behalf);
        assert_eq!(s.subject_name.as_deref(), Some("王芳"));
        let said_no = PublicInput { on_behalf: "no".into(), subject_name: "Someone".into(), ..good() };
        assert_eq!(validate(&said_no).expect("valid").1.subject_name, None);
    }

    #[test]
    fn details_are_limited_in_characters_not_bytes() {
        let at_limit = PublicInput { details: "王".repeat(MAX_DETAILS), ..good() };
        assert!(validate(&at_limit).is_ok());
        let over = PublicInput { details: "a".repeat(MAX_DETAILS + 1), ..good() };
        let e = validate(&over).expect_err("too long");
        assert_eq!(e[0].field, "details");
        assert!(e[0].message.contains("5,001"), "{}", e[0].message);
    }

    #[test]
    fn references_use_the_unambiguous_alphabet() {
        let r = new_reference(SubmissionKind::Request, 2026).expect("rng");
        assert!(r.starts_with("SR-2026-") && r.len() == 14, "{r}");
        assert!(r[8..].bytes().all(|b| REFERENCE_ALPHABET.contains(&b)));
        assert!(new_reference(SubmissionKind::Complaint, 2026).expect("rng").starts_with("CP-2026-"));
        let many: std::collections::BTreeSet<String> =
            (0..200).map(|_| new_reference(SubmissionKind::Request, 2026).expect("rng")).collect();
        assert_eq!(many.len(), 200);
    }

    #[test]
    fn due_dates() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().expect("date");
        assert_eq!(SubmissionKind::Request.due_by(d("2026-09-03")), d("2026-10-03"));
        assert_eq!(SubmissionKind::Request.due_by(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(SubmissionKind::Complaint.due_by(d("2026-06-19")), d("2026-07-19"));
        assert_eq!(group_thousands(5001), "5,001");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }
}
