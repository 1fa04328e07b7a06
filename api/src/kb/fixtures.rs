//! Rows for the domain's unit tests (no database): a program and its children with every
//! optional field empty, to fill in per test.

use chrono::NaiveDate;
use entity::enums::*;
use entity::{policy_event, program, requirement};

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
}

pub fn program(legal_status: LegalStatus) -> program::Model {
    program::Model {
        id: 1,
        slug: "xx-test".into(),
        name: "Test visa".into(),
        sort_name: "test visa".into(),
        local_name: None,
        country: "XX".into(),
        category: Category::Talent,
        legal_status,
        summary: None,
        description: None,
        administering_authority: None,
        legal_basis: None,
        official_url: None,
        announced_on: None,
        announced_precision: None,
        in_force_on: None,
        in_force_precision: None,
        ends_on: None,
        ends_precision: None,
        scheduled_end_on: None,
        scheduled_end_condition: None,
        validity_value: None,
        validity_unit: None,
        max_stay_value: None,
        max_stay_unit: None,
        entries: Entries::Unknown,
        employer_sponsorship: YesNoUnknown::Unknown,
        work_authorization: WorkAuthorization::Unconfirmed,
        pr_path: PrPath::Unclear,
        state: EditorialState::Published,
        version: 1,
        created_at: chrono::DateTime::default(),
        updated_at: chrono::DateTime::default(),
    }
}

pub fn event(id: i32, on: &str, kind: PolicyEventKind) -> policy_event::Model {
    policy_event::Model {
        id,
        program_id: 1,
        occurred_on: day(on),
        precision: DatePrecision::Day,
        kind,
        title: format!("{kind:?}"),
        description: None,
        state: EditorialState::Published,
        version: 1,
        created_at: chrono::DateTime::default(),
        updated_at: chrono::DateTime::default(),
    }
}

pub fn requirement(id: i32, kind: RequirementKind) -> requirement::Model {
    requirement::Model {
        id,
        program_id: 1,
        kind,
        description: Some(format!("{kind:?} rule")),
        mandatory: Some(true),
        min_age: None,
        max_age: None,
        min_degree: None,
        fields_of_study: None,
        min_income_e4: None,
        income_currency: None,
        income_period: None,
        confidence: None,
        note: None,
        position: id,
        scheduled_end_on: None,
        scheduled_end_condition: None,
        state: EditorialState::Published,
        version: 1,
        created_at: chrono::DateTime::default(),
        updated_at: chrono::DateTime::default(),
    }
}
