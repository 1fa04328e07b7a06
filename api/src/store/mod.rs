//! Rows by kind, below the editorial engine and the search index (which both read records
//! whatever their kind).

pub mod rows;
