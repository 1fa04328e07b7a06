//! Checks on a whole GraphQL document before anything runs, from one parse: its cost, text the
//! databases cannot hold, and how many sign-ins it carries (the HTTP layer refuses more than
//! one per request).

use super::cost::{CostModel, Fragments, fields_of};
use crate::kb::error::ApiError;
use crate::kb::values::check_storable;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Positioned, Value, Variables};

/// What the HTTP layer learns of one operation's document before running it, from one parse.
pub struct Inspection {
    /// Its cost (`cost`), 0 when it does not parse (the executor then says why).
    pub cost: u64,
    /// How many `login` fields its mutations select at their root.
    pub logins: usize,
    /// The first argument, variable or default value holding text a database cannot hold
    /// (NUL): BAD_USER_INPUT naming it, the same on SQLite and PostgreSQL.
    pub bad_text: Option<ApiError>,
    /// The names of its operations (for the access log).
    pub operations: Vec<String>,
}

/// Inspects `query` with `variables`. (Done here, not in an async-graphql extension: any
/// extension sends every field of every answer through its slower, boxed path.)
pub fn inspect(query: &str, variables: &Variables, model: &CostModel) -> Inspection {
    let mut bad_text = variables
        .iter()
        .find_map(|(name, value)| check_const(&format!("${name}"), value).err());
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return Inspection {
            cost: 0,
            logins: 0,
            bad_text,
            operations: Vec::new(),
        };
    };
    if bad_text.is_none() {
        bad_text = literal_text(&document).err();
    }
    Inspection {
        operations: document
            .operations
            .iter()
            .filter_map(|(name, _)| name.map(|n| n.to_string()))
            .collect(),
        cost: model.of_document(&document, variables),
        logins: document
            .operations
            .iter()
            .filter(|(_, op)| op.node.ty == OperationType::Mutation)
            .map(|(_, op)| root_logins(&op.node.selection_set, &document.fragments))
            .fold(0, usize::saturating_add),
        bad_text,
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

    fn login_count(query: &str) -> usize {
        let model = CostModel {
            default_page_size: 20,
            max_page_size: 100,
            bounds: Bounds::default(),
        };
        inspect(query, &Variables::default(), &model).logins
    }

    #[test]
    fn nul_is_found_in_arguments_variables_and_defaults() {
        let model = CostModel {
            default_page_size: 20,
            max_page_size: 100,
            bounds: Bounds::default(),
        };
        let field = |query: &str, vars: serde_json::Value| match inspect(
            query,
            &Variables::from_json(vars),
            &model,
        )
        .bad_text
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
}
