//! Subject use cases: create, view (audited), change, find through blind indexes,
//! link, and erase by crypto-shredding.

use crate::{App, AppError, AppResult, Context};
use serde::{Deserialize, Serialize};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::subject::{
    Address, Category, Identifiers, LinkKind, NewSubject, PersonalData, SpecialCategory, SubjectPatch, ValidSubject,
    index_terms,
};
use steward_core::{FieldError, Permission};
use steward_crypto::DataKey;
use steward_store::{LinkRow, SubjectLookup, SubjectRow, Tombstone};
use utoipa::{IntoParams, ToSchema};

mod assign;
mod search;

/// A subject as shown to someone allowed to see their personal data.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct SubjectView {
    /// Id.
    pub id: String,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Other names and aliases.
    pub other_names: Vec<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<jiff::civil::Date>,
    /// Email addresses (lower case).
    pub emails: Vec<String>,
    /// Phones in E.164 form (`+447700900123`).
    pub phones: Vec<String>,
    /// Postal addresses.
    pub addresses: Vec<Address>,
    /// External identifiers.
    pub identifiers: Identifiers,
    /// Categories.
    pub categories: Vec<Category>,
    /// Free notes.
    pub notes: Option<String>,
    /// Special-category and criminal-offence data (UK GDPR Art 9(1), Art 10): present
    /// only when some is recorded and the caller may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_category: Option<SpecialCategory>,
    /// `true` when the caller may not see special-category data, so `special_category`
    /// is left out whether or not any is recorded (their role does not grant it, their
    /// data-protection training is not current, or their token was not given it).
    #[serde(default)]
    pub special_category_withheld: bool,
    /// Why it is withheld, when the reason is the caller's own lapsed training on the
    /// Training register: "withheld: data-protection training lapsed on 1 December 2026".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_category_note: Option<String>,
    /// Links to other subjects.
    pub links: Vec<LinkView>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
}

impl std::fmt::Debug for SubjectView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectView").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A link as seen from one subject.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkView {
    /// The other subject.
    pub subject_id: String,
    /// How the other subject relates to this one: `parent`, `child` or `household`.
    pub relation: String,
}

/// One search result: enough to pick the right person.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct SubjectHit {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Date of birth.
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<jiff::civil::Date>,
    /// First postcode, if any.
    pub postcode: Option<String>,
    /// Categories.
    pub categories: Vec<Category>,
}

impl std::fmt::Debug for SubjectHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectHit").field("id", &self.id).finish_non_exhaustive()
    }
}

/// How to find subjects; exactly one criterion (surname and date of birth go together).
#[derive(Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Exact email address.
    pub email: Option<String>,
    /// Phone number in any UK format.
    pub phone: Option<String>,
    /// National Insurance number.
    pub ni_number: Option<String>,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// Name: whole words, the last of which may be a prefix of 3 letters or more.
    pub name: Option<String>,
    /// Family name, with `date_of_birth`.
    pub surname: Option<String>,
    /// Date of birth, with `surname`.
    #[param(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<jiff::civil::Date>,
    /// Tenancy, customer, employee or volunteer number.
    pub reference: Option<String>,
}

impl std::fmt::Debug for SearchQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchQuery { .. redacted .. }")
    }
}

/// Most results a search returns.
pub const SEARCH_LIMIT: usize = 50;

/// Reasons an erasure may be recorded for: fixed codes so tombstones never hold free text.
pub const ERASURE_REASONS: [(&str, &str); 5] = [
    ("erasure_request", "Right to erasure request (UK GDPR Art 17)"),
    ("retention_expired", "Retention period ended"),
    ("created_in_error", "Created in error"),
    ("duplicate", "Duplicate record"),
    ("other", "Other lawful reason"),
];

/// The note beside withheld special-category data when the caller's training lapsed.
pub(crate) fn withheld_note(ctx: &Context) -> Option<String> {
    if ctx.special_category {
        return None;
    }
    ctx.training_lapsed_on
        .map(|d| format!("withheld: data-protection training lapsed on {}", steward_core::compliance::long_date(d)))
}

fn aad(id: &str) -> Vec<u8> {
    format!("subject:{id}").into_bytes()
}

impl App {
    fn seal(
        &self,
        id: &str,
        v: &ValidSubject,
        key: &DataKey,
        wrapped: Vec<u8>,
        created_at: String,
        updated_at: String,
    ) -> AppResult<SubjectRow> {
        let json = serde_json::to_vec(&v.personal).map_err(|e| AppError::Io(format!("cannot encode subject: {e}")))?;
        let data = key.seal(&aad(id), &json)?;
        let index_hashes =
            index_terms(&v.personal).iter().map(|(kind, term)| self.keys.blind_index(kind.tag(), term)).collect();
        Ok(SubjectRow {
            id: id.to_string(),
            created_at,
            updated_at,
            categories: v.categories.iter().map(|c| c.as_str().to_string()).collect(),
            wrapped_key: wrapped,
            data,
            index_hashes,
        })
    }

    fn new_row(&self, v: &ValidSubject) -> AppResult<SubjectRow> {
        let id = uuid::Uuid::now_v7().to_string();
        let key = DataKey::generate()?;
        let wrapped = self.keys.wrap(&key, &id)?;
        let now = self.now_text();
        self.seal(&id, v, &key, wrapped, now.clone(), now)
    }

    pub(crate) fn open_row(&self, row: &SubjectRow) -> AppResult<PersonalData> {
        let key = self.keys.unwrap_key(&row.wrapped_key, &row.id)?;
        let plain = key.open(&aad(&row.id), &row.data)?;
        serde_json::from_slice(&plain).map_err(|_| AppError::Undecryptable)
    }

    pub(crate) fn load(&self, id: &str) -> AppResult<SubjectRow> {
        match self.store.subject(id)? {
            SubjectLookup::Found(r) => Ok(r),
            SubjectLookup::Erased(t) => Err(AppError::Gone(Box::new(t))),
            SubjectLookup::NotFound => Err(AppError::NotFound(format!("subject {id}"))),
        }
    }

    /// Refuse to record or change special-category data for an actor who may not see it
    /// (they could not check what they wrote); audited.
    fn require_special_category(&self, ctx: &Context, object_id: &str) -> AppResult<()> {
        if ctx.special_category {
            return Ok(());
        }
        self.store.audit(&self.event(ctx, Action::SubjectSpecialCategory, object_id, Outcome::Denied, ""))?;
        Err(AppError::Invalid(FieldError::new(
            "special_category",
            "you may not record special-category data: it needs a DPO or caseworker role with current \
             data-protection training (a token needs it granted when it was created)",
        )))
    }

    /// The subject as `ctx` may see it. Special-category data is left out unless `ctx`
    /// may see it; when it is shown, that view is audited on its own as
    /// `subject.view_special_category` (UK GDPR Art 9, Art 32; never the text itself).
    fn view(&self, ctx: &Context, row: &SubjectRow, mut p: PersonalData) -> AppResult<SubjectView> {
        let special = p.special_category.take();
        let special_category = if ctx.special_category { special } else { None };
        if special_category.is_some() {
            self.store.audit(&self.event(ctx, Action::SubjectViewSpecialCategory, &row.id, Outcome::Success, ""))?;
        }
        let links = self
            .store
            .links_of(&row.id)?
            .into_iter()
            .map(|l| {
                let (other, relation) = match (l.kind.as_str(), l.from_id == row.id) {
                    ("parent_of", true) => (l.to_id, "child"),
                    ("parent_of", false) => (l.from_id, "parent"),
                    (_, true) => (l.to_id, "household"),
                    (_, false) => (l.from_id, "household"),
                };
                LinkView { subject_id: other, relation: relation.into() }
            })
            .collect();
        Ok(SubjectView {
            id: row.id.clone(),
            given_name: p.given_name,
            family_name: p.family_name,
            other_names: p.other_names,
            date_of_birth: p.date_of_birth,
            emails: p.emails,
            phones: p.phones,
            addresses: p.addresses,
            identifiers: p.identifiers,
            categories: row.categories.iter().filter_map(|c| c.parse().ok()).collect(),
            notes: p.notes,
            special_category,
            special_category_withheld: !ctx.special_category,
            special_category_note: withheld_note(ctx),
            links,
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
        })
    }

    /// Create one subject. The response shows what was stored, so it counts as a view.
    pub fn create_subject(&self, ctx: &Context, input: NewSubject) -> AppResult<SubjectView> {
        self.require(ctx, Permission::SubjectCreate, ObjectType::Subject, "")?;
        let v = input.validate(self.today())?;
        if v.personal.special_category.is_some() {
            self.require_special_category(ctx, "")?;
        }
        let row = self.new_row(&v)?;
        let ev = self.event(ctx, Action::SubjectCreate, &row.id, Outcome::Success, "");
        self.store.insert_subjects(std::slice::from_ref(&row), &[ev])?;
        self.grant_to_creator(ctx, std::slice::from_ref(&row.id))?;
        self.view(ctx, &row, v.personal)
    }

    /// Validate and seal `inputs` on all cores, keeping their order. Errors name the
    /// failing subject by its position, counted from `offset`.
    fn prepare(
        &self,
        ctx: &Context,
        inputs: &[NewSubject],
        offset: usize,
        threads: usize,
    ) -> AppResult<Vec<SubjectRow>> {
        let today = self.today();
        if let Some(i) = inputs.iter().position(|s| s.special_category.is_some())
            && !ctx.special_category
        {
            self.require_special_category(ctx, "").map_err(|_| {
                AppError::Invalid(FieldError::new(
                    format!("[{}].special_category", offset + i),
                    "you may not record special-category data",
                ))
            })?;
        }
        let chunk = inputs.len().div_ceil(threads.max(1)).max(1);
        let prepared: Vec<AppResult<Vec<SubjectRow>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = inputs
                .chunks(chunk)
                .enumerate()
                .map(|(c, part)| {
                    scope.spawn(move || {
                        part.iter()
                            .enumerate()
                            .map(|(j, input)| {
                                let i = offset + c * chunk + j;
                                let v = input.clone().validate(today).map_err(|e| match e {
                                    steward_core::CoreError::Invalid(f) => {
                                        AppError::Invalid(FieldError::new(format!("[{i}].{}", f.field), f.message))
                                    }
                                    other => other.into(),
                                })?;
                                self.new_row(&v)
                            })
                            .collect()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(AppError::Io("a worker thread stopped unexpectedly".into()))))
                .collect()
        });
        let mut rows = Vec::with_capacity(inputs.len());
        for part in prepared {
            rows.extend(part?);
        }
        Ok(rows)
    }

    fn insert_prepared(&self, ctx: &Context, rows: &[SubjectRow]) -> AppResult<()> {
        let events: Vec<_> =
            rows.iter().map(|r| self.event(ctx, Action::SubjectCreate, &r.id, Outcome::Success, "bulk")).collect();
        Ok(self.store.insert_subjects(rows, &events)?)
    }

    /// Create many subjects in one transaction (demo data, small imports): all or none.
    /// A validation failure names the zero-based index of the subject at fault.
    pub fn create_subjects(&self, ctx: &Context, inputs: Vec<NewSubject>) -> AppResult<Vec<String>> {
        self.require(ctx, Permission::SubjectCreate, ObjectType::Subject, "")?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let rows = self.prepare(ctx, &inputs, 0, threads)?;
        self.insert_prepared(ctx, &rows)?;
        let ids: Vec<String> = rows.into_iter().map(|r| r.id).collect();
        self.grant_to_creator(ctx, &ids)?;
        Ok(ids)
    }

    /// Create subjects from a stream of any length, `batch` per transaction, sealing
    /// the next batch while the previous one is written. Each batch is all or none; on
    /// a failure the batches before it stay and the error names the subject's position.
    /// Returns the ids in input order.
    pub fn import_subjects(
        &self,
        ctx: &Context,
        inputs: impl Iterator<Item = NewSubject> + Send,
        batch: usize,
    ) -> AppResult<Vec<String>> {
        self.require(ctx, Permission::SubjectCreate, ObjectType::Subject, "")?;
        let batch = batch.clamp(1, 100_000);
        // One core writes; the others seal.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).saturating_sub(1).clamp(1, 8);
        let (tx, rx) = std::sync::mpsc::sync_channel::<AppResult<Vec<SubjectRow>>>(1);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut inputs = inputs;
                let mut offset = 0;
                loop {
                    let part: Vec<NewSubject> = inputs.by_ref().take(batch).collect();
                    if part.is_empty() {
                        break;
                    }
                    let prepared = self.prepare(ctx, &part, offset, threads);
                    offset += part.len();
                    let failed = prepared.is_err();
                    if tx.send(prepared).is_err() || failed {
                        break;
                    }
                }
            });
            let mut ids = Vec::new();
            for prepared in rx {
                let rows = prepared?;
                self.insert_prepared(ctx, &rows)?;
                let batch_ids: Vec<String> = rows.into_iter().map(|r| r.id).collect();
                self.grant_to_creator(ctx, &batch_ids)?;
                ids.extend(batch_ids);
            }
            self.store.checkpoint()?;
            Ok(ids)
        })
    }
    /// Read a subject's personal data. Every view is audited before the data is returned.
    pub fn get_subject(&self, ctx: &Context, id: &str) -> AppResult<SubjectView> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Subject, id)?;
        self.require_need_to_know(ctx, id)?;
        let row = self.load(id)?;
        let p = self.open_row(&row)?;
        self.store.audit(&self.event(ctx, Action::SubjectView, id, Outcome::Success, ""))?;
        self.view(ctx, &row, p)
    }

    /// The names of the people `ids`, for showing the links of subject `from` (whose
    /// page is being viewed): pairs of id and display name, in the order given, leaving
    /// out anyone not found. Seeing a name is seeing personal data, so each name shown
    /// is audited as `subject.view_name` on that person, naming `from` in the detail.
    pub fn linked_names(&self, ctx: &Context, from: &str, ids: &[String]) -> AppResult<Vec<(String, String)>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Subject, from)?;
        self.require_need_to_know(ctx, from)?;
        let mut visible = Vec::with_capacity(ids.len());
        for id in ids {
            if self.may_open_subject(ctx, id)? {
                visible.push(id.clone());
            }
        }
        let ids = &visible;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.store.subjects_by_ids(ids)?;
        let mut out = Vec::with_capacity(rows.len());
        for id in ids {
            let Some(row) = rows.iter().find(|r| &r.id == id) else { continue };
            let name = self.open_row(row)?.display_name();
            self.store.audit(&self.event(
                ctx,
                Action::SubjectViewName,
                id,
                Outcome::Success,
                format!("via=link from={from}"),
            ))?;
            out.push((id.clone(), name));
        }
        Ok(out)
    }

    /// Change a subject. The audit entry names the fields changed, never their values.
    pub fn update_subject(&self, ctx: &Context, id: &str, patch: SubjectPatch) -> AppResult<SubjectView> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Subject, id)?;
        self.require_need_to_know(ctx, id)?;
        self.load(id)?;
        self.ensure_not_restricted(id, "changing their record")?;
        self.apply_patch(ctx, id, patch, None)
    }

    /// Correct a subject's record under a rectification request (UK GDPR Art 16): the
    /// request must be an open rectification request about this subject. Allowed while
    /// processing is restricted (correcting contested data is why it was restricted,
    /// Art 18(1)(a)). The audit entry names the fields and the request, never the values.
    pub fn rectify_subject(&self, ctx: &Context, request_id: &str, patch: SubjectPatch) -> AppResult<SubjectView> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        let q = self.request_row_for(ctx, request_id)?;
        if q.kind != "rectification" {
            return Err(AppError::Invalid(FieldError::new("kind", "only a rectification request corrects a record")));
        }
        if q.status == "closed" {
            return Err(AppError::Invalid(FieldError::new("kind", "the request is closed")));
        }
        let Some(id) = q.subject_id else {
            return Err(AppError::Invalid(FieldError::new("subject_id", "the request names no subject")));
        };
        self.require_need_to_know(ctx, &id)?;
        self.apply_patch(ctx, &id, patch, Some(request_id))
    }

    fn apply_patch(
        &self,
        ctx: &Context,
        id: &str,
        patch: SubjectPatch,
        request_id: Option<&str>,
    ) -> AppResult<SubjectView> {
        let row = self.load(id)?;
        if patch.special_category.is_some() {
            self.require_special_category(ctx, id)?;
        }
        let current = self.open_row(&row)?;
        let current_categories: Vec<Category> = row.categories.iter().filter_map(|c| c.parse().ok()).collect();
        let fields = patch.changed_fields().join(",");
        let v = patch.apply(&current, &current_categories).validate(self.today())?;
        let key = self.keys.unwrap_key(&row.wrapped_key, &row.id)?;
        let new = self.seal(&row.id, &v, &key, row.wrapped_key.clone(), row.created_at.clone(), self.now_text())?;
        let detail = match request_id {
            Some(r) => format!("fields={fields} request={r}"),
            None => format!("fields={fields}"),
        };
        let ev = self.event(ctx, Action::SubjectUpdate, id, Outcome::Success, detail);
        self.store.update_subject(&new, &row.updated_at, &ev)?;
        self.view(ctx, &new, v.personal)
    }
    /// Link two subjects (`parent_of`: `from` is the parent of `to`).
    pub fn link_subjects(&self, ctx: &Context, from: &str, to: &str, kind: LinkKind) -> AppResult<()> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Subject, from)?;
        self.require_need_to_know(ctx, from)?;
        self.require_need_to_know(ctx, to)?;
        if from == to {
            return Err(AppError::Invalid(FieldError::new("subject_id", "a subject cannot be linked to themselves")));
        }
        for id in [from, to] {
            self.load(id)?;
            self.ensure_not_restricted(id, "linking them to someone")?;
        }
        let link =
            LinkRow { from_id: from.into(), to_id: to.into(), kind: kind.as_str().into(), created_at: self.now_text() };
        let ev =
            self.event(ctx, Action::SubjectLink, from, Outcome::Success, format!("kind={} other={to}", kind.as_str()));
        Ok(self.store.add_link(&link, &ev)?)
    }

    /// Remove a link.
    pub fn unlink_subjects(&self, ctx: &Context, from: &str, to: &str, kind: LinkKind) -> AppResult<()> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Subject, from)?;
        self.require_need_to_know(ctx, from)?;
        let ev = self.event(
            ctx,
            Action::SubjectUnlink,
            from,
            Outcome::Success,
            format!("kind={} other={to}", kind.as_str()),
        );
        Ok(self.store.remove_link(from, to, kind.as_str(), &ev)?)
    }

    /// What erasing `id` will destroy, for a confirmation page: counts, not contents.
    pub fn erasure_preview(&self, ctx: &Context, id: &str) -> AppResult<ErasurePreview> {
        self.require(ctx, Permission::SubjectErase, ObjectType::Subject, id)?;
        let row = self.load(id)?;
        Ok(ErasurePreview {
            subject_id: row.id.clone(),
            index_entries: row.index_hashes.len(),
            links: self.store.links_of(id)?.len(),
            encrypted_bytes: row.data.len(),
        })
    }

    /// Erase a subject by crypto-shredding (UK GDPR Art 17). The erasure is first
    /// written to the journal as pending (so no later restore can undo it), then the
    /// data key, ciphertext, index entries and links are destroyed and a tombstone
    /// recorded, then the journal entry is settled by what the database shows: an
    /// erasure that failed is never re-applied later, and one that took effect is
    /// reported as done even if its commit's answer was lost.
    pub fn erase_subject(
        &self,
        ctx: &Context,
        id: &str,
        reason: &str,
        request_ref: Option<&str>,
    ) -> AppResult<Tombstone> {
        self.require(ctx, Permission::SubjectErase, ObjectType::Subject, id)?;
        if !ERASURE_REASONS.iter().any(|(code, _)| *code == reason) {
            return Err(AppError::Invalid(FieldError::new(
                "reason",
                format!("must be one of: {}", ERASURE_REASONS.map(|r| r.0).join(", ")),
            )));
        }
        let request_ref = match request_ref.map(str::trim) {
            None | Some("") => None,
            Some(r) if r.len() <= 64 && r.chars().all(|c| c.is_ascii_alphanumeric() || "-_/.".contains(c)) => {
                Some(r.to_string())
            }
            Some(_) => {
                return Err(AppError::Invalid(FieldError::new(
                    "request_ref",
                    "must be a reference of up to 64 letters, digits and - _ / . (no names)",
                )));
            }
        };
        self.load(id)?;
        self.ensure_no_hold(id)?;
        let t = Tombstone {
            subject_id: id.into(),
            erased_at: self.now_text(),
            reason: reason.into(),
            actor: ctx.actor.clone(),
            request_ref,
        };
        let ev = self.event(ctx, Action::SubjectErase, id, Outcome::Success, format!("reason={reason}"));
        self.journalled(&[crate::journal::Entry::Subject(t.clone())], || Ok(self.store.erase_subject(&t, &ev)?))?;
        Ok(t)
    }
}

/// Counts shown before an erasure is confirmed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErasurePreview {
    /// The subject.
    pub subject_id: String,
    /// Look-up entries that will be deleted.
    pub index_entries: usize,
    /// Links to other people that will be removed.
    pub links: usize,
    /// Size of the encrypted record that becomes unreadable.
    pub encrypted_bytes: usize,
}
