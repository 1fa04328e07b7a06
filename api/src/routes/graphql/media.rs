//! GraphQL over HTTP: which media type an answer is sent as, the status of a request error, and
//! the answer's shape (a request error has no `data` entry).

use actix_web::HttpRequest;
use actix_web::http::{StatusCode, header};
use async_graphql::{Response, ServerError, Value};
use serde::Serialize;
use std::collections::BTreeMap;

/// The media type of an answer, chosen from the request's `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/json`: what clients got before the spec's own type, and what they get
    /// without `Accept` or with only `*/*`. Request errors are 200 for them (legacy clients read
    /// `errors` whatever the status).
    Json,
    /// `application/graphql-response+json`: its status says whether the request was run; a
    /// request error is 4xx.
    GraphqlResponse,
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

impl Media {
    /// The spec's type when the client accepts it at least as much as `application/json`.
    pub fn negotiate(req: &HttpRequest) -> Self {
        let Some(accept) = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
        else {
            return Self::Json;
        };
        let (mut graphql, mut json) = (0.0_f32, 0.0_f32);
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let range = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match range.as_str() {
                GRAPHQL_RESPONSE => graphql = graphql.max(quality),
                JSON => json = json.max(quality),
                _ => {}
            }
        }
        if graphql > 0.0 && graphql >= json {
            Self::GraphqlResponse
        } else {
            Self::Json
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        }
    }

    /// The status of an answer whose operation did not run (parse, validation, coercion or a
    /// limit refused it).
    pub fn request_error_status(self) -> StatusCode {
        match self {
            Self::Json => StatusCode::OK,
            Self::GraphqlResponse => StatusCode::BAD_REQUEST,
        }
    }
}

/// One operation's answer as it is sent: `data` only when the operation ran.
#[derive(Serialize)]
pub struct Answer<'a> {
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, Value>,
}

impl<'a> Answer<'a> {
    pub fn new(response: &'a Response, request_error: bool) -> Self {
        Self {
            errors: &response.errors,
            data: (!request_error).then_some(&response.data),
            extensions: &response.extensions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn chosen(accept: Option<&str>) -> Media {
        let mut req = TestRequest::default();
        if let Some(accept) = accept {
            req = req.insert_header((header::ACCEPT, accept));
        }
        Media::negotiate(&req.to_http_request())
    }

    #[test]
    fn accept_chooses_the_media_type() {
        assert_eq!(chosen(None), Media::Json);
        assert_eq!(chosen(Some("*/*")), Media::Json);
        assert_eq!(chosen(Some("application/json")), Media::Json);
        assert_eq!(chosen(Some(GRAPHQL_RESPONSE)), Media::GraphqlResponse);
        assert_eq!(
            chosen(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Media::GraphqlResponse
        );
        assert_eq!(
            chosen(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Media::Json
        );
        assert_eq!(
            chosen(Some("Application/GraphQL-Response+JSON;charset=utf-8")),
            Media::GraphqlResponse
        );
        assert_eq!(
            chosen(Some("application/graphql-response+json;q=0")),
            Media::Json
        );
    }
}
