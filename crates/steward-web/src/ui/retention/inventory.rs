//! The records inventory: every record with its destroy-by date and why, filtered by
//! type, system, place, month due, holds and missing facts (ids and fixed names only,
//! so the filters may sit in the address), a page at a time.

use super::words::{RecordLine, STATUSES, line};
use crate::session::SignedIn;
use crate::state::AppState;
use crate::ui::form::{FormErrors, Pairs, SelectOption, system_options, type_options};
use crate::ui::kit::{PageContext, page, render, render_status, run};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;
use steward_app::retention::RecordQuery;
use steward_core::Permission;

/// Rows per page of the inventory.
const PAGE_SIZE: usize = 50;

/// The filters as typed.
#[derive(Default)]
struct Filters {
    record_type: String,
    system_id: String,
    location: String,
    due_month: String,
    due_before: String,
    held: bool,
    missing: bool,
    status: String,
}

impl Filters {
    fn from_pairs(p: &Pairs) -> Self {
        Self {
            record_type: p.trimmed("record_type").into(),
            system_id: p.trimmed("system_id").into(),
            location: p.trimmed("location").into(),
            due_month: p.trimmed("due_month").into(),
            due_before: p.trimmed("due_before").into(),
            held: p.ticked("held"),
            missing: p.ticked("missing"),
            status: p.trimmed("status").into(),
        }
    }

    /// The query for the application, and problems with what was typed.
    fn query(&self, page: usize) -> (RecordQuery, FormErrors) {
        let mut errors = FormErrors::new();
        let nonempty = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        let due_before = match self.due_before.as_str() {
            "" => None,
            d => match d.parse::<Date>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add("due_before", "Due before must be a date, for example 2027-03-31");
                    None
                }
            },
        };
        let due_month = match self.due_month.as_str() {
            "" => None,
            m => match format!("{m}-01").parse::<Date>() {
                Ok(_) if m.len() == 7 => Some(m.to_string()),
                _ => {
                    errors.add("due_month", "Due in month must be a year and month, for example 2027-03");
                    None
                }
            },
        };
        let status = nonempty(&self.status).filter(|s| STATUSES.iter().any(|(v, _)| v == s));
        let q = RecordQuery {
            record_type: nonempty(&self.record_type),
            system_id: nonempty(&self.system_id),
            location: nonempty(&self.location),
            due_before,
            due_month,
            held: self.held,
            missing: self.missing,
            status,
            limit: Some(PAGE_SIZE),
            offset: Some(page.saturating_sub(1).saturating_mul(PAGE_SIZE)),
            ..RecordQuery::default()
        };
        (q, errors)
    }

    /// The filters as a query string for the page links.
    fn href(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("record_type", &self.record_type),
            ("system_id", &self.system_id),
            ("location", &self.location),
            ("due_month", &self.due_month),
            ("due_before", &self.due_before),
            ("status", &self.status),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        if self.held {
            pairs.push(("held", "yes".into()));
        }
        if self.missing {
            pairs.push(("missing", "yes".into()));
        }
        pairs.push(("page", page.to_string()));
        format!("/records?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
}

#[derive(Template)]
#[template(path = "pages/records.html")]
struct RecordsPage {
    page: PageContext,
    errors: FormErrors,
    has_schedule: bool,
    lines: Vec<RecordLine>,
    total: u64,
    first: usize,
    last: usize,
    filters: Filters,
    types: Vec<SelectOption>,
    systems: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    this_month: String,
    month_hint: String,
    previous: Option<String>,
    next: Option<String>,
    can_add: bool,
}

pub(super) async fn records_list(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    let pairs = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    let built = run(move || {
        let filters = Filters::from_pairs(&pairs);
        let last_page = steward_app::retention::MAX_RECORD_OFFSET / PAGE_SIZE + 1;
        let page_no = pairs.value("page").parse::<usize>().unwrap_or(1).clamp(1, last_page);
        let info = app.schedule_info(&session.ctx)?;
        let (query, errors) = filters.query(page_no);
        let (lines, total) = if info.is_some() {
            let found = app.records(&session.ctx, &query)?;
            (found.records.iter().map(line).collect::<Vec<_>>(), found.total)
        } else {
            (Vec::new(), 0)
        };
        let first = (page_no - 1) * PAGE_SIZE + 1;
        let last = first + lines.len().saturating_sub(1);
        let more = (last as u64) < total;
        Ok(RecordsPage {
            page: page(&app, &session, "records"),
            errors,
            has_schedule: info.is_some(),
            total,
            first,
            last,
            previous: (page_no > 1).then(|| filters.href(page_no - 1)),
            next: (more && !lines.is_empty()).then(|| filters.href(page_no + 1)),
            lines,
            types: type_options(info.as_ref(), "Any type"),
            systems: system_options(&app, &session, "Any system")?,
            statuses: STATUSES.iter().map(|(v, l)| SelectOption::new(*v, *l)).collect(),
            this_month: app.today().strftime("%Y-%m").to_string(),
            month_hint: format!("Year and month, for example {}", app.today().strftime("%Y-%m")),
            filters,
            can_add: session.user.role.can(Permission::ManageRegisters),
        })
    })
    .await;
    match built {
        Ok(p) if p.errors.is_empty() => render(&p),
        Ok(p) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_make_queries_and_refuse_nonsense_dates() {
        let pairs: Pairs = [("due_month", "2026-13"), ("due_before", "soon"), ("held", "yes"), ("status", "nonsense")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let f = Filters::from_pairs(&pairs);
        let (q, errors) = f.query(2);
        assert!(errors.has("due_month") && errors.has("due_before"));
        assert!(q.held && q.status.is_none() && q.offset == Some(PAGE_SIZE));
        assert_eq!(f.href(3), "/records?due_month=2026-13&due_before=soon&status=nonsense&held=yes&page=3");
    }
}
