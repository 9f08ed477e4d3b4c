//! UK bank holidays for each region and the working-day arithmetic that statutory clocks need.
//!
//! Where the days come from:
//!
//! * **GOV.UK "UK bank holidays"** (<https://www.gov.uk/bank-holidays>, machine-readable at
//!   <https://www.gov.uk/bank-holidays.json>). The years 2018 to 2027 are built in exactly as
//!   GOV.UK lists them, one-off days included: the early May bank holiday moved to VE day
//!   (8 May 2020), the spring bank holiday moved to 2 June 2022 and the Platinum Jubilee
//!   bank holiday on 3 June 2022, the State Funeral of Queen Elizabeth II (19 September 2022)
//!   and the coronation of King Charles III (8 May 2023), all UK-wide; and the World Cup bank
//!   holiday in Scotland only (15 June 2026), which GOV.UK added in February 2026.
//! * **The Banking and Financial Dealings Act 1971, Schedule 1**, which sets the standing bank
//!   holidays of each part of the UK (para 1 England and Wales, para 2 Scotland, para 3
//!   Northern Ireland), together with the days appointed each year by royal proclamation
//!   under s1(3) (for example New Year's Day and the early May bank holiday in England and
//!   Wales, 12 July in Northern Ireland, and the substitute weekdays). Christmas Day and Good
//!   Friday are common-law holidays in England, Wales and Northern Ireland. From 2028 on, the
//!   days are generated from these standing rules ([`generated_bank_holidays`]); a year
//!   before 2018 is generated the same way, without the one-off days of those years.
//!
//! A day that falls on a Saturday or a Sunday is replaced by a *substitute day*: the next
//! weekday that is not already a bank holiday. Christmas and Boxing Day follow the Act's
//! order (Boxing Day keeps a Monday 26 December, so Christmas on a Sunday is replaced by
//! Tuesday 27 December), and in Scotland New Year's Day takes its substitute before
//! 2 January does (so 1 January on a Sunday gives Monday 2 and Tuesday 3 January), as
//! GOV.UK lists them.
//!
//! An organisation can add days of its own, or days proclaimed after this list was written,
//! with [`Calendar::with_extra_days`].

use crate::{CoreError, Region};
use jiff::civil::{Date, Weekday, date};
use std::collections::BTreeSet;

/// First year whose bank holidays are built in from GOV.UK.
pub const BUILT_IN_FROM: i16 = 2018;
/// Last year whose bank holidays are built in from GOV.UK; later years are generated.
pub const BUILT_IN_TO: i16 = 2027;

/// The name given to a day an organisation adds with [`Calendar::with_extra_days`].
pub const EXTRA_DAY: &str = "Holiday added by the organisation";

const NEW_YEAR: &str = "New Year’s Day";
const NEW_YEAR_SUB: &str = "New Year’s Day (substitute day)";
const SECOND_JANUARY: &str = "2nd January";
const SECOND_JANUARY_SUB: &str = "2nd January (substitute day)";
const ST_PATRICK: &str = "St Patrick’s Day";
const ST_PATRICK_SUB: &str = "St Patrick’s Day (substitute day)";
const GOOD_FRIDAY: &str = "Good Friday";
const EASTER_MONDAY: &str = "Easter Monday";
const EARLY_MAY: &str = "Early May bank holiday";
const EARLY_MAY_VE_DAY: &str = "Early May bank holiday (VE day)";
const SPRING: &str = "Spring bank holiday";
const PLATINUM_JUBILEE: &str = "Platinum Jubilee bank holiday";
const STATE_FUNERAL: &str = "Bank Holiday for the State Funeral of Queen Elizabeth II";
const CORONATION: &str = "Bank holiday for the coronation of King Charles III";
const WORLD_CUP: &str = "World Cup bank holiday";
const BATTLE_OF_THE_BOYNE: &str = "Battle of the Boyne (Orangemen’s Day)";
const BATTLE_OF_THE_BOYNE_SUB: &str = "Battle of the Boyne (Orangemen’s Day) (substitute day)";
const SUMMER: &str = "Summer bank holiday";
const ST_ANDREW: &str = "St Andrew’s Day";
const ST_ANDREW_SUB: &str = "St Andrew’s Day (substitute day)";
const CHRISTMAS: &str = "Christmas Day";
const CHRISTMAS_SUB: &str = "Christmas Day (substitute day)";
const BOXING_DAY: &str = "Boxing Day";
const BOXING_DAY_SUB: &str = "Boxing Day (substitute day)";

/// England and Wales: bank holidays 2018–2027 as GOV.UK lists them.
const ENGLAND_AND_WALES: &[(Date, &str)] = &[
    (date(2018, 1, 1), NEW_YEAR),
    (date(2018, 3, 30), GOOD_FRIDAY),
    (date(2018, 4, 2), EASTER_MONDAY),
    (date(2018, 5, 7), EARLY_MAY),
    (date(2018, 5, 28), SPRING),
    (date(2018, 8, 27), SUMMER),
    (date(2018, 12, 25), CHRISTMAS),
    (date(2018, 12, 26), BOXING_DAY),
    (date(2019, 1, 1), NEW_YEAR),
    (date(2019, 4, 19), GOOD_FRIDAY),
    (date(2019, 4, 22), EASTER_MONDAY),
    (date(2019, 5, 6), EARLY_MAY),
    (date(2019, 5, 27), SPRING),
    (date(2019, 8, 26), SUMMER),
    (date(2019, 12, 25), CHRISTMAS),
    (date(2019, 12, 26), BOXING_DAY),
    (date(2020, 1, 1), NEW_YEAR),
    (date(2020, 4, 10), GOOD_FRIDAY),
    (date(2020, 4, 13), EASTER_MONDAY),
    (date(2020, 5, 8), EARLY_MAY_VE_DAY),
    (date(2020, 5, 25), SPRING),
    (date(2020, 8, 31), SUMMER),
    (date(2020, 12, 25), CHRISTMAS),
    (date(2020, 12, 28), BOXING_DAY_SUB),
    (date(2021, 1, 1), NEW_YEAR),
    (date(2021, 4, 2), GOOD_FRIDAY),
    (date(2021, 4, 5), EASTER_MONDAY),
    (date(2021, 5, 3), EARLY_MAY),
    (date(2021, 5, 31), SPRING),
    (date(2021, 8, 30), SUMMER),
    (date(2021, 12, 27), CHRISTMAS_SUB),
    (date(2021, 12, 28), BOXING_DAY_SUB),
    (date(2022, 1, 3), NEW_YEAR_SUB),
    (date(2022, 4, 15), GOOD_FRIDAY),
    (date(2022, 4, 18), EASTER_MONDAY),
    (date(2022, 5, 2), EARLY_MAY),
    (date(2022, 6, 2), SPRING),
    (date(2022, 6, 3), PLATINUM_JUBILEE),
    (date(2022, 8, 29), SUMMER),
    (date(2022, 9, 19), STATE_FUNERAL),
    (date(2022, 12, 26), BOXING_DAY),
    (date(2022, 12, 27), CHRISTMAS_SUB),
    (date(2023, 1, 2), NEW_YEAR_SUB),
    (date(2023, 4, 7), GOOD_FRIDAY),
    (date(2023, 4, 10), EASTER_MONDAY),
    (date(2023, 5, 1), EARLY_MAY),
    (date(2023, 5, 8), CORONATION),
    (date(2023, 5, 29), SPRING),
    (date(2023, 8, 28), SUMMER),
    (date(2023, 12, 25), CHRISTMAS),
    (date(2023, 12, 26), BOXING_DAY),
    (date(2024, 1, 1), NEW_YEAR),
    (date(2024, 3, 29), GOOD_FRIDAY),
    (date(2024, 4, 1), EASTER_MONDAY),
    (date(2024, 5, 6), EARLY_MAY),
    (date(2024, 5, 27), SPRING),
    (date(2024, 8, 26), SUMMER),
    (date(2024, 12, 25), CHRISTMAS),
    (date(2024, 12, 26), BOXING_DAY),
    (date(2025, 1, 1), NEW_YEAR),
    (date(2025, 4, 18), GOOD_FRIDAY),
    (date(2025, 4, 21), EASTER_MONDAY),
    (date(2025, 5, 5), EARLY_MAY),
    (date(2025, 5, 26), SPRING),
    (date(2025, 8, 25), SUMMER),
    (date(2025, 12, 25), CHRISTMAS),
    (date(2025, 12, 26), BOXING_DAY),
    (date(2026, 1, 1), NEW_YEAR),
    (date(2026, 4, 3), GOOD_FRIDAY),
    (date(2026, 4, 6), EASTER_MONDAY),
    (date(2026, 5, 4), EARLY_MAY),
    (date(2026, 5, 25), SPRING),
    (date(2026, 8, 31), SUMMER),
    (date(2026, 12, 25), CHRISTMAS),
    (date(2026, 12, 28), BOXING_DAY_SUB),
    (date(2027, 1, 1), NEW_YEAR),
    (date(2027, 3, 26), GOOD_FRIDAY),
    (date(2027, 3, 29), EASTER_MONDAY),
    (date(2027, 5, 3), EARLY_MAY),
    (date(2027, 5, 31), SPRING),
    (date(2027, 8, 30), SUMMER),
    (date(2027, 12, 27), CHRISTMAS_SUB),
    (date(2027, 12, 28), BOXING_DAY_SUB),
];

/// Scotland: bank holidays 2018–2027 as GOV.UK lists them.
const SCOTLAND: &[(Date, &str)] = &[
    (date(2018, 1, 1), NEW_YEAR),
    (date(2018, 1, 2), SECOND_JANUARY),
    (date(2018, 3, 30), GOOD_FRIDAY),
    (date(2018, 5, 7), EARLY_MAY),
    (date(2018, 5, 28), SPRING),
    (date(2018, 8, 6), SUMMER),
    (date(2018, 11, 30), ST_ANDREW),
    (date(2018, 12, 25), CHRISTMAS),
    (date(2018, 12, 26), BOXING_DAY),
    (date(2019, 1, 1), NEW_YEAR),
    (date(2019, 1, 2), SECOND_JANUARY),
    (date(2019, 4, 19), GOOD_FRIDAY),
    (date(2019, 5, 6), EARLY_MAY),
    (date(2019, 5, 27), SPRING),
    (date(2019, 8, 5), SUMMER),
    (date(2019, 12, 2), ST_ANDREW_SUB),
    (date(2019, 12, 25), CHRISTMAS),
    (date(2019, 12, 26), BOXING_DAY),
    (date(2020, 1, 1), NEW_YEAR),
    (date(2020, 1, 2), SECOND_JANUARY),
    (date(2020, 4, 10), GOOD_FRIDAY),
    (date(2020, 5, 8), EARLY_MAY_VE_DAY),
    (date(2020, 5, 25), SPRING),
    (date(2020, 8, 3), SUMMER),
    (date(2020, 11, 30), ST_ANDREW),
    (date(2020, 12, 25), CHRISTMAS),
    (date(2020, 12, 28), BOXING_DAY_SUB),
    (date(2021, 1, 1), NEW_YEAR),
    (date(2021, 1, 4), SECOND_JANUARY_SUB),
    (date(2021, 4, 2), GOOD_FRIDAY),
    (date(2021, 5, 3), EARLY_MAY),
    (date(2021, 5, 31), SPRING),
    (date(2021, 8, 2), SUMMER),
    (date(2021, 11, 30), ST_ANDREW),
    (date(2021, 12, 27), CHRISTMAS_SUB),
    (date(2021, 12, 28), BOXING_DAY_SUB),
    (date(2022, 1, 3), NEW_YEAR_SUB),
    (date(2022, 1, 4), SECOND_JANUARY_SUB),
    (date(2022, 4, 15), GOOD_FRIDAY),
    (date(2022, 5, 2), EARLY_MAY),
    (date(2022, 6, 2), SPRING),
    (date(2022, 6, 3), PLATINUM_JUBILEE),
    (date(2022, 8, 1), SUMMER),
    (date(2022, 9, 19), STATE_FUNERAL),
    (date(2022, 11, 30), ST_ANDREW),
    (date(2022, 12, 26), BOXING_DAY),
    (date(2022, 12, 27), CHRISTMAS_SUB),
    (date(2023, 1, 2), NEW_YEAR_SUB),
    (date(2023, 1, 3), SECOND_JANUARY_SUB),
    (date(2023, 4, 7), GOOD_FRIDAY),
    (date(2023, 5, 1), EARLY_MAY),
    (date(2023, 5, 8), CORONATION),
    (date(2023, 5, 29), SPRING),
    (date(2023, 8, 7), SUMMER),
    (date(2023, 11, 30), ST_ANDREW),
    (date(2023, 12, 25), CHRISTMAS),
    (date(2023, 12, 26), BOXING_DAY),
    (date(2024, 1, 1), NEW_YEAR),
    (date(2024, 1, 2), SECOND_JANUARY),
    (date(2024, 3, 29), GOOD_FRIDAY),
    (date(2024, 5, 6), EARLY_MAY),
    (date(2024, 5, 27), SPRING),
    (date(2024, 8, 5), SUMMER),
    (date(2024, 12, 2), ST_ANDREW_SUB),
    (date(2024, 12, 25), CHRISTMAS),
    (date(2024, 12, 26), BOXING_DAY),
    (date(2025, 1, 1), NEW_YEAR),
    (date(2025, 1, 2), SECOND_JANUARY),
    (date(2025, 4, 18), GOOD_FRIDAY),
    (date(2025, 5, 5), EARLY_MAY),
    (date(2025, 5, 26), SPRING),
    (date(2025, 8, 4), SUMMER),
    (date(2025, 12, 1), ST_ANDREW_SUB),
    (date(2025, 12, 25), CHRISTMAS),
    (date(2025, 12, 26), BOXING_DAY),
    (date(2026, 1, 1), NEW_YEAR),
    (date(2026, 1, 2), SECOND_JANUARY),
    (date(2026, 4, 3), GOOD_FRIDAY),
    (date(2026, 5, 4), EARLY_MAY),
    (date(2026, 5, 25), SPRING),
    (date(2026, 6, 15), WORLD_CUP),
    (date(2026, 8, 3), SUMMER),
    (date(2026, 11, 30), ST_ANDREW),
    (date(2026, 12, 25), CHRISTMAS),
    (date(2026, 12, 28), BOXING_DAY_SUB),
    (date(2027, 1, 1), NEW_YEAR),
    (date(2027, 1, 4), SECOND_JANUARY_SUB),
    (date(2027, 3, 26), GOOD_FRIDAY),
    (date(2027, 5, 3), EARLY_MAY),
    (date(2027, 5, 31), SPRING),
    (date(2027, 8, 2), SUMMER),
    (date(2027, 11, 30), ST_ANDREW),
    (date(2027, 12, 27), CHRISTMAS_SUB),
    (date(2027, 12, 28), BOXING_DAY_SUB),
];

/// Northern Ireland: bank holidays 2018–2027 as GOV.UK lists them.
const NORTHERN_IRELAND: &[(Date, &str)] = &[
    (date(2018, 1, 1), NEW_YEAR),
    (date(2018, 3, 19), ST_PATRICK_SUB),
    (date(2018, 3, 30), GOOD_FRIDAY),
    (date(2018, 4, 2), EASTER_MONDAY),
    (date(2018, 5, 7), EARLY_MAY),
    (date(2018, 5, 28), SPRING),
    (date(2018, 7, 12), BATTLE_OF_THE_BOYNE),
    (date(2018, 8, 27), SUMMER),
    (date(2018, 12, 25), CHRISTMAS),
    (date(2018, 12, 26), BOXING_DAY),
    (date(2019, 1, 1), NEW_YEAR),
    (date(2019, 3, 18), ST_PATRICK_SUB),
    (date(2019, 4, 19), GOOD_FRIDAY),
    (date(2019, 4, 22), EASTER_MONDAY),
    (date(2019, 5, 6), EARLY_MAY),
    (date(2019, 5, 27), SPRING),
    (date(2019, 7, 12), BATTLE_OF_THE_BOYNE),
    (date(2019, 8, 26), SUMMER),
    (date(2019, 12, 25), CHRISTMAS),
    (date(2019, 12, 26), BOXING_DAY),
    (date(2020, 1, 1), NEW_YEAR),
    (date(2020, 3, 17), ST_PATRICK),
    (date(2020, 4, 10), GOOD_FRIDAY),
    (date(2020, 4, 13), EASTER_MONDAY),
    (date(2020, 5, 8), EARLY_MAY_VE_DAY),
    (date(2020, 5, 25), SPRING),
    (date(2020, 7, 13), BATTLE_OF_THE_BOYNE_SUB),
    (date(2020, 8, 31), SUMMER),
    (date(2020, 12, 25), CHRISTMAS),
    (date(2020, 12, 28), BOXING_DAY_SUB),
    (date(2021, 1, 1), NEW_YEAR),
    (date(2021, 3, 17), ST_PATRICK),
    (date(2021, 4, 2), GOOD_FRIDAY),
    (date(2021, 4, 5), EASTER_MONDAY),
    (date(2021, 5, 3), EARLY_MAY),
    (date(2021, 5, 31), SPRING),
    (date(2021, 7, 12), BATTLE_OF_THE_BOYNE),
    (date(2021, 8, 30), SUMMER),
    (date(2021, 12, 27), CHRISTMAS_SUB),
    (date(2021, 12, 28), BOXING_DAY_SUB),
    (date(2022, 1, 3), NEW_YEAR_SUB),
    (date(2022, 3, 17), ST_PATRICK),
    (date(2022, 4, 15), GOOD_FRIDAY),
    (date(2022, 4, 18), EASTER_MONDAY),
    (date(2022, 5, 2), EARLY_MAY),
    (date(2022, 6, 2), SPRING),
    (date(2022, 6, 3), PLATINUM_JUBILEE),
    (date(2022, 7, 12), BATTLE_OF_THE_BOYNE),
    (date(2022, 8, 29), SUMMER),
    (date(2022, 9, 19), STATE_FUNERAL),
    (date(2022, 12, 26), BOXING_DAY),
    (date(2022, 12, 27), CHRISTMAS_SUB),
    (date(2023, 1, 2), NEW_YEAR_SUB),
    (date(2023, 3, 17), ST_PATRICK),
    (date(2023, 4, 7), GOOD_FRIDAY),
    (date(2023, 4, 10), EASTER_MONDAY),
    (date(2023, 5, 1), EARLY_MAY),
    (date(2023, 5, 8), CORONATION),
    (date(2023, 5, 29), SPRING),
    (date(2023, 7, 12), BATTLE_OF_THE_BOYNE),
    (date(2023, 8, 28), SUMMER),
    (date(2023, 12, 25), CHRISTMAS),
    (date(2023, 12, 26), BOXING_DAY),
    (date(2024, 1, 1), NEW_YEAR),
    (date(2024, 3, 18), ST_PATRICK_SUB),
    (date(2024, 3, 29), GOOD_FRIDAY),
    (date(2024, 4, 1), EASTER_MONDAY),
    (date(2024, 5, 6), EARLY_MAY),
    (date(2024, 5, 27), SPRING),
    (date(2024, 7, 12), BATTLE_OF_THE_BOYNE),
    (date(2024, 8, 26), SUMMER),
    (date(2024, 12, 25), CHRISTMAS),
    (date(2024, 12, 26), BOXING_DAY),
    (date(2025, 1, 1), NEW_YEAR),
    (date(2025, 3, 17), ST_PATRICK),
    (date(2025, 4, 18), GOOD_FRIDAY),
    (date(2025, 4, 21), EASTER_MONDAY),
    (date(2025, 5, 5), EARLY_MAY),
    (date(2025, 5, 26), SPRING),
    (date(2025, 7, 14), BATTLE_OF_THE_BOYNE_SUB),
    (date(2025, 8, 25), SUMMER),
    (date(2025, 12, 25), CHRISTMAS),
    (date(2025, 12, 26), BOXING_DAY),
    (date(2026, 1, 1), NEW_YEAR),
    (date(2026, 3, 17), ST_PATRICK),
    (date(2026, 4, 3), GOOD_FRIDAY),
    (date(2026, 4, 6), EASTER_MONDAY),
    (date(2026, 5, 4), EARLY_MAY),
    (date(2026, 5, 25), SPRING),
    (date(2026, 7, 13), BATTLE_OF_THE_BOYNE_SUB),
    (date(2026, 8, 31), SUMMER),
    (date(2026, 12, 25), CHRISTMAS),
    (date(2026, 12, 28), BOXING_DAY_SUB),
    (date(2027, 1, 1), NEW_YEAR),
    (date(2027, 3, 17), ST_PATRICK),
    (date(2027, 3, 26), GOOD_FRIDAY),
    (date(2027, 3, 29), EASTER_MONDAY),
    (date(2027, 5, 3), EARLY_MAY),
    (date(2027, 5, 31), SPRING),
    (date(2027, 7, 12), BATTLE_OF_THE_BOYNE),
    (date(2027, 8, 30), SUMMER),
    (date(2027, 12, 27), CHRISTMAS_SUB),
    (date(2027, 12, 28), BOXING_DAY_SUB),
];
/// A region's bank holidays plus any days the organisation has added: decides which days
/// count as working days for its deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    region: Region,
    extra: BTreeSet<Date>,
}

impl Calendar {
    /// The calendar of `region`, with its bank holidays only.
    pub fn new(region: Region) -> Self {
        Self { region, extra: BTreeSet::new() }
    }

    /// The calendar of `region` with further days off that an administrator has added (a
    /// newly proclaimed bank holiday, or the organisation's own closure days).
    pub fn with_extra_days(region: Region, extra: impl IntoIterator<Item = Date>) -> Self {
        Self { region, extra: extra.into_iter().collect() }
    }

    /// The region whose bank holidays apply.
    pub fn region(&self) -> Region {
        self.region
    }

    /// The days the organisation has added, in order.
    pub fn extra_days(&self) -> impl Iterator<Item = Date> + '_ {
        self.extra.iter().copied()
    }

    /// Every day off in `year`, in date order, with its name: the region's bank holidays
    /// ([`bank_holidays`]) and the added days (named [`EXTRA_DAY`]) that are not already
    /// bank holidays.
    pub fn bank_holidays(&self, year: i16) -> Vec<(Date, &'static str)> {
        let mut days = bank_holidays(self.region, year);
        let added: Vec<Date> =
            self.extra.iter().copied().filter(|d| d.year() == year && !days.iter().any(|(h, _)| h == d)).collect();
        days.extend(added.into_iter().map(|d| (d, EXTRA_DAY)));
        days.sort_by_key(|(d, _)| *d);
        days
    }

    /// The name of the bank holiday (or added day) on `day`, if it is one.
    pub fn holiday_name(&self, day: Date) -> Option<&'static str> {
        bank_holidays(self.region, day.year())
            .into_iter()
            .find(|(d, _)| *d == day)
            .map(|(_, name)| name)
            .or_else(|| self.extra.contains(&day).then_some(EXTRA_DAY))
    }

    /// Whether `day` is a bank holiday of the region or a day the organisation has added.
    pub fn is_holiday(&self, day: Date) -> bool {
        self.holiday_name(day).is_some()
    }

    /// Whether `day` is a working day: Monday to Friday and not a holiday.
    pub fn is_working_day(&self, day: Date) -> bool {
        !is_weekend(day) && !self.is_holiday(day)
    }

    /// `day` itself if it is a working day, otherwise the first working day after it.
    ///
    /// Fails only past the end of the calendar (the year 9999).
    pub fn next_working_day_on_or_after(&self, day: Date) -> Result<Date, CoreError> {
        let mut d = day;
        while !self.is_working_day(d) {
            d = next_day(d)?;
        }
        Ok(d)
    }

    /// The working day that comes `n` working days after `day` (`day` itself does not
    /// count, working day or not): Friday plus one working day is the next Monday, if that
    /// is not a holiday. `n = 0` gives `day` unchanged.
    ///
    /// Fails only past the end of the calendar (the year 9999).
    pub fn add_working_days(&self, day: Date, n: u32) -> Result<Date, CoreError> {
        let mut d = day;
        for _ in 0..n {
            d = self.next_working_day_on_or_after(next_day(d)?)?;
        }
        Ok(d)
    }
}

/// Whether `day` is a Saturday or a Sunday.
pub fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn next_day(day: Date) -> Result<Date, CoreError> {
    day.tomorrow().map_err(|_| CoreError::invalid("date", "is past the last date Steward can count to (9999-12-31)"))
}

/// The bank holidays of `region` in `year`, in date order, with their GOV.UK names.
///
/// 2018 to 2027 ([`BUILT_IN_FROM`]..=[`BUILT_IN_TO`]) come from the built-in GOV.UK list;
/// other years are generated from the standing rules by [`generated_bank_holidays`].
pub fn bank_holidays(region: Region, year: i16) -> Vec<(Date, &'static str)> {
    if (BUILT_IN_FROM..=BUILT_IN_TO).contains(&year) {
        let table = match region {
            Region::EnglandAndWales => ENGLAND_AND_WALES,
            Region::Scotland => SCOTLAND,
            Region::NorthernIreland => NORTHERN_IRELAND,
        };
        table.iter().copied().filter(|(d, _)| d.year() == year).collect()
    } else {
        generated_bank_holidays(region, year)
    }
}

/// The bank holidays of `region` in `year` as the standing rules give them, without any
/// one-off day (Banking and Financial Dealings Act 1971 Sch 1, with the days customarily
/// proclaimed each year; GOV.UK names):
///
/// * every region: New Year's Day (1 January), Good Friday, the early May bank holiday
///   (first Monday of May), the spring bank holiday (last Monday of May), Christmas Day and
///   Boxing Day (25 and 26 December);
/// * England and Wales, and Northern Ireland: Easter Monday and the summer bank holiday
///   (last Monday of August);
/// * Scotland: 2 January, the summer bank holiday (first Monday of August) and St Andrew's
///   Day (30 November), and no Easter Monday;
/// * Northern Ireland: St Patrick's Day (17 March) and the Battle of the Boyne (12 July).
///
/// A fixed-date day on a weekend moves to a substitute weekday as the module documentation
/// describes. Years before 1 (outside the Gregorian reckoning used here) have none.
pub fn generated_bank_holidays(region: Region, year: i16) -> Vec<(Date, &'static str)> {
    generate(region, year).unwrap_or_default()
}

fn generate(region: Region, year: i16) -> Option<Vec<(Date, &'static str)>> {
    if year < 1 {
        return None;
    }
    let day = |month: i8, day: i8| Date::new(year, month, day).ok();
    let mondays = |month: i8, nth: i8| day(month, 1)?.nth_weekday_of_month(nth, Weekday::Monday).ok();
    let easter = easter_sunday(year)?;
    let mut out = Vec::with_capacity(11);

    let new_year = substitute(day(1, 1)?, &[])?;
    out.push(named(new_year, NEW_YEAR, NEW_YEAR_SUB));
    if region == Region::Scotland {
        out.push(named(substitute(day(1, 2)?, &[new_year.0])?, SECOND_JANUARY, SECOND_JANUARY_SUB));
    }
    if region == Region::NorthernIreland {
        out.push(named(substitute(day(3, 17)?, &[])?, ST_PATRICK, ST_PATRICK_SUB));
    }
    out.push((easter.yesterday().ok()?.yesterday().ok()?, GOOD_FRIDAY));
    if region != Region::Scotland {
        out.push((easter.tomorrow().ok()?, EASTER_MONDAY));
    }
    out.push((mondays(5, 1)?, EARLY_MAY));
    out.push((mondays(5, -1)?, SPRING));
    if region == Region::NorthernIreland {
        out.push(named(substitute(day(7, 12)?, &[])?, BATTLE_OF_THE_BOYNE, BATTLE_OF_THE_BOYNE_SUB));
    }
    out.push((if region == Region::Scotland { mondays(8, 1)? } else { mondays(8, -1)? }, SUMMER));
    if region == Region::Scotland {
        out.push(named(substitute(day(11, 30)?, &[])?, ST_ANDREW, ST_ANDREW_SUB));
    }
    // Boxing Day on a weekday keeps its date, so a Sunday Christmas moves past it (Sch 1
    // para 1: "27th December in a year in which 25th or 26th December is a Sunday").
    let boxing = day(12, 26)?;
    let boxing_kept: Vec<Date> = if is_weekend(boxing) { vec![] } else { vec![boxing] };
    let christmas = substitute(day(12, 25)?, &boxing_kept)?;
    out.push(named(christmas, CHRISTMAS, CHRISTMAS_SUB));
    out.push(named(substitute(boxing, &[christmas.0])?, BOXING_DAY, BOXING_DAY_SUB));
    out.sort_by_key(|(d, _)| *d);
    Some(out)
}

/// `day` if it is a weekday not in `taken`, else the next such weekday; and whether it moved.
fn substitute(day: Date, taken: &[Date]) -> Option<(Date, bool)> {
    let mut d = day;
    while is_weekend(d) || taken.contains(&d) {
        d = d.tomorrow().ok()?;
    }
    Some((d, d != day))
}

fn named((day, moved): (Date, bool), name: &'static str, substitute_name: &'static str) -> (Date, &'static str) {
    (day, if moved { substitute_name } else { name })
}

/// Easter Sunday of `year` in the Gregorian calendar, by the "Anonymous Gregorian
/// algorithm" (Meeus/Jones/Butcher, published in *Nature* in 1876 and in Jean Meeus,
/// *Astronomical Algorithms*, ch. 8). Good Friday is two days before it, Easter Monday the
/// day after.
///
/// This is the calculation of a date from the ecclesiastical rules (the first Sunday after
/// the paschal full moon), not date arithmetic: the result is checked against published
/// Easter dates in the tests. It is meant for years from 1583, when the Gregorian calendar
/// began; `None` for years before 1.
pub fn easter_sunday(year: i16) -> Option<Date> {
    if year < 1 {
        return None;
    }
    let y = i32::from(year);
    let a = y % 19; // place in the 19-year Metonic cycle
    let b = y / 100; // century
    let c = y % 100; // year in the century
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3; // lunar correction
    let h = (19 * a + b - d - g + 15) % 30; // epact: days from 21 March to the paschal full moon
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7; // days from the full moon to the next Sunday
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

#[cfg(test)]
mod tests;
