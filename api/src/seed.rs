//! The bundled content (`data/`), imported into an empty database on first start through the
//! same import code as `visa-kb import`.

use crate::import::{ImportError, ImportReport, import_documents, parse_json};
use sea_orm::DatabaseConnection;

const RESEARCH: &str = include_str!("../../data/programs.research.json");
const RESEARCH_CURATION: &str = include_str!("../../data/programs.research.curation.json");
const GLOBENOMAD: &str = include_str!("../../data/datasets/globenomad/visas.json");
const ARTICLE: &str = include_str!("../../data/curated/source-article.visa-kb.json");

/// Seeds the database if it holds no program yet; `None` when there was nothing to do.
pub async fn seed_if_empty(db: &DatabaseConnection) -> Result<Option<ImportReport>, ImportError> {
    let docs = vec![
        parse_json(RESEARCH, Some(RESEARCH_CURATION))?,
        parse_json(GLOBENOMAD, None)?,
        // The article's events and commentary refer to programs and sources of the research.
        parse_json(ARTICLE, None)?,
    ];
    import_documents(db, docs, true).await
}
