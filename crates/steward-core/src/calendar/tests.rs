//! Tests of the bank-holiday calendar against the rules as GOV.UK publishes them, and
//! of working-day arithmetic.

use super::*;

/// uk-rules §6, England and Wales, exactly as written there (GOV.UK data).
const RULES_EW: &str = "\
2018: 01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26
2019: 01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26
2020: 01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28
2021: 01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28
2022: 01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27
2023: 01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26
2024: 01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26
2025: 01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26
2026: 01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28
2027: 01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28";

fn parse_year_line(line: &str) -> (i16, Vec<Date>) {
    let (year, days) = line.split_once(": ").expect("year: days");
    let days = days.split(' ').map(|md| format!("{year}-{md}").parse().expect("date")).collect();
    (year.parse().expect("year"), days)
}

fn dates(region: Region, year: i16) -> Vec<Date> {
    bank_holidays(region, year).into_iter().map(|(d, _)| d).collect()
}

fn generated(region: Region, year: i16) -> Vec<(Date, &'static str)> {
    generated_bank_holidays(region, year)
}

#[test]
fn every_england_and_wales_day_in_the_rules_is_built_in_and_nothing_else() {
    for line in RULES_EW.lines() {
        let (year, expected) = parse_year_line(line);
        assert_eq!(dates(Region::EnglandAndWales, year), expected, "England and Wales {year}");
    }
}

#[test]
fn the_built_in_tables_are_sorted_weekdays_within_their_years() {
    for table in [ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND] {
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "sorted, no duplicates");
        assert!(table.iter().all(|(d, _)| !is_weekend(*d)), "no weekend days");
        assert!(table.iter().all(|(d, _)| (BUILT_IN_FROM..=BUILT_IN_TO).contains(&d.year())));
        for year in BUILT_IN_FROM..=BUILT_IN_TO {
            assert!(table.iter().any(|(d, _)| d.year() == year), "{year} present");
        }
    }
}

#[test]
fn the_generator_reproduces_2026_and_2027_in_england_and_wales_names_included() {
    for year in [2026, 2027] {
        assert_eq!(generated(Region::EnglandAndWales, year), bank_holidays(Region::EnglandAndWales, year));
    }
}

/// Every built-in year without a one-off day is what the rules generate, in every region.
#[test]
fn the_generator_reproduces_every_ordinary_built_in_year_in_every_region() {
    for region in Region::ALL {
        for year in BUILT_IN_FROM..=BUILT_IN_TO {
            let one_off = matches!(year, 2020 | 2022 | 2023) || (year == 2026 && region == Region::Scotland);
            if !one_off {
                assert_eq!(generated(region, year), bank_holidays(region, year), "{region} {year}");
            }
        }
    }
}

#[test]
fn one_off_days_are_built_in_in_every_region() {
    for region in Region::ALL {
        for (d, name) in [
            (date(2020, 5, 8), EARLY_MAY_VE_DAY),
            (date(2022, 6, 2), SPRING),
            (date(2022, 6, 3), PLATINUM_JUBILEE),
            (date(2022, 9, 19), STATE_FUNERAL),
            (date(2023, 5, 8), CORONATION),
        ] {
            assert_eq!(Calendar::new(region).holiday_name(d), Some(name), "{region} {d}");
        }
        // The days they replaced are ordinary working days.
        assert!(Calendar::new(region).is_working_day(date(2020, 5, 4)), "{region}: 4 May 2020");
        assert!(Calendar::new(region).is_working_day(date(2022, 5, 30)), "{region}: 30 May 2022");
    }
    assert_eq!(Calendar::new(Region::Scotland).holiday_name(date(2026, 6, 15)), Some(WORLD_CUP));
    assert!(Calendar::new(Region::EnglandAndWales).is_working_day(date(2026, 6, 15)));
    assert!(Calendar::new(Region::NorthernIreland).is_working_day(date(2026, 6, 15)));
}

/// GOV.UK's published 2028 lists (the first generated year) for all three regions.
#[test]
fn generated_2028_matches_what_gov_uk_has_published() {
    let published = [
        (Region::EnglandAndWales, "2028: 01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26"),
        (Region::Scotland, "2028: 01-03 01-04 04-14 05-01 05-29 08-07 11-30 12-25 12-26"),
        (Region::NorthernIreland, "2028: 01-03 03-17 04-14 04-17 05-01 05-29 07-12 08-28 12-25 12-26"),
    ];
    for (region, line) in published {
        let (year, expected) = parse_year_line(line);
        assert_eq!(dates(region, year), expected, "{region}");
    }
    let scotland = bank_holidays(Region::Scotland, 2028);
    assert_eq!(scotland[0], (date(2028, 1, 3), NEW_YEAR_SUB));
    assert_eq!(scotland[1], (date(2028, 1, 4), SECOND_JANUARY_SUB));
}

#[test]
fn scotland_2026_has_2_january_and_st_andrews_day_but_no_easter_monday() {
    let cal = Calendar::new(Region::Scotland);
    assert_eq!(cal.holiday_name(date(2026, 1, 2)), Some(SECOND_JANUARY));
    assert_eq!(cal.holiday_name(date(2026, 11, 30)), Some(ST_ANDREW));
    assert_eq!(date(2026, 11, 30).weekday(), Weekday::Monday);
    assert_eq!(cal.holiday_name(date(2026, 8, 3)), Some(SUMMER), "first Monday of August");
    assert!(cal.is_working_day(date(2026, 4, 6)), "Easter Monday is a working day in Scotland");
    assert!(cal.is_working_day(date(2026, 8, 31)), "so is the last Monday of August");
    assert!(!Calendar::new(Region::EnglandAndWales).is_working_day(date(2026, 4, 6)));
    // St Andrew's Day on a weekend: the Monday after.
    assert_eq!(cal.holiday_name(date(2025, 12, 1)), Some(ST_ANDREW_SUB));
    assert_eq!(cal.holiday_name(date(2024, 12, 2)), Some(ST_ANDREW_SUB));
    assert_eq!(
        generated(Region::Scotland, 2031).iter().find(|(_, n)| n.starts_with("St Andrew")).map(|x| x.0),
        Some(date(2031, 12, 1))
    );
}

#[test]
fn northern_ireland_2026_has_st_patricks_day_and_the_boyne_on_its_substitute_monday() {
    let cal = Calendar::new(Region::NorthernIreland);
    assert_eq!(cal.holiday_name(date(2026, 3, 17)), Some(ST_PATRICK));
    assert_eq!(date(2026, 7, 12).weekday(), Weekday::Sunday);
    assert_eq!(cal.holiday_name(date(2026, 7, 13)), Some(BATTLE_OF_THE_BOYNE_SUB));
    assert_eq!(cal.holiday_name(date(2026, 7, 12)), None);
    assert_eq!(cal.holiday_name(date(2026, 4, 6)), Some(EASTER_MONDAY));
    assert!(Calendar::new(Region::EnglandAndWales).is_working_day(date(2026, 3, 17)));
    // St Patrick's Day on a Sunday (2030) and a Saturday (2029): the Monday after.
    assert!(generated(Region::NorthernIreland, 2029).contains(&(date(2029, 3, 19), ST_PATRICK_SUB)));
    assert!(generated(Region::NorthernIreland, 2030).contains(&(date(2030, 3, 18), ST_PATRICK_SUB)));
}

#[test]
fn christmas_substitutes() {
    let ew = Calendar::new(Region::EnglandAndWales);
    // 2027: Christmas on a Saturday, Boxing Day on a Sunday.
    assert_eq!(ew.holiday_name(date(2027, 12, 27)), Some(CHRISTMAS_SUB));
    assert_eq!(ew.holiday_name(date(2027, 12, 28)), Some(BOXING_DAY_SUB));
    // 2022 (built in) and 2033 (generated): Christmas on a Sunday, Boxing Day on Monday 26th.
    assert_eq!(ew.holiday_name(date(2022, 12, 26)), Some(BOXING_DAY));
    assert_eq!(ew.holiday_name(date(2022, 12, 27)), Some(CHRISTMAS_SUB));
    assert!(
        generated(Region::EnglandAndWales, 2033)
            .ends_with(&[(date(2033, 12, 26), BOXING_DAY), (date(2033, 12, 27), CHRISTMAS_SUB)])
    );
    // 2026 (built in) and 2037 (generated): Christmas on a Friday, Boxing Day on Saturday.
    assert_eq!(ew.holiday_name(date(2026, 12, 28)), Some(BOXING_DAY_SUB));
    assert!(
        generated(Region::EnglandAndWales, 2037)
            .ends_with(&[(date(2037, 12, 25), CHRISTMAS), (date(2037, 12, 28), BOXING_DAY_SUB)])
    );
    // 2032: Christmas on a Saturday again, generated, in every region.
    for region in Region::ALL {
        assert!(
            generated(region, 2032)
                .ends_with(&[(date(2032, 12, 27), CHRISTMAS_SUB), (date(2032, 12, 28), BOXING_DAY_SUB)])
        );
    }
}

#[test]
fn scotland_new_year_on_a_sunday_puts_2_january_on_the_tuesday() {
    // 2023 is built in; 2034 is generated (1 January 2034 is a Sunday too).
    let cal = Calendar::new(Region::Scotland);
    assert_eq!(cal.holiday_name(date(2023, 1, 2)), Some(NEW_YEAR_SUB));
    assert_eq!(cal.holiday_name(date(2023, 1, 3)), Some(SECOND_JANUARY_SUB));
    assert!(
        generated(Region::Scotland, 2034)
            .starts_with(&[(date(2034, 1, 2), NEW_YEAR_SUB), (date(2034, 1, 3), SECOND_JANUARY_SUB)])
    );
}

#[test]
fn easter_matches_published_dates() {
    for (year, m, d) in [
        (1961, 4, 2),
        (2000, 4, 23),
        (2008, 3, 23),
        (2011, 4, 24),
        (2019, 4, 21),
        (2024, 3, 31),
        (2038, 4, 25),
        (2285, 3, 22),
    ] {
        assert_eq!(easter_sunday(year), Some(date(year, m, d)), "{year}");
    }
    assert_eq!(easter_sunday(0), None);
}

#[test]
fn extra_days_are_holidays_listed_once() {
    let cal = Calendar::with_extra_days(Region::EnglandAndWales, [date(2030, 6, 14), date(2030, 12, 25)]);
    assert!(!cal.is_working_day(date(2030, 6, 14)));
    assert_eq!(cal.holiday_name(date(2030, 6, 14)), Some(EXTRA_DAY));
    assert_eq!(cal.holiday_name(date(2030, 12, 25)), Some(CHRISTMAS), "a bank holiday keeps its own name");
    let days = cal.bank_holidays(2030);
    assert_eq!(days.len(), 9);
    assert!(days.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(days.contains(&(date(2030, 6, 14), EXTRA_DAY)));
    assert_eq!(cal.extra_days().count(), 2);
    assert!(Calendar::new(Region::EnglandAndWales).is_working_day(date(2030, 6, 14)));
}

#[test]
fn working_days() {
    let ew = Calendar::new(Region::EnglandAndWales);
    // Friday before the Easter weekend 2026: Good Friday 3 April, Easter Monday 6 April.
    assert_eq!(ew.next_working_day_on_or_after(date(2026, 4, 3)), Ok(date(2026, 4, 7)));
    assert_eq!(ew.next_working_day_on_or_after(date(2026, 4, 7)), Ok(date(2026, 4, 7)));
    assert_eq!(ew.next_working_day_on_or_after(date(2026, 3, 28)), Ok(date(2026, 3, 30)), "Saturday");
    assert_eq!(ew.add_working_days(date(2026, 4, 2), 1), Ok(date(2026, 4, 7)));
    assert_eq!(ew.add_working_days(date(2026, 4, 4), 0), Ok(date(2026, 4, 4)));
    assert_eq!(ew.add_working_days(date(2026, 12, 24), 2), Ok(date(2026, 12, 30)));
    assert_eq!(ew.add_working_days(date(2026, 3, 27), 5), Ok(date(2026, 4, 7)), "skips Good Friday and Easter Monday");
    // The last day jiff can represent is a Friday: reaching it works, going past it fails.
    assert_eq!(ew.next_working_day_on_or_after(date(9999, 12, 31)), Ok(date(9999, 12, 31)));
    assert_eq!(ew.add_working_days(date(9999, 12, 30), 1), Ok(date(9999, 12, 31)));
    assert!(ew.add_working_days(date(9999, 12, 30), 2).is_err());
    assert!(Calendar::new(Region::Scotland).next_working_day_on_or_after(date(9999, 12, 25)).is_ok());
}
