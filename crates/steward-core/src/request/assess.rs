//! The fold from a request's received date and events to its status, statutory due
//! date, policy due date and the nearer of the two, refusing a history that cannot have
//! happened (UK GDPR Art 12(3), 12(4) and 12A; DPA 2018 s164A for complaints).

use super::{
    Assessment, COMPLAINT_ACKNOWLEDGE_DAYS, DecisionOutcome, DueBasis, EventKind, MAX_REASON, PolicyTarget,
    RefusalGround, RequestEvent, RequestKind, RequestStatus,
};
use crate::CoreError;
use crate::calendar::Calendar;
use crate::clock::{Clarification, RequestClock};
use jiff::ToSpan;
use jiff::civil::Date;

fn refuse(field: &str, message: impl Into<String>) -> CoreError {
    CoreError::invalid(field, message)
}

/// A decision's outcome, ground and reason must fit together: a refusal in whole or part
/// gives its reasons (Art 12(4): the requester is told the reasons and the right to
/// complain); a refused rights request names a ground the kind may be refused on
/// ([`RefusalGround::applies_to`]); a full grant names none. Complaints are upheld
/// (`granted`), partly upheld or not upheld (`refused`), with reasons but no ground.
fn check_decision(kind: RequestKind, ev: &RequestEvent) -> Result<(), CoreError> {
    let Some(outcome) = ev.outcome else {
        return Err(refuse("outcome", "say whether the request was granted, partly granted or refused"));
    };
    let has_reason = ev.reason.as_deref().is_some_and(|r| !r.trim().is_empty());
    let complaint = kind == RequestKind::Complaint;
    match outcome {
        DecisionOutcome::Granted => {
            if ev.ground.is_some() {
                return Err(refuse("ground", "is only for refusals; a granted request has no ground of refusal"));
            }
        }
        DecisionOutcome::PartlyGranted | DecisionOutcome::Refused => {
            if !has_reason {
                return Err(refuse(
                    "reason",
                    "give the reasons: the requester must be told why, and of the right to complain to the ICO (Art 12(4))",
                ));
            }
            if complaint && ev.ground.is_some() {
                return Err(refuse("ground", "complaints are upheld or not; they have no ground of refusal"));
            }
            if !complaint && outcome == DecisionOutcome::Refused && ev.ground.is_none() {
                return Err(refuse("ground", "name the ground of refusal"));
            }
        }
    }
    if let Some(g) = ev.ground
        && !g.applies_to(kind)
    {
        let allowed: Vec<&str> = RefusalGround::for_kind(kind).iter().map(|g| g.as_str()).collect();
        return Err(refuse(
            "ground",
            format!("{g} is not a ground for refusing a {kind} request; the grounds are: {}", allowed.join(", ")),
        ));
    }
    Ok(())
}

/// Fold a request of `kind` received on `received` and its `events` (in the order they
/// were recorded) into its status and due dates, refusing an impossible history.
///
/// `today` bounds every date (nothing can be received or happen in the future). The
/// rules, each refused with the field at fault (`received_on`, `on`, `kind`, `reason`,
/// `outcome`) and a message saying why:
///
/// * events are recorded in date order, none before the request was received;
/// * nothing may follow `closed`, and `closed` needs a `response_sent` first and no
///   clarification still awaited;
/// * `identity_received` at most once; `clarification_received` only while one is
///   awaited; `clarification_asked` not while one is awaited;
/// * `extended` at most once, with a reason, on or before the un-extended due date (the
///   requester must be told within the first month, Art 12(3)); never for complaints;
/// * `decision` needs an outcome, at most once; `response_sent` at most once.
///
/// An open clarification pause does not move the due date until the answer arrives (the
/// number of days is not known yet); the status says the clock is paused.
pub fn assess(
    kind: RequestKind,
    received: Date,
    events: &[RequestEvent],
    calendar: &Calendar,
    policy: PolicyTarget,
    today: Date,
) -> Result<Assessment, CoreError> {
    if received > today {
        return Err(refuse("received_on", "is in the future; record a request on or after the day it arrives"));
    }
    let complaint = kind == RequestKind::Complaint;
    let mut clock = RequestClock::new(received);
    let mut last = received;
    let (mut identity_asked, mut decided, mut responded, mut closed) = (false, false, false, false);
    let mut awaiting: Option<Date> = None;
    for ev in events {
        if closed {
            return Err(refuse("kind", "the request is closed; nothing can be recorded after closing"));
        }
        if ev.on > today {
            return Err(refuse("on", "is in the future"));
        }
        if ev.on < received {
            return Err(refuse("on", "is before the request was received"));
        }
        if ev.on < last {
            return Err(refuse("on", format!("is before the last event recorded ({last}); record events in order")));
        }
        last = ev.on;
        if ev.reason.is_some() && !matches!(ev.kind, EventKind::Extended | EventKind::Decision) {
            return Err(refuse("reason", "is only for extensions and decisions"));
        }
        if ev.reason.as_deref().is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(refuse("reason", format!("must be at most {MAX_REASON} characters")));
        }
        if ev.outcome.is_some() && ev.kind != EventKind::Decision {
            return Err(refuse("outcome", "is only for decisions"));
        }
        if ev.ground.is_some() && ev.kind != EventKind::Decision {
            return Err(refuse("ground", "is only for decisions"));
        }
        if ev.note.is_some()
            && !matches!(
                ev.kind,
                EventKind::IdentityRequested
                    | EventKind::IdentityReceived
                    | EventKind::ClarificationAsked
                    | EventKind::ClarificationReceived
            )
        {
            return Err(refuse("note", "is only for identity checks and clarification"));
        }
        if ev.note.as_deref().is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(refuse("note", format!("must be at most {MAX_REASON} characters")));
        }
        let rights_only = matches!(
            ev.kind,
            EventKind::IdentityRequested
                | EventKind::IdentityReceived
                | EventKind::ClarificationAsked
                | EventKind::ClarificationReceived
                | EventKind::Extended
        );
        if complaint && rights_only {
            return Err(refuse(
                "kind",
                "identity checks, clarification pauses and extensions apply to rights requests, not complaints (DPA 2018 s164A)",
            ));
        }
        match ev.kind {
            EventKind::IdentityRequested => identity_asked = true,
            EventKind::IdentityReceived => {
                if clock.identity_received.is_some() {
                    return Err(refuse("kind", "proof of identity was already recorded as received"));
                }
                if !clock.clarifications.is_empty() || awaiting.is_some() {
                    return Err(refuse(
                        "kind",
                        "proof of identity must be recorded before any clarification (the clock restarts whole when it arrives)",
                    ));
                }
                clock.identity_received = Some(ev.on);
            }
            EventKind::ClarificationAsked => {
                if awaiting.is_some() {
                    return Err(refuse("kind", "a clarification is already awaited; record its answer first"));
                }
                awaiting = Some(ev.on);
            }
            EventKind::ClarificationReceived => {
                let Some(asked) = awaiting.take() else {
                    return Err(refuse("kind", "no clarification was asked for, so none can be received"));
                };
                clock.clarifications.push(Clarification { asked, answered: ev.on });
            }
            EventKind::Extended => {
                if clock.extended {
                    return Err(refuse("kind", "the time limit was already extended"));
                }
                if ev.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(refuse(
                        "reason",
                        "give the reasons for the extension: the requester must be told them",
                    ));
                }
                let notice_by = clock.deadline(calendar)?.unextended_due;
                if ev.on > notice_by {
                    return Err(refuse(
                        "on",
                        format!(
                            "is after the first month ended on {notice_by}: an extension must be told to the requester within the first month (UK GDPR Art 12(3))"
                        ),
                    ));
                }
                clock.extended = true;
            }
            EventKind::Decision => {
                if decided {
                    return Err(refuse("kind", "a decision was already recorded"));
                }
                check_decision(kind, ev)?;
                decided = true;
            }
            EventKind::ResponseSent => {
                if responded {
                    return Err(refuse("kind", "the response was already recorded as sent"));
                }
                responded = true;
            }
            EventKind::Closed => {
                if awaiting.is_some() {
                    return Err(refuse("kind", "a clarification is still awaited; record its answer before closing"));
                }
                if !responded {
                    return Err(refuse("kind", "record the response as sent before closing the request"));
                }
                closed = true;
            }
        }
    }

    let (start, statutory_due_on, extension_notice_by, explanation) = if complaint {
        let due = received
            .checked_add(COMPLAINT_ACKNOWLEDGE_DAYS.days())
            .map_err(|_| refuse("received_on", "is too late"))?;
        let text = vec![
            format!("Complaint received on {}.", crate::clock::long(received)),
            format!("It must be acknowledged within {COMPLAINT_ACKNOWLEDGE_DAYS} days of receipt (DPA 2018 s164A)."),
            format!("Due date: {}.", crate::clock::long(due)),
        ];
        (received, due, due, text)
    } else {
        let d = clock.deadline(calendar)?;
        (d.start, d.due, d.extension_notice_by(), d.explain().to_vec())
    };
    let policy_due_on = policy.due_on(start)?;
    let (due_on, due_basis) = if policy_due_on < statutory_due_on {
        (policy_due_on, DueBasis::Policy)
    } else {
        (statutory_due_on, DueBasis::Statutory)
    };
    let status = if closed {
        RequestStatus::Closed
    } else if responded {
        RequestStatus::Responded
    } else if decided {
        RequestStatus::Decided
    } else if awaiting.is_some() {
        RequestStatus::AwaitingClarification
    } else if identity_asked && clock.identity_received.is_none() {
        RequestStatus::AwaitingIdentity
    } else if clock.extended {
        RequestStatus::Extended
    } else {
        RequestStatus::Open
    };
    Ok(Assessment {
        status,
        clock,
        start,
        statutory_due_on,
        extension_notice_by,
        policy_due_on,
        due_on,
        due_basis,
        explanation,
    })
}
