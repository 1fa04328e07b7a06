//! Checks on a whole GraphQL document before anything runs: text the databases cannot hold
//! (an extension, so every operation of every request passes through it), and how many sign-ins
//! a request carries (the HTTP layer refuses more than one).

use crate::kb::error::ApiError;
use crate::kb::values::check_storable;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError, ServerResult, Value, Variables};
use std::collections::HashMap;
use std::sync::Arc;

/// Refuses any argument, variable or default value whose text a database cannot hold (NUL) as
/// BAD_USER_INPUT naming it, the same on SQLite and PostgreSQL, before any resolver runs.
pub struct StorableText;

impl ExtensionFactory for StorableText {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(StorableTextCheck)
    }
}

struct StorableTextCheck;

#[async_graphql::async_trait::async_trait]
impl Extension for StorableTextCheck {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        for (name, value) in variables.iter() {
            check_const(&format!("${name}"), value).map_err(|e| refusal(e, None))?;
        }
        let document = next.run(ctx, query, variables).await?;
        for (_, operation) in document.operations.iter() {
            for variable in &operation.node.variable_definitions {
                if let Some(default) = &variable.node.default_value {
                    let name = format!("${}", variable.node.name.node);
                    check_const(&name, &default.node).map_err(|e| refusal(e, Some(default.pos)))?;
                }
            }
            check_selections(&operation.node.selection_set)?;
        }
        for fragment in document.fragments.values() {
            check_selections(&fragment.node.selection_set)?;
        }
        Ok(document)
    }
}

fn refusal(err: ApiError, pos: Option<async_graphql::Pos>) -> ServerError {
    async_graphql::Error::from(err).into_server_error(pos.unwrap_or_default())
}

fn check_selections(set: &Positioned<SelectionSet>) -> ServerResult<()> {
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
                    check_const(name.node.as_str(), &literal)
                        .map_err(|e| refusal(e, Some(value.pos)))?;
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

/// How many `login` fields the mutations of `query` select at their root (aliases and
/// fragments included). Zero for a document that does not parse: execution reports that.
pub fn login_count(query: &str) -> usize {
    // Most documents never mention it; parsing them again would be wasted work.
    if !query.contains("login") {
        return 0;
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return 0;
    };
    document
        .operations
        .iter()
        .filter(|(_, op)| op.node.ty == OperationType::Mutation)
        .map(|(_, op)| root_logins(&op.node.selection_set, &document.fragments, 0))
        .sum()
}

/// Fragments nest at most this deep here (validation refuses cycles later anyway).
const MAX_FRAGMENT_DEPTH: usize = 8;

fn root_logins(
    set: &Positioned<SelectionSet>,
    fragments: &HashMap<Name, Positioned<async_graphql::parser::types::FragmentDefinition>>,
    depth: usize,
) -> usize {
    if depth > MAX_FRAGMENT_DEPTH {
        return 0;
    }
    set.node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => usize::from(field.node.name.node.as_str() == "login"),
            Selection::InlineFragment(fragment) => {
                root_logins(&fragment.node.selection_set, fragments, depth + 1)
            }
            Selection::FragmentSpread(spread) => fragments
                .get(&spread.node.fragment_name.node)
                .map_or(0, |f| {
                    root_logins(&f.node.selection_set, fragments, depth + 1)
                }),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::login_count;

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
