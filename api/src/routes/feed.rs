//! `GET /feed.atom`: the public changes (the `changes` query) as an Atom feed for newsroom feed
//! readers: the 50 newest, or those after `?since=` (RFC 3339).

use crate::kb::changes::{self, ChangeKind, public_changes};
use crate::kb::error::ApiError;
use crate::kb::global_id;
use actix_web::{HttpRequest, HttpResponse, web};
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, QuerySelect};
use serde::Deserialize;

/// Entries per feed document.
const FEED_SIZE: u64 = 50;

#[derive(Deserialize)]
pub struct FeedParams {
    since: Option<String>,
}

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "(empty)".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel.to_owned());
    link.set_mime_type(mime.map(str::to_owned));
    link
}

pub async fn atom(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    config: web::Data<super::state::RequestConfig>,
    params: web::Query<FeedParams>,
) -> HttpResponse {
    let since = match params.since.as_deref().map(DateTime::parse_from_rfc3339) {
        None => None,
        Some(Ok(t)) => Some(t.with_timezone(&Utc)),
        Some(Err(_)) => {
            let bad = ApiError::bad_input(
                "since",
                "`since` is an RFC 3339 date-time, e.g. 2025-09-21T00:00:00Z",
            );
            return super::error::response(bad, "feed");
        }
    };
    let base = super::state::public_base(&req, &config);
    match build(&db, since, &base).await {
        Ok(feed) => HttpResponse::Ok()
            .content_type("application/atom+xml; charset=utf-8")
            .body(feed.to_string()),
        Err(e) => super::error::response(e, "feed"),
    }
}

async fn build(
    db: &DatabaseConnection,
    since: Option<DateTime<Utc>>,
    base: &crate::permalink::PublicBase,
) -> crate::kb::error::ApiResult<Feed> {
    let root = base.0.as_str();
    let rows = crate::kb::lists::changes_order()
        .sort(public_changes(since, &[]))
        .limit(FEED_SIZE)
        .all(db)
        .await?;
    let previous =
        changes::predecessors(db, rows.iter().filter_map(|r| r.previous_public_id)).await?;
    let mut entries = Vec::with_capacity(rows.len());
    let mut newest: Option<DateTime<Utc>> = None;
    for row in rows {
        newest = newest.max(Some(row.created_at));
        let before = row.previous_public_id.and_then(|id| previous.get(&id));
        let detail = changes::detail(&row, before)?;
        let id = global_id::encode(detail.kind, row.record_id);
        let what = match detail.kind_of_change {
            ChangeKind::New => "new",
            ChangeKind::Updated => "updated",
        };
        let mut entry = Entry::default();
        entry.set_id(format!("{root}/changes/{}", row.id));
        entry.set_title(Text::plain(format!(
            "{} {what}: {}",
            row.record_type, detail.title
        )));
        entry.set_updated(row.created_at.fixed_offset());
        entry.set_links(vec![link(base.record(&id), "alternate", None)]);
        entry.set_summary(Some(Text::plain(row.summary.clone())));
        let lines: Vec<String> = detail
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} → {}",
                    c.field,
                    value_text(&c.before),
                    value_text(&c.after)
                )
            })
            .collect();
        let mut content = Content::default();
        content.set_content_type(Some("text".to_owned()));
        content.set_value(Some(if lines.is_empty() {
            format!(
                "Published version {} of this {}.",
                row.version, row.record_type
            )
        } else {
            lines.join("\n")
        }));
        entry.set_content(Some(content));
        entries.push(entry);
    }
    let mut author = Person::default();
    author.set_name("visa-kb");
    let mut feed = Feed::default();
    feed.set_title(Text::plain("visa-kb: what changed"));
    feed.set_id(format!("{root}/feed.atom"));
    feed.set_updated(newest.unwrap_or_else(Utc::now).fixed_offset());
    feed.set_authors(vec![author]);
    feed.set_links(vec![
        link(
            format!("{root}/feed.atom"),
            "self",
            Some("application/atom+xml"),
        ),
        link(format!("{root}/"), "alternate", None),
    ]);
    feed.set_entries(entries);
    Ok(feed)
}
