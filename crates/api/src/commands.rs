//! What each `ordinavo` subcommand does. Errors carry an exit code: 2 for a bad setting or
//! argument, 1 for everything else.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use ordinavo_domain::input::{DisplayName, Email};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::customers;
use ordinavo_persistence::staff_users::{self, NewStaffUser};
use secrecy::SecretString;

use crate::cli::{Cli, Command, DemoCommand, OpenapiCommand, RoleArg, StaffCommand};
use crate::config::{ConfigError, Settings};
use crate::startup::{Application, open_database};
use crate::{demo, demo_scale, openapi, passwords, telemetry};

/// A command failure and the process exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("invalid setting {0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl CommandError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Config(_) | CommandError::Usage(_) => 2,
            CommandError::Failed(_) => 1,
        }
    }
}

/// Runs one parsed command line to completion.
pub async fn run(cli: Cli) -> Result<(), CommandError> {
    let production = cli.production;
    match cli.command {
        Command::Openapi {
            command: OpenapiCommand::Export { out },
        } => {
            // Needs no settings and no database: it only renders the two documents.
            openapi::export(&out).with_context(|| format!("cannot write {}", out.display()))?;
            println!("wrote {0}/portal.json and {0}/internal.json", out.display());
        }
        Command::Serve { demo_if_empty } => {
            let settings = load_settings(production)?;
            let db = open_database(&settings).await?;
            if demo_if_empty {
                demo::seed_and_print(&db, true).await?;
            }
            let app = Application::build_with_db(settings, db)?;
            tracing::info!(port = app.port(), "ordinavo is serving");
            app.run_until_stopped().await.context("server failed")?;
        }
        Command::Migrate => {
            open_database(&load_settings(production)?).await?;
            println!("database is up to date");
        }
        Command::Staff {
            command: StaffCommand::Create { email, name, role },
        } => create_staff(&load_settings(production)?, &email, &name, role).await?,
        Command::Demo {
            command: DemoCommand::Seed { if_empty, scale },
        } => {
            let db = open_database(&load_settings(production)?).await?;
            match scale {
                Some(appointments) => {
                    if if_empty
                        && customers::count(db.exec())
                            .await
                            .map_err(anyhow::Error::from)?
                            > 0
                    {
                        println!("The database already holds customers; nothing seeded.");
                    } else {
                        demo_scale::seed_and_print(&db, appointments).await?;
                    }
                }
                None => demo::seed_and_print(&db, if_empty).await?,
            }
        }
    }
    Ok(())
}

/// Reads the settings and installs logging as they configure it.
fn load_settings(production: bool) -> Result<Settings, CommandError> {
    let settings = Settings::from_env(production)?;
    telemetry::init(&settings.log, settings.production);
    Ok(settings)
}

async fn create_staff(
    settings: &Settings,
    email: &str,
    name: &str,
    role: RoleArg,
) -> Result<(), CommandError> {
    let email = Email::parse(email).map_err(|e| CommandError::Usage(format!("--email: {e}")))?;
    let name = DisplayName::parse(name).map_err(|e| CommandError::Usage(format!("--name: {e}")))?;
    let password = read_password()?;
    passwords::check_policy_for(&password, &[email.as_str(), name.as_str()])
        .map_err(|e| CommandError::Usage(format!("password: {e}")))?;
    let role = match role {
        RoleArg::Admin => StaffRole::Admin,
        RoleArg::Manager => StaffRole::Manager,
        RoleArg::Dispatcher => StaffRole::Dispatcher,
    };
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&password))
        .await
        .context("password hashing was interrupted")??;
    let db = open_database(settings).await?;
    let new = NewStaffUser {
        email: email.as_str().to_string(),
        name: name.as_str().to_string(),
        role,
        password_hash: Some(hash),
    };
    match staff_users::insert(db.exec(), &new).await {
        Ok(user) => {
            println!("created {} ({}) with id {}", user.email, role, user.id);
            Ok(())
        }
        Err(e) if e.is_conflict_on(staff_users::UQ_EMAIL) => Err(CommandError::Usage(format!(
            "a staff user with email {} already exists",
            new.email
        ))),
        Err(e) => Err(anyhow::Error::new(e)
            .context("cannot create the staff user")
            .into()),
    }
}

/// The password from the first line of standard input, or from a no-echo prompt on a terminal.
fn read_password() -> Result<SecretString, CommandError> {
    let stdin = std::io::stdin();
    let password = if stdin.is_terminal() {
        let first = rpassword::prompt_password("Password: ").context("cannot read the password")?;
        let again =
            rpassword::prompt_password("Repeat password: ").context("cannot read the password")?;
        if first != again {
            return Err(CommandError::Usage("the two passwords differ".into()));
        }
        first
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if password.is_empty() {
        return Err(CommandError::Usage(
            "no password given on standard input".into(),
        ));
    }
    Ok(password.into())
}
