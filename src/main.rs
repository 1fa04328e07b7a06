//! The `visa-kb` binary: everything lives in the `api` crate.
//!
//! Its allocator is jemalloc with one arena (`bench/README.md`, twelfth round). glibc's
//! allocator spent a quarter of the server's CPU on a comparison of ten programs, some of it
//! waiting on arena locks (rows are decoded on one worker thread and freed on another);
//! jemalloc took 14-21% less server CPU per comparison, and its resident set after the loads
//! was lower (41 MB against 44 MB at 10,000 programs). Freed pages go back to the system a
//! second after a heavy request, from jemalloc's background thread. mimalloc was as fast but
//! kept 64 MB after the loads, the whole memory budget.

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, which it reads by this symbol's name when it starts: one arena (its
/// default, four per core, peaked at 66-68 MB, over the budget, in an earlier round; two
/// measured the same as one on two cores), a background thread that returns dirty pages
/// after a second, none kept in the "muzzy" state.
// The one audited `unsafe`: exporting a symbol by name, which the linker cannot check. The
// value is a NUL-terminated constant that lives as long as the program, as jemalloc expects
// of its `const char *malloc_conf`.
#[allow(unsafe_code)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static MALLOC_CONF: &u8 =
    &b"narenas:1,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0"[0];

fn main() -> ExitCode {
    api::cli::run()
}
