//! The layout every page extends (`templates/base.html`): the organisation's name, the
//! signed-in user's badge, the menu (built from [`super::menu::MENU`]), the session's
//! anti-forgery token and a one-off message.

use super::menu::{ShownSection, shown_menu};
use steward_app::App;
use steward_app::auth::SessionInfo;
use steward_core::Role;

/// What every page's layout needs.
#[derive(Clone)]
pub struct PageContext {
    /// The organisation's name, shown in the header.
    pub org_name: String,
    /// The signed-in user, if any; `None` on public pages.
    pub user: Option<UserBadge>,
    /// The session's anti-forgery token, sent back as `_csrf` by every form.
    pub csrf: String,
    /// Which menu item is current: the `key` of an item of [`super::menu::MENU`]
    /// (`dashboard`, `requests`, `records`…), or anything else for none (`account`).
    pub nav: &'static str,
    /// A one-off message shown at the top of the page ("Status changed").
    pub flash: Option<String>,
}

/// The signed-in user as the layout shows them.
#[derive(Clone)]
pub struct UserBadge {
    /// Name shown in the header.
    pub display_name: String,
    /// Role, for people ("Data protection officer").
    pub role_label: String,
    /// The role, which decides what the menu shows.
    pub role: Role,
}

impl std::fmt::Debug for PageContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageContext").field("nav", &self.nav).field("user", &self.user).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for UserBadge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserBadge").field("role_label", &self.role_label).finish_non_exhaustive()
    }
}

impl PageContext {
    /// The context of a page anyone may see: no user, no session.
    pub fn public(org_name: String) -> Self {
        Self { org_name, user: None, csrf: String::new(), nav: "", flash: None }
    }

    /// The menu the signed-in user sees, its sections and items in order, with the
    /// current one marked; empty on public pages.
    pub fn menu(&self) -> Vec<ShownSection> {
        self.user.as_ref().map(|u| shown_menu(u.role, self.nav)).unwrap_or_default()
    }
}

/// The header badge for a signed-in user.
pub fn badge(s: &SessionInfo) -> UserBadge {
    let role = s.user.role;
    UserBadge { display_name: s.user.display_name.clone(), role_label: role.label().into(), role }
}

/// The layout context for a signed-in page whose menu item is `nav`.
pub fn page(app: &App, s: &SessionInfo, nav: &'static str) -> PageContext {
    PageContext { org_name: org_name(app), user: Some(badge(s)), csrf: s.csrf.clone(), nav, flash: None }
}

/// The organisation's name, or Steward's when not set.
pub fn org_name(app: &App) -> String {
    app.org_settings().ok().map(|o| o.org_name).filter(|n| !n.is_empty()).unwrap_or_else(|| "Steward".into())
}
