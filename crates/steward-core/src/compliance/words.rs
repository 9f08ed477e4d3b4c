//! The words findings are written in: dates as people in the UK write them, counts with
//! thousands separators, and the matching of a category of people held ("former_tenant")
//! against the categories an activity names ("Former tenants"): case-insensitive, with the
//! plural and singular forms of a word counted as the same word.

use jiff::civil::Date;

/// A date as people in the UK write it: `7 December 2026`.
pub fn long_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// A count with thousands separators: `1,000,000`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Country names read with "the" before them (beyond those the rules below catch).
const WITH_THE: &[&str] =
    &["Bahamas", "Comoros", "Gambia", "Holy See", "Maldives", "Netherlands", "Philippines", "Seychelles"];

/// A country's name as it reads after "in": "the Philippines", "the United States of
/// America", "India". Names written with a bracket ("Korea (Republic of)") are left as
/// they are.
pub(crate) fn country_in_words(name: &str) -> String {
    let the = !name.contains('(')
        && (name.starts_with("United ")
            || ["Republic", "Islands", "Federation", "Territory", "Territories"].iter().any(|e| name.ends_with(e))
            || WITH_THE.contains(&name));
    if the { format!("the {name}") } else { name.to_string() }
}

/// Words whose plural is not made with -s or -es.
const IRREGULAR: &[(&str, &str)] = &[
    ("children", "child"),
    ("people", "person"),
    ("persons", "person"),
    ("men", "man"),
    ("women", "woman"),
    ("staff", "staff"),
    ("alumni", "alumnus"),
];

/// One word in its singular form, as far as English plurals go by rule: `tenants` →
/// `tenant`, `families` → `family`, `churches` → `church`, `children` → `child`. Words
/// ending in -ss, -us or -is are already singular.
fn singular(word: &str) -> String {
    if let Some((_, one)) = IRREGULAR.iter().find(|(many, one)| *many == word || *one == word) {
        return (*one).to_string();
    }
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..n - 3]);
    }
    for tail in ["sses", "ches", "shes", "xes", "zes"] {
        if n > tail.len() + 1 && word.ends_with(tail) {
            return word[..n - 2].to_string();
        }
    }
    if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        return word[..n - 1].to_string();
    }
    word.to_string()
}

/// A category in a form two spellings can be compared in: lower case, `_` and `-` as
/// spaces, each word singular.
fn normal(category: &str) -> String {
    category.to_lowercase().replace(['_', '-'], " ").split_whitespace().map(singular).collect::<Vec<_>>().join(" ")
}

/// Whether a category an activity names ("Former tenants") covers the category of people
/// held `held` ("Former tenant", or its key `former_tenant`): the same words, ignoring case,
/// `_` and `-`, and singular or plural.
pub fn category_matches(named: &str, held: &str) -> bool {
    let (a, b) = (normal(named), normal(held));
    !a.is_empty() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_case_are_the_same_category() {
        for (named, held) in [
            ("Tenants", "tenant"),
            ("TENANT", "Tenant"),
            ("Former tenants", "former_tenant"),
            ("Service users", "Service user"),
            ("Families", "family"),
            ("Children", "child"),
            ("Employees", "employee"),
            ("Board members", "board_member"),
            ("Supplier-contacts", "supplier_contact"),
            ("Trustees", "trustee"),
            ("Staff", "staff"),
            ("Witnesses", "witness"),
            ("Churches", "church"),
        ] {
            assert!(category_matches(named, held), "{named} / {held}");
        }
        for (named, held) in
            [("Tenants", "former_tenant"), ("Former tenants", "tenant"), ("", ""), ("Staff", "employee")]
        {
            assert!(!category_matches(named, held), "{named} / {held}");
        }
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("analysis"), "analysis");
        assert_eq!(singular("class"), "class");
    }

    #[test]
    fn countries_take_the_article_they_are_read_with() {
        assert_eq!(country_in_words("Philippines"), "the Philippines");
        assert_eq!(country_in_words("United States of America"), "the United States of America");
        assert_eq!(country_in_words("Dominican Republic"), "the Dominican Republic");
        assert_eq!(country_in_words("Cayman Islands"), "the Cayman Islands");
        assert_eq!(country_in_words("India"), "India");
        assert_eq!(country_in_words("Korea (Republic of)"), "Korea (Republic of)");
    }

    #[test]
    fn dates_and_counts_read_as_people_write_them() {
        assert_eq!(long_date(jiff::civil::date(2026, 12, 7)), "7 December 2026");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(-1234), "-1,234");
    }
}
