//! Settings: one struct, embedded defaults that make a zero-configuration run work, overridden
//! by `ORDINAVO_*` environment variables. `--production` refuses unsafe values by name.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// The shortest JWT signing secret accepted in production (bytes).
pub const MIN_SECRET_BYTES: usize = 32;

/// Database connections when `ORDINAVO_DATABASE_POOL_SIZE` is unset.
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// Every setting of the portal. Secrets are `SecretString`, so `Debug` never prints them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://…` (default, embedded) or `postgres://…`. May carry a password: log it only
    /// through `ordinavo_persistence::db::redact_url`.
    pub database_url: SecretString,
    /// Most open database connections (`ORDINAVO_DATABASE_POOL_SIZE`, 1–256, default 16).
    pub database_pool_size: u32,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Base of every link in mails; `https://` in production.
    pub public_url: Url,
    pub portal_jwt_secret: SecretString,
    pub internal_jwt_secret: SecretString,
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    pub storage_url: Option<String>,
    /// Endpoint and credentials of the object store named by `storage_url`, from the standard
    /// `AWS_*` variables (unused with the filesystem default).
    pub object_store: ObjectStoreSettings,
    pub cors_origins: Vec<String>,
    pub frontend_dir: PathBuf,
    pub log: String,
    pub production: bool,
}

/// How to reach an S3-compatible object store (`ORDINAVO_STORAGE_URL=s3://bucket/prefix`).
/// Read from the variables every S3 tool knows: `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT`) for a
/// non-AWS server, `AWS_REGION` (or `AWS_DEFAULT_REGION`), `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, and `AWS_ALLOW_HTTP=true` for a plain-HTTP
/// endpoint (tests, a server on the same host). Unset values fall back to the AWS defaults.
#[derive(Debug, Clone, Default)]
pub struct ObjectStoreSettings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<SecretString>,
    pub session_token: Option<SecretString>,
    pub allow_http: bool,
}

/// A setting that cannot be used; `variable` names the `ORDINAVO_*` variable to fix.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl ConfigError {
    fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self {
            variable,
            message: message.into(),
        }
    }
}

impl Settings {
    /// Reads the process environment. Outside production, missing JWT secrets are generated
    /// once into `<data dir>/secrets/` and reused on every later start.
    pub fn from_env(production: bool) -> Result<Self, ConfigError> {
        Self::from_source(production, |k| std::env::var(k).ok())
    }

    /// Reads settings from any variable source (tests pass a map).
    pub fn from_source(
        production: bool,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let get = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };

        let data_dir = PathBuf::from(get("ORDINAVO_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("ORDINAVO_DATABASE_URL") {
            Some(url) => url,
            None => format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("ordinavo.db").display()
            ),
        };
        check_database_url(&database_url, production)?;
        let database_pool_size = match get("ORDINAVO_DATABASE_POOL_SIZE") {
            None => DEFAULT_POOL_SIZE,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=256).contains(n))
                .ok_or_else(|| {
                    ConfigError::new(
                        "ORDINAVO_DATABASE_POOL_SIZE",
                        "expected a number of connections from 1 to 256",
                    )
                })?,
        };

        let bind = get("ORDINAVO_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse::<SocketAddr>()
            .map_err(|_| {
                ConfigError::new("ORDINAVO_BIND", "expected host:port, e.g. 127.0.0.1:8080")
            })?;

        let public_url = get("ORDINAVO_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .parse::<Url>()
            .map_err(|_| ConfigError::new("ORDINAVO_PUBLIC_URL", "not a valid URL"))?;
        if !matches!(public_url.scheme(), "http" | "https") {
            return Err(ConfigError::new(
                "ORDINAVO_PUBLIC_URL",
                "must be an http(s) URL",
            ));
        }
        if production && public_url.scheme() != "https" {
            return Err(ConfigError::new(
                "ORDINAVO_PUBLIC_URL",
                "must use https:// in production (links in mails carry sign-in tokens)",
            ));
        }

        let portal_jwt_secret = load_secret(
            &get,
            "ORDINAVO_PORTAL_JWT_SECRET",
            production,
            &data_dir,
            "portal-jwt",
        )?;
        let internal_jwt_secret = load_secret(
            &get,
            "ORDINAVO_INTERNAL_JWT_SECRET",
            production,
            &data_dir,
            "internal-jwt",
        )?;
        if portal_jwt_secret.expose_secret() == internal_jwt_secret.expose_secret() {
            return Err(ConfigError::new(
                "ORDINAVO_INTERNAL_JWT_SECRET",
                "must differ from ORDINAVO_PORTAL_JWT_SECRET (each surface has its own key)",
            ));
        }

        let smtp_url = get("ORDINAVO_SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(ConfigError::new(
                "ORDINAVO_SMTP_URL",
                "expected smtp://host:port or smtps://user:password@host",
            ));
        }
        let mail_from = get("ORDINAVO_MAIL_FROM")
            .unwrap_or_else(|| "Ordinavo Customer Portal <portal@ordinavo.localhost>".into());
        if !mail_from.contains('@') {
            return Err(ConfigError::new(
                "ORDINAVO_MAIL_FROM",
                "expected an address such as Portal <portal@example.com>",
            ));
        }

        let storage_url = get("ORDINAVO_STORAGE_URL");
        if let Some(url) = &storage_url
            && !url.starts_with("s3://")
        {
            return Err(ConfigError::new(
                "ORDINAVO_STORAGE_URL",
                "expected s3://bucket/prefix (leave unset for files under the data dir)",
            ));
        }

        let object_store = ObjectStoreSettings {
            endpoint: get("AWS_ENDPOINT_URL").or_else(|| get("AWS_ENDPOINT")),
            region: get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION")),
            access_key_id: get("AWS_ACCESS_KEY_ID"),
            secret_access_key: get("AWS_SECRET_ACCESS_KEY").map(SecretString::from),
            session_token: get("AWS_SESSION_TOKEN").map(SecretString::from),
            allow_http: get("AWS_ALLOW_HTTP").is_some_and(|v| v.eq_ignore_ascii_case("true")),
        };

        let cors_origins = get("ORDINAVO_CORS_ORIGINS")
            .map(|v| parse_origins(&v))
            .transpose()?
            .unwrap_or_default();

        let frontend_dir =
            PathBuf::from(get("ORDINAVO_FRONTEND_DIR").unwrap_or_else(|| "frontend/dist".into()));
        let log = get("ORDINAVO_LOG").unwrap_or_else(|| "info".into());
        tracing_subscriber::EnvFilter::try_new(&log)
            .map_err(|_| ConfigError::new("ORDINAVO_LOG", "not a valid log filter, e.g. info"))?;

        Ok(Settings {
            database_url: database_url.into(),
            database_pool_size,
            bind,
            data_dir,
            public_url,
            portal_jwt_secret,
            internal_jwt_secret,
            smtp_url: smtp_url.map(SecretString::from),
            mail_from,
            storage_url,
            object_store,
            cors_origins,
            frontend_dir,
            log,
            production,
        })
    }
}

fn check_database_url(url: &str, production: bool) -> Result<(), ConfigError> {
    use ordinavo_persistence::db::{is_postgres_url, is_sqlite_memory_url};
    if !(is_postgres_url(url) || url.starts_with("sqlite:")) {
        return Err(ConfigError::new(
            "ORDINAVO_DATABASE_URL",
            "expected postgres://… or sqlite://…",
        ));
    }
    if production && is_sqlite_memory_url(url) {
        return Err(ConfigError::new(
            "ORDINAVO_DATABASE_URL",
            "an in-memory SQLite database loses everything on restart; refused in production",
        ));
    }
    Ok(())
}

fn parse_origins(value: &str) -> Result<Vec<String>, ConfigError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|o| {
            let url = Url::parse(o).map_err(|_| {
                ConfigError::new("ORDINAVO_CORS_ORIGINS", format!("{o:?} is not an origin"))
            })?;
            if o == "*" || !matches!(url.scheme(), "http" | "https") || url.path() != "/" {
                return Err(ConfigError::new(
                    "ORDINAVO_CORS_ORIGINS",
                    format!("{o:?} is not an origin such as https://portal.example.com"),
                ));
            }
            Ok(o.trim_end_matches('/').to_string())
        })
        .collect()
}

/// A JWT secret from its variable; outside production a missing one is generated once and
/// kept in `<data dir>/secrets/<name>.secret` (mode 0600) so restarts keep sessions valid.
fn load_secret(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    production: bool,
    data_dir: &Path,
    name: &str,
) -> Result<SecretString, ConfigError> {
    if let Some(value) = get(variable) {
        if production && value.len() < MIN_SECRET_BYTES {
            return Err(ConfigError::new(
                variable,
                format!("must be at least {MIN_SECRET_BYTES} bytes in production"),
            ));
        }
        return Ok(value.into());
    }
    if production {
        return Err(ConfigError::new(
            variable,
            format!("required in production (at least {MIN_SECRET_BYTES} random bytes)"),
        ));
    }
    dev_secret(data_dir, name).map_err(|e| {
        ConfigError::new(
            variable,
            format!("unset, and no development secret could be kept in the data dir: {e}"),
        )
    })
}

fn dev_secret(data_dir: &Path, name: &str) -> std::io::Result<SecretString> {
    let dir = data_dir.join("secrets");
    let path = dir.join(format!("{name}.secret"));
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= MIN_SECRET_BYTES {
            return Ok(existing.to_string().into());
        }
    }
    std::fs::create_dir_all(&dir)?;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    write_private(&path, &secret)?;
    Ok(secret.into())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::collections::HashMap;

    fn settings(production: bool, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_source(production, |k| map.get(k).cloned())
    }

    const GOOD: [(&str, &str); 4] = [
        ("ORDINAVO_DATABASE_URL", "postgres://db/ordinavo"),
        ("ORDINAVO_PUBLIC_URL", "https://portal.example.com"),
        (
            "ORDINAVO_PORTAL_JWT_SECRET",
            "pppppppppppppppppppppppppppppppppppppppp",
        ),
        (
            "ORDINAVO_INTERNAL_JWT_SECRET",
            "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
        ),
    ];

    fn with(overrides: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<_> = GOOD
            .iter()
            .filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k))
            .copied()
            .collect();
        v.extend(overrides.iter().filter(|(_, val)| !val.is_empty()).copied());
        v
    }

    #[test]
    fn a_complete_production_configuration_is_accepted() {
        let s = settings(true, &GOOD).unwrap();
        assert!(s.production);
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn the_pool_size_defaults_to_sixteen_and_refuses_zero_or_nonsense_by_name() {
        assert_eq!(
            settings(true, &GOOD).unwrap().database_pool_size,
            DEFAULT_POOL_SIZE
        );
        let four = settings(true, &with(&[("ORDINAVO_DATABASE_POOL_SIZE", "4")])).unwrap();
        assert_eq!(four.database_pool_size, 4);
        for bad in ["0", "257", "many", "-1"] {
            let err = settings(true, &with(&[("ORDINAVO_DATABASE_POOL_SIZE", bad)])).unwrap_err();
            assert_eq!(err.variable, "ORDINAVO_DATABASE_POOL_SIZE", "{bad}");
        }
    }

    #[test]
    fn production_refuses_a_missing_jwt_secret_by_name() {
        let err = settings(true, &with(&[("ORDINAVO_PORTAL_JWT_SECRET", "")])).unwrap_err();
        assert_eq!(err.variable, "ORDINAVO_PORTAL_JWT_SECRET");
    }

    #[test]
    fn production_refuses_a_short_jwt_secret_by_name() {
        let err = settings(true, &with(&[("ORDINAVO_INTERNAL_JWT_SECRET", "short")])).unwrap_err();
        assert_eq!(err.variable, "ORDINAVO_INTERNAL_JWT_SECRET");
    }

    #[test]
    fn production_refuses_sqlite_in_memory() {
        let err =
            settings(true, &with(&[("ORDINAVO_DATABASE_URL", "sqlite::memory:")])).unwrap_err();
        assert_eq!(err.variable, "ORDINAVO_DATABASE_URL");
    }

    #[test]
    fn production_refuses_a_plain_http_public_url() {
        let err = settings(
            true,
            &with(&[("ORDINAVO_PUBLIC_URL", "http://portal.example.com")]),
        )
        .unwrap_err();
        assert_eq!(err.variable, "ORDINAVO_PUBLIC_URL");
    }

    #[test]
    fn the_two_surfaces_may_not_share_a_secret() {
        let same = "ssssssssssssssssssssssssssssssssssssssss";
        let err = settings(
            true,
            &with(&[
                ("ORDINAVO_PORTAL_JWT_SECRET", same),
                ("ORDINAVO_INTERNAL_JWT_SECRET", same),
            ]),
        )
        .unwrap_err();
        assert_eq!(err.variable, "ORDINAVO_INTERNAL_JWT_SECRET");
    }

    #[test]
    fn a_bad_bind_address_names_its_variable() {
        let err = settings(true, &with(&[("ORDINAVO_BIND", "localhost")])).unwrap_err();
        assert_eq!(err.variable, "ORDINAVO_BIND");
    }

    #[test]
    fn an_unknown_database_scheme_names_its_variable() {
        let err = settings(true, &with(&[("ORDINAVO_DATABASE_URL", "mysql://x/y")])).unwrap_err();
        assert_eq!(err.variable, "ORDINAVO_DATABASE_URL");
    }

    #[test]
    fn a_wildcard_cors_origin_is_refused() {
        let err = settings(true, &with(&[("ORDINAVO_CORS_ORIGINS", "*")])).unwrap_err();
        assert_eq!(err.variable, "ORDINAVO_CORS_ORIGINS");
    }

    #[test]
    fn development_secrets_are_generated_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap().to_string();
        let vars: Vec<(&str, &str)> = vec![("ORDINAVO_DATA_DIR", data.as_str())];
        let first = settings(false, &vars).unwrap();
        let second = settings(false, &vars).unwrap();
        assert_eq!(
            first.portal_jwt_secret.expose_secret(),
            second.portal_jwt_secret.expose_secret()
        );
        assert_ne!(
            first.portal_jwt_secret.expose_secret(),
            first.internal_jwt_secret.expose_secret()
        );
        assert!(first.database_url.expose_secret().starts_with("sqlite://"));
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let s = settings(true, &GOOD).unwrap();
        assert!(!format!("{s:?}").contains("pppppppp"));
    }
}
