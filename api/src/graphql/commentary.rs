//! `Commentary`: what people and groups said about programs, and its list filter.

use super::citation::Citation;
use super::context::loaders;
use super::enums::{CommentaryKind, Stance};
use super::ids::{RecordKind, encode};
use super::in_place::InPlace;
use super::loaders::{CitationsOf, PersonById, ProgramsOf, SourceById, one};
use super::person::Person;
use super::program::Program;
use super::scalars::PartialDate;
use super::source::Source;
use crate::kb::error::ApiResult;
use async_graphql::{Context, ID, InputObject, Object};
use entity::{commentary, commentary_program, program};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, QueryFilter, Select};

/// A quote or paraphrase about one or more programs, by a person or by a named group.
pub struct Commentary(pub std::sync::Arc<commentary::Model>);

impl From<commentary::Model> for Commentary {
    fn from(row: commentary::Model) -> Self {
        Self(std::sync::Arc::new(row))
    }
}

/// A quote or paraphrase about one or more programs, by a person or by a named group.
#[Object]
impl Commentary {
    /// Opaque global ID, for `node(id:)`.
    pub async fn id(&self) -> ID {
        encode(RecordKind::Commentary, self.0.id)
    }

    /// Its stable permalink (JSON-LD there with `Accept: application/ld+json`).
    async fn permalink(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(super::context::base(ctx)?.record(encode(RecordKind::Commentary, self.0.id).as_str()))
    }

    /// A ready-to-paste citation: "visa-kb, '…', revision N, retrieved …, <permalink>".
    async fn cite_as(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let link =
            super::context::base(ctx)?.record(encode(RecordKind::Commentary, self.0.id).as_str());
        let title = {
            let who = match (self.0.person_id, &self.0.group_name) {
                (Some(id), _) => one(loaders(ctx)?, PersonById(id))
                    .await?
                    .map_or_else(String::new, |p| p.name.clone()),
                (None, Some(group)) => group.clone(),
                (None, None) => String::new(),
            };
            let words: String = self.0.body.chars().take(80).collect();
            let more = if self.0.body.chars().count() > 80 {
                "…"
            } else {
                ""
            };
            format!("{who}: \"{words}{more}\"")
        };
        Ok(crate::permalink::cite_as(&title, self.0.version, &link))
    }

    /// Who said it, when it was one person.
    async fn person(&self, ctx: &Context<'_>) -> Option<Person> {
        let found = async {
            match self.0.person_id {
                Some(id) => Ok(one(loaders(ctx)?, PersonById(id)).await?.map(Person)),
                None => Ok(None),
            }
        };
        super::error::or_null(ctx, found.await)
    }

    /// Who said it, when it was a group (e.g. `Chinese officials`).
    async fn group(&self) -> Option<&str> {
        self.0.group_name.as_deref()
    }

    /// Verbatim quote or paraphrase.
    async fn kind(&self) -> CommentaryKind {
        self.0.kind.into()
    }

    /// What was said.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// Attitude towards the programs.
    async fn stance(&self) -> Stance {
        self.0.stance.into()
    }

    /// When it was said, to the precision known; null when not known.
    async fn said_on(&self) -> Option<PartialDate> {
        PartialDate::from_parts(self.0.said_on, self.0.said_precision)
    }

    /// Where it was published.
    async fn source(&self, ctx: &Context<'_>) -> Option<InPlace<Source>> {
        let found = async {
            match self.0.source_id {
                Some(id) => Ok(one(loaders(ctx)?, SourceById(id))
                    .await?
                    .map(|s| InPlace(Source(s)))),
                None => Ok(None),
            }
        };
        super::error::or_null(ctx, found.await)
    }

    /// The programs it is about.
    async fn programs(&self, ctx: &Context<'_>) -> ApiResult<Vec<Program>> {
        let rows = one(loaders(ctx)?, ProgramsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.iter().cloned().map(Program::from).collect())
    }

    /// The sources that report it.
    async fn citations(&self, ctx: &Context<'_>) -> ApiResult<Vec<InPlace<Citation>>> {
        super::citation::of(ctx, CitationsOf::Commentary(self.0.id)).await
    }

    /// False when no source reports it.
    async fn cited(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        super::citation::is_cited(ctx, CitationsOf::Commentary(self.0.id)).await
    }
}

/// Which commentary to list.
#[derive(InputObject, Debug, Default)]
pub struct CommentaryFilter {
    /// Only commentary about the program with this slug.
    pub program: Option<String>,
    /// Stances.
    pub stance: Option<Vec<Stance>>,
}

impl CommentaryFilter {
    pub fn apply(
        self,
        mut select: Select<commentary::Entity>,
    ) -> ApiResult<Select<commentary::Entity>> {
        if let Some(slug) = self.program {
            crate::kb::values::check_slug("filter.program", &slug)?;
            let program_ids = Query::select()
                .column(program::Column::Id)
                .from(program::Entity)
                .and_where(program::Column::Slug.eq(slug))
                .to_owned();
            let sub = Query::select()
                .column(commentary_program::Column::CommentaryId)
                .from(commentary_program::Entity)
                .and_where(commentary_program::Column::ProgramId.in_subquery(program_ids))
                .to_owned();
            select = select.filter(commentary::Column::Id.in_subquery(sub));
        }
        if let Some(stances) = self.stance {
            select = select.filter(
                commentary::Column::Stance
                    .is_in(stances.into_iter().map(entity::enums::Stance::from)),
            );
        }
        Ok(select)
    }
}
