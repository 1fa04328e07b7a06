//! How long the lists a reader can ask for may get: the most requirements, fees, events, facts
//! and commentaries any program has, the most citations any record has, the number of
//! programs. A request's cost is counted with these (a list without paging costs as many rows
//! as it can return), so they are read from the data, not guessed.

use entity::enums::EditorialState;
use sea_orm::{ActiveEnum, ConnectionTrait, DbErr, Statement};

/// Upper bounds of the lists without paging, over published rows (readers see a subset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub programs: u64,
    pub requirements_per_program: u64,
    pub fees_per_program: u64,
    pub events_per_program: u64,
    pub facts_per_program: u64,
    pub commentaries_per_program: u64,
    pub programs_per_commentary: u64,
    /// Citations of one program as a whole (all its fields together).
    pub citations_per_program: u64,
    /// Citations of one field of a program (a fact).
    pub citations_per_fact: u64,
    /// Citations of one requirement, fee, event or commentary.
    pub citations_per_record: u64,
    /// Revisions of one record and accounts: editors' lists, bounded by constants, not read
    /// from the data (the cost of a request, answered to anyone, would tell how many accounts
    /// there are).
    pub revisions_per_record: u64,
    pub users: u64,
}

impl Default for Bounds {
    /// Before the data has been read: generous enough for the bundled content.
    fn default() -> Self {
        Self {
            programs: 1000,
            requirements_per_program: 50,
            fees_per_program: 50,
            events_per_program: 50,
            facts_per_program: 50,
            commentaries_per_program: 50,
            programs_per_commentary: 50,
            citations_per_program: 100,
            citations_per_fact: 50,
            citations_per_record: 50,
            revisions_per_record: EDITOR_LIST_BOUND,
            users: EDITOR_LIST_BOUND,
        }
    }
}

/// The bound of the editors' lists (revisions of a record, accounts).
const EDITOR_LIST_BOUND: u64 = 100;

/// `state = 'published'` on `table`: bounds count published rows only, so that they are upper
/// bounds of what readers see and say nothing about drafts (every answer reports its cost).
fn published(table: &str) -> String {
    format!("{table}.state = '{}'", EditorialState::Published.to_value())
}

/// `SELECT` of the largest group by `keys` of the rows of `from` where `condition` holds
/// (0 when there are none).
fn largest_group(from: &str, keys: &str, condition: &str) -> String {
    format!(
        "(SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM {from} \
         WHERE {condition} AND {} GROUP BY {keys}) AS groups)",
        keys.split(", ")
            .map(|k| format!("{k} IS NOT NULL"))
            .collect::<Vec<_>>()
            .join(" AND ")
    )
}

/// The largest group by `keys` of the published rows of `table`.
fn largest_published(table: &str, keys: &str) -> String {
    largest_group(table, keys, &published(table))
}

/// The bounds of the data as it is now, in one statement.
pub async fn load(db: &impl ConnectionTrait) -> Result<Bounds, DbErr> {
    // Facts and commentary links have no state of their own: they count under a published
    // program, or a published commentary.
    let facts = "program_fact JOIN program ON program.id = program_fact.program_id";
    let about =
        "commentary_program JOIN commentary ON commentary.id = commentary_program.commentary_id";
    let discussed = "commentary_program JOIN program ON program.id = commentary_program.program_id";
    let columns = [
        (
            "programs",
            format!(
                "(SELECT COUNT(*) FROM program WHERE {})",
                published("program")
            ),
        ),
        (
            "requirements",
            largest_published("requirement", "program_id"),
        ),
        ("fees", largest_published("fee", "program_id")),
        ("events", largest_published("policy_event", "program_id")),
        (
            "facts",
            largest_group(facts, "program_fact.program_id", &published("program")),
        ),
        (
            "commentaries",
            largest_group(
                about,
                "commentary_program.program_id",
                &published("commentary"),
            ),
        ),
        (
            "discussed",
            largest_group(
                discussed,
                "commentary_program.commentary_id",
                &published("program"),
            ),
        ),
        ("of_program", largest_published("citation", "program_id")),
        (
            "of_fact",
            largest_published("citation", "program_id, field"),
        ),
        (
            "of_requirement",
            largest_published("citation", "requirement_id"),
        ),
        ("of_fee", largest_published("citation", "fee_id")),
        (
            "of_commentary",
            largest_published("citation", "commentary_id"),
        ),
        ("of_event", largest_published("citation", "policy_event_id")),
        // Editors' lists: they see every record.
        (
            "revisions",
            largest_group("revision", "record_type, record_id", "1 = 1"),
        ),
        ("users", "(SELECT COUNT(*) FROM \"user\")".to_owned()),
    ];
    let sql = format!(
        "SELECT {}",
        columns
            .iter()
            .map(|(name, select)| format!("{select} AS {name}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let Some(row) = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
    else {
        return Ok(Bounds::default());
    };
    let get = |name: &str| -> Result<u64, DbErr> {
        Ok(u64::try_from(row.try_get::<i64>("", name)?).unwrap_or(0))
    };
    Ok(Bounds {
        programs: get("programs")?,
        requirements_per_program: get("requirements")?,
        fees_per_program: get("fees")?,
        events_per_program: get("events")?,
        facts_per_program: get("facts")?,
        commentaries_per_program: get("commentaries")?,
        programs_per_commentary: get("discussed")?,
        citations_per_program: get("of_program")?,
        citations_per_fact: get("of_fact")?,
        citations_per_record: get("of_requirement")?
            .max(get("of_fee")?)
            .max(get("of_commentary")?)
            .max(get("of_event")?),
        revisions_per_record: EDITOR_LIST_BOUND,
        users: EDITOR_LIST_BOUND,
    })
}
