//! Tests of the demo data generator: the people validate, the mix is sensible, ages and
//! links hold together, contact details stay in reserved ranges, and the same seed and
//! date always give the same data.

use super::names::{CN_ENGLISH_F, CN_ENGLISH_M, GROUPS};
use super::people::{DemoData, generate};
use super::places::{BLOCKS, BUSINESS_PARKS, CHARITY_TOWNS, COMMON_STREETS, HOUSING_TOWNS};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use std::collections::{BTreeMap, HashSet};
use steward_core::subject::{Category, LinkKind};

fn cases() -> [(u64, Date); 3] {
    [(1, date(2026, 3, 1)), (7, date(2028, 2, 29)), (20_261_123, date(2025, 11, 23))]
}

fn counts(d: &DemoData) -> BTreeMap<Category, usize> {
    let mut counts = BTreeMap::new();
    for s in &d.subjects {
        for c in &s.categories {
            *counts.entry(*c).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn every_subject_validates_and_the_mix_is_sensible() {
    for (seed, today) in cases() {
        let d = generate(seed, today);
        assert!(d.subjects.len() >= 520, "seed {seed}: only {} subjects", d.subjects.len());
        for (i, s) in d.subjects.iter().enumerate() {
            if let Err(e) = s.clone().validate(today) {
                panic!("seed {seed}, subject {i} does not validate: {e}");
            }
            assert!(!s.categories.is_empty(), "seed {seed}, subject {i} has no category");
        }
        let c = counts(&d);
        let n = |cat: Category| c.get(&cat).copied().unwrap_or(0);
        assert!(n(Category::Tenant) >= 150, "seed {seed}: tenants {c:?}");
        assert!(n(Category::Child) >= 40, "seed {seed}: children {c:?}");
        assert!(n(Category::Volunteer) >= 30, "seed {seed}: volunteers {c:?}");
        assert!(n(Category::Trustee) >= 5, "seed {seed}: trustees {c:?}");
        assert!(n(Category::BoardMember) >= 5, "seed {seed}: board {c:?}");
        assert!(n(Category::Employee) >= 30, "seed {seed}: staff {c:?}");
        assert!(n(Category::FormerEmployee) >= 5, "seed {seed}: former staff {c:?}");
        assert!(n(Category::FormerTenant) >= 20, "seed {seed}: former tenants {c:?}");
        assert!(n(Category::Applicant) >= 20, "seed {seed}: applicants {c:?}");
        assert!(n(Category::ServiceUser) >= 40, "seed {seed}: service users {c:?}");
        assert!(n(Category::FamilyMember) >= 100, "seed {seed}: family {c:?}");
        assert!(n(Category::SupplierContact) >= 5, "seed {seed}: suppliers {c:?}");
    }
}

#[test]
fn children_are_under_18_and_linked_to_a_parent_and_adults_are_18_to_90() {
    for (seed, today) in cases() {
        let d = generate(seed, today);
        let eighteen_ago = today.saturating_sub(18.years());
        let ninety_one_ago = today.saturating_sub(91.years());
        for (i, s) in d.subjects.iter().enumerate() {
            let Some(dob) = s.date_of_birth else {
                assert!(s.categories == [Category::SupplierContact], "seed {seed}, subject {i} has no date of birth");
                continue;
            };
            if s.categories.contains(&Category::Child) {
                assert!(dob > eighteen_ago, "seed {seed}, child {i} is 18 or over");
                let parents: Vec<usize> = d
                    .links
                    .iter()
                    .filter(|(_, to, k)| *to == i && *k == LinkKind::ParentOf)
                    .map(|(from, _, _)| *from)
                    .collect();
                assert!(!parents.is_empty(), "seed {seed}, child {i} has no parent");
            } else {
                assert!(dob <= eighteen_ago, "seed {seed}, adult {i} is under 18");
                assert!(dob > ninety_one_ago, "seed {seed}, adult {i} is over 90");
            }
        }
        // Parents are at least 16 years older than their children.
        for (from, to, kind) in &d.links {
            if *kind != LinkKind::ParentOf {
                continue;
            }
            let (Some(p), Some(c)) = (d.subjects[*from].date_of_birth, d.subjects[*to].date_of_birth) else {
                panic!("seed {seed}: parent_of link without dates of birth");
            };
            assert!(p <= c.saturating_sub(16.years()), "seed {seed}: parent {from} too young");
            assert!(p > c.saturating_sub(65.years()), "seed {seed}: parent {from} too old");
        }
    }
}

#[test]
fn links_are_well_formed() {
    for (seed, today) in cases() {
        let d = generate(seed, today);
        let mut seen = HashSet::new();
        for (from, to, kind) in &d.links {
            assert!(*from < d.subjects.len() && *to < d.subjects.len(), "seed {seed}");
            assert_ne!(from, to, "seed {seed}: self link");
            assert!(seen.insert((*from, *to, kind.as_str())), "seed {seed}: duplicate link");
        }
        assert!(d.links.iter().any(|l| l.2 == LinkKind::Household));
        assert!(d.links.iter().any(|l| l.2 == LinkKind::ParentOf));
    }
}

#[test]
fn same_seed_same_data_and_different_seeds_differ() {
    let today = date(2026, 3, 1);
    let a = generate(42, today);
    let b = generate(42, today);
    let c = generate(43, today);
    let json = |d: &DemoData| serde_json::to_string(&d.subjects).unwrap_or_default();
    assert!(!json(&a).is_empty());
    assert_eq!(json(&a), json(&b));
    assert_eq!(a.links, b.links);
    assert_ne!(json(&a), json(&c));
}

/// SHA-256 of the demo data (subjects and links, as JSON) for seed 20261123 on
/// 2026-03-01: moving or tidying the generator must not change what it makes.
const DIGEST_20261123_20260301: &str = "843c031db8d998d44a722c1ded982bcc1d583618b0a49ee4c4afd42bbd96a69f";

#[test]
fn the_demo_data_for_a_fixed_seed_and_date_is_unchanged() {
    let d = generate(20_261_123, date(2026, 3, 1));
    let json = serde_json::to_string(&(&d.subjects, &d.links)).expect("json");
    assert_eq!(steward_crypto::sha256_hex(json.as_bytes()), DIGEST_20261123_20260301);
}

#[test]
fn contact_details_stay_in_reserved_ranges() {
    for (seed, today) in cases() {
        let d = generate(seed, today);
        let mut nhs = HashSet::new();
        let mut ni = HashSet::new();
        for s in &d.subjects {
            for e in &s.emails {
                let lower = e.to_lowercase();
                let domain = lower.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
                assert!(
                    ["example.org", "example.com", "example.net"].contains(&domain),
                    "seed {seed}: email domain {domain}"
                );
            }
            let v = match s.clone().validate(today) {
                Ok(v) => v.personal,
                Err(e) => panic!("seed {seed}: {e}"),
            };
            for p in &v.phones {
                assert!(
                    ["+447700900", "+441632960", "+442079460"].iter().any(|r| p.starts_with(r)) && p.len() == 13,
                    "seed {seed}: phone {p} outside the drama ranges"
                );
            }
            if let Some(n) = v.identifiers.nhs_number {
                assert!(n.starts_with("999"), "seed {seed}: NHS number outside test range");
                assert!(nhs.insert(n), "seed {seed}: repeated NHS number");
            }
            if let Some(n) = v.identifiers.ni_number {
                assert!(ni.insert(n), "seed {seed}: repeated NI number");
            }
        }
    }
}

#[test]
fn word_lists_are_clean() {
    let mut lists: Vec<&str> = vec![CN_ENGLISH_F, CN_ENGLISH_M, COMMON_STREETS, BLOCKS, BUSINESS_PARKS];
    for g in &GROUPS {
        lists.extend(g.female);
        lists.extend(g.male);
        lists.push(g.surnames);
    }
    for t in HOUSING_TOWNS.iter().chain(CHARITY_TOWNS) {
        lists.push(t.streets);
    }
    for list in lists {
        for entry in list.split(", ") {
            assert!(!entry.is_empty() && entry.trim() == entry, "bad entry {entry:?} in {list}");
            assert!(!entry.contains(',') && !entry.contains('\\'), "bad entry {entry:?}");
        }
    }
}

#[test]
fn names_are_varied() {
    let d = generate(1, date(2026, 3, 1));
    let names: Vec<String> = d.subjects.iter().map(|s| format!("{} {}", s.given_name, s.family_name)).collect();
    assert!(names.iter().any(|n| n.contains('\'')), "no apostrophes");
    assert!(names.iter().any(|n| !n.is_ascii()), "no diacritics");
    assert!(d.subjects.iter().any(|s| s.family_name.contains('-')), "no double-barrelled names");
    assert!(d.subjects.iter().filter(|s| !s.other_names.is_empty()).count() >= 20);
    assert!(d.subjects.iter().filter(|s| s.notes.is_some()).count() >= 20);
    let distinct: HashSet<&String> = names.iter().collect();
    assert!(distinct.len() * 10 >= names.len() * 9, "too many repeated names");
}
