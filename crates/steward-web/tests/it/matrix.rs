//! The role × route access matrix: every route the router serves (pages and forms, the
//! public pages, static assets and every `/api/v1` endpoint), called as each role and
//! anonymously, with the expected answer derived from `Role::can`. `ROUTES` is checked
//! against the `.route(…)` calls in the source, so a route added without a row fails.
//! Runs on SQLite and PostgreSQL. All personal data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use steward_app::public::PublicInput;
use steward_app::{App, Context};
use steward_core::audit::format_time;
use steward_core::subject::{LinkKind, NewSubject};
use steward_core::{Permission, Role};
use steward_store::SessionRow;
use steward_testkit::{Database, Fixture, Web, on_both_backends};
use tower::ServiceExt;

use Access::{Needs, Only, Public, SignedIn};
use Permission::{
    AssignCases, AuditRead, CheckSuppression, ManageAccess, ManageChecklists, ManageHolds, ManageIncidents,
    ManageLetters, ManageRegisters, ManageRetention, ManageSettings, ManageSuppression, ReadIncidents, ReadRegisters,
    ReadStatistics, RecordDisclosures, ReportBreach, SubjectCreate, SubjectErase, SubjectRead, SubjectUpdate,
};

const PASSWORD: &str = "correct horse battery staple";

// ---------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any role with a session (anonymous callers are sent to sign in).
    SignedIn,
    /// The roles for which `role.can(permission)`.
    Needs(Permission),
    /// Exactly these roles: rules finer than one permission.
    Only(&'static [Role]),
}

const RECORD: &str = "record_type=family-file&reference=FS-2026-{n}&event-support_ended=5\
    &event-support_ended-month=1&event-support_ended-year=2026&flags=concern_not_referred";

const TASK_CONFIRMATION: &str = "task-{last-task}-status=erased&task-{last-task}-on=6\
    &task-{last-task}-on-month=1&task-{last-task}-on-year=2026&task-{last-task}-note=Ticket+4411";

/// Erasure certificates hold no personal data: those who read subjects or the audit log.
const CERTIFICATE_READERS: &[Role] = &[Role::Admin, Role::Dpo, Role::Caseworker, Role::Auditor];

/// Only a DPO may make, or change, a DPO: accounts, invitations and API tokens alike.
const DPO: &[Role] = &[Role::Dpo];

impl Access {
    fn allows(self, who: Option<Role>) -> bool {
        match self {
            Public => true,
            SignedIn => who.is_some(),
            Needs(p) => who.is_some_and(|r| r.can(p)),
            Only(roles) => who.is_some_and(|r| roles.contains(&r)),
        }
    }
}

/// How a route is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A browser request with the session cookie; a form body is sent as it is.
    Page,
    /// A browser form POST that needs the session's `_csrf` token (added to the body).
    Form,
    /// A JSON API call with `Authorization: Bearer <the role's token>`.
    Api,
}

/// Which browser session a role's call uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sess {
    /// The role's session, signed in once through `POST /sign-in` and reused.
    Main,
    /// A fresh full session of the role's user, for this call only (signing out).
    Fresh,
    /// A fresh user of the role with two full sessions; the call uses the first
    /// (signing out everywhere must end both, and nobody else's).
    OwnUser,
    /// A fresh user of the role whose session waits for the second factor.
    Pending,
}

/// What an allowed call answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Anything but 401, 403, 404, 405, a redirect to sign in, or a server error.
    Through,
    /// Exactly `303 See Other` to this address.
    Redirect(&'static str),
}

/// What must hold after an allowed call by a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    Nothing,
    /// The session used has ended; the role's main session has not.
    SessionEnded,
    /// Both sessions of the fresh user have ended; the role's main session has not.
    AllSessionsEnded,
}

/// One row of the matrix.
///
/// `route` is the path exactly as declared in the source (`{id}` names as there);
/// `path` is what is requested, with placeholders filled per call:
/// `{subject}` (Jane Smith), `{other}` (linked to her), `{user}` (a caseworker account),
/// `{token}` (an API token), `{submission}` (a public request), `{request}` (a rights request about Jane Smith), `{invite}` (an open
/// invitation), `{n}` (a number unique to the call), `{form-token}` (a public form
/// token ten seconds old), and throwaway fixtures made afresh for every call so one
/// role's action never changes what the next one sees: `{fresh-subject}`,
/// `{fresh-user}` (a caseworker), `{fresh-dpo}`, `{fresh-token}`, `{fresh-linked}` (a new subject in
/// Jane Smith's household), `{fresh-request}` (a rights request about Jane Smith),
/// `{erasure}` and `{fresh-erasure}` (approved erasure requests), `{rectification}` (a
/// rectification request about Jane Smith), `{system}` (a register entry), `{last-task}`
/// and `{erasure-task}` (a pending task of the `{fresh-erasure}` just made),
/// `{fresh-restricted}` (a subject whose processing is restricted), `{fresh-held}` (a new
/// subject) and `{last-hold}` (a legal hold placed on it), `{fresh-rectification}`,
/// `{fresh-system}` and `{fresh-hold}` (new ones of each), `{disposal}` (a disposal awaiting approval).
#[derive(Debug, Clone, Copy)]
struct Route {
    method: &'static str,
    route: &'static str,
    path: &'static str,
    access: Access,
    kind: Kind,
    /// Form (urlencoded, without `_csrf`) or JSON body; placeholders are filled.
    body: &'static str,
    session: Sess,
    expect: Expect,
    after: After,
    /// Told apart from another row of the same method and path, in the table.
    note: &'static str,
}

const fn row(method: &'static str, route: &'static str, access: Access, kind: Kind, body: &'static str) -> Route {
    Route {
        method,
        route,
        path: route,
        access,
        kind,
        body,
        session: Sess::Main,
        expect: Expect::Through,
        after: After::Nothing,
        note: "",
    }
}

/// A page.
const fn get(route: &'static str, access: Access) -> Route {
    row("GET", route, access, Kind::Page, "")
}

/// A public form POST (no session, no CSRF token).
const fn post(route: &'static str, access: Access, body: &'static str) -> Route {
    row("POST", route, access, Kind::Page, body)
}

/// A form POST of a signed-in page, with the CSRF token.
const fn form(route: &'static str, access: Access, body: &'static str) -> Route {
    row("POST", route, access, Kind::Form, body)
}

/// An API call.
const fn api(method: &'static str, route: &'static str, access: Access, body: &'static str) -> Route {
    row(method, route, access, Kind::Api, body)
}

impl Route {
    const fn at(self, path: &'static str) -> Self {
        Self { path, ..self }
    }

    const fn session(self, session: Sess) -> Self {
        Self { session, ..self }
    }

    const fn expect(self, expect: Expect) -> Self {
        Self { expect, ..self }
    }

    const fn after(self, after: After) -> Self {
        Self { after, ..self }
    }

    const fn note(self, note: &'static str) -> Self {
        Self { note, ..self }
    }

    fn label(&self) -> String {
        match self.note {
            "" => format!("{} {}", self.method, self.path),
            note => format!("{} {} ({note})", self.method, self.path),
        }
    }
}

const SIGN_IN: &str = "email=sign-in%40example.org&password=correct+horse+battery+staple";
const SETUP: &str =
    "code=not-the-code&display_name=Sol+Setup&email=setup%40example.org&password=correct+horse+battery+staple&role=dpo";
const PUBLIC_REQUEST: &str = "form_token={form-token}&kind=request&right=access&name=Marguerite+Okonkwo-Hale\
    &email=m.okonkwo-hale%40example.org&phone=&address=&on_behalf=no&subject_name=&relationship=\
    &details=Please+send+me+a+copy+of+my+tenancy+file.&website=";
const SETTINGS: &str =
    "org_name=Riverside+Housing&region=england-and-wales&dpo_name=Dana+Okafor&dpo_email=dpo%40example.org";

const EMAIL_SETTINGS: &str = "host=localhost&port=2525&security=none&username=&password=&from=steward%40example.org\
    &base_url=&reminder_days=7%2C2&reminder_time=07%3A00";

const NEW_REQUEST: &str = "kind=access&received_on=5&received_on-month=1&received_on-year=2026&channel=email\
    &made_by=subject&region=england-and-wales&subject_id={subject}";
const REQUEST_EVENT: &str =
    "kind=identity_requested&identity_requested-on=5&identity_requested-on-month=1&identity_requested-on-year=2026";

const REQUEST_SEARCH: &str = "search-system=Housing+system&search-on=5&search-on-month=1&search-on-year=2026\
    &search-terms=Smith+tenancy&search-hits=3";

/// Every route the router serves, except the catch-all fallbacks and the Swagger UI
/// (see `api_docs_answer_publicly`).
const ROUTES: &[Route] = &[
    // Static assets.
    get("/static/steward.css", Public),
    get("/static/htmx.min.js", Public),
    get("/static/htmx.LICENSE.txt", Public),
    // Signing in and out. The second-factor step needs a session waiting for its code.
    get("/sign-in", Public),
    // Signing in from a browser that holds a session ends that session.
    post("/sign-in", Public, SIGN_IN).session(Sess::Fresh).expect(Expect::Redirect("/")).after(After::SessionEnded),
    get("/sign-in/code", SignedIn).session(Sess::Pending),
    form("/sign-in/code", SignedIn, "code=not-a-code").session(Sess::Pending),
    get("/sign-in/two-factor", SignedIn),
    form("/sign-in/two-factor", SignedIn, "code=abc"),
    form("/sign-out", SignedIn, "")
        .session(Sess::Fresh)
        .expect(Expect::Redirect("/sign-in"))
        .after(After::SessionEnded),
    form("/sign-out-everywhere", SignedIn, "")
        .session(Sess::OwnUser)
        .expect(Expect::Redirect("/sign-in"))
        .after(After::AllSessionsEnded),
    // Set-up is complete, so its page sends everyone to sign in.
    get("/setup", Public).expect(Expect::Redirect("/sign-in")),
    post("/setup", Public, SETUP),
    get("/invitation", Public).at("/invitation?token={invite}"),
    post("/invitation", Public, "token={invite}&password=short"),
    get("/account", SignedIn),
    // Administration.
    get("/users", Needs(ManageAccess)),
    form("/users", Needs(ManageAccess), "display_name=Ivy+Invitee&email=invitee-{n}%40example.org&role=caseworker"),
    get("/users/new", Needs(ManageAccess)),
    get("/users/{id}", Needs(ManageAccess)).at("/users/{user}"),
    form("/users/{id}/{action}", Needs(ManageAccess), "role=staff").at("/users/{fresh-user}/role"),
    form("/users/{id}/{action}", Needs(ManageAccess), "valid_until=2030-03-31").at("/users/{fresh-user}/training"),
    form("/users/{id}/{action}", Needs(ManageAccess), "").at("/users/{fresh-user}/reset-2fa"),
    form("/users/{id}/{action}", Needs(ManageAccess), "").at("/users/{fresh-user}/unlock"),
    form("/users/{id}/{action}", Needs(ManageAccess), "").at("/users/{fresh-user}/sessions"),
    form("/users/{id}/{action}", Needs(ManageAccess), "").at("/users/{fresh-user}/disable"),
    form("/users/{id}/{action}", Needs(ManageAccess), "").at("/users/{fresh-user}/enable"),
    get("/tokens", Needs(ManageAccess)),
    form("/tokens", Needs(ManageAccess), "name=Matrix+{n}&role=auditor"),
    form("/tokens/{id}/revoke", Needs(ManageAccess), "").at("/tokens/{fresh-token}/revoke"),
    // Only a DPO may make or change a DPO, whichever way it is tried.
    form("/users", Only(DPO), "display_name=Dee+Deputy&email=deputy-{n}%40example.org&role=dpo").note("role=dpo"),
    form("/users/{id}/{action}", Only(DPO), "role=dpo").at("/users/{fresh-user}/role").note("role=dpo"),
    form("/users/{id}/{action}", Only(DPO), "").at("/users/{fresh-dpo}/disable").note("a DPO"),
    form("/users/{id}/{action}", Only(DPO), "").at("/users/{fresh-dpo}/reset-2fa").note("a DPO"),
    form("/users/{id}/{action}", Only(DPO), "valid_until=2030-03-31").at("/users/{fresh-dpo}/training").note("a DPO"),
    form("/tokens", Only(DPO), "name=Matrix+{n}&role=dpo").note("role=dpo"),
    // The public request form.
    get("/request", Public),
    post("/request", Public, PUBLIC_REQUEST),
    // The privacy notice in effect (a fixture notice took effect in 2020).
    get("/privacy", Public),
    // The signed-in pages.
    get("/", SignedIn),
    get("/subjects", Needs(SubjectRead)),
    form("/subjects", Needs(SubjectCreate), "given_name=Matrix&family_name=Person"),
    // A bare redirect to the search page, which itself needs sign-in.
    get("/subjects/search", Public).expect(Expect::Redirect("/subjects")),
    form("/subjects/search", Needs(SubjectRead), "q=Smith"),
    get("/subjects/new", Needs(SubjectCreate)),
    get("/subjects/{id}", Needs(SubjectRead)).at("/subjects/{subject}"),
    get("/subjects/{id}/edit", Needs(SubjectUpdate)).at("/subjects/{subject}/edit"),
    form("/subjects/{id}/edit", Needs(SubjectUpdate), "given_name=Jane&family_name=Smith")
        .at("/subjects/{subject}/edit"),
    form("/subjects/{id}/links", Needs(SubjectUpdate), "other_id={fresh-subject}&kind=household")
        .at("/subjects/{subject}/links"),
    get("/subjects/{id}/erase", Needs(SubjectErase)).at("/subjects/{subject}/erase"),
    form("/subjects/{id}/access", Needs(AssignCases), "user_id={user}").at("/subjects/{subject}/access"),
    form("/subjects/{id}/access/{user}/remove", Needs(AssignCases), "")
        .at("/subjects/{fresh-subject}/access/{user}/remove"),
    form("/subjects/{id}/erase", Needs(SubjectErase), "reason=erasure_request&request_ref=REF-1")
        .at("/subjects/{fresh-subject}/erase"),
    get("/audit", Needs(AuditRead)),
    form("/audit/verify", Needs(AuditRead), ""),
    get("/settings", Needs(ManageSettings)),
    form("/settings", Needs(ManageSettings), SETTINGS),
    get("/settings/email", Needs(ManageSettings)),
    form("/settings/email", Needs(ManageSettings), EMAIL_SETTINGS),
    form("/settings/email/test", Needs(ManageSettings), "to="),
    get("/account/calendar", SignedIn),
    form("/account/calendar", SignedIn, ""),
    form("/account/calendar/revoke", SignedIn, ""),
    // Calendar apps cannot sign in: the secret in the address is the key.
    get("/calendar/{file}", Public).at("/calendar/{calendar}.ics"),
    get("/inbox", Needs(SubjectRead)),
    get("/inbox/{id}", Needs(SubjectRead)).at("/inbox/{submission}"),
    form("/inbox/{id}/status", Needs(SubjectUpdate), "status=acknowledged").at("/inbox/{submission}/status"),
    form("/inbox/{id}/assign", Needs(AssignCases), "assigned_to={caseworker}").at("/inbox/{submission}/assign"),
    get("/requests", Needs(SubjectRead)).at("/requests?status=all"),
    form("/requests", Needs(SubjectCreate), NEW_REQUEST),
    get("/requests/new", Needs(SubjectCreate)).at("/requests/new?subject={subject}"),
    get("/requests/{id}", Needs(SubjectRead)).at("/requests/{request}"),
    form("/requests/{id}/events", Needs(SubjectUpdate), REQUEST_EVENT).at("/requests/{fresh-request}/events"),
    form("/requests/{id}/steps/{step}", Needs(SubjectUpdate), "done=true").at("/requests/{fresh-request}/steps/A"),
    form("/requests/{id}/searches", Needs(SubjectUpdate), REQUEST_SEARCH).at("/requests/{fresh-request}/searches"),
    get("/letters", Needs(ManageLetters)),
    get("/letters/{name}", Needs(ManageLetters)).at("/letters/refusal"),
    form("/letters/{name}", Needs(ManageLetters), "action=preview&text=Dear+%7B%7B+requester_name+%7D%7D")
        .at("/letters/refusal"),
    get("/requests/{id}/letters/{name}", Needs(SubjectRead)).at("/requests/{request}/letters/acknowledgement"),
    get("/statistics", Needs(ReadStatistics)).at("/statistics?year=2026"),
    get("/statistics.csv", Needs(ReadStatistics)).at("/statistics.csv?year=2026"),
    form("/requests/{id}/assign", Needs(AssignCases), "assigned_to={user}").at("/requests/{fresh-request}/assign"),
    form("/requests/{id}/tasks", Needs(SubjectUpdate), "task-system={system}").at("/requests/{fresh-erasure}/tasks"),
    form("/requests/{id}/tasks/{task}", Needs(SubjectUpdate), TASK_CONFIRMATION)
        .at("/requests/{fresh-erasure}/tasks/{last-task}"),
    get("/requests/{id}/certificate", Only(CERTIFICATE_READERS)).at("/requests/{erasure}/certificate"),
    get("/requests/{id}/rectify", Needs(SubjectUpdate)).at("/requests/{rectification}/rectify"),
    form("/requests/{id}/rectify", Needs(SubjectUpdate), "given_name=Jane&family_name=Smith")
        .at("/requests/{rectification}/rectify"),
    form("/subjects/{id}/restrict", Needs(SubjectUpdate), "ground=accuracy_contested")
        .at("/subjects/{fresh-subject}/restrict"),
    form(
        "/subjects/{id}/restriction/lift",
        Needs(ManageHolds),
        "informed_on=5&informed_on-month=1&informed_on-year=2026",
    )
    .at("/subjects/{fresh-restricted}/restriction/lift"),
    form("/subjects/{id}/holds", Needs(ManageHolds), "hold-reason=Claim+2026%2F114&hold-approved-by=Head+of+Legal")
        .at("/subjects/{fresh-subject}/holds"),
    form("/subjects/{id}/holds/{hold}/lift", Needs(ManageHolds), "hold-{last-hold}-reason=Claim+settled")
        .at("/subjects/{fresh-held}/holds/{last-hold}/lift"),
    get("/settings/checklists", Needs(ManageChecklists)),
    form("/settings/checklists/{kind}", Needs(ManageChecklists), "action=save&text-erasure=A|Log+it%0AB|Erase+it")
        .at("/settings/checklists/erasure"),
    get("/compliance", Needs(ReadRegisters)),
    get("/activities", Needs(ReadRegisters)),
    form("/activities", Needs(ManageRegisters), "name=Matrix+activity+{n}&purposes[0].purpose=Tenancy&purposes[0].lawful_basis=contract"),
    get("/activities/new", Needs(ManageRegisters)),
    get("/activities/{id}", Needs(ReadRegisters)).at("/activities/{fresh-activity}"),
    form("/activities/{id}", Needs(ManageRegisters), "name=Matrix+activity+{n}&purposes[0].purpose=Tenancy&purposes[0].lawful_basis=contract").at("/activities/{fresh-activity}"),
    get("/activities/{id}/edit", Needs(ManageRegisters)).at("/activities/{fresh-activity}/edit"),
    form("/activities/{id}/retire", Needs(ManageRegisters), "").at("/activities/{fresh-activity}/retire"),
    // The record of processing for the ICO and the board (static paths beside `{id}`).
    get("/activities/download", Needs(ReadRegisters)).at("/activities/download?format=csv"),
    get("/activities/report", Needs(ReadRegisters)),
    // An import form that is not multipart is a 400 past the access check.
    form("/activities/import", Needs(ManageRegisters), ""),
    get("/organisations", Needs(ReadRegisters)),
    form("/organisations", Needs(ManageRegisters), "name=Matrix+organisation+{n}"),
    get("/organisations/new", Needs(ManageRegisters)),
    get("/organisations/{id}", Needs(ReadRegisters)).at("/organisations/{fresh-organisation}"),
    form("/organisations/{id}", Needs(ManageRegisters), "name=Matrix+organisation+{n}").at("/organisations/{fresh-organisation}"),
    get("/organisations/{id}/edit", Needs(ManageRegisters)).at("/organisations/{fresh-organisation}/edit"),
    form("/organisations/{id}/retire", Needs(ManageRegisters), "").at("/organisations/{fresh-organisation}/retire"),
    get("/processors", Needs(ReadRegisters)),
    form("/processors", Needs(ManageRegisters), "name=Matrix+processor+{n}"),
    get("/processors/new", Needs(ManageRegisters)),
    get("/processors/{id}", Needs(ReadRegisters)).at("/processors/{fresh-processor}"),
    form("/processors/{id}", Needs(ManageRegisters), "name=Matrix+processor+{n}").at("/processors/{fresh-processor}"),
    get("/processors/{id}/edit", Needs(ManageRegisters)).at("/processors/{fresh-processor}/edit"),
    form("/processors/{id}/retire", Needs(ManageRegisters), "").at("/processors/{fresh-processor}/retire"),
    get("/sharing-agreements", Needs(ReadRegisters)),
    form("/sharing-agreements", Needs(ManageRegisters), "title=Matrix+agreement+{n}&parties=Borough+council&purpose=Safeguarding&lawful_basis=public_task"),
    get("/sharing-agreements/new", Needs(ManageRegisters)),
    get("/sharing-agreements/{id}", Needs(ReadRegisters)).at("/sharing-agreements/{fresh-sharing-agreement}"),
    form("/sharing-agreements/{id}", Needs(ManageRegisters), "title=Matrix+agreement+{n}&parties=Borough+council&purpose=Safeguarding&lawful_basis=public_task").at("/sharing-agreements/{fresh-sharing-agreement}"),
    get("/sharing-agreements/{id}/edit", Needs(ManageRegisters)).at("/sharing-agreements/{fresh-sharing-agreement}/edit"),
    form("/sharing-agreements/{id}/retire", Needs(ManageRegisters), "").at("/sharing-agreements/{fresh-sharing-agreement}/retire"),
    get("/transfers", Needs(ReadRegisters)),
    form("/transfers", Needs(ManageRegisters), "recipient=Matrix+recipient+{n}&destination_country=FR&mechanism=uk_adequacy"),
    get("/transfers/new", Needs(ManageRegisters)),
    get("/transfers/{id}", Needs(ReadRegisters)).at("/transfers/{fresh-transfer}"),
    form("/transfers/{id}", Needs(ManageRegisters), "recipient=Matrix+recipient+{n}&destination_country=FR&mechanism=uk_adequacy").at("/transfers/{fresh-transfer}"),
    get("/transfers/{id}/edit", Needs(ManageRegisters)).at("/transfers/{fresh-transfer}/edit"),
    form("/transfers/{id}/retire", Needs(ManageRegisters), "").at("/transfers/{fresh-transfer}/retire"),
    get("/notices", Needs(ReadRegisters)),
    form("/notices", Needs(ManageRegisters), "title=Matrix+notice+{n}&version_label=1&effective_on=1&effective_on-month=1&effective_on-year=2026&text=How+we+use+your+data"),
    get("/notices/new", Needs(ManageRegisters)),
    get("/notices/{id}", Needs(ReadRegisters)).at("/notices/{fresh-notice}"),
    form("/notices/{id}", Needs(ManageRegisters), "title=Matrix+notice+{n}&version_label=1&effective_on=1&effective_on-month=1&effective_on-year=2026&text=How+we+use+your+data").at("/notices/{fresh-notice}"),
    get("/notices/{id}/edit", Needs(ManageRegisters)).at("/notices/{fresh-notice}/edit"),
    form("/notices/{id}/retire", Needs(ManageRegisters), "").at("/notices/{fresh-notice}/retire"),
    get("/policies", Needs(ReadRegisters)),
    form("/policies", Needs(ManageRegisters), "title=Matrix+policy+{n}"),
    get("/policies/new", Needs(ManageRegisters)),
    get("/policies/{id}", Needs(ReadRegisters)).at("/policies/{fresh-policy}"),
    form("/policies/{id}", Needs(ManageRegisters), "title=Matrix+policy+{n}").at("/policies/{fresh-policy}"),
    get("/policies/{id}/edit", Needs(ManageRegisters)).at("/policies/{fresh-policy}/edit"),
    form("/policies/{id}/retire", Needs(ManageRegisters), "").at("/policies/{fresh-policy}/retire"),
    get("/training", Needs(ReadRegisters)),
    form("/training", Needs(ManageRegisters), "user_id={user}&course=Matrix+course+{n}&completed_on=1&completed_on-month=1&completed_on-year=2026"),
    get("/training/new", Needs(ManageRegisters)),
    get("/training/{id}", Needs(ReadRegisters)).at("/training/{fresh-training}"),
    form("/training/{id}", Needs(ManageRegisters), "user_id={user}&course=Matrix+course+{n}&completed_on=1&completed_on-month=1&completed_on-year=2026").at("/training/{fresh-training}"),
    get("/training/{id}/edit", Needs(ManageRegisters)).at("/training/{fresh-training}/edit"),
    form("/training/{id}/retire", Needs(ManageRegisters), "").at("/training/{fresh-training}/retire"),
    get("/breaches", Needs(ReadIncidents)),
    form("/breaches", Needs(ReportBreach), "summary=Matrix+breach+{n}&aware_at=1&aware_at-month=12&aware_at-year=2026&aware_at.time=10:00"),
    get("/breaches/new", Needs(ReportBreach)),
    get("/breaches/{id}", Needs(ReadIncidents)).at("/breaches/{fresh-breach}"),
    form("/breaches/{id}", Needs(ManageIncidents), "summary=Matrix+breach+{n}&aware_at=1&aware_at-month=12&aware_at-year=2026&aware_at.time=10:00").at("/breaches/{fresh-breach}"),
    get("/breaches/{id}/edit", Needs(ManageIncidents)).at("/breaches/{fresh-breach}/edit"),
    form("/breaches/{id}/retire", Needs(ManageIncidents), "").at("/breaches/{fresh-breach}/retire"),
    get("/disclosures", Needs(RecordDisclosures)),
    form("/disclosures", Needs(RecordDisclosures), "requester_organisation=Matrix+Police+{n}&request_summary=Address&requested_at=1&requested_at-month=12&requested_at-year=2026&requested_at.time=10:00"),
    get("/disclosures/new", Needs(RecordDisclosures)),
    get("/disclosures/{id}", Needs(RecordDisclosures)).at("/disclosures/{fresh-disclosure}"),
    form("/disclosures/{id}", Needs(RecordDisclosures), "requester_organisation=Matrix+Police+{n}&request_summary=Address&requested_at=1&requested_at-month=12&requested_at-year=2026&requested_at.time=10:00").at("/disclosures/{fresh-disclosure}"),
    get("/disclosures/{id}/edit", Needs(RecordDisclosures)).at("/disclosures/{fresh-disclosure}/edit"),
    form("/disclosures/{id}/retire", Needs(RecordDisclosures), "").at("/disclosures/{fresh-disclosure}/retire"),
    get("/dpias", Needs(ReadRegisters)),
    form("/dpias", Needs(ManageRegisters), "title=Matrix+DPIA+{n}"),
    get("/dpias/new", Needs(ManageRegisters)),
    get("/dpias/{id}", Needs(ReadRegisters)).at("/dpias/{fresh-dpia}"),
    form("/dpias/{id}", Needs(ManageRegisters), "title=Matrix+DPIA+{n}").at("/dpias/{fresh-dpia}"),
    get("/dpias/{id}/edit", Needs(ManageRegisters)).at("/dpias/{fresh-dpia}/edit"),
    form("/dpias/{id}/retire", Needs(ManageRegisters), "").at("/dpias/{fresh-dpia}/retire"),
    get("/systems", Needs(ReadRegisters)),
    form("/systems", Needs(ManageRegisters), "name=Matrix+{n}&kind=system"),
    get("/systems/{id}", Needs(ReadRegisters)).at("/systems/{system}"),
    form("/systems/{id}", Needs(ManageRegisters), "name=Matrix+case+files&kind=system").at("/systems/{system}"),
    get("/retention/schedule", Needs(ReadRegisters)),
    get("/retention/schedule", Needs(ReadRegisters)).at("/retention/schedule?template=generic").note("a template"),
    form("/retention/schedule", Needs(ManageRetention), "action=check&schedule=version+%3D+1"),
    form("/retention/schedule", Needs(ManageRetention), "action=save&schedule=name+%3D+1").note("refused"),
    get("/records", Needs(ReadRegisters)),
    get("/records", Needs(ReadRegisters)).at("/records?due_month=2027-01&held=yes&missing=yes&page=2").note("filtered"),
    get("/records", Needs(ReadRegisters)).at("/records?due_before=soon&page=x").note("nonsense"),
    get("/records/new", Needs(ManageRegisters)).at("/records/new?record_type=family-file"),
    form("/records", Needs(ManageRegisters), RECORD),
    get("/records/{id}", Needs(ReadRegisters)).at("/records/{record}"),
    form(
        "/records/{id}",
        Needs(ManageRegisters),
        "event-support_ended=6&event-support_ended-month=1&event-support_ended-year=2026",
    )
    .at("/records/{fresh-record}"),
    form(
        "/records/{id}/holds",
        Needs(ManageHolds),
        "hold-scope=record&hold-reason=Claim+2026%2F114&hold-approved-by=Head+of+Legal",
    )
    .at("/records/{fresh-record}/holds"),
    get("/holds", Needs(SubjectRead)),
    form(
        "/holds",
        Needs(ManageHolds),
        "hold-scope=subject&hold-subject={fresh-subject}&hold-reason=Claim&hold-approved-by=Head+of+Legal",
    ),
    form("/holds/{id}/lift", Needs(ManageHolds), "hold-{fresh-hold}-reason=Claim+settled")
        .at("/holds/{fresh-hold}/lift"),
    get("/disposals", Needs(ReadRegisters)),
    get("/disposals/certificate", Needs(ReadRegisters)).at("/disposals/certificate?from=2026-01-01&to=2026-01-31"),
    form("/disposals/approve", Needs(ManageHolds), "month=2000-01"),
    form("/disposals/{id}/assign", Needs(ManageRetention), "assignee=Office+manager&month=2026-01")
        .at("/disposals/{disposal}/assign"),
    form("/disposals/{id}/confirm", Needs(ManageRegisters), "done_on=2026-01-06&month=2026-01")
        .at("/disposals/{disposal}/confirm"),
    // Case notes, documents and response packs.
    form("/subjects/{id}/notes", Needs(SubjectUpdate), "note_text=Called+about+repairs&note_category=phone_call")
        .at("/subjects/{subject}/notes"),
    form("/subjects/{id}/documents", Needs(SubjectUpdate), "").at("/subjects/{subject}/documents"),
    // Consents and privacy notices received, from the person's page.
    form("/subjects/{id}/consents", Needs(SubjectUpdate), CONSENT_FORM).at("/subjects/{subject}/consents"),
    form("/subjects/{id}/consents/{consent}/withdraw", Needs(SubjectUpdate), WITHDRAW_FORM)
        .at("/subjects/{subject}/consents/{fresh-consent}/withdraw"),
    form("/subjects/{id}/notices", Needs(SubjectUpdate), NOTICE_FORM).at("/subjects/{subject}/notices"),
    get("/subjects/{id}/documents/{doc}", Needs(SubjectRead)).at("/subjects/{subject}/documents/{document}"),
    get("/requests/{id}/pack", Needs(SubjectRead)).at("/requests/{request}/pack"),
    form("/requests/{id}/pack", Needs(SubjectUpdate), "").at("/requests/{fresh-request}/pack"),
    form("/requests/{id}/pack-items", Needs(SubjectUpdate), "item=identity&treatment=withheld&exemption=third_party")
        .at("/requests/{fresh-request}/pack-items"),
    form("/requests/{id}/scans", Needs(SubjectUpdate), "").at("/requests/{request}/scans"),
    get("/requests/{id}/scans/{scan}", Needs(SubjectRead)).at("/requests/{scanned-request}/scans/{last-scan}"),
    form("/requests/{id}/scans/{scan}/documents/{doc}", Needs(SubjectUpdate), "included=no&all=accept")
        .at("/requests/{scanned-request}/scans/{last-scan}/documents/{last-scan-doc}"),
    form("/requests/{id}/pack-items/clear", Needs(SubjectUpdate), "item=identity")
        .at("/requests/{reviewed-request}/pack-items/clear"),
    get("/requests/{id}/packs/{pack}", Needs(SubjectRead)).at("/requests/{request}/packs/{pack}"),
    // The API.
    api("GET", "/api/v1/health", Public, ""),
    api("GET", "/api/v1/openapi.json", Public, ""),
    api("POST", "/api/v1/subjects", Needs(SubjectCreate), r#"{"given_name":"Api","family_name":"Person"}"#),
    api("GET", "/api/v1/subjects", Needs(SubjectRead), "").at("/api/v1/subjects?name=Smith"),
    api("GET", "/api/v1/subjects/{id}", Needs(SubjectRead), "").at("/api/v1/subjects/{subject}"),
    api("PATCH", "/api/v1/subjects/{id}", Needs(SubjectUpdate), r#"{"notes":"Prefers email"}"#)
        .at("/api/v1/subjects/{subject}"),
    api("DELETE", "/api/v1/subjects/{id}", Needs(SubjectErase), "")
        .at("/api/v1/subjects/{fresh-subject}?reason=erasure_request"),
    api("GET", "/api/v1/subjects/{id}/erasure-preview", Needs(SubjectErase), "")
        .at("/api/v1/subjects/{subject}/erasure-preview"),
    api(
        "POST",
        "/api/v1/subjects/{id}/links",
        Needs(SubjectUpdate),
        r#"{"subject_id":"{fresh-subject}","kind":"household"}"#,
    )
    .at("/api/v1/subjects/{subject}/links"),
    api("DELETE", "/api/v1/subjects/{id}/links/{other}", Needs(SubjectUpdate), "")
        .at("/api/v1/subjects/{subject}/links/{fresh-linked}?kind=household"),
    api("GET", "/api/v1/stats/subjects", Needs(ReadStatistics), ""),
    api("GET", "/api/v1/audit", Needs(AuditRead), ""),
    api("GET", "/api/v1/audit/head", Needs(AuditRead), ""),
    api("POST", "/api/v1/audit/verify", Needs(AuditRead), ""),
    api("GET", "/api/v1/tokens", Needs(ManageAccess), ""),
    api("POST", "/api/v1/tokens", Needs(ManageAccess), r#"{"name":"matrix {n}","role":"auditor"}"#),
    api("DELETE", "/api/v1/tokens/{id}", Needs(ManageAccess), "").at("/api/v1/tokens/{fresh-token}"),
    api("POST", "/api/v1/tokens", Only(DPO), r#"{"name":"matrix {n}","role":"dpo"}"#).note("role=dpo"),
    api(
        "POST",
        "/api/v1/requests",
        Needs(SubjectCreate),
        r#"{"kind":"access","received_on":"2026-01-05","subject_id":"{subject}","channel":"email"}"#,
    ),
    api("GET", "/api/v1/requests", Needs(SubjectRead), ""),
    api("GET", "/api/v1/requests/{id}", Needs(SubjectRead), "").at("/api/v1/requests/{request}"),
    api(
        "POST",
        "/api/v1/requests/{id}/events",
        Needs(SubjectUpdate),
        r#"{"kind":"identity_requested","on":"2026-01-05"}"#,
    )
    .at("/api/v1/requests/{fresh-request}/events"),
    api("GET", "/api/v1/requests/{id}/steps", Needs(SubjectRead), "").at("/api/v1/requests/{request}/steps"),
    api("POST", "/api/v1/requests/{id}/steps/{step}", Needs(SubjectUpdate), r#"{"done":true}"#)
        .at("/api/v1/requests/{fresh-request}/steps/A"),
    api("GET", "/api/v1/requests/{id}/searches", Needs(SubjectRead), "").at("/api/v1/requests/{request}/searches"),
    api(
        "POST",
        "/api/v1/requests/{id}/searches",
        Needs(SubjectUpdate),
        r#"{"system":"Email","searched_on":"2026-01-06","terms":"Smith","hits":1}"#,
    )
    .at("/api/v1/requests/{fresh-request}/searches"),
    api("PUT", "/api/v1/requests/{id}/assignee", Needs(AssignCases), r#"{"user_id":"{user}"}"#)
        .at("/api/v1/requests/{fresh-request}/assignee"),
    api("POST", "/api/v1/requests/{id}/rectification", Needs(SubjectUpdate), r#"{"notes":"Corrected"}"#)
        .at("/api/v1/requests/{fresh-rectification}/rectification"),
    api("GET", "/api/v1/requests/{id}/erasure-tasks", Needs(SubjectRead), "")
        .at("/api/v1/requests/{request}/erasure-tasks"),
    api("POST", "/api/v1/requests/{id}/erasure-tasks", Needs(SubjectUpdate), r#"{"system_id":"{fresh-system}"}"#)
        .at("/api/v1/requests/{request}/erasure-tasks"),
    api(
        "POST",
        "/api/v1/requests/{id}/erasure-tasks/{task}",
        Needs(SubjectUpdate),
        r#"{"status":"erased","confirmed_on":"2026-01-06"}"#,
    )
    .at("/api/v1/requests/{fresh-erasure}/erasure-tasks/{erasure-task}"),
    api("GET", "/api/v1/requests/{id}/erasure-certificate", Only(CERTIFICATE_READERS), "")
        .at("/api/v1/requests/{request}/erasure-certificate"),
    api("GET", "/api/v1/checklists", Needs(ManageChecklists), ""),
    api("PUT", "/api/v1/checklists/{kind}", Needs(ManageChecklists), r#"{"text":"A|Log it\nB|Erase it"}"#)
        .at("/api/v1/checklists/erasure"),
    api("DELETE", "/api/v1/checklists/{kind}", Needs(ManageChecklists), "").at("/api/v1/checklists/erasure"),
    api("GET", "/api/v1/activities", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/activities", Needs(ManageRegisters), r#"{"name":"Matrix activity {n}","purposes":[{"purpose":"Tenancy","lawful_basis":"contract"}]}"#),
    api("GET", "/api/v1/activities/{id}", Needs(ReadRegisters), "").at("/api/v1/activities/{fresh-activity}"),
    api("PUT", "/api/v1/activities/{id}", Needs(ManageRegisters), r#"{"name":"Matrix activity {n}","purposes":[{"purpose":"Tenancy","lawful_basis":"contract"}]}"#).at("/api/v1/activities/{fresh-activity}"),
    api("DELETE", "/api/v1/activities/{id}", Needs(ManageRegisters), "").at("/api/v1/activities/{fresh-activity}"),
    api("GET", "/api/v1/activities/{id}/history", Needs(ReadRegisters), "").at("/api/v1/activities/{fresh-activity}/history"),
    api("GET", "/api/v1/activities/diff", Needs(ReadRegisters), "").at("/api/v1/activities/diff?from=2026-01-01"),
    api("GET", "/api/v1/activities/export", Needs(ReadRegisters), "").at("/api/v1/activities/export?format=csv"),
    // An empty file is a 422 past the access check.
    api("POST", "/api/v1/activities/import", Needs(ManageRegisters), "").at("/api/v1/activities/import?dry_run=true"),
    api("GET", "/api/v1/organisations", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/organisations", Needs(ManageRegisters), r#"{"name":"Matrix organisation {n}"}"#),
    api("GET", "/api/v1/organisations/{id}", Needs(ReadRegisters), "").at("/api/v1/organisations/{fresh-organisation}"),
    api("PUT", "/api/v1/organisations/{id}", Needs(ManageRegisters), r#"{"name":"Matrix organisation {n}"}"#).at("/api/v1/organisations/{fresh-organisation}"),
    api("DELETE", "/api/v1/organisations/{id}", Needs(ManageRegisters), "").at("/api/v1/organisations/{fresh-organisation}"),
    api("GET", "/api/v1/organisations/{id}/history", Needs(ReadRegisters), "").at("/api/v1/organisations/{fresh-organisation}/history"),
    api("GET", "/api/v1/organisations/diff", Needs(ReadRegisters), "").at("/api/v1/organisations/diff?from=2026-01-01"),
    api("GET", "/api/v1/processors", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/processors", Needs(ManageRegisters), r#"{"name":"Matrix processor {n}"}"#),
    api("GET", "/api/v1/processors/{id}", Needs(ReadRegisters), "").at("/api/v1/processors/{fresh-processor}"),
    api("PUT", "/api/v1/processors/{id}", Needs(ManageRegisters), r#"{"name":"Matrix processor {n}"}"#).at("/api/v1/processors/{fresh-processor}"),
    api("DELETE", "/api/v1/processors/{id}", Needs(ManageRegisters), "").at("/api/v1/processors/{fresh-processor}"),
    api("GET", "/api/v1/processors/{id}/history", Needs(ReadRegisters), "").at("/api/v1/processors/{fresh-processor}/history"),
    api("GET", "/api/v1/processors/diff", Needs(ReadRegisters), "").at("/api/v1/processors/diff?from=2026-01-01"),
    api("GET", "/api/v1/sharing-agreements", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/sharing-agreements", Needs(ManageRegisters), r#"{"title":"Matrix agreement {n}","parties":["Borough council"],"purpose":"Safeguarding","lawful_basis":"public_task"}"#),
    api("GET", "/api/v1/sharing-agreements/{id}", Needs(ReadRegisters), "").at("/api/v1/sharing-agreements/{fresh-sharing-agreement}"),
    api("PUT", "/api/v1/sharing-agreements/{id}", Needs(ManageRegisters), r#"{"title":"Matrix agreement {n}","parties":["Borough council"],"purpose":"Safeguarding","lawful_basis":"public_task"}"#).at("/api/v1/sharing-agreements/{fresh-sharing-agreement}"),
    api("DELETE", "/api/v1/sharing-agreements/{id}", Needs(ManageRegisters), "").at("/api/v1/sharing-agreements/{fresh-sharing-agreement}"),
    api("GET", "/api/v1/sharing-agreements/{id}/history", Needs(ReadRegisters), "").at("/api/v1/sharing-agreements/{fresh-sharing-agreement}/history"),
    api("GET", "/api/v1/sharing-agreements/diff", Needs(ReadRegisters), "").at("/api/v1/sharing-agreements/diff?from=2026-01-01"),
    api("GET", "/api/v1/transfers", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/transfers", Needs(ManageRegisters), r#"{"destination_country":"FR","recipient":"Matrix recipient {n}","mechanism":"uk_adequacy"}"#),
    api("GET", "/api/v1/transfers/{id}", Needs(ReadRegisters), "").at("/api/v1/transfers/{fresh-transfer}"),
    api("PUT", "/api/v1/transfers/{id}", Needs(ManageRegisters), r#"{"destination_country":"FR","recipient":"Matrix recipient {n}","mechanism":"uk_adequacy"}"#).at("/api/v1/transfers/{fresh-transfer}"),
    api("DELETE", "/api/v1/transfers/{id}", Needs(ManageRegisters), "").at("/api/v1/transfers/{fresh-transfer}"),
    api("GET", "/api/v1/transfers/{id}/history", Needs(ReadRegisters), "").at("/api/v1/transfers/{fresh-transfer}/history"),
    api("GET", "/api/v1/transfers/diff", Needs(ReadRegisters), "").at("/api/v1/transfers/diff?from=2026-01-01"),
    api("GET", "/api/v1/notices", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/notices", Needs(ManageRegisters), r#"{"title":"Matrix notice {n}","version_label":"1","effective_on":"2026-01-01","text":"How we use your data."}"#),
    api("GET", "/api/v1/notices/{id}", Needs(ReadRegisters), "").at("/api/v1/notices/{fresh-notice}"),
    api("PUT", "/api/v1/notices/{id}", Needs(ManageRegisters), r#"{"title":"Matrix notice {n}","version_label":"1","effective_on":"2026-01-01","text":"How we use your data."}"#).at("/api/v1/notices/{fresh-notice}"),
    api("DELETE", "/api/v1/notices/{id}", Needs(ManageRegisters), "").at("/api/v1/notices/{fresh-notice}"),
    api("GET", "/api/v1/notices/{id}/history", Needs(ReadRegisters), "").at("/api/v1/notices/{fresh-notice}/history"),
    api("GET", "/api/v1/notices/diff", Needs(ReadRegisters), "").at("/api/v1/notices/diff?from=2026-01-01"),
    api("GET", "/api/v1/policies", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/policies", Needs(ManageRegisters), r#"{"title":"Matrix policy {n}"}"#),
    api("GET", "/api/v1/policies/{id}", Needs(ReadRegisters), "").at("/api/v1/policies/{fresh-policy}"),
    api("PUT", "/api/v1/policies/{id}", Needs(ManageRegisters), r#"{"title":"Matrix policy {n}"}"#).at("/api/v1/policies/{fresh-policy}"),
    api("DELETE", "/api/v1/policies/{id}", Needs(ManageRegisters), "").at("/api/v1/policies/{fresh-policy}"),
    api("GET", "/api/v1/policies/{id}/history", Needs(ReadRegisters), "").at("/api/v1/policies/{fresh-policy}/history"),
    api("GET", "/api/v1/policies/diff", Needs(ReadRegisters), "").at("/api/v1/policies/diff?from=2026-01-01"),
    api("GET", "/api/v1/training", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/training", Needs(ManageRegisters), r#"{"user_id":"{user}","course":"Matrix course {n}","completed_on":"2026-01-01"}"#),
    api("GET", "/api/v1/training/{id}", Needs(ReadRegisters), "").at("/api/v1/training/{fresh-training}"),
    api("PUT", "/api/v1/training/{id}", Needs(ManageRegisters), r#"{"user_id":"{user}","course":"Matrix course {n}","completed_on":"2026-01-01"}"#).at("/api/v1/training/{fresh-training}"),
    api("DELETE", "/api/v1/training/{id}", Needs(ManageRegisters), "").at("/api/v1/training/{fresh-training}"),
    api("GET", "/api/v1/training/{id}/history", Needs(ReadRegisters), "").at("/api/v1/training/{fresh-training}/history"),
    api("GET", "/api/v1/training/diff", Needs(ReadRegisters), "").at("/api/v1/training/diff?from=2026-01-01"),
    api("GET", "/api/v1/breaches", Needs(ReadIncidents), ""),
    api("POST", "/api/v1/breaches", Needs(ReportBreach), r#"{"summary":"Matrix breach {n}","aware_at":"2026-12-01T10:00:00Z"}"#),
    api("GET", "/api/v1/breaches/{id}", Needs(ReadIncidents), "").at("/api/v1/breaches/{fresh-breach}"),
    api("PUT", "/api/v1/breaches/{id}", Needs(ManageIncidents), r#"{"summary":"Matrix breach {n}","aware_at":"2026-12-01T10:00:00Z"}"#).at("/api/v1/breaches/{fresh-breach}"),
    api("DELETE", "/api/v1/breaches/{id}", Needs(ManageIncidents), "").at("/api/v1/breaches/{fresh-breach}"),
    api("GET", "/api/v1/breaches/{id}/history", Needs(ReadIncidents), "").at("/api/v1/breaches/{fresh-breach}/history"),
    api("GET", "/api/v1/breaches/diff", Needs(ReadIncidents), "").at("/api/v1/breaches/diff?from=2026-01-01"),
    api("GET", "/api/v1/breaches/{id}/ico-report", Needs(ReadIncidents), "").at("/api/v1/breaches/{fresh-breach}/ico-report"),
    api("GET", "/api/v1/disclosures", Needs(RecordDisclosures), ""),
    api("POST", "/api/v1/disclosures", Needs(RecordDisclosures), r#"{"requester_organisation":"Matrix Police {n}","request_summary":"Address","requested_at":"2026-12-01T10:00:00Z"}"#),
    api("GET", "/api/v1/disclosures/{id}", Needs(RecordDisclosures), "").at("/api/v1/disclosures/{fresh-disclosure}"),
    api("PUT", "/api/v1/disclosures/{id}", Needs(RecordDisclosures), r#"{"requester_organisation":"Matrix Police {n}","request_summary":"Address","requested_at":"2026-12-01T10:00:00Z"}"#).at("/api/v1/disclosures/{fresh-disclosure}"),
    api("DELETE", "/api/v1/disclosures/{id}", Needs(RecordDisclosures), "").at("/api/v1/disclosures/{fresh-disclosure}"),
    api("GET", "/api/v1/disclosures/{id}/history", Needs(RecordDisclosures), "").at("/api/v1/disclosures/{fresh-disclosure}/history"),
    api("GET", "/api/v1/disclosures/diff", Needs(RecordDisclosures), "").at("/api/v1/disclosures/diff?from=2026-01-01"),
    api("POST", "/api/v1/disclosures/{id}/approval", Needs(ManageIncidents), r#"{"outcome":"approved"}"#).at("/api/v1/disclosures/{fresh-ooh-disclosure}/approval"),
    api("GET", "/api/v1/dpias", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/dpias", Needs(ManageRegisters), r#"{"title":"Matrix DPIA {n}"}"#),
    api("GET", "/api/v1/dpias/{id}", Needs(ReadRegisters), "").at("/api/v1/dpias/{fresh-dpia}"),
    api("PUT", "/api/v1/dpias/{id}", Needs(ManageRegisters), r#"{"title":"Matrix DPIA {n}"}"#).at("/api/v1/dpias/{fresh-dpia}"),
    api("DELETE", "/api/v1/dpias/{id}", Needs(ManageRegisters), "").at("/api/v1/dpias/{fresh-dpia}"),
    api("GET", "/api/v1/dpias/{id}/history", Needs(ReadRegisters), "").at("/api/v1/dpias/{fresh-dpia}/history"),
    api("GET", "/api/v1/dpias/diff", Needs(ReadRegisters), "").at("/api/v1/dpias/diff?from=2026-01-01"),
    api("GET", "/api/v1/dpias/{id}/document", Needs(ReadRegisters), "").at("/api/v1/dpias/{fresh-dpia}/document"),
    api("GET", "/api/v1/settings", Needs(ReadStatistics), ""),
    api("PATCH", "/api/v1/settings", Needs(ManageSettings), r#"{"breach_internal_clock":{"hours":6}}"#),
    api("GET", "/api/v1/systems", Needs(ReadRegisters), ""),
    api("POST", "/api/v1/systems", Needs(ManageRegisters), r#"{"name":"Matrix system {n}","kind":"system"}"#),
    api("GET", "/api/v1/systems/{id}", Needs(ReadRegisters), "").at("/api/v1/systems/{fresh-system}"),
    api("PUT", "/api/v1/systems/{id}", Needs(ManageRegisters), r#"{"name":"Matrix renamed {n}","kind":"processor"}"#)
        .at("/api/v1/systems/{fresh-system}"),
    api("GET", "/api/v1/records", Needs(ReadRegisters), ""),
    api(
        "POST",
        "/api/v1/records",
        Needs(ManageRegisters),
        r#"{"record_type":"dbs-record","reference":"DBS-{n}","events":{"issued":"2025-02-01"}}"#,
    ),
    api("GET", "/api/v1/records/{id}", Needs(ReadRegisters), "").at("/api/v1/records/{fresh-record}"),
    api("PATCH", "/api/v1/records/{id}", Needs(ManageRegisters), r#"{"flags":["reference_consent"]}"#)
        .at("/api/v1/records/{fresh-record}"),
    api("GET", "/api/v1/retention/schedule", Needs(ReadRegisters), ""),
    api("PUT", "/api/v1/retention/schedule", Needs(ManageRetention), r#"{"toml":"version = 1"}"#),
    api("POST", "/api/v1/retention/schedule/check", SignedIn, r#"{"toml":"version = 1"}"#),
    api(
        "POST",
        "/api/v1/retention/schedule/template",
        Needs(ManageRetention),
        r#"{"template":"family-support-charity"}"#,
    ),
    api("GET", "/api/v1/retention/schedule/versions", Needs(ReadRegisters), ""),
    api("GET", "/api/v1/retention/templates", SignedIn, ""),
    api("GET", "/api/v1/disposals", Needs(ReadRegisters), "").at("/api/v1/disposals?due_before=2026-12-31"),
    api("GET", "/api/v1/disposals/{id}", Needs(ReadRegisters), "").at("/api/v1/disposals/{disposal}"),
    api("POST", "/api/v1/disposals/approve", Needs(ManageHolds), r#"{"month":"2000-01"}"#),
    api("POST", "/api/v1/disposals/{id}/assign", Needs(ManageRetention), r#"{"assignee":"Office manager"}"#)
        .at("/api/v1/disposals/{disposal}/assign"),
    api("POST", "/api/v1/disposals/{id}/confirm", Needs(ManageRegisters), r#"{"done_on":"2026-01-06"}"#)
        .at("/api/v1/disposals/{disposal}/confirm"),
    api("GET", "/api/v1/disposals/certificate", Needs(ReadRegisters), "")
        .at("/api/v1/disposals/certificate?from=2026-01-01&to=2026-01-31&format=csv"),
    // The records inventory: an import (an empty body is a 422 past the access check).
    api("POST", "/api/v1/records/import", Needs(ManageRegisters), "").at("/api/v1/records/import?dry_run=true"),
    api("GET", "/api/v1/holds", Needs(SubjectRead), ""),
    api(
        "POST",
        "/api/v1/holds",
        Needs(ManageHolds),
        r#"{"subject_id":"{fresh-subject}","reason":"Claim","approved_by":"Head of Legal"}"#,
    ),
    api("DELETE", "/api/v1/holds/{id}", Needs(ManageHolds), r#"{"reason":"Settled"}"#).at("/api/v1/holds/{fresh-hold}"),
    api("GET", "/api/v1/subjects/{id}/restriction", Needs(SubjectRead), "")
        .at("/api/v1/subjects/{subject}/restriction"),
    api("PUT", "/api/v1/subjects/{id}/restriction", Needs(SubjectUpdate), r#"{"ground":"accuracy_contested"}"#)
        .at("/api/v1/subjects/{fresh-subject}/restriction"),
    api("DELETE", "/api/v1/subjects/{id}/restriction", Needs(ManageHolds), r#"{"informed_on":"2026-01-06"}"#)
        .at("/api/v1/subjects/{fresh-restricted}/restriction"),
    api("GET", "/api/v1/suppression", Needs(CheckSuppression), "").at("/api/v1/suppression?phone=07700+900123"),
    api(
        "POST",
        "/api/v1/suppression",
        Needs(ManageSuppression),
        r#"{"emails":["matrix-{n}@example.org"],"reason":"objection_received"}"#,
    ),
    api("GET", "/api/v1/letters", Needs(SubjectRead), ""),
    api("PUT", "/api/v1/letters/{name}", Needs(ManageLetters), r#"{"text":"{{ reference }}"}"#)
        .at("/api/v1/letters/acknowledgement"),
    api("DELETE", "/api/v1/letters/{name}", Needs(ManageLetters), "").at("/api/v1/letters/acknowledgement"),
    api("POST", "/api/v1/requests/{id}/letters/{name}", Needs(SubjectRead), "")
        .at("/api/v1/requests/{request}/letters/acknowledgement"),
    api("GET", "/api/v1/statistics", Needs(ReadStatistics), "").at("/api/v1/statistics?year=2026"),
    api("GET", "/api/v1/compliance", Needs(ReadRegisters), ""),
    // Notes, documents, the exemptions catalogue and response packs.
    api("GET", "/api/v1/exemptions", SignedIn, ""),
    api("POST", "/api/v1/subjects/{id}/notes", Needs(SubjectUpdate), r#"{"text":"Called about repairs"}"#)
        .at("/api/v1/subjects/{subject}/notes"),
    api("GET", "/api/v1/subjects/{id}/notes", Needs(SubjectRead), "").at("/api/v1/subjects/{subject}/notes"),
    api("POST", "/api/v1/subjects/{id}/documents", Needs(SubjectUpdate), "{}")
        .at("/api/v1/subjects/{subject}/documents"),
    api("GET", "/api/v1/subjects/{id}/documents", Needs(SubjectRead), "").at("/api/v1/subjects/{subject}/documents"),
    api("GET", "/api/v1/subjects/{id}/documents/{doc}", Needs(SubjectRead), "")
        .at("/api/v1/subjects/{subject}/documents/{document}"),
    api("GET", "/api/v1/requests/{id}/pack-items", Needs(SubjectRead), "").at("/api/v1/requests/{request}/pack-items"),
    api("POST", "/api/v1/requests/{id}/scans", Needs(SubjectUpdate), "{}").at("/api/v1/requests/{request}/scans"),
    api("GET", "/api/v1/requests/{id}/scans", Needs(SubjectRead), "").at("/api/v1/requests/{request}/scans"),
    api("GET", "/api/v1/requests/{id}/scans/{scan}", Needs(SubjectRead), "")
        .at("/api/v1/requests/{scanned-request}/scans/{last-scan}"),
    api("POST", "/api/v1/requests/{id}/scans/{scan}/documents/{doc}", Needs(SubjectUpdate), r#"{"all":"accept"}"#)
        .at("/api/v1/requests/{scanned-request}/scans/{last-scan}/documents/{last-scan-doc}"),
    api(
        "POST",
        "/api/v1/requests/{id}/pack-items",
        Needs(SubjectUpdate),
        r#"{"item":"identity","treatment":"partly_withheld","exemption":"third_party","fields":["notes"]}"#,
    )
    .at("/api/v1/requests/{fresh-request}/pack-items"),
    api("DELETE", "/api/v1/requests/{id}/pack-items/{item}", Needs(SubjectUpdate), "")
        .at("/api/v1/requests/{reviewed-request}/pack-items/identity"),
    api("POST", "/api/v1/requests/{id}/pack", Needs(SubjectUpdate), "").at("/api/v1/requests/{fresh-request}/pack"),
    api("GET", "/api/v1/requests/{id}/packs", Needs(SubjectRead), "").at("/api/v1/requests/{request}/packs"),
    api("GET", "/api/v1/requests/{id}/packs/{pack}", Needs(SubjectRead), "")
        .at("/api/v1/requests/{request}/packs/{pack}"),
    // The consent ledger and the privacy notices each person received.
    api("POST", "/api/v1/consents", Needs(SubjectUpdate), CONSENT_JSON),
    api("GET", "/api/v1/consents", Needs(SubjectRead), "").at("/api/v1/consents?subject_id={subject}"),
    api("GET", "/api/v1/consents/{id}", Needs(SubjectRead), "").at("/api/v1/consents/{consent}"),
    api("POST", "/api/v1/consents/{id}/withdraw", Needs(SubjectUpdate), r#"{"on":"2026-01-06","method":"email"}"#)
        .at("/api/v1/consents/{fresh-consent}/withdraw"),
    api(
        "POST",
        "/api/v1/subjects/{id}/notices",
        Needs(SubjectUpdate),
        r#"{"notice_id":"{notice}","received_on":"2026-01-05","method":"post"}"#,
    )
    .at("/api/v1/subjects/{subject}/notices"),
    api("GET", "/api/v1/subjects/{id}/notices", Needs(SubjectRead), "").at("/api/v1/subjects/{subject}/notices"),
];

const CONSENT_JSON: &str = r#"{"subject_id":"{subject}","activity_id":"{consent-activity}","purpose":"Newsletter","given_on":"2026-01-05","method":"written","evidence":"Signed form in the tenancy file"}"#;
const CONSENT_FORM: &str = "consent-choice={consent-activity}%7CNewsletter&consent-given=5&consent-given-month=1\
    &consent-given-year=2026&consent-method=written&consent-evidence=Signed+form";
const WITHDRAW_FORM: &str = "withdraw-{last-consent}-on=6&withdraw-{last-consent}-on-month=1\
    &withdraw-{last-consent}-on-year=2026&withdraw-{last-consent}-method=email";
const NOTICE_FORM: &str =
    "receipt-notice={notice}&receipt-on=5&receipt-on-month=1&receipt-on-year=2026&receipt-method=post";

/// The columns: anonymous, then every role.
const WHO: [Option<Role>; 6] =
    [None, Some(Role::Admin), Some(Role::Dpo), Some(Role::Caseworker), Some(Role::Staff), Some(Role::Auditor)];

fn who_name(who: Option<Role>) -> &'static str {
    who.map_or("anonymous", Role::as_str)
}

/// The last column: the DPO (allowed everywhere) without the credential a route needs
/// beyond the cookie: a form without `_csrf` (403), or an API call with the session
/// cookie and no token (401: the API never accepts cookies, so it needs no CSRF check).
const FORGED: &str = "no _csrf/token";

// ---------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------

/// A role's way in: its user, its browser session (signed in through the form) and an API token.
struct Caller {
    role: Role,
    user_id: String,
    session: String,
    csrf: String,
    token: String,
}

/// The fixtures every row may name.
#[derive(Default)]
struct Fixtures {
    subject: String,
    other: String,
    user: String,
    token: String,
    submission: String,
    invite: String,
    request: String,
    /// An approved erasure request (its subject erased), assigned to the matrix's caseworker.
    erasure: String,
    /// An open rectification request about Jane Smith.
    rectification: String,
    /// A system on the register that holds only some people's data.
    system: String,
    document: String,
    pack: String,
    /// A family file in the records inventory (the family-support charity's schedule is in force).
    record: String,
    /// A disposal awaiting the DPO's approval (a financial record past its date).
    disposal: String,
    /// A processing activity with a purpose ("Newsletter") whose lawful basis is consent.
    consent_activity: String,
    /// A consent of Jane Smith's to it.
    consent: String,
    /// A privacy notice in effect since 2020.
    notice: String,
}

/// A response.
struct Resp {
    status: StatusCode,
    location: String,
    content_type: String,
    set_cookie: String,
    text: String,
}

impl Resp {
    fn json_error_code(&self) -> Option<String> {
        if !self.content_type.starts_with("application/json") {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(&self.text).ok()?;
        v["error"]["code"].as_str().map(str::to_string)
    }

    fn is_redirect_to_sign_in(&self) -> bool {
        self.status.is_redirection() && self.location.starts_with("/sign-in")
    }

    /// The status, with where a redirect goes: `303>/sign-in`.
    fn short(&self) -> String {
        if self.status.is_redirection() {
            let to = self.location.split('?').next().unwrap_or_default();
            let to = if to.chars().count() > 9 {
                format!("{}…", to.chars().take(8).collect::<String>())
            } else {
                to.into()
            };
            format!("{}>{to}", self.status.as_u16())
        } else {
            self.status.as_u16().to_string()
        }
    }
}

/// A fresh application behind the router. Fields drop in order: the router and app
/// first, then the runtime, then the temporary directory.
struct Env {
    router: axum::Router,
    app: Arc<App>,
    callers: Vec<Caller>,
    fx: Fixtures,
    counter: std::cell::Cell<u32>,
    /// The task made with the last `{fresh-erasure}`, for `{erasure-task}`.
    last_task: std::cell::RefCell<String>,
    /// The fixture a `fresh-…` placeholder made last, for the `last-…` one after it.
    last: std::cell::RefCell<String>,
    rt: tokio::runtime::Runtime,
    _db: Database,
}

fn csrf_of(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    html[start..].split('"').next().map(str::to_string)
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        Self::new(db)
    }
}

impl Env {
    /// An application with no users, for routes that need none.
    fn bare(db: Database) -> Self {
        let Web { router, app, rt } = Web::new(db.open_app());
        Self {
            router,
            app,
            callers: Vec::new(),
            fx: Fixtures::default(),
            counter: std::cell::Cell::new(0),
            last_task: std::cell::RefCell::new(String::new()),
            last: std::cell::RefCell::new(String::new()),
            rt,
            _db: db,
        }
    }

    /// An application with one user per role (each signed in once through the form, as
    /// hashing passwords is slow), an API token per role, and the fixtures.
    fn new(db: Database) -> Self {
        let mut env = Self::bare(db);
        let app = env.app.clone();
        let cli = Context::cli();
        app.set_two_factor_enforced(&cli, false).expect("two-factor off");
        // Hash the passwords in parallel: Argon2 is slow in a debug build.
        let people: Vec<(Role, String)> = std::thread::scope(|s| {
            let handles: Vec<_> = Role::ALL
                .iter()
                .map(|&role| {
                    let app = &app;
                    s.spawn(move || {
                        let email = format!("{role}@example.org");
                        let name = format!("Matrix {}", role.label());
                        let u = app.create_user_with_password(&Context::cli(), &email, &name, role, PASSWORD);
                        (role, u.expect("create user").id)
                    })
                })
                .collect();
            let sign_in_user = s.spawn(|| {
                app.create_user_with_password(
                    &Context::cli(),
                    "sign-in@example.org",
                    "Sid Signin",
                    Role::Staff,
                    PASSWORD,
                )
                .expect("create the sign-in user");
            });
            sign_in_user.join().expect("thread");
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        let sessions = env.sign_in_all(&people);
        assert_eq!(sessions.len(), people.len());
        for ((role, user_id), (session, csrf)) in people.into_iter().zip(sessions) {
            // Each role's token acts for that role's person (see `need_to_know_everywhere`
            // for tokens acting for nobody, and for people without the case).
            let email = format!("{role}@example.org");
            let (_, token) = app
                .create_token_for(&cli, Some(&email), Some(role), &format!("matrix {role}"), false)
                .expect("create token");
            env.callers.push(Caller { role, user_id, session, csrf, token });
        }
        env.fx = env.fixtures();
        env
    }

    fn fixtures(&self) -> Fixtures {
        let app = &self.app;
        let cli = Context::cli();
        let subject = self.new_subject("Jane", "Smith");
        let other = self.new_subject("John", "Smith");
        app.link_subjects(&cli, &subject, &other, LinkKind::Household).expect("link");
        let user = self.new_user(Role::Caseworker);
        let token = app.create_token(&cli, "fixture", Role::Auditor).expect("token").0.id;
        let input = PublicInput {
            kind: "request".into(),
            right: "access".into(),
            name: "Marguerite Okonkwo-Hale".into(),
            email: "m.okonkwo-hale@example.org".into(),
            on_behalf: "no".into(),
            details: "Please send me a copy of my tenancy file.".into(),
            form_token: self.form_token(),
            ..PublicInput::default()
        };
        app.submit(input, "fixture").expect("submit a request");
        let submission = app.list_submissions(&cli, 1).expect("inbox").items[0].id.clone();
        let caseworker = self.caller(Role::Caseworker).user_id.clone();
        app.assign_submission(&cli, &submission, Some(&caseworker)).expect("give the submission to the caseworker");
        let (_, invite) =
            app.invite_user(&cli, "invited@example.org", "Ivo Invited", Role::Caseworker).expect("invite");
        let request = self.new_request(&subject);
        let new_system = |name: &str, holds_all: bool| {
            let input: steward_app::erasure::NewSystem = serde_json::from_value(serde_json::json!({
                "name": name, "kind": "system", "holds_all_subjects": holds_all
            }))
            .expect("system input");
            app.create_system(&cli, input).expect("create system").id
        };
        new_system("Matrix shared drive", true);
        let system = new_system("Matrix case files", false);
        let erasure = self.new_erasure();
        let rectification = self.new_request_of(&subject, "rectification");
        let doc = steward_app::records::NewDocument {
            filename: "tenancy.pdf".into(),
            media_type: Some("application/pdf".into()),
            source: None,
            content: b"%PDF-1.4 fictional".to_vec(),
        };
        let document = app.add_document(&cli, &subject, doc).expect("document").id;
        let pack = app.build_pack(&cli, &request).expect("pack").id;
        app.use_schedule_template(&cli, "family-support-charity").expect("retention schedule");
        let record = self.new_record();
        let ledger: steward_app::retention::NewRecord = serde_json::from_value(serde_json::json!({
            "record_type": "financial-record", "reference": "Ledger 2015", "events": {"created": "2015-01-31"}
        }))
        .expect("record input");
        app.create_record(&cli, ledger).expect("record");
        app.run_disposal_sweep(&cli, steward_app::requests::uk_today()).expect("sweep");
        let disposal = app
            .disposals(&cli, &steward_app::disposal::DisposalQuery::default())
            .expect("disposals")
            .first()
            .expect("a disposal")
            .id
            .clone();
        let consent_activity = self.consent_activity();
        let consent = self.new_consent(&subject, &consent_activity);
        let notice: steward_core::register::notice::Notice = serde_json::from_value(serde_json::json!({
            "title": "Matrix privacy notice", "version_label": "1", "effective_on": "2020-01-01", "text": "How we use data."
        }))
        .expect("notice input");
        let notice = app.register_create(&cli, notice).expect("notice").id;
        Fixtures {
            consent_activity,
            consent,
            notice,
            subject,
            other,
            user,
            token,
            submission,
            invite,
            request,
            erasure,
            rectification,
            system,
            document,
            pack,
            record,
            disposal,
        }
    }

    /// An activity whose purpose "Newsletter" rests on consent.
    fn consent_activity(&self) -> String {
        let a: steward_core::register::activity::Activity = serde_json::from_value(serde_json::json!({
            "name": "Matrix newsletter",
            "purposes": [{"purpose": "Newsletter", "lawful_basis": "consent", "consent_purpose": "Newsletter"}]
        }))
        .expect("activity input");
        self.app.register_create(&Context::cli(), a).expect("activity").id
    }

    /// A consent of `subject` to the newsletter of `activity`, given on 5 January 2026.
    fn new_consent(&self, subject: &str, activity: &str) -> String {
        let c: steward_core::consent::NewConsent = serde_json::from_value(serde_json::json!({
            "subject_id": subject, "activity_id": activity, "purpose": "Newsletter", "given_on": "2026-01-05",
            "method": "written", "evidence": "Signed form"
        }))
        .expect("consent input");
        self.app.record_consent(&Context::cli(), c).expect("consent").id
    }

    /// A family file whose support ended on 5 January 2026.
    fn new_record(&self) -> String {
        let input = steward_app::retention::NewRecord {
            record_type: "family-file".into(),
            reference: format!("FS-2026-{:03}", self.next()),
            events: [("support_ended".to_string(), jiff::civil::date(2026, 1, 5))].into_iter().collect(),
            ..Default::default()
        };
        self.app.create_record(&Context::cli(), input).expect("create record").id
    }

    /// A rights request of `kind` about `subject`, received on 5 January 2026 and
    /// assigned to the matrix's caseworker.
    fn new_request_of(&self, subject: &str, kind: &str) -> String {
        let caseworker = self.callers.iter().find(|c| c.role == Role::Caseworker).map(|c| c.user_id.clone());
        let input: steward_app::requests::NewRequest = serde_json::from_value(serde_json::json!({
            "kind": kind, "received_on": "2026-01-05", "subject_id": subject, "channel": "email",
            "assigned_to": caseworker
        }))
        .expect("request input");
        self.app.create_request(&Context::cli(), input).expect("create request").id
    }

    /// An erasure request about a new subject, approved (so the subject is erased and a
    /// task made for each system holding everyone's data).
    fn new_erasure(&self) -> String {
        let subject = self.new_subject("Ella", "Erased");
        let id = self.new_request_of(&subject, "erasure");
        let decision: steward_core::request::RequestEvent =
            serde_json::from_value(serde_json::json!({"kind": "decision", "on": "2026-01-06", "outcome": "granted"}))
                .expect("decision");
        self.app.record_request_event(&Context::cli(), &id, decision).expect("approve erasure");
        id
    }

    fn next(&self) -> u32 {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        n
    }

    fn caller(&self, role: Role) -> &Caller {
        self.callers.iter().find(|c| c.role == role).expect("a caller per role")
    }

    fn form_token(&self) -> String {
        self.app.public_form_token_at(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(10))
    }

    /// A subject, assigned to the matrix's caseworker (need to know: caseworkers see only
    /// assigned subjects; `need_to_know` tests the unassigned case).
    fn new_subject(&self, given: &str, family: &str) -> String {
        let s = NewSubject { given_name: given.into(), family_name: family.into(), ..NewSubject::default() };
        let id = self.app.create_subject(&Context::cli(), s).expect("create subject").id;
        for c in self.callers.iter().filter(|c| c.role == Role::Caseworker) {
            self.app.assign_subject(&Context::cli(), &id, &c.user_id).expect("assign");
        }
        if !self.fx.user.is_empty() {
            self.app.assign_subject(&Context::cli(), &id, &self.fx.user).expect("assign the fixture caseworker");
        }
        id
    }

    /// A rights request about `subject`, received on 5 January 2026.
    fn new_request(&self, subject: &str) -> String {
        let input: steward_app::requests::NewRequest = serde_json::from_value(serde_json::json!({
            "kind": "access", "received_on": "2026-01-05", "subject_id": subject, "channel": "email"
        }))
        .expect("request input");
        self.app.create_request(&Context::cli(), input).expect("create request").id
    }

    /// A system on the register, with a unique name.
    /// A new entry of the versioned register at `path` (`activities`), made as the DPO's
    /// command line would.
    fn new_entry(&self, path: &str) -> String {
        use steward_core::register::{
            activity, breach, disclosure, dpia, notice, organisation, policy, processor, sharing, training, transfer,
        };
        let n = self.next();
        let cli = Context::cli();
        let app = &self.app;
        let v = |j: serde_json::Value| j;
        match path {
            "activities" => app.register_create::<activity::Activity>(&cli, serde_json::from_value(v(serde_json::json!({
                "name": format!("Matrix fixture activity {n}"),
                "purposes": [{"purpose": "Tenancy", "lawful_basis": "contract"}]}))).expect("input"))
                .expect("activity").id,
            "organisations" => app.register_create::<organisation::Organisation>(&cli, serde_json::from_value(
                serde_json::json!({"name": format!("Matrix fixture organisation {n}")})).expect("input"))
                .expect("organisation").id,
            "processors" => app.register_create::<processor::Processor>(&cli, serde_json::from_value(
                serde_json::json!({"name": format!("Matrix fixture processor {n}")})).expect("input"))
                .expect("processor").id,
            "sharing-agreements" => app.register_create::<sharing::SharingAgreement>(&cli, serde_json::from_value(
                serde_json::json!({"title": format!("Matrix fixture agreement {n}"), "parties": ["Borough council"],
                    "purpose": "Safeguarding", "lawful_basis": "public_task"})).expect("input"))
                .expect("agreement").id,
            "transfers" => app.register_create::<transfer::Transfer>(&cli, serde_json::from_value(
                serde_json::json!({"destination_country": "FR", "recipient": format!("Matrix fixture recipient {n}"),
                    "mechanism": "uk_adequacy"})).expect("input"))
                .expect("transfer").id,
            "notices" => app.register_create::<notice::Notice>(&cli, serde_json::from_value(
                serde_json::json!({"title": format!("Matrix fixture notice {n}"), "version_label": "1",
                    "effective_on": "2026-01-01", "text": "How we use your data."})).expect("input"))
                .expect("notice").id,
            "policies" => app.register_create::<policy::Policy>(&cli, serde_json::from_value(
                serde_json::json!({"title": format!("Matrix fixture policy {n}")})).expect("input"))
                .expect("policy").id,
            "training" => app.register_create::<training::Training>(&cli, serde_json::from_value(
                serde_json::json!({"user_id": self.fx.user, "course": format!("Matrix fixture course {n}"),
                    "completed_on": "2026-01-01"})).expect("input"))
                .expect("training").id,
            "breaches" => app.register_create::<breach::Breach>(&cli, serde_json::from_value(
                serde_json::json!({"summary": format!("Matrix fixture breach {n}"), "aware_at": "2026-12-01T10:00:00Z"}))
                .expect("input"))
                .expect("breach").id,
            "disclosures" => app.register_create::<disclosure::Disclosure>(&cli, serde_json::from_value(
                serde_json::json!({"requester_organisation": format!("Matrix fixture police {n}"),
                    "request_summary": "Address", "requested_at": "2026-12-01T10:00:00Z"})).expect("input"))
                .expect("disclosure").id,
            "ooh-disclosures" => app.register_create::<disclosure::Disclosure>(&cli, serde_json::from_value(
                serde_json::json!({"requester_organisation": format!("Matrix fixture police {n}"),
                    "request_summary": "Address", "requested_at": "2026-11-28T01:30:00Z", "basis": "crime_and_taxation",
                    "decision": "disclose", "justification": "Prejudice to the investigation", "decided_by": "On-call manager",
                    "decided_at": "2026-11-28T02:00:00Z"})).expect("input"))
                .expect("disclosure").id,
            "dpias" => app.register_create::<dpia::Dpia>(&cli, serde_json::from_value(
                serde_json::json!({"title": format!("Matrix fixture DPIA {n}")})).expect("input"))
                .expect("dpia").id,
            other => panic!("no register at {other}"),
        }
    }

    fn new_system(&self) -> String {
        let input = steward_app::erasure::NewSystem {
            name: format!("Matrix fixture system {}", self.next()),
            kind: steward_app::erasure::SystemKind::System,
            holds_all_subjects: false,
            contact: String::new(),
            notes: String::new(),
            retired: false,
            owner: String::new(),
            location: String::new(),
            hosting_country: String::new(),
            processor_id: String::new(),
            security_measures: String::new(),
        };
        self.app.create_system(&Context::cli(), input).expect("system").id
    }

    /// A user of `role`, stored directly (no password hashing).
    fn new_user(&self, role: Role) -> String {
        let n = self.next();
        crate::common::stored_user(&self.app, &format!("throwaway-{n}@example.org"), &format!("Throwaway {n}"), role)
    }

    /// A session of `user_id` at `stage`, stored directly: its cookie token and CSRF token.
    fn new_session(&self, user_id: &str, stage: &str) -> (String, String) {
        let token = steward_crypto::new_token().expect("token");
        let csrf = uuid::Uuid::new_v4().simple().to_string();
        let at = format_time(jiff::Timestamp::now());
        let row = SessionRow {
            token_hash: steward_crypto::token_hash(&token),
            user_id: user_id.into(),
            stage: stage.into(),
            csrf: csrf.clone(),
            created_at: at.clone(),
            last_seen_at: at,
            revoked_at: None,
        };
        self.app.store().insert_session(&row, None).expect("insert session");
        (token, csrf)
    }

    fn live(&self, session: &str) -> bool {
        self.app.session(session, "matrix").expect("session look-up").is_some()
    }

    /// Fill a placeholder.
    fn placeholder(&self, name: &str) -> String {
        let cli = Context::cli();
        match name {
            "subject" => self.fx.subject.clone(),
            "other" => self.fx.other.clone(),
            "user" => self.fx.user.clone(),
            "caseworker" => self.caller(Role::Caseworker).user_id.clone(),
            "token" => self.fx.token.clone(),
            "submission" => self.fx.submission.clone(),
            "invite" => self.fx.invite.clone(),
            "request" => self.fx.request.clone(),
            "document" => self.fx.document.clone(),
            "pack" => self.fx.pack.clone(),
            "record" => self.fx.record.clone(),
            "fresh-record" => self.new_record(),
            "disposal" => self.fx.disposal.clone(),
            "consent-activity" => self.fx.consent_activity.clone(),
            "consent" => self.fx.consent.clone(),
            "notice" => self.fx.notice.clone(),
            "fresh-consent" => {
                let id = self.new_consent(&self.fx.subject, &self.fx.consent_activity);
                self.last.replace(id.clone());
                id
            }
            "last-consent" => self.last.borrow().clone(),
            "reviewed-request" => {
                let id = self.new_request(&self.fx.subject);
                let d: steward_app::packs::PackDecision = serde_json::from_value(serde_json::json!({
                    "item": "identity", "treatment": "withheld", "exemption": "third_party"
                }))
                .expect("decision");
                self.app.set_pack_decision(&cli, &id, d).expect("decide");
                id
            }
            "fresh-request" => self.new_request(&self.fx.subject),
            "scanned-request" => {
                let id = self.new_request(&self.fx.subject);
                let input = steward_app::scans::NewScan {
                    system: "Housing shared mailbox".into(),
                    files: vec![steward_app::scans::ScanFile {
                        name: "letter.txt".into(),
                        bytes: b"Dear Jane Smith, your neighbour Omar Haddad called on 07700 900123.\n".to_vec(),
                    }],
                    ..Default::default()
                };
                let scan = self.app.run_request_scan(&cli, &id, input).expect("scan");
                let docs = self.app.store().scan_documents(&scan.id).expect("documents");
                self.last.replace(scan.id);
                self.last_task.replace(docs.first().expect("a document where Jane is found").id.clone());
                id
            }
            "last-scan" => self.last.borrow().clone(),
            "last-scan-doc" => self.last_task.borrow().clone(),
            "fresh-rectification" => {
                let input: steward_app::requests::NewRequest = serde_json::from_value(serde_json::json!({
                    "kind": "rectification", "received_on": "2026-01-05", "subject_id": self.fx.subject,
                    "channel": "email"
                }))
                .expect("request input");
                self.app.create_request(&cli, input).expect("create request").id
            }
            "fresh-system" => self.new_system(),
            "fresh-activity" => self.new_entry("activities"),
            "fresh-organisation" => self.new_entry("organisations"),
            "fresh-processor" => self.new_entry("processors"),
            "fresh-sharing-agreement" => self.new_entry("sharing-agreements"),
            "fresh-transfer" => self.new_entry("transfers"),
            "fresh-notice" => self.new_entry("notices"),
            "fresh-policy" => self.new_entry("policies"),
            "fresh-training" => self.new_entry("training"),
            "fresh-breach" => self.new_entry("breaches"),
            "fresh-disclosure" => self.new_entry("disclosures"),
            "fresh-ooh-disclosure" => self.new_entry("ooh-disclosures"),
            "fresh-dpia" => self.new_entry("dpias"),
            "erasure-task" => self.last_task.borrow().clone(),
            "erasure" => self.fx.erasure.clone(),
            "rectification" => self.fx.rectification.clone(),
            "system" => self.fx.system.clone(),
            "last-task" => {
                let request = self.last.borrow().clone();
                let tasks = self.app.erasure_tasks(&cli, &request).expect("tasks");
                tasks.first().expect("a task").id.clone()
            }
            "fresh-held" => {
                let id = self.new_subject("Hal", "Held");
                self.last.replace(id.clone());
                id
            }
            "last-hold" => {
                let input = steward_app::erasure::NewHold {
                    subject_id: Some(self.last.borrow().clone()),
                    reason: "Claim 2026/114".into(),
                    approved_by: "Head of Legal".into(),
                    ..Default::default()
                };
                self.app.place_hold(&cli, input).expect("hold").id
            }
            "fresh-erasure" => {
                let system = self.new_system();
                let subject = self.new_subject("Ezra", "Throwaway");
                let id = self.new_request_of(&subject, "erasure");
                let event: steward_core::request::RequestEvent = serde_json::from_value(
                    serde_json::json!({"kind": "decision", "on": "2026-01-06", "outcome": "granted"}),
                )
                .expect("event");
                self.app.record_request_event(&cli, &id, event).expect("approve erasure");
                self.app.add_erasure_task(&cli, &id, &system).expect("task");
                let tasks = self.app.erasure_tasks(&cli, &id).expect("tasks");
                let task = tasks.iter().find(|t| t.system_id == system).expect("the task");
                *self.last_task.borrow_mut() = task.id.clone();
                self.last.replace(id.clone());
                id
            }
            "fresh-hold" => {
                let subject = self.new_subject("Hana", "Throwaway");
                let hold = steward_app::erasure::NewHold {
                    subject_id: Some(subject),
                    reason: "Claim".into(),
                    approved_by: "Head of Legal".into(),
                    ..Default::default()
                };
                self.app.place_hold(&cli, hold).expect("hold").id
            }
            "fresh-restricted" => {
                let subject = self.new_subject("Rhea", "Throwaway");
                let ground = steward_app::erasure::RestrictionGround::AccuracyContested;
                self.app.restrict_subject(&cli, &subject, ground, None).expect("restrict");
                subject
            }
            "calendar" => {
                let dpo = self.caller(Role::Dpo);
                let ctx = Context::new(format!("user:{}", dpo.user_id), Role::Dpo, "matrix");
                self.app.create_calendar_feed(&ctx).expect("calendar feed")
            }
            "n" => self.next().to_string(),
            "form-token" => self.form_token(),
            "fresh-subject" => self.new_subject("Tom", "Throwaway"),
            "fresh-user" => self.new_user(Role::Caseworker),
            "fresh-dpo" => self.new_user(Role::Dpo),
            "fresh-token" => self.app.create_token(&cli, "throwaway", Role::Auditor).expect("token").0.id,
            "fresh-linked" => {
                let id = self.new_subject("Tess", "Throwaway");
                self.app.link_subjects(&cli, &self.fx.subject, &id, LinkKind::Household).expect("link");
                id
            }
            other => panic!("unknown placeholder {{{other}}}"),
        }
    }

    /// `path` and `body` with their placeholders filled (each once per call).
    fn resolve(&self, path: &str, body: &str) -> (String, String) {
        const NAMES: &[&str] = &[
            "calendar",
            "consent-activity",
            "fresh-consent",
            "last-consent",
            "consent",
            "notice",
            "record",
            "fresh-record",
            "disposal",
            "reviewed-request",
            "scanned-request",
            "last-scan",
            "last-scan-doc",
            "document",
            "pack",
            "request",
            "fresh-request",
            "fresh-rectification",
            "erasure",
            "rectification",
            "system",
            "fresh-erasure",
            "erasure-task",
            "last-task",
            "fresh-held",
            "last-hold",
            "fresh-system",
            "fresh-activity",
            "fresh-organisation",
            "fresh-processor",
            "fresh-sharing-agreement",
            "fresh-transfer",
            "fresh-notice",
            "fresh-policy",
            "fresh-training",
            "fresh-breach",
            "fresh-disclosure",
            "fresh-ooh-disclosure",
            "fresh-dpia",
            "fresh-hold",
            "fresh-restricted",
            "subject",
            "other",
            "user",
            "caseworker",
            "token",
            "submission",
            "invite",
            "n",
            "form-token",
            "fresh-subject",
            "fresh-user",
            "fresh-dpo",
            "fresh-token",
            "fresh-linked",
        ];
        let (mut path, mut body) = (path.to_string(), body.to_string());
        for name in NAMES {
            let key = format!("{{{name}}}");
            if path.contains(&key) || body.contains(&key) {
                let value = self.placeholder(name);
                path = path.replace(&key, &value);
                body = body.replace(&key, &value);
            }
        }
        assert!(!path.contains('{'), "unfilled placeholder in {path}");
        (path, body)
    }

    /// Send one request through the router, from an address of its own (so throttling
    /// by client never decides an answer).
    fn send(&self, mut req: Request<Body>) -> Resp {
        let [_, _, a, b] = self.next().to_be_bytes();
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([10, 77, a, b], 50_000))));
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("the router never fails");
            let status = resp.status();
            let text_of = |name: header::HeaderName| {
                resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
            };
            let location = text_of(header::LOCATION);
            let content_type = text_of(header::CONTENT_TYPE);
            let set_cookie = text_of(header::SET_COOKIE);
            let bytes = resp.into_body().collect().await.expect("read body").to_bytes();
            Resp { status, location, content_type, set_cookie, text: String::from_utf8_lossy(&bytes).into_owned() }
        })
    }

    fn request(
        &self,
        method: &str,
        uri: &str,
        cookie: Option<&str>,
        bearer: Option<&str>,
        content_type: Option<&str>,
        body: String,
    ) -> Resp {
        let mut b = Request::builder().method(Method::from_bytes(method.as_bytes()).expect("method")).uri(uri);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, format!("steward_session={c}"));
        }
        if let Some(t) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        self.send(b.body(Body::from(body)).expect("request"))
    }

    /// Sign everyone in through the form, then read each session's CSRF token from a page.
    fn sign_in_all(&self, people: &[(Role, String)]) -> Vec<(String, String)> {
        people
            .iter()
            .map(|(role, _)| {
                let body = serde_urlencoded::to_string([
                    ("email", format!("{role}@example.org").as_str()),
                    ("password", PASSWORD),
                ])
                .expect("encode");
                let r = self.request("POST", "/sign-in", None, None, Some("application/x-www-form-urlencoded"), body);
                assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, "/"), "{role} signs in");
                let session = Self::session_of(&r);
                let page = self.request("GET", "/account", Some(&session), None, None, String::new());
                assert_eq!(page.status, StatusCode::OK, "{role}'s account page");
                let csrf = csrf_of(&page.text).expect("a CSRF field on the account page");
                (session, csrf)
            })
            .collect()
    }

    /// The session token a response's `Set-Cookie` stores.
    fn session_of(r: &Resp) -> String {
        let pair = r.set_cookie.split(';').next().unwrap_or_default();
        pair.strip_prefix("steward_session=").filter(|t| !t.is_empty()).expect("a session cookie").to_string()
    }
}

// ---------------------------------------------------------------------------------
// Running a cell
// ---------------------------------------------------------------------------------

/// One cell of the matrix: what came back, and what was wrong with it.
struct Mark {
    text: String,
    problem: Option<String>,
}

impl Env {
    /// Call `route` as `who` (`forged`: without the `_csrf` field or, on the API, with
    /// the session cookie instead of a token). Returns the response and the sessions
    /// the call is about.
    fn call(&self, route: &Route, who: Option<Role>, forged: bool) -> (Resp, Vec<String>) {
        let (path, body) = self.resolve(route.path, route.body);
        if route.kind == Kind::Api {
            let ct = (!body.is_empty()).then_some("application/json");
            let (cookie, bearer) = match who.map(|r| self.caller(r)) {
                Some(c) if forged => (Some(c.session.as_str()), None),
                c => (None, c.map(|c| c.token.as_str())),
            };
            return (self.request(route.method, &path, cookie, bearer, ct, body), Vec::new());
        }
        let (session, csrf, ends) = match (who, route.session) {
            (None, _) => (None, String::new(), Vec::new()),
            (Some(role), Sess::Main) => {
                let c = self.caller(role);
                (Some(c.session.clone()), c.csrf.clone(), Vec::new())
            }
            (Some(role), Sess::Fresh) => {
                let (s, csrf) = self.new_session(&self.caller(role).user_id, "full");
                (Some(s.clone()), csrf, vec![s])
            }
            (Some(role), Sess::OwnUser) => {
                let user = self.new_user(role);
                let (s, csrf) = self.new_session(&user, "full");
                let (other, _) = self.new_session(&user, "full");
                (Some(s.clone()), csrf, vec![s, other])
            }
            (Some(role), Sess::Pending) => {
                let user = self.new_user(role);
                let (s, csrf) = self.new_session(&user, "totp");
                (Some(s), csrf, Vec::new())
            }
        };
        let body = match (route.kind, session.is_some() && !forged) {
            (Kind::Form, true) if body.is_empty() => format!("_csrf={csrf}"),
            (Kind::Form, true) => format!("_csrf={csrf}&{body}"),
            _ => body,
        };
        let ct = (route.method == "POST").then_some("application/x-www-form-urlencoded");
        (self.request(route.method, &path, session.as_deref(), None, ct, body), ends)
    }

    /// Call and judge one cell.
    fn cell(&self, route: &Route, who: Option<Role>) -> Mark {
        let (r, ends) = self.call(route, who, false);
        let mut problem = judge(route, who, &r);
        if problem.is_none()
            && let (Some(role), true) = (who, route.access.allows(who))
        {
            let ended = match route.after {
                After::Nothing => true,
                After::SessionEnded => !self.live(&ends[0]),
                After::AllSessionsEnded => ends.iter().all(|s| !self.live(s)),
            };
            if !ended {
                problem = Some(format!("{:?}: a session used is still live", route.after));
            } else if !self.live(&self.caller(role).session) {
                problem = Some(format!("the {role} main session was ended by this call"));
            }
        }
        if let Some(p) = &mut problem {
            let excerpt: String = r.text.chars().take(300).collect();
            p.push_str(&format!(" — got {} {:?}, body: {excerpt}", r.status, r.location));
        }
        Mark { text: r.short(), problem }
    }

    /// Call and judge the [`FORGED`] cell.
    fn forged_cell(&self, route: &Route) -> Mark {
        if route.kind == Kind::Page {
            return Mark { text: "-".into(), problem: None };
        }
        let (r, sessions) = self.call(route, Some(Role::Dpo), true);
        let unauthorised =
            r.status == StatusCode::UNAUTHORIZED && r.json_error_code().as_deref() == Some("unauthorised");
        let mut problem = match route.kind {
            _ if r.status.is_server_error() => Some("a server error"),
            Kind::Api if matches!(route.access, Public) => (r.status != StatusCode::OK).then_some("expected 200"),
            Kind::Api => (!unauthorised).then_some("an API call with a cookie and no token: expected 401 JSON"),
            _ => (r.status != StatusCode::FORBIDDEN).then_some("a form without _csrf: expected 403"),
        }
        .map(str::to_string);
        if problem.is_none() && !sessions.iter().all(|s| self.live(s)) {
            problem = Some("a refused form ended a session".into());
        }
        if let Some(p) = &mut problem {
            p.push_str(&format!(" — got {} {:?}", r.status, r.location));
        }
        Mark { text: r.short(), problem }
    }
}

/// What is wrong with `r` as the answer to `route` called by `who`, if anything.
fn judge(route: &Route, who: Option<Role>, r: &Resp) -> Option<String> {
    if r.status.is_server_error() {
        return Some("a server error".into());
    }
    let api = route.kind == Kind::Api;
    if route.access.allows(who) {
        return match route.expect {
            Expect::Redirect(to) if r.status != StatusCode::SEE_OTHER || r.location != to => {
                Some(format!("allowed: expected 303 to {to}"))
            }
            Expect::Redirect(_) => None,
            Expect::Through
                if matches!(
                    r.status,
                    StatusCode::UNAUTHORIZED
                        | StatusCode::FORBIDDEN
                        | StatusCode::NOT_FOUND
                        | StatusCode::METHOD_NOT_ALLOWED
                ) || r.is_redirect_to_sign_in() =>
            {
                Some("allowed: expected to get past access control".into())
            }
            Expect::Through => None,
        };
    }
    match (who, api) {
        (None, true)
            if r.status != StatusCode::UNAUTHORIZED || r.json_error_code().as_deref() != Some("unauthorised") =>
        {
            Some("anonymous API call: expected 401 JSON `unauthorised`".into())
        }
        (None, false) if r.status != StatusCode::SEE_OTHER || r.location != "/sign-in" => {
            Some("anonymous: expected 303 to /sign-in".into())
        }
        (Some(_), true) if r.status != StatusCode::FORBIDDEN || r.json_error_code().as_deref() != Some("forbidden") => {
            Some("denied API call: expected 403 JSON `forbidden`".into())
        }
        (Some(_), false) if r.status != StatusCode::FORBIDDEN || !r.content_type.starts_with("text/html") => {
            Some("denied: expected a 403 page".into())
        }
        _ => None,
    }
}

/// The matrix as a table, problems marked `!`, then each problem in full.
fn print_table(rows: &[(String, Vec<Mark>)]) {
    let width = rows.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(10);
    let mut out = format!("{:width$}", "route \\ caller");
    for name in WHO.map(who_name).iter().chain([&FORGED]) {
        out.push_str(&format!(" {name:>14}"));
    }
    out.push('\n');
    for (label, marks) in rows {
        out.push_str(&format!("{label:width$}"));
        for m in marks {
            let text = if m.problem.is_some() { format!("!{}", m.text) } else { m.text.clone() };
            out.push_str(&format!(" {text:>14}"));
        }
        out.push('\n');
    }
    eprintln!("\n{out}");
    for (label, marks) in rows {
        for (m, column) in marks.iter().zip(WHO.map(who_name).iter().chain([&FORGED])) {
            if let Some(p) = &m.problem {
                eprintln!("✗ {label} as {column}: {p}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------

on_both_backends!(role_route_access_matrix, need_to_know_everywhere);

/// Every route × every caller, then the special-category gate for every role.
fn role_route_access_matrix(env: &Env) {
    let started = std::time::Instant::now();
    let mut rows: Vec<(String, Vec<Mark>)> = Vec::new();
    for route in ROUTES {
        let mut marks: Vec<Mark> = WHO.iter().map(|&who| env.cell(route, who)).collect();
        marks.push(env.forged_cell(route));
        rows.push((route.label(), marks));
    }
    special_category_gate(env, &mut rows);
    let cells = rows.iter().flat_map(|(_, m)| m).filter(|m| m.text != "-").count();
    let failed = rows.iter().flat_map(|(_, m)| m).filter(|m| m.problem.is_some()).count();
    if failed > 0 || std::env::var_os("MATRIX_TABLE").is_some() {
        print_table(&rows);
    }
    eprintln!(
        "matrix: {} routes, {} rows, {cells} cells, {failed} failed, {:.1?}",
        ROUTES.len(),
        rows.len(),
        started.elapsed()
    );
    assert_eq!(failed, 0, "{failed} of {cells} cells of the access matrix are wrong (table above)");
}

/// What the subject page says when special-category data may be shown and none is recorded.
const SPECIAL_SHOWN: &str = "<h2 id=\"special-category\">Special-category data</h2>\n<p>None recorded.</p>";

/// `UserInfo::may_see_special_category` for every role, as their session sees it: never
/// without current training, never for roles without personal data, and for the DPO and
/// caseworkers once training runs into the future (and then the subject page says so).
fn special_category_gate(env: &Env, rows: &mut Vec<(String, Vec<Mark>)>) {
    let cli = Context::cli();
    let today = steward_app::public::uk_date(jiff::Timestamp::now());
    let yesterday = today.yesterday().expect("yesterday");
    let next_year = jiff::civil::date(today.year() + 1, today.month(), 1);
    let cases = [("none", None), ("expired", Some(yesterday)), ("next year", Some(next_year))];
    for (label, training) in cases {
        let mut marks = vec![Mark { text: "-".into(), problem: None }];
        let mut page_marks = vec![Mark { text: "-".into(), problem: None }];
        for who in &WHO[1..] {
            let c = env.caller(who.expect("a role"));
            env.app.set_user_training(&cli, &c.user_id, training).expect("set training");
            let info = env.app.session(&c.session, "matrix").expect("session").expect("live").user;
            let sees = info.may_see_special_category(today);
            let expected = training.is_some_and(|d| d >= today) && matches!(c.role, Role::Dpo | Role::Caseworker);
            let problem =
                (sees != expected).then(|| format!("may_see_special_category is {sees}, expected {expected}"));
            marks.push(Mark { text: if sees { "yes" } else { "no" }.into(), problem });
            // The subject page follows the gate.
            let uri = format!("/subjects/{}", env.fx.subject);
            let r = env.request("GET", &uri, Some(&c.session), None, None, String::new());
            let problem = if c.role.can(SubjectRead) {
                let shown = r.text.contains(SPECIAL_SHOWN);
                let hidden = r.text.contains("Hidden from you. Special-category data");
                (r.status != StatusCode::OK || shown != expected || hidden == expected)
                    .then(|| format!("subject page: {} shown={shown}, expected {expected}", r.status))
            } else {
                (r.status != StatusCode::FORBIDDEN).then(|| format!("subject page: {}, expected 403", r.status))
            };
            let text = match (r.status, r.text.contains(SPECIAL_SHOWN)) {
                (StatusCode::OK, true) => "shown".to_string(),
                (StatusCode::OK, false) => "hidden".to_string(),
                _ => r.short(),
            };
            page_marks.push(Mark { text, problem });
        }
        marks.push(Mark { text: "-".into(), problem: None });
        page_marks.push(Mark { text: "-".into(), problem: None });
        rows.push((format!("special category: training {label}"), marks));
        rows.push((format!("  subject page, training {label}"), page_marks));
    }
    for c in &env.callers {
        env.app.set_user_training(&cli, &c.user_id, None).expect("clear training");
    }
}

/// The Swagger UI under `/api/v1/docs` (mounted by `SwaggerUi`, not by `.route`, so
/// outside the matrix) needs no token, nor does the document it reads.
/// The fixtures that are, or lead to, a person's data: a route naming one of them is
/// subject-bearing, and need to know applies to it.
const SUBJECT_BEARING: &[&str] = &[
    "{subject}",
    "{consent}",
    "{fresh-consent}",
    "{other}",
    "{fresh-linked}",
    "{request}",
    "{fresh-request}",
    "{reviewed-request}",
    "{scanned-request}",
    "{rectification}",
    "{fresh-rectification}",
    "{erasure}",
    "{fresh-erasure}",
    "{document}",
    "{pack}",
    "{fresh-held}",
    "{fresh-restricted}",
    "{submission}",
];

/// Logging a request about someone names them by id and shows nothing of theirs (staff
/// may do it too); the request itself is then held to need to know like any other.
const LOGGING_A_REQUEST: &[(&str, &str)] =
    &[("GET", "/requests/new"), ("POST", "/requests"), ("POST", "/api/v1/requests")];

/// The role × route matrix's "subject not assigned" rows, with a token column: every
/// subject-bearing route a caseworker may call, called by a caseworker who has not been
/// given the case — signed in, through a token acting for them, and through a
/// caseworker token acting for the organisation — is refused (403, or 404 where the
/// route does not say whether the case exists), and never answers with the data. Routes
/// open to roles that never see personal data (certificates, hold lists) are left out:
/// they hold none.
fn need_to_know_everywhere(env: &Env) {
    let cli = Context::cli();
    // A caseworker nobody has given a case to, with a session and a token of their own.
    let outsider = env.new_user(Role::Caseworker);
    let (session, csrf) = env.new_session(&outsider, "full");
    let email = env.app.get_user(&cli, &outsider).expect("outsider").email;
    let (_, own_token) = env.app.create_token_for(&cli, Some(&email), None, "outsider", false).expect("token");
    let (_, org_token) =
        env.app.create_token_for(&cli, None, Some(Role::Caseworker), "organisation", false).expect("token");

    let mut rows: Vec<(String, Vec<Mark>)> = Vec::new();
    for route in ROUTES {
        let bearing = SUBJECT_BEARING.iter().any(|p| route.path.contains(p) || route.body.contains(p));
        let personal_only = [Role::Admin, Role::Auditor].iter().all(|r| !route.access.allows(Some(*r)));
        let logging = LOGGING_A_REQUEST.contains(&(route.method, route.route));
        if !bearing
            || logging
            || !personal_only
            || !route.access.allows(Some(Role::Caseworker))
            || route.session != Sess::Main
        {
            continue;
        }
        let mut marks = Vec::new();
        let callers: [(&str, Option<&str>); 3] =
            [("person", None), ("their token", Some(&own_token)), ("org token", Some(&org_token))];
        for (who, bearer) in callers {
            // People use the pages, tokens the API.
            if (route.kind == Kind::Api) == bearer.is_none() {
                marks.push(Mark { text: "-".into(), problem: None });
                continue;
            }
            let (path, body) = env.resolve(route.path, route.body);
            let r = match route.kind {
                Kind::Api => {
                    let ct = (!body.is_empty()).then_some("application/json");
                    env.request(route.method, &path, None, bearer, ct, body)
                }
                _ => {
                    let body = match route.kind {
                        Kind::Form if body.is_empty() => format!("_csrf={csrf}"),
                        Kind::Form => format!("_csrf={csrf}&{body}"),
                        _ => body,
                    };
                    let ct = (route.method == "POST").then_some("application/x-www-form-urlencoded");
                    env.request(route.method, &path, Some(&session), None, ct, body)
                }
            };
            let refused = matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
            let problem = (!refused).then(|| {
                let excerpt: String = r.text.chars().take(200).collect();
                format!("{who}: expected 403 or 404, got {} {:?}: {excerpt}", r.status, r.location)
            });
            marks.push(Mark { text: r.short(), problem });
        }
        rows.push((format!("not assigned: {}", route.label()), marks));
    }
    let failed: Vec<String> = rows
        .iter()
        .flat_map(|(label, marks)| {
            marks.iter().filter_map(move |m| m.problem.as_ref().map(|p| format!("{label}: {p}")))
        })
        .collect();
    eprintln!("need to know: {} subject-bearing routes × person, their token, organisation token", rows.len());
    assert!(rows.len() >= 40, "the subject-bearing routes were found ({})", rows.len());
    assert!(failed.is_empty(), "{} calls got past need to know:\n{}", failed.len(), failed.join("\n"));
}

/// The API's documentation pages read nothing from the database: SQLite only.
#[test]
fn api_docs_answer_publicly() {
    let env = Env::bare(Database::sqlite());
    let get = |uri: &str| env.request("GET", uri, None, None, None, String::new());
    let page = get("/api/v1/docs/");
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.content_type.starts_with("text/html"), "{}", page.content_type);
    for asset in ["/api/v1/docs/swagger-ui.css", "/api/v1/docs/swagger-initializer.js"] {
        assert_eq!(get(asset).status, StatusCode::OK, "{asset}");
    }
    let init = get("/api/v1/docs/swagger-initializer.js");
    assert!(init.text.contains("/api/v1/openapi.json"), "the UI reads the API's document: {}", init.text);
    let doc = get("/api/v1/openapi.json");
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.text.contains("\"openapi\""), "{}", doc.text);
    // Without the slash it redirects to the page.
    let bare = get("/api/v1/docs");
    assert!(bare.status.is_redirection(), "{} {}", bare.status, bare.location);
    assert_eq!(bare.location, "/api/v1/docs/");
}

// ---------------------------------------------------------------------------------
// Completeness: every declared route has a row
// ---------------------------------------------------------------------------------

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each `.route("path", …)` call in `text`: the path and the methods of its handlers
/// (`get(`, `post(`, `.patch(`, `.delete(`, `put(`, `any(`), found outside string literals.
/// The routes `register_api!` declares for each versioned register (`routes: (list,
/// item, history, diff)`), with the methods the macro gives each.
fn register_routes(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let methods = |m: &[&str]| m.iter().map(|m| m.to_string()).collect::<Vec<_>>();
    // The pages of every versioned register, made by `pages::<E>()` from its path.
    if text.contains("fn pages<E: Entry>()") {
        for kind in steward_core::register::entry::RegisterKind::ALL {
            let base = format!("/{}", kind.path());
            out.push((base.clone(), methods(&["GET", "POST"])));
            out.push((format!("{base}/new"), methods(&["GET"])));
            out.push((format!("{base}/{{id}}"), methods(&["GET", "POST"])));
            out.push((format!("{base}/{{id}}/edit"), methods(&["GET"])));
            out.push((format!("{base}/{{id}}/retire"), methods(&["POST"])));
        }
    }
    for decl in text.split("routes: (").skip(1) {
        let literals: Vec<&str> = decl.split(')').next().unwrap_or_default().split('"').skip(1).step_by(2).collect();
        if literals.len() != 4 || !literals.iter().all(|l| l.starts_with('/')) {
            continue;
        }
        out.push((literals[0].to_string(), methods(&["GET", "POST"])));
        out.push((literals[1].to_string(), methods(&["GET", "PUT", "DELETE"])));
        out.push((literals[2].to_string(), methods(&["GET"])));
        out.push((literals[3].to_string(), methods(&["GET"])));
    }
    out
}

fn route_calls(text: &str) -> Vec<(String, Vec<String>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(".route(") {
        let open = from + i + ".route".len();
        from = open + 1;
        let rest = text[open + 1..].trim_start();
        let Some(literal) = rest.strip_prefix('"') else { continue };
        let path = literal.split('"').next().unwrap_or_default().to_string();
        // The call's arguments up to the matching parenthesis, string contents blanked.
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut code = String::new();
        for &b in &bytes[open..] {
            if in_string {
                match (escaped, b) {
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => escaped = false,
                }
                code.push(' ');
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ => {}
            }
            code.push(if b.is_ascii() { char::from(b) } else { ' ' });
            if depth == 0 {
                break;
            }
        }
        let mut methods = Vec::new();
        for word in ["get", "post", "patch", "delete", "put", "any"] {
            let needle = format!("{word}(");
            let mut at = 0;
            while let Some(j) = code[at..].find(&needle) {
                let start = at + j;
                let before = code[..start].chars().next_back().unwrap_or(' ');
                if !(before.is_ascii_alphanumeric() || before == '_') {
                    methods.push(word.to_uppercase());
                }
                at = start + needle.len();
            }
        }
        out.push((path, methods));
    }
    out
}

/// Whether a requested path (query aside) is an instance of a declared route.
fn fits(path: &str, route: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (p, r): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), route.split('/').collect());
    p.len() == r.len() && p.iter().zip(&r).all(|(p, r)| (r.starts_with('{') && !p.is_empty()) || p == r)
}

#[test]
fn every_declared_route_has_a_matrix_row() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut declared = BTreeSet::new();
    let mut nests = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read source");
        // The API's routes are nested under /api/v1 (in one place), and nothing else is
        // nested. API routes live in files named `api…` or in folders named `api…`.
        for _ in 0..text.matches(".nest(").count() {
            nests.push((file.display().to_string(), text.contains(".nest(\"/api/v1\",")));
        }
        let relative = file.strip_prefix(&src).expect("under src");
        let is_api = relative.iter().any(|part| part.to_str().is_some_and(|p| p.starts_with("api")));
        let prefix = if is_api { "/api/v1" } else { "" };
        for (path, methods) in route_calls(&text).into_iter().chain(register_routes(&text)) {
            let full = format!("{prefix}{path}");
            if full.contains("{*") || full.starts_with("/api/v1/docs") {
                continue;
            }
            assert!(!methods.is_empty(), "no method found for {full} in {}", file.display());
            for m in methods {
                declared.insert((m, full.clone()));
            }
        }
    }
    assert!(
        nests.len() == 1 && nests[0].1,
        "exactly one .nest(…), of the API under /api/v1, is expected; teach this test the prefixes: {nests:?}"
    );
    assert!(declared.len() >= 60, "the parser found only {} routes: {declared:?}", declared.len());
    let rows: BTreeSet<(String, String)> = ROUTES.iter().map(|r| (r.method.to_string(), r.route.to_string())).collect();
    let missing: Vec<_> = declared.difference(&rows).collect();
    assert!(missing.is_empty(), "routes without a row in ROUTES: {missing:?}");
    let stale: Vec<_> = rows.difference(&declared).collect();
    assert!(stale.is_empty(), "rows in ROUTES for routes not declared: {stale:?}");
    let mut seen = BTreeSet::new();
    for r in ROUTES {
        assert!(fits(r.path, r.route), "{} does not fit {}", r.path, r.route);
        assert!(seen.insert((r.method, r.path, r.body)), "{} is listed twice", r.label());
    }
}
