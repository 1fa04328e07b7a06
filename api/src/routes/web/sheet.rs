//! A program's fact sheet at its permalink (`GET /programs/{slug}` for browsers): every value
//! of `kb::sheet` with its state, the citations behind it as numbered notes, the fees and their
//! history with a chart, requirements, events and commentary. The page only lays out what the
//! domain decided: which values are known, unverified or unknown, what is current, what a
//! reader may see.

use super::{Note, Notes, date_text, state_words, words};
use crate::kb::error::ApiResult;
use crate::kb::fees::{Term, scheduled_end, term_on};
use crate::kb::read;
use crate::kb::sheet;
use crate::kb::values::{PartialDate, e4_to_money};
use crate::permalink::{Citation, PublicBase};
use askama::Template;
use chrono::NaiveDate;
use entity::{citation, fee};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::Arc;

/// The page.
#[derive(Template)]
#[template(path = "program.html")]
pub struct Sheet {
    pub link: String,
    pub name: String,
    pub local_name: Option<String>,
    pub description: String,
    pub country: String,
    pub category: String,
    pub status: String,
    pub summary: Option<String>,
    pub official_url: Option<String>,
    pub revision: i32,
    pub updated: String,
    pub last_verified: Option<String>,
    pub values: Vec<Row>,
    pub fees: Vec<FeeRow>,
    /// A chart per currency, the most used first.
    pub charts: Vec<Chart>,
    pub requirements: Vec<RequirementRow>,
    pub events: Vec<EventRow>,
    pub commentaries: Vec<Said>,
    pub notes: Vec<Note>,
    pub cite_as: String,
    pub bibtex: String,
    /// The JSON-LD of the same program, escaped for its `<script>` element.
    pub json_ld: String,
}

/// One value with its state.
pub struct Row {
    pub anchor: String,
    pub label: String,
    pub value: Option<String>,
    /// `known`, `unverified`, `unconfirmed`, `unknown`: a class and the words shown.
    pub state: &'static str,
    pub wording: Option<String>,
    pub note: Option<String>,
    pub refs: Vec<usize>,
    /// A claim that needs a source (the country is what the record is about, not a claim).
    pub claim: bool,
    pub last_verified: Option<String>,
}

pub struct FeeRow {
    pub label: String,
    pub amount: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    /// In effect today (`kb::fees::term_on`).
    pub current: bool,
    /// Where its term stands today, in words.
    pub term: &'static str,
    pub scheduled_end: Option<String>,
    pub note: Option<String>,
    pub refs: Vec<usize>,
}

pub struct RequirementRow {
    pub kind: String,
    pub description: Option<String>,
    pub mandatory: Option<bool>,
    pub note: Option<String>,
    pub refs: Vec<usize>,
}

pub struct EventRow {
    pub date: String,
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    pub refs: Vec<usize>,
}

pub struct Said {
    pub who: String,
    pub affiliation: Option<String>,
    pub kind: String,
    pub stance: String,
    pub body: String,
    pub said_on: Option<String>,
    pub source: Option<(String, Option<String>)>,
}

/// The fee amounts over time, one line per fee label and currency, drawn on the server.
pub struct Chart {
    pub currency: String,
    pub width: u32,
    pub height: u32,
    pub lines: Vec<Line>,
    pub ticks: Vec<(u32, String)>,
    /// The highest amount, labelled at the top of the scale (the scale starts at zero).
    pub top: String,
    pub summary: String,
}

pub struct Line {
    pub x1: u32,
    pub x2: u32,
    pub y: u32,
    pub current: bool,
    pub label: String,
}

fn amount(f: &fee::Model) -> Option<String> {
    match (f.amount_e4, &f.currency) {
        (Some(e4), Some(currency)) => Some(format!("{} {currency}", e4_to_money(e4))),
        _ => f.amount_text.clone(),
    }
}

/// A chart per currency in which at least one dated amount exists, the currency most fees are
/// in first: each fee a horizontal segment from when it applies until it ends (or today), at
/// its amount. Amounts in different currencies are never drawn on one scale.
fn charts(
    fees: &[Arc<fee::Model>],
    today: NaiveDate,
    in_effect: impl Fn(&fee::Model) -> bool,
) -> Vec<Chart> {
    let mut by_currency: Vec<(&str, Vec<&Arc<fee::Model>>)> = Vec::new();
    for f in fees {
        let (Some(currency), Some(_), Some(_)) = (&f.currency, f.amount_e4, f.effective_from)
        else {
            continue;
        };
        match by_currency.iter_mut().find(|(c, _)| c == currency) {
            Some((_, dated)) => dated.push(f),
            None => by_currency.push((currency, vec![f])),
        }
    }
    by_currency.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    by_currency
        .into_iter()
        .filter_map(|(currency, dated)| chart(currency, &dated, today, &in_effect))
        .collect()
}

/// The chart of the fees `dated`, all with an amount in `currency` and a start.
fn chart(
    currency: &str,
    dated: &[&Arc<fee::Model>],
    today: NaiveDate,
    in_effect: &impl Fn(&fee::Model) -> bool,
) -> Option<Chart> {
    let start = dated.iter().filter_map(|f| f.effective_from).min()?;
    let end = dated
        .iter()
        .map(|f| {
            f.effective_until
                .unwrap_or(today)
                .max(f.effective_from.unwrap_or(today))
        })
        .max()?
        .max(today);
    let top = dated.iter().filter_map(|f| f.amount_e4).max()?.max(1);
    let (width, height, left, bottom) = (640u32, 200u32, 8u32, 24u32);
    // Amounts from zero (bottom) to the highest (top); days from the first to today or the
    // last end, whichever is later.
    let span = (end - start).num_days().max(1);
    let x = |d: NaiveDate| {
        let days = (d - start).num_days().clamp(0, span);
        left + u32::try_from(days * i64::from(width - 2 * left) / span).unwrap_or(0)
    };
    let y = |e4: i64| {
        let plot = i64::from(height - bottom - 16);
        16 + u32::try_from(plot - e4.max(0) * plot / top).unwrap_or(0)
    };
    let lines = dated
        .iter()
        .map(|f| {
            let from = f.effective_from.unwrap_or(start);
            let until = f.effective_until.unwrap_or(end);
            Line {
                x1: x(from),
                x2: x(until).max(x(from) + 2),
                y: y(f.amount_e4.unwrap_or_default()),
                current: in_effect(f),
                label: format!("{}: {}", f.label, amount(f).unwrap_or_default()),
            }
        })
        .collect();
    let ticks = [start, end]
        .into_iter()
        .map(|d| (x(d), d.format("%Y-%m-%d").to_string()))
        .collect();
    Some(Chart {
        top: format!("{} {currency}", e4_to_money(top)),
        summary: format!(
            "Fees in {currency} from {} to {}, highest {}",
            start,
            end,
            e4_to_money(top)
        ),
        currency: currency.to_owned(),
        width,
        height,
        lines,
        ticks,
    })
}

/// The page of the sheet `facts` (read with `kb::read::sheets`), with its JSON-LD `json_ld`.
pub async fn build(
    db: &DatabaseConnection,
    base: &PublicBase,
    facts: &sheet::Facts,
    json_ld: String,
) -> ApiResult<Sheet> {
    let p = &facts.program;
    let today = chrono::Utc::now().date_naive();
    let link = base.program(&p.slug);
    let mut notes = Notes::default();
    let shown = sheet::sheet(facts, None);
    let others = sheet::other_facts(facts, &shown);
    let values = shown
        .into_iter()
        .chain(others)
        .map(|v| Row {
            anchor: v.anchor(),
            label: v.label.clone(),
            // A value that only repeats its state ("unconfirmed") is shown once, as the state.
            value: v
                .cell
                .value
                .as_deref()
                .map(words)
                .filter(|w| w != state_words(v.cell.state)),
            state: state_words(v.cell.state),
            claim: v.attribute != "country",
            wording: v.cell.wording.clone(),
            note: v.cell.note.clone(),
            refs: notes.refs(&v.cell.citations),
            last_verified: v.cell.last_verified.map(PartialDate::to_text),
        })
        .collect();
    let cited = |of: &HashMap<i32, Vec<Arc<citation::Model>>>, id: i32| {
        of.get(&id).cloned().unwrap_or_default()
    };
    let terms: HashMap<i32, Term> = facts
        .fees
        .iter()
        .map(|f| {
            let verified = facts.verified(&cited(&facts.citations_of_fee, f.id));
            (f.id, term_on(f, today, verified))
        })
        .collect();
    let term = |f: &fee::Model| terms.get(&f.id).copied().unwrap_or(Term::InEffect);
    let fees = facts
        .fees
        .iter()
        .map(|f| FeeRow {
            label: f.label.clone(),
            amount: amount(f),
            from: f.effective_from.map(|d| d.to_string()),
            until: f.effective_until.map(|d| d.to_string()),
            current: term(f) == Term::InEffect,
            term: match term(f) {
                Term::NotYet => "not yet in effect",
                Term::InEffect => "in effect",
                Term::PastScheduledEnd => "past its scheduled end: unconfirmed",
                Term::Ended => "ended",
            },
            scheduled_end: scheduled_end(f),
            note: f.note.clone(),
            refs: notes.refs(&cited(&facts.citations_of_fee, f.id)),
        })
        .collect();
    let requirements = facts
        .requirements
        .iter()
        .map(|r| RequirementRow {
            kind: words(&r.kind.as_str()),
            description: r.description.clone(),
            mandatory: r.mandatory,
            note: r.note.clone(),
            refs: notes.refs(&cited(&facts.citations_of_requirement, r.id)),
        })
        .collect();
    let events = facts
        .events
        .iter()
        .map(|e| EventRow {
            date: PartialDate::from_parts(e.occurred_on, e.precision).to_text(),
            kind: words(&e.kind.as_str()),
            title: e.title.clone(),
            description: e.description.clone(),
            refs: notes.refs(&cited(&facts.citations_of_event, e.id)),
        })
        .collect();
    let commentaries = commentaries(db, p.id).await?;
    let status = facts.status(None);
    let name = p.name.clone();
    let citation = Citation {
        key: format!("visa-kb-{}", p.slug),
        title: &name,
        revision: p.version,
        permalink: &link,
        updated: p.updated_at.date_naive(),
        accessed: today,
    };
    let (cite, bibtex) = (citation.text(), citation.bibtex());
    Ok(Sheet {
        description: p
            .summary
            .clone()
            .unwrap_or_else(|| format!("{name}: facts with their sources, from visa-kb.")),
        local_name: p.local_name.clone(),
        country: p.country.clone(),
        category: words(&p.category.as_str()),
        status: status
            .status
            .map_or_else(|| "status unknown".to_owned(), |s| words(&s.as_str())),
        summary: p.summary.clone(),
        official_url: p.official_url.clone(),
        revision: p.version,
        updated: p.updated_at.format("%Y-%m-%d").to_string(),
        last_verified: sheet::last_verified(facts).map(PartialDate::to_text),
        charts: charts(&facts.fees, today, |f| term(f) == Term::InEffect),
        values,
        fees,
        requirements,
        events,
        commentaries,
        notes: notes.into_notes(&facts.sources),
        cite_as: cite,
        bibtex,
        json_ld,
        link,
        name,
    })
}

/// What is said about the program, with who said it and where.
async fn commentaries(db: &DatabaseConnection, program_id: i32) -> ApiResult<Vec<Said>> {
    let said = read::commentaries_about(db, [program_id]).await?;
    let sources: HashMap<i32, entity::source::Model> =
        read::sources(db, said.iter().filter_map(|s| s.commentary.source_id))
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    Ok(said
        .into_iter()
        .map(
            |read::Said {
                 commentary: c,
                 person,
                 ..
             }| {
                let person = person.as_ref();
                Said {
                    who: person
                        .map(|p| p.name.clone())
                        .or_else(|| c.group_name.clone())
                        .unwrap_or_else(|| "Unattributed".to_owned()),
                    affiliation: person.and_then(|p| p.affiliation.clone()),
                    kind: words(&c.kind.as_str()),
                    stance: words(&c.stance.as_str()),
                    said_on: date_text(c.said_on, c.said_precision),
                    source: c
                        .source_id
                        .and_then(|id| sources.get(&id))
                        .map(|s| (s.title.clone(), s.url.clone())),
                    body: c.body,
                }
            },
        )
        .collect())
}
