//! The `ordinavo` binary: parses the command line and hands over to `commands`.

use std::process::ExitCode;

use clap::Parser;
use ordinavo_api::cli::Cli;
use ordinavo_api::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match actix_web::rt::System::new().block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ordinavo: {e:#}");
            ExitCode::from(e.exit_code())
        }
    }
}
