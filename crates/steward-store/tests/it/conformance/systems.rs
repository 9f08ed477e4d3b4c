//! The register of systems and processors: entries by name, names unique (a refused
//! write is not audited), changes and retirement kept (with owner, location, country,
//! supplier and security measures), and a backup that carries them; older backups read.

use super::*;

on_both_backends!(the_register_of_systems);

fn entry(name: &str, kind: &str, all: bool) -> steward_store::SystemRow {
    steward_store::SystemRow {
        id: Uuid::now_v7().to_string(),
        name: name.into(),
        kind: kind.into(),
        holds_all_subjects: all,
        contact: "Information governance team".into(),
        notes: "Holds tenancy files from 2009 onwards.".into(),
        created_at: at(1, 9),
        retired_at: None,
        owner: "Head of Housing".into(),
        location: "Microsoft Azure, UK South".into(),
        hosting_country: "GB".into(),
        processor_id: String::new(),
        security_measures: "Encrypted at rest; multi-factor sign-in".into(),
    }
}

fn the_register_of_systems(db: &TestDb) {
    let s = &db.store;
    let drive = entry("Shared drive (Housing)", "system", false);
    let bureau = entry("Northgate Payroll Bureau", "processor", false);
    let email = entry("Email (Microsoft 365)", "system", true);
    for e in [&drive, &bureau, &email] {
        s.insert_system(e, &event("system.create", "system", &e.id)).unwrap();
    }
    assert_eq!(s.systems().unwrap(), vec![email.clone(), bureau.clone(), drive.clone()], "by name");

    let before = head_seq(s);
    let twin = entry("Northgate Payroll Bureau", "system", false);
    assert!(matches!(
        s.insert_system(&twin, &event("system.create", "system", &twin.id)),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(s.system(&twin.id).unwrap(), None, "nothing written");
    assert_eq!(head_seq(s), before, "a refused insert is not audited");

    let retired = steward_store::SystemRow {
        retired_at: Some(at(2, 10)),
        notes: "Replaced in 2026.".into(),
        owner: "IT service desk".into(),
        location: "Supplier's data centre, Dublin".into(),
        hosting_country: "IE".into(),
        processor_id: "0190a1b2-0000-7000-8000-000000000001".into(),
        security_measures: "Daily backups".into(),
        ..drive
    };
    assert!(s.update_system(&retired, &event("system.update", "system", &retired.id)).unwrap());
    assert_eq!(s.system(&retired.id).unwrap(), Some(retired.clone()), "retired entries are kept");
    assert_eq!(head_seq(s), before + 1, "the change is audited");
    let unknown = entry("Not on the register", "system", false);
    assert!(!s.update_system(&unknown, &event("system.update", "system", &unknown.id)).unwrap());

    let lines = export_all(s);
    let in_backup: Vec<_> = lines
        .iter()
        .filter_map(|l| match l {
            BackupItem::System(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(in_backup, s.systems().unwrap(), "a backup carries every entry");
    let other = db.fresh();
    import_all(&other.store, lines).unwrap();
    assert_eq!(other.store.systems().unwrap(), s.systems().unwrap(), "and a restore puts them back");

    // A backup made before systems had an owner, location, country, supplier and
    // security measures still reads: the new fields are blank.
    let old: BackupItem = serde_json::from_str(
        r#"{"type": "system", "id": "s-old", "name": "Old system", "kind": "system", "holds_all_subjects": false,
            "contact": "", "notes": "", "created_at": "2025-01-01T09:00:00.000000Z", "retired_at": null}"#,
    )
    .unwrap();
    let BackupItem::System(old) = old else { panic!("a system line") };
    assert_eq!((old.owner.as_str(), old.hosting_country.as_str(), old.processor_id.as_str()), ("", "", ""));
}
