//! Checks on a whole GraphQL document before anything runs, from one parse: its cost, text the
//! databases cannot hold, variables that do not fit their declared types, and how many
//! sign-ins it carries (the HTTP layer refuses more than one per request). The parsed document
//! is then handed to the executor, which does not parse it again.

use super::cost::{CostModel, Fragments, fields_of};
use crate::kb::error::ApiError;
use crate::kb::values::check_storable;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, OperationType,
    Selection, SelectionSet, Type,
};
use async_graphql::{Positioned, ServerError, Value, Variables};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone)]
struct ByText;

impl Weighter<Arc<str>, Arc<Parsed>> for ByText {
    // A parsed document takes about 40 times its text on the heap (names, positions, vectors:
    // 26.5 KB for the benchmark's 655-byte detail query, measured by RSS over 2,000 copies).
    fn weight(&self, text: &Arc<str>, _parsed: &Arc<Parsed>) -> u64 {
        text.len() as u64 * 40 + 1024
    }
}

/// A document as parsed, and whether the executor's full validation has accepted it once
/// without variables.
struct Parsed {
    document: ExecutableDocument,
    /// Validation is a function of the document, the schema and the variables' values (the
    /// values meet their arguments' types). Without variables it is a function of the text:
    /// once passed, it passes again.
    valid_without_variables: AtomicBool,
}

/// Parsed documents by their exact text, bounded in bytes: frontends send the same few
/// documents with different variables, and a parse (80 µs for the benchmark's detail query)
/// costs thirty times a copy of the parsed document (2.5 µs). Documents that do not parse are
/// not kept. Documents that differ only in their literals each take a place: clients that
/// send variables get the most out of it.
pub struct DocumentCache {
    documents: Cache<Arc<str>, Arc<Parsed>, ByText>,
}

impl DocumentCache {
    pub fn new(bytes: u64) -> Self {
        Self {
            documents: Cache::with_weighter(1024, bytes.max(1), ByText),
        }
    }

    fn parse(&self, query: &str) -> Result<Arc<Parsed>, ServerError> {
        if let Some(parsed) = self.documents.get(query) {
            return Ok(parsed);
        }
        let parsed = Arc::new(Parsed {
            document: async_graphql::parser::parse_query(query)?,
            valid_without_variables: AtomicBool::new(false),
        });
        self.documents.insert(Arc::from(query), parsed.clone());
        Ok(parsed)
    }
}

/// What is known of a document's validation before it runs.
///
/// The executor validates every document against the schema before running it: 22 rules
/// walking the whole document, about 6% of the server's CPU for one program with everything.
/// A document sent again without variables gets the same verdict, so the verdict is kept with
/// the parsed document and the document then runs on a schema that checks only its limits
/// (`graphql::prevalidated_schema`).
pub enum Validation {
    /// Validated before, without variables: the limits are all that is left to check.
    Passed,
    /// Sent without variables and not yet validated: once it runs without a request error it
    /// has passed ([`Validation::learn`]).
    Unknown(Validated),
    /// Sent with variables (their values meet their arguments in validation) or not parsed:
    /// validated on every request.
    Always,
}

/// Where to record that a document passed validation.
pub struct Validated(Arc<Parsed>);

impl Validation {
    /// After the document ran: `request_error` says whether it was refused before running
    /// (`error::is_request_error`); if not, it passed validation.
    pub fn learn(&self, request_error: bool) {
        if let (Validation::Unknown(Validated(parsed)), false) = (self, request_error) {
            parsed
                .valid_without_variables
                .store(true, Ordering::Relaxed);
        }
    }
}

/// What the HTTP layer learns of one operation's document before running it, from one parse.
pub struct Inspection {
    /// Its cost (`cost`), 0 when it does not parse.
    pub cost: u64,
    /// How many `login` fields its mutations select at their root.
    pub logins: usize,
    /// Input refused before running: text a database cannot hold (NUL) in an argument, a
    /// variable or a default value, or a variable that does not fit its declared type.
    /// BAD_USER_INPUT naming it, the same on SQLite and PostgreSQL.
    pub bad_input: Option<ApiError>,
    /// Why the document does not parse (GRAPHQL_PARSE_FAILED).
    pub parse_error: Option<ServerError>,
    /// The names of its operations (for the access log).
    pub operations: Vec<String>,
    /// The parsed document, for the executor.
    pub document: Option<ExecutableDocument>,
    /// Whether the executor must validate it.
    pub validation: Validation,
}

/// Inspects `query` with `variables`, for the operation `operation_name` names (or its only
/// one). (Done here, not in an async-graphql extension: any extension sends every field of
/// every answer through its slower, boxed path.)
pub fn inspect(
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables,
    model: &CostModel,
    cache: &DocumentCache,
) -> Inspection {
    let mut bad_input = variables
        .iter()
        .find_map(|(name, value)| check_const(&format!("${name}"), value).err());
    let parsed = match cache.parse(query) {
        Ok(parsed) => parsed,
        Err(e) => {
            return Inspection {
                cost: 0,
                logins: 0,
                bad_input,
                parse_error: Some(e),
                operations: Vec::new(),
                document: None,
                validation: Validation::Always,
            };
        }
    };
    let document = &parsed.document;
    if bad_input.is_none() {
        bad_input = literal_text(document)
            .and_then(|()| match selected(document, operation_name) {
                Some(operation) => coerce_variables(operation, variables),
                // An unknown or missing operation name: the executor says which.
                None => Ok(()),
            })
            .err();
    }
    Inspection {
        operations: document
            .operations
            .iter()
            .filter_map(|(name, _)| name.map(|n| n.to_string()))
            .collect(),
        cost: model.of_document(document, variables),
        logins: document
            .operations
            .iter()
            .filter(|(_, op)| op.node.ty == OperationType::Mutation)
            .map(|(_, op)| root_logins(&op.node.selection_set, &document.fragments))
            .fold(0, usize::saturating_add),
        bad_input,
        parse_error: None,
        document: Some(document.clone()),
        validation: if !variables.is_empty() {
            Validation::Always
        } else if parsed.valid_without_variables.load(Ordering::Relaxed) {
            Validation::Passed
        } else {
            Validation::Unknown(Validated(Arc::clone(&parsed)))
        },
    }
}

/// The operation a request runs: the one it names, else the document's only one.
fn selected<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The spec's variable coercion for what can be checked without the schema: a required
/// variable present and not null, and the built-in scalars (`Int` within 32 bits, `Float`,
/// `String`, `Boolean`, `ID`), through lists. Enums, custom scalars and input objects are
/// checked by validation, where the variable's value meets its argument.
fn coerce_variables(
    operation: &OperationDefinition,
    variables: &Variables,
) -> Result<(), ApiError> {
    for definition in &operation.variable_definitions {
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        let ty = &definition.var_type.node;
        let field = format!("${name}");
        match variables.get(&definition.name.node) {
            None if !ty.nullable && definition.default_value.is_none() => {
                return Err(ApiError::bad_input(
                    &field,
                    format!("variable `${name}` of type `{ty}` is required"),
                ));
            }
            None => {}
            Some(value) => coerce(ty, value).map_err(|why| {
                ApiError::bad_input(&field, format!("variable `${name}` of type `{ty}` {why}"))
            })?,
        }
    }
    Ok(())
}

fn coerce(ty: &Type, value: &Value) -> Result<(), String> {
    if matches!(value, Value::Null) {
        return if ty.nullable {
            Ok(())
        } else {
            Err("must not be null".to_owned())
        };
    }
    match &ty.base {
        BaseType::List(item) => match value {
            Value::List(items) => items.iter().try_for_each(|v| coerce(item, v)),
            // A single value stands for a list of one (input coercion of lists).
            one => coerce(item, one),
        },
        BaseType::Named(name) => {
            let fits = match name.as_str() {
                "Int" => matches!(value, Value::Number(n)
                    if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok())),
                "Float" => matches!(value, Value::Number(_)),
                "String" => matches!(value, Value::String(_)),
                "Boolean" => matches!(value, Value::Boolean(_)),
                "ID" => {
                    matches!(value, Value::String(_))
                        || matches!(value, Value::Number(n) if n.is_i64())
                }
                _ => true,
            };
            if fits {
                Ok(())
            } else {
                Err(format!("cannot hold {value}"))
            }
        }
    }
}

/// The text written into the document: arguments and variables' default values.
fn literal_text(document: &ExecutableDocument) -> Result<(), ApiError> {
    for (_, operation) in document.operations.iter() {
        for variable in &operation.node.variable_definitions {
            if let Some(default) = &variable.node.default_value {
                check_const(&format!("${}", variable.node.name.node), &default.node)?;
            }
        }
        check_selections(&operation.node.selection_set)?;
    }
    for fragment in document.fragments.values() {
        check_selections(&fragment.node.selection_set)?;
    }
    Ok(())
}

fn check_selections(set: &Positioned<SelectionSet>) -> Result<(), ApiError> {
    for item in &set.node.items {
        match &item.node {
            Selection::Field(field) => {
                for (name, value) in &field.node.arguments {
                    // Variables are checked on their own; here only the literal text counts.
                    let literal = value
                        .node
                        .clone()
                        .into_const_with(|_| Ok::<_, ()>(Value::Null))
                        .unwrap_or(Value::Null);
                    check_const(name.node.as_str(), &literal)?;
                }
                check_selections(&field.node.selection_set)?;
            }
            Selection::InlineFragment(fragment) => check_selections(&fragment.node.selection_set)?,
            Selection::FragmentSpread(_) => {}
        }
    }
    Ok(())
}

/// `field` is the path of the argument or variable (`filter.text`, `$input.name`).
fn check_const(field: &str, value: &Value) -> Result<(), ApiError> {
    match value {
        Value::String(text) => check_storable(field, text),
        Value::List(items) => items.iter().try_for_each(|v| check_const(field, v)),
        Value::Object(members) => members
            .iter()
            .try_for_each(|(k, v)| check_const(&format!("{field}.{k}"), v)),
        _ => Ok(()),
    }
}

/// How many `login` fields `set` selects at its own level, fragments expanded (`usize::MAX`
/// when the fragments fan out too far to count: refused as more than one).
fn root_logins(set: &Positioned<SelectionSet>, fragments: &Fragments) -> usize {
    let mut logins = 0;
    let complete = fields_of(set, fragments, &std::cell::Cell::new(0), &mut |field| {
        logins += usize::from(field.node.name.node.as_str() == "login");
    });
    if complete { logins } else { usize::MAX }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::bounds::Bounds;

    fn model() -> CostModel {
        CostModel {
            default_page_size: 20,
            max_page_size: 100,
            bounds: Bounds::default(),
        }
    }

    fn login_count(query: &str) -> usize {
        let model = model();
        inspect(
            query,
            None,
            &Variables::default(),
            &model,
            &DocumentCache::new(1 << 20),
        )
        .logins
    }

    #[test]
    fn nul_is_found_in_arguments_variables_and_defaults() {
        let model = model();
        let cache = DocumentCache::new(1 << 20);
        let field = |query: &str, vars: serde_json::Value| match inspect(
            query,
            None,
            &Variables::from_json(vars),
            &model,
            &cache,
        )
        .bad_input
        {
            Some(ApiError::BadUserInput { field, .. }) => field,
            _ => None,
        };
        assert_eq!(
            field(
                r#"{ programs(filter: {text: "a\u0000"}) { totalCount } }"#,
                serde_json::json!({})
            )
            .as_deref(),
            Some("filter.text")
        );
        assert_eq!(
            field(
                "query($t: String) { x(t: $t) }",
                serde_json::json!({"t": "a\u{0}"})
            )
            .as_deref(),
            Some("$t")
        );
        assert_eq!(
            field(
                "query($t: String = \"a\\u0000\") { x(t: $t) }",
                serde_json::json!({})
            )
            .as_deref(),
            Some("$t")
        );
        assert_eq!(
            field(
                "{ programs(filter: {text: \"visa\"}) { totalCount } }",
                serde_json::json!({})
            ),
            None
        );
    }

    #[test]
    fn sign_ins_are_counted_through_aliases_and_fragments() {
        assert_eq!(login_count("{ programs { totalCount } }"), 0);
        assert_eq!(login_count("query { login }"), 0, "only mutations sign in");
        assert_eq!(
            login_count("mutation { login(email: \"a\", password: \"b\") { token } }"),
            1
        );
        let aliased = "mutation { a: login(email: \"a\", password: \"1\") { token }
                                  b: login(email: \"a\", password: \"2\") { token } }";
        assert_eq!(login_count(aliased), 2);
        let fragments =
            "mutation { ...L ... on Mutation { login(email: \"a\", password: \"3\") { token } } }
                         fragment L on Mutation { login(email: \"a\", password: \"4\") { token } }";
        assert_eq!(login_count(fragments), 2);
        assert_eq!(login_count("mutation { login("), 0);
    }

    #[test]
    fn variables_are_coerced_to_their_declared_types() {
        let model = model();
        let cache = DocumentCache::new(1 << 20);
        let refused = |query: &str, operation: Option<&str>, vars: serde_json::Value| match inspect(
            query,
            operation,
            &Variables::from_json(vars),
            &model,
            &cache,
        )
        .bad_input
        {
            Some(ApiError::BadUserInput { field, .. }) => field,
            _ => None,
        };
        let q = "query($id: ID!, $n: Int, $tags: [String!]) { __typename }";
        assert_eq!(
            refused(q, None, serde_json::json!({"id": null})).as_deref(),
            Some("$id")
        );
        assert_eq!(
            refused(q, None, serde_json::json!({})).as_deref(),
            Some("$id")
        );
        assert_eq!(
            refused(
                q,
                None,
                serde_json::json!({"id": "1", "n": 3_000_000_000_u64})
            )
            .as_deref(),
            Some("$n")
        );
        assert_eq!(
            refused(q, None, serde_json::json!({"id": 1, "tags": ["a", 2]})).as_deref(),
            Some("$tags")
        );
        assert_eq!(
            refused(q, None, serde_json::json!({"id": 7, "n": 5, "tags": "one"})),
            None
        );
        // Only the operation that runs is checked.
        let two = "query A($x: Int!) { __typename } query B { __typename }";
        assert_eq!(refused(two, Some("B"), serde_json::json!({})), None);
        assert_eq!(
            refused(two, Some("A"), serde_json::json!({})).as_deref(),
            Some("$x")
        );
    }

    #[test]
    fn a_verdict_is_kept_only_for_documents_without_variables_that_ran() {
        let model = model();
        let cache = DocumentCache::new(1 << 20);
        let seen = |query: &str, vars: serde_json::Value| {
            inspect(query, None, &Variables::from_json(vars), &model, &cache).validation
        };
        let q = "{ programs { totalCount } }";
        let first = seen(q, serde_json::json!({}));
        assert!(matches!(first, Validation::Unknown(_)));
        // Refused before running (as a document failing validation is): nothing learnt.
        first.learn(true);
        let second = seen(q, serde_json::json!({}));
        assert!(matches!(second, Validation::Unknown(_)));
        second.learn(false);
        assert!(matches!(seen(q, serde_json::json!({})), Validation::Passed));
        // Variables meet their arguments in validation: validated every time.
        assert!(matches!(
            seen(q, serde_json::json!({"slug": "k-visa"})),
            Validation::Always
        ));
        // The verdict is the text's: another text starts unknown.
        assert!(matches!(
            seen("{ programs { nodes { slug } } }", serde_json::json!({})),
            Validation::Unknown(_)
        ));
        assert!(matches!(
            seen("{ programs {", serde_json::json!({})),
            Validation::Always
        ));
    }
}
