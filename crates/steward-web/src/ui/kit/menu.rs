//! The menu, from one list: sections a data protection officer recognises (casework,
//! records and retention, registers, incidents, reports, administration), each with its
//! links and the permission a role needs to see each. A section with nothing a role may
//! see is not shown, so sections without pages yet (incidents) stay hidden
//! until their first page is added here.

use steward_core::{Permission, Role};

/// One link of the menu.
#[derive(Debug, Clone, Copy)]
pub struct MenuItem {
    /// The link's text.
    pub label: &'static str,
    /// Where it goes.
    pub href: &'static str,
    /// What pages give as their `nav` to show this item as the current one.
    pub key: &'static str,
    /// The permission a role needs to see it; `None` for everyone signed in.
    pub needs: Option<Permission>,
}

/// A group of links under a heading.
#[derive(Debug, Clone, Copy)]
pub struct MenuSection {
    /// A stable name, for ids (`casework`).
    pub id: &'static str,
    /// The heading people see; empty for the first group (the dashboard).
    pub title: &'static str,
    /// Its links, in order.
    pub items: &'static [MenuItem],
}

const fn item(label: &'static str, href: &'static str, key: &'static str, needs: Option<Permission>) -> MenuItem {
    MenuItem { label, href, key, needs }
}

/// The whole menu. A new page's link is one line here, in its section.
pub const MENU: &[MenuSection] = &[
    MenuSection { id: "home", title: "", items: &[item("Dashboard", "/", "dashboard", None)] },
    MenuSection {
        id: "casework",
        title: "Casework",
        items: &[
            item("Requests", "/requests", "requests", Some(Permission::SubjectRead)),
            item("Requests inbox", "/inbox", "inbox", Some(Permission::SubjectRead)),
            item("Subjects", "/subjects", "subjects", Some(Permission::SubjectRead)),
        ],
    },
    MenuSection {
        id: "retention",
        title: "Records & retention",
        items: &[
            item("Records", "/records", "records", Some(Permission::ReadRegisters)),
            item("Retention schedule", "/retention/schedule", "retention", Some(Permission::ReadRegisters)),
            item("Disposals", "/disposals", "disposals", Some(Permission::ReadRegisters)),
            item("Holds", "/holds", "holds", Some(Permission::SubjectRead)),
        ],
    },
    MenuSection {
        id: "registers",
        title: "Registers",
        items: &[
            item("Record of processing", "/activities", "activity", Some(Permission::ReadRegisters)),
            item("Systems", "/systems", "systems", Some(Permission::ReadRegisters)),
            item("Processors", "/processors", "processor", Some(Permission::ReadRegisters)),
            item("Sharing agreements", "/sharing-agreements", "sharing_agreement", Some(Permission::ReadRegisters)),
            item("International transfers", "/transfers", "transfer", Some(Permission::ReadRegisters)),
            item("Privacy notices", "/notices", "notice", Some(Permission::ReadRegisters)),
            item("Policies", "/policies", "policy", Some(Permission::ReadRegisters)),
            item("Training", "/training", "training", Some(Permission::ReadRegisters)),
            item("Organisation", "/organisations", "organisation", Some(Permission::ReadRegisters)),
            item("Compliance check", "/compliance", "compliance", Some(Permission::ReadRegisters)),
        ],
    },
    MenuSection {
        id: "incidents",
        title: "Incidents",
        items: &[
            item("Breaches", "/breaches", "breach", Some(Permission::ReadIncidents)),
            item("Report a breach", "/breaches/new", "breach_new", Some(Permission::ReportBreach)),
            item("Disclosures", "/disclosures", "disclosure", Some(Permission::RecordDisclosures)),
            item("DPIAs", "/dpias", "dpia", Some(Permission::ReadRegisters)),
        ],
    },
    MenuSection {
        id: "reports",
        title: "Reports",
        items: &[
            item("Statistics", "/statistics", "statistics", Some(Permission::ReadStatistics)),
            item("Audit log", "/audit", "audit", Some(Permission::AuditRead)),
        ],
    },
    MenuSection {
        id: "admin",
        title: "Administration",
        items: &[
            item("Users", "/users", "users", Some(Permission::ManageAccess)),
            item("Settings", "/settings", "settings", Some(Permission::ManageAccess)),
            item("API tokens", "/tokens", "tokens", Some(Permission::ManageAccess)),
            item("Letters", "/letters", "letters", Some(Permission::ManageLetters)),
        ],
    },
];

/// A section as one user sees it.
#[derive(Debug, Clone)]
pub struct ShownSection {
    /// Its stable name, for ids.
    pub id: &'static str,
    /// Its heading (empty for the dashboard's group).
    pub title: &'static str,
    /// Whether the current page is one of its items.
    pub current: bool,
    /// The items the user may see.
    pub items: Vec<ShownItem>,
}

/// An item as one user sees it.
#[derive(Debug, Clone)]
pub struct ShownItem {
    /// The link's text.
    pub label: &'static str,
    /// Where it goes.
    pub href: &'static str,
    /// Whether it is the current page.
    pub current: bool,
}

/// The menu `role` sees, with the item whose key is `current` marked (and its section):
/// only items the role may use, and only sections with such items.
pub fn shown_menu(role: Role, current: &str) -> Vec<ShownSection> {
    MENU.iter()
        .filter_map(|s| {
            let items: Vec<ShownItem> = s
                .items
                .iter()
                .filter(|i| i.needs.is_none_or(|p| role.can(p)))
                .map(|i| ShownItem { label: i.label, href: i.href, current: i.key == current })
                .collect();
            (!items.is_empty()).then(|| ShownSection {
                id: s.id,
                title: s.title,
                current: items.iter().any(|i| i.current),
                items,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Who sees which link: the roles that saw a link before the menu had sections still
    /// see it, and the registers are seen by everyone who may read registers.
    const BEFORE: &[(&str, Option<Permission>)] = &[
        ("/", None),
        ("/subjects", Some(Permission::SubjectRead)),
        ("/requests", Some(Permission::SubjectRead)),
        ("/audit", Some(Permission::AuditRead)),
        ("/inbox", Some(Permission::SubjectRead)),
        ("/statistics", Some(Permission::ReadStatistics)),
        ("/letters", Some(Permission::ManageLetters)),
        ("/systems", Some(Permission::ReadRegisters)),
        ("/activities", Some(Permission::ReadRegisters)),
        ("/processors", Some(Permission::ReadRegisters)),
        ("/sharing-agreements", Some(Permission::ReadRegisters)),
        ("/transfers", Some(Permission::ReadRegisters)),
        ("/notices", Some(Permission::ReadRegisters)),
        ("/policies", Some(Permission::ReadRegisters)),
        ("/training", Some(Permission::ReadRegisters)),
        ("/organisations", Some(Permission::ReadRegisters)),
        ("/compliance", Some(Permission::ReadRegisters)),
        ("/records", Some(Permission::ReadRegisters)),
        ("/retention/schedule", Some(Permission::ReadRegisters)),
        ("/disposals", Some(Permission::ReadRegisters)),
        ("/holds", Some(Permission::SubjectRead)),
        ("/users", Some(Permission::ManageAccess)),
        ("/settings", Some(Permission::ManageAccess)),
        ("/tokens", Some(Permission::ManageAccess)),
        ("/breaches", Some(Permission::ReadIncidents)),
        ("/breaches/new", Some(Permission::ReportBreach)),
        ("/disclosures", Some(Permission::RecordDisclosures)),
        ("/dpias", Some(Permission::ReadRegisters)),
    ];

    #[test]
    fn every_role_keeps_the_links_it_had() {
        for role in Role::ALL {
            let shown: Vec<&str> = shown_menu(role, "").iter().flat_map(|s| s.items.iter().map(|i| i.href)).collect();
            for (href, needs) in BEFORE {
                let may = needs.is_none_or(|p| role.can(p));
                assert_eq!(shown.contains(href), may, "{role:?} {href}");
            }
            assert_eq!(shown.len(), BEFORE.iter().filter(|(_, n)| n.is_none_or(|p| role.can(p))).count());
        }
    }

    #[test]
    fn empty_sections_are_hidden_and_the_current_one_is_marked() {
        let menu = shown_menu(Role::Dpo, "retention");
        let titles: Vec<&str> = menu.iter().map(|s| s.title).collect();
        assert!(titles.contains(&"Registers") && titles.contains(&"Incidents"), "{titles:?}");
        let staff: Vec<&str> = shown_menu(Role::Staff, "").iter().map(|s| s.title).collect();
        assert!(!staff.contains(&"Reports"), "staff have nothing under Reports: {staff:?}");
        let current: Vec<&str> = menu.iter().filter(|s| s.current).map(|s| s.title).collect();
        assert_eq!(current, ["Records & retention"]);
        let items: Vec<&str> = menu.iter().flat_map(|s| &s.items).filter(|i| i.current).map(|i| i.label).collect();
        assert_eq!(items, ["Retention schedule"]);
        assert!(shown_menu(Role::Dpo, "account").iter().all(|s| !s.current));
        let keys: Vec<&str> = MENU.iter().flat_map(|s| s.items.iter().map(|i| i.key)).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "every key names one item");
    }
}
