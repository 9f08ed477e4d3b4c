//! A response pack's review and build: the items found for the subject, the reviewer's
//! decision on each (withheld under an exemption of DPA 2018 Sch 2 to 4, with fields and
//! a sealed note), and the pack built from them, sealed under the subject's data key and
//! downloaded once (UK GDPR Art 15 and 20). Audit entries carry ids and counts only.

use super::archive::write_pack;
use super::{
    BuiltPack, DOCUMENTS_ZIP, Entry, MAX_REVIEW_NOTE_CHARS, PackCandidate, PackDecision, PackInfo, PackItemReview,
    PackReview, date_part, fields_of, new_passphrase, pack_aad, review_aad,
};
use crate::records::sanitise_filename;
use crate::{App, AppError, AppResult, Context};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::exemption::{self, Treatment};
use steward_core::request::RequestKind;
use steward_core::{FieldError, Permission};
use steward_crypto::DataKey;
use steward_store::{PackItemRow, PackRow, RequestRow};

impl App {
    /// The request (for `ctx`) and the subject it is about, refusing kinds other than
    /// access and portability and requests without a subject.
    fn pack_request(&self, ctx: &Context, request_id: &str) -> AppResult<(RequestRow, String)> {
        let (q, _) = self.load_request(ctx, request_id)?;
        let kind: RequestKind =
            q.kind.parse().map_err(|_| AppError::Invalid(FieldError::new("kind", "is not a known request kind")))?;
        if !matches!(kind, RequestKind::Access | RequestKind::Portability) {
            return Err(AppError::Invalid(FieldError::new(
                "kind",
                "response packs are built for access and portability requests only",
            )));
        }
        let Some(subject) = q.subject_id.clone() else {
            return Err(AppError::Invalid(FieldError::new(
                "subject_id",
                "the request is not linked to a subject on record; link it first",
            )));
        };
        Ok((q, subject))
    }

    fn open_reviews(&self, key: &DataKey, rows: Vec<PackItemRow>) -> AppResult<BTreeMap<String, PackItemReview>> {
        rows.into_iter()
            .map(|r| {
                let note = String::from_utf8(key.open(&review_aad(&r.request_id, &r.item_key), &r.note)?)
                    .map_err(|_| AppError::Undecryptable)?;
                let ex = exemption::find(&r.exemption);
                let review = PackItemReview {
                    treatment: r.treatment.parse()?,
                    exemption_title: ex.map_or("", |e| e.title).into(),
                    citation: ex.map_or("", |e| e.citation).into(),
                    exemption: r.exemption,
                    fields: r.fields.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect(),
                    note,
                    decided_by: r.decided_by,
                    decided_at: r.decided_at,
                    item: r.item_key.clone(),
                };
                Ok((r.item_key, review))
            })
            .collect()
    }

    /// Every item of the subject, in pack order, with its content (opened).
    ///
    /// Documents chosen from searches of files for this request follow, as their text
    /// with the accepted redactions applied; with `require_decided`, any proposal not
    /// yet accepted or rejected refuses the lot.
    ///
    /// Special-category data (UK GDPR Art 9, Art 10) is the requester's too (Art 15), so
    /// it goes into the identity record when `ctx` may see it (audited as
    /// `subject.view_special_category`); otherwise it is left out of what `ctx` is
    /// shown, and building the pack (`require_decided`) is refused, so that a pack never
    /// lacks it silently nor reaches someone who may not read it.
    fn pack_entries(
        &self,
        ctx: &Context,
        request_id: &str,
        subject: &str,
        key: &DataKey,
        require_decided: bool,
    ) -> AppResult<Vec<Entry>> {
        let row = self.load(subject)?;
        let p = self.open_row(&row)?;
        let records = self.store.subject_records(subject)?;
        let mut out = Vec::with_capacity(1 + records.notes.len() + records.documents.len() + records.requests.len());
        let mut identity = Map::new();
        identity.insert("given_name".into(), json!(p.given_name));
        identity.insert("family_name".into(), json!(p.family_name));
        identity.insert("other_names".into(), json!(p.other_names));
        identity.insert("date_of_birth".into(), json!(p.date_of_birth.map(|d| d.to_string())));
        identity.insert("emails".into(), json!(p.emails));
        identity.insert("phones".into(), json!(p.phones));
        identity.insert("addresses".into(), serde_json::to_value(&p.addresses).unwrap_or(Value::Null));
        identity.insert("identifiers".into(), serde_json::to_value(&p.identifiers).unwrap_or(Value::Null));
        identity.insert("categories".into(), json!(row.categories));
        identity.insert("notes".into(), json!(p.notes));
        if let Some(sc) = &p.special_category {
            if ctx.special_category {
                identity.insert("special_category".into(), serde_json::to_value(sc).unwrap_or(Value::Null));
                let ev = self.event(
                    ctx,
                    Action::SubjectViewSpecialCategory,
                    subject,
                    Outcome::Success,
                    format!("via=pack request={request_id}"),
                );
                self.store.audit(&ev)?;
            } else if require_decided {
                return Err(AppError::Invalid(FieldError::new(
                    "special_category",
                    "this person's record holds special-category data, which belongs in their pack: a DPO or a \
                     caseworker with current data-protection training must build it",
                )));
            }
        }
        out.push(Entry {
            key: "identity".into(),
            kind: "identity",
            title: "Identity record".into(),
            source: "Steward: people register".into(),
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
            data: identity,
            file: None,
            decision: None,
        });
        for n in records.notes {
            let n = self.open_note(key, n)?;
            let label = crate::records::NOTE_CATEGORIES
                .iter()
                .find(|(c, _)| *c == n.category)
                .map_or(n.category.as_str(), |(_, l)| *l);
            let mut data = Map::new();
            data.insert("category".into(), json!(label));
            data.insert("text".into(), json!(n.text));
            data.insert("source".into(), json!(n.source));
            out.push(Entry {
                key: format!("note:{}", n.id),
                kind: "note",
                title: format!("{label} of {}", date_part(&n.created_at)),
                source: n.source,
                updated_at: n.created_at.clone(),
                created_at: n.created_at,
                data,
                file: None,
                decision: None,
            });
        }
        for (i, d) in records.documents.iter().enumerate() {
            let info = self.open_document_info(key, d)?;
            let content = self.open_document_content(key, d)?;
            let path = format!("{DOCUMENTS_ZIP}/{:04}-{}", i + 1, sanitise_filename(&info.filename));
            let mut data = Map::new();
            data.insert("filename".into(), json!(info.filename));
            data.insert("media_type".into(), json!(info.media_type));
            data.insert("size".into(), json!(info.size));
            data.insert("sha256".into(), json!(info.sha256));
            data.insert("source".into(), json!(info.source));
            data.insert("content".into(), json!(path));
            out.push(Entry {
                key: format!("document:{}", info.id),
                kind: "document",
                title: format!("Document of {}", date_part(&info.created_at)),
                source: info.source,
                updated_at: info.created_at.clone(),
                created_at: info.created_at,
                data,
                file: Some((path, content)),
                decision: None,
            });
        }
        for (r, events) in records.requests {
            let v = self.request_view(r, &events, true)?;
            let mut data = Map::new();
            data.insert("reference".into(), json!(v.reference));
            data.insert("kind".into(), json!(v.kind));
            data.insert("channel".into(), json!(v.channel));
            data.insert("made_by".into(), json!(v.made_by));
            data.insert("received_on".into(), json!(v.received_on.to_string()));
            data.insert("status".into(), json!(v.status));
            data.insert("due_on".into(), json!(v.statutory_due_on.to_string()));
            let events: Vec<Value> =
                v.events.iter().map(|e| serde_json::to_value(&e.event).unwrap_or(Value::Null)).collect();
            data.insert("events".into(), Value::Array(events));
            out.push(Entry {
                key: format!("request:{}", v.id),
                kind: "request",
                title: format!("Request {} ({})", v.reference, v.kind),
                source: "Steward: rights requests register".into(),
                created_at: v.created_at,
                updated_at: v.updated_at,
                data,
                file: None,
                decision: None,
            });
        }
        let third_party = exemption::find("third_party");
        for (i, f) in self.pack_found_documents(request_id, key, require_decided)?.into_iter().enumerate() {
            let last = f.source.rsplit(['!', '/', '\\']).next().unwrap_or("document");
            let path = format!("{DOCUMENTS_ZIP}/found-{:04}-{}.txt", i + 1, sanitise_filename(last));
            let redactions: Vec<Value> = f
                .redactions
                .iter()
                .map(|(kind, exemption, at)| json!({"type": kind, "exemption": exemption, "where": at}))
                .collect();
            let mut data = Map::new();
            data.insert("source".into(), json!(f.source));
            data.insert("format".into(), json!(f.format));
            data.insert("searched_on".into(), json!(f.searched_on));
            data.insert("redactions".into(), Value::Array(redactions));
            data.insert("content".into(), json!(path));
            let decision = match third_party {
                Some(ex) if !f.redactions.is_empty() => Some((Treatment::PartlyWithheld, ex, Vec::new())),
                _ => None,
            };
            out.push(Entry {
                key: format!("found:{}", f.id),
                kind: "found",
                title: format!("Found by a search on {}: {}", f.searched_on, last),
                source: f.source,
                created_at: f.searched_on.clone(),
                updated_at: f.searched_on,
                data,
                file: Some((path, f.text.into_bytes())),
                decision,
            });
        }
        Ok(out)
    }

    fn candidates(entries: &[Entry], reviews: &mut BTreeMap<String, PackItemReview>) -> Vec<PackCandidate> {
        entries
            .iter()
            .map(|e| {
                let label = match e.kind {
                    "identity" => "Identity record (names, contact details, identifiers)".to_string(),
                    "note" => e.title.clone(),
                    "document" => format!("{} ({} bytes)", e.title, e.data.get("size").cloned().unwrap_or(json!(0))),
                    _ => e.title.clone(),
                };
                PackCandidate {
                    item: e.key.clone(),
                    kind: e.kind.into(),
                    label,
                    created_at: e.created_at.clone(),
                    fields: fields_of(e.kind).iter().map(|f| f.to_string()).collect(),
                    review: reviews.remove(&e.key),
                }
            })
            .collect()
    }

    /// What the pack of an access or portability request will hold, with the decisions
    /// made so far (audited as a view, with counts).
    pub fn pack_review(&self, ctx: &Context, request_id: &str) -> AppResult<PackReview> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, request_id)?;
        let (_, subject) = self.pack_request(ctx, request_id)?;
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, &subject)?;
        let entries = self.pack_entries(ctx, request_id, &subject, &key, false)?;
        let mut reviews = self.open_reviews(&key, self.store.pack_items(request_id)?)?;
        let decided = reviews.len();
        let items = Self::candidates(&entries, &mut reviews);
        let ev = self.event(
            ctx,
            Action::RequestPackReviewView,
            request_id,
            Outcome::Success,
            format!("items={} decisions={decided}", items.len()),
        );
        self.store.audit(&ev)?;
        Ok(PackReview { request_id: request_id.into(), subject_id: subject, items })
    }

    /// Record a decision to withhold (part of) one item (audited with the item, treatment
    /// and exemption code).
    pub fn set_pack_decision(&self, ctx: &Context, request_id: &str, d: PackDecision) -> AppResult<PackItemReview> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        let (_, subject) = self.pack_request(ctx, request_id)?;
        // Reviewing the subject's own pack goes on while processing is restricted (it
        // answers their request); the request permission above covers the change.
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, &subject)?;
        let Some(ex) = exemption::find(d.exemption.trim()) else {
            return Err(AppError::Invalid(FieldError::new(
                "exemption",
                "is not a known exemption code (see GET /api/v1/exemptions)",
            )));
        };
        let entries = self.pack_entries(ctx, request_id, &subject, &key, false)?;
        let Some(entry) = entries.iter().find(|e| e.key == d.item) else {
            return Err(AppError::Invalid(FieldError::new("item", "names no item this subject has")));
        };
        let allowed = fields_of(entry.kind);
        let mut fields: Vec<String> = d.fields.iter().map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect();
        fields.sort();
        fields.dedup();
        match d.treatment {
            Treatment::Withheld if !fields.is_empty() => {
                return Err(AppError::Invalid(FieldError::new(
                    "fields",
                    "name fields only when an item is partly withheld",
                )));
            }
            Treatment::PartlyWithheld if fields.is_empty() => {
                return Err(AppError::Invalid(FieldError::new(
                    "fields",
                    "name the fields to leave out of a partly withheld item",
                )));
            }
            _ => {}
        }
        if fields.iter().any(|f| !allowed.contains(&f.as_str())) {
            return Err(AppError::Invalid(FieldError::new(
                "fields",
                format!("for this item choose from: {}", allowed.join(", ")),
            )));
        }
        let note = d.note.trim();
        if note.chars().count() > MAX_REVIEW_NOTE_CHARS {
            return Err(AppError::Invalid(FieldError::new(
                "note",
                format!("must be up to {MAX_REVIEW_NOTE_CHARS} characters"),
            )));
        }
        let row = PackItemRow {
            request_id: request_id.into(),
            item_key: entry.key.clone(),
            subject_id: subject.clone(),
            treatment: d.treatment.as_str().into(),
            exemption: ex.code.into(),
            fields: fields.join(","),
            note: key.seal(&review_aad(request_id, &entry.key), note.as_bytes())?,
            decided_by: ctx.actor.clone(),
            decided_at: self.now_text(),
        };
        let ev = self.event(
            ctx,
            Action::RequestPackItemSet,
            request_id,
            Outcome::Success,
            format!("item={} treatment={} exemption={}", row.item_key, row.treatment, row.exemption),
        );
        self.store.set_pack_item(&row, &ev)?;
        let mut opened = self.open_reviews(&key, vec![row])?;
        opened.remove(&entry.key).ok_or_else(|| AppError::Io("the decision could not be read back".into()))
    }

    /// Remove a decision, so the item goes into the pack in full (audited).
    pub fn clear_pack_decision(&self, ctx: &Context, request_id: &str, item: &str) -> AppResult<()> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        let (_, subject) = self.pack_request(ctx, request_id)?;
        self.require_need_to_know(ctx, &subject)?;
        let safe_item: String = item.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-').collect();
        let ev =
            self.event(ctx, Action::RequestPackItemClear, request_id, Outcome::Success, format!("item={safe_item}"));
        Ok(self.store.remove_pack_item(request_id, item, &ev)?)
    }

    /// Build the response pack of an access or portability request: every item Steward
    /// holds about the subject, withheld items listed with their exemption, as an
    /// AES-256-encrypted zip. The passphrase is returned this once and never stored or
    /// logged. Audited with the pack id and counts.
    pub fn build_pack(&self, ctx: &Context, request_id: &str) -> AppResult<BuiltPack> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        let (q, subject) = self.pack_request(ctx, request_id)?;
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, &subject)?;
        let mut entries = self.pack_entries(ctx, request_id, &subject, &key, true)?;
        let reviews = self.open_reviews(&key, self.store.pack_items(request_id)?)?;
        for e in &mut entries {
            if let Some(r) = reviews.get(&e.key)
                && let Some(ex) = exemption::find(&r.exemption)
            {
                e.decision = Some((r.treatment, ex, r.fields.clone()));
            }
        }
        let org = self.org_settings()?;
        let passphrase = new_passphrase()?;
        let categories: Vec<steward_core::subject::Category> = match self.store.subject(&subject)? {
            steward_store::SubjectLookup::Found(row) => row.categories.iter().filter_map(|c| c.parse().ok()).collect(),
            _ => Vec::new(),
        };
        let about = Some(self.processing_facts(&categories)?).filter(|f| !f.activities.is_empty());
        let zip = write_pack(&q, &subject, &org, &entries, &passphrase, self.now(), about)?;
        let id = uuid::Uuid::now_v7().to_string();
        let sha256 = steward_crypto::sha256_hex(&zip);
        let withheld = entries.iter().filter(|e| e.decision.is_some()).count();
        let documents = entries.iter().filter(|e| e.file.is_some()).count();
        let row = PackRow {
            data: key.seal(&pack_aad(&subject, &id), &zip)?,
            id: id.clone(),
            request_id: request_id.into(),
            subject_id: subject.clone(),
            created_at: self.now_text(),
            created_by: ctx.actor.clone(),
            sha256: sha256.clone(),
            bytes: zip.len() as i64,
            items: entries.len() as i64,
        };
        let ev = self.event(
            ctx,
            Action::RequestPackBuild,
            request_id,
            Outcome::Success,
            format!("pack={id} items={} withheld={withheld} documents={documents}", entries.len()),
        );
        self.store.insert_pack(&row, &ev)?;
        Ok(BuiltPack {
            download_url: format!("/api/v1/requests/{request_id}/packs/{id}"),
            id,
            passphrase,
            sha256,
            items: row.items,
            bytes: row.bytes,
        })
    }

    /// The packs built for a request (no contents).
    pub fn packs(&self, ctx: &Context, request_id: &str) -> AppResult<Vec<PackInfo>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, request_id)?;
        self.load_request(ctx, request_id)?;
        Ok(self.store.packs_of(request_id)?.iter().map(PackInfo::from).collect())
    }

    /// A built pack's encrypted zip, for download (audited).
    pub fn download_pack(&self, ctx: &Context, request_id: &str, pack_id: &str) -> AppResult<(PackInfo, Vec<u8>)> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, request_id)?;
        self.load_request(ctx, request_id)?;
        let row = self.store.pack(request_id, pack_id)?.ok_or_else(|| AppError::NotFound(format!("pack {pack_id}")))?;
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, &row.subject_id)?;
        let zip = key.open(&pack_aad(&row.subject_id, &row.id), &row.data)?;
        let ev = self.event(
            ctx,
            Action::RequestPackDownload,
            request_id,
            Outcome::Success,
            format!("pack={pack_id} bytes={}", zip.len()),
        );
        self.store.audit(&ev)?;
        Ok((PackInfo::from(&row), zip))
    }
}
