//! Writes an import [`Document`] in one transaction: all of it, or (on the first bad record)
//! nothing. Records are upserted by natural keys, so importing the same file twice changes
//! nothing the second time; records the file does not mention are left alone.

use super::document::{
    CiteDoc, CommentaryDoc, Document, DurationDoc, EventDoc, FORMAT, FeeDoc, ProgramDoc,
    RequirementDoc, SourceDoc,
};
use super::{ImportError, ImportReport};
use crate::editorial::revisions::{self, Revision};
use crate::kb::values::{
    CountryCode, CurrencyCode, LanguageTag, PartialDate, Slug, WebUrl, parse_money_e4,
};
use crate::kb::{RecordKind, rules};
use chrono::{DateTime, Utc};
use entity::enums::{DatePrecision, EditorialState};
use entity::{
    citation, commentary, commentary_program, fee, person, policy_event, program, program_fact,
    requirement, source,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, TryIntoModel,
};
use std::collections::HashMap;

/// Saves an active model of a table with the common editorial columns: a new row starts at
/// version 1 in the import's state; an existing row gets a new version only when a value
/// actually changed, and keeps its editorial state.
/// Every write is checked by the write rules (`kb::rules`) and appends a revision (author:
/// none, action `import`), as editors' writes are and do.
macro_rules! save {
    ($ctx:expr, $record:expr, $am:expr, $existed:expr) => {{
        let mut am = $am;
        if $existed {
            if am.is_changed() {
                let changed = changed_columns(&am);
                let version = am.version.clone().unwrap();
                am.version = Set(version + 1);
                am.updated_at = Set($ctx.now);
                $ctx.report.updated += 1;
                let table = table_of(&am);
                let saved = am.update(&$ctx.txn).await?;
                import_revision(&$ctx, $record, table, &saved, &changed).await?;
                saved
            } else {
                am.try_into_model()?
            }
        } else {
            am.state = Set($ctx.state);
            am.version = Set(1);
            am.created_at = Set($ctx.now);
            am.updated_at = Set($ctx.now);
            $ctx.report.created += 1;
            let table = table_of(&am);
            let saved = am.insert(&$ctx.txn).await?;
            import_revision(&$ctx, $record, table, &saved, &[]).await?;
            saved
        }
    }};
}

fn table_of<A: ActiveModelTrait>(_: &A) -> &'static str {
    use sea_orm::EntityName;
    <A::Entity as Default>::default().table_name()
}

/// The columns an edit sets (the import only sets what differs).
fn changed_columns<A: ActiveModelTrait>(am: &A) -> Vec<String> {
    use sea_orm::{IdenStatic, Iterable};
    <<A::Entity as EntityTrait>::Column as Iterable>::iter()
        .filter(|c| am.get(*c).is_set())
        .map(|c| c.as_str().to_owned())
        .collect()
}

async fn import_revision<M: serde::Serialize>(
    ctx: &Ctx,
    (record, nested): (&str, &str),
    table: &str,
    saved: &M,
    changed: &[String],
) -> Result<(), ImportError> {
    let Some(kind) = RecordKind::from_table(table) else {
        return Ok(());
    };
    let snapshot = serde_json::to_value(saved)
        .map_err(|e| sea_orm::DbErr::Json(format!("import snapshot: {e}")))?;
    let number = |field: &str| {
        snapshot
            .get(field)
            .and_then(serde_json::Value::as_i64)
            .and_then(|v| i32::try_from(v).ok())
    };
    let (Some(id), Some(version)) = (number("id"), number("version")) else {
        return Ok(());
    };
    let summary = if changed.is_empty() {
        "imported".to_owned()
    } else {
        format!("import: {}", changed.join(", "))
    };
    let Some(snapshot) = snapshot.as_object() else {
        return Ok(());
    };
    // The editors' write rules, on the row as stored: a record an editor could not save is
    // refused here too (and the whole import with it).
    check_planned(
        record,
        nested,
        kind,
        serde_json::Value::Object(snapshot.clone()),
    )?;
    revisions::append(
        &ctx.txn,
        None,
        Revision {
            kind,
            id,
            version,
            action: "import",
            snapshot,
            summary,
            live: true,
        },
    )
    .await?;
    Ok(())
}

/// The active model to edit: the existing row's, or a new one. The flag says which.
fn edit<A: ActiveModelTrait, M: IntoActiveModel<A>>(existing: Option<M>) -> (A, bool) {
    match existing {
        Some(model) => (model.into_active_model(), true),
        None => (<A as ActiveModelTrait>::default(), false),
    }
}

/// The write rules (`kb::rules`) on the values a record is about to get, before the write: the
/// database's own constraints would otherwise refuse some of them first, as a database error
/// instead of the record and field at fault. (They run again on the row as written.)
fn check_planned(
    record: &str,
    nested: &str,
    kind: RecordKind,
    planned: serde_json::Value,
) -> Result<(), ImportError> {
    let Some(planned) = planned.as_object() else {
        return Ok(());
    };
    rules::check(kind, planned).map_err(|v| {
        let column = import_field(v.column);
        let field = if nested.is_empty() {
            column.to_owned()
        } else {
            format!("{nested}.{column}")
        };
        invalid(record, &field, v.message)
    })
}

/// The import format's name of a column a write rule names: the format names references by
/// what they point at (`person`, `source`), and a commentary's group `group`.
fn import_field(column: &str) -> &str {
    match column {
        "person_id" => "person",
        "source_id" => "source",
        "program_id" => "program",
        "group_name" => "group",
        other => other,
    }
}

/// A URL in its canonical form (`kb::values::WebUrl`).
fn web_url(text: &str) -> Result<String, String> {
    WebUrl::parse(text).map(String::from)
}

/// Validation failure at `record`/`field`.
fn invalid(record: &str, field: &str, message: impl Into<String>) -> ImportError {
    ImportError::Invalid {
        record: record.to_owned(),
        field: field.to_owned(),
        message: message.into(),
    }
}

struct Ctx {
    txn: DatabaseTransaction,
    now: DateTime<Utc>,
    state: EditorialState,
    report: ImportReport,
    /// Source reference (normalised URL, or title for URL-less sources) to id.
    sources: HashMap<String, i32>,
    programs: HashMap<String, i32>,
    people: HashMap<String, i32>,
}

/// Imports documents in one transaction: all of them or nothing. With `only_if_empty`, does
/// nothing (and returns `None`) when the database already holds programs: the start-up seed.
pub async fn import_documents(
    db: &DatabaseConnection,
    docs: Vec<Document>,
    only_if_empty: bool,
) -> Result<Option<ImportReport>, ImportError> {
    // Writers take turns (`db::begin_write`): two replicas seeding one empty database at once
    // do not both insert, and the import's revisions follow the writes before it.
    let txn = crate::db::begin_write(db).await?;
    if only_if_empty && program::Entity::find().count(&txn).await? > 0 {
        txn.rollback().await?;
        return Ok(None);
    }
    let mut ctx = Ctx {
        txn,
        now: Utc::now(),
        state: EditorialState::Published,
        report: ImportReport::default(),
        sources: HashMap::new(),
        programs: HashMap::new(),
        people: HashMap::new(),
    };
    for doc in &docs {
        apply(&mut ctx, doc).await?;
    }
    let Ctx { txn, report, .. } = ctx;
    if report.created + report.updated > 0 {
        // An import touches many records; asking the visibility rule about all of them again,
        // and rebuilding the search index, is simpler than tracking them (and one statement
        // per kind, where tracking would be one per record).
        crate::kb::visibility::kept::rebuild(&txn).await?;
        crate::search::reindex_all(&txn).await?;
    }
    txn.commit().await?;
    if report.created + report.updated > 0 {
        // Fresh statistics after a bulk write, so that the planner uses the indexes: a database
        // that was just loaded has none until autovacuum gets to it.
        if let Err(err) = db.execute_unprepared("ANALYZE").await {
            tracing::warn!(error = %err, "ANALYZE after the import failed; queries may be slow until autovacuum runs");
        }
    }
    Ok(Some(report))
}

/// Imports one document, atomically.
pub async fn import_document(
    db: &DatabaseConnection,
    doc: Document,
) -> Result<ImportReport, ImportError> {
    Ok(import_documents(db, vec![doc], false)
        .await?
        .unwrap_or_default())
}

async fn apply(ctx: &mut Ctx, doc: &Document) -> Result<(), ImportError> {
    if doc.format != FORMAT {
        return Err(ImportError::Format(format!(
            "`format` must be \"{FORMAT}\", found \"{}\"",
            doc.format
        )));
    }
    ctx.state = if doc.draft {
        EditorialState::Draft
    } else {
        EditorialState::Published
    };
    for (i, s) in doc.sources.iter().enumerate() {
        upsert_source(ctx, &format!("sources[{i}] ({})", s.title), s).await?;
    }
    for (i, p) in doc.people.iter().enumerate() {
        let record = format!("people[{i}] ({})", p.name);
        if p.name.trim().is_empty() {
            return Err(invalid(&record, "name", "must not be empty"));
        }
        let url = p
            .url
            .as_deref()
            .map(web_url)
            .transpose()
            .map_err(|e| invalid(&record, "url", e))?;
        let existing = person::Entity::find()
            .filter(person::Column::Name.eq(&p.name))
            .one(&ctx.txn)
            .await?;
        let (mut am, existed) = edit::<person::ActiveModel, _>(existing);
        am.name.set_if_not_equals(p.name.clone());
        am.affiliation.set_if_not_equals(p.affiliation.clone());
        am.role.set_if_not_equals(p.role.clone());
        am.url.set_if_not_equals(url);
        let saved = save!(ctx, (record.as_str(), ""), am, existed);
        ctx.people.insert(p.name.clone(), saved.id);
    }
    for (i, p) in doc.programs.iter().enumerate() {
        upsert_program(ctx, &format!("programs[{i}] ({})", p.slug), p).await?;
    }
    for (i, e) in doc.events.iter().enumerate() {
        upsert_event(ctx, &format!("events[{i}] ({})", e.title), e).await?;
    }
    for (i, c) in doc.commentaries.iter().enumerate() {
        upsert_commentary(ctx, &format!("commentaries[{i}]"), c).await?;
    }
    for (i, c) in doc.citations.iter().enumerate() {
        let record = format!("citations[{i}] ({})", c.program);
        let program_id = program_id(ctx, &record, "program", &c.program).await?;
        let cite = CiteDoc {
            source: c.source.clone(),
            excerpt: c.excerpt.clone(),
            confidence: c.confidence,
        };
        upsert_citation(
            ctx,
            &record,
            "source",
            Target::Program(program_id),
            c.field.as_deref(),
            &cite,
        )
        .await?;
    }
    Ok(())
}

fn date_of(
    record: &str,
    field: &str,
    text: Option<&str>,
) -> Result<Option<PartialDate>, ImportError> {
    text.map(|t| {
        PartialDate::parse_exact(t).ok_or_else(|| {
            invalid(
                record,
                field,
                format!("`{t}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
            )
        })
    })
    .transpose()
}

fn day_of(
    record: &str,
    field: &str,
    text: Option<&str>,
) -> Result<Option<chrono::NaiveDate>, ImportError> {
    match date_of(record, field, text)? {
        Some(d) if d.precision != DatePrecision::Day => {
            Err(invalid(record, field, "must be a full date (YYYY-MM-DD)"))
        }
        other => Ok(other.map(|d| d.date)),
    }
}

fn non_empty(record: &str, field: &str, value: &str) -> Result<(), ImportError> {
    if value.trim().is_empty() {
        Err(invalid(record, field, "must not be empty"))
    } else {
        Ok(())
    }
}

/// The key a source is referred to by: its normalised URL, or its title when it has none.
fn source_key(reference: &str) -> String {
    web_url(reference).unwrap_or_else(|_| reference.trim().to_owned())
}

async fn upsert_source(ctx: &mut Ctx, record: &str, s: &SourceDoc) -> Result<(), ImportError> {
    non_empty(record, "title", &s.title)?;
    let url = s
        .url
        .as_deref()
        .map(web_url)
        .transpose()
        .map_err(|e| invalid(record, "url", e))?;
    let archived = s
        .archived_url
        .as_deref()
        .map(web_url)
        .transpose()
        .map_err(|e| invalid(record, "archived_url", e))?;
    let language = s
        .language
        .as_deref()
        .map(LanguageTag::parse)
        .transpose()
        .map_err(|e| invalid(record, "language", e))?
        .map(String::from);
    let published = date_of(record, "published_on", s.published_on.as_deref())?;
    let accessed = day_of(record, "accessed_on", s.accessed_on.as_deref())?;
    let existing = match &url {
        Some(url) => {
            source::Entity::find()
                .filter(source::Column::Url.eq(url))
                .one(&ctx.txn)
                .await?
        }
        None => {
            source::Entity::find()
                .filter(source::Column::Url.is_null())
                .filter(source::Column::Title.eq(&s.title))
                .one(&ctx.txn)
                .await?
        }
    };
    let (mut am, existed) = edit::<source::ActiveModel, _>(existing);
    am.url.set_if_not_equals(url.clone());
    am.title.set_if_not_equals(s.title.clone());
    am.publisher.set_if_not_equals(s.publisher.clone());
    am.kind.set_if_not_equals(s.kind);
    am.language.set_if_not_equals(language);
    am.published_on.set_if_not_equals(published.map(|d| d.date));
    am.published_precision
        .set_if_not_equals(published.map(|d| d.precision));
    am.published_note
        .set_if_not_equals(s.published_note.clone());
    am.accessed_on.set_if_not_equals(accessed);
    am.archived_url.set_if_not_equals(archived);
    am.licence.set_if_not_equals(s.licence.clone());
    am.attribution.set_if_not_equals(s.attribution.clone());
    am.note.set_if_not_equals(s.note.clone());
    let saved = save!(ctx, (record, ""), am, existed);
    ctx.report.sources += 1;
    ctx.sources
        .insert(url.unwrap_or_else(|| s.title.trim().to_owned()), saved.id);
    Ok(())
}

async fn source_id(
    ctx: &mut Ctx,
    record: &str,
    field: &str,
    reference: &str,
) -> Result<i32, ImportError> {
    let key = source_key(reference);
    if let Some(id) = ctx.sources.get(&key) {
        return Ok(*id);
    }
    let found = if key.starts_with("http") {
        source::Entity::find()
            .filter(source::Column::Url.eq(&key))
            .one(&ctx.txn)
            .await?
    } else {
        source::Entity::find()
            .filter(source::Column::Url.is_null())
            .filter(source::Column::Title.eq(&key))
            .one(&ctx.txn)
            .await?
    };
    let id = found
        .map(|s| s.id)
        .ok_or_else(|| invalid(record, field, format!("cites unknown source `{reference}`")))?;
    ctx.sources.insert(key, id);
    Ok(id)
}

async fn program_id(
    ctx: &mut Ctx,
    record: &str,
    field: &str,
    slug: &str,
) -> Result<i32, ImportError> {
    if let Some(id) = ctx.programs.get(slug) {
        return Ok(*id);
    }
    let found = program::Entity::find()
        .filter(program::Column::Slug.eq(slug))
        .one(&ctx.txn)
        .await?;
    let id = found
        .map(|p| p.id)
        .ok_or_else(|| invalid(record, field, format!("unknown program `{slug}`")))?;
    ctx.programs.insert(slug.to_owned(), id);
    Ok(id)
}

fn duration(
    record: &str,
    field: &str,
    d: Option<&DurationDoc>,
) -> Result<(Option<i32>, Option<entity::enums::DurationUnit>), ImportError> {
    match d {
        None => Ok((None, None)),
        Some(d) => {
            if d.value.is_some_and(|v| v <= 0) {
                return Err(invalid(record, field, "value must be positive"));
            }
            Ok((d.value, Some(d.unit)))
        }
    }
}

async fn upsert_program(ctx: &mut Ctx, record: &str, p: &ProgramDoc) -> Result<(), ImportError> {
    Slug::parse(&p.slug).map_err(|e| invalid(record, "slug", e))?;
    non_empty(record, "name", &p.name)?;
    let country = CountryCode::parse(&p.country).map_err(|e| invalid(record, "country", e))?;
    let official_url = p
        .official_url
        .as_deref()
        .map(web_url)
        .transpose()
        .map_err(|e| invalid(record, "official_url", e))?;
    let announced = date_of(record, "announced_on", p.announced_on.as_deref())?;
    let in_force = date_of(record, "in_force_on", p.in_force_on.as_deref())?;
    let ends = date_of(record, "ends_on", p.ends_on.as_deref())?;
    let scheduled_end = day_of(record, "scheduled_end_on", p.scheduled_end_on.as_deref())?;
    check_planned(
        record,
        "",
        RecordKind::Program,
        serde_json::json!({
            "name": p.name, "local_name": p.local_name,
            "announced_on": announced.map(|d| d.date.to_string()),
            "in_force_on": in_force.map(|d| d.date.to_string()),
            "ends_on": ends.map(|d| d.date.to_string()),
            "scheduled_end_on": scheduled_end.map(|d| d.to_string()),
        }),
    )?;
    let (validity_value, validity_unit) = duration(record, "validity", p.validity.as_ref())?;
    let (max_stay_value, max_stay_unit) = duration(record, "max_stay", p.max_stay.as_ref())?;

    let existing = program::Entity::find()
        .filter(program::Column::Slug.eq(&p.slug))
        .one(&ctx.txn)
        .await?;
    let (mut am, existed) = edit::<program::ActiveModel, _>(existing);
    am.slug.set_if_not_equals(p.slug.clone());
    am.name.set_if_not_equals(p.name.clone());
    am.local_name.set_if_not_equals(p.local_name.clone());
    am.country.set_if_not_equals(country.into());
    am.category.set_if_not_equals(p.category);
    am.legal_status.set_if_not_equals(p.legal_status);
    am.summary.set_if_not_equals(p.summary.clone());
    am.description.set_if_not_equals(p.description.clone());
    am.administering_authority
        .set_if_not_equals(p.administering_authority.clone());
    am.legal_basis.set_if_not_equals(p.legal_basis.clone());
    am.official_url.set_if_not_equals(official_url);
    am.announced_on.set_if_not_equals(announced.map(|d| d.date));
    am.announced_precision
        .set_if_not_equals(announced.map(|d| d.precision));
    am.in_force_on.set_if_not_equals(in_force.map(|d| d.date));
    am.in_force_precision
        .set_if_not_equals(in_force.map(|d| d.precision));
    am.ends_on.set_if_not_equals(ends.map(|d| d.date));
    am.ends_precision
        .set_if_not_equals(ends.map(|d| d.precision));
    am.scheduled_end_on.set_if_not_equals(scheduled_end);
    am.scheduled_end_condition
        .set_if_not_equals(p.scheduled_end_condition.clone());
    am.validity_value.set_if_not_equals(validity_value);
    am.validity_unit.set_if_not_equals(validity_unit);
    am.max_stay_value.set_if_not_equals(max_stay_value);
    am.max_stay_unit.set_if_not_equals(max_stay_unit);
    am.entries.set_if_not_equals(p.entries);
    am.employer_sponsorship
        .set_if_not_equals(p.employer_sponsorship);
    am.work_authorization
        .set_if_not_equals(p.work_authorization);
    am.pr_path.set_if_not_equals(p.pr_path);
    let saved = save!(ctx, (record, ""), am, existed);
    ctx.report.programs += 1;
    ctx.programs.insert(p.slug.clone(), saved.id);
    let program_id = saved.id;

    for cite in &p.citations {
        upsert_citation(
            ctx,
            record,
            "citations",
            Target::Program(program_id),
            None,
            cite,
        )
        .await?;
    }
    for (i, fact) in p.facts.iter().enumerate() {
        let field = format!("facts[{i}]");
        non_empty(record, &field, &fact.field)?;
        let existing = program_fact::Entity::find()
            .filter(program_fact::Column::ProgramId.eq(program_id))
            .filter(program_fact::Column::Field.eq(&fact.field))
            .one(&ctx.txn)
            .await?;
        let (mut am, _) = edit::<program_fact::ActiveModel, _>(existing);
        am.program_id.set_if_not_equals(program_id);
        am.field.set_if_not_equals(fact.field.clone());
        am.wording.set_if_not_equals(fact.wording.clone());
        am.confidence.set_if_not_equals(fact.confidence);
        am.note.set_if_not_equals(fact.note.clone());
        if am.is_changed() {
            am.save(&ctx.txn).await?;
        }
        for cite in &fact.citations {
            upsert_citation(
                ctx,
                record,
                &format!("{field}.citations"),
                Target::Program(program_id),
                Some(&fact.field),
                cite,
            )
            .await?;
        }
    }
    for (i, r) in p.requirements.iter().enumerate() {
        upsert_requirement(ctx, record, &format!("requirements[{i}]"), program_id, i, r).await?;
    }
    for (i, f) in p.fees.iter().enumerate() {
        upsert_fee(ctx, record, &format!("fees[{i}]"), program_id, f).await?;
    }
    Ok(())
}

fn money_of(
    record: &str,
    field: &str,
    value: Option<&serde_json::Value>,
) -> Result<Option<i64>, ImportError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => parse_money_e4(&n.to_string())
            .map(Some)
            .map_err(|e| invalid(record, field, e)),
        Some(serde_json::Value::String(s)) => parse_money_e4(s)
            .map(Some)
            .map_err(|e| invalid(record, field, e)),
        Some(_) => Err(invalid(record, field, "must be a decimal number")),
    }
}

async fn upsert_requirement(
    ctx: &mut Ctx,
    record: &str,
    field: &str,
    program_id: i32,
    position: usize,
    r: &RequirementDoc,
) -> Result<(), ImportError> {
    let min_income = money_of(
        record,
        &format!("{field}.min_income"),
        r.min_income.as_ref(),
    )?;
    let income_currency = r
        .income_currency
        .as_deref()
        .map(CurrencyCode::parse)
        .transpose()
        .map_err(|e| invalid(record, &format!("{field}.income_currency"), e))?
        .map(String::from);
    check_planned(
        record,
        field,
        RecordKind::Requirement,
        serde_json::json!({
            "min_age": r.min_age, "max_age": r.max_age,
            "min_income_e4": min_income, "income_currency": income_currency,
        }),
    )?;
    let fields_of_study = (!r.fields_of_study.is_empty()).then(|| {
        let tokens: Vec<String> = r
            .fields_of_study
            .iter()
            .map(|f| f.trim().to_lowercase().replace(',', " "))
            .collect();
        format!(",{},", tokens.join(","))
    });
    let position =
        i32::try_from(position).map_err(|_| invalid(record, field, "too many requirements"))?;
    let existing = requirement::Entity::find()
        .filter(requirement::Column::ProgramId.eq(program_id))
        .filter(requirement::Column::Kind.eq(r.kind))
        .filter(requirement::Column::Position.eq(position))
        .one(&ctx.txn)
        .await?;
    let (mut am, existed) = edit::<requirement::ActiveModel, _>(existing);
    am.program_id.set_if_not_equals(program_id);
    am.kind.set_if_not_equals(r.kind);
    am.description.set_if_not_equals(r.description.clone());
    am.mandatory.set_if_not_equals(r.mandatory);
    am.min_age.set_if_not_equals(r.min_age);
    am.max_age.set_if_not_equals(r.max_age);
    am.min_degree.set_if_not_equals(r.min_degree);
    am.fields_of_study.set_if_not_equals(fields_of_study);
    am.min_income_e4.set_if_not_equals(min_income);
    am.income_currency.set_if_not_equals(income_currency);
    am.income_period.set_if_not_equals(r.income_period);
    am.position.set_if_not_equals(position);
    am.scheduled_end_on.set_if_not_equals(day_of(
        record,
        &format!("{field}.scheduled_end_on"),
        r.scheduled_end_on.as_deref(),
    )?);
    am.scheduled_end_condition
        .set_if_not_equals(r.scheduled_end_condition.clone());
    am.confidence.set_if_not_equals(r.confidence);
    am.note.set_if_not_equals(r.note.clone());
    let saved = save!(ctx, (record, field), am, existed);
    for cite in &r.citations {
        upsert_citation(
            ctx,
            record,
            &format!("{field}.citations"),
            Target::Requirement(saved.id),
            None,
            cite,
        )
        .await?;
    }
    Ok(())
}

async fn upsert_fee(
    ctx: &mut Ctx,
    record: &str,
    field: &str,
    program_id: i32,
    f: &FeeDoc,
) -> Result<(), ImportError> {
    non_empty(record, &format!("{field}.label"), &f.label)?;
    let amount = money_of(record, &format!("{field}.amount"), f.amount.as_ref())?;
    let currency = f
        .currency
        .as_deref()
        .map(CurrencyCode::parse)
        .transpose()
        .map_err(|e| invalid(record, &format!("{field}.currency"), e))?
        .map(String::from);
    let from = day_of(
        record,
        &format!("{field}.effective_from"),
        f.effective_from.as_deref(),
    )?;
    let until = day_of(
        record,
        &format!("{field}.effective_until"),
        f.effective_until.as_deref(),
    )?;
    let scheduled_end = day_of(
        record,
        &format!("{field}.scheduled_end_on"),
        f.scheduled_end_on.as_deref(),
    )?;
    check_planned(
        record,
        field,
        RecordKind::Fee,
        serde_json::json!({
            "amount_e4": amount, "currency": currency,
            "effective_from": from.map(|d| d.to_string()),
            "effective_until": until.map(|d| d.to_string()),
            "scheduled_end_on": scheduled_end.map(|d| d.to_string()),
        }),
    )?;
    let mut find = fee::Entity::find()
        .filter(fee::Column::ProgramId.eq(program_id))
        .filter(fee::Column::Label.eq(&f.label));
    find = match from {
        Some(d) => find.filter(fee::Column::EffectiveFrom.eq(d)),
        None => find.filter(fee::Column::EffectiveFrom.is_null()),
    };
    let existing = find.one(&ctx.txn).await?;
    let (mut am, existed) = edit::<fee::ActiveModel, _>(existing);
    am.program_id.set_if_not_equals(program_id);
    am.label.set_if_not_equals(f.label.clone());
    am.amount_e4.set_if_not_equals(amount);
    am.amount_text.set_if_not_equals(f.amount_text.clone());
    am.currency.set_if_not_equals(currency);
    am.payer.set_if_not_equals(f.payer.clone());
    am.applies_when.set_if_not_equals(f.applies_when.clone());
    am.effective_from.set_if_not_equals(from);
    am.effective_until.set_if_not_equals(until);
    am.scheduled_end_on.set_if_not_equals(scheduled_end);
    am.scheduled_end_condition
        .set_if_not_equals(f.scheduled_end_condition.clone());
    am.confidence.set_if_not_equals(f.confidence);
    am.note.set_if_not_equals(f.note.clone());
    let saved = save!(ctx, (record, field), am, existed);
    if !existed && let Some(from) = from {
        close_previous_fees(ctx, &saved, from).await?;
    }
    for cite in &f.citations {
        upsert_citation(
            ctx,
            record,
            &format!("{field}.citations"),
            Target::Fee(saved.id),
            None,
            cite,
        )
        .await?;
    }
    Ok(())
}

/// History is kept: a new dated fee ends the open fee of the same label that it replaces.
async fn close_previous_fees(
    ctx: &mut Ctx,
    new: &fee::Model,
    from: chrono::NaiveDate,
) -> Result<(), ImportError> {
    let Some(day_before) = from.pred_opt() else {
        return Ok(());
    };
    let open = fee::Entity::find()
        .filter(fee::Column::ProgramId.eq(new.program_id))
        .filter(fee::Column::Label.eq(&new.label))
        .filter(fee::Column::Id.ne(new.id))
        .filter(fee::Column::EffectiveUntil.is_null())
        .filter(fee::Column::EffectiveFrom.lt(from))
        .all(&ctx.txn)
        .await?;
    for old in open {
        let mut am = old.into_active_model();
        am.effective_until = Set(Some(day_before));
        save!(ctx, ("the earlier fee it replaces", ""), am, true);
    }
    Ok(())
}

async fn upsert_event(ctx: &mut Ctx, record: &str, e: &EventDoc) -> Result<(), ImportError> {
    non_empty(record, "title", &e.title)?;
    let program_id = program_id(ctx, record, "program", &e.program).await?;
    let date = PartialDate::parse_exact(&e.date)
        .ok_or_else(|| invalid(record, "date", format!("`{}` is not a date", e.date)))?;
    let existing = policy_event::Entity::find()
        .filter(policy_event::Column::ProgramId.eq(program_id))
        .filter(policy_event::Column::Kind.eq(e.kind))
        .filter(policy_event::Column::OccurredOn.eq(date.date))
        .filter(policy_event::Column::Title.eq(&e.title))
        .one(&ctx.txn)
        .await?;
    let (mut am, existed) = edit::<policy_event::ActiveModel, _>(existing);
    am.program_id.set_if_not_equals(program_id);
    am.occurred_on.set_if_not_equals(date.date);
    am.precision.set_if_not_equals(date.precision);
    am.kind.set_if_not_equals(e.kind);
    am.title.set_if_not_equals(e.title.clone());
    am.description.set_if_not_equals(e.description.clone());
    let saved = save!(ctx, (record, ""), am, existed);
    ctx.report.events += 1;
    for cite in &e.citations {
        upsert_citation(
            ctx,
            record,
            "citations",
            Target::PolicyEvent(saved.id),
            None,
            cite,
        )
        .await?;
    }
    Ok(())
}

async fn upsert_commentary(
    ctx: &mut Ctx,
    record: &str,
    c: &CommentaryDoc,
) -> Result<(), ImportError> {
    non_empty(record, "body", &c.body)?;
    let person_id = match &c.person {
        Some(name) => Some(match ctx.people.get(name) {
            Some(id) => *id,
            None => person::Entity::find()
                .filter(person::Column::Name.eq(name))
                .one(&ctx.txn)
                .await?
                .map(|p| p.id)
                .ok_or_else(|| invalid(record, "person", format!("unknown person `{name}`")))?,
        }),
        None => None,
    };
    // The write rules first: who said it decides which existing row this is.
    check_planned(
        record,
        "",
        RecordKind::Commentary,
        serde_json::json!({ "person_id": person_id, "group_name": c.group }),
    )?;
    let said = date_of(record, "said_on", c.said_on.as_deref())?;
    let source_id = match &c.source {
        Some(s) => Some(source_id(ctx, record, "source", s).await?),
        None => None,
    };
    let mut find = commentary::Entity::find().filter(commentary::Column::Body.eq(&c.body));
    find = match person_id {
        Some(id) => find.filter(commentary::Column::PersonId.eq(id)),
        None => find.filter(commentary::Column::GroupName.eq(c.group.clone())),
    };
    let existing = find.one(&ctx.txn).await?;
    let (mut am, existed) = edit::<commentary::ActiveModel, _>(existing);
    am.person_id.set_if_not_equals(person_id);
    am.group_name.set_if_not_equals(c.group.clone());
    am.kind.set_if_not_equals(c.kind);
    am.body.set_if_not_equals(c.body.clone());
    am.stance.set_if_not_equals(c.stance);
    am.said_on.set_if_not_equals(said.map(|d| d.date));
    am.said_precision
        .set_if_not_equals(said.map(|d| d.precision));
    am.source_id.set_if_not_equals(source_id);
    let saved = save!(ctx, (record, ""), am, existed);
    ctx.report.commentaries += 1;
    for slug in &c.programs {
        let program_id = program_id(ctx, record, "programs", slug).await?;
        let link = commentary_program::Entity::find_by_id((saved.id, program_id))
            .one(&ctx.txn)
            .await?;
        if link.is_none() {
            commentary_program::ActiveModel {
                commentary_id: Set(saved.id),
                program_id: Set(program_id),
            }
            .insert(&ctx.txn)
            .await?;
        }
    }
    for cite in &c.citations {
        upsert_citation(
            ctx,
            record,
            "citations",
            Target::Commentary(saved.id),
            None,
            cite,
        )
        .await?;
    }
    Ok(())
}

/// The record a citation supports.
#[derive(Clone, Copy)]
enum Target {
    Program(i32),
    Requirement(i32),
    Fee(i32),
    Commentary(i32),
    PolicyEvent(i32),
}

async fn upsert_citation(
    ctx: &mut Ctx,
    record: &str,
    field: &str,
    target: Target,
    fact_field: Option<&str>,
    cite: &CiteDoc,
) -> Result<(), ImportError> {
    let source_id = source_id(ctx, record, field, &cite.source).await?;
    let (column, id) = match target {
        Target::Program(id) => (citation::Column::ProgramId, id),
        Target::Requirement(id) => (citation::Column::RequirementId, id),
        Target::Fee(id) => (citation::Column::FeeId, id),
        Target::Commentary(id) => (citation::Column::CommentaryId, id),
        Target::PolicyEvent(id) => (citation::Column::PolicyEventId, id),
    };
    let field_filter = match fact_field {
        Some(f) => citation::Column::Field.eq(f),
        None => citation::Column::Field.is_null(),
    };
    let existing = citation::Entity::find()
        .filter(column.eq(id))
        .filter(citation::Column::SourceId.eq(source_id))
        .filter(field_filter)
        .one(&ctx.txn)
        .await?;
    let (mut am, existed) = edit::<citation::ActiveModel, _>(existing);
    am.source_id.set_if_not_equals(source_id);
    match target {
        Target::Program(id) => am.program_id.set_if_not_equals(Some(id)),
        Target::Requirement(id) => am.requirement_id.set_if_not_equals(Some(id)),
        Target::Fee(id) => am.fee_id.set_if_not_equals(Some(id)),
        Target::Commentary(id) => am.commentary_id.set_if_not_equals(Some(id)),
        Target::PolicyEvent(id) => am.policy_event_id.set_if_not_equals(Some(id)),
    }
    am.field.set_if_not_equals(fact_field.map(str::to_owned));
    am.excerpt.set_if_not_equals(cite.excerpt.clone());
    // The citation's own confidence: the fact's, capped by what the source is.
    let kind = source::Entity::find_by_id(source_id)
        .one(&ctx.txn)
        .await?
        .map(|s| s.kind);
    let confidence = match kind {
        Some(kind) => crate::kb::confidence::of_citation(cite.confidence, kind),
        None => cite.confidence,
    };
    am.confidence.set_if_not_equals(confidence);
    save!(ctx, (record, ""), am, existed);
    ctx.report.citations += 1;
    Ok(())
}
