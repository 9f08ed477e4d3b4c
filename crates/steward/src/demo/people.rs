//! The demo data generator: realistic fictional people for a housing association and a
//! family-support charity.
//!
//! [`generate`] builds two organisations' worth of people, side by side:
//!
//! * a housing association in East Anglia (in the style of "Riverside Vale Homes"):
//!   tenant households (lead and joint tenants, partners, adult children, children and
//!   the odd grandparent), former tenants, housing-register and job applicants, staff,
//!   former staff, board members and supplier contacts;
//! * a family-support charity with hubs in Leeds, Manchester, Birmingham, Cardiff,
//!   Edinburgh, Belfast and London: families (parents and kinship carers as service
//!   users, their children, separated co-parents, grandparents as emergency contacts),
//!   volunteers, trustees, staff and volunteer applicants.
//!
//! Housing association people come first in [`DemoData::subjects`], then the charity's.
//!
//! Everything is made up and safe to show:
//! * names are random combinations from hand-picked lists of common given names and
//!   surnames, not anyone in particular;
//! * email addresses only use the reserved domains example.org, example.com and
//!   example.net (RFC 2606);
//! * phone numbers only come from Ofcom's drama ranges (07700 900000–900999,
//!   01632 960000–960999 and 020 7946 0000–0999), written in a mix of UK formats;
//! * NHS numbers only come from the 999 range used for test data, with a good
//!   modulus-11 check digit;
//! * National Insurance numbers are random, with prefixes HMRC's rules allow;
//! * postcodes pair real-looking outward codes with random inward codes.
//!
//! The same seed always gives the same data.

use super::names::{CANTONESE, CN_ENGLISH_F, CN_ENGLISH_M, ENGLISH, GROUPS, MANDARIN, NICKNAMES};
use super::places::Town;
use jiff::{ToSpan, civil::Date};
use std::collections::HashSet;
use std::ops::RangeInclusive;
use steward_core::normalise::fold_name;
use steward_core::subject::{Address, Category, LinkKind, NewSubject};
/// Demo subjects and the links between them.
pub struct DemoData {
    /// The people to create: the housing association's first, then the charity's.
    pub subjects: Vec<NewSubject>,
    /// Links as `(from, to, kind)`, indices into `subjects`: `parent_of` from a parent
    /// (or kinship carer, or grandparent) to their child; `household` from the head of
    /// a household to the partner living with them, and from a step-parent to each
    /// step-child. Every child has at least one `parent_of` link.
    pub links: Vec<(usize, usize, LinkKind)>,
}

/// Generate the demo data for `seed`; children's and adults' ages are relative to
/// `today`. Deterministic: the same seed and date always give the same output.
pub fn generate(seed: u64, today: Date) -> DemoData {
    let mut g = Gen::new(seed, today);
    g.housing_association();
    g.charity();
    DemoData { subjects: g.subjects, links: g.links }
}

pub(super) fn nickname(given: &str) -> Option<&'static str> {
    NICKNAMES.iter().find(|(g, _)| *g == given).map(|(_, n)| *n)
}

/// The form of a surname list entry (`male/female` or one form) for one sex.
pub(super) fn surname_form(key: &str, sex: Sex) -> String {
    match key.split_once('/') {
        Some((male, female)) => if sex == Sex::Female { female } else { male }.to_string(),
        None => key.to_string(),
    }
}

/// A name as plain ASCII tokens for an email address: `Siobhán O'Brien` gives
/// `["siobhan"]` and `["obrien"]`; letters NFKD cannot strip (ł, đ) are mapped.
pub(super) fn ascii_tokens(name: &str) -> Vec<String> {
    let mut folded = String::new();
    for c in fold_name(name).chars() {
        match c {
            'ł' => folded.push('l'),
            'đ' => folded.push('d'),
            'ø' => folded.push('o'),
            'ß' => folded.push_str("ss"),
            'æ' => folded.push_str("ae"),
            ' ' => folded.push(' '),
            c if c.is_ascii_alphanumeric() => folded.push(c),
            _ => {}
        }
    }
    folded.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// Ages for the children of parents whose ages span `parents`, born when each parent
/// was `gap.0` to `gap.1` years old (as far as possible) and all under 18 now.
pub(super) fn child_ages(parents: (i16, i16), gap: (i16, i16)) -> RangeInclusive<i16> {
    let oldest = (parents.0 - gap.0).clamp(0, 17);
    let youngest = (parents.1 - gap.1).clamp(0, oldest);
    youngest..=oldest
}

/// Upper-case the first letter of each dot-separated part: `Jane.Smith@Example.com`.
pub(super) fn title_case_email(email: &str) -> String {
    let cap = |s: &str| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect::<String>(),
            None => String::new(),
        }
    };
    match email.split_once('@') {
        Some((local, domain)) => {
            let local: Vec<String> = local.split('.').map(cap).collect();
            format!("{}@{}", local.join("."), cap(domain))
        }
        None => email.to_string(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Sex {
    Female,
    Male,
}

impl Sex {
    pub(super) fn other(self) -> Sex {
        match self {
            Sex::Female => Sex::Male,
            Sex::Male => Sex::Female,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Org {
    Housing,
    Charity,
}

/// A person being made, before their contact details.
#[derive(Clone)]
pub(super) struct Person {
    pub(super) sex: Sex,
    pub(super) group: usize,
    pub(super) given: String,
    /// Surname list entry now (`male/female` or one form).
    pub(super) family_key: String,
    /// Surname list entry at birth.
    pub(super) birth_key: String,
    pub(super) age: i16,
    pub(super) dob: Date,
}

impl Person {
    pub(super) fn family(&self) -> String {
        surname_form(&self.family_key, self.sex)
    }
    pub(super) fn birth_family(&self) -> String {
        surname_form(&self.birth_key, self.sex)
    }
}

/// Percentage chances that a kind of person has an email, a mobile, an NI number
/// (adults only) and an NHS number on record.
#[derive(Clone, Copy)]
pub(super) struct Reach {
    pub(super) email: u32,
    pub(super) mobile: u32,
    pub(super) ni: u32,
    pub(super) nhs: u32,
}

pub(super) const TENANT: Reach = Reach { email: 70, mobile: 88, ni: 78, nhs: 20 };
pub(super) const PARTNER: Reach = Reach { email: 60, mobile: 85, ni: 68, nhs: 20 };
pub(super) const RELATIVE: Reach = Reach { email: 30, mobile: 70, ni: 60, nhs: 20 };
pub(super) const ADULT_CHILD: Reach = Reach { email: 75, mobile: 95, ni: 65, nhs: 20 };
pub(super) const FORMER_TENANT: Reach = Reach { email: 55, mobile: 80, ni: 72, nhs: 20 };
pub(super) const APPLICANT: Reach = Reach { email: 85, mobile: 92, ni: 70, nhs: 20 };
pub(super) const HOUSING_STAFF: Reach = Reach { email: 40, mobile: 95, ni: 100, nhs: 20 };
pub(super) const BOARD: Reach = Reach { email: 95, mobile: 85, ni: 45, nhs: 20 };
pub(super) const NONE: Reach = Reach { email: 0, mobile: 0, ni: 0, nhs: 0 };
pub(super) const SERVICE_USER: Reach = Reach { email: 65, mobile: 93, ni: 72, nhs: 75 };
pub(super) const CO_PARENT: Reach = Reach { email: 45, mobile: 90, ni: 40, nhs: 60 };
pub(super) const VOLUNTEER: Reach = Reach { email: 92, mobile: 90, ni: 35, nhs: 30 };
pub(super) const TRUSTEE: Reach = Reach { email: 95, mobile: 80, ni: 30, nhs: 10 };
pub(super) const CHARITY_STAFF: Reach = Reach { email: 40, mobile: 95, ni: 100, nhs: 40 };
pub(super) const JOB_APPLICANT: Reach = Reach { email: 100, mobile: 90, ni: 0, nhs: 0 };
pub(super) const EMERGENCY_CONTACT: Reach = Reach { email: 30, mobile: 90, ni: 0, nhs: 20 };

/// Children to add to a household.
pub(super) struct Kids {
    /// Parents (or kinship carers): linked `parent_of` to each child.
    pub(super) parents: Vec<usize>,
    /// Others living with the children (step-parents): linked `household`.
    pub(super) carers: Vec<usize>,
    pub(super) surname_key: String,
    pub(super) group: usize,
    /// Children's ages.
    pub(super) ages: RangeInclusive<i16>,
    pub(super) home: Address,
    /// Chance of an NHS number on record.
    pub(super) nhs: u32,
    pub(super) notes: &'static [&'static str],
    pub(super) note_pct: u32,
}

pub(super) struct Gen {
    pub(super) rng: fastrand::Rng,
    pub(super) today: Date,
    pub(super) subjects: Vec<NewSubject>,
    pub(super) links: Vec<(usize, usize, LinkKind)>,
    pub(super) used_emails: HashSet<String>,
    pub(super) used_refs: HashSet<String>,
    pub(super) used_ni: HashSet<String>,
    pub(super) used_nhs: HashSet<String>,
    /// Unused line numbers (last three digits) in each drama range.
    pub(super) mobiles: Vec<u32>,
    pub(super) landlines: Vec<u32>,
    pub(super) london: Vec<u32>,
    /// Lead tenants, with their ages, for picking resident board members and staff.
    pub(super) tenant_leads: Vec<(usize, i16)>,
    pub(super) former_tenants: Vec<usize>,
    pub(super) service_users: Vec<usize>,
}

impl Gen {
    pub(super) fn new(seed: u64, today: Date) -> Gen {
        let mut rng = fastrand::Rng::with_seed(seed);
        let pool = |rng: &mut fastrand::Rng| {
            let mut v: Vec<u32> = (0..1000).collect();
            rng.shuffle(&mut v);
            v
        };
        let mobiles = pool(&mut rng);
        let landlines = pool(&mut rng);
        let london = pool(&mut rng);
        Gen {
            rng,
            today,
            subjects: Vec::new(),
            links: Vec::new(),
            used_emails: HashSet::new(),
            used_refs: HashSet::new(),
            used_ni: HashSet::new(),
            used_nhs: HashSet::new(),
            mobiles,
            landlines,
            london,
            tenant_leads: Vec::new(),
            former_tenants: Vec::new(),
            service_users: Vec::new(),
        }
    }

    // ----- randomness ------------------------------------------------------------

    pub(super) fn chance(&mut self, pct: u32) -> bool {
        self.rng.u32(0..100) < pct
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(..items.len())]
    }

    /// One entry of a comma-separated list.
    pub(super) fn pick_from(&mut self, list: &'static str) -> &'static str {
        let i = self.rng.usize(..list.split(", ").count());
        list.split(", ").nth(i).unwrap_or(list)
    }

    pub(super) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.rng.u32(0..total.max(1));
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len().saturating_sub(1)
    }

    pub(super) fn sex(&mut self) -> Sex {
        if self.rng.bool() { Sex::Female } else { Sex::Male }
    }

    pub(super) fn group_for(&mut self, org: Org, local: Option<usize>) -> usize {
        let mut w = GROUPS.map(|g| if org == Org::Housing { g.weights.0 } else { g.weights.1 });
        if let Some(l) = local
            && let Some(x) = w.get_mut(l)
        {
            *x += 40;
        }
        self.weighted(&w)
    }

    pub(super) fn pick_town(&mut self, towns: &'static [Town]) -> &'static Town {
        &towns[self.rng.usize(..towns.len())]
    }

    // ----- people ------------------------------------------------------------------

    /// A date of birth making someone exactly `age` today.
    pub(super) fn dob_for_age(&mut self, age: i16) -> Date {
        let days = self.rng.i64(0..=360);
        self.today.saturating_sub(i64::from(age).years()).saturating_sub(days.days())
    }

    pub(super) fn given_name(&mut self, group: usize, sex: Sex, birth_year: i16) -> String {
        let era = match birth_year {
            ..1968 => 0,
            1968..1995 => 1,
            _ => 2,
        };
        // Some second-generation children get a name from the English list.
        let group = if group != ENGLISH && era == 2 && self.chance(10) { ENGLISH } else { group };
        let g = &GROUPS[group];
        let list = if sex == Sex::Female { g.female[era] } else { g.male[era] };
        self.pick_from(list).to_string()
    }

    pub(super) fn surname_key(&mut self, group: usize) -> String {
        self.pick_from(GROUPS[group].surnames).to_string()
    }

    pub(super) fn person_aged(&mut self, group: usize, sex: Sex, age: i16) -> Person {
        let dob = self.dob_for_age(age);
        let given = self.given_name(group, sex, dob.year());
        let key = self.surname_key(group);
        Person { sex, group, given, family_key: key.clone(), birth_key: key, age, dob }
    }

    pub(super) fn person(&mut self, group: usize, sex: Sex, ages: RangeInclusive<i16>) -> Person {
        let age = self.rng.i16(ages);
        self.person_aged(group, sex, age)
    }

    /// A partner for `lead`: usually the opposite sex, a similar age and background.
    pub(super) fn partner_for(&mut self, lead: &Person, org: Org, min_age: i16) -> Person {
        let sex = if self.chance(93) { lead.sex.other() } else { lead.sex };
        let group = if self.chance(80) { lead.group } else { self.group_for(org, None) };
        let age = (lead.age + self.rng.i16(-7..=7)).clamp(min_age, 90);
        self.person_aged(group, sex, age)
    }

    /// Married couples often share a surname: usually the wife takes her husband's and
    /// keeps her birth name as an alias.
    pub(super) fn marry(&mut self, a: &mut Person, b: &mut Person) {
        if a.sex == b.sex {
            if self.chance(25) {
                b.family_key = a.family_key.clone();
            }
            return;
        }
        let (husband, wife) = if a.sex == Sex::Male { (a, b) } else { (b, a) };
        let customary = GROUPS[husband.group].takes_spouse_name && GROUPS[wife.group].takes_spouse_name;
        if customary && self.chance(85) {
            wife.family_key = husband.family_key.clone();
        }
    }

    /// The parent of an adult `child`, old enough to be so.
    pub(super) fn parent_of(&mut self, child: &Person) -> Person {
        let age = (child.age + self.rng.i16(20..=32)).min(90);
        let sex = self.sex();
        let mut p = self.person_aged(child.group, sex, age);
        if sex == Sex::Male {
            p.family_key = child.birth_key.clone();
            p.birth_key = child.birth_key.clone();
        } else if GROUPS[child.group].takes_spouse_name && self.chance(70) {
            p.family_key = child.birth_key.clone();
        }
        p
    }

    /// The surname children take from their parents (or, with one parent, sometimes
    /// from the other, absent parent).
    pub(super) fn kids_surname(&mut self, parents: &[&Person], group: usize) -> String {
        match parents {
            [a, b] if a.family_key != b.family_key && a.sex != b.sex => {
                let (father, mother) = if a.sex == Sex::Male { (a, b) } else { (b, a) };
                let simple = |k: &str| !k.contains(['/', '-', ' ']);
                let r = self.rng.u32(0..100);
                if r < 25 {
                    mother.family_key.clone()
                } else if r < 45 && simple(&father.family_key) && simple(&mother.family_key) {
                    format!("{}-{}", mother.family_key, father.family_key)
                } else {
                    father.family_key.clone()
                }
            }
            [a, ..] => {
                if parents.len() == 1 && self.chance(35) {
                    self.surname_key(group)
                } else {
                    a.family_key.clone()
                }
            }
            [] => self.surname_key(group),
        }
    }

    pub(super) fn aliases(&mut self, p: &Person) -> Vec<String> {
        let mut out = Vec::new();
        let family = p.family();
        if let Some(nick) = nickname(&p.given)
            && self.chance(if p.age >= 18 { 40 } else { 15 })
        {
            out.push(format!("{nick} {family}"));
        }
        let birth = p.birth_family();
        if birth != family && self.chance(75) {
            out.push(format!("{} {birth}", p.given));
        }
        if (p.group == MANDARIN || p.group == CANTONESE) && p.age >= 16 && self.chance(35) {
            let list = if p.sex == Sex::Female { CN_ENGLISH_F } else { CN_ENGLISH_M };
            let english = self.pick_from(list);
            out.push(format!("{english} {family}"));
        }
        out
    }

    // ----- subjects ----------------------------------------------------------------

    /// A subject for `p` with names, aliases, date of birth and, by `reach`, an email,
    /// a mobile, an NI number (adults) and an NHS number.
    pub(super) fn subject(&mut self, p: &Person, categories: Vec<Category>, reach: Reach) -> NewSubject {
        let adult = p.age >= 18;
        let elderly = p.age >= 75;
        let mut s = NewSubject {
            given_name: p.given.clone(),
            family_name: p.family(),
            other_names: self.aliases(p),
            date_of_birth: Some(p.dob),
            categories,
            ..NewSubject::default()
        };
        let email_pct = match (adult, elderly) {
            (true, true) => reach.email / 2,
            (true, false) => reach.email,
            (false, _) if p.age >= 16 => 20,
            (false, _) => 0,
        };
        if self.chance(email_pct) {
            let e = self.personal_email(p);
            s.emails.push(e);
        }
        let mobile_pct = match (adult, elderly) {
            (true, true) => reach.mobile.saturating_sub(30),
            (true, false) => reach.mobile,
            (false, _) if p.age >= 12 => 45,
            (false, _) => 0,
        };
        if self.chance(mobile_pct) {
            let m = self.mobile();
            s.phones.push(m);
        }
        if adult && self.chance(reach.ni) {
            s.identifiers.ni_number = Some(self.ni());
        }
        if self.chance(reach.nhs) {
            s.identifiers.nhs_number = Some(self.nhs());
        }
        s
    }

    pub(super) fn push(&mut self, s: NewSubject) -> usize {
        self.subjects.push(s);
        self.subjects.len() - 1
    }

    pub(super) fn link(&mut self, from: usize, to: usize, kind: LinkKind) {
        self.links.push((from, to, kind));
    }

    /// Children (under 18) of a household, linked to their parents and carers.
    pub(super) fn children(&mut self, kids: &Kids, count: usize) {
        let mut names: Vec<String> = Vec::new();
        for _ in 0..count {
            let sex = self.sex();
            let age = self.rng.i16(kids.ages.clone());
            let dob = self.dob_for_age(age);
            let mut given = self.given_name(kids.group, sex, dob.year());
            for _ in 0..5 {
                if !names.contains(&given) {
                    break;
                }
                given = self.given_name(kids.group, sex, dob.year());
            }
            names.push(given.clone());
            let p = Person {
                sex,
                group: kids.group,
                given,
                family_key: kids.surname_key.clone(),
                birth_key: kids.surname_key.clone(),
                age,
                dob,
            };
            let reach = Reach { nhs: kids.nhs, ..NONE };
            let mut s = self.subject(&p, vec![Category::Child, Category::FamilyMember], reach);
            s.addresses.push(kids.home.clone());
            self.maybe_note(&mut s, kids.note_pct, kids.notes);
            let idx = self.push(s);
            for parent in &kids.parents {
                self.link(*parent, idx, LinkKind::ParentOf);
            }
            for carer in &kids.carers {
                self.link(*carer, idx, LinkKind::Household);
            }
        }
    }
}
