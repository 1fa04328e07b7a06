//! `ProgramValue` and the cells of a comparison: a value of a program's sheet (`kb::sheet`)
//! with its state, wording, note, citations and last verification.

use super::citation::Citation;
use super::in_place::InPlace;
use super::scalars::PartialDate;
use crate::kb::sheet;
use async_graphql::{Enum, MergedObject, Object};
use std::sync::Arc;

/// How far a value can be trusted.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CellState {
    /// The value is known: a cited official or secondary source supports it.
    Known,
    /// The knowledge base does not know: the sources do not say, or nothing is recorded.
    Unknown,
    /// The sources leave it open (e.g. the K visa's work rights), or its term has run out with
    /// no source since (see the note).
    Unconfirmed,
    /// A value backed only by unverified research: no cited official or secondary source
    /// supports it yet (shown, but not to be printed as fact).
    Unverified,
}

impl From<sheet::State> for CellState {
    fn from(state: sheet::State) -> Self {
        match state {
            sheet::State::Known => Self::Known,
            sheet::State::Unknown => Self::Unknown,
            sheet::State::Unconfirmed => Self::Unconfirmed,
            sheet::State::Unverified => Self::Unverified,
        }
    }
}

/// The fields every value shows, in a comparison and on a program alike.
pub struct ValueFields(pub Arc<sheet::Cell>);

#[Object]
impl ValueFields {
    /// The value in words (e.g. `no`, `5 years`, `USD 100000 (H-1B petition payment, from
    /// 2025-09-21)`); null when unknown.
    async fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }

    /// KNOWN, UNVERIFIED, UNCONFIRMED or UNKNOWN: print only KNOWN values as fact.
    async fn state(&self) -> CellState {
        self.0.state.into()
    }

    /// The researched wording behind the value, when it says more than the value.
    async fn wording(&self) -> Option<&str> {
        self.0.wording.as_deref()
    }

    /// A note on the value (why it is unknown or unconfirmed, what is not recorded).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The sources behind the value (title, publisher, date, URL, excerpt, confidence).
    async fn citations(&self) -> Vec<InPlace<Citation>> {
        self.0
            .citations
            .iter()
            .cloned()
            .map(|c| InPlace(Citation(c)))
            .collect()
    }

    /// False when no source backs the value: print it as uncited.
    async fn cited(&self) -> bool {
        !self.0.citations.is_empty()
    }

    /// When a source last verified the value: the newest publication or access date among the
    /// sources behind it, at its precision (`2025-09`); null when none ever did.
    async fn last_verified_on(&self) -> Option<PartialDate> {
        self.0.last_verified.map(PartialDate)
    }
}

/// The attribute a program's value is for.
pub struct ValueAttribute {
    attribute: String,
    label: String,
}

#[Object]
impl ValueAttribute {
    /// Machine name, e.g. `employerSponsorship` or `requirement.education`.
    async fn attribute(&self) -> &str {
        &self.attribute
    }

    /// Human label, e.g. "Employer sponsorship".
    async fn label(&self) -> &str {
        &self.label
    }
}

/// One attribute of a program with its value, its state and the sources behind it.
#[derive(MergedObject)]
pub struct ProgramValue(ValueAttribute, ValueFields);

impl From<sheet::Value> for ProgramValue {
    fn from(v: sheet::Value) -> Self {
        Self(
            ValueAttribute {
                attribute: v.attribute,
                label: v.label,
            },
            ValueFields(Arc::new(v.cell)),
        )
    }
}
