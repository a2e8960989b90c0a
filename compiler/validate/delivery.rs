//! Delivery: what ArgoCD is told about an environment. Sync windows it would refuse or misread (D001,
//! D002), labels and annotations of its Applications and AppProjects (K001, K002, and N008 for those
//! Slipway sets), the image tags an environment accepts (D004, D005), the order of promotion (D003) and
//! the root over every environment (D006). The rules themselves live in `crate::delivery`.

use crate::delivery::{self, TagPattern};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::render::{RECOMMENDED_LABELS, SYNC_WAVE};
use crate::resolved;

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    sync_windows(env, diagnostics);
    metadata(env, diagnostics);
    image_tags(env, diagnostics);
}

/// The description ArgoCD accepts at most (bytes, as Go counts `len`).
const DESCRIPTION_MAX: usize = 255;

fn sync_windows(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let invalid = |span, what: &str, problem: String, help: &str| {
        Diagnostic::error(Code::InvalidSyncWindow, format!("this sync window's {what} is not one ArgoCD accepts"))
            .with_label(span, problem)
            .with_help(help.to_owned())
    };
    let mut seen: Vec<(WindowIdentity, crate::source::Span)> = Vec::new();
    for window in &env.argocd.sync_windows {
        if let Err(problem) = delivery::cron_schedule(&window.schedule) {
            diagnostics.push(invalid(
                window.schedule.span,
                "schedule",
                problem,
                "five cron fields: minute hour day-of-month month day-of-week, such as `0 22 * * 1-5`",
            ));
        }
        if let Err(problem) = delivery::go_duration(&window.duration) {
            diagnostics.push(invalid(
                window.duration.span,
                "duration",
                problem,
                "a positive Go duration, such as `8h`, `30m` or `1h30m`",
            ));
        }
        if let Some(zone) = &window.time_zone
            && let Err(problem) = delivery::time_zone(zone)
        {
            diagnostics.push(invalid(
                zone.span,
                "time zone",
                problem,
                "an IANA name, such as `Europe/Paris`; ArgoCD would silently use UTC instead",
            ));
        }
        if let Some(description) = &window.description
            && description.len() > DESCRIPTION_MAX
        {
            diagnostics.push(invalid(
                description.span,
                "description",
                format!("{} bytes, over ArgoCD's {DESCRIPTION_MAX}", description.len()),
                "shorten it; put a link to the longer text instead",
            ));
        }
        let identity = WindowIdentity::of(window);
        if let Some((_, first)) = seen.iter().find(|(it, _)| *it == identity) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateSyncWindow,
                    format!(
                        "two sync windows are the same {} window `{}` for `{}`",
                        window.kind.value.as_str(),
                        window.schedule.value,
                        window.duration.value
                    ),
                )
                .with_label(window.kind.span, "the second")
                .with_secondary(*first, "the first")
                .with_help("ArgoCD refuses the AppProject with both: remove one, or merge them"),
            );
        } else {
            seen.push((identity, window.kind.span));
        }
    }
}

/// What ArgoCD's `SyncWindow.HashIdentity` compares: all but `manualSync` and `description`.
#[derive(PartialEq, Eq)]
struct WindowIdentity {
    kind: resolved::WindowKind,
    schedule: String,
    duration: String,
    selectors: [Vec<String>; 3],
    time_zone: Option<String>,
}

impl WindowIdentity {
    fn of(window: &resolved::SyncWindow) -> WindowIdentity {
        let (applications, namespaces, clusters) = delivery::window_selectors(window);
        WindowIdentity {
            kind: window.kind.value,
            schedule: window.schedule.value.clone(),
            duration: window.duration.value.clone(),
            selectors: [applications, namespaces, clusters],
            time_zone: window.time_zone.as_ref().map(|it| it.value.clone()),
        }
    }
}

fn metadata(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let argocd = &env.argocd;
    for (key, value) in &argocd.labels {
        super::kubernetes::label_pair(Some(key), Some(value), "ArgoCD label", "[argocd]", diagnostics);
        if RECOMMENDED_LABELS.contains(&key.value.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::OverriddenSetting,
                    format!("the ArgoCD label `{}` is Slipway's to set", key.value),
                )
                .with_label(
                    key.span,
                    "Slipway labels every Application and AppProject with it; ArgoCD tracks them by it",
                )
                .with_help(format!("remove `{}` from `labels`; choose a key of your own, such as `team`", key.value)),
            );
        }
    }
    super::kubernetes::annotations(&argocd.annotations, "ArgoCD annotation", "[argocd]", diagnostics);
    if let Some(key) = argocd.annotations.keys().find(|key| key.value == SYNC_WAVE) {
        diagnostics.push(
            Diagnostic::error(
                Code::OverriddenSetting,
                format!("the ArgoCD annotation `{SYNC_WAVE}` is Slipway's to set"),
            )
            .with_label(key.span, "Slipway orders the Applications by their `uses` with it")
            .with_help("remove it from `annotations`; the order follows `uses`"),
        );
    }
}

fn image_tags(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let Some(pattern) = &env.image_tags else { return };
    let glob = match TagPattern::parse(pattern) {
        Ok(glob) => glob,
        Err(problem) => {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidTagPattern,
                    format!("`{}` is not a pattern of image tags", pattern.value),
                )
                .with_label(pattern.span, problem)
                .with_help("a glob: `*` any characters, `?` one, `[0-9]` one of a class, such as `v[0-9]*.*.*`"),
            );
            return;
        }
    };
    for service in env.services.values() {
        if !delivery::image_accepted(&glob, &service.image) {
            diagnostics.push(
                not_accepted(&env.name.value, &service.name.value, &service.image.value, &pattern.value)
                    .with_label(service.image.span, format!("its tag does not match `{}`", pattern.value))
                    .with_secondary(pattern.span, "the tags the environment accepts"),
            );
        }
    }
}

/// D005, as `check`, `set-image` and `promote` say it.
pub(crate) fn not_accepted(environment: &str, service: &str, image: &str, pattern: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ImageTagNotAccepted,
        format!("`{environment}` accepts image tags matching `{pattern}`, not the image `{image}` of `{service}`"),
    )
    .with_help(format!(
        "use a tag that matches `{pattern}` (a release, not a branch or commit), or an image pinned by digest"
    ))
}

/// The checks of what is platform-wide: the order of promotion and the root over every environment.
pub(super) fn platform(envs: &[resolved::Env], diagnostics: &mut Vec<Diagnostic>) {
    let Some(first) = envs.first() else { return };
    let names: Vec<&str> = envs.iter().map(|env| env.name.value.as_str()).collect();
    let mut listed: Vec<&str> = Vec::new();
    for name in &first.platform.promotion {
        if !names.contains(&name.value.as_str()) {
            let help = did_you_mean(name, names.iter().copied())
                .unwrap_or_else(|| format!("the environments are {}", crate::diagnostic::quoted_list(&names)));
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownPromotionEnvironment,
                    format!("`promotion` names `{}`, which is not an environment", name.value),
                )
                .with_label(name.span, "not declared in [environments]")
                .with_help(help),
            );
        } else if listed.contains(&name.value.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownPromotionEnvironment,
                    format!("`promotion` names `{}` twice", name.value),
                )
                .with_label(name.span, "listed before")
                .with_help("list each environment once, in the order images travel"),
            );
        }
        listed.push(&name.value);
    }
    if let Some(root) = first.platform.root {
        let namespaces: std::collections::BTreeSet<&str> =
            envs.iter().map(|env| env.argocd.namespace.value.as_str()).collect();
        if namespaces.len() > 1 {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidRoot,
                    "one root over every environment needs every environment in one ArgoCD namespace",
                )
                .with_label(
                    root,
                    format!("the environments' ArgoCD namespaces are {}", crate::diagnostic::quoted_list(&namespaces)),
                )
                .with_help("give every environment the same `argocd.namespace`, or leave `root` out"),
            );
        }
    }
}
