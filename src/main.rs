//! The `renewplan` command: parse arguments, run, map errors to exit codes
//! (2 for bad input, 1 for environment failures).

use clap::Parser;

fn main() {
    let cli = renewplan::cli::Cli::parse();
    if let Err(e) = renewplan::cli::main(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
