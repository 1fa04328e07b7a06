//! Adapter for the programs research notes (`data/programs.research.json`).
//!
//! Each researched fact is `{value, confidence, refs, note}`. The adapter keeps every fact's
//! wording and confidence (`stored_official` -> official, `stored_secondary` -> secondary,
//! `memory` -> unverified, `unknown` -> unknown) and its citations. Structured values are
//! derived only where the wording is exact: booleans become yes/no, plain ISO dates become dates,
//! numbers become amounts. Everything else a human read and decided is in the curation file
//! (`programs.research.curation.json`: names, categories, tri-states); nothing is guessed here.

use super::ImportError;
use super::document::{
    CiteDoc, Document, FORMAT, FactDoc, FeeDoc, ProgramDoc, RequirementDoc, SourceDoc,
};
use crate::kb::values::{PartialDate, normalize_url};
use entity::enums::{
    Category, Confidence, DatePrecision, Entries, LegalStatus, PrPath, RequirementKind, SourceKind,
    WorkAuthorization, YesNoUnknown,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Deserialize)]
struct Fact {
    value: Option<Value>,
    confidence: String,
    #[serde(default)]
    refs: Vec<usize>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Eligibility {
    education: Fact,
    field: Fact,
    experience: Fact,
    salary: Fact,
    age: Fact,
    other: Fact,
}

#[derive(Debug, Deserialize)]
struct Fee {
    item: String,
    amount: Option<Value>,
    currency: Option<String>,
    effective_date: Option<String>,
    confidence: String,
    #[serde(default)]
    refs: Vec<usize>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Source {
    url: String,
    title: String,
    publisher: Option<String>,
    published: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Program {
    id: String,
    official_name: Fact,
    country_iso2: String,
    administering_authority: Fact,
    program_type: Option<String>,
    status: Fact,
    legal_basis: Fact,
    launch_or_effective_date: Fact,
    eligibility: Eligibility,
    fees: Vec<Fee>,
    validity: Fact,
    stay_length: Fact,
    entries: Fact,
    employer_sponsorship_required: Fact,
    work_authorization: Fact,
    path_to_permanent_residence: Fact,
    #[serde(default)]
    notes: Vec<Fact>,
    sources: Vec<Source>,
}

/// What a curator decided for one program, from its researched wording.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CuratedProgram {
    pub name: String,
    pub local_name: Option<String>,
    pub category: Category,
    pub legal_status: Option<LegalStatus>,
    pub entries: Option<Entries>,
    pub employer_sponsorship: Option<YesNoUnknown>,
    pub work_authorization: Option<WorkAuthorization>,
    pub pr_path: Option<PrPath>,
    /// Decisions on fees, by their researched label.
    #[serde(default)]
    pub fees: BTreeMap<String, CuratedFee>,
}

/// A curator's reading of a fee's researched note: when its term is scheduled to end.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CuratedFee {
    /// `YYYY-MM-DD`.
    pub scheduled_end_on: String,
    /// The condition, in the research's words ("12 months unless extended").
    pub scheduled_end_condition: Option<String>,
}

/// The curation file: one entry per researched program.
#[derive(Debug, Deserialize)]
pub struct Curation {
    pub programs: BTreeMap<String, CuratedProgram>,
}

fn confidence(text: &str) -> Result<Option<Confidence>, String> {
    match text {
        "stored_official" => Ok(Some(Confidence::Official)),
        "stored_secondary" => Ok(Some(Confidence::Secondary)),
        "memory" => Ok(Some(Confidence::Unverified)),
        "unknown" => Ok(None),
        other => Err(format!("unknown confidence `{other}`")),
    }
}

/// The researched value in words; `None` when nothing is known.
fn wording(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(true) => Some("yes".to_owned()),
        Value::Bool(false) => Some("no".to_owned()),
        other => Some(other.to_string()),
    }
}

/// The kind of a source, read from its host and publisher. Only clear signals count; the rest
/// is `other`.
fn source_kind(url: &str, publisher: &str) -> SourceKind {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_lowercase))
        .unwrap_or_default();
    let publisher = publisher.to_lowercase();
    let official_host = host.ends_with(".gov")
        || host.contains(".gov.")
        || host.starts_with("gov.")
        || host == "www.gov.uk"
        || host.ends_with(".gc.ca")
        || host.ends_with("government.nl")
        || host.ends_with(".go.jp")
        || host.ends_with(".go.kr")
        || host.ends_with(".govt.nz")
        || host.ends_with(".gouv.fr")
        || host.ends_with(".europa.eu");
    if official_host || publisher.contains("(official)") || publisher.starts_with("government of") {
        SourceKind::Official
    } else if publisher.contains("database")
        || publisher.contains("blog")
        || publisher.contains("aggregator")
    {
        SourceKind::Other
    } else if [
        "llp",
        "law firm",
        "law office",
        "lawyers",
        "solicitors",
        "avocat",
        "recht",
        "legal",
        " law",
    ]
    .iter()
    .any(|w| publisher.contains(w))
    {
        SourceKind::LawFirm
    } else if host.contains(".edu") || publisher.contains("university") {
        SourceKind::Academic
    } else if [
        "reuters", "times", "news", "daily", "herald", "standard", "bulletin", "mint",
    ]
    .iter()
    .any(|w| publisher.contains(w))
    {
        SourceKind::News
    } else {
        SourceKind::Other
    }
}

struct Converter<'a> {
    program: &'a Program,
    record: String,
}

impl Converter<'_> {
    fn invalid(&self, field: &str, message: impl Into<String>) -> ImportError {
        ImportError::Invalid {
            record: self.record.clone(),
            field: field.to_owned(),
            message: message.into(),
        }
    }

    fn confidence(
        &self,
        field: &str,
        fact_confidence: &str,
    ) -> Result<Option<Confidence>, ImportError> {
        confidence(fact_confidence).map_err(|e| self.invalid(field, e))
    }

    /// Citations for `refs`, each with the confidence of the fact it supports.
    fn cites(
        &self,
        field: &str,
        refs: &[usize],
        conf: Option<Confidence>,
    ) -> Result<Vec<CiteDoc>, ImportError> {
        refs.iter()
            .map(|&r| {
                let source = self.program.sources.get(r).ok_or_else(|| {
                    self.invalid(
                        field,
                        format!(
                            "refers to source {r}, but there are {}",
                            self.program.sources.len()
                        ),
                    )
                })?;
                Ok(CiteDoc {
                    source: source.url.clone(),
                    excerpt: None,
                    confidence: conf,
                })
            })
            .collect()
    }

    /// A program fact, or `None` when the research has neither a value nor a note.
    fn fact(&self, field: &str, fact: &Fact) -> Result<Option<FactDoc>, ImportError> {
        let conf = self.confidence(field, &fact.confidence)?;
        let wording = wording(fact.value.as_ref());
        if wording.is_none() && fact.note.is_none() && conf.is_none() {
            return Ok(None);
        }
        Ok(Some(FactDoc {
            field: field.to_owned(),
            wording,
            confidence: conf,
            note: fact.note.clone(),
            citations: self.cites(field, &fact.refs, conf)?,
        }))
    }

    /// The value of a fact when it is known (an unknown fact's value is never used).
    fn known(&self, fact: &Fact) -> Option<String> {
        (fact.confidence != "unknown")
            .then(|| wording(fact.value.as_ref()))
            .flatten()
    }

    fn requirement(
        &self,
        kind: RequirementKind,
        key: &str,
        fact: &Fact,
    ) -> Result<RequirementDoc, ImportError> {
        let field = format!("eligibility.{key}");
        let conf = self.confidence(&field, &fact.confidence)?;
        let description = self.known(fact);
        // An unknown requirement's wording ("None stated") is not a value, but it is what the
        // research says: it is kept in the note, marked as unconfirmed, never dropped.
        let unconfirmed = wording(fact.value.as_ref())
            .filter(|_| description.is_none())
            .map(|w| format!("Researched wording (not confirmed): \u{201c}{w}\u{201d}."));
        let note = match (unconfirmed, fact.note.clone()) {
            (Some(w), Some(n)) => Some(format!("{w} {n}")),
            (w, n) => w.or(n),
        };
        Ok(RequirementDoc {
            kind,
            description,
            mandatory: None,
            min_age: None,
            max_age: None,
            min_degree: None,
            fields_of_study: Vec::new(),
            min_income: None,
            income_currency: None,
            income_period: None,
            scheduled_end_on: None,
            scheduled_end_condition: None,
            confidence: conf,
            note,
            citations: self.cites(&field, &fact.refs, conf)?,
        })
    }

    fn fee(
        &self,
        i: usize,
        fee: &Fee,
        curated: Option<&CuratedFee>,
    ) -> Result<FeeDoc, ImportError> {
        let field = format!("fees[{i}]");
        let conf = self.confidence(&field, &fee.confidence)?;
        let (amount, amount_text) = match &fee.amount {
            None | Some(Value::Null) => (None, None),
            Some(n @ Value::Number(_)) => (Some(n.clone()), None),
            Some(Value::String(s)) => (None, Some(s.clone())),
            Some(other) => {
                return Err(self.invalid(
                    &format!("{field}.amount"),
                    format!("unexpected amount {other}"),
                ));
            }
        };
        // Only a full calendar day can start a fee; anything vaguer stays in the note.
        let mut notes: Vec<String> = fee.note.iter().cloned().collect();
        let effective_from = match fee
            .effective_date
            .as_deref()
            .map(PartialDate::parse_researched)
        {
            Some(Some((d, dropped))) if d.precision == DatePrecision::Day => {
                if let Some(dropped) = dropped {
                    notes.push(format!("Effective date as researched: {dropped}"));
                }
                Some(d.to_text())
            }
            _ => {
                if let Some(text) = &fee.effective_date {
                    notes.push(format!("Effective date as researched: {text}"));
                }
                None
            }
        };
        Ok(FeeDoc {
            label: fee.item.clone(),
            amount,
            amount_text,
            currency: fee.currency.clone(),
            payer: None,
            applies_when: None,
            effective_from,
            effective_until: None,
            scheduled_end_on: curated.map(|c| c.scheduled_end_on.clone()),
            scheduled_end_condition: curated.and_then(|c| c.scheduled_end_condition.clone()),
            confidence: conf,
            note: (!notes.is_empty()).then(|| notes.join(" ")),
            citations: self.cites(&field, &fee.refs, conf)?,
        })
    }

    fn convert(&self, curated: &CuratedProgram) -> Result<ProgramDoc, ImportError> {
        let p = self.program;
        let legal_status = match curated.legal_status {
            Some(s) => s,
            None if self
                .known(&p.status)
                .is_some_and(|s| s.starts_with("in force")) =>
            {
                LegalStatus::InForce
            }
            None => return Err(self.invalid("status", "its wording needs a curated legal_status")),
        };
        // A date is taken only when the researched text is a date and nothing else.
        let in_force_on = self
            .known(&p.launch_or_effective_date)
            .and_then(|t| PartialDate::parse_exact(t.trim()))
            .map(PartialDate::to_text);
        // A researched boolean is exact; any other wording needs a curator's decision.
        let sponsorship = match (
            &p.employer_sponsorship_required.value,
            curated.employer_sponsorship,
        ) {
            (_, Some(v)) => v,
            (Some(Value::Bool(true)), None)
                if p.employer_sponsorship_required.confidence != "unknown" =>
            {
                YesNoUnknown::Yes
            }
            (Some(Value::Bool(false)), None)
                if p.employer_sponsorship_required.confidence != "unknown" =>
            {
                YesNoUnknown::No
            }
            _ => YesNoUnknown::Unknown,
        };
        let mut facts = Vec::new();
        for (field, fact) in [
            ("name", &p.official_name),
            ("administering_authority", &p.administering_authority),
            ("legal_status", &p.status),
            ("legal_basis", &p.legal_basis),
            ("in_force_on", &p.launch_or_effective_date),
            ("validity", &p.validity),
            ("max_stay", &p.stay_length),
            ("entries", &p.entries),
            ("employer_sponsorship", &p.employer_sponsorship_required),
            ("work_authorization", &p.work_authorization),
            ("pr_path", &p.path_to_permanent_residence),
        ] {
            facts.extend(self.fact(field, fact)?);
        }
        for (i, note) in p.notes.iter().enumerate() {
            facts.extend(self.fact(&format!("notes.{i}"), note)?);
        }
        let e = &p.eligibility;
        let requirements = [
            (RequirementKind::Education, "education", &e.education),
            (RequirementKind::FieldOfStudy, "field", &e.field),
            (RequirementKind::Experience, "experience", &e.experience),
            (RequirementKind::Income, "salary", &e.salary),
            (RequirementKind::Age, "age", &e.age),
            (RequirementKind::Other, "other", &e.other),
        ]
        .into_iter()
        .map(|(kind, key, fact)| self.requirement(kind, key, fact))
        .collect::<Result<Vec<_>, _>>()?;
        let fees = p
            .fees
            .iter()
            .enumerate()
            .map(|(i, f)| self.fee(i, f, curated.fees.get(&f.item)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ProgramDoc {
            slug: p.id.clone(),
            name: curated.name.clone(),
            local_name: curated.local_name.clone(),
            country: p.country_iso2.clone(),
            category: curated.category,
            legal_status,
            summary: p.program_type.clone(),
            description: None,
            administering_authority: self.known(&p.administering_authority),
            legal_basis: self.known(&p.legal_basis),
            official_url: None,
            announced_on: None,
            in_force_on,
            ends_on: None,
            scheduled_end_on: None,
            scheduled_end_condition: None,
            validity: None,
            max_stay: None,
            entries: curated.entries.unwrap_or(Entries::Unknown),
            employer_sponsorship: sponsorship,
            work_authorization: curated
                .work_authorization
                .unwrap_or(WorkAuthorization::Unconfirmed),
            pr_path: curated.pr_path.unwrap_or(PrPath::Unclear),
            facts,
            citations: Vec::new(),
            requirements,
            fees,
        })
    }
}

fn source_doc(s: &Source) -> SourceDoc {
    let publisher = s.publisher.clone().filter(|p| !p.trim().is_empty());
    let (published_on, published_note) = match s.published.as_deref().map(str::trim) {
        None | Some("unknown") => (None, None),
        Some(text) => match PartialDate::parse_researched(text) {
            Some((d, dropped)) => (Some(d.to_text()), dropped),
            None => (None, Some(text.to_owned())),
        },
    };
    SourceDoc {
        url: Some(s.url.clone()),
        title: s.title.clone(),
        kind: source_kind(&s.url, publisher.as_deref().unwrap_or_default()),
        publisher,
        language: None,
        published_on,
        published_note,
        accessed_on: None,
        archived_url: None,
        licence: None,
        attribution: None,
        note: s.note.clone(),
    }
}

/// Converts research notes, with their curation, into an import document.
pub fn convert(value: Value, curation: &str) -> Result<Document, ImportError> {
    let programs: Vec<Program> = serde_json::from_value(value)
        .map_err(|e| ImportError::Format(format!("research notes: {e}")))?;
    let curation: Curation = serde_json::from_str(curation)
        .map_err(|e| ImportError::Format(format!("curation file: {e}")))?;
    let mut doc = Document {
        format: FORMAT.to_owned(),
        ..Document::default()
    };
    let mut seen_sources = HashSet::new();
    for (i, program) in programs.iter().enumerate() {
        let converter = Converter {
            program,
            record: format!("research[{i}] ({})", program.id),
        };
        let curated = curation
            .programs
            .get(&program.id)
            .ok_or_else(|| converter.invalid("id", "has no entry in the curation file"))?;
        for (j, source) in program.sources.iter().enumerate() {
            let key = normalize_url(&source.url)
                .map_err(|e| converter.invalid(&format!("sources[{j}].url"), e))?;
            // The same page cited by several programs is one source.
            if seen_sources.insert(key) {
                doc.sources.push(source_doc(source));
            }
        }
        doc.programs.push(converter.convert(curated)?);
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_kinds_follow_clear_signals_only() {
        assert_eq!(
            source_kind("https://www.gov.uk/x", "Home Office (GOV.UK)"),
            SourceKind::Official
        );
        assert_eq!(
            source_kind("https://www.immd.gov.hk/x", "HKSAR"),
            SourceKind::Official
        );
        assert_eq!(
            source_kind("https://chugh.com/x", "Chugh LLP (law firm)"),
            SourceKind::LawFirm
        );
        assert_eq!(
            source_kind("https://www.ntu.edu.sg/x", "NTU Singapore"),
            SourceKind::Academic
        );
        assert_eq!(
            source_kind("http://www.03j9n.cn/x", "law database (unofficial)"),
            SourceKind::Other
        );
        assert_eq!(
            source_kind("https://example.com/x", "Someone"),
            SourceKind::Other
        );
    }

    #[test]
    fn confidence_mapping_is_the_documented_one() {
        assert_eq!(
            confidence("stored_official"),
            Ok(Some(Confidence::Official))
        );
        assert_eq!(
            confidence("stored_secondary"),
            Ok(Some(Confidence::Secondary))
        );
        assert_eq!(confidence("memory"), Ok(Some(Confidence::Unverified)));
        assert_eq!(confidence("unknown"), Ok(None));
        assert!(confidence("guess").is_err());
    }
}
