//! Note and role tables for the demo data (pure data): what a record about each kind of
//! person says, and job titles.

pub(super) const TENANT_NOTES: &[&str] = &[
    "Prefers contact by text message; works shifts.",
    "Repayment plan agreed for rent arrears of {amount}; review in three months.",
    "Reported damp and mould in the back bedroom; surveyor visit booked.",
    "Gas safety check completed after two missed appointments.",
    "Asked about a mutual exchange to a two-bedroom property.",
    "Right to Buy enquiry received; information pack sent.",
    "Permission given to keep a dog.",
    "Asked for all letters to be sent by email.",
    "Noise complaint about a neighbour logged; mediation offered to both households.",
    "Direct debit set up for rent from next month.",
    "Requested a parking permit for the estate car park.",
    "Garden left overgrown; tenancy conditions reminder sent.",
    "Key fob for the communal door replaced.",
    "Came to the residents' panel meeting in the spring.",
];
pub(super) const FORMER_TENANT_NOTES: &[&str] = &[
    "Moved out; forwarding address confirmed and keys returned.",
    "Former tenant arrears of {amount} passed to the recovery team.",
    "Ended tenancy to move in with family.",
    "Moved to a private rented flat; final rent account cleared.",
    "Tenancy ended by mutual exchange.",
];
pub(super) const APPLICANT_NOTES: &[&str] = &[
    "On the housing register, band B; needs two bedrooms.",
    "Awaiting proof of income before assessment.",
    "Private tenant; section 21 notice received, expires in two months.",
    "Bidding on one-bedroom flats; not yet shortlisted.",
    "Application on hold until identity documents are seen.",
    "Registered interest in shared ownership.",
];
pub(super) const HOUSING_ROLES: &[&str] = &[
    "Neighbourhood Officer",
    "Income Officer",
    "Repairs Planner",
    "Tenancy Sustainment Officer",
    "Housing Options Adviser",
    "Finance Assistant",
    "Customer Services Adviser",
    "Asset Manager",
    "Data Protection Officer",
    "Head of Housing",
    "Gas Compliance Lead",
    "Resident Engagement Officer",
];
pub(super) const HOUSING_OFFICES: &[&str] = &["Ipswich", "Norwich", "Cambridge"];
pub(super) const BOARD_ROLES: &[&str] =
    &["Chair of the board.", "Chair of the Audit and Risk Committee.", "Senior independent board member."];
pub(super) const SUPPLIER_NOTES: &[&str] = &[
    "Account manager for the responsive repairs contract.",
    "Contact for the lift maintenance contract.",
    "Gas servicing contract: out-of-hours escalation contact.",
    "Grounds maintenance contract manager.",
    "Contact at the tenant satisfaction survey company.",
    "Account manager for the housing management software.",
    "Contact for void property cleaning.",
    "Site manager for the roofing and scaffolding contractor.",
];
pub(super) const PARENT_NOTES: &[&str] = &[
    "Referred by the health visitor; comes to the Tuesday stay-and-play.",
    "Referred by the school's family liaison officer.",
    "Signposted to Citizens Advice for help with debts.",
    "Food bank voucher issued.",
    "Wants to join the parenting course starting next term.",
    "Prefers text reminders the day before sessions.",
    "Helped with a school uniform grant application.",
    "Asked for help finding a nursery place.",
    "Enjoyed the summer trip to the coast; keen to volunteer.",
];
pub(super) const CHILD_NOTES: &[&str] = &[
    "Comes to holiday club with siblings.",
    "Photo consent given by parent.",
    "No photo consent: keep out of publicity photos.",
    "Comes to homework club on Thursdays.",
];
pub(super) const VOLUNTEER_NOTES: &[&str] = &[
    "Available weekday mornings; can drive.",
    "Helps run the Saturday dads' group.",
    "Completed safeguarding training.",
    "Helps at the Tuesday stay-and-play.",
    "Interested in becoming a befriender.",
    "Taking a break from volunteering until the autumn.",
];
pub(super) const CHARITY_ROLES: &[&str] = &[
    "Family Support Worker",
    "Hub Coordinator",
    "Volunteer Coordinator",
    "Fundraising Officer",
    "Parenting Programme Lead",
    "Finance Officer",
];
pub(super) const TRUSTEE_ROLES: &[&str] = &["Chair of trustees.", "Treasurer.", "Safeguarding lead trustee."];
