//! The word lists the detector looks words up in: the gazetteers shipped in `data/`
//! (given names, surnames, stop words, special-category terms), titles, greetings,
//! street words and month names, and the flags a word can carry.

pub(super) const FIRST: u16 = 1;
pub(super) const SURNAME: u16 = 2;
pub(super) const STOP: u16 = 4;
pub(super) const TITLE: u16 = 8;
pub(super) const MONTH: u16 = 16;
pub(super) const STREET: u16 = 32;
pub(super) const GREETING: u16 = 64;

pub(super) const FIRST_NAMES: &str = include_str!("../../data/first_names.txt");
pub(super) const EXTRA_FIRST_NAMES: &str = include_str!("../../data/extra_first_names.txt");
pub(super) const SURNAMES: &str = include_str!("../../data/surnames.txt");
pub(super) const STOPWORDS: &str = include_str!("../../data/stopwords.txt");
pub(super) const SPECIAL: &str = include_str!("../../data/special_category.txt");
/// Short forms of given names (`bob robert`), for matching the data subject.
pub(crate) const NICKNAMES: &str = include_str!("../../data/nicknames.txt");

pub(super) const TITLES: &[&str] =
    &["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord", "rev"];
pub(super) const GREETINGS: &[&str] =
    &["dear", "signed", "regards", "from", "to", "cc", "hi", "hello", "thanks", "sincerely"];
pub(super) const STREETS: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "lane",
    "ln",
    "close",
    "drive",
    "dr",
    "way",
    "crescent",
    "cres",
    "place",
    "pl",
    "grove",
    "gardens",
    "gdns",
    "court",
    "ct",
    "terrace",
    "hill",
    "park",
    "square",
    "sq",
    "mews",
    "row",
    "walk",
    "view",
    "rise",
    "green",
    "parade",
    "wharf",
    "quay",
    "yard",
    "boulevard",
    "broadway",
];
pub(super) const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

pub(super) fn month_number(w: &[u8]) -> Option<u32> {
    MONTHS.iter().find(|(m, _)| m.as_bytes().eq_ignore_ascii_case(w)).map(|&(_, n)| n)
}
