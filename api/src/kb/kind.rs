//! The kinds of content record, and the names they are stored under.
//!
//! The stored name is the key of a record's rows in the `revision`, `draft`, `audit_log` and
//! `search_term` tables. It is written here once and never derived from a GraphQL type name,
//! so renaming an API type cannot change the meaning of saved rows.

/// A kind of content record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Program,
    Requirement,
    Fee,
    Source,
    Citation,
    Person,
    Commentary,
    PolicyEvent,
}

impl RecordKind {
    /// Every kind, parents before the records that hang from them.
    pub const ALL: [RecordKind; 8] = [
        Self::Program,
        Self::Source,
        Self::Person,
        Self::Requirement,
        Self::Fee,
        Self::PolicyEvent,
        Self::Commentary,
        Self::Citation,
    ];

    /// The name stored in revisions, drafts, the audit log and the search index. These strings
    /// are in databases already: never change one.
    pub fn stored_name(self) -> &'static str {
        match self {
            Self::Program => "Program",
            Self::Requirement => "Requirement",
            Self::Fee => "Fee",
            Self::Source => "Source",
            Self::Citation => "Citation",
            Self::Person => "Person",
            Self::Commentary => "Commentary",
            Self::PolicyEvent => "PolicyEvent",
        }
    }

    /// The kind stored under this name.
    pub fn from_stored_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.stored_name() == name)
    }

    /// The table its rows live in.
    pub fn table(self) -> &'static str {
        match self {
            Self::Program => "program",
            Self::Requirement => "requirement",
            Self::Fee => "fee",
            Self::Source => "source",
            Self::Citation => "citation",
            Self::Person => "person",
            Self::Commentary => "commentary",
            Self::PolicyEvent => "policy_event",
        }
    }

    /// The kind whose rows live in this table.
    pub fn from_table(table: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.table() == table)
    }
}

/// Runs `$body` with `$E` bound to the SeaORM entity of `$kind` (monomorphised per kind, so
/// the body is type-checked against every entity).
macro_rules! with_entity {
    ($kind:expr, $E:ident => $body:expr) => {
        match $kind {
            $crate::kb::RecordKind::Program => {
                type $E = entity::program::Entity;
                $body
            }
            $crate::kb::RecordKind::Requirement => {
                type $E = entity::requirement::Entity;
                $body
            }
            $crate::kb::RecordKind::Fee => {
                type $E = entity::fee::Entity;
                $body
            }
            $crate::kb::RecordKind::Source => {
                type $E = entity::source::Entity;
                $body
            }
            $crate::kb::RecordKind::Citation => {
                type $E = entity::citation::Entity;
                $body
            }
            $crate::kb::RecordKind::Person => {
                type $E = entity::person::Entity;
                $body
            }
            $crate::kb::RecordKind::Commentary => {
                type $E = entity::commentary::Entity;
                $body
            }
            $crate::kb::RecordKind::PolicyEvent => {
                type $E = entity::policy_event::Entity;
                $body
            }
        }
    };
}
pub(crate) use with_entity;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_are_the_ones_in_databases() {
        let names: Vec<&str> = RecordKind::ALL.iter().map(|k| k.stored_name()).collect();
        assert_eq!(
            names,
            [
                "Program",
                "Source",
                "Person",
                "Requirement",
                "Fee",
                "PolicyEvent",
                "Commentary",
                "Citation"
            ]
        );
    }

    #[test]
    fn names_and_tables_round_trip() {
        for kind in RecordKind::ALL {
            assert_eq!(RecordKind::from_stored_name(kind.stored_name()), Some(kind));
            assert_eq!(RecordKind::from_table(kind.table()), Some(kind));
        }
        assert_eq!(RecordKind::from_stored_name("program"), None);
        assert_eq!(RecordKind::from_table("user"), None);
    }
}
