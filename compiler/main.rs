//! The `slipway` binary: takes the command line, gives an exit code. Everything else is in the library.

fn main() {
    grow_heaps_in_large_steps();
    std::process::exit(slipway::cli::run(std::env::args_os()));
}

/// glibc grows the heap of every thread but the main one a page at a time, with an `mprotect` call each:
/// a large platform's render threads made some 20,000 such calls, about a twentieth of `check`'s time.
/// A new heap is made writable up to the padding asked for here, at most 64 MiB (its largest size), so
/// with that padding the calls are a handful. The padding is address space, not memory: pages count
/// only once they are touched.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn grow_heaps_in_large_steps() {
    /// `M_TOP_PAD` in glibc's `malloc.h`.
    const M_TOP_PAD: std::ffi::c_int = -2;
    unsafe extern "C" {
        fn mallopt(parameter: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    // SAFETY: `mallopt` only sets one of malloc's tunables, and is called before any other thread
    // exists. A refusal (it returns 0) leaves the default, which is merely slower.
    unsafe {
        mallopt(M_TOP_PAD, 64 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn grow_heaps_in_large_steps() {}
