//! The family-support charity's people: families, volunteers, trustees, staff and
//! volunteer applicants.

use super::notes::{CHARITY_ROLES, CHILD_NOTES, PARENT_NOTES, TRUSTEE_ROLES, VOLUNTEER_NOTES};
use super::people::{
    CHARITY_STAFF, CO_PARENT, EMERGENCY_CONTACT, Gen, Kids, Org, Person, SERVICE_USER, Sex, TRUSTEE, VOLUNTEER,
    child_ages,
};
use super::places::CHARITY_TOWNS;
use steward_core::subject::{Category, LinkKind};
impl Gen {
    // ----- the family-support charity --------------------------------------------

    pub(super) fn charity(&mut self) {
        for _ in 0..52 {
            self.family();
        }
        for _ in 0..34 {
            self.volunteer();
        }
        for i in 0..9 {
            self.trustee(i);
        }
        for i in 0..17 {
            self.charity_staff(i >= 14);
        }
        for _ in 0..4 {
            self.job_applicant(Org::Charity);
        }
        // Two parents now volunteer too.
        let mut users = self.service_users.clone();
        self.rng.shuffle(&mut users);
        for idx in users.into_iter().take(2) {
            let number = self.unique_ref("VOL-", 4, 1..=999);
            let s = &mut self.subjects[idx];
            s.categories.push(Category::Volunteer);
            s.identifiers.volunteer_number = Some(number);
        }
    }

    pub(super) fn family(&mut self) {
        let town = self.pick_town(CHARITY_TOWNS);
        let group = self.group_for(Org::Charity, town.local);
        let home = self.address(town, false);
        let landline = if self.chance(15) { Some(self.landline(town.london)) } else { None };
        // Single parent, couple, separated parents, kinship carers (grandparents).
        let shape = self.weighted(&[45, 28, 17, 10]);
        let lead_sex = match shape {
            0 | 2 if self.chance(82) => Sex::Female,
            0 | 2 => Sex::Male,
            _ => self.sex(),
        };
        let ages = match shape {
            0 => 18..=48,
            3 => 50..=74,
            _ => 20..=50,
        };
        let mut lead = self.person(group, lead_sex, ages);
        let mut partner = match shape {
            1 => Some(self.partner_for(&lead, Org::Charity, 19)),
            2 => {
                // The other parent: opposite sex, never or no longer married to the lead.
                let group = if self.chance(80) { lead.group } else { self.group_for(Org::Charity, None) };
                let age = (lead.age + self.rng.i16(-5..=8)).clamp(19, 65);
                Some(self.person_aged(group, lead.sex.other(), age))
            }
            3 if self.chance(50) => Some(self.partner_for(&lead, Org::Charity, 45)),
            _ => None,
        };
        if let Some(p) = partner.as_mut() {
            // Separated parents may have been married once; the resident parent may
            // still have the other's surname.
            let pct = if shape == 2 { 30 } else { 55 };
            if self.chance(pct) {
                self.marry(&mut lead, p);
            }
        }

        let mut s = self.subject(&lead, vec![Category::ServiceUser, Category::FamilyMember], SERVICE_USER);
        s.addresses.push(home.clone());
        if let Some(l) = &landline {
            s.phones.push(l.clone());
        }
        if self.chance(75) {
            s.identifiers.customer_number = Some(self.unique_ref("SU-", 5, 1..=99_999));
        }
        if shape == 3 {
            s.notes = Some(
                "Kinship carer for the grandchildren under a special guardianship order; \
                 their social worker is the main professional contact."
                    .into(),
            );
        } else {
            self.maybe_note(&mut s, 15, PARENT_NOTES);
        }
        let lead_idx = self.push(s);
        self.service_users.push(lead_idx);

        let mut parents = vec![(lead_idx, lead.clone())];
        if let Some(p) = &partner {
            let user = shape != 2 && self.chance(50);
            let (cats, reach) = if user {
                (vec![Category::ServiceUser, Category::FamilyMember], SERVICE_USER)
            } else {
                (vec![Category::FamilyMember], CO_PARENT)
            };
            let mut s = self.subject(p, cats, reach);
            if shape == 2 {
                // The other parent lives elsewhere, often at an address we do not know.
                if self.chance(50) {
                    let a = self.address(town, false);
                    s.addresses.push(a);
                }
            } else {
                s.addresses.push(home.clone());
                if let Some(l) = &landline {
                    s.phones.push(l.clone());
                }
            }
            let idx = self.push(s);
            if shape != 2 {
                self.link(lead_idx, idx, LinkKind::Household);
            }
            if user {
                self.service_users.push(idx);
            }
            parents.push((idx, p.clone()));
        }

        let parent_people: Vec<&Person> = parents.iter().map(|(_, p)| p).collect();
        let youngest = parent_people.iter().map(|p| p.age).min().unwrap_or(lead.age);
        let oldest = parent_people.iter().map(|p| p.age).max().unwrap_or(lead.age);
        let kid_group = self.pick(&parent_people).group;
        let (surname_key, ages) = if shape == 3 {
            // Grandchildren: through a son they share the grandparents' surname.
            let key = if self.chance(60) { lead.birth_key.clone() } else { self.surname_key(kid_group) };
            (key, child_ages((youngest, oldest), (36, 62)))
        } else {
            (self.kids_surname(&parent_people, kid_group), child_ages((youngest, oldest), (18, 45)))
        };
        let count = 1 + self.weighted(&[35, 35, 20, 7, 3]);
        let kids = Kids {
            parents: parents.iter().map(|(i, _)| *i).collect(),
            carers: Vec::new(),
            surname_key,
            group: kid_group,
            ages,
            home: home.clone(),
            nhs: 85,
            notes: CHILD_NOTES,
            note_pct: 6,
        };
        self.children(&kids, count);

        // A grandparent as emergency contact.
        if shape != 3 && lead.age <= 55 && self.chance(15) {
            let gp = self.parent_of(&lead);
            let mut s = self.subject(&gp, vec![Category::Other], EMERGENCY_CONTACT);
            if self.chance(50) {
                let a = self.address(town, false);
                s.addresses.push(a);
            }
            s.notes = Some("Grandparent; emergency contact, authorised to collect the children from sessions.".into());
            let idx = self.push(s);
            self.link(idx, lead_idx, LinkKind::ParentOf);
        }
    }

    pub(super) fn volunteer(&mut self) {
        let town = self.pick_town(CHARITY_TOWNS);
        let group = self.group_for(Org::Charity, town.local);
        let sex = self.sex();
        let ages = match self.weighted(&[30, 40, 30]) {
            0 => 18..=25,
            1 => 26..=60,
            _ => 61..=80,
        };
        let p = self.person(group, sex, ages);
        let mut s = self.subject(&p, vec![Category::Volunteer], VOLUNTEER);
        let a = self.address(town, false);
        s.addresses.push(a);
        s.identifiers.volunteer_number = Some(self.unique_ref("VOL-", 4, 1..=999));
        self.maybe_note(&mut s, 15, VOLUNTEER_NOTES);
        self.push(s);
    }

    pub(super) fn trustee(&mut self, i: usize) {
        let town = self.pick_town(CHARITY_TOWNS);
        let group = self.group_for(Org::Charity, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 30..=76);
        let mut categories = vec![Category::Trustee];
        if i == 8 {
            categories.push(Category::Volunteer);
        }
        let mut s = self.subject(&p, categories, TRUSTEE);
        if i == 8 {
            s.identifiers.volunteer_number = Some(self.unique_ref("VOL-", 4, 1..=999));
        }
        let a = self.address(town, false);
        s.addresses.push(a);
        s.notes = TRUSTEE_ROLES.get(i).map(|r| r.to_string());
        self.push(s);
    }

    pub(super) fn charity_staff(&mut self, former: bool) {
        let town = self.pick_town(CHARITY_TOWNS);
        let group = self.group_for(Org::Charity, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 21..=66);
        let category = if former { Category::FormerEmployee } else { Category::Employee };
        let mut s = self.subject(&p, vec![category], CHARITY_STAFF);
        if !former {
            let work = self.work_email(&p, Some(Org::Charity));
            s.emails.insert(0, work);
            if self.chance(25) {
                let role = self.pick(CHARITY_ROLES);
                s.notes = Some(format!("{role}, {} hub.", town.name));
            }
        }
        let a = self.address(town, false);
        s.addresses.push(a);
        s.identifiers.employee_number = Some(self.unique_ref("EMP-", 4, 5000..=5999));
        self.push(s);
    }
}
