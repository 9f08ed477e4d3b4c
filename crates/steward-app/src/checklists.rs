//! A request's checklist (steps per kind, see `steward_core::checklist`) and its search
//! log. Search terms and answers are sealed under the master key's keyring with the
//! entry's id as associated data; audit entries carry ids only.

use crate::{App, AppError, AppResult, Context};
use serde::{Deserialize, Serialize};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::checklist::{Step, default_steps, parse_override, setting_key, to_override};
use steward_core::request::RequestKind;
use steward_core::{FieldError, Permission};
use steward_store::{SearchRow, StepRow};

/// A search-log entry to add.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSearch {
    /// The system or processor searched, from the register (its name and kind are used).
    #[serde(default)]
    pub system_id: Option<String>,
    /// The system searched, in words, when it is not on the register.
    #[serde(default)]
    pub system: String,
    /// The day searched (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date)]
    pub searched_on: jiff::civil::Date,
    /// The search terms used (sealed at rest).
    pub terms: String,
    /// How many items were found.
    pub hits: i64,
    /// Whether a processor was asked.
    #[serde(default)]
    pub processor: bool,
    /// The processor's answer (sealed at rest).
    #[serde(default)]
    pub answer: Option<String>,
}

/// A search-log entry, opened.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchView {
    /// Id.
    pub id: String,
    /// The system searched.
    pub system: String,
    /// Its register entry, when it has one.
    pub system_id: Option<String>,
    /// The day searched.
    pub searched_on: String,
    /// Who searched.
    pub searched_by: String,
    /// The terms used.
    pub terms: String,
    /// Items found.
    pub hits: i64,
    /// Whether a processor was asked.
    pub processor: bool,
    /// The processor's answer.
    pub answer: Option<String>,
}

/// One kind's step list, as the organisation has it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChecklistView {
    /// The request kind.
    pub kind: RequestKind,
    /// The steps new requests of this kind get.
    pub steps: Vec<Step>,
    /// Whether the organisation changed the list (otherwise Steward's default).
    pub customised: bool,
    /// The list as editable text, one `ID|Title|Description` per line.
    pub text: String,
}

pub(crate) fn aad(id: &str) -> String {
    format!("request_search:{id}")
}

impl App {
    /// The checklist for `kind`: the setting `checklist.<kind>` when set, else the default.
    pub fn checklist(&self, kind: RequestKind) -> AppResult<Vec<Step>> {
        match self.store.setting(&setting_key(kind))? {
            Some(v) if !v.trim().is_empty() => parse_override(&v).map_err(|e| {
                AppError::Invalid(e.into_iter().next().unwrap_or_else(|| FieldError::new("checklist", "invalid")))
            }),
            _ => Ok(default_steps(kind)),
        }
    }

    /// Every kind's step list (the DPO's: `ManageChecklists`).
    pub fn checklists(&self, ctx: &Context) -> AppResult<Vec<ChecklistView>> {
        self.require(ctx, Permission::ManageChecklists, ObjectType::Checklist, "")?;
        RequestKind::ALL.iter().map(|k| self.checklist_view(*k)).collect()
    }

    fn checklist_view(&self, kind: RequestKind) -> AppResult<ChecklistView> {
        let customised = self.store.setting(&setting_key(kind))?.is_some_and(|v| !v.trim().is_empty());
        let steps = self.checklist(kind)?;
        Ok(ChecklistView { kind, text: to_override(&steps), steps, customised })
    }

    /// Replace the step list new requests of `kind` get (requests already open keep
    /// theirs). `text` is one `ID|Title` or `ID|Title|Description` per line; every
    /// problem is refused naming its line. Audited with the kind and count only.
    pub fn set_checklist(&self, ctx: &Context, kind: RequestKind, text: &str) -> AppResult<ChecklistView> {
        self.require(ctx, Permission::ManageChecklists, ObjectType::Checklist, kind.as_str())?;
        if text.len() > 40_000 {
            return Err(AppError::Invalid(FieldError::new("checklist", "is too long (at most 40,000 characters)")));
        }
        let steps = parse_override(text).map_err(|errors| {
            let message = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
            AppError::Invalid(FieldError::new("checklist", message))
        })?;
        let ev =
            self.event(ctx, Action::ChecklistUpdate, kind.as_str(), Outcome::Success, format!("steps={}", steps.len()));
        self.store.put_settings(&[(&setting_key(kind), &to_override(&steps))], Some(&ev))?;
        self.checklist_view(kind)
    }

    /// Go back to Steward's default list for `kind`.
    pub fn reset_checklist(&self, ctx: &Context, kind: RequestKind) -> AppResult<ChecklistView> {
        self.require(ctx, Permission::ManageChecklists, ObjectType::Checklist, kind.as_str())?;
        let ev = self.event(ctx, Action::ChecklistReset, kind.as_str(), Outcome::Success, "");
        self.store.put_settings(&[(&setting_key(kind), "")], Some(&ev))?;
        self.checklist_view(kind)
    }

    /// Give a new request its steps from the current checklist.
    pub(crate) fn create_request_steps(&self, request_id: &str, kind: RequestKind) -> AppResult<()> {
        let rows: Vec<StepRow> = self
            .checklist(kind)?
            .into_iter()
            .enumerate()
            .map(|(i, s)| StepRow {
                request_id: request_id.into(),
                step_id: s.id,
                title: s.title,
                done_at: None,
                done_by: None,
                note: None,
                position: i64::try_from(i).unwrap_or(i64::MAX) + 1,
            })
            .collect();
        Ok(self.store.insert_request_steps(&rows)?)
    }

    /// Ids and titles of a request's steps not yet done.
    pub fn open_steps(&self, request_id: &str) -> AppResult<Vec<String>> {
        Ok(self
            .store
            .request_steps(request_id)?
            .into_iter()
            .filter(|s| s.done_at.is_none())
            .map(|s| format!("{} {}", s.step_id, s.title))
            .collect())
    }

    /// A request's steps in order.
    pub fn request_steps(&self, ctx: &Context, id: &str) -> AppResult<Vec<StepRow>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, id)?;
        self.load_request_for(ctx, id)?;
        Ok(self.store.request_steps(id)?)
    }

    /// Mark a step done (by the caller, now) or not done.
    pub fn set_request_step(&self, ctx: &Context, id: &str, step: &str, done: bool) -> AppResult<Vec<StepRow>> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, id)?;
        self.load_request_for(ctx, id)?;
        let now = self.now_text();
        let ev = self.event(ctx, Action::RequestStep, id, Outcome::Success, format!("step={step} done={done}"));
        self.store.set_request_step(id, step, done.then_some((now.as_str(), ctx.actor.as_str())), &ev)?;
        Ok(self.store.request_steps(id)?)
    }

    /// Add a search-log entry.
    pub fn add_request_search(&self, ctx: &Context, id: &str, input: NewSearch) -> AppResult<SearchView> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, id)?;
        self.load_request_for(ctx, id)?;
        let (system, processor) = self.searched_system(input.system_id.as_deref(), &input.system, input.processor)?;
        if input.searched_on > self.today() {
            return Err(AppError::Invalid(FieldError::new("searched_on", "is in the future")));
        }
        if input.hits < 0 {
            return Err(AppError::Invalid(FieldError::new("hits", "cannot be negative")));
        }
        let sid = uuid::Uuid::now_v7().to_string();
        let answer = input.answer.clone().unwrap_or_default();
        let row = SearchRow {
            id: sid.clone(),
            request_id: id.into(),
            system,
            searched_on: input.searched_on.to_string(),
            searched_by: ctx.actor.clone(),
            terms: self.keys.seal_secret(&aad(&sid), input.terms.as_bytes()).map_err(AppError::from)?,
            hits: input.hits,
            processor,
            answer: self.keys.seal_secret(&aad(&sid), answer.as_bytes()).map_err(AppError::from)?,
            system_id: input.system_id.filter(|s| !s.is_empty()),
        };
        let ev = self.event(ctx, Action::RequestSearch, id, Outcome::Success, format!("search={sid}"));
        self.store.insert_request_search(&row, &ev)?;
        self.open_search(row)
    }

    /// The name of the system searched and whether it is a processor: from the register
    /// when `system_id` is given (it must be active), else the name as typed.
    pub(crate) fn searched_system(
        &self,
        system_id: Option<&str>,
        system: &str,
        processor: bool,
    ) -> AppResult<(String, bool)> {
        let (system, processor) = match system_id.filter(|s| !s.is_empty()) {
            Some(sys) => match self.store.system(sys)? {
                Some(r) if r.retired_at.is_none() => (r.name, r.kind == "processor"),
                Some(_) => return Err(AppError::Invalid(FieldError::new("system_id", "names a retired system"))),
                None => {
                    return Err(AppError::Invalid(FieldError::new("system_id", "names no system on the register")));
                }
            },
            None => (system.trim().to_string(), processor),
        };
        if system.is_empty() || system.chars().count() > 200 {
            return Err(AppError::Invalid(FieldError::new(
                "system",
                "choose a system from the register or name it in 1 to 200 characters",
            )));
        }
        Ok((system, processor))
    }

    /// A request's search log, opened.
    pub fn request_searches(&self, ctx: &Context, id: &str) -> AppResult<Vec<SearchView>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, id)?;
        self.load_request_for(ctx, id)?;
        self.store.request_searches(id)?.into_iter().map(|r| self.open_search(r)).collect()
    }

    fn open_search(&self, r: SearchRow) -> AppResult<SearchView> {
        let open = |b: &[u8]| -> AppResult<String> {
            let p = self.keys.open_secret(&aad(&r.id), b).map_err(AppError::from)?;
            String::from_utf8(p).map_err(|_| AppError::Io("a sealed search entry is not text".into()))
        };
        let answer = open(&r.answer)?;
        Ok(SearchView {
            terms: open(&r.terms)?,
            answer: (!answer.is_empty()).then_some(answer),
            id: r.id,
            system: r.system,
            system_id: r.system_id,
            searched_on: r.searched_on,
            searched_by: r.searched_by,
            hits: r.hits,
            processor: r.processor,
        })
    }
}
