//! Response packs for access (UK GDPR Art 15) and portability (Art 20) requests: the
//! reviewer's decisions on what to withhold under an exemption, and the pack itself — a
//! zip of `data.json`, `data.csv`, a readable `index.html` and the documents, encrypted
//! with AES-256 under a passphrase Steward makes up and shows once (docs/adr/0006).
//!
//! Built packs are sealed again under the subject's data key, so erasure destroys them
//! with everything else; audit entries carry ids and counts only.

use crate::records::sanitise_filename;
use crate::{App, AppError, AppResult, Context};
use askama::Template;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write as _;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::exemption::{self, Exemption, Treatment};
use steward_core::request::RequestKind;
use steward_core::{FieldError, Permission};
use steward_crypto::DataKey;
use steward_store::{PackItemRow, PackRow, RequestRow};
use utoipa::ToSchema;

/// The archive inside a pack that holds the disclosed documents, unencrypted itself but
/// encrypted as one entry of the pack (see docs/adr/0006).
pub const DOCUMENTS_ZIP: &str = "documents.zip";

/// Longest reviewer's note accepted (characters).
pub const MAX_REVIEW_NOTE_CHARS: usize = 2_000;

/// Fields of each kind of item that a reviewer may withhold in part.
pub const ITEM_FIELDS: [(&str, &[&str]); 5] = [
    (
        "identity",
        &[
            "given_name",
            "family_name",
            "other_names",
            "date_of_birth",
            "emails",
            "phones",
            "addresses",
            "identifiers",
            "categories",
            "notes",
            "special_category",
        ],
    ),
    ("note", &["category", "text", "source"]),
    ("document", &["filename", "media_type", "size", "sha256", "source", "content"]),
    ("request", &["reference", "kind", "channel", "made_by", "received_on", "status", "due_on", "events"]),
    ("found", &["source", "format", "searched_on", "redactions", "content"]),
];

fn fields_of(kind: &str) -> &'static [&'static str] {
    ITEM_FIELDS.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, f)| *f)
}

/// A reviewer's decision on one item.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackDecision {
    /// The item: `identity`, `note:<id>`, `document:<id>`, `request:<id>` or
    /// `found:<id>` (a document chosen from a search of files).
    pub item: String,
    /// `withheld` (the whole item) or `partly_withheld` (the fields named).
    pub treatment: Treatment,
    /// The exemption's code (see `GET /api/v1/exemptions`).
    pub exemption: String,
    /// For `partly_withheld`: the fields left out (e.g. `text`, `emails`).
    #[serde(default)]
    pub fields: Vec<String>,
    /// Why, for the record (kept sealed; not put in the pack).
    #[serde(default)]
    pub note: String,
}

impl std::fmt::Debug for PackDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackDecision").field("item", &self.item).finish_non_exhaustive()
    }
}

/// A recorded decision, opened.
#[derive(Clone, Serialize, ToSchema)]
pub struct PackItemReview {
    /// The item.
    pub item: String,
    /// What was done.
    pub treatment: Treatment,
    /// Exemption code.
    pub exemption: String,
    /// Its name.
    pub exemption_title: String,
    /// Its citation.
    pub citation: String,
    /// Fields left out (partly withheld).
    pub fields: Vec<String>,
    /// The reviewer's note.
    pub note: String,
    /// Who decided.
    pub decided_by: String,
    /// When (RFC 3339).
    pub decided_at: String,
}

/// One item the pack of a request will list, with any decision on it.
#[derive(Clone, Serialize, ToSchema)]
pub struct PackCandidate {
    /// The item key.
    pub item: String,
    /// `identity`, `note`, `document`, `request` or `found`.
    pub kind: String,
    /// A description without personal data (kind, date, category or size).
    pub label: String,
    /// When the item was recorded (RFC 3339).
    pub created_at: String,
    /// Fields a reviewer may withhold in part.
    pub fields: Vec<String>,
    /// The decision, if any (the item goes in full otherwise).
    pub review: Option<PackItemReview>,
}

/// What a request's pack will hold.
#[derive(Clone, Serialize, ToSchema)]
pub struct PackReview {
    /// The request.
    pub request_id: String,
    /// Its subject.
    pub subject_id: String,
    /// Every item, identity first.
    pub items: Vec<PackCandidate>,
}

/// A pack just built: the passphrase is shown this once and never stored.
#[derive(Clone, Serialize, ToSchema)]
pub struct BuiltPack {
    /// Pack id.
    pub id: String,
    /// The passphrase that opens the zip. Give it to the requester separately (phone,
    /// letter) from the file; Steward keeps no copy.
    pub passphrase: String,
    /// SHA-256 of the zip file, hex.
    pub sha256: String,
    /// Items listed.
    pub items: i64,
    /// Size of the zip file.
    pub bytes: i64,
    /// Where to download it (API).
    pub download_url: String,
}

impl std::fmt::Debug for BuiltPack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltPack").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A stored pack's details (no passphrase: it is never kept).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PackInfo {
    /// Pack id.
    pub id: String,
    /// The request.
    pub request_id: String,
    /// SHA-256 of the zip, hex.
    pub sha256: String,
    /// Size of the zip.
    pub bytes: i64,
    /// Items listed.
    pub items: i64,
    /// When built (RFC 3339).
    pub created_at: String,
    /// Who built it.
    pub created_by: String,
}

impl From<&PackRow> for PackInfo {
    fn from(p: &PackRow) -> Self {
        Self {
            id: p.id.clone(),
            request_id: p.request_id.clone(),
            sha256: p.sha256.clone(),
            bytes: p.bytes,
            items: p.items,
            created_at: p.created_at.clone(),
            created_by: p.created_by.clone(),
        }
    }
}

/// Characters of passphrase groups: no 0/o, 1/l/i, so it can be read aloud and typed.
const PASS_ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A new passphrase: six groups of four characters from 31 (about 119 bits), e.g.
/// `k7qm-4trx-hz2p-9wce-mbn3-ufa6`.
pub fn new_passphrase() -> AppResult<String> {
    let mut out = String::with_capacity(29);
    let mut n = 0;
    let mut buf = [0u8; 64];
    while n < 24 {
        steward_crypto::random_bytes(&mut buf)?;
        for b in buf {
            // Rejection sampling over 5 bits keeps every character equally likely.
            let v = usize::from(b & 31);
            if v < PASS_ALPHABET.len() && n < 24 {
                if n > 0 && n % 4 == 0 {
                    out.push('-');
                }
                out.push(char::from(PASS_ALPHABET[v]));
                n += 1;
            }
        }
    }
    Ok(out)
}

fn review_aad(request: &str, item: &str) -> Vec<u8> {
    format!("pack-item:{request}:{item}").into_bytes()
}

fn pack_aad(subject: &str, id: &str) -> Vec<u8> {
    format!("pack:{subject}:{id}").into_bytes()
}

fn date_part(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

/// One item of a pack as it is written out.
struct Entry {
    key: String,
    kind: &'static str,
    title: String,
    source: String,
    created_at: String,
    updated_at: String,
    data: Map<String, Value>,
    file: Option<(String, Vec<u8>)>,
    decision: Option<(Treatment, &'static Exemption, Vec<String>)>,
}

/// The readable index of a pack.
#[derive(Template)]
#[template(path = "pack_index.html")]
struct IndexPage<'a> {
    org_name: &'a str,
    reference: &'a str,
    kind: &'a str,
    received_on: &'a str,
    generated_on: String,
    dpo_contact: Option<String>,
    items: Vec<IndexItem>,
    applied: Vec<&'static Exemption>,
    withheld: usize,
}

struct IndexItem {
    title: String,
    source: String,
    created_on: String,
    status: &'static str,
    exemption: Option<&'static Exemption>,
    withheld_fields: String,
    rows: Vec<(String, String)>,
    file: Option<String>,
}

/// Flatten JSON into `(path, text)` pairs: `addresses[0].postcode`, …
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&p, v, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((prefix.into(), s.clone())),
        other => out.push((prefix.into(), other.to_string())),
    }
}

/// A spreadsheet cell that cannot be taken for a formula (OWASP "CSV injection").
fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() }
}

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
        let zip = write_pack(&q, &subject, &org, &entries, &passphrase, self.now())?;
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

fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Io(format!("cannot write the response pack: {e}"))
}

/// Write the zip: `data.json`, `data.csv`, `index.html` and each disclosed document,
/// every entry encrypted with AES-256 under `passphrase`, made at `at`.
fn write_pack(
    q: &RequestRow,
    subject: &str,
    org: &crate::OrgSettings,
    entries: &[Entry],
    passphrase: &str,
    at: jiff::Timestamp,
) -> AppResult<Vec<u8>> {
    let generated_at = steward_core::audit::format_time(at);
    let mut json_items = Vec::with_capacity(entries.len());
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["item", "kind", "source", "created_at", "status", "exemption", "citation", "field", "value"])
        .map_err(io)?;
    let mut index_items = Vec::with_capacity(entries.len());
    let mut applied: Vec<&'static Exemption> = Vec::new();
    let mut files: Vec<(&str, &[u8])> = Vec::new();
    for e in entries {
        let (status, ex, withheld_fields): (&'static str, Option<&'static Exemption>, &[String]) = match &e.decision {
            None => ("disclosed", None, &[]),
            Some((Treatment::Withheld, ex, _)) => ("withheld", Some(*ex), &[]),
            Some((Treatment::PartlyWithheld, ex, f)) => ("partly_withheld", Some(*ex), f.as_slice()),
        };
        if let Some(ex) = ex
            && !applied.iter().any(|a| a.code == ex.code)
        {
            applied.push(ex);
        }
        let data: Option<Map<String, Value>> = match status {
            "withheld" => None,
            _ => Some(
                e.data
                    .iter()
                    .filter(|(k, _)| !withheld_fields.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        };
        let file = match (&e.file, &data) {
            (Some((path, bytes)), Some(d)) if d.contains_key("content") => {
                files.push((path.as_str(), bytes.as_slice()));
                Some(path.clone())
            }
            _ => None,
        };
        json_items.push(json!({
            "item": e.key,
            "kind": e.kind,
            "title": e.title,
            "source": e.source,
            "created_at": e.created_at,
            "updated_at": e.updated_at,
            "status": status,
            "exemption": ex.map(|x| json!({"code": x.code, "title": x.title, "citation": x.citation, "explanation": x.explanation})),
            "withheld_fields": withheld_fields,
            "data": data,
            "file": file,
        }));
        let mut rows = Vec::new();
        if let Some(d) = &data {
            flatten("", &Value::Object(d.clone()), &mut rows);
        }
        let (code, citation) = ex.map_or(("", ""), |x| (x.code, x.citation));
        if rows.is_empty() {
            csv.write_record([
                e.key.as_str(),
                e.kind,
                &safe_cell(&e.source),
                &e.created_at,
                status,
                code,
                citation,
                "",
                "",
            ])
            .map_err(io)?;
        }
        for (field, value) in &rows {
            csv.write_record([
                e.key.as_str(),
                e.kind,
                &safe_cell(&e.source),
                &e.created_at,
                status,
                code,
                citation,
                field,
                &safe_cell(value),
            ])
            .map_err(io)?;
        }
        index_items.push(IndexItem {
            title: e.title.clone(),
            source: e.source.clone(),
            created_on: date_part(&e.created_at).into(),
            status: match status {
                "withheld" => "Withheld",
                "partly_withheld" => "Partly withheld",
                _ => "Given in full",
            },
            exemption: ex,
            withheld_fields: withheld_fields.join(", "),
            rows: rows.into_iter().filter(|(f, _)| f != "content").collect(),
            file,
        });
    }
    let withheld = entries.iter().filter(|e| e.decision.is_some()).count();
    let doc = json!({
        "format": "steward-response-pack",
        "version": 1,
        "organisation": org.org_name,
        "request": {"reference": q.reference, "kind": q.kind, "received_on": q.received_on},
        "subject_id": subject,
        "generated_at": generated_at,
        "items": json_items,
        "exemptions_applied": applied.iter().map(|x| json!({"code": x.code, "title": x.title, "citation": x.citation, "explanation": x.explanation})).collect::<Vec<_>>(),
    });
    let data_json = serde_json::to_vec_pretty(&doc).map_err(io)?;
    let data_csv = csv.into_inner().map_err(io)?;
    let kind_label = match q.kind.as_str() {
        "portability" => "data portability request",
        _ => "subject access request",
    };
    let dpo_contact = match (&org.dpo_name, &org.dpo_email) {
        (Some(n), Some(e)) => Some(format!("{n} ({e})")),
        (Some(n), None) => Some(n.clone()),
        (None, Some(e)) => Some(e.clone()),
        (None, None) => None,
    };
    let index = IndexPage {
        org_name: &org.org_name,
        reference: &q.reference,
        kind: kind_label,
        received_on: &q.received_on,
        generated_on: date_part(&generated_at).into(),
        dpo_contact,
        items: index_items,
        applied,
        withheld,
    }
    .render()
    .map_err(io)?;

    // The zip's entries carry the local time of the server, as a file system would.
    let now = at.to_zoned(jiff::tz::TimeZone::system());
    let when = zip::DateTime::from_date_and_time(
        u16::try_from(now.year()).unwrap_or(2026),
        u8::try_from(now.month()).unwrap_or(1),
        u8::try_from(now.day()).unwrap_or(1),
        u8::try_from(now.hour()).unwrap_or(0),
        u8::try_from(now.minute()).unwrap_or(0),
        u8::try_from(now.second()).unwrap_or(0),
    )
    .unwrap_or_default();
    // The documents go into one inner archive, stored as they are: each entry of an AES
    // zip has its own salt and so its own key derivation (PBKDF2, 1,000 rounds), which
    // for hundreds of documents would cost more than everything else together.
    let documents = if files.is_empty() {
        None
    } else {
        let mut inner = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(when);
        for (path, bytes) in &files {
            let name = path.strip_prefix(DOCUMENTS_ZIP).unwrap_or(path).trim_start_matches('/');
            inner.start_file(name, stored).map_err(io)?;
            inner.write_all(bytes).map_err(io)?;
        }
        Some(inner.finish().map_err(io)?.into_inner())
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let entries =
        [("index.html", index.as_bytes()), ("data.json", data_json.as_slice()), ("data.csv", data_csv.as_slice())]
            .into_iter()
            .chain(documents.as_deref().map(|d| (DOCUMENTS_ZIP, d)));
    for (name, bytes) in entries {
        let method =
            if name == DOCUMENTS_ZIP { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(bytes.len() as u64 >= u64::from(u32::MAX))
            .last_modified_time(when)
            .with_aes_encryption(zip::AesMode::Aes256, passphrase);
        zip.start_file(name, opts).map_err(io)?;
        zip.write_all(bytes).map_err(io)?;
    }
    Ok(zip.finish().map_err(io)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrases_are_six_readable_groups_and_differ() {
        let a = new_passphrase().unwrap_or_default();
        let b = new_passphrase().unwrap_or_default();
        assert_ne!(a, b);
        let groups: Vec<&str> = a.split('-').collect();
        assert_eq!(groups.len(), 6);
        assert!(groups.iter().all(|g| g.len() == 4 && g.bytes().all(|c| PASS_ALPHABET.contains(&c))));
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("plain"), "plain");
    }
}
