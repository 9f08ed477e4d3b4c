//! The parser of the rule language: a rule's text to a checked [`Rule`], with errors
//! that name the unknown word or the position of a syntax error.

use super::{EVENTS, FLAGS, Period, Rule, RuleError, Unit, is_event, is_flag};
use winnow::ascii::{digit1, multispace0};
use winnow::combinator::{cut_err, eof, opt, separated};
use winnow::error::{ContextError, StrContext, StrContextValue};
use winnow::prelude::*;
use winnow::token::{literal, one_of, take_while};

const OPERATORS: &str =
    "permanent, state_pension_age, age N, at EVENT, N years|months|days after EVENT, max(…), min(…), same_as(ID)";

/// The rule as written, before names are checked.
#[derive(Debug, Clone)]
enum Raw {
    Word(String),
    Age(u32),
    At(String),
    After(u32, String, String),
    Call(String, Vec<Raw>),
    Extend(Box<Raw>, u32, String, String),
}

type PResult<T> = winnow::ModalResult<T>;

fn ws(i: &mut &str) -> PResult<()> {
    multispace0.void().parse_next(i)
}

fn word(i: &mut &str) -> PResult<String> {
    (
        one_of(|c: char| c.is_ascii_alphabetic()),
        take_while(0.., |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
    )
        .take()
        .map(str::to_string)
        .context(StrContext::Label("name"))
        .parse_next(i)
}

fn number(i: &mut &str) -> PResult<u32> {
    digit1.try_map(str::parse::<u32>).context(StrContext::Label("number (too large)")).parse_next(i)
}

fn expected(what: &'static str) -> StrContext {
    StrContext::Expected(StrContextValue::Description(what))
}

/// `N unit` (unit checked later).
fn period_raw(i: &mut &str) -> PResult<(u32, String)> {
    let n = number.parse_next(i)?;
    ws(i)?;
    let unit = cut_err(word).context(expected("a unit: days, months or years")).parse_next(i)?;
    Ok((n, unit))
}

fn primary(i: &mut &str) -> PResult<Raw> {
    ws(i)?;
    if i.starts_with(|c: char| c.is_ascii_digit()) {
        let (n, unit) = period_raw(i)?;
        ws(i)?;
        cut_err(literal("after"))
            .context(expected("`after` and an event, as in `6 years after left`"))
            .parse_next(i)?;
        ws(i)?;
        let event = cut_err(word).context(expected("an event name")).parse_next(i)?;
        return Ok(Raw::After(n, unit, event));
    }
    let w = word.context(expected(OPERATORS)).parse_next(i)?;
    match w.as_str() {
        "age" => {
            ws(i)?;
            let n = cut_err(number).context(expected("an age in years, as in `age 25`")).parse_next(i)?;
            Ok(Raw::Age(n))
        }
        "at" => {
            ws(i)?;
            let event = cut_err(word).context(expected("an event name, as in `at validated`")).parse_next(i)?;
            Ok(Raw::At(event))
        }
        _ => {
            ws(i)?;
            if opt(literal("(")).parse_next(i)?.is_some() {
                let args: Vec<Raw> = cut_err(separated(1.., expr, (ws, literal(","))))
                    .context(expected("one or more rules separated by commas"))
                    .parse_next(i)?;
                ws(i)?;
                cut_err(literal(")")).context(expected("`)`")).parse_next(i)?;
                Ok(Raw::Call(w, args))
            } else {
                Ok(Raw::Word(w))
            }
        }
    }
}

fn expr(i: &mut &str) -> PResult<Raw> {
    let mut rule = primary(i)?;
    loop {
        ws(i)?;
        if opt(literal("+")).parse_next(i)?.is_none() {
            return Ok(rule);
        }
        ws(i)?;
        let (n, unit) =
            cut_err(period_raw).context(expected("a period, as in `+ 5 years if retention_consent`")).parse_next(i)?;
        ws(i)?;
        cut_err(literal("if")).context(expected("`if` and a flag")).parse_next(i)?;
        ws(i)?;
        let flag = cut_err(word).context(expected("a flag name")).parse_next(i)?;
        rule = Raw::Extend(Box::new(rule), n, unit, flag);
    }
}

fn syntax_error(text: &str, offset: usize, inner: &ContextError) -> RuleError {
    let mut message = format!("syntax error at character {}", offset + 1);
    let found: String = text.get(offset..).unwrap_or("").chars().take(12).collect();
    if found.is_empty() {
        message.push_str(" (end of rule)");
    } else {
        message.push_str(&format!(" near '{found}'"));
    }
    let wanted: Vec<String> = inner
        .context()
        .filter_map(|c| match c {
            StrContext::Expected(v) => Some(v.to_string()),
            _ => None,
        })
        .collect();
    if !wanted.is_empty() {
        message.push_str(&format!(": expected {}", wanted.join(" or ")));
    } else if let Some(StrContext::Label(l)) = inner.context().next() {
        message.push_str(&format!(": bad {l}"));
    }
    RuleError::new(message)
}

/// Parse and check a rule's text.
///
/// Errors name the problem precisely: an unknown event, flag, unit or operator, a
/// number that is too large, or the position of a syntax error.
pub fn parse_rule(text: &str) -> Result<Rule, RuleError> {
    let end = eof.context(expected("the end of the rule or `+ PERIOD if FLAG`"));
    let raw = (ws, expr, ws, end).map(|(_, r, _, _)| r).parse(text).map_err(|e| {
        let inner = e.inner();
        syntax_error(text, e.offset(), inner)
    })?;
    lower(raw)
}

/// Parse a period such as `5 years` (used by the schedule's `extend` modifier).
pub fn parse_period(text: &str) -> Result<Period, RuleError> {
    let (n, unit) = (ws, period_raw, ws, eof)
        .map(|(_, p, _, _)| p)
        .parse(text)
        .map_err(|e| syntax_error(text, e.offset(), e.inner()))?;
    to_period(n, &unit)
}

fn to_period(count: u32, unit: &str) -> Result<Period, RuleError> {
    let unit = match unit {
        "day" | "days" => Unit::Days,
        "month" | "months" => Unit::Months,
        "year" | "years" => Unit::Years,
        other => return Err(RuleError::new(format!("unknown unit '{other}'; expected days, months or years"))),
    };
    Period { count, unit }.check().map_err(RuleError::new)
}

fn check_event(name: &str) -> Result<String, RuleError> {
    if is_event(name) {
        Ok(name.to_string())
    } else {
        let known: Vec<&str> = EVENTS.iter().map(|(n, _)| *n).collect();
        Err(RuleError::new(format!("unknown event '{name}'; known events: {}", known.join(", "))))
    }
}

/// Check that `name` is a known flag, with a message listing the known ones.
pub fn check_flag(name: &str) -> Result<(), RuleError> {
    if is_flag(name) {
        Ok(())
    } else {
        Err(RuleError::new(format!("unknown flag '{name}'; known flags: {}", FLAGS.join(", "))))
    }
}

fn lower(raw: Raw) -> Result<Rule, RuleError> {
    Ok(match raw {
        Raw::Word(w) => match w.as_str() {
            "permanent" => Rule::Permanent,
            "state_pension_age" => Rule::StatePensionAge,
            other if is_event(other) => {
                return Err(RuleError::new(format!(
                    "'{other}' is an event, not a rule; write `at {other}` or a period such as `6 years after {other}`"
                )));
            }
            other => return Err(RuleError::new(format!("unknown operator '{other}'; expected one of: {OPERATORS}"))),
        },
        Raw::Age(n) => {
            if n == 0 || n > 150 {
                return Err(RuleError::new(format!("bad number: age {n} must be between 1 and 150")));
            }
            Rule::Age(n)
        }
        Raw::At(e) => Rule::At(check_event(&e)?),
        Raw::After(n, unit, e) => {
            let p = to_period(n, &unit)?;
            Rule::After(p, check_event(&e)?)
        }
        Raw::Call(name, args) => match name.as_str() {
            "max" | "min" => {
                let rules = args.into_iter().map(lower).collect::<Result<Vec<_>, _>>()?;
                if rules.len() < 2 {
                    return Err(RuleError::new(format!("{name}(…) needs at least two rules")));
                }
                if name == "max" { Rule::Max(rules) } else { Rule::Min(rules) }
            }
            "same_as" => match args.as_slice() {
                [Raw::Word(id)] => Rule::SameAs(id.clone()),
                _ => {
                    return Err(RuleError::new(
                        "same_as(…) takes one record type id, as in same_as(staff-personnel-file)",
                    ));
                }
            },
            other => {
                return Err(RuleError::new(format!("unknown operator '{other}(…)'; expected max, min or same_as")));
            }
        },
        Raw::Extend(base, n, unit, flag) => {
            let p = to_period(n, &unit)?;
            check_flag(&flag)?;
            Rule::Extend(Box::new(lower(*base)?), p, flag)
        }
    })
}
