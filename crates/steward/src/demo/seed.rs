//! Seeding a data directory with the demo: the organisation, its fictional people from
//! the generator, links, case notes, special-category data on some, requests, the
//! register of systems and the records inventory.

use crate::cli::{Failure, init, open, write_schedule_template};
use crate::config::{self, Overrides};
use std::path::Path;
use steward_app::Context;
use steward_core::Region;
use steward_core::subject::{NewSubject, SpecialCategory};

/// Name the demo organisation is initialised with.
const DEMO_ORG: &str = "Riverside Vale Homes and Little Acorns Family Support (demo)";

/// Seed of the demo data, so every demo shows the same people.
const DEMO_SEED: u64 = 20_261_123;

/// Initialise `data_dir` with the demo organisation and its fictional people, unless it
/// is already initialised. Returns how many subjects were created (`None` if reused).
pub(crate) fn seed_demo(data_dir: &Path) -> Result<Option<usize>, Failure> {
    if data_dir.join(config::CONFIG_FILE).exists() {
        return Ok(None);
    }
    init(data_dir, None, Some(DEMO_ORG.into()), Some(Region::EnglandAndWales))?;
    write_schedule_template(data_dir, "family-support-charity")?;
    append_housing_record_types(data_dir)?;
    let (app, _) = open(data_dir, &Overrides::default())?;
    let ctx = Context::cli();
    // The demo is for looking around: two-factor sign-in is offered, not compulsory.
    app.set_two_factor_enforced(&ctx, false)?;
    let data = super::generate(DEMO_SEED, jiff::Zoned::now().date());
    let count = data.subjects.len();
    let adult_before = jiff::Zoned::now().date().checked_sub(jiff::Span::new().years(18)).ok();
    let adults: Vec<usize> = (0..count)
        .filter(|&i| data.subjects[i].date_of_birth.zip(adult_before).is_some_and(|(born, cut)| born < cut))
        .collect();
    let today = jiff::Zoned::now().date();
    let child_range =
        (today.checked_sub(jiff::Span::new().years(16)).ok(), today.checked_sub(jiff::Span::new().years(3)).ok());
    let child = (0..count).find(|&i| match (data.subjects[i].date_of_birth, child_range) {
        (Some(born), (Some(from), Some(to))) => born > from && born < to,
        _ => false,
    });
    let mut subjects = data.subjects;
    add_demo_special_category(&mut subjects, &adults, child);
    let ids = app.create_subjects(&ctx, subjects)?;
    for (from, to, kind) in data.links {
        if let (Some(a), Some(b)) = (ids.get(from), ids.get(to)) {
            app.link_subjects(&ctx, a, b, kind)?;
        }
    }
    // A few case notes, so that subject pages and response packs show a case file.
    const NOTES: [(&str, &str, &str); 3] = [
        ("phone_call", "Housing management system", "Rang to report a leak under the kitchen sink; repair raised."),
        ("meeting", "Tenancy visit form", "Home visit: tenancy sustainment plan reviewed and agreed."),
        ("correspondence", "Shared mailbox", "Asked for a copy of the tenancy agreement by email."),
    ];
    for id in ids.iter().take(25) {
        let notes: Vec<steward_app::records::NewNote> = NOTES
            .iter()
            .map(|(category, source, text)| steward_app::records::NewNote {
                text: (*text).into(),
                category: Some((*category).into()),
                source: Some((*source).into()),
            })
            .collect();
        app.add_notes(&ctx, id, &notes)?;
    }
    super::requests::seed(&app, &ctx, &ids, jiff::Zoned::now().date())?;
    let examples: Vec<String> = [11, 23, 37, 52, 64].iter().filter_map(|&i| ids.get(i).cloned()).collect();
    let registers = super::registers::seed(&app, steward_app::requests::uk_today())?;
    crate::cli::demo::create_demo_users(&app, steward_app::requests::uk_today())?;
    super::work::seed(&app, &examples, &registers.systems, steward_app::requests::uk_today())?;
    let staff: Vec<String> = adults.iter().skip(100).filter_map(|&i| ids.get(i).cloned()).collect();
    let child = child.and_then(|i| ids.get(i));
    super::records::seed(&app, &staff, child, steward_app::requests::uk_today())?;
    Ok(Some(count))
}

/// Add the housing association's record types to the charity's schedule the demo starts from.
fn append_housing_record_types(data_dir: &Path) -> Result<(), Failure> {
    let path = data_dir.join(crate::cli::SCHEDULE_FILE);
    let mut text =
        std::fs::read_to_string(&path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display()), 1))?;
    text.push_str(super::registers::HOUSING_RECORD_TYPES);
    std::fs::write(&path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))
}

/// Special-category data (UK GDPR Art 9, Art 10) on some of the demo's people, the
/// kind a housing association or family-support charity records with a condition for
/// it: support needs, faith where it shapes visits, an unspent conviction at sign-up.
/// Chosen by position, so the rest of the demo data stays as it was.
fn add_demo_special_category(subjects: &mut [NewSubject], adults: &[usize], child: Option<usize>) {
    const HEALTH: [&str; 6] = [
        "Type 2 diabetes; needs a ground-floor home",
        "COPD; uses oxygen at home, so no open flames on visits",
        "Registered blind; letters in large print",
        "Depression; supported by the community mental health team",
        "Wheelchair user; bathroom adapted in 2023",
        "Epilepsy; the carer holds the emergency plan",
    ];
    const FAITH: [&str; 2] =
        ["Muslim; no home visits during Friday prayers", "Orthodox Jewish; no appointments on Saturdays"];
    for (n, &i) in adults.iter().enumerate() {
        let mut sc = SpecialCategory::default();
        if n % 13 == 3 {
            sc.health = Some(HEALTH[(n / 13) % HEALTH.len()].into());
        }
        if n % 29 == 7 {
            sc.religious_or_philosophical_beliefs = Some(FAITH[(n / 29) % FAITH.len()].into());
        }
        if n % 41 == 11 {
            sc.criminal_offence =
                Some("Unspent conviction disclosed at tenancy sign-up (2022); risk assessment on file".into());
        }
        if !sc.is_empty()
            && let Some(s) = subjects.get_mut(i)
        {
            s.special_category = Some(sc);
        }
    }
    if let Some(s) = child.and_then(|i| subjects.get_mut(i)) {
        s.special_category = Some(SpecialCategory {
            health: Some("Type 1 diabetes; insulin pump, school has the care plan".into()),
            ..SpecialCategory::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DB_FILE, JOURNAL_FILE};
    use crate::demo::generate;
    use steward_app::App;
    use steward_crypto::MasterKey;
    use steward_store::Store;

    /// Identifying values of every demo subject, as entered and as normalised. Single
    /// names shorter than seven characters are left out: in megabytes of ciphertext a
    /// short word turns up by chance; whole names, contacts and numbers cannot.
    fn secrets() -> Vec<String> {
        let today = jiff::Zoned::now().date();
        let mut out = Vec::new();
        for s in generate(DEMO_SEED, today).subjects {
            let v = s.clone().validate(today).expect("demo data is valid").personal;
            out.push(format!("{} {}", v.given_name, v.family_name));
            out.extend([v.given_name, v.family_name].into_iter().filter(|n| n.chars().count() >= 7));
            out.extend(v.other_names);
            out.extend(v.emails);
            out.extend(v.phones);
            out.extend(s.phones);
            out.extend(v.identifiers.ni_number);
            out.extend(v.identifiers.nhs_number);
            out.extend(v.addresses.into_iter().flat_map(|a| a.postcode));
        }
        out.retain(|t| t.len() >= 7);
        out.sort();
        out.dedup();
        out
    }

    /// Panics naming `what` if any secret occurs in `haystack` (exact bytes).
    fn assert_absent(haystack: &[u8], what: &str) {
        let secrets = secrets();
        let ac = aho_corasick::AhoCorasick::new(&secrets).expect("automaton");
        if let Some(m) = ac.find(haystack) {
            panic!(
                "{what} holds demo personal data in clear (pattern {} of {})",
                m.pattern().as_usize(),
                secrets.len()
            );
        }
    }

    #[test]
    fn the_leak_check_finds_a_planted_value() {
        let planted = format!("noise {} noise", secrets()[7]);
        assert!(std::panic::catch_unwind(|| assert_absent(planted.as_bytes(), "planted")).is_err());
        assert_absent(b"nothing personal here", "clean");
    }

    #[test]
    fn the_demo_database_file_holds_no_personal_data_in_clear() {
        let dir = tempfile::tempdir().expect("tmp");
        let data_dir = dir.path().join("demo");
        let count = seed_demo(&data_dir).expect("demo seeds").expect("fresh");
        assert!(count >= 500);
        let mut bytes = std::fs::read(data_dir.join(DB_FILE)).expect("db");
        if let Ok(wal) = std::fs::read(data_dir.join("steward.db-wal")) {
            bytes.extend(wal);
        }
        assert_absent(&bytes, "the SQLite database");
        assert!(seed_demo(&data_dir).expect("reuse").is_none(), "a second run reuses the data");
    }

    /// Every `[...]` left for a person to fill in.
    fn placeholders(text: &str) -> Vec<String> {
        text.split('[').skip(1).map(|t| t.split(']').next().unwrap_or_default().to_string()).collect()
    }

    /// The demo's record of processing covers its tenants and the families the charity
    /// supports completely: the Art 15 paragraphs of a response letter are all filled in.
    #[test]
    fn a_demo_tenants_and_familys_response_letters_have_no_placeholders() {
        let dir = tempfile::tempdir().expect("tmp");
        let data_dir = dir.path().join("demo");
        seed_demo(&data_dir).expect("demo seeds");
        let (app, _) = crate::cli::open(&data_dir, &crate::config::Overrides::default()).expect("open");
        let ctx = Context::cli();
        let subjects = app.store().list_subjects(None, 10_000).expect("subjects");
        for category in ["tenant", "service_user"] {
            let who =
                subjects.iter().find(|s| s.categories.iter().any(|c| c == category)).expect("one of the category");
            let request = serde_json::from_value(serde_json::json!({"kind": "access", "received_on": "2026-11-02",
                "subject_id": who.id, "channel": "email", "region": "england-and-wales"}))
            .expect("request");
            let r = app.create_request(&ctx, request).expect("request");
            let letter =
                app.render_letter(&ctx, &r.id, steward_app::letters::LetterKind::ResponseCover).expect("cover letter");
            assert_eq!(placeholders(&letter.text), Vec::<String>::new(), "{category}: {}", letter.text);
            assert!(letter.text.contains("How long we keep it: "), "{}", letter.text);
        }
    }

    /// `steward check` on the demo finds exactly the gaps seeded on purpose, one of each
    /// kind, each naming its entry; and the demo's record of processing exported in the
    /// ICO's layout imports back with no change.
    #[test]
    fn the_check_finds_exactly_the_seeded_gaps_and_the_register_round_trips() {
        use steward_app::ropa::RopaFormat;
        let dir = tempfile::tempdir().expect("tmp");
        let data_dir = dir.path().join("demo");
        seed_demo(&data_dir).expect("demo seeds");
        let (app, _) = crate::cli::open(&data_dir, &crate::config::Overrides::default()).expect("open");
        let ctx = Context::cli();
        let findings = app.compliance_check(&ctx).expect("check");
        let mut found: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
        found.sort_unstable();
        let mut seeded: Vec<&str> = crate::demo::registers::SEEDED_GAPS.iter().map(|(r, _)| *r).collect();
        seeded.sort_unstable();
        let all: Vec<String> = findings.iter().map(|f| format!("{}: {}", f.rule.as_str(), f.message)).collect();
        assert_eq!(found, seeded, "{all:#?}");
        for (rule, name) in crate::demo::registers::SEEDED_GAPS {
            let f = findings.iter().find(|f| f.rule.as_str() == *rule).expect("found");
            assert!(f.message.contains(name), "{rule} names {name}: {}", f.message);
        }

        for format in [RopaFormat::Csv, RopaFormat::Xlsx] {
            let file = app.export_ropa(&ctx, format).expect("export");
            assert_eq!(file.activities, 12);
            let report = app.import_ropa(&ctx, &file.bytes, format, false).expect("import");
            assert_eq!(
                (report.activities_added, report.activities_changed, report.unchanged),
                (0, 0, 12),
                "{format:?}: {:?}",
                report.changed
            );
        }
    }

    #[test]
    fn a_postgresql_dump_of_the_demo_holds_no_personal_data_in_clear() {
        let Some(url) = steward_testkit::postgres_url() else { return };
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let store = Store::open_postgres(&url, Some(&schema)).expect("postgres");
        let dir = tempfile::tempdir().expect("tmp");
        let key = MasterKey::generate().expect("key");
        let app = App::open(store, &key, &dir.path().join(JOURNAL_FILE)).expect("app");
        let data = generate(DEMO_SEED, jiff::Zoned::now().date());
        app.create_subjects(&Context::cli(), data.subjects).expect("seed");
        // A dump of every table as PostgreSQL writes rows out (byte columns as hex).
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        let tables: Vec<String> = client
            .query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", &[&schema])
            .expect("tables")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut dump = Vec::new();
        for t in &tables {
            for row in client.query(&format!("SELECT t::text FROM {schema}.{t} t"), &[]).expect("rows") {
                let line: String = row.get(0);
                dump.extend_from_slice(line.as_bytes());
                dump.push(b'\n');
                // Byte columns are written as \x<hex>: search their decoded bytes too.
                for run in line.split("\\\\x").skip(1) {
                    let hex: String = run.chars().take_while(char::is_ascii_hexdigit).collect();
                    dump.extend(hex::decode(&hex[..hex.len() / 2 * 2]).expect("hex"));
                    dump.push(b'\n');
                }
            }
        }
        client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).expect("drop");
        assert!(tables.len() >= 8 && dump.len() > 100_000);
        assert_absent(&dump, "the PostgreSQL dump");
    }
}
