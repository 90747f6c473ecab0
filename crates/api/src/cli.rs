//! The `ordinavo` command line: serve, migrate, staff, demo, openapi.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "ordinavo", version, about = "Ordinavo Customer Portal")]
pub struct Cli {
    /// Refuse unsafe settings (missing or short secrets, SQLite in memory, plain-http public
    /// URL) and log as JSON.
    #[arg(long, global = true, env = "ORDINAVO_PRODUCTION")]
    pub production: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (both APIs and the built SPA).
    Serve {
        /// Seed the demo company first when the database holds no customer yet.
        #[arg(long)]
        demo_if_empty: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage staff users.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Demo data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// OpenAPI documents.
    Openapi {
        #[command(subcommand)]
        command: OpenapiCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create a staff user. The password is read from standard input (first line) when it is
    /// not a terminal, otherwise prompted for without echo; never taken from the arguments.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Manager,
    Dispatcher,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Seed a believable demo company and print the demo sign-ins once.
    Seed {
        /// Do nothing (successfully) when the database already holds customers.
        #[arg(long)]
        if_empty: bool,
        /// Seed the benchmark data set instead of the demo company: 100 customers, 1,000
        /// locations, this many appointments, and one portal user granted 10 locations whose
        /// sign-in is printed once (see bench/).
        #[arg(long, value_name = "APPOINTMENTS")]
        scale: Option<usize>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OpenapiCommand {
    /// Write portal.json and internal.json into a directory.
    Export {
        #[arg(long, default_value = "openapi")]
        out: PathBuf,
    },
}
