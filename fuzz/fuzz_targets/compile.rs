//! Feeds arbitrary bytes, and TOML assembled from the schema's keys, through load -> resolve -> validate
//! -> render -> emit. Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run compile` (see the README).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    slipway::fuzz_one(bytes);
});
