//! The statistics page for the board: rights requests per month and per year as
//! tables, a bar chart drawn on the server as inline SVG (with a title, a description
//! and text labels; the monthly table is its accessible equivalent), a year selector
//! and a CSV download. Counts only, no personal data.

use crate::state::AppState;
use crate::session::SignedIn;
use crate::ui::requests::words::kind_label;
use crate::ui::kit::{PageContext, error_page, long_date, page, render, run};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use steward_app::statistics::{Statistics, StatisticsQuery};
use steward_core::request::RequestKind;
use steward_core::statistics::PeriodFigures;

/// `GET /statistics` and `GET /statistics.csv`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/statistics", get(show)).route("/statistics.csv", get(csv))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The year chosen, as the selector sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    year: String,
    year_start: String,
}

impl YearQuery {
    fn parse(&self) -> Option<StatisticsQuery> {
        let year = match self.year.trim() {
            "" => None,
            y => Some(y.parse::<i16>().ok().filter(|y| (1900..=9998).contains(y))?),
        };
        let year_start = match self.year_start.trim() {
            "" => None,
            m => Some(m.parse::<i8>().ok().filter(|m| (1..=12).contains(m))?),
        };
        Some(StatisticsQuery { year, year_start, from: None, to: None })
    }
}

fn bad_year() -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "That year cannot be shown",
        "Choose a year and a starting month from the lists.",
    )
}

/// One row of a figures table, in words.
struct Line {
    label: String,
    received: u64,
    responded: u64,
    median: String,
    on_time_statutory: String,
    on_time_policy: String,
}

fn pct(p: Option<f64>, n: u64) -> String {
    p.map_or_else(|| "none answered".into(), |p| format!("{p:.1}% ({n})"))
}

fn month_label(f: &PeriodFigures) -> String {
    format!("{} {}", MONTHS[usize::from(f.period.from.month().unsigned_abs()) - 1], f.period.from.year())
}

fn line(label: String, f: &PeriodFigures) -> Line {
    Line {
        label,
        received: f.received,
        responded: f.responded,
        median: f.median_days.map_or_else(|| "none answered".into(), |m| format!("{m:.1}")),
        on_time_statutory: pct(f.on_time_statutory_pct, f.on_time_statutory),
        on_time_policy: pct(f.on_time_policy_pct, f.on_time_policy),
    }
}

/// A bar of the chart, in the SVG's units.
struct Bar {
    x: u32,
    y: u32,
    height: u32,
    value: u64,
}

/// One month of the chart.
struct ChartMonth {
    short: String,
    label_x: u32,
    received: Bar,
    responded: Bar,
}

/// The chart's geometry.
struct Chart {
    width: u32,
    height: u32,
    baseline: u32,
    left: u32,
    right: u32,
    description: String,
    months: Vec<ChartMonth>,
}

const PLOT: u32 = 180;
const TOP: u32 = 40;
const LEFT: u32 = 10;
const GROUP: u32 = 60;
const BAR: u32 = 22;

fn chart(monthly: &[PeriodFigures]) -> Chart {
    let max = monthly.iter().map(|m| m.received.max(m.responded)).max().unwrap_or(0).max(1);
    let baseline = TOP + PLOT;
    let bar = |x: u32, value: u64| {
        let height = u32::try_from(value.saturating_mul(u64::from(PLOT)) / max).unwrap_or(PLOT);
        Bar { x, y: baseline - height, height, value }
    };
    let months: Vec<ChartMonth> = monthly
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = LEFT + u32::try_from(i).unwrap_or(0) * GROUP + 6;
            ChartMonth {
                short: format!(
                    "{} {:02}",
                    &MONTHS[usize::from(m.period.from.month().unsigned_abs()) - 1][..3],
                    m.period.from.year() % 100
                ),
                label_x: x + BAR,
                received: bar(x, m.received),
                responded: bar(x + BAR + 2, m.responded),
            }
        })
        .collect();
    let width = LEFT * 2 + GROUP * u32::try_from(months.len()).unwrap_or(0);
    let description = match (monthly.first(), monthly.last()) {
        (Some(first), Some(last)) => format!(
            "For each month from {} to {}, a solid bar for requests received and a hatched bar for responses sent, each labelled with its number. The most in any month is {}. The table below gives every figure.",
            month_label(first),
            month_label(last),
            max
        ),
        _ => "No months to show.".into(),
    };
    Chart { width, height: baseline + 40, baseline, left: LEFT, right: width - LEFT, description, months }
}

#[derive(Template)]
#[template(path = "pages/statistics.html")]
struct StatisticsPage {
    page: PageContext,
    stats: Statistics,
    year_label: String,
    annual: Line,
    monthly: Vec<Line>,
    by_kind: Vec<(&'static str, u64)>,
    chart: Chart,
    years: Vec<i16>,
    starts: Vec<(i8, &'static str)>,
    today: String,
    csv_href: String,
}

fn year_label(s: &Statistics) -> String {
    if s.year_start == 1 {
        s.year.to_string()
    } else {
        let end = s.annual.period.until.checked_sub(jiff::ToSpan::days(1)).unwrap_or(s.annual.period.until);
        format!("{} to {}", long_date(s.annual.period.from), long_date(end))
    }
}

async fn show(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> Response {
    let Some(query) = q.ok().and_then(|Query(q)| q.parse()) else { return bad_year() };
    let app = s.app.clone();
    let today = app.today();
    match run(move || {
        let stats = app.request_statistics(&session.ctx, &query, today)?;
        Ok((page(&app, &session, "statistics"), stats))
    })
    .await
    {
        Ok((page, stats)) => {
            let by_kind = RequestKind::ALL
                .iter()
                .map(|k| (kind_label(*k), stats.annual.received_by_kind.get(k.as_str()).copied().unwrap_or(0)))
                .collect();
            let csv_href = format!("/statistics.csv?year={}&year_start={}", stats.year, stats.year_start);
            render(&StatisticsPage {
                page,
                year_label: year_label(&stats),
                annual: line(year_label(&stats), &stats.annual),
                monthly: stats.monthly.iter().map(|m| line(month_label(m), m)).collect(),
                by_kind,
                chart: chart(&stats.monthly),
                years: stats.years.clone(),
                starts: MONTHS.iter().enumerate().map(|(i, m)| (i8::try_from(i + 1).unwrap_or(1), *m)).collect(),
                today: long_date(today),
                csv_href,
                stats,
            })
        }
        Err(r) => r,
    }
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:.1}"))
}

/// The figures as CSV: one row per month, then the year. Every field is a number, a
/// date or a fixed word, so none needs quoting.
fn to_csv(s: &Statistics) -> String {
    let mut out = String::from(
        "period,from,until,received,responded,median_days,on_time_statutory,on_time_statutory_pct,on_time_policy,on_time_policy_pct",
    );
    for k in RequestKind::ALL {
        out.push_str(&format!(",received_{k}"));
    }
    out.push_str("\r\n");
    let rows = s.monthly.iter().map(|m| ("month", m)).chain([("year", &s.annual)]);
    for (what, f) in rows {
        out.push_str(&format!(
            "{what},{},{},{},{},{},{},{},{},{}",
            f.period.from,
            f.period.until,
            f.received,
            f.responded,
            opt(f.median_days),
            f.on_time_statutory,
            opt(f.on_time_statutory_pct),
            f.on_time_policy,
            opt(f.on_time_policy_pct)
        ));
        for k in RequestKind::ALL {
            out.push_str(&format!(",{}", f.received_by_kind.get(k.as_str()).copied().unwrap_or(0)));
        }
        out.push_str("\r\n");
    }
    out
}

async fn csv(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> Response {
    let Some(query) = q.ok().and_then(|Query(q)| q.parse()) else { return bad_year() };
    let app = s.app.clone();
    let today = app.today();
    match run(move || app.request_statistics(&session.ctx, &query, today)).await {
        Ok(stats) => {
            let mut resp = to_csv(&stats).into_response();
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            if let Ok(v) =
                HeaderValue::from_str(&format!("attachment; filename=\"request-statistics-{}.csv\"", stats.year))
            {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use steward_core::statistics::{Period, RequestFacts, figures};

    #[test]
    fn bars_scale_to_the_busiest_month_and_csv_has_every_row() {
        let facts = [RequestFacts {
            kind: RequestKind::Access,
            received_on: date(2026, 3, 2),
            statutory_due_on: date(2026, 4, 2),
            due_on: date(2026, 4, 1),
            responded_on: Some(date(2026, 3, 20)),
        }];
        let monthly: Vec<PeriodFigures> =
            Period::months_ending(date(2026, 4, 1), 2).into_iter().map(|p| figures(&facts, p)).collect();
        let c = chart(&monthly);
        assert_eq!(c.months.len(), 2);
        assert_eq!((c.months[0].received.height, c.months[0].received.y), (PLOT, TOP));
        assert_eq!(c.months[1].received.height, 0);
        assert_eq!(c.months[0].short, "Mar 26");
        assert!(c.description.contains("March 2026 to April 2026"));
        let stats = Statistics {
            year: 2026,
            year_start: 1,
            annual: figures(&facts, Period::year(2026, 1).expect("year")),
            monthly,
            open_now: steward_core::statistics::open_now(&facts, date(2026, 4, 1)),
            years: vec![2026],
        };
        let csv = to_csv(&stats);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[1].starts_with("month,2026-03-01,2026-04-01,1,1,18.0,1,100.0,1,100.0,1,"), "{}", lines[1]);
        assert!(lines[3].starts_with("year,2026-01-01,2027-01-01,1,1,"));
        assert_eq!(lines[0].split(',').count(), lines[3].split(',').count());
    }
}
