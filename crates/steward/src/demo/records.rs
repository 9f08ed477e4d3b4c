//! The demo organisation's records inventory under the family-support charity schedule:
//! staff, volunteer and family files, DBS records, applications, accident and finance
//! records, leases and permanent governance papers, dated around today so that some are
//! due this month, some overdue, some missing a fact; one is a document in Steward's
//! vault; a legal hold stands on a record type and another on one family file. All
//! fictional.

use jiff::ToSpan;
use jiff::civil::Date;
use std::collections::BTreeMap;
use steward_app::erasure::NewHold;
use steward_app::records::NewDocument;
use steward_app::retention::{LocationInput, NewRecord};
use steward_app::{App, AppResult, Context};

fn at(system: Option<&String>, detail: &str) -> Option<LocationInput> {
    Some(LocationInput::System { system_id: system.cloned(), system: None, detail: detail.into() })
}

/// A record of `record_type` with one event, on `subject` if given.
fn record(
    record_type: &str,
    reference: String,
    subject: Option<&String>,
    event: Option<(&str, Date)>,
    flags: &[&str],
    location: Option<LocationInput>,
) -> NewRecord {
    NewRecord {
        record_type: record_type.into(),
        reference,
        subject_id: subject.cloned(),
        events: event.map(|(k, d)| BTreeMap::from([(k.to_string(), d)])).unwrap_or_default(),
        flags: flags.iter().map(|f| (*f).to_string()).collect(),
        location,
        ..NewRecord::default()
    }
}

/// Seed the inventory. `subjects` are demo people (adults) to attach to personnel files;
/// `child` a child whose family file is kept until they turn 25.
pub fn seed(app: &App, subjects: &[String], child: Option<&String>, today: Date) -> AppResult<usize> {
    let ctx = Context::cli();
    let systems = app.systems(&ctx)?;
    let find = |name: &str| systems.iter().find(|s| s.name == name).map(|s| s.id.clone());
    let (family, paper, payroll, drive) = (
        find("Family support case records"),
        find("Paper files (Cabinet 3, head office)"),
        find("Brightwell Payroll Bureau"),
        find("Shared drive (Housing)"),
    );
    let mut out: Vec<NewRecord> = Vec::new();
    let person = |i: usize| subjects.get(i % subjects.len().max(1));
    let months_ago =
        |m: i64, d: i64| today.checked_sub(m.months()).and_then(|x| x.checked_sub(d.days())).unwrap_or(today);

    // Staff: 6 years after leaving. Several left six years ago this month, so are due now.
    for i in 0..12usize {
        let left = months_ago(72 + (i as i64 % 6) - 2, i as i64);
        let event = (i % 5 != 4).then_some(("left", left));
        let flags: &[&str] = if i == 3 { &["retention_consent"] } else { &[] };
        out.push(record(
            "staff-personnel-file",
            format!("HR-{:04}", 101 + i),
            person(i),
            event,
            flags,
            at(paper.as_ref(), "Personnel drawer"),
        ));
    }
    // Volunteers: 2 years, or 5 with consent to give references.
    for i in 0..16usize {
        let left = months_ago(24 + (i as i64 % 4) - 1, 3 * i as i64);
        let flags: &[&str] = if i % 3 == 0 { &["reference_consent"] } else { &[] };
        out.push(record(
            "volunteer-file",
            format!("VOL-{:04}", 40 + i),
            person(i + 20),
            Some(("left", left)),
            flags,
            at(drive.as_ref(), "Volunteering/Files"),
        ));
    }
    // DBS records: 6 months after issue (3 years where there were issues).
    for i in 0..14usize {
        let issued = months_ago(6 + (i as i64 % 3) - 1, 2 * i as i64);
        let flags: &[&str] = if i == 5 { &["dbs_issues"] } else { &[] };
        out.push(record(
            "dbs-record",
            format!("DBS-{:04}", 310 + i),
            person(i + 40),
            Some(("issued", issued)),
            flags,
            at(drive.as_ref(), "HR/DBS"),
        ));
    }
    // Unsuccessful applications: 6 months after the decision.
    for i in 0..10usize {
        let decided = months_ago(6 + (i as i64 % 3) - 1, i as i64);
        out.push(record(
            "application-unsuccessful",
            format!("REC-2026-{:03}", 12 + i),
            None,
            Some(("decision", decided)),
            &[],
            at(drive.as_ref(), "Recruitment"),
        ));
    }
    // Family files: 12 months after support ends; 75 years if referred to children's
    // services.
    for i in 0..18usize {
        let ended = months_ago(12 + (i as i64 % 4) - 1, i as i64);
        let flags: &[&str] = if i % 7 == 2 { &["referred_to_childrens_services"] } else { &[] };
        let event = (i != 17).then_some(("support_ended", ended));
        out.push(record("family-file", format!("FAM-{:04}", 700 + i), None, event, flags, at(family.as_ref(), "")));
    }
    // Accidents, finance, premises and governance.
    for (i, (t, ev, years)) in [
        ("accident-record", "accident", 12i64),
        ("accident-record", "accident", 3),
        ("accident-book", "last_entry", 12),
        ("financial-record", "created", 6),
        ("financial-record", "created", 5),
        ("payroll-tax-record", "created", 6),
        ("health-and-safety-record", "created", 4),
        ("rental-agreement", "expired", 6),
        ("lease", "expired", 2),
        ("employers-liability-certificate", "issued", 1),
    ]
    .into_iter()
    .enumerate()
    {
        let when = months_ago(12 * years, 10 * i as i64);
        let place = if t == "payroll-tax-record" { at(payroll.as_ref(), "") } else { at(paper.as_ref(), "") };
        out.push(record(t, format!("ORG-{:03}", 20 + i), None, Some((ev, when)), &[], place));
    }
    for (i, t) in ["board-minutes", "certificate-of-incorporation", "articles-of-association", "deed-of-title"]
        .into_iter()
        .enumerate()
    {
        out.push(record(t, format!("GOV-{:03}", 1 + i), None, None, &[], at(paper.as_ref(), "Safe")));
    }

    // A child whose family file is kept until they turn 25 (a concern not referred).
    if let Some(child) = child {
        out.push(record(
            "family-file",
            "FAM-0690".into(),
            Some(child),
            Some(("support_ended", months_ago(14, 0))),
            &["concern_not_referred"],
            at(family.as_ref(), ""),
        ));
    }

    // A DBS certificate scan kept in Steward's vault, due this month.
    let vault_subject = person(7).cloned();
    if let Some(s) = &vault_subject {
        let doc = app.add_document(
            &ctx,
            s,
            NewDocument {
                filename: "dbs-certificate-scan.txt".into(),
                media_type: Some("text/plain".into()),
                source: Some("Scanned at head office".into()),
                content: b"Enhanced DBS certificate: no information recorded. (Demo scan.)".to_vec(),
            },
        )?;
        out.push(NewRecord {
            document_id: Some(doc.id),
            ..record(
                "dbs-record",
                "DBS-0299".into(),
                Some(s),
                Some(("issued", months_ago(7, 0))),
                &[],
                Some(LocationInput::Text("Steward vault".into())),
            )
        });
    }

    let mut ids = Vec::new();
    for r in out {
        ids.push(app.create_record(&ctx, r)?.id);
    }
    // An employer's liability claim holds every accident record; a family file is held
    // for a court case.
    app.place_hold(
        &ctx,
        NewHold {
            record_type: Some("accident-record".into()),
            reason: "Employer's liability claim EL/2026/07".into(),
            approved_by: "Chief executive".into(),
            ..NewHold::default()
        },
    )?;
    let held_family = ids.get(12 + 16 + 14 + 10 + 2).cloned();
    app.place_hold(
        &ctx,
        NewHold {
            record_id: held_family,
            reason: "Family court proceedings, case FD26P00114".into(),
            approved_by: "Chief executive".into(),
            ..NewHold::default()
        },
    )?;
    // The daily sweep has run: last month's list was approved, so the vault scan was
    // crypto-shredded and the paper files became tasks, one confirmed; this month's
    // list waits for the DPO.
    app.run_disposal_sweep(&ctx, today)?;
    let last_month = today.first_of_month().checked_sub(1.day()).unwrap_or(today);
    let approved = steward_app::disposal::Approval { month: Some(last_month.strftime("%Y-%m").to_string()), ids: None };
    app.approve_disposals(&ctx, &approved)?;
    let tasks = app
        .disposals(&ctx, &steward_app::disposal::DisposalQuery { status: Some("task".into()), ..Default::default() })?;
    if let Some(t) = tasks.first() {
        let done = steward_app::disposal::Confirmation {
            done_on: today.to_string(),
            method: None,
            note: "Shred-it certificate SC-88214".into(),
        };
        app.confirm_disposal(&ctx, &t.id, &done)?;
    }
    Ok(ids.len())
}
