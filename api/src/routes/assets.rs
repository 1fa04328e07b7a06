//! Static files embedded in the binary: GraphiQL and its libraries (`api/assets/graphiql/`,
//! pinned versions, see its README), and the editors' workspace (`api/assets/edit/`). Their
//! paths carry a version (GraphiQL's release, or a digest of the workspace's files), so they
//! never change at a path and are kept for a year (`immutable`).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use base64::Engine;
use sha2::{Digest, Sha384};

/// The GraphiQL release the files come from: part of their paths.
pub const GRAPHIQL_VERSION: &str = "3.8.3";

/// An embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $type:literal) => {
        asset!("graphiql", $name, $type)
    };
    ($folder:literal, $name:literal, $type:literal) => {
        Asset {
            name: $name,
            content_type: $type,
            bytes: include_bytes!(concat!("../../assets/", $folder, "/", $name)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every embedded file.
pub const GRAPHIQL: [Asset; 6] = [
    asset!("react.production.min.js", "text/javascript; charset=utf-8"),
    asset!(
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("graphiql.min.js", "text/javascript; charset=utf-8"),
    asset!("graphiql.min.css", "text/css; charset=utf-8"),
    asset!("plugin-explorer.umd.js", "text/javascript; charset=utf-8"),
    asset!("plugin-explorer.css", "text/css; charset=utf-8"),
];

/// The editors' workspace: its script and its styles.
pub const EDITOR: [Asset; 2] = [
    asset!("edit", "edit.js", "text/javascript; charset=utf-8"),
    asset!("edit", "edit.css", "text/css; charset=utf-8"),
];

/// The workspace's folder in asset paths: `edit-` and a digest of its files, so that a new
/// build's files are new paths and no browser runs yesterday's script.
pub fn editor_version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut digest = Sha384::new();
        for asset in &EDITOR {
            digest.update(asset.bytes);
        }
        let hex: String = digest
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("edit-{hex}")
    });
    &VERSION
}

impl Asset {
    /// Where the GraphiQL page loads it from.
    pub fn path(&self) -> String {
        format!("/assets/graphiql-{GRAPHIQL_VERSION}/{}", self.name)
    }

    /// Where the workspace loads it from.
    pub fn editor_path(&self) -> String {
        format!("/assets/{}/{}", editor_version(), self.name)
    }

    /// Its Subresource Integrity value (`sha384-…`): a browser runs it only if it is these
    /// bytes.
    pub fn integrity(&self) -> String {
        format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha384::digest(self.bytes))
        )
    }

    fn is_script(&self) -> bool {
        self.content_type == JS
    }
}

/// The `<link>` and `<script>` elements that load GraphiQL, in order.
pub fn graphiql_elements() -> (String, String) {
    let (mut styles, mut scripts) = (String::new(), String::new());
    for asset in &GRAPHIQL {
        if asset.is_script() {
            scripts.push_str(&format!(
                "<script src=\"{}\" integrity=\"{}\"></script>\n",
                asset.path(),
                asset.integrity()
            ));
        } else if asset.content_type == CSS {
            styles.push_str(&format!(
                "<link rel=\"stylesheet\" href=\"{}\" integrity=\"{}\">\n",
                asset.path(),
                asset.integrity()
            ));
        }
    }
    (styles, scripts)
}

/// `GET /assets/<version>/{name}`: GraphiQL's files, or the workspace's.
pub async fn file(path: web::Path<(String, String)>) -> HttpResponse {
    let (version, name) = path.into_inner();
    let set: &[Asset] = if version == format!("graphiql-{GRAPHIQL_VERSION}") {
        &GRAPHIQL
    } else if version == editor_version() {
        &EDITOR
    } else {
        &[]
    };
    match set.iter().find(|a| a.name == name) {
        Some(asset) => HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(asset.bytes),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such file"),
    }
}
