//! The `visa-kb` binary: everything lives in the `api` crate.
//!
//! It uses the system allocator on purpose: measured with `bench/run.sh`, mimalloc gave the same
//! throughput but a resident set about 25 MB larger (73 MB against 48 MB after the runs), and
//! the service has a 64 MB memory budget.

use std::process::ExitCode;

fn main() -> ExitCode {
    api::cli::run()
}
