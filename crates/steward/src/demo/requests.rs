//! Demo rights requests: about five a month over the last twelve months, about the
//! demo's fictional people, most answered (a few late, a few extended or refused),
//! the newest still open and one overdue, so the dashboard, the requests list and the
//! board's statistics have something to show. Deterministic for a given day.

use jiff::ToSpan;
use jiff::civil::Date;
use steward_app::requests::{Capacity, NewRequest, Representative};
use steward_app::{App, AppResult, Context};
use steward_core::request::{Channel, DecisionOutcome, EventKind, MadeBy, RefusalGround, RequestEvent, RequestKind};

/// The kinds, in the proportions organisations see them: mostly subject access.
const KINDS: [RequestKind; 10] = [
    RequestKind::Access,
    RequestKind::Access,
    RequestKind::Erasure,
    RequestKind::Access,
    RequestKind::Complaint,
    RequestKind::Rectification,
    RequestKind::Access,
    RequestKind::ObjectionDirectMarketing,
    RequestKind::Access,
    RequestKind::Objection,
];

const CHANNELS: [Channel; 4] = [Channel::Email, Channel::Letter, Channel::WebForm, Channel::Phone];

/// Days from receipt to response, in turn: most well within the month, some late.
const DAYS_TO_RESPOND: [i64; 12] = [12, 21, 27, 8, 33, 18, 29, 25, 41, 15, 30, 23];

fn ev(kind: EventKind, on: Date) -> RequestEvent {
    RequestEvent { kind, on, reason: None, outcome: None, ground: None, note: None }
}

/// A refusal or partial grant the demo's organisation might give for `kind`, with the
/// ground the kind allows and the reasons the requester is told.
fn refusal(kind: RequestKind, outcome: DecisionOutcome) -> (Option<RefusalGround>, &'static str) {
    let ground = match kind {
        RequestKind::Erasure => Some(RefusalGround::LegalObligation),
        RequestKind::Objection => Some(RefusalGround::CompellingLegitimateGrounds),
        RequestKind::Complaint => None,
        RequestKind::Access => Some(RefusalGround::ManifestlyExcessive),
        _ => Some(RefusalGround::ManifestlyUnfounded),
    };
    let reason = match kind {
        RequestKind::Erasure => "Rent account and tenancy records must be kept for six years after the tenancy ends",
        RequestKind::Objection => "The records are needed to manage the tenancy and meet our legal duties",
        RequestKind::Complaint => "We found the request was handled within the time limit and as our policy says",
        RequestKind::Access => "Copies of letters already sent twice this year were not sent again",
        _ => "The request repeats one answered last month, with nothing new to consider",
    };
    let ground = if outcome == DecisionOutcome::PartlyGranted { None } else { ground };
    (ground, reason)
}

/// Log the demo's requests about `subjects` (ids) as of `today`; returns how many.
pub fn seed(app: &App, ctx: &Context, subjects: &[String], today: Date) -> AppResult<usize> {
    if subjects.is_empty() {
        return Ok(0);
    }
    let mut n = 0usize;
    let first = today.first_of_month().checked_sub(11.months()).unwrap_or(today);
    for month in 0..12i64 {
        let Ok(start) = first.checked_add(month.months()) else { continue };
        let per_month = 3 + (month * 5 % 4) as usize;
        for j in 0..per_month {
            let day = (j as i64 * 6 + month * 3) % 27;
            let Ok(received) = start.checked_add(day.days()) else { continue };
            if received > today {
                continue;
            }
            let kind = KINDS[(n * 7 + 3) % KINDS.len()];
            let subject = subjects[(n * 37 + 11) % subjects.len()].clone();
            let input = NewRequest {
                kind,
                received_on: received,
                subject_id: Some(subject),
                channel: CHANNELS[n % CHANNELS.len()],
                region: None,
                made_by: if n % 9 == 4 { MadeBy::Representative } else { MadeBy::Subject },
                assigned_to: None,
                representative: (n % 9 == 4).then(|| Representative {
                    name: "Citizens Advice (Northgate)".into(),
                    capacity: Capacity::Advocate,
                    evidence: "Signed form of authority from the tenant".into(),
                    evidence_received_on: Some(received),
                }),
            };
            let id = app.create_request(ctx, input)?.id;
            let mut events = Vec::new();
            let complaint = kind == RequestKind::Complaint;
            let mut days = DAYS_TO_RESPOND[n % DAYS_TO_RESPOND.len()];
            if !complaint && n % 6 == 1 {
                events.push(ev(EventKind::IdentityRequested, received.checked_add(1.day()).unwrap_or(received)));
                events.push(ev(EventKind::IdentityReceived, received.checked_add(4.days()).unwrap_or(received)));
            }
            if !complaint && n % 11 == 5 {
                let on = received.checked_add(12.days()).unwrap_or(received);
                events.push(RequestEvent {
                    reason: Some("the request covers many years of records held in several systems".into()),
                    ..ev(EventKind::Extended, on)
                });
                days = 55;
            }
            let outcome = match n % 10 {
                3 => DecisionOutcome::Refused,
                6 => DecisionOutcome::PartlyGranted,
                // Erasure is the DPO's to approve and shreds the record: the demo's erasure
                // requests are answered in part (ADR 0008), its full erasure is in the `work` module.
                _ if kind == RequestKind::Erasure => DecisionOutcome::PartlyGranted,
                _ => DecisionOutcome::Granted,
            };
            let (ground, reason) = match outcome {
                DecisionOutcome::Granted => (None, None),
                _ => {
                    let (g, r) = refusal(kind, outcome);
                    (g, Some(r.to_string()))
                }
            };
            let sent = received.checked_add(days.days()).unwrap_or(received);
            let decided = sent.checked_sub(1.day()).unwrap_or(sent);
            events.push(RequestEvent { outcome: Some(outcome), ground, reason, ..ev(EventKind::Decision, decided) });
            events.push(ev(EventKind::ResponseSent, sent));
            events.push(ev(EventKind::Closed, sent.checked_add(3.days()).unwrap_or(sent)));
            // The newest stay open; one older one is left unanswered and overdue.
            let overdue = month == 9 && j == 0;
            for e in events {
                if e.on > today
                    || (overdue && matches!(e.kind, EventKind::Decision | EventKind::ResponseSent | EventKind::Closed))
                {
                    break;
                }
                if e.kind == EventKind::Closed {
                    for step in app.request_steps(ctx, &id)? {
                        app.set_request_step(ctx, &id, &step.step_id, true)?;
                    }
                }
                app.record_request_event(ctx, &id, e)?;
            }
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_app::statistics::StatisticsQuery;
    use steward_core::subject::NewSubject;

    #[test]
    fn a_year_of_requests_gives_the_board_something_to_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = steward_store::Store::open_sqlite(&dir.path().join("s.db")).expect("store");
        let key = steward_crypto::MasterKey::generate().expect("key");
        let app = App::open(store, &key, &dir.path().join("erasures.jsonl")).expect("app");
        let ctx = Context::cli();
        let people: Vec<NewSubject> = (0..20)
            .map(|i| NewSubject {
                given_name: format!("Demo{i}"),
                family_name: "Person".into(),
                emails: vec![format!("demo{i}@example.org")],
                ..NewSubject::default()
            })
            .collect();
        let ids = app.create_subjects(&ctx, people).expect("subjects");
        let today = steward_app::requests::uk_today();
        let n = seed(&app, &ctx, &ids, today).expect("seeded");
        assert!(n >= 40, "{n}");
        let s = app.request_statistics(&ctx, &StatisticsQuery::default(), today).expect("statistics");
        assert_eq!(s.monthly.len(), 12);
        assert!(s.monthly.iter().filter(|m| m.received > 0).count() >= 11, "every month has requests");
        let responded: u64 = s.monthly.iter().map(|m| m.responded).sum();
        let late: u64 = s.monthly.iter().map(|m| m.responded - m.on_time_statutory).sum();
        assert!(responded >= 30 && late >= 2, "responded {responded}, late {late}");
        assert!(s.open_now.open >= 1 && s.open_now.overdue >= 1, "{:?}", s.open_now);
    }
}
