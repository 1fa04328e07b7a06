//! Snapshots of what journalists read: the K visa and the H-1B as the API serves them. Both
//! backends must match the same snapshot, so SQLite and PostgreSQL answer identically.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test integration snapshots`).

use serde_json::json;

const DETAIL: &str = r#"query($slug: String!) { program(slug: $slug) {
    slug name localName country category legalStatus summary administeringAuthority legalBasis
    inForceOn { text precision } validity { value unit } maxStay { value unit }
    entries employerSponsorship workAuthorization prPath cited
    facts { field wording confidence unknown note cited citations { field excerpt confidence source { url title publisher kind publishedOn { text precision } publishedNote } } }
    requirements { kind description mandatory confidence note cited citations { confidence source { url } } }
    fees { label amount { amount currency } amountText effectiveFrom effectiveUntil confidence note cited citations { confidence source { url } } }
    commentaries { kind body stance group saidOn { text } person { name affiliation } source { title url } citations { excerpt } programs { slug } }
    policyEvents { date { text precision } kind title description citations { confidence excerpt source { url title } } }
} }"#;

backend_test!(k_visa, seeded, |app| async move {
    let data = app.data(DETAIL, json!({"slug": "cn-k-visa"})).await;
    insta::assert_json_snapshot!("k_visa", data);
});

backend_test!(h1b, seeded, |app| async move {
    let data = app.data(DETAIL, json!({"slug": "us-h1b"})).await;
    insta::assert_json_snapshot!("h1b", data);
});

backend_test!(a_globenomad_program, seeded, |app| async move {
    let data = app
        .data(DETAIL, json!({"slug": "portugal-digital-nomad"}))
        .await;
    insta::assert_json_snapshot!("portugal_digital_nomad", data);
});
