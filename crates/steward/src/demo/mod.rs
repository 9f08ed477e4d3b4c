//! The demo: realistic fictional data for a housing association and a family-support
//! charity, and seeding a data directory with it.
//!
//! The tables the people are made from are pure data, apart from the code that uses
//! them: `names` (given names and surnames by tradition, nicknames), `places` (towns,
//! districts, streets) and `notes` (what records say, job titles). The generator is
//! `people` (the people, their ages and households), `contacts` (their contact details
//! and identifiers), `housing` and `charity` (each organisation's people). Seeding a
//! data directory is `seed`, with `requests`, `work` (systems, erasures, holds) and
//! `records` (the retention inventory).

mod charity;
mod contacts;
mod housing;
mod names;
mod notes;
mod people;
mod places;
mod records;
mod registers;
mod requests;
mod seed;
#[cfg(test)]
mod tests;
mod work;

pub(crate) use people::generate;
pub(crate) use seed::seed_demo;
