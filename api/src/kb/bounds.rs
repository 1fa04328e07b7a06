//! How long the lists a reader can ask for may get: the most requirements, fees, events, facts
//! and commentaries any program has, the most citations any record has, the number of
//! programs. A request's cost is counted with these (a list without paging costs as many rows
//! as it can return), so they are read from the data, not guessed.

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Upper bounds of the lists without paging. Rows in every state count: a bound, not a view.
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
            revisions_per_record: 100,
            users: 100,
        }
    }
}

/// `SELECT` of the largest group of `table` by `keys` (0 when empty).
fn largest_group(table: &str, keys: &str) -> String {
    format!(
        "(SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM {table} \
         WHERE {} GROUP BY {keys}) AS groups)",
        keys.split(", ")
            .map(|k| format!("{k} IS NOT NULL"))
            .collect::<Vec<_>>()
            .join(" AND ")
    )
}

/// The bounds of the data as it is now, in one statement.
pub async fn load(db: &impl ConnectionTrait) -> Result<Bounds, DbErr> {
    let columns: [(&str, String); 15] = [
        ("programs", "(SELECT COUNT(*) FROM program)".to_owned()),
        ("requirements", largest_group("requirement", "program_id")),
        ("fees", largest_group("fee", "program_id")),
        ("events", largest_group("policy_event", "program_id")),
        ("facts", largest_group("program_fact", "program_id")),
        (
            "commentaries",
            largest_group("commentary_program", "program_id"),
        ),
        (
            "discussed",
            largest_group("commentary_program", "commentary_id"),
        ),
        ("of_program", largest_group("citation", "program_id")),
        ("of_fact", largest_group("citation", "program_id, field")),
        (
            "of_requirement",
            largest_group("citation", "requirement_id"),
        ),
        ("of_fee", largest_group("citation", "fee_id")),
        ("of_commentary", largest_group("citation", "commentary_id")),
        ("of_event", largest_group("citation", "policy_event_id")),
        (
            "revisions",
            largest_group("revision", "record_type, record_id"),
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
        revisions_per_record: get("revisions")?,
        users: get("users")?,
    })
}
