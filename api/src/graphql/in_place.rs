//! Objects whose fields are resolved one after another in the task of their parent.
//!
//! async-graphql resolves each selected field of an object as its own boxed future and joins
//! them. For an object whose fields only read what it holds (a comparison cell, a citation,
//! a fee), that machinery is most of the work: a comparison of ten programs selects about a
//! thousand such fields, and profiling it showed the boxing, the moving of those futures and
//! their joining taking more of the server's time than the fields themselves.
//!
//! [`InPlace`] serves the same type (same name, same fields, same SDL) and answers exactly as
//! async-graphql's `resolve_container` does: fields in selection order, fragments applied by
//! their type condition, `__typename`, a repeated response key merged, the first error
//! returned. Only the scheduling differs: each field is awaited in turn, except the fields a
//! type names in [`LoaderFields`], which wait on the request's loaders and run together as
//! the library runs them, so that their loads still go out in one round.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ServerError, ServerResult, Value,
};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// `T`, its fields resolved in place (see the module).
pub struct InPlace<T>(pub T);

/// The fields of a type (by their GraphQL names) that wait on the request's loaders.
pub trait LoaderFields {
    const LOADER_FIELDS: &'static [&'static str];
}

type Waiting<'a> = Pin<Box<dyn Future<Output = ServerResult<Option<Value>>> + Send + 'a>>;

impl<T: ContainerType + LoaderFields> OutputType for InPlace<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        // A field directive wraps its field's future: leave those to the library. (The schema
        // registers no extension, whose resolve hook would be skipped here too.)
        let mut fields = Vec::new();
        if !collect(ctx, &self.0, &mut fields)? {
            return resolve_container(ctx, &self.0).await;
        }
        let contexts: Vec<_> = fields.iter().map(|(set, f)| set.with_field(f)).collect();
        let mut values = Vec::with_capacity(fields.len());
        let mut waiting: Vec<Waiting<'_>> = Vec::new();
        for ctx_field in &contexts {
            let name = ctx_field.item.node.name.node.as_str();
            values.push(if name == "__typename" {
                Some(Value::String(self.0.introspection_type_name().into_owned()))
            } else if T::LOADER_FIELDS.contains(&name) {
                waiting.push(Box::pin(self.0.resolve_field(ctx_field)));
                None
            } else {
                Some(self.0.resolve_field(ctx_field).await?.unwrap_or_default())
            });
        }
        let mut waited = futures::future::try_join_all(waiting).await?.into_iter();
        let mut object = IndexMap::with_capacity(fields.len());
        for (ctx_field, value) in contexts.iter().zip(values) {
            let value = match value {
                Some(value) => value,
                None => waited.next().flatten().unwrap_or_default(),
            };
            insert(
                &mut object,
                ctx_field.item.node.response_key().node.clone(),
                value,
            );
        }
        Ok(Value::Object(object))
    }
}

/// The selected fields of `root`, each with the selection set it was found in, as
/// `Fields::add_set` visits them; false when a field carries a directive.
fn collect<'a, T: ContainerType>(
    ctx: &ContextSelectionSet<'a>,
    root: &T,
    fields: &mut Vec<(ContextSelectionSet<'a>, &'a Positioned<Field>)>,
) -> ServerResult<bool> {
    for selection in &ctx.item.node.items {
        let (condition, set) = match &selection.node {
            Selection::Field(field) => {
                if !field.node.directives.is_empty() {
                    return Ok(false);
                }
                fields.push((ctx.clone(), field));
                continue;
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                let Some(fragment) = ctx.query_env.fragments.get(name) else {
                    return Err(ServerError::new(
                        format!(r#"Unknown fragment "{name}"."#),
                        Some(spread.pos),
                    ));
                };
                (
                    Some(fragment.node.type_condition.node.on.node.as_str()),
                    &fragment.node.selection_set,
                )
            }
            Selection::InlineFragment(fragment) => (
                fragment
                    .node
                    .type_condition
                    .as_ref()
                    .map(|c| c.node.on.node.as_str()),
                &fragment.node.selection_set,
            ),
        };
        let own = root.introspection_type_name();
        let applies = match condition {
            None => true,
            Some(condition) => {
                own == condition
                    || T::type_name() == condition
                    || ctx
                        .schema_env
                        .registry
                        .implements
                        .get(own.as_ref())
                        .is_some_and(|interfaces| interfaces.contains(condition))
            }
        };
        if applies && !collect(&ctx.with_selection_set(set), root, fields)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Adds a field's value under its response key, merging a key selected twice as
/// async-graphql does (objects field by field, lists item by item).
fn insert(target: &mut IndexMap<Name, Value>, key: Name, value: Value) {
    let Some(previous) = target.get_mut(&key) else {
        target.insert(key, value);
        return;
    };
    match (previous, value) {
        (Value::Object(previous), Value::Object(value)) => {
            for (key, value) in value {
                insert(previous, key, value);
            }
        }
        (Value::List(previous), Value::List(value)) => {
            for (item, value) in previous.iter_mut().zip(value) {
                if let (Value::Object(item), Value::Object(value)) = (item, value) {
                    for (key, value) in value {
                        insert(item, key, value);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::InPlace;
    use async_graphql::{EmptyMutation, EmptySubscription, Interface, Object, Schema};

    struct Inner;

    #[Object]
    impl Inner {
        async fn a(&self) -> i32 {
            1
        }
        async fn b(&self) -> &str {
            "b"
        }
    }

    struct Thing(i32);

    #[Object]
    impl Thing {
        async fn n(&self) -> i32 {
            self.0
        }
        async fn label(&self) -> String {
            format!("thing {}", self.0)
        }
        async fn inner(&self) -> Inner {
            Inner
        }
        async fn inners(&self) -> Vec<Inner> {
            vec![Inner, Inner]
        }
        async fn fails(&self) -> async_graphql::Result<Option<i32>> {
            Err("no".into())
        }
        async fn waits(&self) -> i32 {
            tokio::task::yield_now().await;
            self.0 * 2
        }
        /// Waits too, but is not listed: awaited in turn.
        async fn yields(&self) -> i32 {
            tokio::task::yield_now().await;
            self.0 * 3
        }
    }

    impl super::LoaderFields for Thing {
        const LOADER_FIELDS: &'static [&'static str] = &["waits", "fails"];
    }

    #[derive(Interface)]
    #[graphql(field(name = "n", ty = "i32"))]
    #[allow(dead_code)]
    enum Numbered {
        Thing(Thing),
    }

    struct Query;

    #[Object]
    impl Query {
        /// The library's resolver.
        async fn library(&self) -> Vec<Thing> {
            vec![Thing(1), Thing(2)]
        }
        /// The same things in place.
        async fn in_place(&self) -> Vec<InPlace<Thing>> {
            vec![InPlace(Thing(1)), InPlace(Thing(2))]
        }
        async fn numbered(&self) -> Option<Numbered> {
            None
        }
    }

    /// The same selection under `library` and `inPlace` gives the same answer and errors.
    async fn same(selection: &str, fragments: &str) {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let answer = |field: &str| {
            let schema = schema.clone();
            let query = format!("{{ {field} {selection} }} {fragments}");
            async move { schema.execute(query.as_str()).await }
        };
        let (usual, in_place) = (answer("library").await, answer("inPlace").await);
        let usual_json = serde_json::to_string(&usual.data).unwrap();
        let in_place_json = serde_json::to_string(&in_place.data).unwrap();
        assert_eq!(
            usual_json.replace("library", "X"),
            in_place_json.replace("inPlace", "X"),
            "{selection}"
        );
        let errors = |r: &async_graphql::Response| {
            serde_json::to_string(&r.errors)
                .unwrap()
                .replace("library", "X")
                .replace("inPlace", "X")
        };
        assert_eq!(errors(&usual), errors(&in_place), "{selection}");
        // Not a selection both refuse: the only error is the one `fails` raises.
        assert!(
            usual.errors.iter().all(|e| e.message == "no"),
            "{:?}",
            usual.errors
        );
    }

    #[tokio::test]
    async fn answers_as_the_library_does() {
        same("{ n label waits }", "").await;
        same("{ __typename m: n n label: n }", "").await;
        same(
            "{ inner { a } inner { b } inners { a } inners { b a } }",
            "",
        )
        .await;
        same("{ ...F n }", "fragment F on Thing { label inner { b } }").await;
        same(
            "{ ... on Thing { n } ... { label } ... on Numbered { n } }",
            "",
        )
        .await;
        same("{ n @skip(if: true) label @include(if: true) }", "").await;
        same("{ n fails }", "").await;
        same("{ fails n label }", "").await;
        same("{ waits m: waits n w: waits }", "").await;
        same("{ yields waits n yields2: yields }", "").await;
    }

    /// Every name a type lists in `LoaderFields` is one of its fields: a renamed field would
    /// otherwise drop out of the list unnoticed.
    #[tokio::test]
    async fn loader_fields_name_real_fields() {
        use super::super::{fact, fee, policy_event, requirement};
        use super::LoaderFields;
        let schema = super::super::schema(crate::config::Limits::default());
        for (type_name, listed) in [
            ("Requirement", requirement::Requirement::LOADER_FIELDS),
            ("Fee", fee::Fee::LOADER_FIELDS),
            ("Fact", fact::Fact::LOADER_FIELDS),
            ("PolicyEvent", policy_event::PolicyEvent::LOADER_FIELDS),
        ] {
            let query = format!(r#"{{ __type(name: "{type_name}") {{ fields {{ name }} }} }}"#);
            let answer = schema.execute(query.as_str()).await.into_result().unwrap();
            let answer = answer.data.into_json().unwrap();
            let fields: Vec<&str> = answer["__type"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|f| f["name"].as_str())
                .collect();
            for name in listed {
                assert!(fields.contains(name), "{type_name} has no field {name}");
            }
        }
    }
}
