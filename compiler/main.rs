//! The `slipway` binary: takes the command line, gives an exit code. Everything else is in the library.

fn main() {
    std::process::exit(slipway::cli::run(std::env::args_os()));
}

/// mimalloc instead of the system's allocator: a large platform's `check` makes some 2.7 million
/// allocations on several threads, and glibc's malloc and free were a sixth of its time. Version 2 (the
/// crate's `v2` feature): version 3 was as fast in the median, but its peak RSS reached 250 MB. Without
/// transparent huge pages (`no_thp`): with them, the kernel clears and maps memory 2 MiB at a time, as
/// fast in the median, but one run in twenty took twice as long.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
