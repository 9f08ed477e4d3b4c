//! Words and times for people: field names, sentences from the application's messages,
//! UK dates and times, numbers and sizes, and who did something.

use std::collections::HashMap;
use steward_app::{App, AppResult};

/// A field's name for people, from the application's field path (`emails[1]`,
/// `identifiers.nhs_number`, `addresses[0].postcode`).
pub fn field_label(path: &str) -> String {
    let (base, index) = match path.split_once('[') {
        Some((b, rest)) => (b, rest.split(']').next().and_then(|n| n.parse::<usize>().ok())),
        None => (path, None),
    };
    let nth = |one: &str, all: &str| match index {
        Some(i) => format!("{one} {}", i + 1),
        None => all.to_string(),
    };
    let last = path.rsplit('.').next().unwrap_or(path);
    if let Some(key) = path.strip_prefix("special_category.")
        && let Some((_, label)) = steward_core::subject::SpecialCategory::HEADINGS.iter().find(|(k, _)| *k == key)
    {
        return (*label).into();
    }
    match base.rsplit('.').next().unwrap_or(base) {
        "special_category" => "Special-category data".into(),
        "given_name" => "Given name".into(),
        "family_name" => "Family name".into(),
        "other_names" => nth("Other name", "Other names"),
        "date_of_birth" => "Date of birth".into(),
        "emails" => nth("Email address", "Email addresses"),
        "phones" => nth("Phone number", "Phone numbers"),
        "addresses" if last == "postcode" => "Postcode".into(),
        "addresses" if index.is_some() => "Address".into(),
        "addresses" => "Addresses".into(),
        "ni_number" => "National Insurance number".into(),
        "nhs_number" => "NHS number".into(),
        "tenancy_number" => "Tenancy number".into(),
        "customer_number" => "Customer number".into(),
        "employee_number" => "Employee number".into(),
        "volunteer_number" => "Volunteer number".into(),
        "categories" => "Categories".into(),
        "notes" => "Notes".into(),
        "reason" => "Reason".into(),
        "request_ref" => "Request reference".into(),
        "subject_id" => "The other person".into(),
        "org_name" => "Organisation name".into(),
        "dpo_name" => "Data protection officer's name".into(),
        "dpo_email" => "Data protection officer's email address".into(),
        "region" => "Region".into(),
        "email" => "Email address".into(),
        "phone" => "Phone number".into(),
        "ni_number_search" => "National Insurance number".into(),
        "name" => "Name".into(),
        "surname" => "Surname".into(),
        "reference" => "Reference".into(),
        _ => "This answer".into(),
    }
}

/// Join a field's label and an application message into one sentence: messages that
/// continue a sentence ("is not an email address") follow the label; others stand alone.
pub fn sentence(label: &str, message: &str) -> String {
    let m = message.trim();
    let continues =
        ["is ", "has ", "must ", "needs ", "contains ", "give ", "should ", "names "].iter().any(|p| m.starts_with(p));
    if continues {
        format!("{label} {m}")
    } else {
        let mut chars = m.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => format!("{label} is not right"),
        }
    }
}

/// A stored time (RFC 3339) as people in the UK read it: `3 Oct 2026, 14:05` in UK time.
pub fn uk_time(stored: &str) -> String {
    let Ok(t) = stored.parse::<jiff::Timestamp>() else { return stored.to_string() };
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap_or_else(|_| jiff::tz::TimeZone::system());
    t.to_zoned(tz).strftime("%-d %b %Y, %H:%M").to_string()
}

/// A date as people in the UK write it: `3 October 2026`.
pub fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// The day part of a stored timestamp, in words (as stored when it is not a date).
pub fn day_of(stamp: &str) -> String {
    stamp.get(..10).and_then(|d| d.parse::<jiff::civil::Date>().ok()).map_or_else(|| stamp.to_string(), long_date)
}

/// A whole number with thousands separators: `1,000,000`.
pub use steward_core::compliance::thousands;

/// A size for people: bytes, KB or MB.
pub fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1_048_576.0),
    }
}

/// Names for the actors in the audit log and on records: `user:<id>` → the user's
/// name, `token:<id>` → the token's name (see [`App::actor_names`]).
pub fn actor_names(app: &App, ctx: &steward_app::Context) -> AppResult<HashMap<String, String>> {
    app.actor_names(ctx)
}

/// Who a case is assigned to, for people: a user id, or `token:<id>` for an
/// organisation's caseworker token.
pub fn assignee_name(names: &HashMap<String, String>, key: &str) -> String {
    if key.starts_with("token:") { who(names, key) } else { who(names, &format!("user:{key}")) }
}

/// Who an audit actor is, for people.
pub fn who(names: &HashMap<String, String>, actor: &str) -> String {
    if let Some(n) = names.get(actor) {
        return n.clone();
    }
    match actor {
        "cli" => "Command line".into(),
        "system" => "Steward (automatic)".into(),
        "public" => "Member of the public (web form)".into(),
        a if a.starts_with("user:") => "A removed account".into(),
        a if a.starts_with("token:") => "A removed API token".into(),
        a => a.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_messages_read_naturally() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(-12_345), "-12,345");
        assert_eq!(field_label("emails[1]"), "Email address 2");
        assert_eq!(field_label("identifiers.nhs_number"), "NHS number");
        assert_eq!(field_label("addresses[0].postcode"), "Postcode");
        assert_eq!(sentence("Email address 2", "is not an email address"), "Email address 2 is not an email address");
        assert_eq!(sentence("The person chosen", "names no user"), "The person chosen names no user");
        assert_eq!(
            sentence("Family name", "a given name or a family name is required"),
            "A given name or a family name is required"
        );
        assert_eq!(uk_time("2026-07-01T12:00:00Z"), "1 Jul 2026, 13:00");
        assert_eq!(uk_time("not a time"), "not a time");
        assert_eq!(long_date(jiff::civil::date(2026, 10, 3)), "3 October 2026");
        assert_eq!(day_of("2026-10-03T09:00:00Z"), "3 October 2026");
        assert_eq!(size_label(2048), "2 KB");
    }
}
