//! The signed-in pages end to end: dashboard, subjects (search, add, view, change, link,
//! erase), audit log, settings and the requests inbox, driven in-process with `oneshot`
//! through the whole router on SQLite and PostgreSQL, signed in through the sign-in
//! form as each role.
//! All personal data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::sync::Arc;
use steward_app::public::PublicInput;
use steward_app::{App, Context};
use steward_core::Role;
use steward_core::audit::AuditRecord;
use steward_store::AuditFilter;
use steward_testkit::{Database, Fixture, Web, on_both_backends};
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";

on_both_backends!(
    dashboard_for_each_role,
    adding_a_subject_through_the_form,
    searching_never_puts_terms_in_addresses,
    a_subjects_page_is_audited_and_shows_the_training_hook,
    changing_a_subject,
    linking_two_people,
    erasing_a_subject,
    the_audit_log_filters_pages_and_verifies,
    settings_save_and_the_dashboard_tasks_go,
    settings_keep_the_address_for_the_audit_record,
    posts_without_the_csrf_token_are_refused,
    html_in_names_is_escaped_everywhere,
    the_requests_inbox,
    every_role_on_every_page,
    pages_carry_their_security_headers_and_the_session_cookie_its_attributes,
);

/// Someone signed in: their session cookie, the session's CSRF token, and their user id.
struct User {
    cookie: String,
    csrf: String,
    id: String,
}

struct Users {
    dpo: User,
    admin: User,
    caseworker: User,
    staff: User,
    auditor: User,
}

impl Users {
    fn all(&self) -> [(Role, &User); 5] {
        [
            (Role::Dpo, &self.dpo),
            (Role::Admin, &self.admin),
            (Role::Caseworker, &self.caseworker),
            (Role::Staff, &self.staff),
            (Role::Auditor, &self.auditor),
        ]
    }
}

/// A fresh application behind the whole router, with one signed-in user per role. The
/// router and app drop first, then the runtime, then the temporary directory.
struct Env {
    router: axum::Router,
    app: Arc<App>,
    users: Users,
    rt: tokio::runtime::Runtime,
    _db: Database,
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Resp {
    fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.text);
        self
    }

    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn has(&self, needle: &str) -> bool {
        self.text.contains(needle)
    }

    fn assert_has(&self, needle: &str) -> &Self {
        assert!(self.has(needle), "expected {needle:?} in: {}", self.text);
        self
    }

    fn assert_lacks(&self, needle: &str) -> &Self {
        assert!(!self.has(needle), "did not expect {needle:?} in: {}", self.text);
        self
    }
}

fn encode(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).expect("encode form")
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        Self::new(db)
    }
}

impl Env {
    fn new(db: Database) -> Self {
        let app = db.open_app();
        let ctx = Context::cli();
        app.set_two_factor_enforced(&ctx, false).expect("two-factor off");
        let people = [
            (Role::Dpo, "dpo@example.org", "Dana Okafor"),
            (Role::Admin, "admin@example.org", "Alex Moreno"),
            (Role::Caseworker, "case@example.org", "Casey Lin"),
            (Role::Staff, "staff@example.org", "Sam Patel"),
            (Role::Auditor, "audit@example.org", "Ade Brown"),
        ];
        let mut ids = Vec::new();
        for (role, email, name) in people {
            ids.push(app.create_user_with_password(&ctx, email, name, role, PASSWORD).expect("create user").id);
        }
        let Web { router, app, rt } = Web::new(app);
        let mut env = Self {
            router,
            app,
            users: Users {
                dpo: User { cookie: String::new(), csrf: String::new(), id: String::new() },
                admin: User { cookie: String::new(), csrf: String::new(), id: String::new() },
                caseworker: User { cookie: String::new(), csrf: String::new(), id: String::new() },
                staff: User { cookie: String::new(), csrf: String::new(), id: String::new() },
                auditor: User { cookie: String::new(), csrf: String::new(), id: String::new() },
            },
            rt,
            _db: db,
        };
        let signed: Vec<User> = people.iter().zip(&ids).map(|((_, email, _), id)| env.sign_in(email, id)).collect();
        let mut signed = signed.into_iter();
        env.users = Users {
            dpo: signed.next().expect("dpo"),
            admin: signed.next().expect("admin"),
            caseworker: signed.next().expect("caseworker"),
            staff: signed.next().expect("staff"),
            auditor: signed.next().expect("auditor"),
        };
        env
    }

    fn send(&self, req: Request<Body>) -> Resp {
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("the router never fails");
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.into_body().collect().await.expect("read body").to_bytes();
            Resp { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
        })
    }

    /// Post the sign-in form with `email` and the shared password, from a fresh browser.
    fn post_sign_in(&self, email: &str) -> Resp {
        let body = encode(&[("email", email), ("password", PASSWORD)]);
        self.send(
            Request::builder()
                .method(Method::POST)
                .uri("/sign-in")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request"),
        )
    }

    /// Sign in through the form and read the session's CSRF token from a page.
    fn sign_in(&self, email: &str, id: &str) -> User {
        let r = self.post_sign_in(email);
        r.assert_status(StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/", "signed straight in");
        let set_cookie = r.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("a session cookie");
        let cookie = set_cookie.split(';').next().expect("cookie pair").to_string();
        assert!(cookie.starts_with("steward_session="), "{cookie}");
        let mut user = User { cookie, csrf: String::new(), id: id.to_string() };
        let page = self.get(&user, "/account");
        page.assert_status(StatusCode::OK);
        user.csrf = csrf_of(&page.text);
        user
    }

    /// A fully signed-in session of `id`, stored directly (as after a second factor).
    fn full_session(&self, id: &str) -> User {
        let token = steward_crypto::new_token().expect("token");
        let at = steward_core::audit::format_time(jiff::Timestamp::now());
        let row = steward_store::SessionRow {
            token_hash: steward_crypto::token_hash(&token),
            user_id: id.into(),
            stage: "full".into(),
            csrf: "c".repeat(32),
            created_at: at.clone(),
            last_seen_at: at,
            revoked_at: None,
        };
        self.app.store().insert_session(&row, None).expect("session");
        User { cookie: format!("steward_session={token}"), csrf: "c".repeat(32), id: id.into() }
    }

    fn get(&self, user: &User, uri: &str) -> Resp {
        self.send(
            Request::builder()
                .method(Method::GET)
                .uri(uri)
                .header(header::COOKIE, &user.cookie)
                .body(Body::empty())
                .expect("request"),
        )
    }

    /// POST a form with the user's CSRF token added.
    fn post(&self, user: &User, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all = vec![("_csrf", user.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(user, uri, encode(&all))
    }

    fn post_raw(&self, user: &User, uri: &str, body: String) -> Resp {
        self.send(
            Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::COOKIE, &user.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request"),
        )
    }

    fn audit(&self, action: &str) -> Vec<AuditRecord> {
        let filter = AuditFilter { action: Some(action.into()), limit: 500, ..AuditFilter::default() };
        self.app.store().audit_entries(&filter).expect("audit entries")
    }

    /// Add a subject through the form as the DPO and return its id.
    fn add(&self, fields: &[(&str, &str)]) -> String {
        let r = self.post(&self.users.dpo, "/subjects", fields);
        r.assert_status(StatusCode::SEE_OTHER);
        let id = r
            .location()
            .strip_prefix("/subjects/")
            .and_then(|rest| rest.strip_suffix("?done=created"))
            .expect("redirected to the new subject")
            .to_string();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        id
    }

    fn jane(&self) -> String {
        self.add(&jane_fields())
    }
}

fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF field on the page") + marker.len();
    html[start..].split('"').next().expect("token").to_string()
}

fn jane_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("given_name", "Jane"),
        ("family_name", "Smith"),
        ("other_names", "Janey Smith\n"),
        ("date_of_birth", "31"),
        ("date_of_birth-month", "1"),
        ("date_of_birth-year", "1980"),
        ("emails", "jane@example.org"),
        ("phones", "07700 900123"),
        ("address-0-lines", "1 High Street\nIpswich"),
        ("address-0-postcode", "ip1 1aa"),
        ("ni_number", "AB 12 34 56 C"),
        ("nhs_number", "943 476 5919"),
        ("tenancy_number", "T-004512"),
        ("customer_number", ""),
        ("employee_number", ""),
        ("volunteer_number", ""),
        ("categories", "tenant"),
        ("categories", "volunteer"),
        ("notes", "Prefers letters."),
    ]
}

// ---------------------------------------------------------------------------------
// Dashboard
// ---------------------------------------------------------------------------------

fn dashboard_for_each_role(env: &Env) {
    let u = &env.users;
    env.jane();

    let dpo = env.get(&u.dpo, "/");
    dpo.assert_status(StatusCode::OK)
        .assert_has("<h2 id=\"attention-title\">What needs attention</h2>")
        .assert_has("href=\"/settings#org_name\"")
        .assert_has("href=\"/settings#dpo_name\"")
        .assert_has("href=\"/settings#region\"")
        .assert_has("Nobody uses two-factor sign-in yet")
        .assert_lacks("Invite a colleague")
        .assert_has("<caption id=\"subjects-caption\">People by category</caption>")
        .assert_has("<th scope=\"row\">Tenant</th><td class=\"numeric\">1</td>")
        .assert_has("Recent activity")
        .assert_has("Added a subject")
        .assert_has("Dana Okafor");
    // Attention comes first, then counts, then activity; headings in order.
    let (a, s, r) =
        (dpo.text.find("attention-title"), dpo.text.find("subjects-title"), dpo.text.find("activity-title"));
    assert!(a < s && s < r, "sections in order");
    assert!(dpo.text.find("<h1>") < a);
    // Activity shows who by name, never the raw user id.
    assert!(!dpo.has(&format!("user:{}", u.dpo.id)));

    env.get(&u.admin, "/")
        .assert_status(StatusCode::OK)
        .assert_has("href=\"/settings#org_name\"")
        .assert_has("href=\"/users\"")
        .assert_has("People by category")
        .assert_has("Recent activity")
        .assert_lacks("href=\"/subjects/new\"");

    env.get(&u.caseworker, "/")
        .assert_status(StatusCode::OK)
        .assert_lacks("/settings#")
        .assert_has("Nothing needs your attention right now.")
        .assert_has("People by category")
        .assert_lacks("Recent activity")
        .assert_has("href=\"/subjects/new\"");

    env.get(&u.staff, "/")
        .assert_status(StatusCode::OK)
        .assert_has("Nothing needs your attention right now.")
        .assert_lacks("People by category")
        .assert_lacks("Recent activity")
        .assert_lacks("href=\"/subjects\"")
        .assert_lacks("href=\"/inbox\"")
        .assert_has("href=\"/subjects/new\"");

    env.get(&u.auditor, "/")
        .assert_status(StatusCode::OK)
        .assert_lacks("/settings#")
        .assert_has("People by category")
        .assert_has("Recent activity")
        .assert_has("href=\"/audit\"")
        .assert_lacks("href=\"/subjects/new\"");

    // Nobody signed in: to the sign-in page.
    let r = env.send(Request::builder().uri("/").body(Body::empty()).expect("request"));
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/sign-in");
}

// ---------------------------------------------------------------------------------
// Subjects
// ---------------------------------------------------------------------------------

fn adding_a_subject_through_the_form(env: &Env) {
    let dpo = &env.users.dpo;
    env.get(dpo, "/subjects/new")
        .assert_status(StatusCode::OK)
        .assert_has("<label for=\"given_name\">")
        .assert_has("<label for=\"date_of_birth\">Day</label>")
        .assert_has("<label for=\"address-0-postcode\">Postcode</label>")
        .assert_has("id=\"categories\" name=\"categories\" value=\"tenant\"")
        .assert_has("<label for=\"categories-volunteer\">Volunteer</label>");

    let id = env.jane();
    let page = env.get(dpo, &format!("/subjects/{id}?done=created"));
    page.assert_status(StatusCode::OK)
        .assert_has("Subject added")
        .assert_has("<h1>Jane Smith</h1>")
        .assert_has("31 January 1980")
        .assert_has("jane@example.org")
        .assert_has("+447700900123")
        .assert_has("1 High Street\nIpswich\nIP1 1AA")
        .assert_has("AB123456C")
        .assert_has("943 476 5919")
        .assert_has("T-004512")
        .assert_has("Tenant, Volunteer")
        .assert_has("Prefers letters.")
        .assert_has("Janey Smith");

    // A second email that is not one: the summary links to the field, values are kept.
    let mut bad = jane_fields();
    bad.retain(|(k, _)| *k != "emails");
    bad.push(("emails", "jane.b@example.org\nnot-an-email"));
    let r = env.post(dpo, "/subjects", &bad);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("There is a problem")
        .assert_has("<a href=\"#emails\">Email address 2 is not an email address")
        .assert_has("id=\"emails-error\"")
        .assert_has("aria-invalid=\"true\"")
        .assert_has("value=\"Jane\"")
        .assert_has("jane.b@example.org\nnot-an-email</textarea>")
        .assert_has("value=\"tenant\" checked")
        .assert_has("<title>Error: Add a subject – Steward</title>");

    // A date that does not exist, a bad NHS number and a bad postcode.
    let mut bad = jane_fields();
    bad.retain(|(k, _)| *k != "date_of_birth");
    bad.push(("date_of_birth", "30"));
    bad.retain(|(k, _)| *k != "date_of_birth-month");
    bad.push(("date_of_birth-month", "2"));
    env.post(dpo, "/subjects", &bad)
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#date_of_birth\">Date of birth must be a real date");
    let mut bad = jane_fields();
    bad.retain(|(k, _)| *k != "nhs_number");
    bad.push(("nhs_number", "943 476 5918"));
    env.post(dpo, "/subjects", &bad)
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#nhs_number\">NHS number is not a valid NHS number")
        .assert_has("value=\"943 476 5918\"");
    let mut bad = jane_fields();
    bad.retain(|(k, _)| *k != "address-0-postcode");
    bad.push(("address-0-postcode", "not a postcode"));
    env.post(dpo, "/subjects", &bad)
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#address-0-postcode\">Postcode is not a UK postcode");
    // No name at all.
    env.post(dpo, "/subjects", &[("emails", "x@example.org")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#family_name\">A given name or a family name is required");

    // Staff may add people but not look at them afterwards.
    let r = env.post(&env.users.staff, "/subjects", &[("given_name", "Tom"), ("family_name", "Evans")]);
    r.assert_status(StatusCode::OK).assert_has("Subject added").assert_lacks("Evans");
    // The auditor may not add anyone.
    env.get(&env.users.auditor, "/subjects/new").assert_status(StatusCode::FORBIDDEN);
    env.post(&env.users.auditor, "/subjects", &[("given_name", "Tom")])
        .assert_status(StatusCode::FORBIDDEN)
        .assert_has("You cannot use this page");
}

fn searching_never_puts_terms_in_addresses(env: &Env) {
    let id = env.jane();
    let john = env.add(&[("given_name", "John"), ("family_name", "Smith"), ("emails", "john@example.org")]);
    let cw = &env.users.caseworker;
    for s in [&id, &john] {
        env.app.assign_subject(&Context::cli(), s, &cw.id).expect("assign");
    }

    let page = env.get(cw, "/subjects");
    page.assert_status(StatusCode::OK)
        .assert_has("<form method=\"post\" action=\"/subjects/search\"")
        .assert_has("<label for=\"q\">Name, email, phone, NI or NHS number, or reference</label>")
        .assert_has("href=\"/subjects/new\"");

    for (term, by) in [
        ("Jane Smith", "name"),
        ("jan", "name"),
        ("JANE@example.org", "email address"),
        ("943 476 5919", "NHS number"),
        ("AB123456C", "National Insurance number"),
        ("+44 7700 900123", "phone number"),
        ("t004512", "reference"),
    ] {
        let r = env.post(cw, "/subjects/search", &[("q", term)]);
        r.assert_status(StatusCode::OK)
            .assert_has(&format!("Searched by {by}."))
            .assert_has("1 person found")
            .assert_has(&format!("<a href=\"/subjects/{id}\">Jane Smith</a>"))
            .assert_has("31 January 1980")
            .assert_has("IP1 1AA")
            .assert_has("Tenant, Volunteer");
        assert!(r.location().is_empty(), "results are the answer to the POST, not a redirect");
        // No link on the page carries the term.
        assert!(!r.text.contains(&format!("?q={}", term)) && !r.text.contains("search?"), "term in a link");
    }
    let both = env.post(cw, "/subjects/search", &[("q", "Smith")]);
    both.assert_has("2 people found");

    // Surname and date of birth.
    env.post(
        cw,
        "/subjects/search",
        &[("surname", "smith"), ("search_dob", "31"), ("search_dob-month", "1"), ("search_dob-year", "1980")],
    )
    .assert_status(StatusCode::OK)
    .assert_has("Searched by surname and date of birth.")
    .assert_has("1 person found");
    env.post(cw, "/subjects/search", &[("surname", "smith")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#search_dob\">");
    env.post(cw, "/subjects/search", &[("q", "")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#q\">Enter a name");
    env.post(cw, "/subjects/search", &[("q", "Nobody Here")])
        .assert_status(StatusCode::OK)
        .assert_has("No one was found");
    // Nobody found by any reading: the first reading is the one reported.
    env.post(cw, "/subjects/search", &[("q", "401 023 2137")])
        .assert_status(StatusCode::OK)
        .assert_has("Searched by NHS number.")
        .assert_has("No one was found");
    env.post(cw, "/subjects/search", &[("q", "!!!")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#q\">The name needs at least one letter</a>")
        .assert_has("value=\"!!!\"");

    // The audit log holds the criterion and the ids found, never the terms.
    let searches = env.audit("subject.search");
    assert!(searches.len() >= 9);
    for s in &searches {
        for term in ["Jane", "jane", "943", "AB123456C", "7700", "004512", "smith"] {
            assert!(!s.event.detail.contains(term), "{}", s.event.detail);
        }
    }
    assert!(searches.iter().any(|s| s.event.detail.starts_with("criterion=nhs_number results=1")));

    // A GET of the search address goes back to the form; roles without access are refused.
    let r = env.get(cw, "/subjects/search");
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/subjects");
    for user in [&env.users.staff, &env.users.auditor, &env.users.admin] {
        env.post(user, "/subjects/search", &[("q", "Jane Smith")])
            .assert_status(StatusCode::FORBIDDEN)
            .assert_lacks("Jane");
        env.get(user, "/subjects").assert_status(StatusCode::FORBIDDEN);
    }
}

fn a_subjects_page_is_audited_and_shows_the_training_hook(env: &Env) {
    let id = env.jane();
    // Need to know: the caseworker sees Jane only once the DPO assigns her.
    env.get(&env.users.caseworker, &format!("/subjects/{id}")).assert_status(StatusCode::FORBIDDEN);
    env.app.assign_subject(&Context::cli(), &id, &env.users.caseworker.id).expect("assign");
    let before = env.audit("subject.view").len();
    let page = env.get(&env.users.caseworker, &format!("/subjects/{id}"));
    page.assert_status(StatusCode::OK)
        .assert_has("Viewing this page is recorded in the audit log")
        .assert_has("Hidden from you. Special-category data")
        .assert_has(&format!("href=\"/subjects/{id}/edit\""))
        .assert_lacks(&format!("href=\"/subjects/{id}/erase\""));
    let views = env.audit("subject.view");
    assert_eq!(views.len(), before + 1);
    assert_eq!(views[0].event.object_id, id);
    assert_eq!(views[0].event.actor, format!("user:{}", env.users.caseworker.id));
    // Without current training the form has no special-category boxes either.
    env.get(&env.users.caseworker, &format!("/subjects/{id}/edit")).assert_lacks("special_category-health");

    // With current training the hidden line goes.
    let future = jiff::civil::date(2099, 1, 1);
    env.app.set_user_training(&Context::cli(), &env.users.caseworker.id, Some(future)).expect("training");
    env.get(&env.users.caseworker, &format!("/subjects/{id}"))
        .assert_lacks("Hidden from you")
        .assert_has("<h2 id=\"special-category\">Special-category data</h2>\n<p>None recorded.</p>");

    // A trained caseworker records special-category data on the form; seeing it is
    // audited on its own, and someone without training still does not see it.
    let mut fields = jane_fields();
    fields.push(("special_category-health", "Uses a wheelchair; diabetic"));
    fields.push(("special_category-religious_or_philosophical_beliefs", "Methodist"));
    let r = env.post(&env.users.caseworker, &format!("/subjects/{id}/edit"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(env.audit("subject.update")[0].event.detail, "fields=special_category");
    let seen = env.audit("subject.view_special_category").len();
    env.get(&env.users.caseworker, &format!("/subjects/{id}"))
        .assert_has("<dt>Health</dt><dd>Uses a wheelchair; diabetic</dd>")
        .assert_has("<dt>Religious or philosophical beliefs</dt><dd>Methodist</dd>")
        .assert_has("Seeing this section is recorded in the audit log on its own");
    assert_eq!(env.audit("subject.view_special_category").len(), seen + 1);
    env.get(&env.users.caseworker, &format!("/subjects/{id}/edit"))
        .assert_has("Uses a wheelchair; diabetic</textarea>");
    env.get(&env.users.dpo, &format!("/subjects/{id}")).assert_lacks("diabetic").assert_has("Hidden from you");
    // Saving the form without the boxes (an untrained DPO) keeps what is recorded.
    let r = env.post(&env.users.dpo, &format!("/subjects/{id}/edit"), &jane_fields());
    assert_eq!(r.location(), format!("/subjects/{id}?done=unchanged"));
    env.get(&env.users.caseworker, &format!("/subjects/{id}")).assert_has("diabetic");

    // The DPO may erase; other roles without reading rights are refused, not failed.
    env.get(&env.users.dpo, &format!("/subjects/{id}")).assert_has(&format!("href=\"/subjects/{id}/erase\""));
    for user in [&env.users.staff, &env.users.auditor, &env.users.admin] {
        env.get(user, &format!("/subjects/{id}")).assert_status(StatusCode::FORBIDDEN).assert_lacks("Jane");
    }
    env.get(&env.users.dpo, "/subjects/00000000-0000-0000-0000-000000000000")
        .assert_status(StatusCode::NOT_FOUND)
        .assert_has("Page not found");
    env.get(&env.users.dpo, "/subjects/not-an-id/edit").assert_status(StatusCode::NOT_FOUND);
    env.get(&env.users.dpo, "/subjects/not-an-id/erase").assert_status(StatusCode::NOT_FOUND);
}

fn changing_a_subject(env: &Env) {
    let id = env.jane();
    let cw = &env.users.caseworker;
    env.app.assign_subject(&Context::cli(), &id, &cw.id).expect("assign");
    let form = env.get(cw, &format!("/subjects/{id}/edit"));
    form.assert_status(StatusCode::OK)
        .assert_has("Change Jane Smith&#39;s details")
        .assert_has("value=\"Jane\"")
        .assert_has("value=\"1980\"")
        .assert_has("jane@example.org</textarea>")
        .assert_has("value=\"IP1 1AA\"")
        .assert_has("id=\"address-1-lines\"")
        .assert_has("value=\"tenant\" checked");

    // Change one field: only it is recorded as changed.
    let mut fields = jane_fields();
    fields.retain(|(k, _)| *k != "family_name");
    fields.push(("family_name", "Smith-Jones"));
    let r = env.post(cw, &format!("/subjects/{id}/edit"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/subjects/{id}?done=saved"));
    let updates = env.audit("subject.update");
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].event.detail, "fields=family_name");
    env.get(cw, r.location()).assert_has("Changes saved").assert_has("<h1>Jane Smith-Jones</h1>");

    // Sending it again changes nothing.
    let r = env.post(cw, &format!("/subjects/{id}/edit"), &fields);
    assert_eq!(r.location(), format!("/subjects/{id}?done=unchanged"));
    assert_eq!(env.audit("subject.update").len(), 1);

    // Clearing the notes and unticking a category.
    fields.retain(|(k, v)| *k != "notes" && *v != "volunteer");
    let r = env.post(cw, &format!("/subjects/{id}/edit"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(env.audit("subject.update")[0].event.detail, "fields=categories,notes");

    // A bad phone number: back to the form with the problem.
    fields.retain(|(k, _)| *k != "phones");
    fields.push(("phones", "07700 900123\n12"));
    env.post(cw, &format!("/subjects/{id}/edit"), &fields)
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#phones\">Phone number 2 is not a phone number")
        .assert_has("07700 900123\n12</textarea>");

    // Roles that may not change subjects are refused.
    for user in [&env.users.staff, &env.users.auditor, &env.users.admin] {
        env.get(user, &format!("/subjects/{id}/edit")).assert_status(StatusCode::FORBIDDEN);
        env.post(user, &format!("/subjects/{id}/edit"), &fields).assert_status(StatusCode::FORBIDDEN);
    }
}

fn linking_two_people(env: &Env) {
    let parent = env.jane();
    let child = env.add(&[("given_name", "Lily"), ("family_name", "Smith"), ("categories", "child")]);
    let dpo = &env.users.dpo;
    let page = env.get(dpo, &format!("/subjects/{parent}"));
    page.assert_has("No one is linked to Jane Smith.").assert_has("<label for=\"other_id\">");

    let r = env.post(dpo, &format!("/subjects/{parent}/links"), &[("other_id", &child), ("kind", "parent")]);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/subjects/{parent}?done=linked"));
    env.get(dpo, r.location())
        .assert_has("Link added")
        .assert_has(&format!("Their child: <a href=\"/subjects/{child}\">Lily Smith</a>"));
    env.get(dpo, &format!("/subjects/{child}"))
        .assert_has(&format!("Their parent: <a href=\"/subjects/{parent}\">Jane Smith</a>"));
    // Seeing the linked person's name is audited on that person.
    let names = env.audit("subject.view_name");
    assert!(names.iter().any(|e| e.event.object_id == child && e.event.detail == format!("via=link from={parent}")));

    // Problems are shown on the page, against the field.
    env.post(
        dpo,
        &format!("/subjects/{parent}/links"),
        &[("other_id", "00000000-0000-0000-0000-000000000000"), ("kind", "household")],
    )
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_has("<a href=\"#other_id\">There is no subject with that id</a>");
    env.post(dpo, &format!("/subjects/{parent}/links"), &[("other_id", &parent), ("kind", "household")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("cannot be linked to themselves");
    env.post(dpo, &format!("/subjects/{parent}/links"), &[("other_id", &child)])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#kind\">Choose how they are linked</a>");
    env.post(&env.users.auditor, &format!("/subjects/{parent}/links"), &[("other_id", &child), ("kind", "parent")])
        .assert_status(StatusCode::FORBIDDEN);
}

fn erasing_a_subject(env: &Env) {
    let id = env.jane();
    let other = env.add(&[("given_name", "Lily"), ("family_name", "Smith")]);
    let dpo = &env.users.dpo;
    env.post(dpo, &format!("/subjects/{id}/links"), &[("other_id", &other), ("kind", "household")])
        .assert_status(StatusCode::SEE_OTHER);

    let confirm = env.get(dpo, &format!("/subjects/{id}/erase"));
    confirm
        .assert_status(StatusCode::OK)
        .assert_has("<h1>Erase Jane Smith permanently</h1>")
        .assert_has("look-up entries")
        .assert_has("1 link to other people")
        .assert_has("bytes of encrypted data")
        .assert_has("Right to erasure request (UK GDPR Art 17)")
        .assert_has("<label for=\"request_ref\">")
        .assert_has("<button type=\"submit\" class=\"button button--warning\">Erase permanently</button>");

    // No reason chosen: asked again.
    env.post(dpo, &format!("/subjects/{id}/erase"), &[("request_ref", "SR-2026-4F7K9Q")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#reason\">Choose why")
        .assert_has("value=\"SR-2026-4F7K9Q\"");
    // A reference that looks like a name is refused.
    env.post(dpo, &format!("/subjects/{id}/erase"), &[("reason", "erasure_request"), ("request_ref", "Jane Smith")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#request_ref\">Request reference must be a reference");
    // Only the DPO may erase.
    for user in [&env.users.caseworker, &env.users.staff, &env.users.auditor, &env.users.admin] {
        env.get(user, &format!("/subjects/{id}/erase")).assert_status(StatusCode::FORBIDDEN);
        env.post(user, &format!("/subjects/{id}/erase"), &[("reason", "erasure_request")])
            .assert_status(StatusCode::FORBIDDEN);
    }

    let done = env.post(
        dpo,
        &format!("/subjects/{id}/erase"),
        &[("reason", "erasure_request"), ("request_ref", "SR-2026-4F7K9Q")],
    );
    done.assert_status(StatusCode::OK)
        .assert_has("Personal data erased")
        .assert_has(&id)
        .assert_has("Right to erasure request (UK GDPR Art 17)")
        .assert_has("Dana Okafor")
        .assert_has("SR-2026-4F7K9Q")
        .assert_lacks("Jane");
    assert_eq!(env.audit("subject.erase").len(), 1);

    let gone = env.get(dpo, &format!("/subjects/{id}"));
    gone.assert_status(StatusCode::GONE).assert_has("This person's data was erased on").assert_lacks("Jane");
    env.get(dpo, &format!("/subjects/{id}/erase")).assert_status(StatusCode::GONE);
    env.get(dpo, &format!("/subjects/{id}/edit")).assert_status(StatusCode::GONE);
    env.post(dpo, &format!("/subjects/{id}/erase"), &[("reason", "erasure_request")]).assert_status(StatusCode::GONE);
    // The link went with them.
    env.get(dpo, &format!("/subjects/{other}")).assert_has("No one is linked to Lily Smith.");
}

// ---------------------------------------------------------------------------------
// Audit log
// ---------------------------------------------------------------------------------

fn the_audit_log_filters_pages_and_verifies(env: &Env) {
    let id = env.jane();
    for _ in 0..3 {
        env.get(&env.users.dpo, &format!("/subjects/{id}")).assert_status(StatusCode::OK);
    }
    let auditor = &env.users.auditor;
    let page = env.get(auditor, "/audit");
    page.assert_status(StatusCode::OK)
        .assert_has("<h1>Audit log</h1>")
        .assert_has("newest first</caption>")
        .assert_has("<th scope=\"col\">When</th>")
        .assert_has("Viewed a subject")
        .assert_has("Dana Okafor")
        .assert_has("<label for=\"actor\">Who</label>")
        .assert_has("<form method=\"post\" action=\"/audit/verify\">")
        // The auditor may not open subjects, so ids are not links for them.
        .assert_lacks(&format!("href=\"/subjects/{id}\""));

    let filtered = env.get(auditor, &format!("/audit?action=subject.view&object_id={id}"));
    filtered.assert_status(StatusCode::OK).assert_has("matching the filters").assert_has("Clear filters");
    assert_eq!(filtered.text.matches("<td>Viewed a subject</td>").count(), 3);
    assert!(!filtered.has("<td>Added a subject</td>"));
    let by_actor = env.get(auditor, &format!("/audit?actor=user:{}&action=subject.create", env.users.dpo.id));
    assert_eq!(by_actor.text.matches("<td>Added a subject</td>").count(), 1);
    let today = jiff::Zoned::now().date();
    let dated = env.get(auditor, &format!("/audit?from={today}&to={today}&action=subject.view"));
    assert_eq!(dated.text.matches("<td>Viewed a subject</td>").count(), 3);
    let past = env.get(auditor, "/audit?from=2001-01-01&to=2001-01-02");
    past.assert_status(StatusCode::OK).assert_has("No entries match these filters.");
    env.get(auditor, "/audit?from=2026-02-30")
        .assert_status(StatusCode::BAD_REQUEST)
        .assert_has("<a href=\"#from\">Enter a real date");
    env.get(auditor, "/audit?before=abc").assert_status(StatusCode::BAD_REQUEST);

    // Paging: more than a page of entries.
    for _ in 0..60 {
        env.app.get_subject(&Context::cli(), &id).expect("view");
    }
    let first = env.get(auditor, "/audit");
    let older =
        first.text.split("<a href=\"/audit?before=").nth(1).expect("an older page").split('"').next().expect("seq");
    let seq: i64 = older.parse().expect("a number");
    let second = env.get(auditor, &format!("/audit?before={seq}"));
    second.assert_status(StatusCode::OK).assert_has("Newest entries");
    assert!(second.has(&format!("<td>{}</td>", seq - 1)));
    assert!(!second.has(&format!("<td>{seq}</td>")));

    // Verify: the page shows the head as it was checked, before its own entry.
    let (count, head) = env.app.store().audit_head().expect("head");
    let r = env.post(auditor, "/audit/verify", &[]);
    r.assert_status(StatusCode::OK)
        .assert_has("The audit log is intact")
        .assert_has("entries were checked")
        .assert_has("head hash");
    assert!(r.has(&head), "shows the head hash");
    assert!(count > 60);
    assert_eq!(env.audit("audit.verify").len(), 1);

    // Roles without the audit log are refused, and the refusal itself is recorded.
    for user in [&env.users.caseworker, &env.users.staff] {
        env.get(user, "/audit").assert_status(StatusCode::FORBIDDEN);
        env.post(user, "/audit/verify", &[]).assert_status(StatusCode::FORBIDDEN);
    }
    assert!(!env.audit("audit.denied_audit_read").is_empty());
    // …under a readable name, shown in plain English.
    env.get(auditor, "/audit?action=audit.denied_audit_read")
        .assert_status(StatusCode::OK)
        .assert_has("Was refused: tried to read the audit log");
    env.get(&env.users.admin, "/audit").assert_status(StatusCode::OK);
    env.get(&env.users.dpo, "/audit").assert_status(StatusCode::OK).assert_has(&format!("href=\"/subjects/{id}\""));
}

// ---------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------

fn settings_save_and_the_dashboard_tasks_go(env: &Env) {
    let admin = &env.users.admin;
    let page = env.get(admin, "/settings");
    page.assert_status(StatusCode::OK)
        .assert_has("<label for=\"org_name\">Organisation name</label>")
        .assert_has("id=\"region\" name=\"region\" value=\"england-and-wales\"")
        .assert_has("<label for=\"dpo_email\">Email address</label>")
        .assert_has("<label for=\"require_2fa\">Require two-factor sign-in for everyone</label>")
        .assert_lacks("checked");

    // Problems: every one listed, values kept.
    let r =
        env.post(admin, "/settings", &[("org_name", ""), ("dpo_name", "Priya Shah"), ("dpo_email", "not an email")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#org_name\">Enter your organisation&#39;s name</a>")
        .assert_has("<a href=\"#region\">Choose which part of the UK")
        .assert_has("<a href=\"#dpo_email\">Data protection officer&#39;s email address is not an email address")
        .assert_has("value=\"Priya Shah\"")
        .assert_has("value=\"not an email\"");
    assert!(env.audit("settings.update").iter().all(|e| !e.event.detail.contains("dpo_")));

    let r = env.post(
        admin,
        "/settings",
        &[
            ("org_name", "Riverside Housing Association"),
            ("region", "scotland"),
            ("dpo_name", "Priya Shah"),
            ("dpo_email", "DPO@Riverside.example"),
            ("require_2fa", "yes"),
        ],
    );
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/settings?saved=1");
    let org = env.app.org_settings().expect("settings");
    assert_eq!(org.org_name, "Riverside Housing Association");
    assert_eq!(org.region, steward_core::Region::Scotland);
    assert!(org.region_confirmed);
    assert_eq!(org.dpo_name.as_deref(), Some("Priya Shah"));
    assert_eq!(org.dpo_email.as_deref(), Some("dpo@riverside.example"));
    assert!(env.app.two_factor_enforced().expect("2fa"));
    // Audited with field names, never values.
    for e in env.audit("settings.update") {
        assert!(!e.event.detail.contains("Priya") && !e.event.detail.contains("riverside"), "{}", e.event.detail);
    }

    // Two-factor is now compulsory: the administrator, who has not set it up, is sent
    // to set it up before anything else.
    let r = env.get(admin, "/settings?saved=1");
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/sign-in/two-factor");
    // Once they have (recorded here directly), a session that passed it carries on.
    let mut row = env.app.store().user(&admin.id).expect("read").expect("admin");
    row.totp_enabled = true;
    env.app.store().save_user(&row, None).expect("save");
    let admin = &env.full_session(&admin.id);
    env.get(admin, "/settings?saved=1")
        .assert_has("Settings saved")
        .assert_has("value=\"Riverside Housing Association\"")
        .assert_has("value=\"scotland\" checked")
        .assert_has("value=\"dpo@riverside.example\"")
        .assert_has("name=\"require_2fa\" value=\"yes\" checked");
    env.get(admin, "/")
        .assert_has("Riverside Housing Association")
        .assert_lacks("/settings#org_name")
        .assert_lacks("/settings#dpo_name")
        .assert_lacks("/settings#region")
        .assert_lacks("Nobody uses two-factor sign-in yet");

    // Saving the same again records nothing new.
    let before = env.audit("settings.update").len();
    env.post(
        admin,
        "/settings",
        &[
            ("org_name", "Riverside Housing Association"),
            ("region", "scotland"),
            ("dpo_name", "Priya Shah"),
            ("dpo_email", "dpo@riverside.example"),
            ("require_2fa", "yes"),
        ],
    )
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(env.audit("settings.update").len(), before);

    env.app.set_two_factor_enforced(&Context::cli(), false).expect("two-factor optional again");
    for user in [&env.users.caseworker, &env.users.staff, &env.users.auditor] {
        env.get(user, "/settings").assert_status(StatusCode::FORBIDDEN);
        env.post(user, "/settings", &[("org_name", "Hacked")]).assert_status(StatusCode::FORBIDDEN);
    }
    assert_eq!(env.app.org_settings().expect("settings").org_name, "Riverside Housing Association");
}

/// The address for the audit log's daily record: shown, checked without echoing a bad
/// value in the summary, saved normalised, audited by field name only, and cleared.
fn settings_keep_the_address_for_the_audit_record(env: &Env) {
    let admin = &env.users.admin;
    env.get(admin, "/settings")
        .assert_status(StatusCode::OK)
        .assert_has("<label for=\"audit_anchor_email\">Email address for the daily record</label>");
    let base = [("org_name", "Riverside Housing Association"), ("region", "scotland")];
    let with = |anchor: &'static str| {
        let mut v = base.to_vec();
        v.push(("audit_anchor_email", anchor));
        v
    };
    env.post(admin, "/settings", &with("trustee at example"))
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#audit_anchor_email\">The address for the audit log&#39;s daily record is not");
    assert_eq!(env.app.audit_anchor_email(&steward_app::Context::cli()).expect("read"), None);
    env.post(admin, "/settings", &with("Trustee@Example.NET")).assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        env.app.audit_anchor_email(&steward_app::Context::cli()).expect("read").as_deref(),
        Some("trustee@example.net")
    );
    env.get(admin, "/settings").assert_has("value=\"trustee@example.net\"");
    let audited = env.audit("settings.update");
    assert!(audited.iter().any(|e| e.event.detail == "fields=audit_anchor_email"));
    assert!(audited.iter().all(|e| !e.event.detail.contains("example.net")));
    env.post(admin, "/settings", &with("")).assert_status(StatusCode::SEE_OTHER);
    assert_eq!(env.app.audit_anchor_email(&steward_app::Context::cli()).expect("read"), None);
}

// ---------------------------------------------------------------------------------
// Forgery, escaping, the inbox, and every role on every page
// ---------------------------------------------------------------------------------

fn posts_without_the_csrf_token_are_refused(env: &Env) {
    let id = env.jane();
    let dpo = &env.users.dpo;
    for (uri, body) in [
        ("/subjects/search", "q=Jane+Smith".to_string()),
        ("/subjects", "given_name=Eve".to_string()),
        (&*format!("/subjects/{id}/erase"), "reason=erasure_request".to_string()),
        ("/settings", "org_name=Forged".to_string()),
        ("/audit/verify", String::new()),
        (&*format!("/subjects/{id}/links"), format!("other_id={id}&kind=household")),
    ] {
        env.post_raw(dpo, uri, body.clone()).assert_status(StatusCode::FORBIDDEN).assert_has("This form has expired");
        env.post_raw(dpo, uri, format!("{body}&_csrf=forged")).assert_status(StatusCode::FORBIDDEN);
    }
    // Another user's token is not this user's.
    let other = &env.users.caseworker.csrf;
    env.post_raw(dpo, "/subjects/search", format!("q=Jane&_csrf={other}")).assert_status(StatusCode::FORBIDDEN);
    env.get(dpo, &format!("/subjects/{id}")).assert_status(StatusCode::OK);
    assert!(env.app.org_settings().expect("settings").org_name.is_empty());
}

fn html_in_names_is_escaped_everywhere(env: &Env) {
    let evil = "<script>alert(1)</script>";
    let id = env.add(&[
        ("given_name", evil),
        ("family_name", "O'Brien\"><b>x</b>"),
        ("emails", "evil@example.org"),
        ("notes", "<img src=x onerror=alert(2)>"),
        ("tenancy_number", "<i>T1</i>"),
    ]);
    let other = env.add(&[("given_name", "Lily"), ("family_name", "Smith")]);
    let dpo = &env.users.dpo;
    env.post(dpo, &format!("/subjects/{other}/links"), &[("other_id", &id), ("kind", "child")])
        .assert_status(StatusCode::SEE_OTHER);
    let pages = [
        env.get(dpo, &format!("/subjects/{id}")),
        env.get(dpo, &format!("/subjects/{id}/edit")),
        env.get(dpo, &format!("/subjects/{id}/erase")),
        env.get(dpo, &format!("/subjects/{other}")),
        env.post(dpo, "/subjects/search", &[("q", "evil@example.org")]),
        env.post(dpo, "/subjects/search", &[("q", evil)]),
    ];
    for p in &pages {
        p.assert_status(StatusCode::OK).assert_has("&#60;script&#62;alert(1)&#60;/script&#62;");
        assert!(!p.has("<script>alert"), "unescaped name in: {}", p.text);
        assert!(!p.has("<b>x</b>") && !p.has("<img src=x") && !p.has("<i>T1</i>"), "unescaped data in: {}", p.text);
    }
    // A form sent back with a problem keeps the text, escaped.
    let r = env.post(dpo, "/subjects", &[("given_name", evil), ("emails", "bad")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("value=\"&#60;script&#62;alert(1)&#60;/script&#62;\"");
    assert!(!r.has("<script>alert"));

    // A user's name with HTML, in the header and the dashboard's activity.
    let ctx = Context::cli();
    env.app.create_user_with_password(&ctx, "eve@example.org", "<b>Eve</b>", Role::Dpo, PASSWORD).expect("user");
    let eve = env.sign_in("eve@example.org", "");
    let dash = env.get(&eve, "/");
    dash.assert_has("&#60;b&#62;Eve&#60;/b&#62;");
    assert!(!dash.has("<b>Eve</b>"));
    let audit = env.get(&eve, "/audit");
    audit.assert_has("&#60;b&#62;Eve&#60;/b&#62;");
    assert!(!audit.has("<b>Eve</b>"));
    // Settings with HTML in the organisation's name.
    env.post(&env.users.admin, "/settings", &[("org_name", "<u>Org</u>"), ("region", "scotland")])
        .assert_status(StatusCode::SEE_OTHER);
    let s = env.get(&env.users.admin, "/settings");
    s.assert_has("&#60;u&#62;Org&#60;/u&#62;");
    assert!(!s.has("<u>Org</u>"));
}

fn submit(env: &Env, name: &str) -> String {
    let input = PublicInput {
        kind: "request".into(),
        right: "access".into(),
        name: name.into(),
        email: "mary@example.org".into(),
        details: "Please send me a copy of my tenancy file.".into(),
        form_token: env.app.public_form_token_at(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(30)),
        ..PublicInput::default()
    };
    env.app.submit(input, "test-client").expect("submitted").reference
}

fn the_requests_inbox(env: &Env) {
    let reference = submit(env, "Mary <em>Jones</em>");
    let dpo = &env.users.dpo;

    env.get(dpo, "/").assert_has("1 new request or complaint has not been acknowledged").assert_has("href=\"/inbox\"");
    let list = env.get(dpo, "/inbox");
    list.assert_status(StatusCode::OK)
        .assert_has("<h1>Requests inbox</h1>")
        .assert_has(&reference)
        .assert_has("<span class=\"tag tag--new\">New</span>")
        .assert_has("Requests and complaints, newest first</caption>")
        .assert_lacks("Mary");
    let href = list.text.split("<a href=\"/inbox/").nth(1).expect("a link").split('"').next().expect("id").to_string();

    let before = env.audit("submission.view").len();
    let one = env.get(dpo, &format!("/inbox/{href}"));
    one.assert_status(StatusCode::OK)
        .assert_has(&reference)
        .assert_has("Mary &#60;em&#62;Jones&#60;/em&#62;")
        .assert_has("mary@example.org")
        .assert_has("Get a copy of the information you hold about me (UK GDPR Article 15)")
        .assert_has("Viewing this page is recorded in the audit log")
        .assert_has("<legend class=\"legend--large\">Change the status</legend>");
    assert!(!one.has("<em>Jones"));
    assert_eq!(env.audit("submission.view").len(), before + 1);

    let r = env.post(dpo, &format!("/inbox/{href}/status"), &[("status", "acknowledged")]);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/inbox/{href}?saved=1"));
    env.get(dpo, r.location()).assert_has("Status changed to ‘Acknowledged’").assert_has("tag--acknowledged");
    env.get(dpo, "/").assert_lacks("not been acknowledged");
    env.post(dpo, &format!("/inbox/{href}/status"), &[("status", "lost")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#status\">Choose the new status</a>");
    env.post(dpo, &format!("/inbox/{href}/status"), &[("status", "closed")]).assert_status(StatusCode::SEE_OTHER);

    // A caseworker may read and change it once the DPO gives it to them (need to know).
    let cw = &env.users.caseworker;
    env.get(cw, &format!("/inbox/{href}")).assert_status(StatusCode::FORBIDDEN).assert_lacks("Mary");
    env.get(cw, "/inbox").assert_status(StatusCode::OK).assert_lacks(&reference);
    env.get(dpo, &format!("/inbox/{href}"))
        .assert_has("Nobody yet (only the data protection officer can open it)")
        .assert_has(&format!("<option value=\"{}\">", cw.id));
    env.post(dpo, &format!("/inbox/{href}/assign"), &[("assigned_to", "not-a-caseworker")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("choose an active caseworker");
    let r = env.post(dpo, &format!("/inbox/{href}/assign"), &[("assigned_to", &cw.id)]);
    assert_eq!(r.location(), format!("/inbox/{href}?saved=assigned"));
    env.get(dpo, r.location()).assert_has("Assignment saved");
    env.get(cw, "/inbox").assert_has(&reference);
    env.get(cw, &format!("/inbox/{href}")).assert_status(StatusCode::OK).assert_has("Mary");
    env.post(cw, &format!("/inbox/{href}/assign"), &[("assigned_to", "")]).assert_status(StatusCode::FORBIDDEN);

    // Staff: an explanatory refusal.
    env.get(&env.users.staff, "/inbox")
        .assert_status(StatusCode::FORBIDDEN)
        .assert_has("Staff see only what they logged themselves");
    env.get(&env.users.staff, &format!("/inbox/{href}")).assert_status(StatusCode::FORBIDDEN).assert_lacks("Mary");
    env.post(&env.users.staff, &format!("/inbox/{href}/status"), &[("status", "new")])
        .assert_status(StatusCode::FORBIDDEN);
    for user in [&env.users.auditor, &env.users.admin] {
        env.get(user, "/inbox").assert_status(StatusCode::FORBIDDEN).assert_has("You cannot open the requests inbox");
    }
    env.get(dpo, "/inbox/no-such-submission").assert_status(StatusCode::NOT_FOUND);
    env.get(dpo, "/inbox?page=x").assert_status(StatusCode::BAD_REQUEST);
}

/// Every signed-in page for every role: allowed roles get the page, others the friendly
/// refusal, and nobody ever a server error.
fn every_role_on_every_page(env: &Env) {
    use steward_core::Permission::{self, *};
    let id = env.jane();
    env.app.assign_subject(&Context::cli(), &id, &env.users.caseworker.id).expect("assign");
    submit(env, "Mary Jones");
    let submission = env.app.list_submissions(&Context::cli(), 1).expect("list").items[0].id.clone();
    env.app.assign_submission(&Context::cli(), &submission, Some(&env.users.caseworker.id)).expect("assign");
    let routes: [(String, Option<Permission>); 10] = [
        ("/".into(), None),
        ("/subjects".into(), Some(SubjectRead)),
        ("/subjects/new".into(), Some(SubjectCreate)),
        (format!("/subjects/{id}"), Some(SubjectRead)),
        (format!("/subjects/{id}/edit"), Some(SubjectUpdate)),
        (format!("/subjects/{id}/erase"), Some(SubjectErase)),
        ("/audit".into(), Some(AuditRead)),
        ("/settings".into(), Some(ManageSettings)),
        ("/inbox".into(), Some(SubjectRead)),
        (format!("/inbox/{submission}"), Some(SubjectRead)),
    ];
    for (role, user) in env.users.all() {
        for (uri, permission) in &routes {
            let allowed = permission.is_none_or(|p| role.can(p));
            let want = if allowed { StatusCode::OK } else { StatusCode::FORBIDDEN };
            let r = env.get(user, uri);
            assert_eq!(r.status, want, "{role} GET {uri}: {}", r.text);
            assert!(
                r.headers.get(header::CONTENT_TYPE).is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"))
            );
            assert_eq!(r.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
        }
    }
}

/// OWASP ASVS 5.0 3.3.1, 3.4.3–3.4.6 and 13.4.4: every page (and its refusals) carries
/// a content security policy that forbids framing, plugins and base changes, nosniff,
/// a referrer policy and no caching; the session cookie is Secure, HttpOnly and
/// SameSite; TRACE is not served.
fn pages_carry_their_security_headers_and_the_session_cookie_its_attributes(env: &Env) {
    let anonymous = |uri: &str| env.send(Request::builder().uri(uri).body(Body::empty()).expect("request"));
    let pages = [
        anonymous("/sign-in"),
        anonymous("/request"),
        env.get(&env.users.dpo, "/"),
        env.get(&env.users.dpo, "/subjects"),
        env.get(&env.users.staff, "/settings"),
        env.get(&env.users.dpo, "/subjects/no-such-person"),
    ];
    for r in &pages {
        let h = |name: header::HeaderName| r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let csp = h(header::CONTENT_SECURITY_POLICY);
        for directive in ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "script-src 'self'"] {
            assert!(csp.contains(directive), "{} lacks {directive}: {csp}", r.status);
        }
        assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(h(header::X_FRAME_OPTIONS), "DENY");
        assert_eq!(h(header::REFERRER_POLICY), "same-origin");
        assert_eq!(h(header::CACHE_CONTROL), "no-store");
    }
    assert!(pages.iter().any(|r| r.status == StatusCode::FORBIDDEN), "a refusal page is among them");
    assert!(pages.iter().any(|r| r.status == StatusCode::NOT_FOUND), "and a not-found page");

    let r = env.post_sign_in("dpo@example.org");
    let cookie = r.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("a session cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "the session cookie lacks {attribute}: {cookie}");
    }

    for uri in ["/sign-in", "/subjects", "/api/v1/health"] {
        let r = env.send(Request::builder().method("TRACE").uri(uri).body(Body::empty()).expect("request"));
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "TRACE {uri}");
    }
}
