//! Plain manifests: takes the environment's objects from `manifests/all/` and `manifests/<env>/`, which
//! `validate` has checked, gives each as it was written, one object per file:
//! `<env>/manifests/<kind>-<namespace>-<name>.yaml` (or `<kind>-<name>.yaml` when cluster-scoped).
//! They are synced by the `manifests` Application, with a project of their own (see `argocd`).

use super::{Manifest, Out};
use crate::resolved;

/// The directory, and Application, of the plain manifests.
pub(crate) const MANIFESTS: &str = "manifests";

pub(super) fn render(env: &resolved::Env, out: &mut Out<'_>) {
    for plain in &env.manifests {
        let object = &plain.object;
        let field = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_owned();
        let kind = field(&object["kind"]);
        let group = crate::validate::manifests::group(object["apiVersion"].as_str().unwrap_or_default()).to_owned();
        let name = field(&object["metadata"]["name"]);
        let file = match object["metadata"]["namespace"].as_str() {
            Some(namespace) => format!("{}-{namespace}-{name}", kind.to_ascii_lowercase()),
            None => format!("{}-{name}", kind.to_ascii_lowercase()),
        };
        let manifest = Manifest::new(
            format!("{}/{MANIFESTS}/{file}.yaml", env.name.value),
            format!("{}, line {}", plain.relative, plain.line),
            object.clone(),
        );
        out.push_plain(manifest, &group, &kind);
    }
}
