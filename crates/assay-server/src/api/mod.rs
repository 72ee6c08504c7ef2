//! The JSON API under `/api/v1`, one module per resource. Every handler
//! takes a [`Principal`](crate::principal::Principal), so no route is
//! reachable without authentication, and passes its scope to the store.

pub(crate) mod audit;
pub(crate) mod exceptions;
pub(crate) mod frameworks;
pub(crate) mod orgs;
pub(crate) mod osquery;
pub mod page;
pub(crate) mod records;
pub(crate) mod results;
pub(crate) mod webhooks;

use crate::app::AppState;
use crate::session;
use axum::Router;
use axum::routing::{delete, get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(session::login).delete(session::logout))
        .route("/session/mfa", post(session::complete_mfa))
        .route("/me", get(session::me))
        .route("/me/password", post(session::change_password))
        .route(
            "/tokens",
            get(session::list_tokens).post(session::create_token),
        )
        .route("/tokens/{id}", delete(session::revoke_token))
        .route("/orgs", get(orgs::list))
        .route("/orgs/{slug}", get(orgs::get))
        .route(
            "/orgs/{slug}/records/{kind}",
            get(records::list).post(records::import),
        )
        .route(
            "/orgs/{slug}/records/{kind}/{id}",
            get(records::get).put(records::put).delete(records::delete),
        )
        .route("/orgs/{slug}/results", get(results::get))
        .route(
            "/orgs/{slug}/exceptions",
            get(exceptions::list).post(exceptions::add),
        )
        .route("/exceptions/{id}", delete(exceptions::revoke))
        .route("/evaluations", post(results::evaluate))
        .route("/frameworks", get(frameworks::list))
        .route("/frameworks/{id}", get(frameworks::get))
        .route("/audit", get(audit::list))
        .route(
            "/orgs/{slug}/osquery/secrets",
            get(osquery::list_secrets).post(osquery::create_secret),
        )
        .route("/osquery/secrets/{id}", delete(osquery::revoke_secret))
        .route("/orgs/{slug}/osquery/nodes", get(osquery::list_nodes))
        .route("/osquery/nodes/{id}", delete(osquery::revoke_node))
        .route("/orgs/{slug}/osquery/queries", post(osquery::create_query))
        .route("/osquery/queries/{id}", get(osquery::get_query))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", delete(webhooks::revoke))
}
