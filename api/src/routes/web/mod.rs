//! The web pages journalists read: server-rendered HTML over the domain's read models, readable
//! with JavaScript off. Templates are askama's (`api/templates/`): checked at compile time and
//! escaped by default, so a value can only become markup where a view says it already is.

pub mod sheet;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

/// The page for a browser that asked for something readers may not see, or that is not there.
#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFound;

/// `status` with `page` rendered, under the pages' policy; a template that fails to render is
/// logged and answered as a plain 500.
pub fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(html) => {
            let mut response = super::page::html(html, None);
            *response.status_mut() = status;
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("internal error")
        }
    }
}

/// The HTML 404. (No 410: a withdrawn record and a draft look the same to readers, so that a
/// page cannot tell them a draft exists.)
pub fn not_found() -> HttpResponse {
    render(StatusCode::NOT_FOUND, &NotFound)
}
