//! The demo organisation's registers, one seeding function each, run in the order of
//! [`seed`]: a new register adds its entries and one line there. All fictional.

use steward_app::{App, AppResult, Context};
use steward_core::register::system::{NewSystem, SystemKind};

/// The demo register: (name, kind, holds every subject's data, contact, notes).
pub const SYSTEMS: [(&str, SystemKind, bool, &str, &str); 8] = [
    (
        "Housing management system",
        SystemKind::System,
        true,
        "Housing systems team",
        "Tenancies, rent accounts, repairs and contact history.",
    ),
    ("Shared drive (Housing)", SystemKind::System, false, "IT service desk", "Letters, photos and case folders."),
    ("Email (Microsoft 365)", SystemKind::System, true, "IT service desk", "Staff mailboxes and shared inboxes."),
    (
        "Family support case records",
        SystemKind::System,
        false,
        "Family support manager",
        "Referrals, assessments and support plans.",
    ),
    (
        "Northgate Rent Collection Ltd",
        SystemKind::Processor,
        false,
        "dpo@northgate-rent.example",
        "Rent collection and arrears letters under contract.",
    ),
    (
        "Brightwell Payroll Bureau",
        SystemKind::Processor,
        false,
        "privacy@brightwell.example",
        "Payroll for staff and sessional workers.",
    ),
    (
        "Repairs contractor portal (Fixwell)",
        SystemKind::Processor,
        false,
        "data.protection@fixwell.example",
        "Repair jobs with tenant name, address and phone.",
    ),
    (
        "Paper files (Cabinet 3, head office)",
        SystemKind::System,
        false,
        "Office manager",
        "Pre-2019 tenancy files awaiting digitisation.",
    ),
];

/// What the registers' seeding made, for the examples that name entries.
pub struct Seeded {
    /// The systems' ids, in the order of [`SYSTEMS`].
    pub systems: Vec<String>,
}

/// Fill every register.
pub fn seed(app: &App) -> AppResult<Seeded> {
    Ok(Seeded { systems: systems(app)? })
}

/// The register of systems and processors.
fn systems(app: &App) -> AppResult<Vec<String>> {
    let ctx = Context::cli();
    SYSTEMS
        .iter()
        .map(|&(name, kind, all, contact, notes)| {
            let s = NewSystem {
                name: name.into(),
                kind,
                holds_all_subjects: all,
                contact: contact.into(),
                notes: notes.into(),
                retired: false,
            };
            Ok(app.create_system(&ctx, s)?.id)
        })
        .collect()
}
