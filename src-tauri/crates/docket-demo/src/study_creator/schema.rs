//! The GraphQL API (graphene-django's shape): Relay connections with `first` and `last` capped at 250, `offset`,
//! no `totalCount`, `arrayconnection:N` cursors, `Not allowed` for anonymous callers, errors with HTTP 200.
//!
//! Every type, field and argument here is the real server's (`docket-providers/contracts/study-creator.graphql`,
//! its introspection answer, which a test compares this with): graphene's argument spellings (`study_KfId`), its
//! nullability (connections, edges and nodes may be null) and its enums. The demo serves a subset of the fields.

use std::sync::Arc;

use async_graphql::{
    Context, EmptySubscription, Enum, Error, InputValueError, InputValueResult, Object, Result,
    Scalar, ScalarType, Schema, SimpleObject, Value, ID,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::auth::Caller;
use super::catalog::{Catalog, File, FileVersion, Study};
use super::routes;
use super::App;

mod nodes;
mod paging;

pub use nodes::*;
pub use paging::*;

pub type StudyCreatorSchema = Schema<Query, Mutation, EmptySubscription>;

/// graphene-django's `RELAY_CONNECTION_MAX_LIMIT` on this server.
pub const MAX_FIRST: i32 = 250;

pub fn schema() -> StudyCreatorSchema {
    Schema::build(Query, Mutation, EmptySubscription).finish()
}

/// The schema as SDL, which tests compare with the real server's introspected schema.
pub fn sdl() -> String {
    schema().sdl()
}

/// The `Host` the request named: `downloadUrl` is always `https://<Host>/...`, as the real server writes it.
pub struct Host(pub String);

const NOT_ALLOWED: &str = "Not allowed";

fn app<'a>(ctx: &'a Context<'_>) -> Result<&'a Arc<App>> {
    ctx.data::<Arc<App>>()
}

/// The catalog this request started with: nodes hold indexes into it, so every field must read that one.
fn catalog<'a>(ctx: &'a Context<'_>) -> Result<&'a Catalog> {
    ctx.data::<Arc<Catalog>>().map(|catalog| catalog.as_ref())
}

fn caller<'a>(ctx: &'a Context<'_>) -> Result<&'a Caller> {
    ctx.data::<Caller>()
}

fn download_url(ctx: &Context<'_>, path: &str) -> String {
    let host = ctx
        .data::<Host>()
        .map(|h| h.0.as_str())
        .unwrap_or("localhost");
    format!("https://{host}{path}")
}

fn global_id(kind: &str, kf_id: &str) -> ID {
    ID(STANDARD.encode(format!("{kind}:{kf_id}")))
}

pub struct Query;

#[Object]
impl Query {
    // The arguments are the API's own (graphene-django's paging and filters).
    #[allow(clippy::too_many_arguments)]
    async fn all_studies(
        &self,
        ctx: &Context<'_>,
        offset: Option<i32>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        name: Option<String>,
        organization: Option<ID>,
        order_by: Option<String>,
    ) -> Result<Option<StudyNodeConnection>> {
        let caller = caller(ctx)?;
        if !caller.is_user() {
            return Err(Error::new(NOT_ALLOWED));
        }
        // The demo's studies belong to no organization it could name: say so rather than answer wrongly.
        if organization.is_some() {
            return Err(Error::new(
                "the demo server does not filter studies by organization",
            ));
        }
        let catalog = catalog(ctx)?;
        let studies = catalog
            .studies
            .iter()
            .enumerate()
            .filter(|(_, s)| caller.may_see(&s.kf_id))
            .filter(|(_, s)| name.as_ref().is_none_or(|n| *n == s.name))
            .map(|(i, _)| StudyNode(i))
            .collect();
        let studies = ordered_studies(studies, order_by.as_deref(), catalog)?;
        let paging = Paging {
            offset,
            before,
            after,
            first,
            last,
        };
        connection(studies, &paging, "allStudies").map(|page| Some(page.into()))
    }

    async fn study_by_kf_id(&self, ctx: &Context<'_>, kf_id: String) -> Result<Option<StudyNode>> {
        let Some(at) = catalog(ctx)?.study(&kf_id) else {
            return Ok(None);
        };
        if caller(ctx)?.may_see(&kf_id) {
            Ok(Some(StudyNode(at)))
        } else {
            Err(Error::new(NOT_ALLOWED))
        }
    }

    // The arguments are the API's own, spelled as graphene spells the Django filters (`study__kf_id` becomes
    // `study_KfId`).
    #[allow(clippy::too_many_arguments)]
    async fn all_files(
        &self,
        ctx: &Context<'_>,
        offset: Option<i32>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        name: Option<String>,
        #[graphql(name = "study_KfId")] study_kf_id: Option<String>,
        file_type: Option<FileType>,
        tag: Option<String>,
    ) -> Result<Option<FileNodeConnection>> {
        let caller = caller(ctx)?;
        if !caller.is_user() {
            return Err(Error::new(NOT_ALLOWED));
        }
        let catalog = catalog(ctx)?;
        let files = catalog
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let study = &catalog.studies[f.study].kf_id;
                caller.may_see(study)
                    && study_kf_id.as_ref().is_none_or(|s| s == study)
                    && name.as_ref().is_none_or(|n| *n == f.name)
                    && file_type.is_none_or(|t| t == FILE_TYPE)
                    // The demo's files have no tags.
                    && tag.is_none()
            })
            .map(|(i, _)| FileNode(i))
            .collect();
        let paging = Paging {
            offset,
            before,
            after,
            first,
            last,
        };
        connection(files, &paging, "allFiles").map(|page| Some(page.into()))
    }

    async fn file_by_kf_id(&self, ctx: &Context<'_>, kf_id: String) -> Result<Option<FileNode>> {
        let catalog = catalog(ctx)?;
        let at = catalog
            .files
            .iter()
            .position(|f| f.kf_id == kf_id)
            .ok_or_else(|| Error::new("File was not found"))?;
        if caller(ctx)?.may_see(&catalog.studies[catalog.files[at].study].kf_id) {
            Ok(Some(FileNode(at)))
        } else {
            Err(Error::new(NOT_ALLOWED))
        }
    }

    // The arguments are the API's own (graphene-django's paging and filters).
    #[allow(clippy::too_many_arguments)]
    async fn all_versions(
        &self,
        ctx: &Context<'_>,
        offset: Option<i32>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        file_kf_id: Option<String>,
        order_by: Option<String>,
    ) -> Result<Option<VersionNodeConnection>> {
        let caller = caller(ctx)?;
        if !caller.is_user() {
            return Err(Error::new(NOT_ALLOWED));
        }
        let catalog = catalog(ctx)?;
        let versions = catalog
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                caller.may_see(&catalog.studies[f.study].kf_id)
                    && file_kf_id.as_ref().is_none_or(|id| id == &f.kf_id)
            })
            .flat_map(|(i, f)| {
                (0..f.versions.len()).map(move |v| VersionNode {
                    file: i,
                    version: v,
                })
            })
            .collect();
        let paging = Paging {
            offset,
            before,
            after,
            first,
            last,
        };
        connection(
            ordered(versions, order_by.as_deref(), catalog),
            &paging,
            "allVersions",
        )
        .map(|page| Some(page.into()))
    }

    async fn version_by_kf_id(
        &self,
        ctx: &Context<'_>,
        kf_id: String,
    ) -> Result<Option<VersionNode>> {
        let catalog = catalog(ctx)?;
        let (file, version) = catalog
            .files
            .iter()
            .enumerate()
            .find_map(|(i, f)| {
                f.versions
                    .iter()
                    .position(|v| v.kf_id == kf_id)
                    .map(|v| (i, v))
            })
            .ok_or_else(|| Error::new("Version was not found"))?;
        if caller(ctx)?.may_see(&catalog.studies[catalog.files[file].study].kf_id) {
            Ok(Some(VersionNode { file, version }))
        } else {
            Err(Error::new(NOT_ALLOWED))
        }
    }
}

#[derive(SimpleObject)]
pub struct SignedUrlMutation {
    url: Option<String>,
    file: Option<FileNode>,
}

pub struct Mutation;

#[Object]
impl Mutation {
    async fn signed_url(
        &self,
        ctx: &Context<'_>,
        file_id: String,
        study_id: String,
        version_id: Option<String>,
    ) -> Result<Option<SignedUrlMutation>> {
        let catalog = catalog(ctx)?;
        let url = routes::mint(
            app(ctx)?,
            catalog,
            caller(ctx)?,
            &study_id,
            &file_id,
            version_id.as_deref(),
        )
        .map_err(Error::new)?;
        let at = catalog
            .files
            .iter()
            .position(|f| f.kf_id == file_id)
            .ok_or_else(|| Error::new(routes::NO_FILE))?;
        Ok(Some(SignedUrlMutation {
            url: Some(url),
            file: Some(FileNode(at)),
        }))
    }
}
