//! The demo organisation's registers, one seeding function each, run in the order of
//! [`seed`]: a new register adds its entries and one line there. The housing
//! association and the family-support charity are a group of two controllers; their
//! record of processing, processors, transfers, sharing agreements, notices, policies
//! and training are complete except for the gaps in [`SEEDED_GAPS`], one of each kind
//! the compliance check finds. All fictional.

use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use steward_app::{App, AppError, AppResult, Context};
use steward_core::register::activity::Activity;
use steward_core::register::breach::Breach;
use steward_core::register::disclosure::Disclosure;
use steward_core::register::dpia::Dpia;
use steward_core::register::entry::Entry;
use steward_core::register::notice::Notice;
use steward_core::register::organisation::Organisation;
use steward_core::register::policy::Policy;
use steward_core::register::processor::Processor;
use steward_core::register::sharing::SharingAgreement;
use steward_core::register::system::{NewSystem, SystemKind};
use steward_core::register::transfer::Transfer;

/// A system or processor of the demo register.
pub struct DemoSystem {
    /// Name.
    pub name: &'static str,
    /// Own system or processor.
    pub kind: SystemKind,
    /// Whether it holds every subject's data.
    pub holds_all: bool,
    /// Who to ask.
    pub contact: &'static str,
    /// Notes.
    pub notes: &'static str,
    /// Who is responsible for it.
    pub owner: &'static str,
    /// Where it runs or where the paper is kept.
    pub location: &'static str,
    /// The ISO 3166-1 code of the country it is hosted in.
    pub country: &'static str,
    /// Its security measures.
    pub security: &'static str,
    /// The processor-register entry that supplies it, by name (linked after the
    /// processors are added), if any.
    pub supplier: Option<&'static str>,
}

/// The demo register of systems and processors.
pub const SYSTEMS: [DemoSystem; 8] = [
    DemoSystem {
        name: "Housing management system",
        kind: SystemKind::System,
        holds_all: true,
        contact: "Housing systems team",
        notes: "Tenancies, rent accounts, repairs and contact history.",
        owner: "Head of Housing",
        location: "Hosted by the software supplier, UK data centre (London)",
        country: "GB",
        security: "Encrypted at rest and in transit; multi-factor sign-in; role-based access; nightly backups kept 30 days.",
        supplier: None,
    },
    DemoSystem {
        name: "Shared drive (Housing)",
        kind: SystemKind::System,
        holds_all: false,
        contact: "IT service desk",
        notes: "Letters, photos and case folders.",
        owner: "Housing Services Manager",
        location: "Microsoft SharePoint, UK South region",
        country: "GB",
        security: "Access by team membership; multi-factor sign-in; version history and retention labels.",
        supplier: None,
    },
    DemoSystem {
        name: "Email (Microsoft 365)",
        kind: SystemKind::System,
        holds_all: true,
        contact: "IT service desk",
        notes: "Staff mailboxes and shared inboxes.",
        owner: "Head of IT",
        location: "Microsoft 365, UK data centres",
        country: "GB",
        security: "Multi-factor sign-in; encryption in transit (TLS); data loss prevention rules on special-category words.",
        supplier: None,
    },
    DemoSystem {
        name: "Family support case records",
        kind: SystemKind::System,
        holds_all: false,
        contact: "Family support manager",
        notes: "Referrals, assessments and support plans.",
        owner: "Family Support Manager (Little Acorns)",
        location: "Case management service, UK data centre (Manchester)",
        country: "GB",
        security: "Access limited to the family support team; multi-factor sign-in; audit trail of every view.",
        supplier: None,
    },
    DemoSystem {
        name: "Northgate Rent Collection Ltd",
        kind: SystemKind::Processor,
        holds_all: false,
        contact: "dpo@northgate-rent.example",
        notes: "Rent collection and arrears letters under contract.",
        owner: "Income Manager",
        location: "Northgate's own data centre, Leeds",
        country: "GB",
        security: "Cyber Essentials Plus; ISO 27001; encrypted file transfer of rent accounts.",
        supplier: Some("Northgate Rent Collection Ltd"),
    },
    DemoSystem {
        name: "Brightwell Payroll Bureau",
        kind: SystemKind::Processor,
        holds_all: false,
        contact: "privacy@brightwell.example",
        notes: "Payroll for staff and sessional workers.",
        owner: "Finance Director",
        location: "Brightwell's payroll system, hosted by Cloudline Hosting",
        country: "IN",
        security: "ISO 27001; encrypted at rest; payroll files sent over an encrypted portal.",
        supplier: Some("Brightwell Payroll Bureau"),
    },
    DemoSystem {
        name: "Repairs contractor portal (Fixwell)",
        kind: SystemKind::Processor,
        holds_all: false,
        contact: "data.protection@fixwell.example",
        notes: "Repair jobs with tenant name, address and phone.",
        owner: "Repairs Manager",
        location: "Fixwell's web portal, UK hosting",
        country: "GB",
        security: "Cyber Essentials; named accounts for our staff; jobs closed after 90 days.",
        supplier: Some("Fixwell Repairs Ltd"),
    },
    DemoSystem {
        name: "Paper files (Cabinet 3, head office)",
        kind: SystemKind::System,
        holds_all: false,
        contact: "Office manager",
        notes: "Pre-2019 tenancy files awaiting digitisation.",
        owner: "Office Manager",
        location: "Cabinet 3, records room, head office",
        country: "GB",
        security: "Locked cabinet in a locked room; key held by the office manager; signing-out log.",
        supplier: None,
    },
];

/// What the registers' seeding made, for the examples that name entries.
pub struct Seeded {
    /// The systems' ids, in the order of [`SYSTEMS`].
    pub systems: Vec<String>,
}

/// The gaps the demo's registers hold on purpose, one of each kind: (the compliance
/// check's rule, the entry's title, or the category of people for
/// `subjects_without_activity`). `steward check` on the demo finds exactly these.
#[cfg(test)]
pub const SEEDED_GAPS: &[(&str, &str)] = &[
    ("activity_without_lawful_basis", "Tenant satisfaction survey"),
    ("activity_without_retention", "Estate inspections and photographs"),
    ("activity_without_system", "CCTV at the estate offices"),
    ("required_column_empty", "Complaints handling"),
    ("processor_without_contract", "Fixwell Repairs Ltd"),
    ("sub_processor_without_consent", "Brightwell Payroll Bureau"),
    ("transfer_without_mechanism", "Tenant survey call centre (Philippines)"),
    ("sharing_review_overdue", "Safeguarding information sharing with Exampleshire Children's Services"),
    ("policy_review_overdue", "Records retention and disposal policy"),
    ("ico_registration_due", "Little Acorns Family Support"),
    ("training_lapsed_with_special_access", crate::cli::demo::LAPSED_COURSE),
    ("subjects_without_activity", "Supplier contact"),
    ("consent_renewal_overdue", "consent"),
];

/// Fill every register; `today` dates the reviews, renewals and expiries.
pub fn seed(app: &App, today: Date) -> AppResult<Seeded> {
    let systems = systems(app)?;
    accountability(app, &systems, today)?;
    link_suppliers(app, &systems)?;
    Ok(Seeded { systems })
}

/// The housing rules the demo adds to the charity's retention schedule: the group's
/// tenancy, housing-application and CCTV records (common practice for housing
/// associations: Limitation Act 1980 s5 for tenancy files; ICO CCTV guidance).
pub const HOUSING_RECORD_TYPES: &str = r#"
# --- The housing association (demo) --------------------------------------------------

[[record_type]]
id = "tenancy-file"
name = "Tenancy files"
rule = "6 years after left"
source = "Tenancy files, rent accounts and repairs history: six years after the tenancy ends (Limitation Act 1980 s5)."

[[record_type]]
id = "housing-application"
name = "Housing applications"
rule = "12 months after decision"
source = "Applications for housing that did not lead to a tenancy: twelve months after the decision."

[[record_type]]
id = "cctv-footage"
name = "CCTV footage"
rule = "30 days after created"
source = "CCTV footage is overwritten after 30 days unless kept for an incident."
"#;

fn entry<E: Entry + DeserializeOwned>(v: Value) -> AppResult<E> {
    serde_json::from_value(v).map_err(|e| AppError::Conflict(format!("demo register entry: {e}")))
}

fn add<E: Entry + DeserializeOwned>(app: &App, v: Value) -> AppResult<String> {
    Ok(app.register_create::<E>(&Context::cli(), entry(v)?)?.id)
}

fn days(today: Date, n: i64) -> String {
    today.checked_add(jiff::Span::new().days(n)).unwrap_or(today).to_string()
}

fn months(today: Date, n: i64) -> String {
    today.checked_add(jiff::Span::new().months(n)).unwrap_or(today).to_string()
}

/// The accountability registers of the group.
#[allow(clippy::too_many_lines)]
fn accountability(app: &App, systems: &[String], today: Date) -> AppResult<()> {
    let sys = |name: &str| {
        SYSTEMS.iter().position(|s| s.name == name).and_then(|i| systems.get(i)).cloned().unwrap_or_default()
    };
    let housing = add::<Organisation>(
        app,
        json!({"name": "Riverside Vale Homes", "ico_registration_number": "ZA000481",
            "ico_renewal_on": months(today, 7), "address": "1 Quayside Court, Exampleton EX1 4QA",
            "email": "enquiries@riverside-vale.example", "telephone": "01632 960100",
            "dpo_name": "Dana Okafor", "dpo_contact": "dpo@demo.example.org", "sector": "Housing association"}),
    )?;
    let charity = add::<Organisation>(
        app,
        json!({"name": "Little Acorns Family Support", "ico_registration_number": "ZB004417",
            "ico_renewal_on": days(today, 12), "address": "The Old School, Mill Lane, Exampleton EX2 7LN",
            "email": "hello@littleacorns.example", "telephone": "01632 960245",
            "dpo_name": "Dana Okafor", "dpo_contact": "dpo@demo.example.org", "parent_id": housing,
            "sector": "Family-support charity"}),
    )?;

    let northgate = add::<Processor>(
        app,
        json!({"name": "Northgate Rent Collection Ltd", "contact": "dpo@northgate-rent.example",
            "services": "Rent collection and arrears letters", "country": "GB",
            "contract": {"signed_on": months(today, -20), "expires_on": months(today, 16),
                "document": "Rent collection agreement 2025, schedule 4 (data processing)", "art28_terms": true,
                "breach_notice_hours": 24},
            "security_assurances": "Cyber Essentials Plus; ISO 27001 certificate seen", "review_on": months(today, 4),
            "system_ids": [sys("Northgate Rent Collection Ltd")],
            "sub_processors": [{"name": "Printwise Mailing Ltd", "service": "Printing and posting letters", "country": "GB",
                "consent": [{"event": "asked", "on": months(today, -14), "by": "Northgate Rent Collection Ltd", "document": "Notice of new sub-processor"},
                            {"event": "consented", "on": months(today, -13), "by": "Dana Okafor", "document": "Letter of authorisation"}]}]}),
    )?;
    let payroll = add::<Processor>(
        app,
        json!({"name": "Brightwell Payroll Bureau", "contact": "privacy@brightwell.example",
            "services": "Payroll for staff and sessional workers", "country": "GB",
            "contract": {"signed_on": months(today, -30), "document": "Payroll services contract, data processing annex",
                "art28_terms": true, "breach_notice_hours": 48},
            "security_assurances": "ISO 27001", "review_on": months(today, 6),
            "system_ids": [sys("Brightwell Payroll Bureau")],
            "sub_processors": [{"name": "Cloudline Hosting", "service": "Hosting the payroll system", "country": "IN",
                "consent": [{"event": "asked", "on": days(today, -20), "by": "Brightwell Payroll Bureau", "document": "Email giving notice of a new host"}]}]}),
    )?;
    let fixwell = add::<Processor>(
        app,
        json!({"name": "Fixwell Repairs Ltd", "contact": "data.protection@fixwell.example",
            "services": "Responsive repairs and gas servicing", "country": "GB",
            "security_assurances": "Cyber Essentials", "review_on": months(today, 2),
            "system_ids": [sys("Repairs contractor portal (Fixwell)")]}),
    )?;

    let india = add::<Transfer>(
        app,
        json!({"destination_country": "IN", "recipient": "Cloudline Hosting (payroll system)", "mechanism": "idta",
            "tra_link": "Transfer risk assessment TRA-2026-02", "tra_on": months(today, -1), "processor_id": payroll}),
    )?;
    let survey_call_centre = add::<Transfer>(
        app,
        json!({"destination_country": "PH", "recipient": "Tenant survey call centre (Philippines)",
            "notes": "Phone survey of tenants run by the survey company's call centre."}),
    )?;

    let council = add::<SharingAgreement>(
        app,
        json!({"title": "Housing support referrals with Exampleshire County Council",
            "parties": ["Riverside Vale Homes", "Exampleshire County Council"],
            "purpose": "Referring tenants at risk of losing their home to the council's housing support service",
            "data_shared": ["Contact details", "Tenancy and rent arrears", "Support needs"], "lawful_basis": "public_task",
            "signed_on": months(today, -10), "approved_by_dpo": "Dana Okafor", "approved_on": months(today, -10),
            "review_on": months(today, 14),
            "breach_duties": "Each party tells the other's data protection officer within 24 hours of finding a breach.",
            "document": "Information sharing agreement ISA-07"}),
    )?;
    let safeguarding = add::<SharingAgreement>(
        app,
        json!({"title": "Safeguarding information sharing with Exampleshire Children's Services",
            "parties": ["Little Acorns Family Support", "Exampleshire Children's Services"],
            "purpose": "Sharing concerns about children's welfare with the local authority",
            "data_shared": ["Names and addresses", "Concerns and case notes"], "lawful_basis": "legal_obligation",
            "signed_on": months(today, -38), "approved_by_dpo": "Dana Okafor", "approved_on": months(today, -38),
            "review_on": days(today, -45),
            "breach_duties": "Tell the other party at once, and within 24 hours in writing.",
            "document": "Safeguarding protocol 2023"}),
    )?;

    let tenant_notice = add::<Notice>(
        app,
        json!({"title": "Tenant privacy notice", "version_label": "3", "audience": "Tenants and applicants",
            "effective_on": months(today, -8), "url": "https://riverside-vale.example/privacy",
            "text": "Riverside Vale Homes uses your information to manage your tenancy, collect rent and carry out repairs.\n\nWe share it with contractors who do repairs for us and, when you need support, with Exampleshire County Council.\n\nYou can ask for a copy of your information, or ask us to correct it, by writing to our data protection officer at dpo@demo.example.org."}),
    )?;
    let family_notice = add::<Notice>(
        app,
        json!({"title": "Family support privacy notice", "version_label": "2", "audience": "Families we support",
            "effective_on": months(today, -14),
            "text": "Little Acorns Family Support keeps a record of the support we give your family.\n\nWe keep family files for six years after support ends, and longer where there has been a safeguarding concern."}),
    )?;
    let staff_notice = add::<Notice>(
        app,
        json!({"title": "Staff and volunteer privacy notice", "version_label": "1", "audience": "Staff, volunteers and job applicants",
            "effective_on": months(today, -24),
            "text": "We use your information to employ you or to organise your volunteering, to pay you and to keep people safe."}),
    )?;

    for p in [
        json!({"title": "Data protection policy", "owner": "Dana Okafor", "approved_on": months(today, -18),
            "review_every_months": 36, "document": "POL-DP-01 version 4", "shared_with_group": true}),
        json!({"title": "Appropriate policy document (special category and criminal offence data)", "owner": "Dana Okafor",
            "approved_on": months(today, -6), "review_every_months": 12, "document": "POL-DP-02", "shared_with_group": true}),
        json!({"title": "Records retention and disposal policy", "owner": "Head of governance",
            "approved_on": months(today, -40), "review_every_months": 36, "document": "POL-RM-03 version 2"}),
        json!({"title": "Information sharing and disclosure procedure", "owner": "Dana Okafor",
            "approved_on": months(today, -9), "review_every_months": 24, "document": "PRO-DP-05"}),
    ] {
        add::<Policy>(app, p)?;
    }

    let full = |name: &str, org: &str, function: &str| {
        json!({"name": name, "business_function": function, "controller_ids": [org],
            "location": "United Kingdom", "automated_decisions": "None",
            "security_measures": "Role-based access, encryption at rest and in transit, annual access review",
            "dpia_required": "no", "dpia_progress": "Screened: no DPIA needed", "retained_per_policy": true})
    };
    let merge = |mut base: Value, extra: Value| {
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        base
    };
    let housing_system = sys("Housing management system");
    let email = sys("Email (Microsoft 365)");
    let activities = [
        merge(
            full("Tenancy management", &housing, "Housing management"),
            json!({
            "subject_categories": ["Tenants", "Former tenants", "Family members", "Children"],
            "data_categories": ["Contact details", "Tenancy agreement and household", "Rent account", "Repairs history", "Support needs"],
            "recipients": ["Repairs contractors", "Exampleshire County Council housing support", "Rent collection agents"],
            "source": "from you, from the members of your household and from the council's housing register",
            "purposes": [
                {"purpose": "Managing your tenancy", "lawful_basis": "contract"},
                {"purpose": "Collecting rent and recovering arrears", "lawful_basis": "contract"},
                {"purpose": "Reporting to the Regulator of Social Housing", "lawful_basis": "legal_obligation"}],
            "special_category": [{"category": "health", "art9_condition": "g", "schedule1_condition": "part2_para16", "policy_document": true}],
            "system_ids": [housing_system, email, sys("Paper files (Cabinet 3, head office)")],
            "processor_ids": [northgate, fixwell], "sharing_agreement_ids": [council], "notice_ids": [tenant_notice],
            "retention_record_types": ["tenancy-file"]}),
        ),
        merge(
            full("Housing applications", &housing, "Lettings"),
            json!({
            "subject_categories": ["Applicants"],
            "data_categories": ["Contact details", "Housing need", "Household members"],
            "recipients": ["Exampleshire County Council lettings team"],
            "source": "from you and from the council's housing register",
            "purposes": [{"purpose": "Assessing and offering homes", "lawful_basis": "contract"}],
            "system_ids": [housing_system], "notice_ids": [tenant_notice],
            "retention_record_types": ["housing-application"]}),
        ),
        merge(
            full("Repairs and maintenance", &housing, "Property services"),
            json!({
            "subject_categories": ["Tenants"],
            "data_categories": ["Name, address and phone number", "Access arrangements"],
            "recipients": ["Repairs contractors"], "source": "from you",
            "purposes": [{"purpose": "Carrying out repairs and safety checks", "lawful_basis": "contract"}],
            "system_ids": [housing_system, sys("Repairs contractor portal (Fixwell)")], "processor_ids": [fixwell],
            "notice_ids": [tenant_notice], "retention_record_types": ["tenancy-file"]}),
        ),
        merge(
            full("Tenant satisfaction survey", &housing, "Customer insight"),
            json!({
            "subject_categories": ["Tenants"], "data_categories": ["Contact details", "Survey answers"],
            "recipients": ["Survey company"], "source": "from you",
            "purposes": [{"purpose": "Measuring tenant satisfaction for the regulator's measures", "lawful_basis": ""}],
            "system_ids": [housing_system], "transfer_ids": [survey_call_centre],
            "retention_record_types": ["tenancy-file"]}),
        ),
        merge(
            full("CCTV at the estate offices", &housing, "Facilities"),
            json!({
            "subject_categories": ["Tenants", "Visitors"], "data_categories": ["CCTV images"],
            "recipients": ["Police, on written request"], "source": "from the cameras",
            "purposes": [{"purpose": "Keeping staff and visitors safe", "lawful_basis": "legitimate_interests",
                "legitimate_interest": "The safety of staff and visitors and the security of the offices", "lia_link": "LIA-04"}],
            "retention_record_types": ["cctv-footage"]}),
        ),
        merge(
            full("Estate inspections and photographs", &housing, "Neighbourhoods"),
            json!({
            "subject_categories": ["Tenants"], "data_categories": ["Photographs of homes and gardens", "Inspection notes"],
            "recipients": ["Repairs contractors"], "source": "from our staff's inspections",
            "purposes": [{"purpose": "Keeping estates safe and in good repair", "lawful_basis": "contract"}],
            "system_ids": [sys("Shared drive (Housing)")]}),
        ),
        merge(
            full("Complaints handling", &housing, "Customer services"),
            json!({
            "subject_categories": ["Tenants", "Service users"], "data_categories": [], "recipients": ["Housing Ombudsman"],
            "source": "from you",
            "purposes": [{"purpose": "Answering complaints", "lawful_basis": "legal_obligation"}],
            "system_ids": [email], "retention_record_types": ["complaint"]}),
        ),
        merge(
            full("Family support casework", &charity, "Family support"),
            json!({
            "subject_categories": ["Service users", "Children", "Family members"],
            "data_categories": ["Contact details", "Family circumstances", "Support plans", "Health"],
            "recipients": ["Exampleshire Children's Services, when a child may be at risk", "Schools and health visitors, with your agreement"],
            "source": "from you, and from the professionals who referred you",
            "purposes": [
                {"purpose": "Supporting your family", "lawful_basis": "legitimate_interests",
                    "legitimate_interest": "Giving the support families ask us for", "lia_link": "LIA-01"},
                {"purpose": "Sharing your family's story in our annual report", "lawful_basis": "consent",
                    "consent_purpose": "Sharing your family's story in our annual report"}],
            "special_category": [{"category": "health", "art9_condition": "h", "schedule1_condition": "part1_para2"}],
            "system_ids": [sys("Family support case records"), email], "sharing_agreement_ids": [safeguarding],
            "notice_ids": [family_notice], "retention_record_types": ["family-file"]}),
        ),
        merge(
            full("Volunteer management", &charity, "Volunteering"),
            json!({
            "subject_categories": ["Volunteers"],
            "data_categories": ["Contact details", "References", "DBS check outcome"],
            "recipients": ["Disclosure and Barring Service"], "source": "from you and from your referees",
            "purposes": [{"purpose": "Recruiting and supporting volunteers", "lawful_basis": "legitimate_interests",
                "legitimate_interest": "Running a safe volunteering programme", "lia_link": "LIA-02"}],
            "special_category": [{"category": "criminal_offence", "schedule1_condition": "part1_para1", "policy_document": true}],
            "system_ids": [sys("Family support case records")], "notice_ids": [staff_notice],
            "retention_record_types": ["volunteer-file", "dbs-record"]}),
        ),
        merge(
            full("Trustee and board governance", &charity, "Governance"),
            json!({
            "subject_categories": ["Trustees", "Board members"],
            "data_categories": ["Contact details", "Declarations of interest"],
            "recipients": ["Charity Commission", "Companies House"], "source": "from you",
            "purposes": [{"purpose": "Governing the charity and the association", "lawful_basis": "legal_obligation"}],
            "system_ids": [email], "notice_ids": [staff_notice],
            "retention_record_types": ["trustee-file", "board-minutes"]}),
        ),
        merge(
            full("Staff employment and payroll", &housing, "Human resources"),
            json!({
            "controller_ids": [housing, charity],
            "subject_categories": ["Employees", "Former employees"],
            "data_categories": ["Contact details", "Bank details", "Pay and pension", "Sickness absence"],
            "recipients": ["HMRC", "The pension scheme", "Payroll bureau"], "source": "from you, and from your referees",
            "purposes": [
                {"purpose": "Employing and paying staff", "lawful_basis": "contract"},
                {"purpose": "Reporting pay and tax to HMRC", "lawful_basis": "legal_obligation"}],
            "special_category": [{"category": "health", "art9_condition": "b", "schedule1_condition": "part1_para1", "policy_document": true}],
            "system_ids": [sys("Brightwell Payroll Bureau"), email], "processor_ids": [payroll], "transfer_ids": [india],
            "notice_ids": [staff_notice], "retention_record_types": ["staff-personnel-file", "payroll-tax-record"]}),
        ),
        merge(
            full("Recruitment", &housing, "Human resources"),
            json!({
            "controller_ids": [housing, charity],
            "subject_categories": ["Applicants"], "data_categories": ["Application forms", "Interview notes"],
            "recipients": ["Interview panel members"], "source": "from you and from your referees",
            "purposes": [{"purpose": "Choosing who to employ", "lawful_basis": "contract"}],
            "system_ids": [email], "notice_ids": [staff_notice],
            "retention_record_types": ["application-unsuccessful", "application-successful"]}),
        ),
    ];
    let mut ids = Vec::new();
    for a in activities {
        ids.push(add::<Activity>(app, a)?);
    }
    let casework = ids.get(7).cloned().unwrap_or_default();
    consents(app, &casework, &family_notice, &tenant_notice, today)?;
    let tenancy = ids.first().cloned().unwrap_or_default();
    incidents(app, &tenancy, &casework, &council, &safeguarding, today)
}

/// An instant `back` days before `today` at `hh:mm` UK time, RFC 3339.
fn uk_at(today: Date, back: i64, hh: i8, mm: i8) -> String {
    let day = today.checked_sub(jiff::Span::new().days(back)).unwrap_or(today);
    day.at(hh, mm, 0, 0).to_zoned(steward_core::time::uk_zone()).map(|z| z.timestamp().to_string()).unwrap_or_default()
}

/// Like [`uk_at`], moved back to a working day (England and Wales) when it falls on a
/// weekend or bank holiday, so the demo's daytime decisions stay within working hours.
fn work_at(today: Date, back: i64, hh: i8, mm: i8) -> String {
    let cal = steward_core::calendar::Calendar::new(steward_core::Region::EnglandAndWales);
    let mut back = back;
    while back < 3650 {
        let day = today.checked_sub(jiff::Span::new().days(back)).unwrap_or(today);
        if cal.is_working_day(day) {
            break;
        }
        back += 1;
    }
    uk_at(today, back, hh, mm)
}

/// A year of breaches (reported in time, not reported with the reason, one reported late
/// with the reasons, a near miss, and one whose clock is running), disclosures to the
/// police, the council, a social worker and the CQC (one decided out of hours, awaiting
/// the DPO's approval), and DPIAs (one whose high residual risk is with the ICO).
#[allow(clippy::too_many_lines)]
fn incidents(
    app: &App,
    tenancy: &str,
    casework: &str,
    council: &str,
    safeguarding: &str,
    today: Date,
) -> AppResult<()> {
    add::<Breach>(
        app,
        json!({"summary": "Arrears letters for 38 tenants were posted to the wrong addresses after a mail-merge error at the rent collection processor",
            "how_found": "Two tenants phoned to say they had received a neighbour's letter", "occurred_at": uk_at(today, 212, 9, 0),
            "aware_at": uk_at(today, 210, 11, 30), "cyber_incident": "no", "activity_ids": [tenancy],
            "data_categories": ["basic_identifiers", "economic_or_financial"], "people_affected": 38, "records_affected": 38,
            "people_categories": ["customers"], "containment": "Processor stopped the run; letters recovered from 31 households",
            "staff_involved": "Processor's mailing team; our rent team trained in May", "measures_before": "Sample check of merged letters",
            "prevent_recurrence": "Every merge checked against the address file before printing",
            "personal_data_involved": true, "likelihood": "likely", "severity": "significant",
            "potential_consequences": "Embarrassment and distress; arrears amounts seen by neighbours",
            "report_to_ico": true, "report_to_ico_reason": "Financial details of 38 tenants disclosed: a risk to them",
            "tell_individuals": true, "tell_individuals_reason": "Tenants should know their arrears were seen",
            "reports": [{"phase": "initial", "sent_at": uk_at(today, 209, 10, 0), "ico_reference": "IC-402187-T4K9"},
                        {"phase": "follow_up", "sent_at": uk_at(today, 195, 14, 0), "ico_reference": "IC-402187-T4K9",
                         "notes": "All letters accounted for; processor's new checks"}],
            "notifications": [{"to": "individuals", "name": "The 38 tenants", "on": days(today, -207), "how": "Letter and phone call"}],
            "actions": [{"action": "Audit the processor's merge checks", "owner": "Head of income", "due_on": days(today, -180), "done_on": days(today, -182)}],
            "lessons_learned": "Checks on merged letters belong in the processor contract", "closed_on": days(today, -170)}),
    )?;
    add::<Breach>(
        app,
        json!({"summary": "An email with one family's support plan went to the wrong internal team",
            "how_found": "The recipient reported it at once", "occurred_at": uk_at(today, 130, 14, 5), "aware_at": uk_at(today, 130, 14, 20),
            "cyber_incident": "no", "activity_ids": [casework], "data_categories": ["basic_identifiers", "health"],
            "people_affected": 4, "records_affected": 1, "people_categories": ["children", "vulnerable_adults"],
            "containment": "Recalled and deleted within 15 minutes; deletion confirmed in writing",
            "personal_data_involved": true, "likelihood": "very_unlikely", "severity": "significant",
            "report_to_ico": false, "report_to_ico_reason": "Sent only to trained staff bound by confidentiality and deleted within 15 minutes: unlikely to result in a risk",
            "tell_individuals": false, "tell_individuals_reason": "No risk to the family", "lessons_learned": "Autocomplete of internal addresses switched off",
            "closed_on": days(today, -128)}),
    )?;
    add::<Breach>(
        app,
        json!({"summary": "A housing officer's unencrypted laptop was stolen from a car",
            "how_found": "Reported by the officer to the police and then to the team leader", "occurred_at": uk_at(today, 95, 19, 0),
            "aware_at": uk_at(today, 94, 9, 15), "cyber_incident": "no", "activity_ids": [tenancy],
            "data_categories": ["basic_identifiers", "economic_or_financial", "health"], "people_affected": 212, "records_affected": 640,
            "people_categories": ["customers", "vulnerable_adults"], "encrypted": false,
            "containment": "Account disabled and remote wipe sent; police crime reference obtained",
            "personal_data_involved": true, "likelihood": "likely", "severity": "severe",
            "potential_consequences": "Identity fraud; distress for tenants with health conditions",
            "report_to_ico": true, "report_to_ico_reason": "High risk: health and financial data of 212 tenants",
            "delay_reasons": "What the laptop held was only established from the backup on the fourth day",
            "tell_individuals": true, "tell_individuals_reason": "High risk to the tenants (Art 34)",
            "reports": [{"phase": "initial", "sent_at": uk_at(today, 90, 11, 0), "ico_reference": "IC-455013-H2P7"}],
            "notifications": [{"to": "individuals", "name": "212 tenants", "on": days(today, -89), "how": "Letter"},
                              {"to": "police", "name": "Westshire Police", "on": days(today, -94), "how": "Crime report"}],
            "actions": [{"action": "Encrypt every laptop", "owner": "IT manager", "due_on": days(today, -60), "done_on": days(today, -65)}]}),
    )?;
    add::<Breach>(
        app,
        json!({"kind": "near_miss", "summary": "A cabinet of tenancy files was found unlocked at the area office overnight",
            "how_found": "Cleaner's report", "aware_at": uk_at(today, 40, 8, 0), "containment": "Locked; nothing missing",
            "lessons_learned": "Key check added to the closing routine"}),
    )?;
    add::<Breach>(
        app,
        json!({"summary": "Repairs contractor reports a phishing email opened by an operative with access to tenants' contact details",
            "how_found": "The contractor's own report under the processing contract", "aware_at": uk_at(today, 1, 10, 0),
            "cyber_incident": "yes", "activity_ids": [tenancy], "data_categories": ["basic_identifiers", "location"],
            "people_categories": ["customers"], "containment": "Operative's password reset; sign-ins under review"}),
    )?;

    let saturday = {
        let mut d = today.checked_sub(jiff::Span::new().days(7)).unwrap_or(today);
        while d.weekday() != jiff::civil::Weekday::Saturday {
            d = d.yesterday().unwrap_or(d);
        }
        i64::from((today - d).get_days())
    };
    add::<Disclosure>(
        app,
        json!({"requester_organisation": "Westshire Police", "requester_officer": "DC R. Akhtar, CID",
            "identity_checked": "Called back through the force switchboard", "request_summary": "A tenant's current address and tenancy start date, for an investigation into criminal damage",
            "requested_at": work_at(today, 160, 10, 20), "in_writing": true, "basis": "crime_and_taxation", "decision": "disclose",
            "justification": "Not disclosing would be likely to prejudice the investigation; only address and start date sent",
            "decided_by": "Dana Okafor, DPO", "decided_at": work_at(today, 159, 11, 0), "data_sent": "Address and tenancy start date",
            "sent_how": "Secure email", "subject_told": "not_told", "subject_not_told_reason": "Telling the tenant would prejudice the investigation (DPA 2018 Sch 2 Pt 1 para 2)"}),
    )?;
    add::<Disclosure>(
        app,
        json!({"requester_organisation": "Westshire County Council", "requester_officer": "Council tax investigations team",
            "identity_checked": "Request on council letterhead from a council email address", "request_summary": "Occupants of a flat and their tenancy dates, for a council tax liability review",
            "requested_at": work_at(today, 120, 9, 40), "in_writing": true, "basis": "required_by_law_or_legal_proceedings", "decision": "partly",
            "justification": "Tenancy dates are required for the liability review; household members' details are not needed",
            "decided_by": "Dana Okafor, DPO", "decided_at": work_at(today, 118, 15, 10), "data_sent": "Lead tenant's name and tenancy dates",
            "sent_how": "Secure email", "subject_told": "told"}),
    )?;
    add::<Disclosure>(
        app,
        json!({"requester_organisation": "Westshire Children's Services", "requester_officer": "Social worker, family safeguarding team",
            "identity_checked": "Known contact under the safeguarding agreement", "request_summary": "Attendance and concerns noted at the family's support sessions",
            "requested_at": work_at(today, 75, 13, 0), "in_writing": true, "basis": "sharing_agreement", "sharing_agreement_id": safeguarding,
            "decision": "disclose", "decided_by": "Family support manager", "decided_at": work_at(today, 75, 16, 30),
            "data_sent": "Session attendance and two recorded concerns", "sent_how": "Secure email", "subject_told": "will_be_told"}),
    )?;
    add::<Disclosure>(
        app,
        json!({"requester_organisation": "Care Quality Commission", "requester_officer": "Inspector, adult social care",
            "identity_checked": "Warrant card seen on the inspection visit", "request_summary": "Care records of two residents of the extra-care scheme, for an inspection",
            "requested_at": work_at(today, 45, 10, 0), "in_writing": false, "basis": "required_by_law_or_legal_proceedings", "decision": "disclose",
            "justification": "The CQC may require records for an inspection (Health and Social Care Act 2008 s63)",
            "decided_by": "Scheme manager", "decided_at": work_at(today, 45, 10, 30), "data_sent": "Shown on site; no copies taken",
            "sent_how": "Inspected on site", "subject_told": "told"}),
    )?;
    add::<Disclosure>(
        app,
        json!({"requester_organisation": "Westshire Police", "requester_officer": "PC 4471 Morgan, response team",
            "identity_checked": "Called back through the force control room", "request_summary": "Whether a named person is a tenant at an address, and an emergency contact, after a welfare concern",
            "requested_at": uk_at(today, saturday, 1, 40), "in_writing": false, "basis": "vital_interests", "decision": "disclose",
            "justification": "Officers were concerned for the tenant's life; only tenancy confirmation and next of kin given",
            "decided_by": "Out-of-hours on-call manager", "decided_at": uk_at(today, saturday, 2, 0),
            "data_sent": "Confirmation of tenancy and the emergency contact's phone number", "sent_how": "Phone", "subject_told": "will_be_told"}),
    )?;
    let _ = council;

    let all_no = |yes: &[&str]| {
        let mut m = serde_json::Map::new();
        for (k, _, _) in steward_core::register::dpia::Screening::QUESTIONS {
            m.insert((*k).into(), Value::Bool(yes.contains(k)));
        }
        Value::Object(m)
    };
    add::<Dpia>(
        app,
        json!({"title": "CCTV in communal areas of Quayside Court", "activity_ids": [tenancy],
            "screening": all_no(&["public_monitoring", "systematic_monitoring"]), "need": "Monitoring of shared entrances and stairwells",
            "nature": "Recorded video, kept 30 days", "scope": "84 flats, visitors and staff", "context": "Reports of anti-social behaviour",
            "purposes": "Preventing and detecting crime", "consultation": "Residents' panel consulted; 71% in favour",
            "necessity": "Lighting and door entry tried first; cameras cover shared areas only",
            "risks": [{"description": "Intrusion into residents' private lives", "likelihood": "possible", "severity": "significant"}],
            "measures": [{"risk": "Intrusion", "measure": "Cameras never face front doors; footage viewed by two named staff only", "effect": "reduced", "residual_risk": "low", "approved": true}],
            "measures_approved_by": "Director of housing", "residual_risk_approved_by": "Director of housing",
            "dpo_advice": "Proceed with the privacy masking in place", "dpo_advice_accepted": true,
            "kept_under_review_by": "Estate services manager", "signed_off_on": months(today, -10), "review_on": months(today, 2)}),
    )?;
    add::<Dpia>(
        app,
        json!({"title": "Tenancy sustainment risk scoring pilot", "activity_ids": [tenancy],
            "screening": all_no(&["denial_of_service", "data_matching", "evaluation_or_scoring", "vulnerable_people"]),
            "need": "A model scoring tenants at risk of losing their tenancy, to offer support early",
            "nature": "Rent, repairs and contact history combined into a score", "scope": "All 3,100 general-needs tenants",
            "risks": [{"description": "Tenants wrongly scored and treated differently", "likelihood": "probable", "severity": "severe"}],
            "measures": [{"risk": "Wrong scores", "measure": "A housing officer reviews every score before any contact", "effect": "reduced", "residual_risk": "high", "approved": true}],
            "high_risk_found_on": days(today, -30), "dpo_notified_on": days(today, -27),
            "dpo_advice": "Do not start until the ICO has been consulted", "dpo_advice_accepted": true,
            "ico_consultation": {"sent_on": days(today, -21)}}),
    )?;
    add::<Dpia>(
        app,
        json!({"title": "Online referral form for family support", "activity_ids": [casework],
            "screening": {"sensitive_data": true, "vulnerable_people": true, "targeting_children": false},
            "need": "Families and professionals refer online instead of by phone",
            "risks": [{"description": "Referral details seen by the wrong person", "likelihood": "remote", "severity": "severe"}]}),
    )?;
    Ok(())
}

/// The consent ledger and the notices people received: families the charity supports
/// agreed (on a signed form) to their story in the annual report, renewed every two
/// years; one renewal is overdue (a seeded gap) and one family withdrew. Tenants
/// received the tenant privacy notice at sign-up.
fn consents(app: &App, casework: &str, family_notice: &str, tenant_notice: &str, today: Date) -> AppResult<()> {
    let ctx = Context::cli();
    let subjects = app.store().list_subjects(None, 100_000)?;
    let of = |category: &'static str| subjects.iter().filter(move |s| s.categories.iter().any(|c| c == category));
    for (n, s) in of("service_user").take(5).enumerate() {
        let n = i64::try_from(n).unwrap_or(0);
        // The first was due for renewal three weeks ago; the others are in date.
        let (given, renew) = if n == 0 {
            (months(today, -24), days(today, -21))
        } else {
            (months(today, -3 - n), months(today, 21 - n))
        };
        let c = app.record_consent(
            &ctx,
            entry_value(json!({"subject_id": s.id, "activity_id": casework,
                "purpose": "Sharing your family's story in our annual report", "given_on": given, "method": "written",
                "evidence": "Signed consent form, scanned to the family file",
                "wording": "I agree that Little Acorns may tell our family's story, without our surname, in its annual report.",
                "notice_id": family_notice, "renew_on": renew}))?,
        )?;
        if n == 4 {
            app.withdraw_consent(&ctx, &c.id, entry_value(json!({"on": days(today, -10), "method": "email"}))?)?;
        }
    }
    for s in of("tenant").take(20) {
        let receipt =
            entry_value(json!({"notice_id": tenant_notice, "received_on": months(today, -6), "method": "post"}))?;
        app.record_notice_receipt(&ctx, &s.id, receipt)?;
    }
    Ok(())
}

fn entry_value<T: DeserializeOwned>(v: Value) -> AppResult<T> {
    serde_json::from_value(v).map_err(|e| AppError::Conflict(format!("demo entry: {e}")))
}

/// The register of systems and processors (suppliers are linked by [`link_suppliers`]
/// once the processors are on their register).
fn systems(app: &App) -> AppResult<Vec<String>> {
    let ctx = Context::cli();
    SYSTEMS.iter().map(|d| Ok(app.create_system(&ctx, new_system(d, String::new()))?.id)).collect()
}

fn new_system(d: &DemoSystem, processor_id: String) -> NewSystem {
    NewSystem {
        name: d.name.into(),
        kind: d.kind,
        holds_all_subjects: d.holds_all,
        contact: d.contact.into(),
        notes: d.notes.into(),
        retired: false,
        owner: d.owner.into(),
        location: d.location.into(),
        hosting_country: d.country.into(),
        processor_id,
        security_measures: d.security.into(),
    }
}

/// Each system supplied by a processor linked to that processor's entry.
fn link_suppliers(app: &App, systems: &[String]) -> AppResult<()> {
    let ctx = Context::cli();
    let processors = app.register_titles(&ctx, steward_core::register::entry::RegisterKind::Processor)?;
    for (d, id) in SYSTEMS.iter().zip(systems) {
        let Some(supplier) = d.supplier else { continue };
        let processor = processors
            .iter()
            .find(|(_, name, _)| name == supplier)
            .map(|(pid, _, _)| pid.clone())
            .ok_or_else(|| AppError::Conflict(format!("demo supplier {supplier} is not on the register")))?;
        app.update_system(&ctx, id, new_system(d, processor))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_gap_is_seeded_once() {
        let mut rules: Vec<&str> = SEEDED_GAPS.iter().map(|(r, _)| *r).collect();
        rules.sort_unstable();
        rules.dedup();
        assert_eq!(rules.len(), SEEDED_GAPS.len());
    }

    #[test]
    fn every_demo_system_has_an_owner_a_location_a_country_and_security_measures() {
        for d in &SYSTEMS {
            assert!(!d.owner.is_empty() && !d.location.is_empty() && !d.security.is_empty(), "{}", d.name);
            assert!(steward_core::register::country::name(d.country).is_some(), "{}", d.name);
        }
        let supplied: Vec<&str> = SYSTEMS.iter().filter(|d| d.supplier.is_some()).map(|d| d.name).collect();
        assert_eq!(
            supplied,
            ["Northgate Rent Collection Ltd", "Brightwell Payroll Bureau", "Repairs contractor portal (Fixwell)"]
        );
    }
}
