//! The dashboard's retention panel: records due for disposal this month and overdue,
//! and the disposals waiting on someone.

use steward_app::auth::SessionInfo;
use steward_app::{App, AppResult};
use steward_core::Permission;

/// The dashboard's retention panel: records due for disposal this month and overdue.
#[derive(Debug, Clone)]
pub struct RetentionPanel {
    /// Whether a schedule is in force at all.
    pub has_schedule: bool,
    /// Records due this month.
    pub due: u64,
    /// Records past their destroy-by date and not yet destroyed.
    pub overdue: u64,
    /// The month, for people ("November 2026").
    pub month_label: String,
    /// The inventory filtered to this month.
    pub month_href: String,
    /// Disposals waiting for the DPO's approval.
    pub awaiting_approval: u64,
    /// Disposal tasks not yet confirmed, and of those past their date.
    pub open_tasks: u64,
    /// Disposal tasks past the date they were to be done by.
    pub late_tasks: u64,
    /// Disposals stopped by a legal hold.
    pub held: u64,
}

/// The panel for roles that read the registers; `None` for others.
pub fn dashboard_panel(app: &App, session: &SessionInfo) -> AppResult<Option<RetentionPanel>> {
    if !session.user.role.can(Permission::ReadRegisters) {
        return Ok(None);
    }
    let today = app.today();
    let has_schedule = app.active_schedule()?.is_some();
    let s = if has_schedule { app.disposal_summary(&session.ctx, today)? } else { Default::default() };
    Ok(Some(RetentionPanel {
        has_schedule,
        due: s.due_this_month,
        overdue: s.overdue,
        awaiting_approval: s.awaiting_approval,
        open_tasks: s.open_tasks,
        late_tasks: s.late_tasks,
        held: s.held,
        month_label: today.strftime("%B %Y").to_string(),
        month_href: format!("/records?due_month={}", today.strftime("%Y-%m")),
    }))
}
