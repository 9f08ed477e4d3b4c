//! The menu and the forms' error summaries as people see them: the menu's sections a
//! data protection officer recognises, only those with something the role may open,
//! the current section and page marked; and a form that shows every problem at once.
//! Driven in-process through the whole router on both databases, signed in through the sign-in
//! form. All personal data is fictional.
use axum::http::StatusCode;
use steward_core::{Permission, Role};

use crate::common::page_client::{Client, Resp};
use steward_testkit::{Database, on_both_backends};

on_both_backends!(the_menu_shows_sections_and_marks_the_current_one, a_form_shows_every_problem_at_once);

/// The menu of a page: the `<nav aria-label="Main">` element.
fn menu(r: &Resp) -> &str {
    let start = r.at("<nav class=\"nav\" aria-label=\"Main\">");
    let end = start + r.text[start..].find("</nav>").expect("the menu ends");
    &r.text[start..end]
}

/// The sections of a menu, in order: (title, whether marked current).
fn sections(menu: &str) -> Vec<(String, bool)> {
    menu.split("<li class=\"nav__section ")
        .skip(1)
        .filter_map(|s| {
            let current = s.split('>').next().unwrap_or("").contains("nav__section--current");
            let title = s.split("class=\"nav__title\"").nth(1)?.split('>').nth(1)?.split('<').next()?;
            Some((title.replace("&#38;", "&"), current))
        })
        .collect()
}

fn the_menu_shows_sections_and_marks_the_current_one(db: &Database) {
    let (client, _) = Client::new(
        db,
        &[
            (Role::Dpo, "dpo@example.org", "Dana Okafor"),
            (Role::Admin, "admin@example.org", "Sam Admin"),
            (Role::Staff, "staff@example.org", "Tom Evans"),
        ],
    );
    let dpo = client.sign_in("dpo@example.org");
    let r = client.get(&dpo, "/retention/schedule");
    r.assert_status(StatusCode::OK);
    let nav = menu(&r);
    let shown = sections(nav);
    let titles: Vec<&str> = shown.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        ["Casework", "Records & retention", "Registers", "Incidents", "Reports", "Administration"],
        "{nav}"
    );
    assert_eq!(shown.iter().filter(|(_, c)| *c).map(|(t, _)| t.as_str()).collect::<Vec<_>>(), ["Records & retention"]);
    assert!(nav.contains(r#"aria-current="page">Retention schedule</a>"#), "{nav}");
    assert_eq!(nav.matches("aria-current=").count(), 1, "one current page: {nav}");
    // Sections are named lists; the incident registers have their own.
    assert!(nav.contains(r#"<ul class="nav__items" aria-labelledby="nav-retention">"#), "{nav}");
    assert!(nav.find("href=\"/breaches\"").unwrap() > nav.find("Incidents").unwrap(), "{nav}");
    assert!(nav.find("href=\"/systems\"").unwrap() > nav.find("Registers").unwrap(), "systems are a register");
    // Every link is in its section, in order.
    let (casework, retention) = (nav.find("Casework").unwrap(), nav.find("Records &#38; retention").unwrap());
    assert!(nav.find("href=\"/inbox\"").unwrap() > casework && nav.find("href=\"/inbox\"").unwrap() < retention);
    assert!(nav.find("href=\"/holds\"").unwrap() > retention);

    // Another page, another current section; the dashboard marks none of the sections.
    let nav = client.get(&dpo, "/requests");
    let shown = sections(menu(&nav));
    assert_eq!(shown.iter().find(|(_, c)| *c).map(|(t, _)| t.as_str()), Some("Casework"));
    assert!(menu(&nav).contains(r#"aria-current="page">Requests</a>"#), "Requests is current");
    let home = client.get(&dpo, "/");
    assert!(sections(menu(&home)).iter().all(|(_, c)| !c));
    assert!(menu(&home).contains(r#"<a href="/" aria-current="page">Dashboard</a>"#));

    // An administrator sees administration but no casework; staff see only what they may open.
    let admin = client.sign_in("admin@example.org");
    let r = client.get(&admin, "/users");
    let shown = sections(menu(&r));
    assert_eq!(Role::Admin.can(Permission::SubjectRead), shown.iter().any(|(t, _)| t == "Casework"));
    assert_eq!(shown.iter().find(|(_, c)| *c).map(|(t, _)| t.as_str()), Some("Administration"));
    let staff = client.sign_in("staff@example.org");
    let r = client.get(&staff, "/");
    let nav = menu(&r);
    assert_eq!(Role::Staff.can(Permission::SubjectRead), nav.contains("href=\"/subjects\""));
    assert_eq!(Role::Staff.can(Permission::ManageAccess), nav.contains("Administration"));
    for (title, _) in sections(nav) {
        let list = nav.split(&format!(">{}</span>", title.replace('&', "&#38;"))).nth(1).unwrap_or("");
        let list = list.split("</ul>").next().unwrap_or("");
        assert!(list.contains("<a href="), "the section {title} shows a link: {nav}");
    }

    // Signed out, no menu at all.
    let r = client.get(&crate::common::page_client::User::blank(), "/request");
    assert!(!r.has("aria-label=\"Main\""));
}

fn a_form_shows_every_problem_at_once(db: &Database) {
    let (client, _) = Client::new(db, &[(Role::Dpo, "dpo@example.org", "Dana Okafor")]);
    let dpo = client.sign_in("dpo@example.org");
    // No name, a date of birth that does not exist and an unknown category.
    let r = client.post(
        &dpo,
        "/subjects",
        &[
            ("date_of_birth", "31"),
            ("date_of_birth-month", "2"),
            ("date_of_birth-year", "1980"),
            ("emails", "x@example.org"),
        ],
    );
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#date_of_birth\">Date of birth must be a real date")
        .assert_has("<a href=\"#family_name\">A given name or a family name is required");
    // A search log entry with nothing filled in: every field's problem.
    let subject = client
        .app
        .create_subject(
            &steward_app::Context::cli(),
            steward_core::subject::NewSubject {
                given_name: "Ada".into(),
                family_name: "Example".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let today = steward_app::requests::uk_today();
    let r = client.post(
        &dpo,
        "/requests",
        &[
            ("kind", "access"),
            ("received_on", &today.day().to_string()),
            ("received_on-month", &today.month().to_string()),
            ("received_on-year", &today.year().to_string()),
            ("channel", "email"),
            ("made_by", "subject"),
            ("region", "england-and-wales"),
            ("subject_id", &subject),
        ],
    );
    r.assert_status(StatusCode::SEE_OTHER);
    let request = r.location().split('?').next().unwrap().to_string();
    let r = client.post(&dpo, &format!("{request}/searches"), &[("search-system", ""), ("search-hits", "some")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("<a href=\"#search-system\">Enter the system you searched")
        .assert_has("<a href=\"#search-on\">Enter the date you searched")
        .assert_has("<a href=\"#search-terms\">Enter the search terms you used")
        .assert_has("<a href=\"#search-hits\">Enter the number of items found");
}
