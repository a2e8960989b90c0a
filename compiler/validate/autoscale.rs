//! Autoscalers: the HorizontalPodAutoscaler of each service is one the API server accepts and that can
//! work: `min` at least 1, `max` at least `min`, targets from 1 to 100 percent.

use crate::diagnostic::{Code, Diagnostic};
use crate::resolved;

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    for service in env.services.values() {
        let Some(autoscale) = &service.autoscale else { continue };
        let name = &service.name.value;
        if autoscale.min.value < 1 {
            diagnostics.push(
                Diagnostic::error(Code::InvalidAutoscale, format!("the autoscaler of `{name}` has `min = 0`"))
                    .with_label(autoscale.min.span, "at least 1")
                    .with_note("the API server refuses `minReplicas: 0` unless the alpha HPAScaleToZero gate is on")
                    .with_help("`min = 1`, or drop `autoscale` and set `replicas = 0` to stop the service"),
            );
        }
        if autoscale.max.value < autoscale.min.value {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidAutoscale,
                    format!(
                        "the autoscaler of `{name}` has `max = {}` below `min = {}`",
                        autoscale.max.value, autoscale.min.value
                    ),
                )
                .with_label(autoscale.max.span, format!("at least {}", autoscale.min.value))
                .with_secondary(autoscale.min.span, "min")
                .with_help(format!("`max = {}` or more, or a lower `min`", autoscale.min.value)),
            );
        }
        for (key, resource, target) in [("cpu", "CPU", &autoscale.cpu), ("memory", "memory", &autoscale.memory)] {
            let Some(target) = target.as_ref().filter(|it| !(1..=100).contains(&it.value)) else { continue };
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidAutoscale,
                    format!("the autoscaler of `{name}` targets {}% {resource} utilisation", target.value),
                )
                .with_label(target.span, "a percentage of requests, from 1 to 100")
                .with_note(format!(
                    "the autoscaler adds or removes pods to keep their average {resource} use at this percentage of their requests"
                ))
                .with_help(format!("`{key} = 70` adds pods when they use over 70% of the {resource} they request")),
            );
        }
    }
}
