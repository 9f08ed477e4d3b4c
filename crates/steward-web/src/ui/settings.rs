//! The settings page: the organisation's name, its part of the UK (whose bank holidays
//! deadlines skip), the data protection officer's contact details, whether everyone
//! must use two-factor sign-in, and where the audit log's daily record is emailed.

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn};
use crate::ui::form::{Choice, FormErrors, Outcome, REGIONS, answer};
use crate::ui::kit::{PageContext, field_label, page, render, run, sentence};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use steward_app::audit_anchor::check_anchor_email;
use steward_app::{AppError, check_dpo_contact};
use steward_core::{Permission, Region};

/// `GET /settings` and `POST /settings`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/settings", get(settings_page).post(save))
}

/// The settings form, as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    org_name: String,
    region: String,
    dpo_name: String,
    dpo_email: String,
    require_2fa: Option<String>,
    audit_anchor_email: String,
}

/// The anchor address's label, for error messages.
const ANCHOR_LABEL: &str = "The address for the audit log's daily record";

#[derive(Template)]
#[template(path = "pages/settings.html")]
struct SettingsPage {
    page: PageContext,
    errors: FormErrors,
    form: SettingsForm,
    require_2fa: bool,
    regions: [Choice; 3],
    /// Link to the request checklists (the DPO's to change).
    can_edit_checklists: bool,
}

/// `?saved=1` after a successful save.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

async fn settings_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let app = s.app.clone();
    let saved = q.is_ok_and(|Query(q)| q.saved == "1");
    let can_edit_checklists = session.user.role.can(Permission::ManageChecklists);
    let loaded = run(move || {
        app.require(&session.ctx, Permission::ManageSettings, "settings", "organisation")?;
        let org = app.org_settings()?;
        let two_factor = app.two_factor_enforced()?;
        let anchor = app.audit_anchor_email(&session.ctx)?;
        Ok((page(&app, &session, "settings"), org, two_factor, anchor))
    })
    .await;
    match loaded {
        Ok((mut page, org, two_factor, anchor)) => {
            if saved {
                page.flash = Some("Settings saved".into());
            }
            let form = SettingsForm {
                org_name: org.org_name,
                region: if org.region_confirmed { org.region.as_str().to_string() } else { String::new() },
                dpo_name: org.dpo_name.unwrap_or_default(),
                dpo_email: org.dpo_email.unwrap_or_default(),
                require_2fa: None,
                audit_anchor_email: anchor.unwrap_or_default(),
            };
            render(&SettingsPage {
                page,
                errors: FormErrors::new(),
                form,
                require_2fa: two_factor,
                regions: REGIONS,
                can_edit_checklists,
            })
        }
        Err(r) => r,
    }
}

/// Every problem with the form, in the order of its fields.
fn check(form: &SettingsForm) -> (FormErrors, Option<Region>) {
    let mut errors = FormErrors::new();
    let name = form.org_name.trim();
    if name.is_empty() {
        errors.add("org_name", "Enter your organisation's name");
    } else if name.chars().count() > 200 || name.chars().any(char::is_control) {
        errors.add("org_name", "Organisation name must be 200 characters or fewer");
    }
    let region = form.region.parse::<Region>().ok();
    if region.is_none() {
        errors.add("region", "Choose which part of the UK your organisation is in");
    }
    if let Err(problems) = check_dpo_contact(&form.dpo_name, &form.dpo_email) {
        for p in problems {
            errors.add(p.field.clone(), sentence(&field_label(&p.field), &p.message));
        }
    }
    if let Err(p) = check_anchor_email(&form.audit_anchor_email) {
        errors.add(p.field.clone(), sentence(ANCHOR_LABEL, &p.message));
    }
    (errors, region)
}

async fn save(State(s): State<AppState>, f: CsrfForm<SettingsForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let can_edit_checklists = session.user.role.can(Permission::ManageChecklists);
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::ManageSettings, "settings", "organisation")?;
        let refused = |errors: FormErrors, form: SettingsForm| {
            let require_2fa = form.require_2fa.is_some();
            let page = page(&app, &session, "settings");
            Outcome::refused(&SettingsPage { page, errors, form, require_2fa, regions: REGIONS, can_edit_checklists })
        };
        let (errors, region) = check(&form);
        let (Some(region), true) = (region, errors.is_empty()) else {
            return Ok(refused(errors, form));
        };
        let current = app.org_settings()?;
        let name = form.org_name.trim();
        let name_changed = name != current.org_name;
        let region_changed = region != current.region || !current.region_confirmed;
        if name_changed || region_changed {
            app.set_org_settings(ctx, name_changed.then_some(name), region_changed.then_some(region))?;
        }
        let (dpo_name, dpo_email) = check_dpo_contact(&form.dpo_name, &form.dpo_email).unwrap_or_default();
        if dpo_name != current.dpo_name || dpo_email != current.dpo_email {
            match app.set_dpo_contact(ctx, &form.dpo_name, &form.dpo_email) {
                Ok(()) => {}
                Err(AppError::Invalid(fe)) => {
                    let errors = FormErrors::one(fe.field.clone(), sentence(&field_label(&fe.field), &fe.message));
                    return Ok(refused(errors, form));
                }
                Err(e) => return Err(e),
            }
        }
        let anchor = check_anchor_email(&form.audit_anchor_email).unwrap_or_default();
        if anchor != app.audit_anchor_email(ctx)? {
            app.set_audit_anchor_email(ctx, &form.audit_anchor_email)?;
        }
        let want_2fa = form.require_2fa.is_some();
        if want_2fa != app.two_factor_enforced()? {
            app.set_two_factor_enforced(ctx, want_2fa)?;
        }
        Ok(Outcome::done("/settings?saved=1"))
    })
    .await;
    answer(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_listed_in_form_order() {
        let form = SettingsForm {
            dpo_email: "not an email".into(),
            dpo_name: "a\u{7}".into(),
            audit_anchor_email: "auditor at example".into(),
            ..SettingsForm::default()
        };
        let (errors, region) = check(&form);
        let ids: Vec<&str> = errors.items().iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(ids, ["org_name", "region", "dpo_name", "dpo_email", "audit_anchor_email"]);
        assert!(errors.items()[4].1.starts_with("The address for the audit log's daily record is not"));
        assert!(!errors.items()[4].1.contains("auditor at example"));
        assert!(region.is_none());
        assert!(errors.items()[3].1.starts_with("Data protection officer's email address is not an email address"));
        let good = SettingsForm {
            org_name: "Riverside Housing".into(),
            region: "scotland".into(),
            dpo_email: "DPO@Example.org".into(),
            ..SettingsForm::default()
        };
        let (errors, region) = check(&good);
        assert!(errors.is_empty());
        assert_eq!(region, Some(Region::Scotland));
    }
}
