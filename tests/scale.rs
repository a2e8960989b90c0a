//! The generated benchmark platform compiles and `check` passes on its own output: a correctness test at
//! N = 200, not a timed one (timing belongs in `benches/run.sh`).

#[path = "../examples/gen_platform.rs"]
pub(crate) mod gen_platform;

use crate::support;

#[test]
fn a_generated_platform_of_200_services_builds_and_checks() {
    let dir = support::temp_dir("scale");
    std::fs::create_dir_all(dir.join("platform")).unwrap();
    std::fs::write(dir.join("platform/platform.toml"), gen_platform::platform(200, false)).unwrap();
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(build.stdout.contains("added"), "{}", build.stdout);
    let check = support::slipway(&dir, &["check", "--deny", "warnings"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(support::read_tree(&dir.join("out")).len() > 200 * 3 * 5);
}

#[test]
fn the_generator_is_deterministic() {
    assert_eq!(gen_platform::platform(50, false), gen_platform::platform(50, false));
    assert_eq!(gen_platform::platform(50, true), gen_platform::platform(50, true));
}
