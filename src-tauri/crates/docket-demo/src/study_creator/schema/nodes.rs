//! The schema's object types over the demo catalogue: studies, files and versions with graphene's field names,
//! nullability and enums, and the orderings the real server accepts.

use super::*;

/// graphene's `DateTime`: ISO 8601 with the offset, as Django writes it.
pub struct DateTime(String);

#[Scalar]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => Ok(DateTime(text)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// `FileType`: what kind of data a file holds. The demo's files are all `OTH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum FileType {
    Oth,
    Dbg,
    Bsm,
    Cln,
    Seq,
    Fam,
    Fcm,
    Ftr,
    Pda,
    Gob,
    Ptd,
    Ptp,
    Alm,
    Bbm,
    Bcm,
    #[graphql(name = "S3S")]
    S3s,
    Gwo,
}

/// `VersionState`: where a version is in review. The demo's versions are all approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum VersionState {
    Pen,
    App,
    Chn,
    Prc,
}

/// The demo's files have this type and no tags.
pub(super) const FILE_TYPE: FileType = FileType::Oth;

/// graphene's `orderBy: "created_at"` / `"-created_at"` on versions; the default is database order.
pub(super) fn ordered(
    mut versions: Vec<VersionNode>,
    order_by: Option<&str>,
    catalog: &Catalog,
) -> Vec<VersionNode> {
    match order_by.map(str::trim) {
        Some("-created_at") => {
            versions.sort_by_key(|v| std::cmp::Reverse(v.row(catalog).created_at))
        }
        Some("created_at") => versions.sort_by_key(|v| v.row(catalog).created_at),
        _ => {}
    }
    versions
}

/// `orderBy` on studies, by name or creation time; Django's ordering filter refuses any other field.
pub(super) fn ordered_studies(
    mut studies: Vec<StudyNode>,
    order_by: Option<&str>,
    catalog: &Catalog,
) -> Result<Vec<StudyNode>> {
    let row = |s: &StudyNode| &catalog.studies[s.0];
    match order_by.map(str::trim) {
        None | Some("") => {}
        Some("name") => studies.sort_by(|a, b| row(a).name.cmp(&row(b).name)),
        Some("-name") => studies.sort_by(|a, b| row(b).name.cmp(&row(a).name)),
        Some("created_at") => studies.sort_by_key(|s| row(s).created_at),
        Some("-created_at") => studies.sort_by_key(|s| std::cmp::Reverse(row(s).created_at)),
        Some(other) => {
            return Err(Error::new(format!(
                "Select a valid choice. {other} is not one of the available choices."
            )))
        }
    }
    Ok(studies)
}

pub struct StudyNode(pub(super) usize);

impl StudyNode {
    fn study<'a>(&self, ctx: &'a Context<'_>) -> Result<&'a Study> {
        Ok(&catalog(ctx)?.studies[self.0])
    }
}

#[Object]
impl StudyNode {
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(global_id("StudyNode", &self.study(ctx)?.kf_id))
    }

    async fn kf_id(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.study(ctx)?.kf_id.clone())
    }

    async fn name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(Some(self.study(ctx)?.name.clone()))
    }

    async fn short_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(Some(self.study(ctx)?.short_name.clone()))
    }

    async fn created_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime>> {
        Ok(Some(DateTime(self.study(ctx)?.created_at.rfc3339())))
    }
}

pub struct FileNode(pub(super) usize);

impl FileNode {
    fn file<'a>(&self, ctx: &'a Context<'_>) -> Result<&'a File> {
        Ok(&catalog(ctx)?.files[self.0])
    }
}

#[Object]
impl FileNode {
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(global_id("FileNode", &self.file(ctx)?.kf_id))
    }

    async fn kf_id(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.file(ctx)?.kf_id.clone())
    }

    async fn name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.file(ctx)?.name.clone())
    }

    async fn description(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.file(ctx)?.description.clone())
    }

    async fn file_type(&self) -> Option<FileType> {
        Some(FILE_TYPE)
    }

    async fn tags(&self) -> Vec<String> {
        Vec::new()
    }

    async fn study(&self, ctx: &Context<'_>) -> Result<StudyNode> {
        Ok(StudyNode(self.file(ctx)?.study))
    }

    async fn download_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let file = self.file(ctx)?;
        Ok(Some(download_url(
            ctx,
            &file.path(&catalog(ctx)?.studies[file.study]),
        )))
    }

    // The arguments are the API's own (graphene-django's paging and filters).
    #[allow(clippy::too_many_arguments)]
    async fn versions(
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
        let file = self.0;
        let row = self.file(ctx)?;
        let count = if file_kf_id.as_ref().is_none_or(|id| *id == row.kf_id) {
            row.versions.len()
        } else {
            0
        };
        let nodes = (0..count)
            .map(|v| VersionNode { file, version: v })
            .collect();
        let nodes = ordered(nodes, order_by.as_deref(), catalog(ctx)?);
        let paging = Paging {
            offset,
            before,
            after,
            first,
            last,
        };
        connection(nodes, &paging, "versions").map(|page| Some(page.into()))
    }
}

pub struct VersionNode {
    pub(super) file: usize,
    pub(super) version: usize,
}

impl VersionNode {
    fn row<'a>(&self, catalog: &'a Catalog) -> &'a FileVersion {
        &catalog.files[self.file].versions[self.version]
    }
}

#[Object]
impl VersionNode {
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(global_id("VersionNode", &self.row(catalog(ctx)?).kf_id))
    }

    async fn kf_id(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.row(catalog(ctx)?).kf_id.clone())
    }

    async fn file_name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self.row(catalog(ctx)?).file_name.clone())
    }

    /// The database's size, wrong where the catalog says so.
    async fn size(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(i64::try_from(self.row(catalog(ctx)?).db_size).unwrap_or(i64::MAX))
    }

    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime> {
        Ok(DateTime(self.row(catalog(ctx)?).created_at.rfc3339()))
    }

    async fn description(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(Some(format!("Revision {}", self.row(catalog(ctx)?).number)))
    }

    async fn state(&self) -> VersionState {
        VersionState::App
    }

    async fn root_file(&self) -> Option<FileNode> {
        Some(FileNode(self.file))
    }

    async fn download_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let catalog = catalog(ctx)?;
        let file = &catalog.files[self.file];
        Ok(Some(download_url(
            ctx,
            &file.version_path(&catalog.studies[file.study], self.version),
        )))
    }
}
