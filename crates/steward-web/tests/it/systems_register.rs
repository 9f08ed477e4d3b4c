//! The register of systems with who owns each, where it runs, its hosting country (shown
//! by name), its supplier from the register of processors (an unknown one refused naming
//! `processor_id`) and its security measures; each system lists the activities of the
//! record of processing that use it, through the API and on its page. On both databases;
//! all data fictional.

use crate::common::api_env::Env;
use crate::common::page_client::Team;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use steward_core::Role;
use steward_testkit::on_both_backends;

on_both_backends!(
    a_supplier_must_be_a_processor_in_use_and_activities_are_listed,
    the_page_shows_the_country_by_name_the_supplier_and_the_activities,
);

fn activity(name: &str, system_ids: &[&str]) -> Value {
    json!({
        "name": name,
        "business_function": "Housing management",
        "subject_categories": ["Tenants"],
        "data_categories": ["Contact details"],
        "purposes": [{"purpose": "Managing tenancies", "lawful_basis": "contract"}],
        "system_ids": system_ids,
    })
}

fn created(env: &Env, uri: &str, body: Value) -> Value {
    let (status, v) = env.call(Role::Dpo, Method::POST, uri, Some(body));
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

fn a_supplier_must_be_a_processor_in_use_and_activities_are_listed(env: &Env) {
    // An older client sending only the first fields still works; the new ones are blank.
    let drive = created(env, "/api/v1/systems", json!({"name": "Shared drive", "kind": "system"}));
    assert_eq!(drive["owner"], "");
    assert_eq!(drive["hosting_country"], "");
    assert_eq!(drive["processor_id"], "");
    assert_eq!(drive["activities"], json!([]));

    let payroll = created(env, "/api/v1/processors", json!({"name": "Brightwell Payroll Bureau"}));
    let pid = payroll["id"].as_str().unwrap();
    let body = |processor_id: &str, country: &str| {
        json!({"name": "Payroll system", "kind": "processor", "owner": "Finance Director",
            "location": "Supplier's data centre, Leeds", "hosting_country": country, "processor_id": processor_id,
            "security_measures": "ISO 27001; encrypted at rest"})
    };

    // An unknown supplier is refused naming processor_id; nothing is written.
    let (status, err) = env.call(Role::Dpo, Method::POST, "/api/v1/systems", Some(body("no-such-processor", "gb")));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "processor_id");
    assert!(err["error"]["message"].as_str().unwrap().contains("register of processors"), "{err}");
    // A country that is not an ISO 3166-1 code is refused naming hosting_country.
    let (status, err) = env.call(Role::Dpo, Method::POST, "/api/v1/systems", Some(body(pid, "UK")));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "hosting_country");
    let (_, list) = env.call(Role::Dpo, Method::GET, "/api/v1/systems", None);
    assert_eq!(list["systems"].as_array().unwrap().len(), 1, "nothing half-written: {list}");

    let system = created(env, "/api/v1/systems", body(pid, "gb"));
    let sid = system["id"].as_str().unwrap().to_string();
    assert_eq!(system["hosting_country"], "GB", "codes are stored in upper case");
    assert_eq!(system["processor_id"], pid);
    assert_eq!(system["owner"], "Finance Director");
    assert_eq!(system["security_measures"], "ISO 27001; encrypted at rest");

    // Activities in force naming the system are listed, by name; retired ones are not.
    let pay = created(env, "/api/v1/activities", activity("Paying staff", &[&sid]));
    let pensions = created(env, "/api/v1/activities", activity("Administering pensions", &[&sid, &sid]));
    let other = created(env, "/api/v1/activities", activity("Answering enquiries", &[drive["id"].as_str().unwrap()]));
    let gone = created(env, "/api/v1/activities", activity("Old expenses scheme", &[&sid]));
    let (status, _) =
        env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/activities/{}", gone["id"].as_str().unwrap()), None);
    assert!(status.is_success(), "{status}");
    let (status, view) = env.call(Role::Staff, Method::GET, &format!("/api/v1/systems/{sid}"), None);
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(
        view["activities"],
        json!([{"id": pensions["id"], "name": "Administering pensions"}, {"id": pay["id"], "name": "Paying staff"}])
    );
    let (_, list) = env.call(Role::Staff, Method::GET, "/api/v1/systems", None);
    let listed = list["systems"].as_array().unwrap();
    let drive_view = listed.iter().find(|s| s["name"] == "Shared drive").unwrap();
    assert_eq!(drive_view["activities"], json!([{"id": other["id"], "name": "Answering enquiries"}]));

    // A retired processor cannot be chosen for another system, but a system keeps the
    // supplier it already had while its other details change.
    let (status, _) = env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/processors/{pid}"), None);
    assert!(status.is_success(), "{status}");
    let mut other_body = body(pid, "GB");
    other_body["name"] = json!("Payroll archive");
    let (status, err) = env.call(Role::Dpo, Method::POST, "/api/v1/systems", Some(other_body));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "processor_id");
    let mut kept = body(pid, "IE");
    kept["owner"] = json!("Head of Finance");
    let (status, v) = env.call(Role::Dpo, Method::PUT, &format!("/api/v1/systems/{sid}"), Some(kept));
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!((v["owner"].as_str(), v["hosting_country"].as_str()), (Some("Head of Finance"), Some("IE")));
    assert_eq!(v["activities"].as_array().unwrap().len(), 2);
    let (status, err) =
        env.call(Role::Dpo, Method::PUT, &format!("/api/v1/systems/{sid}"), Some(body("not-a-processor", "GB")));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "processor_id");
    let (status, _) = env.call(Role::Staff, Method::PUT, &format!("/api/v1/systems/{sid}"), Some(body("", "GB")));
    assert_eq!(status, StatusCode::FORBIDDEN);
}

fn the_page_shows_the_country_by_name_the_supplier_and_the_activities(env: &Env) {
    let team = Team::new(env.db.fresh());
    let ctx = steward_app::Context::cli();
    let processor: steward_core::register::processor::Processor =
        serde_json::from_value(json!({"name": "Fixwell Repairs Ltd"})).unwrap();
    let pid = team.app.register_create(&ctx, processor).unwrap().id;

    // The form offers countries and processors by name.
    let page = team.get(&team.dpo, "/systems");
    page.assert_has(r#"<option value="FR">France</option>"#)
        .assert_has(&format!(r#"<option value="{pid}">Fixwell Repairs Ltd</option>"#));
    let fields = [
        ("name", "Repairs portal"),
        ("kind", "processor"),
        ("owner", "Repairs Manager"),
        ("location", "Supplier's portal"),
        ("hosting_country", "FR"),
        ("processor_id", pid.as_str()),
        ("security_measures", "Named accounts; multi-factor sign-in"),
    ];
    let r = team.post(&team.dpo, "/systems", &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    let page = team.get(&team.dpo, "/systems");
    page.assert_has("<td>Repairs Manager</td><td>France</td>");
    let sid = team.app.systems(&ctx).unwrap()[0].id.clone();

    let a: steward_core::register::activity::Activity =
        serde_json::from_value(activity("Repairing homes", &[&sid])).unwrap();
    let aid = team.app.register_create(&ctx, a).unwrap().id;

    for who in [&team.staff, &team.dpo] {
        let page = team.get(who, &format!("/systems/{sid}"));
        page.assert_status(StatusCode::OK)
            .assert_has("<dt>Hosted in</dt><dd>France</dd>")
            .assert_has(&format!(r#"<a href="/processors/{pid}">Fixwell Repairs Ltd</a>"#))
            .assert_has("Named accounts; multi-factor sign-in")
            .assert_has(&format!(r#"<a href="/activities/{aid}">Repairing homes</a>"#))
            .assert_lacks(">FR<");
    }

    // An unknown supplier is refused on its field.
    let mut bad = fields;
    bad[0] = ("name", "Another portal");
    bad[5] = ("processor_id", "no-such-processor");
    let r = team.post(&team.dpo, "/systems", &bad);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has(r##"<a href="#processor_id">The supplier is not"##);
}
