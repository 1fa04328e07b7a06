//! What a request may cost before it runs: every selected field counts once per object it is
//! selected on, and a list multiplies what is selected under it by the rows it may return: its
//! `first`/`last` (or the default page size) for a page, the data's own bound for a list
//! without paging (`kb::bounds`: the most requirements any program has, ...), the number of
//! programs for `eligiblePrograms`. The HTTP layer adds up every operation of a request (a
//! batch shares one budget) and refuses the request over the limit before anything runs.

use crate::kb::bounds::Bounds;
use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, Field, FragmentDefinition, SelectionSet};
use async_graphql::{Name, Positioned, Value};
use std::collections::HashMap;

/// The numbers a cost is counted with.
#[derive(Debug, Clone, Copy)]
pub struct CostModel {
    pub default_page_size: u64,
    pub max_page_size: u64,
    pub bounds: Bounds,
}

/// Root fields that are pages (Relay connections).
const PAGES: [&str; 10] = [
    "eligiblePrograms",
    "programs",
    "sources",
    "people",
    "commentaries",
    "policyEvents",
    "search",
    "changes",
    "timeline",
    "auditLog",
];

/// Rows a comparison shows: its attributes and requirement kinds (a bound, not a count).
const COMPARISON_ROWS: u64 = 40;
/// Programs a comparison may hold.
const COMPARISON_PROGRAMS: u64 = 10;
/// Field changes of one record: at most its columns.
const FIELD_CHANGES: u64 = 40;
/// Checks of one eligibility answer besides its requirements.
const PROFILE_CHECKS: u64 = 8;
/// Fragments spread into fragments deeper than this are not followed (validation refuses
/// cycles; depth is limited anyway).
const MAX_FRAGMENT_DEPTH: usize = 32;

impl CostModel {
    /// The cost of `query` with `variables`; None when it does not parse (the executor says
    /// why).
    pub fn of(&self, query: &str, variables: &Variables) -> Option<u64> {
        let document = async_graphql::parser::parse_query(query).ok()?;
        Some(self.of_document(&document, variables))
    }

    /// The cost of a parsed `document` with `variables`.
    pub fn of_document(&self, document: &ExecutableDocument, variables: &Variables) -> u64 {
        let walk = Walk {
            model: self,
            fragments: &document.fragments,
            variables,
            visits: std::cell::Cell::new(0),
        };
        document
            .operations
            .iter()
            .map(|(_, op)| walk.selections(&op.node.selection_set, 1, ""))
            .fold(0, u64::saturating_add)
    }
}

struct Walk<'a> {
    model: &'a CostModel,
    fragments: &'a Fragments,
    variables: &'a Variables,
    visits: std::cell::Cell<u64>,
}

/// A document's fragments by name.
pub(crate) type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Selections one walk of a document may visit, fragments expanded: far more than any real
/// request (a page of everything is a few hundred), far less than a fragment bomb (fragments
/// spreading the next one ten times, 20 deep).
const MAX_VISITS: u64 = 100_000;

/// Calls `f` on each field selected directly in `set`, fragments expanded (the fields of one
/// level). False when the walk gave up: more than [`MAX_VISITS`] selections visited (counted in
/// `visits` across calls), or fragments nested deeper than [`MAX_FRAGMENT_DEPTH`] (only a
/// cycle, which validation refuses, goes that deep).
pub(crate) fn fields_of(
    set: &Positioned<SelectionSet>,
    fragments: &Fragments,
    visits: &std::cell::Cell<u64>,
    f: &mut dyn FnMut(&Positioned<Field>),
) -> bool {
    fn walk(
        set: &Positioned<SelectionSet>,
        fragments: &Fragments,
        visits: &std::cell::Cell<u64>,
        depth: usize,
        f: &mut dyn FnMut(&Positioned<Field>),
    ) -> bool {
        use async_graphql::parser::types::Selection;
        if depth > MAX_FRAGMENT_DEPTH {
            return false;
        }
        for item in &set.node.items {
            visits.set(visits.get() + 1);
            if visits.get() > MAX_VISITS {
                return false;
            }
            let complete = match &item.node {
                Selection::Field(field) => {
                    f(field);
                    true
                }
                Selection::InlineFragment(fragment) => walk(
                    &fragment.node.selection_set,
                    fragments,
                    visits,
                    depth + 1,
                    f,
                ),
                Selection::FragmentSpread(spread) => fragments
                    .get(&spread.node.fragment_name.node)
                    .is_none_or(|d| walk(&d.node.selection_set, fragments, visits, depth + 1, f)),
            };
            if !complete {
                return false;
            }
        }
        true
    }
    walk(set, fragments, visits, 0, f)
}

impl Walk<'_> {
    /// The cost of `set`, selected on `times` objects returned by the field `parent` (`""` at
    /// the root).
    fn selections(&self, set: &Positioned<SelectionSet>, times: u64, parent: &str) -> u64 {
        let mut total: u64 = 0;
        let complete = fields_of(set, self.fragments, &self.visits, &mut |field| {
            let rows = self.rows(&field.node, parent);
            let children = times.saturating_mul(rows);
            total = total.saturating_add(times).saturating_add(self.selections(
                &field.node.selection_set,
                children,
                field.node.name.node.as_str(),
            ));
        });
        // A document whose fragments fan out past any real need is priced out, not walked.
        if complete { total } else { u64::MAX }
    }

    /// An integer argument, literal or from a variable.
    fn int_argument(&self, field: &Field, name: &str) -> Option<u64> {
        let value = &field.get_argument(name)?.node;
        let value = value
            .clone()
            .into_const_with(|var| self.variables.get(&var).cloned().ok_or(()))
            .ok()?;
        match value {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// How many objects `field`, selected under the field `parent`, may return.
    fn rows(&self, field: &Field, parent: &str) -> u64 {
        let root = parent.is_empty();
        let m = self.model;
        let b = &m.bounds;
        let name = field.name.node.as_str();
        let first = self.int_argument(field, "first");
        let last = self.int_argument(field, "last");
        if first.is_some() || last.is_some() {
            return first.max(last).unwrap_or(0).min(m.max_page_size);
        }
        if root && PAGES.contains(&name) {
            return m.default_page_size;
        }
        let at_least_one = |n: u64| n.max(1);
        match (root, name) {
            (true, "editorialRecords") => self.int_argument(field, "limit").unwrap_or(20),
            (true, "revisions") => at_least_one(b.revisions_per_record),
            (true, "users") => at_least_one(b.users),
            (false, "requirements") => at_least_one(b.requirements_per_program),
            (false, "fees") => at_least_one(b.fees_per_program),
            (false, "policyEvents") => at_least_one(b.events_per_program),
            (false, "facts") => at_least_one(b.facts_per_program),
            (false, "commentaries") => at_least_one(b.commentaries_per_program),
            (false, "citations") => at_least_one(match parent {
                "facts" | "cells" | "values" | "value" => {
                    b.citations_per_fact.max(b.citations_per_record)
                }
                "requirements" | "fees" | "policyEvents" | "commentaries" => b.citations_per_record,
                // A program's own, or a record whose kind the parent does not tell.
                _ => b.citations_per_program.max(b.citations_per_record),
            }),
            (false, "programs") => b.programs_per_commentary.max(COMPARISON_PROGRAMS),
            (false, "checks") => b.requirements_per_program + PROFILE_CHECKS,
            (false, "rows" | "values") => COMPARISON_ROWS,
            // A page of `valuesToReverify`: at most the largest page.
            (false, "items") => m.max_page_size,
            (false, "cells") => COMPARISON_PROGRAMS,
            (false, "changes" | "pendingChanges") => FIELD_CHANGES,
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> CostModel {
        CostModel {
            default_page_size: 20,
            max_page_size: 100,
            bounds: Bounds {
                programs: 2000,
                requirements_per_program: 5,
                fees_per_program: 2,
                events_per_program: 3,
                facts_per_program: 2,
                commentaries_per_program: 2,
                programs_per_commentary: 1,
                citations_per_program: 30,
                citations_per_fact: 3,
                citations_per_record: 3,
                revisions_per_record: 9,
                users: 4,
            },
        }
    }

    fn cost(query: &str, variables: serde_json::Value) -> u64 {
        let variables = Variables::from_json(variables);
        model().of(query, &variables).unwrap_or(0)
    }

    #[test]
    fn lists_multiply_what_is_selected_under_them() {
        // 1 (programs) + 50 x (1 nodes + 1 name + 1 requirements + 5 x 1 kind)
        assert_eq!(
            cost(
                "{ programs(first: 50) { nodes { name requirements { kind } } } }",
                serde_json::json!({})
            ),
            1 + 50 * (1 + 1 + 1 + 5)
        );
        // The same through a variable, an omitted page size, and a fragment.
        assert_eq!(
            cost(
                "query($n: Int) { programs(first: $n) { ...P } } fragment P on ProgramConnection { nodes { name } }",
                serde_json::json!({ "n": 10 })
            ),
            1 + 10 * 2
        );
        assert_eq!(
            cost("{ programs { totalCount } }", serde_json::json!({})),
            1 + 20
        );
        assert_eq!(
            cost(
                "{ programs(first: 100000) { totalCount } }",
                serde_json::json!({})
            ),
            1 + 100,
            "a page is never counted beyond the largest page"
        );
    }

    #[test]
    fn a_fragment_bomb_is_priced_out_without_being_walked() {
        let mut query = String::from("{ ...F0 }");
        for i in 0..20 {
            let spreads = (0..10)
                .map(|_| format!("...F{}", i + 1))
                .collect::<Vec<_>>()
                .join(" ");
            query.push_str(&format!(" fragment F{i} on Query {{ {spreads} }}"));
        }
        query.push_str(" fragment F20 on Query { __typename }");
        let started = std::time::Instant::now();
        assert_eq!(cost(&query, serde_json::json!({})), u64::MAX);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn eligibility_counts_a_page_and_aliases_add_up() {
        let one = cost(
            "{ eligiblePrograms(profile: {}, first: 10) { edges { node { program { name fees { label } } } } } }",
            serde_json::json!({}),
        );
        // Per result: its edge, node, program, name, fees (one row) and two labels.
        assert_eq!(one, 1 + 10 * (1 + 1 + 1 + 1 + 1 + 2));
        let two = cost(
            "{ a: eligiblePrograms(profile: {}, first: 5) { edges { node { result } } } b: eligiblePrograms(profile: {}, first: 5) { edges { node { result } } } }",
            serde_json::json!({}),
        );
        assert_eq!(two, 2 * (1 + 5 * (1 + 1 + 1)));
        assert_eq!(
            cost("{ program(slug: \"x\") { name } }", serde_json::json!({})),
            2
        );
        assert_eq!(model().of("{ nope", &Variables::default()), None);
    }
}
