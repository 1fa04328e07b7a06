//! Adapter for the GlobeNomad Visa Dataset (CC BY 4.0): 45 digital-nomad programs.
//!
//! `null` in the dataset means "not published", never "no": it stays unknown here. Every record
//! cites its GlobeNomad page (with the licence's attribution) and the official page the dataset
//! says it was checked against.

use super::ImportError;
use super::document::{
    CiteDoc, Document, DurationDoc, FORMAT, FactDoc, FeeDoc, ProgramDoc, RequirementDoc, SourceDoc,
};
use entity::enums::{
    Category, Confidence, DurationUnit, IncomePeriod, LegalStatus, PrPath, RequirementKind,
    SourceKind,
};
use serde::Deserialize;
use serde_json::Value;

pub const DATASET: &str = "GlobeNomad Visa Dataset";
/// The attribution the licence asks for, kept with every record the dataset provides.
pub const ATTRIBUTION: &str = "GlobeNomad Visa Dataset — https://globenomad.com/data — CC BY 4.0";
const LICENCE: &str = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)";

#[derive(Debug, Deserialize)]
struct Dataset {
    records: Vec<Record>,
}

#[derive(Debug, Deserialize)]
struct Record {
    slug: String,
    country: String,
    page_url: String,
    visa_name: String,
    program_status: String,
    summary: Option<String>,
    income_original: Option<String>,
    cost_usd: Option<i64>,
    max_stay_months: Option<i32>,
    #[serde(default)]
    requirements: Vec<String>,
    pr_path: Option<bool>,
    renewal_note: Option<String>,
    official_url: Option<String>,
    verified_at: Option<String>,
}

/// ISO 3166-1 alpha-2 codes of the dataset's countries, by the dataset's English names.
const COUNTRIES: &[(&str, &str)] = &[
    ("Albania", "AL"),
    ("Antigua and Barbuda", "AG"),
    ("Argentina", "AR"),
    ("Bahamas", "BS"),
    ("Barbados", "BB"),
    ("Brazil", "BR"),
    ("Cape Verde", "CV"),
    ("Cayman Islands", "KY"),
    ("Colombia", "CO"),
    ("Costa Rica", "CR"),
    ("Croatia", "HR"),
    ("Curaçao", "CW"),
    ("Cyprus", "CY"),
    ("Czechia", "CZ"),
    ("Ecuador", "EC"),
    ("El Salvador", "SV"),
    ("Estonia", "EE"),
    ("Greece", "GR"),
    ("Hungary", "HU"),
    ("Indonesia", "ID"),
    ("Italy", "IT"),
    ("Japan", "JP"),
    ("Latvia", "LV"),
    ("Malaysia", "MY"),
    ("Malta", "MT"),
    ("Mauritius", "MU"),
    ("Mexico", "MX"),
    ("Montenegro", "ME"),
    ("Namibia", "NA"),
    ("Panama", "PA"),
    ("Peru", "PE"),
    ("Portugal", "PT"),
    ("Qatar", "QA"),
    ("Romania", "RO"),
    ("Serbia", "RS"),
    ("Seychelles", "SC"),
    ("South Africa", "ZA"),
    ("South Korea", "KR"),
    ("Spain", "ES"),
    ("Sri Lanka", "LK"),
    ("Taiwan", "TW"),
    ("Thailand", "TH"),
    ("United Arab Emirates", "AE"),
    ("Uruguay", "UY"),
    ("Vietnam", "VN"),
];

fn non_empty(s: Option<&String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty()).cloned()
}

fn convert_record(i: usize, r: &Record) -> Result<(ProgramDoc, Vec<SourceDoc>), ImportError> {
    let record = format!("globenomad[{i}] ({})", r.slug);
    let invalid = |field: &str, message: String| ImportError::Invalid {
        record: record.clone(),
        field: field.to_owned(),
        message,
    };
    let country = COUNTRIES
        .iter()
        .find(|(name, _)| *name == r.country)
        .map(|(_, code)| (*code).to_owned())
        .ok_or_else(|| invalid("country", format!("no ISO code known for `{}`", r.country)))?;
    // `none` records say that no nomad route exists and describe what applies instead: filed as
    // `other` with the status `no_route`, never as a program in force.
    let (category, legal_status) = match r.program_status.as_str() {
        "open" => (Category::DigitalNomad, LegalStatus::InForce),
        "announced_not_open" => (Category::DigitalNomad, LegalStatus::Announced),
        "closed" => (Category::DigitalNomad, LegalStatus::Suspended),
        "none" => (Category::Other, LegalStatus::NoRoute),
        other => {
            return Err(invalid(
                "program_status",
                format!("unknown status `{other}`"),
            ));
        }
    };
    let verified = non_empty(r.verified_at.as_ref());
    let page = SourceDoc {
        url: Some(r.page_url.clone()),
        title: format!("GlobeNomad: {} — {}", r.country, r.visa_name),
        publisher: Some("GlobeNomad".to_owned()),
        kind: SourceKind::Dataset,
        language: Some("en".to_owned()),
        accessed_on: verified.clone(),
        licence: Some(LICENCE.to_owned()),
        attribution: Some(ATTRIBUTION.to_owned()),
        note: Some(
            "Record of the GlobeNomad Visa Dataset; `null` there means not published.".to_owned(),
        ),
        ..SourceDoc::default()
    };
    let mut sources = vec![page];
    let official = non_empty(r.official_url.as_ref());
    if let Some(url) = &official {
        sources.push(SourceDoc {
            url: Some(url.clone()),
            title: format!("Official page: {} — {}", r.country, r.visa_name),
            kind: SourceKind::Official,
            note: Some(format!(
                "The government page GlobeNomad checked the record against (verified {}).",
                verified.as_deref().unwrap_or("on an unknown date")
            )),
            ..SourceDoc::default()
        });
    }
    let via_dataset = || {
        vec![CiteDoc {
            source: r.page_url.clone(),
            excerpt: None,
            confidence: Some(Confidence::Secondary),
        }]
    };
    let mut citations = via_dataset();
    if let Some(url) = &official {
        // We have not read the official page ourselves: the dataset says it checked it.
        citations.push(CiteDoc {
            source: url.clone(),
            excerpt: None,
            confidence: Some(Confidence::Unverified),
        });
    }
    let mut requirements: Vec<RequirementDoc> = Vec::new();
    if let Some(income) = non_empty(r.income_original.as_ref()) {
        let mut req = requirement(RequirementKind::Income, income.clone(), via_dataset());
        if let Some((amount, period)) = euro_income(&income) {
            req.min_income = Some(Value::String(amount));
            req.income_currency = Some("EUR".to_owned());
            req.income_period = Some(period);
        }
        requirements.push(req);
    }
    for text in r.requirements.iter().filter(|t| !t.trim().is_empty()) {
        requirements.push(requirement(
            RequirementKind::Other,
            text.clone(),
            via_dataset(),
        ));
    }
    let fees = r
        .cost_usd
        .map(|cost| FeeDoc {
            label: "Application fee (headline, in USD)".to_owned(),
            amount: Some(Value::from(cost)),
            amount_text: None,
            currency: Some("USD".to_owned()),
            payer: Some("applicant".to_owned()),
            applies_when: None,
            effective_from: None,
            effective_until: None,
            scheduled_end_on: None,
            scheduled_end_condition: None,
            confidence: Some(Confidence::Secondary),
            note: Some(
                "GlobeNomad's headline fee converted to USD; downstream costs excluded.".to_owned(),
            ),
            citations: via_dataset(),
        })
        .into_iter()
        .collect();
    let mut facts = vec![
        FactDoc {
            field: "legal_status".to_owned(),
            wording: Some(format!("GlobeNomad status: {}", r.program_status)),
            confidence: Some(Confidence::Secondary),
            note: None,
            citations: via_dataset(),
        },
        FactDoc {
            field: "pr_path".to_owned(),
            wording: non_empty(r.renewal_note.as_ref()),
            confidence: r.pr_path.map(|_| Confidence::Secondary),
            note: r
                .pr_path
                .is_none()
                .then(|| "Not published (null in the dataset).".to_owned()),
            citations: via_dataset(),
        },
    ];
    if let Some(months) = r.max_stay_months {
        // The maximum stay is the dataset's too: cited to its page like the other values.
        facts.push(FactDoc {
            field: "max_stay".to_owned(),
            wording: Some(format!("GlobeNomad maximum stay: {months} months")),
            confidence: Some(Confidence::Secondary),
            note: None,
            citations: via_dataset(),
        });
    }
    let program = ProgramDoc {
        slug: format!("{}-digital-nomad", r.slug),
        name: r.visa_name.clone(),
        local_name: None,
        country,
        category,
        legal_status,
        summary: non_empty(r.summary.as_ref()),
        description: None,
        administering_authority: None,
        legal_basis: None,
        official_url: official,
        announced_on: None,
        in_force_on: None,
        ends_on: None,
        scheduled_end_on: None,
        scheduled_end_condition: None,
        validity: None,
        max_stay: r.max_stay_months.map(|m| DurationDoc {
            value: Some(m),
            unit: DurationUnit::Months,
        }),
        entries: entity::enums::Entries::Unknown,
        employer_sponsorship: entity::enums::YesNoUnknown::Unknown,
        work_authorization: entity::enums::WorkAuthorization::Unconfirmed,
        pr_path: match r.pr_path {
            Some(true) => PrPath::Yes,
            Some(false) => PrPath::No,
            None => PrPath::Unclear,
        },
        facts,
        citations,
        requirements,
        fees,
    };
    Ok((program, sources))
}

/// Reads an income written exactly as `€3,680 per month` or `€28,000 per year` (the euro sign
/// names one currency; `$` and `¥` do not, so those stay as words). Anything more (ranges,
/// "net", family rates) stays as words too.
fn euro_income(text: &str) -> Option<(String, IncomePeriod)> {
    let rest = text.trim().strip_prefix('€')?;
    let (number, period) = rest.split_once(" per ")?;
    let period = match period {
        "month" => IncomePeriod::Month,
        "year" => IncomePeriod::Year,
        _ => return None,
    };
    // `3,680` or `3,622.50`: groups of three digits after the first, an optional fraction.
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let mut groups = whole.split(',');
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    let fraction_ok = fraction.bytes().all(|b| b.is_ascii_digit()) && fraction.len() <= 4;
    let fraction_present = number.contains('.');
    if !(first_ok && rest_ok && fraction_ok) || (fraction_present && fraction.is_empty()) {
        return None;
    }
    let digits: String = number.chars().filter(|c| *c != ',').collect();
    Some((digits, period))
}

fn requirement(
    kind: RequirementKind,
    description: String,
    citations: Vec<CiteDoc>,
) -> RequirementDoc {
    RequirementDoc {
        kind,
        description: Some(description),
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
        confidence: Some(Confidence::Secondary),
        note: None,
        citations,
    }
}

/// Converts the dataset into an import document.
pub fn convert(value: Value) -> Result<Document, ImportError> {
    let dataset: Dataset = serde_json::from_value(value)
        .map_err(|e| ImportError::Format(format!("GlobeNomad dataset: {e}")))?;
    let mut doc = Document {
        format: FORMAT.to_owned(),
        ..Document::default()
    };
    let mut seen = std::collections::HashSet::new();
    for (i, r) in dataset.records.iter().enumerate() {
        let (program, sources) = convert_record(i, r)?;
        // One page shared by two records stays one source (the first description wins).
        doc.sources
            .extend(sources.into_iter().filter(|s| seen.insert(s.url.clone())));
        doc.programs.push(program);
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_euro_incomes_become_numbers() {
        assert_eq!(
            euro_income("€3,680 per month"),
            Some(("3680".to_owned(), IncomePeriod::Month))
        );
        assert_eq!(
            euro_income("€3,622.50 per month"),
            Some(("3622.50".to_owned(), IncomePeriod::Month))
        );
        assert_eq!(
            euro_income("€28,000 per year"),
            Some(("28000".to_owned(), IncomePeriod::Year))
        );
        assert_eq!(euro_income("€3,500 per month (net)"), None);
        assert_eq!(euro_income("$2,000 per month"), None);
        assert_eq!(
            euro_income("€1,500 per month (individual) or €2,700 per month (family)"),
            None
        );
        assert_eq!(
            euro_income("cited between €3,400 and roughly €4,200 per month"),
            None
        );
    }
}
