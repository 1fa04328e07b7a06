//! Full-text search: our own tokenizer (`text`), an index table kept in step with every write
//! (`index`), and ranked, highlighted queries (`query`). The same SQL runs on both backends.

pub mod index;
pub mod query;
pub mod text;

pub use index::{ensure_index, index_record, reindex_all};
