//! The housing association's people: tenant households, former tenants, applicants,
//! staff, board members and supplier contacts.

use super::notes::{
    APPLICANT_NOTES, BOARD_ROLES, FORMER_TENANT_NOTES, HOUSING_OFFICES, HOUSING_ROLES, SUPPLIER_NOTES, TENANT_NOTES,
};
use super::people::{
    ADULT_CHILD, APPLICANT, BOARD, FORMER_TENANT, Gen, HOUSING_STAFF, JOB_APPLICANT, Kids, NONE, Org, PARTNER, Person,
    RELATIVE, Sex, TENANT, child_ages,
};
use super::places::{CHARITY_TOWNS, HOUSING_TOWNS};
use steward_core::subject::{Category, LinkKind};
impl Gen {
    // ----- the housing association -----------------------------------------------

    pub(super) fn housing_association(&mut self) {
        for _ in 0..155 {
            self.tenant_household();
        }
        for _ in 0..30 {
            self.former_tenant();
        }
        for _ in 0..26 {
            self.housing_applicant();
        }
        for i in 0..42 {
            self.housing_staff(i >= 32);
        }
        for _ in 0..4 {
            self.job_applicant(Org::Housing);
        }
        for i in 0..9 {
            self.board_member(i);
        }
        for i in 0..8 {
            self.supplier_contact(i);
        }
        // Two tenants sit on the board and two work for the association.
        let mut leads: Vec<(usize, i16)> =
            self.tenant_leads.iter().copied().filter(|(_, age)| (25..=65).contains(age)).collect();
        self.rng.shuffle(&mut leads);
        for (n, (idx, _)) in leads.into_iter().take(4).enumerate() {
            if n < 2 {
                let s = &mut self.subjects[idx];
                s.categories.push(Category::BoardMember);
                s.notes = Some("Resident board member.".into());
            } else {
                let number = self.unique_ref("EMP-", 4, 1000..=2999);
                let s = &mut self.subjects[idx];
                s.categories.push(Category::Employee);
                s.identifiers.employee_number = Some(number);
            }
        }
        // Some former tenants are applying again.
        let mut former = self.former_tenants.clone();
        self.rng.shuffle(&mut former);
        for idx in former.into_iter().take(3) {
            let number = self.unique_ref("CUS-", 6, 100_000..=999_999);
            let s = &mut self.subjects[idx];
            s.categories.push(Category::Applicant);
            s.identifiers.customer_number = Some(number);
        }
    }

    pub(super) fn tenant_household(&mut self) {
        let town = self.pick_town(HOUSING_TOWNS);
        let group = self.group_for(Org::Housing, town.local);
        let home = self.address(town, true);
        let tenancy = self.unique_ref("TEN-", 6, 100..=29_999);
        let landline = if self.chance(30) { Some(self.landline(false)) } else { None };
        // Single adult, couple, single parent, couple with children, older parents with
        // adult children, three generations.
        let shape = self.weighted(&[34, 16, 22, 18, 6, 4]);
        let (ages, has_partner, has_kids) = match shape {
            0 => (18..=88, false, false),
            1 => (22..=88, true, false),
            2 => (19..=50, false, true),
            3 => (21..=52, true, true),
            4 => (46..=84, self.chance(60), false),
            _ => (24..=45, self.chance(60), true),
        };
        let lead_sex = match shape {
            2 if self.chance(85) => Sex::Female,
            2 => Sex::Male,
            _ => self.sex(),
        };
        let mut lead = self.person(group, lead_sex, ages);
        let mut partner = if has_partner {
            Some(self.partner_for(&lead, Org::Housing, if has_kids { 19 } else { 18 }))
        } else {
            None
        };
        if let Some(p) = partner.as_mut()
            && self.chance(60)
        {
            self.marry(&mut lead, p);
        }

        let mut s = self.subject(&lead, vec![Category::Tenant], TENANT);
        s.addresses.push(home.clone());
        if let Some(l) = &landline {
            s.phones.push(l.clone());
        }
        s.identifiers.tenancy_number = Some(tenancy.clone());
        if self.chance(40) {
            s.identifiers.customer_number = Some(self.unique_ref("CUS-", 6, 100_000..=999_999));
        }
        self.maybe_note(&mut s, 6, TENANT_NOTES);
        let lead_idx = self.push(s);
        self.tenant_leads.push((lead_idx, lead.age));

        let mut parents = vec![(lead_idx, lead.clone())];
        let mut carers = Vec::new();
        if let Some(p) = &partner {
            let joint = self.chance(45);
            let (cats, reach) =
                if joint { (vec![Category::Tenant], TENANT) } else { (vec![Category::FamilyMember], PARTNER) };
            let mut s = self.subject(p, cats, reach);
            s.addresses.push(home.clone());
            if let Some(l) = &landline {
                s.phones.push(l.clone());
            }
            if joint {
                s.identifiers.tenancy_number = Some(tenancy.clone());
            }
            let idx = self.push(s);
            self.link(lead_idx, idx, LinkKind::Household);
            if has_kids && self.chance(12) {
                carers.push(idx);
            } else {
                parents.push((idx, p.clone()));
            }
        }
        let parent_people: Vec<&Person> = parents.iter().map(|(_, p)| p).collect();
        let youngest_parent = parent_people.iter().map(|p| p.age).min().unwrap_or(lead.age);
        let oldest_parent = parent_people.iter().map(|p| p.age).max().unwrap_or(lead.age);
        let kid_group = self.pick(&parent_people).group;
        let surname_key = self.kids_surname(&parent_people, kid_group);
        let parent_idx: Vec<usize> = parents.iter().map(|(i, _)| *i).collect();

        if has_kids {
            let count = 1 + self.weighted(&[40, 35, 18, 7]);
            let kids = Kids {
                parents: parent_idx.clone(),
                carers,
                surname_key: surname_key.clone(),
                group: kid_group,
                ages: child_ages((youngest_parent, oldest_parent), (18, 45)),
                home: home.clone(),
                nhs: 20,
                notes: &[],
                note_pct: 0,
            };
            self.children(&kids, count);
        }
        if shape == 4 {
            let count = 1 + self.weighted(&[65, 35]);
            // Grown-up children still at home, born when their parents were 20 to 42.
            let oldest = (youngest_parent - 20).max(18);
            let youngest = (oldest_parent - 42).clamp(18, oldest);
            for _ in 0..count {
                let sex = self.sex();
                let mut p = self.person(kid_group, sex, youngest..=oldest);
                p.family_key = surname_key.clone();
                p.birth_key = surname_key.clone();
                let mut s = self.subject(&p, vec![Category::FamilyMember], ADULT_CHILD);
                s.addresses.push(home.clone());
                let idx = self.push(s);
                for parent in &parent_idx {
                    self.link(*parent, idx, LinkKind::ParentOf);
                }
            }
        }
        if shape == 5 {
            let gp = self.parent_of(&lead);
            let mut s = self.subject(&gp, vec![Category::FamilyMember], RELATIVE);
            s.addresses.push(home.clone());
            if let Some(l) = &landline {
                s.phones.push(l.clone());
            }
            let idx = self.push(s);
            self.link(idx, lead_idx, LinkKind::ParentOf);
        }
    }

    pub(super) fn former_tenant(&mut self) {
        let town = self.pick_town(HOUSING_TOWNS);
        let group = self.group_for(Org::Housing, None);
        let sex = self.sex();
        let p = self.person(group, sex, 20..=85);
        let mut s = self.subject(&p, vec![Category::FormerTenant], FORMER_TENANT);
        s.identifiers.tenancy_number = Some(self.unique_ref("TEN-", 6, 100..=29_999));
        if self.chance(70) {
            // Forwarding address: often nearby, sometimes across the country.
            let to = if self.chance(75) { town } else { self.pick_town(CHARITY_TOWNS) };
            let a = self.address(to, false);
            s.addresses.push(a);
        }
        if self.chance(50) {
            let a = self.address(town, true);
            s.addresses.push(a);
        }
        self.maybe_note(&mut s, 20, FORMER_TENANT_NOTES);
        let idx = self.push(s);
        self.former_tenants.push(idx);
    }

    pub(super) fn housing_applicant(&mut self) {
        let town = self.pick_town(HOUSING_TOWNS);
        let group = self.group_for(Org::Housing, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 18..=75);
        let mut s = self.subject(&p, vec![Category::Applicant], APPLICANT);
        s.identifiers.customer_number = Some(self.unique_ref("CUS-", 6, 100_000..=999_999));
        if self.chance(85) {
            let a = self.address(town, false);
            s.addresses.push(a);
        }
        self.maybe_note(&mut s, 20, APPLICANT_NOTES);
        self.push(s);
    }

    pub(super) fn housing_staff(&mut self, former: bool) {
        let town = self.pick_town(HOUSING_TOWNS);
        let group = self.group_for(Org::Housing, None);
        let sex = self.sex();
        let p = self.person(group, sex, 19..=66);
        let category = if former { Category::FormerEmployee } else { Category::Employee };
        let mut s = self.subject(&p, vec![category], HOUSING_STAFF);
        if former {
            if self.chance(50) {
                let years = self.rng.i16(1..=5);
                s.notes = Some(format!(
                    "Left in {}; payroll records kept for six years after leaving.",
                    self.today.year() - years
                ));
            }
        } else {
            let work = self.work_email(&p, Some(Org::Housing));
            s.emails.insert(0, work);
            if self.chance(20) {
                let role = self.pick(HOUSING_ROLES);
                let office = self.pick(HOUSING_OFFICES);
                s.notes = Some(format!("{role}, based at the {office} office."));
            }
        }
        if self.chance(95) {
            let a = self.address(town, false);
            s.addresses.push(a);
        }
        s.identifiers.employee_number = Some(self.unique_ref("EMP-", 4, 1000..=2999));
        self.push(s);
    }

    pub(super) fn job_applicant(&mut self, org: Org) {
        let towns = if org == Org::Housing { HOUSING_TOWNS } else { CHARITY_TOWNS };
        let town = self.pick_town(towns);
        let group = self.group_for(org, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 18..=60);
        let mut s = self.subject(&p, vec![Category::Applicant], JOB_APPLICANT);
        let a = self.address(town, false);
        s.addresses.push(a);
        s.notes = Some(match org {
            Org::Housing => {
                let role = self.pick(HOUSING_ROLES);
                format!("Applied for the {role} vacancy; interview booked.")
            }
            Org::Charity => "Volunteer application received; references requested.".into(),
        });
        self.push(s);
    }

    pub(super) fn board_member(&mut self, i: usize) {
        let town = if self.chance(80) { self.pick_town(HOUSING_TOWNS) } else { self.pick_town(CHARITY_TOWNS) };
        let group = self.group_for(Org::Housing, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 35..=75);
        let mut s = self.subject(&p, vec![Category::BoardMember], BOARD);
        let a = self.address(town, false);
        s.addresses.push(a);
        s.notes = BOARD_ROLES.get(i).map(|r| r.to_string());
        self.push(s);
    }

    pub(super) fn supplier_contact(&mut self, i: usize) {
        let london = self.chance(35);
        let town = if london {
            self.pick_town(&CHARITY_TOWNS[CHARITY_TOWNS.len() - 1..])
        } else {
            self.pick_town(HOUSING_TOWNS)
        };
        let group = self.group_for(Org::Housing, None);
        let sex = self.sex();
        let p = self.person(group, sex, 25..=62);
        let mut s = self.subject(&p, vec![Category::SupplierContact], NONE);
        // Nobody keeps a supplier contact's date of birth.
        s.date_of_birth = None;
        s.emails.push(self.work_email(&p, None));
        s.phones.push(self.landline(town.london));
        if self.chance(60) {
            s.phones.push(self.mobile());
        }
        let a = self.business_address(town);
        s.addresses.push(a);
        s.notes = SUPPLIER_NOTES.get(i).map(|n| n.to_string());
        self.push(s);
    }
}
