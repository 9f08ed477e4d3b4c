//! The register of systems and processors: reading it (anyone who may read the
//! registers), adding and changing entries (those who manage them), each change audited.
//! The entry and its rules are [`steward_core::register::system`]. An entry's supplier
//! must be a processor in use on the processor register (UK GDPR Art 28), and reading one
//! entry lists the activities of the record of processing that use it (Art 30(1)).

use crate::{App, AppError, AppResult, Context};
use serde::{Deserialize, Serialize};
use steward_core::FieldError;
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::register::activity::Activity;
use steward_core::register::processor::Processor;
use steward_core::register::system::{NewSystem, SystemKind};
use steward_store::{StoreError, SystemRow};
use utoipa::ToSchema;

/// A system or processor on the register.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct System {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `system` or `processor`.
    pub kind: SystemKind,
    /// Whether every subject's data is there.
    pub holds_all_subjects: bool,
    /// Who to ask.
    pub contact: String,
    /// Notes.
    pub notes: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Retired (RFC 3339), if it has been.
    pub retired_at: Option<String>,
    /// Who is responsible for it.
    pub owner: String,
    /// Where it runs, or where the paper is kept.
    pub location: String,
    /// The country it is hosted in (ISO 3166-1 alpha-2), blank if not recorded.
    pub hosting_country: String,
    /// The id of the processor that supplies it, blank if none.
    pub processor_id: String,
    /// Its technical and organisational security measures (Art 32).
    pub security_measures: String,
}

/// An activity of the record of processing, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivityRef {
    /// The activity's id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A system or processor with the activities of the record of processing in force that
/// use it (their `system_ids` name it), by name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SystemView {
    /// The entry.
    #[serde(flatten)]
    pub system: System,
    /// The activities using it, by name.
    pub activities: Vec<ActivityRef>,
}

impl System {
    pub(crate) fn from_row(r: SystemRow) -> AppResult<Self> {
        let kind =
            SystemKind::parse(&r.kind).ok_or_else(|| AppError::Store(StoreError::Corrupt("system kind".into())))?;
        Ok(Self {
            id: r.id,
            name: r.name,
            kind,
            holds_all_subjects: r.holds_all_subjects,
            contact: r.contact,
            notes: r.notes,
            created_at: r.created_at,
            retired_at: r.retired_at,
            owner: r.owner,
            location: r.location,
            hosting_country: r.hosting_country,
            processor_id: r.processor_id,
            security_measures: r.security_measures,
        })
    }
}

/// A name clash (found by the store, or by the database when two changes race) is a
/// problem with the name, shown on its field.
fn name_clash(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(m) => AppError::Invalid(steward_core::FieldError::new("name", m)),
        StoreError::Constraint(_) => {
            AppError::Invalid(steward_core::FieldError::new("name", "another system or processor has this name"))
        }
        other => AppError::Store(other),
    }
}

impl App {
    /// Refuse a supplier that is not a processor in use on the processor register, naming
    /// `processor_id`. `keep` is the supplier already recorded: it stays allowed when the
    /// processor has since been retired, so other details can still be changed.
    fn check_supplier(&self, processor_id: &str, keep: Option<&str>) -> AppResult<()> {
        if processor_id.is_empty() || keep == Some(processor_id) {
            return Ok(());
        }
        if self.entries_in_force::<Processor>(None, false)?.iter().any(|p| p.id == processor_id) {
            return Ok(());
        }
        Err(AppError::Invalid(FieldError::new(
            "processor_id",
            "is not a processor in use on the register of processors: add the processor first, or leave the \
             supplier blank",
        )))
    }

    /// The activities in force using each system, by system id.
    fn activities_by_system(&self) -> AppResult<std::collections::HashMap<String, Vec<ActivityRef>>> {
        let mut out: std::collections::HashMap<String, Vec<ActivityRef>> = std::collections::HashMap::new();
        for a in self.entries_in_force::<Activity>(None, false)? {
            let mut ids = a.entry.system_ids.clone();
            ids.sort_unstable();
            ids.dedup();
            for sid in ids {
                out.entry(sid).or_default().push(ActivityRef { id: a.id.clone(), name: a.entry.name.clone() });
            }
        }
        Ok(out)
    }

    /// The register of systems and processors, by name, each with the activities using it.
    pub fn system_views(&self, ctx: &Context) -> AppResult<Vec<SystemView>> {
        let systems = self.systems(ctx)?;
        let mut uses = self.activities_by_system()?;
        Ok(systems
            .into_iter()
            .map(|s| {
                let activities = uses.remove(&s.id).unwrap_or_default();
                SystemView { system: s, activities }
            })
            .collect())
    }

    /// One system or processor with the activities using it.
    pub fn system_view(&self, ctx: &Context, id: &str) -> AppResult<SystemView> {
        let system = self.system(ctx, id)?;
        let activities = self.activities_by_system()?.remove(id).unwrap_or_default();
        Ok(SystemView { system, activities })
    }

    /// The register of systems and processors, by name.
    pub fn systems(&self, ctx: &Context) -> AppResult<Vec<System>> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::System, "")?;
        self.store.systems()?.into_iter().map(System::from_row).collect()
    }

    /// One system or processor.
    pub fn system(&self, ctx: &Context, id: &str) -> AppResult<System> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::System, id)?;
        let row = self.store.system(id)?.ok_or_else(|| AppError::NotFound(format!("system {id}")))?;
        System::from_row(row)
    }

    /// Add a system or processor to the register.
    pub fn create_system(&self, ctx: &Context, input: NewSystem) -> AppResult<System> {
        self.require(ctx, Permission::ManageRegisters, ObjectType::System, "")?;
        let input = input.validate().map_err(AppError::Invalid)?;
        self.check_supplier(&input.processor_id, None)?;
        let row = SystemRow {
            id: uuid::Uuid::now_v7().to_string(),
            name: input.name,
            kind: input.kind.as_str().into(),
            holds_all_subjects: input.holds_all_subjects,
            contact: input.contact,
            notes: input.notes,
            created_at: self.now_text(),
            retired_at: input.retired.then(|| self.now_text()),
            owner: input.owner,
            location: input.location,
            hosting_country: input.hosting_country,
            processor_id: input.processor_id,
            security_measures: input.security_measures,
        };
        let ev = self.event(ctx, Action::SystemCreate, &row.id, Outcome::Success, format!("kind={}", row.kind));
        self.store.insert_system(&row, &ev).map_err(name_clash)?;
        System::from_row(row)
    }

    /// Change a system or processor (all fields replaced).
    pub fn update_system(&self, ctx: &Context, id: &str, input: NewSystem) -> AppResult<System> {
        self.require(ctx, Permission::ManageRegisters, ObjectType::System, id)?;
        let input = input.validate().map_err(AppError::Invalid)?;
        let old = self.store.system(id)?.ok_or_else(|| AppError::NotFound(format!("system {id}")))?;
        self.check_supplier(&input.processor_id, Some(&old.processor_id))?;
        let retired_at = match (input.retired, old.retired_at.clone()) {
            (true, Some(at)) => Some(at),
            (true, None) => Some(self.now_text()),
            (false, _) => None,
        };
        let row = SystemRow {
            name: input.name,
            kind: input.kind.as_str().into(),
            holds_all_subjects: input.holds_all_subjects,
            contact: input.contact,
            notes: input.notes,
            retired_at,
            owner: input.owner,
            location: input.location,
            hosting_country: input.hosting_country,
            processor_id: input.processor_id,
            security_measures: input.security_measures,
            ..old
        };
        let ev = self.event(ctx, Action::SystemUpdate, id, Outcome::Success, format!("retired={}", input.retired));
        if !self.store.update_system(&row, &ev).map_err(name_clash)? {
            return Err(AppError::NotFound(format!("system {id}")));
        }
        System::from_row(row)
    }
}
