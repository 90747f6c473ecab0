//! Attachment bytes: the [`Storage`] trait and its default backend, files under
//! `<data dir>/files`.
//!
//! Keys ([`StorageKey`]) are made from ids only (`attachments/<owner kind>/<owner id>/<id>`),
//! never from a client's file name, so no upload can name a path. The trait moves bytes as
//! `AsyncRead` streams both ways: an S3-compatible backend (`ORDINAVO_STORAGE_URL=s3://…`,
//! `object_store`) and streaming downloads can be added behind it without touching callers.
//! Bytes are never served from a public URL: the API reads them and checks access first.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use ordinavo_domain::ids::AttachmentId;
use ordinavo_domain::visibility::AttachmentOwnerKind;
use tokio::io::{AsyncRead, AsyncWriteExt};
use uuid::Uuid;

use crate::config::Settings;

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
    #[error("storage i/o: {0}")]
    Io(#[from] std::io::Error),
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
/// `ORDINAVO_STORAGE_URL` names an object store.
///
/// Cheap (no I/O): handlers may call it per request until the state carries one instance.
pub fn from_settings(settings: &Settings) -> Result<Arc<dyn Storage>, StorageError> {
    match &settings.storage_url {
        None => Ok(Arc::new(FsStorage::new(settings.data_dir.join("files")))),
        Some(url) => Err(StorageError::Unsupported(
            url.split("://").next().unwrap_or_default().to_owned(),
        )),
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
}
