//! Attachment bytes: the [`Storage`] trait and its two backends, files under
//! `<data dir>/files` ([`FsStorage`], the default) and an S3-compatible object store
//! ([`S3Storage`], `ORDINAVO_STORAGE_URL=s3://bucket/prefix`, through the `object_store` crate).
//!
//! Keys ([`StorageKey`]) are made from ids only (`attachments/<owner kind>/<owner id>/<id>`),
//! never from a client's file name, so no upload can name a path. The trait moves bytes as
//! `AsyncRead` streams both ways, so neither an upload nor a download is ever held whole in
//! memory: the filesystem backend copies through a small buffer, the S3 backend uploads in
//! 5 MiB multipart parts (at most two in flight) and downloads as a byte stream.
//! Bytes are never served from a public URL: the API reads them and checks access first.
//!
//! The application builds ONE instance at start-up ([`from_settings`]) and keeps it in
//! `AppState::storage`; handlers use that one.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use ordinavo_domain::ids::AttachmentId;
use ordinavo_domain::visibility::AttachmentOwnerKind;
use secrecy::ExposeSecret;
use tokio::io::{AsyncRead, AsyncWriteExt};
use uuid::Uuid;

use crate::config::{ObjectStoreSettings, Settings};

/// What can go wrong in a storage backend. Never shown to clients (the API answers 500 or 404).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No object under this key.
    #[error("no object under this key")]
    NotFound,
    /// The key is not one this module makes (e.g. a corrupt `storage_key` column).
    #[error("invalid storage key")]
    InvalidKey,
    /// The configured backend is not available in this build.
    #[error("storage backend not supported: {0}")]
    Unsupported(String),
    /// `ORDINAVO_STORAGE_URL` or the object store settings cannot be used.
    #[error("invalid object store configuration: {0}")]
    Config(String),
    #[error("storage i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store: {0}")]
    ObjectStore(object_store::Error),
}

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => StorageError::NotFound,
            other => StorageError::ObjectStore(other),
        }
    }
}

/// A key under which one object is stored: lowercase ASCII letters, digits, `-` and `_` in
/// `/`-separated, non-empty segments. Made from ids only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StorageKey(String);

impl StorageKey {
    /// The key of an attachment's bytes: `attachments/<owner kind>/<owner id>/<attachment id>`.
    pub fn for_attachment(
        owner_kind: AttachmentOwnerKind,
        owner_id: Uuid,
        attachment: AttachmentId,
    ) -> Self {
        Self(format!(
            "attachments/{}/{}/{}",
            owner_kind.as_str(),
            owner_id.hyphenated(),
            attachment.into_uuid().hyphenated()
        ))
    }

    /// A key read back from the database; refused unless it has the shape keys are made with.
    pub fn parse(text: &str) -> Result<Self, StorageError> {
        let segment_ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        };
        if text.len() <= 512 && text.split('/').all(segment_ok) {
            Ok(Self(text.to_owned()))
        } else {
            Err(StorageError::InvalidKey)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A boxed future of a storage operation (the trait is object-safe: `Arc<dyn Storage>`).
pub type StorageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StorageError>> + Send + 'a>>;

/// A stream of bytes going in or out of storage.
pub type ByteReader<'a> = Pin<Box<dyn AsyncRead + Send + 'a>>;

/// Where attachment bytes live. Implementations must make `put` atomic (a reader never sees a
/// half-written object) and `delete` idempotent.
pub trait Storage: Send + Sync + fmt::Debug {
    /// Stores everything `body` yields under `key`, replacing any previous object; returns the
    /// number of bytes written.
    fn put<'a>(&'a self, key: &'a StorageKey, body: ByteReader<'a>) -> StorageFuture<'a, u64>;

    /// Opens the object under `key` for reading; [`StorageError::NotFound`] when there is none.
    fn get<'a>(&'a self, key: &'a StorageKey) -> StorageFuture<'a, ByteReader<'static>>;

    /// Removes the object under `key`; removing a missing object is not an error.
    fn delete<'a>(&'a self, key: &'a StorageKey) -> StorageFuture<'a, ()>;
}

/// The storage the settings ask for: files under `<data dir>/files` unless
/// `ORDINAVO_STORAGE_URL` names an S3 bucket (`s3://bucket` or `s3://bucket/prefix`).
///
/// No I/O: a wrong endpoint or credentials show at the first upload, not here. Call it once at
/// start-up (the state keeps the instance; the S3 client holds a connection pool).
pub fn from_settings(settings: &Settings) -> Result<Arc<dyn Storage>, StorageError> {
    match &settings.storage_url {
        None => Ok(Arc::new(FsStorage::new(settings.data_dir.join("files")))),
        Some(url) => Ok(Arc::new(S3Storage::new(url, &settings.object_store)?)),
    }
}

/// Objects as files under a root directory, one file per key (the key's segments are the
/// path's). Writes go to a temporary file in the same directory, synced, then renamed.
#[derive(Debug, Clone)]
pub struct FsStorage {
    root: PathBuf,
}

impl FsStorage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of `key`. Safe to join: a key's segments cannot be `..` or absolute.
    fn path(&self, key: &StorageKey) -> PathBuf {
        key.as_str()
            .split('/')
            .fold(self.root.clone(), |path, segment| path.join(segment))
    }
}

impl Storage for FsStorage {
    fn put<'a>(&'a self, key: &'a StorageKey, mut body: ByteReader<'a>) -> StorageFuture<'a, u64> {
        Box::pin(async move {
            let path = self.path(key);
            let dir = path.parent().ok_or(StorageError::InvalidKey)?;
            tokio::fs::create_dir_all(dir).await?;
            let tmp = dir.join(format!(".tmp-{}", Uuid::new_v4().simple()));
            let written = async {
                let mut file = tokio::fs::File::create(&tmp).await?;
                let n = tokio::io::copy(&mut body, &mut file).await?;
                file.flush().await?;
                file.sync_all().await?;
                tokio::fs::rename(&tmp, &path).await?;
                Ok::<u64, std::io::Error>(n)
            }
            .await;
            if written.is_err() {
                let _ = tokio::fs::remove_file(&tmp).await;
            }
            Ok(written?)
        })
    }

    fn get<'a>(&'a self, key: &'a StorageKey) -> StorageFuture<'a, ByteReader<'static>> {
        Box::pin(async move {
            match tokio::fs::File::open(self.path(key)).await {
                Ok(file) => Ok(Box::pin(file) as ByteReader<'static>),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StorageError::NotFound),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn delete<'a>(&'a self, key: &'a StorageKey) -> StorageFuture<'a, ()> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(key)).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
    }
}

/// Objects in an S3-compatible bucket, under an optional key prefix.
///
/// `put` streams through `object_store`'s [`BufWriter`]: bodies up to one part go up in a single
/// PUT, larger ones as a multipart upload of 5 MiB parts with at most two in flight, so an upload
/// holds about 10 MiB whatever its size; a failed upload is aborted. S3 PUTs are atomic, so a
/// reader never sees half an object. `get` returns the response body as a stream.
#[derive(Debug, Clone)]
pub struct S3Storage {
    store: Arc<dyn ObjectStore>,
    /// Segments put before every key (`prefix` of `s3://bucket/prefix`); may be empty.
    prefix: Vec<String>,
}

/// The part size of multipart uploads (S3's minimum for all but the last part).
const S3_PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts uploaded concurrently.
const S3_PARTS_IN_FLIGHT: usize = 2;

impl S3Storage {
    /// A client for `url` (`s3://bucket[/prefix]`) with the endpoint and credentials of
    /// `options`; values left unset fall back to the AWS defaults.
    pub fn new(url: &str, options: &ObjectStoreSettings) -> Result<Self, StorageError> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| StorageError::Config("expected s3://bucket/prefix".into()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StorageError::Config("the bucket name is missing".into()));
        }
        let prefix: Vec<String> = prefix
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if prefix
            .iter()
            .any(|s| s == "." || s == ".." || s.contains(['\\', '\0']))
        {
            return Err(StorageError::Config("the key prefix is not valid".into()));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_allow_http(options.allow_http);
        if let Some(endpoint) = &options.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        builder = builder.with_region(options.region.as_deref().unwrap_or("us-east-1"));
        if let Some(id) = &options.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &options.secret_access_key {
            builder = builder.with_secret_access_key(secret.expose_secret());
        }
        if let Some(token) = &options.session_token {
            builder = builder.with_token(token.expose_secret());
        }
        let store = builder
            .build()
            .map_err(|e| StorageError::Config(e.to_string()))?;
        Ok(Self {
            store: Arc::new(store),
            prefix,
        })
    }

    /// The object path of `key`: the prefix's segments, then the key's.
    fn path(&self, key: &StorageKey) -> ObjectPath {
        ObjectPath::from_iter(
            self.prefix
                .iter()
                .map(String::as_str)
                .chain(key.as_str().split('/')),
        )
    }
}

impl Storage for S3Storage {
    fn put<'a>(&'a self, key: &'a StorageKey, mut body: ByteReader<'a>) -> StorageFuture<'a, u64> {
        Box::pin(async move {
            let mut writer =
                BufWriter::with_capacity(Arc::clone(&self.store), self.path(key), S3_PART_BYTES)
                    .with_max_concurrency(S3_PARTS_IN_FLIGHT);
            let written = async {
                let n = tokio::io::copy(&mut body, &mut writer).await?;
                writer.shutdown().await?;
                Ok::<u64, std::io::Error>(n)
            }
            .await;
            match written {
                Ok(n) => Ok(n),
                Err(e) => {
                    if let Err(abort) = writer.abort().await {
                        tracing::warn!(error = %abort, "could not abort a failed multipart upload");
                    }
                    Err(e.into())
                }
            }
        })
    }

    fn get<'a>(&'a self, key: &'a StorageKey) -> StorageFuture<'a, ByteReader<'static>> {
        Box::pin(async move {
            let result = self.store.get(&self.path(key)).await?;
            let stream = result.into_stream().map_err(std::io::Error::other);
            Ok(Box::pin(tokio_util::io::StreamReader::new(stream)) as ByteReader<'static>)
        })
    }

    fn delete<'a>(&'a self, key: &'a StorageKey) -> StorageFuture<'a, ()> {
        Box::pin(async move {
            match self.store.delete(&self.path(key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use tokio::io::AsyncReadExt;

    #[test]
    fn keys_are_made_from_ids_and_only_such_keys_parse() {
        let owner = Uuid::new_v4();
        let id = AttachmentId::new();
        let key = StorageKey::for_attachment(AttachmentOwnerKind::Request, owner, id);
        assert_eq!(key.as_str(), format!("attachments/request/{owner}/{id}"));
        assert_eq!(StorageKey::parse(key.as_str()).unwrap(), key);
        for bad in [
            "",
            "a//b",
            "../etc/passwd",
            "/abs",
            "a/B",
            "a/b.png",
            "a/ b",
        ] {
            assert!(StorageKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn files_round_trip_and_delete_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let storage = FsStorage::new(dir.path().join("files"));
        let key = StorageKey::for_attachment(
            AttachmentOwnerKind::Request,
            Uuid::new_v4(),
            AttachmentId::new(),
        );
        let written = storage
            .put(&key, Box::pin(&b"hello bytes"[..]))
            .await
            .unwrap();
        assert_eq!(written, 11);
        let mut back = Vec::new();
        storage
            .get(&key)
            .await
            .unwrap()
            .read_to_end(&mut back)
            .await
            .unwrap();
        assert_eq!(back, b"hello bytes");
        storage.delete(&key).await.unwrap();
        storage.delete(&key).await.unwrap();
        assert!(matches!(
            storage.get(&key).await,
            Err(StorageError::NotFound)
        ));
    }

    #[test]
    fn s3_urls_name_a_bucket_and_an_optional_prefix() {
        let options = ObjectStoreSettings {
            endpoint: Some("http://127.0.0.1:9".into()),
            allow_http: true,
            ..ObjectStoreSettings::default()
        };
        let key = StorageKey::parse("attachments/report/a/b").unwrap();
        let with_prefix = S3Storage::new("s3://bucket/some/prefix/", &options).unwrap();
        assert_eq!(
            with_prefix.path(&key).as_ref(),
            "some/prefix/attachments/report/a/b"
        );
        let bare = S3Storage::new("s3://bucket", &options).unwrap();
        assert_eq!(bare.path(&key).as_ref(), "attachments/report/a/b");
        for bad in ["s3://", "s3:///x", "s3://b/../x", "file:///tmp"] {
            assert!(S3Storage::new(bad, &options).is_err(), "{bad}");
        }
    }
}
