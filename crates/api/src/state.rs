//! Shared application state handed to every handler: the database, the settings, the signing
//! keys of both surfaces, the password service, the sign-in limiters and the attachment
//! storage.

use std::sync::Arc;

use ordinavo_persistence::Db;

use crate::auth::jwt::{AuthKeys, JwtKeys, Surface};
use crate::auth::throttle::Limiters;
use crate::config::Settings;
use crate::passwords::PasswordService;
use crate::storage::{self, Storage};

/// Cheap to clone. Nothing here is state another api instance needs: the limiters are a
/// per-process first line, the lockouts they front live in the database.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub auth: Arc<AuthKeys>,
    pub passwords: PasswordService,
    pub limiters: Arc<Limiters>,
    /// Wakes this process's mail outbox worker: call `notify_one()` after committing a mail.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    /// Where attachment bytes live: ONE instance for the process (files under the data dir, or
    /// the S3 bucket of `ORDINAVO_STORAGE_URL`), built from the settings at start-up.
    pub storage: Arc<dyn Storage>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> anyhow::Result<Self> {
        let issuer = settings.public_url.origin().ascii_serialization();
        let auth = AuthKeys {
            portal: JwtKeys::new(Surface::Portal, &settings.portal_jwt_secret, &issuer)?,
            internal: JwtKeys::new(Surface::Internal, &settings.internal_jwt_secret, &issuer)?,
        };
        let storage = storage::from_settings(&settings)
            .map_err(|e| anyhow::anyhow!("ORDINAVO_STORAGE_URL: {e}"))?;
        Ok(Self {
            db,
            storage,
            settings: Arc::new(settings),
            auth: Arc::new(auth),
            passwords: PasswordService::new(4)?,
            limiters: Arc::new(Limiters::default()),
            mail_wakeup: Arc::new(tokio::sync::Notify::new()),
        })
    }
}
