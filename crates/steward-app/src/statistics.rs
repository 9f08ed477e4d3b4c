//! Figures about rights requests for the board (see `steward_core::statistics` for
//! what each one counts): per month and per year, and open and overdue now. They are
//! counts and medians over dates and kinds only, hold no personal data, and need
//! `ReadStatistics`.

use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use steward_core::audit::ObjectType;
use steward_core::statistics::{OpenNow, Period, PeriodFigures, RequestFacts, figures, open_now};
use steward_core::{FieldError, Permission};
use utoipa::ToSchema;

/// Most months one answer covers.
pub const MAX_MONTHS: usize = 60;

/// What to work out.
#[derive(Debug, Clone, Default)]
pub struct StatisticsQuery {
    /// The year of the annual figures; with no month range, the monthly figures are
    /// this year's twelve months. Default: the current year, and the last 12 months.
    pub year: Option<i16>,
    /// The month the organisation's year starts (1 = calendar year, 4 = April).
    pub year_start: Option<i8>,
    /// First month of the monthly figures (`YYYY-MM`); needs `to`.
    pub from: Option<String>,
    /// Last month of the monthly figures (`YYYY-MM`).
    pub to: Option<String>,
}

/// The board's figures.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Statistics {
    /// The year of `annual` (the year it starts in, for a year not starting in January).
    pub year: i16,
    /// The month the year starts (1 for a calendar year).
    pub year_start: i8,
    /// The whole year.
    pub annual: PeriodFigures,
    /// Month by month, oldest first.
    pub monthly: Vec<PeriodFigures>,
    /// Requests open and overdue today.
    pub open_now: OpenNow,
    /// Years that have requests (and the current one), newest first, for choosing.
    pub years: Vec<i16>,
}

fn month_of(field: &str, s: &str) -> AppResult<Date> {
    let bad = || AppError::Invalid(FieldError::new(field, "must be a month written YYYY-MM, such as 2026-04"));
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i16, i8) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1900..=9998).contains(&y) {
        return Err(bad());
    }
    Date::new(y, m, 1).map_err(|_| bad())
}

fn parse_date(s: &str) -> AppResult<Date> {
    s.parse().map_err(|_| AppError::Store(steward_store::StoreError::Corrupt("a stored request has a bad date".into())))
}

impl App {
    /// The board's figures for `q` as of `today` (refused without `ReadStatistics`).
    pub fn request_statistics(&self, ctx: &Context, q: &StatisticsQuery, today: Date) -> AppResult<Statistics> {
        self.require(ctx, Permission::ReadStatistics, ObjectType::Statistics, "requests")?;
        let year_start = q.year_start.unwrap_or(1);
        if !(1..=12).contains(&year_start) {
            return Err(AppError::Invalid(FieldError::new("year_start", "must be a month number from 1 to 12")));
        }
        let current_year = if today.month() >= year_start { today.year() } else { today.year() - 1 };
        let year = q.year.unwrap_or(current_year);
        if !(1900..=9998).contains(&year) {
            return Err(AppError::Invalid(FieldError::new("year", "must be a year such as 2026")));
        }
        let annual_period = Period::year(year, year_start)
            .ok_or_else(|| AppError::Invalid(FieldError::new("year", "must be a year such as 2026")))?;
        let months = match (&q.from, &q.to) {
            (Some(from), Some(to)) => {
                let (from, to) = (month_of("from", from)?, month_of("to", to)?);
                if from > to {
                    return Err(AppError::Invalid(FieldError::new("from", "must not be after the month in `to`")));
                }
                let n = i64::from(to.year() - from.year()) * 12 + i64::from(to.month() - from.month()) + 1;
                if n > MAX_MONTHS as i64 {
                    return Err(AppError::Invalid(FieldError::new(
                        "from",
                        format!("the range may cover at most {MAX_MONTHS} months"),
                    )));
                }
                Period::months_ending(to, n as usize)
            }
            (None, Some(to)) => Period::months_ending(month_of("to", to)?, 12),
            (Some(_), None) => {
                return Err(AppError::Invalid(FieldError::new("to", "give the last month too (YYYY-MM)")));
            }
            (None, None) if q.year.is_some() => {
                let last = annual_period.until.checked_sub(jiff::ToSpan::days(1)).unwrap_or(annual_period.from);
                Period::months_ending(last, 12)
            }
            (None, None) => Period::months_ending(today, 12),
        };
        let facts = self
            .store
            .request_facts()?
            .into_iter()
            .map(|r| {
                Ok(RequestFacts {
                    kind: r.kind.parse().map_err(|_| {
                        AppError::Store(steward_store::StoreError::Corrupt("a stored request has a bad kind".into()))
                    })?,
                    received_on: parse_date(&r.received_on)?,
                    statutory_due_on: parse_date(&r.statutory_due_on)?,
                    due_on: parse_date(&r.due_on)?,
                    responded_on: r.responded_on.as_deref().map(parse_date).transpose()?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let mut years: Vec<i16> = facts
            .iter()
            .map(|f| if f.received_on.month() >= year_start { f.received_on.year() } else { f.received_on.year() - 1 })
            .chain([current_year, year])
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        Ok(Statistics {
            year,
            year_start,
            annual: figures(&facts, annual_period),
            monthly: months.into_iter().map(|p| figures(&facts, p)).collect(),
            open_now: open_now(&facts, today),
            years,
        })
    }
}
