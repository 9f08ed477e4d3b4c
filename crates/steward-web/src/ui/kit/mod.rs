//! What every page shares, and that imports no page: the layout every page extends
//! ([`layout`], with the menu in [`menu`]), turning templates into responses
//! ([`render`]), turning application errors into pages and running application calls
//! off the async threads ([`errors`]), and words and times for people ([`words`]).
//! Forms have their own kit, [`crate::ui::form`].

pub mod errors;
pub mod layout;
pub mod menu;
pub mod render;
pub mod words;

pub use errors::{CLASH, conflict_message, failure_page, forbidden_page, not_found_page, refusal, run};
pub use layout::{PageContext, UserBadge, badge, org_name, page};
pub use render::{MessagePage, error_page, render, render_status};
pub use words::{
    actor_names, assignee_name, day_of, field_label, long_date, sentence, size_label, thousands, uk_time, who,
};
