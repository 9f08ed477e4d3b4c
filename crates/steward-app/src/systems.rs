//! The register of systems and processors: reading it (anyone who may read the
//! registers), adding and changing entries (those who manage them), each change audited.
//! The entry and its rules are [`steward_core::register::system`].

use crate::{App, AppError, AppResult, Context};
use serde::{Deserialize, Serialize};
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
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
        let row = SystemRow {
            id: uuid::Uuid::now_v7().to_string(),
            name: input.name,
            kind: input.kind.as_str().into(),
            holds_all_subjects: input.holds_all_subjects,
            contact: input.contact,
            notes: input.notes,
            created_at: self.now_text(),
            retired_at: input.retired.then(|| self.now_text()),
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
            ..old
        };
        let ev = self.event(ctx, Action::SystemUpdate, id, Outcome::Success, format!("retired={}", input.retired));
        if !self.store.update_system(&row, &ev).map_err(name_clash)? {
            return Err(AppError::NotFound(format!("system {id}")));
        }
        System::from_row(row)
    }
}
