//! Which events a rights request or complaint may record next, from its kind, its
//! status and the events already recorded: the order a caseworker usually follows,
//! offered as the next steps on a request's page and in the API's request view.
//!
//! Sources: UK GDPR Art 12(3) (one month, extendable once by two further months for
//! complex or numerous requests) and Art 12A (the clock starts when proof of identity
//! arrives; asking for clarification pauses it), as amended by the Data (Use and Access)
//! Act 2025; ICO guidance "Right of access", "How long do we have to comply?" and "Can we
//! clarify the request?"; DPA 2018 s164A for complaints, which have none of the
//! identity, clarification or extension steps.

use crate::request::{EventKind, RequestKind, RequestStatus};

/// The events that may be recorded next on a request of `kind` whose status is `status`
/// and which already has events of `recorded` kinds, in the order things usually
/// happen. Following the ICO's guidance on the time limit:
///
/// * proof of identity may be asked for once and received once, and only before the
///   request has been clarified or the identity received (Art 12A: the clock starts when
///   it arrives);
/// * clarification may be asked for while none is awaited, and received while one is
///   (the clock pauses meanwhile);
/// * the time limit is extended at most once (Art 12(3): "by two further months");
/// * a decision is recorded once, the response is sent once, and only then is the
///   request closed (not while clarification is awaited);
/// * a complaint (DPA 2018 s164A) is only decided, answered and closed;
/// * a closed request takes nothing more.
///
/// The application still checks each event when it is recorded (dates, order, the first
/// month for an extension); this is what to offer.
pub fn next_events(kind: RequestKind, status: RequestStatus, recorded: &[EventKind]) -> Vec<EventKind> {
    let has = |k: EventKind| recorded.contains(&k);
    if status == RequestStatus::Closed {
        return Vec::new();
    }
    let complaint = kind == RequestKind::Complaint;
    let awaiting = status == RequestStatus::AwaitingClarification;
    let mut out = Vec::new();
    if !complaint {
        let clarified = has(EventKind::ClarificationAsked);
        if !has(EventKind::IdentityReceived) && !clarified {
            if !has(EventKind::IdentityRequested) {
                out.push(EventKind::IdentityRequested);
            }
            out.push(EventKind::IdentityReceived);
        }
        if awaiting {
            out.push(EventKind::ClarificationReceived);
        } else {
            out.push(EventKind::ClarificationAsked);
        }
        if !has(EventKind::Extended) {
            out.push(EventKind::Extended);
        }
    }
    if !has(EventKind::Decision) {
        out.push(EventKind::Decision);
    }
    if !has(EventKind::ResponseSent) {
        out.push(EventKind::ResponseSent);
    } else if !awaiting {
        out.push(EventKind::Closed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    #[test]
    fn a_new_request_may_start_anywhere_but_close() {
        assert_eq!(
            next_events(RequestKind::Access, RequestStatus::Open, &[]),
            [IdentityRequested, IdentityReceived, ClarificationAsked, Extended, Decision, ResponseSent]
        );
    }

    #[test]
    fn a_complaint_is_only_decided_answered_and_closed() {
        assert_eq!(next_events(RequestKind::Complaint, RequestStatus::Open, &[]), [Decision, ResponseSent]);
        assert_eq!(next_events(RequestKind::Complaint, RequestStatus::Responded, &[Decision, ResponseSent]), [Closed]);
    }

    #[test]
    fn while_clarification_is_awaited_only_its_answer_and_the_rest_follow() {
        let next = next_events(RequestKind::Erasure, RequestStatus::AwaitingClarification, &[ClarificationAsked]);
        assert_eq!(next, [ClarificationReceived, Extended, Decision, ResponseSent]);
        // Sent but still awaiting clarification: not closed yet.
        let next = next_events(
            RequestKind::Access,
            RequestStatus::AwaitingClarification,
            &[ClarificationAsked, Decision, ResponseSent],
        );
        assert!(!next.contains(&Closed), "{next:?}");
    }

    #[test]
    fn identity_is_asked_for_and_received_once() {
        let next = next_events(RequestKind::Access, RequestStatus::AwaitingIdentity, &[IdentityRequested]);
        assert_eq!(next[0], IdentityReceived);
        assert!(!next.contains(&IdentityRequested));
        let next = next_events(RequestKind::Access, RequestStatus::Open, &[IdentityRequested, IdentityReceived]);
        assert!(!next.contains(&IdentityRequested) && !next.contains(&IdentityReceived), "{next:?}");
    }

    #[test]
    fn the_time_limit_is_extended_only_once() {
        assert!(next_events(RequestKind::Access, RequestStatus::Open, &[]).contains(&Extended));
        let next = next_events(RequestKind::Access, RequestStatus::Extended, &[Extended]);
        assert!(!next.contains(&Extended), "{next:?}");
        assert_eq!(next, [IdentityRequested, IdentityReceived, ClarificationAsked, Decision, ResponseSent]);
    }

    #[test]
    fn a_closed_request_takes_nothing_more() {
        for kind in RequestKind::ALL {
            assert!(next_events(*kind, RequestStatus::Closed, &[Decision, ResponseSent, Closed]).is_empty());
        }
        let responded = next_events(RequestKind::Access, RequestStatus::Responded, &[Decision, ResponseSent]);
        assert_eq!(responded.last(), Some(&Closed));
    }
}
