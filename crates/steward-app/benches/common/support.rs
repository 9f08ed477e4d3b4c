//! Shared by the benchmarks: synthetic subjects (distinct emails, phones and
//! references; names from short lists with numbered family names, so look-ups hit one
//! person) and latency percentiles.

use std::time::Duration;
use steward_core::subject::{Address, Category, Identifiers, NewSubject};

/// The `p` quantile (0–1) of sorted latencies, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx].as_secs_f64() * 1000.0
}

const GIVEN: [&str; 20] = [
    "Jane", "Oliver", "Amelia", "Mohammed", "Siobhán", "Priya", "Tomasz", "Chloe", "Kwame", "Aisha", "Liam", "Zoë",
    "Hannah", "Connor", "Fatima", "Emeka", "Grace", "Wei", "Rhys", "Niamh",
];
const FAMILY: [&str; 20] = [
    "Smith",
    "Jones",
    "Patel",
    "Khan",
    "O'Brien",
    "Nowak",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Ahmed",
    "Okafor",
    "Campbell",
    "Murphy",
    "Nguyễn",
    "Hughes",
    "Begum",
    "Chen",
    "MacDonald",
];

/// The `i`th synthetic subject.
pub fn subject(i: u64) -> NewSubject {
    let g = GIVEN[(i % 20) as usize];
    let f = FAMILY[((i / 20) % 20) as usize];
    let year = 1940 + (i % 70) as i16;
    let month = 1 + (i / 70 % 12) as i8;
    let day = 1 + (i / 840 % 28) as i8;
    NewSubject {
        given_name: g.into(),
        family_name: format!("{f}{}", i / 400),
        date_of_birth: Some(jiff::civil::date(year, month, day)),
        emails: vec![format!("person{i}@example.org")],
        phones: vec![format!("07700 9{:05}", i % 100_000)],
        addresses: vec![Address {
            lines: vec![format!("{} High Street", 1 + i % 200), "Ipswich".into()],
            postcode: Some("IP1 1AA".into()),
        }],
        identifiers: Identifiers { tenancy_number: Some(format!("TEN-{i:07}")), ..Default::default() },
        categories: vec![if i.is_multiple_of(3) { Category::Tenant } else { Category::Applicant }],
        ..Default::default()
    }
}
