//! Finding subjects by one criterion through the blind indexes (never by a stored
//! value), audited with the criterion's name and the ids found, never the terms.

use super::{SEARCH_LIMIT, SearchQuery, SubjectHit};
use crate::{App, AppError, AppResult, Context};
use std::collections::BTreeSet;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::subject::{reference_term, surname_dob_term};
use steward_core::{FieldError, Permission, normalise};

impl App {
    /// Find subjects by one criterion through the blind indexes. The search is audited
    /// with the criterion's name, the number of results and their ids — never the terms.
    pub fn search_subjects(&self, ctx: &Context, q: &SearchQuery) -> AppResult<Vec<SubjectHit>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Subject, "")?;
        let (criterion, mut ids) = self.resolve(q)?;
        if let Some(user) = ctx.need_to_know_key() {
            let mut mine = Vec::with_capacity(ids.len());
            for id in ids {
                if self.store.has_subject_access(&id, user)? {
                    mine.push(id);
                }
            }
            ids = mine;
        }
        let rows = self.store.subjects_by_ids(&ids)?;
        let mut hits = Vec::with_capacity(rows.len());
        for row in &rows {
            let p = self.open_row(row)?;
            hits.push(SubjectHit {
                id: row.id.clone(),
                name: p.display_name(),
                date_of_birth: p.date_of_birth,
                postcode: p.addresses.iter().find_map(|a| a.postcode.clone()),
                categories: row.categories.iter().filter_map(|c| c.parse().ok()).collect(),
            });
        }
        hits.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let detail = format!(
            "criterion={criterion} results={} ids={}",
            hits.len(),
            hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>().join(",")
        );
        self.store.audit(&self.event(ctx, Action::SubjectSearch, "", Outcome::Success, detail))?;
        Ok(hits)
    }

    fn lookup(&self, tag: &str, term: &str) -> AppResult<Vec<String>> {
        Ok(self.store.find_by_index(&self.keys.blind_index(tag, term), SEARCH_LIMIT)?)
    }

    fn resolve(&self, q: &SearchQuery) -> AppResult<(&'static str, Vec<String>)> {
        use steward_core::subject::IndexKind as K;
        let given = [
            q.email.is_some(),
            q.phone.is_some(),
            q.ni_number.is_some(),
            q.nhs_number.is_some(),
            q.name.is_some(),
            q.surname.is_some() || q.date_of_birth.is_some(),
            q.reference.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if given != 1 {
            return Err(AppError::Invalid(FieldError::new(
                "query",
                "give exactly one of email, phone, ni_number, nhs_number, name, reference, or surname with date_of_birth",
            )));
        }
        if let Some(e) = &q.email {
            return Ok(("email", self.lookup(K::Email.tag(), &normalise::email("email", e)?)?));
        }
        if let Some(p) = &q.phone {
            return Ok(("phone", self.lookup(K::Phone.tag(), &normalise::phone("phone", p)?)?));
        }
        if let Some(n) = &q.ni_number {
            return Ok(("ni_number", self.lookup(K::NiNumber.tag(), &normalise::ni_number("ni_number", n)?)?));
        }
        if let Some(n) = &q.nhs_number {
            return Ok(("nhs_number", self.lookup(K::NhsNumber.tag(), &normalise::nhs_number("nhs_number", n)?)?));
        }
        if let Some(r) = &q.reference {
            let term = reference_term(r);
            if term.is_empty() {
                return Err(AppError::Invalid(FieldError::new("reference", "is empty")));
            }
            return Ok(("reference", self.lookup(K::Reference.tag(), &term)?));
        }
        if let Some(name) = &q.name {
            return Ok(("name", self.find_by_name(name)?));
        }
        match (&q.surname, q.date_of_birth) {
            (Some(s), Some(dob)) if !normalise::fold_name(s).is_empty() => {
                Ok(("surname_dob", self.lookup(K::SurnameDob.tag(), &surname_dob_term(s, dob))?))
            }
            (None, _) | (Some(_), Some(_)) => {
                Err(AppError::Invalid(FieldError::new("surname", "is required with date_of_birth")))
            }
            (Some(_), None) => Err(AppError::Invalid(FieldError::new("date_of_birth", "is required with surname"))),
        }
    }

    /// Whole-name match first; otherwise every word must match a name word, the words
    /// by their prefixes (3 letters or more, or the whole of a shorter word).
    fn find_by_name(&self, name: &str) -> AppResult<Vec<String>> {
        use steward_core::subject::IndexKind as K;
        let folded = normalise::fold_name(name);
        if folded.is_empty() {
            return Err(AppError::Invalid(FieldError::new("name", "needs at least one letter")));
        }
        if folded.chars().count() > 200 {
            return Err(AppError::Invalid(FieldError::new("name", "is too long")));
        }
        let exact = self.lookup(K::FullName.tag(), &folded)?;
        let mut result: Option<BTreeSet<String>> = None;
        for token in folded.split(' ') {
            let found: BTreeSet<String> = self
                .store
                .find_by_index(&self.keys.blind_index(K::NamePrefix.tag(), token), 5_000)?
                .into_iter()
                .collect();
            result = Some(match result {
                None => found,
                Some(r) => r.intersection(&found).cloned().collect(),
            });
        }
        let mut ids = exact.clone();
        for id in result.unwrap_or_default() {
            if ids.len() >= SEARCH_LIMIT {
                break;
            }
            if !exact.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}
