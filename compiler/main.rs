//! The `slipway` binary: takes the command line, gives an exit code. Everything else is in the library.

fn main() {
    std::process::exit(slipway::cli::run(std::env::args_os()));
}
