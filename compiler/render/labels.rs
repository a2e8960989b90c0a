//! Labels: takes an environment and an object's owner, gives the Kubernetes recommended labels.

use std::collections::BTreeMap;

use crate::resolved;

pub(super) const MANAGED_BY: &str = "slipway";

/// The recommended labels Slipway puts on every pod (and object) it renders; the first two select a
/// service's pods. `validate` refuses them in a service's own `pod_labels`.
pub(crate) const NAME: &str = "app.kubernetes.io/name";
pub(crate) const INSTANCE: &str = "app.kubernetes.io/instance";
const PART_OF: &str = "app.kubernetes.io/part-of";
const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
const VERSION: &str = "app.kubernetes.io/version";
pub(crate) const RECOMMENDED: [&str; 5] = [NAME, INSTANCE, PART_OF, MANAGED_BY_LABEL, VERSION];

/// The recommended labels of everything that belongs to `name` (a service or `platform`).
pub(super) fn common(env: &resolved::Env, name: &str, version: Option<&str>) -> BTreeMap<String, String> {
    let mut labels = selector(env, name);
    labels.insert(PART_OF.to_owned(), env.platform.name.value.clone());
    labels.insert(MANAGED_BY_LABEL.to_owned(), MANAGED_BY.to_owned());
    // A tag that is no label value (longer than 63 characters, say) is left out rather than refused.
    if let Some(version) = version.filter(|version| crate::k8s_rules::label_value(version).is_ok()) {
        labels.insert(VERSION.to_owned(), version.to_owned());
    }
    labels
}

/// The recommended labels of the Application over every environment's root.
pub(super) fn platform_root(platform: &str, instance: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (NAME.to_owned(), super::ROOT.to_owned()),
        (INSTANCE.to_owned(), instance.to_owned()),
        (PART_OF.to_owned(), platform.to_owned()),
        (MANAGED_BY_LABEL.to_owned(), MANAGED_BY.to_owned()),
    ])
}

/// The labels that select a service's pods; they never change, because a selector is immutable.
pub(super) fn selector(env: &resolved::Env, name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(NAME.to_owned(), name.to_owned()), (INSTANCE.to_owned(), super::names::application(env, name))])
}

/// Annotations of a custom resource whose definition a chart installs: ArgoCD skips its dry run while the
/// definition is missing, instead of failing the whole sync (CHECKLIST section 4).
pub(super) fn custom_resource_annotations() -> BTreeMap<String, String> {
    BTreeMap::from([("argocd.argoproj.io/sync-options".to_owned(), "SkipDryRunOnMissingResource=true".to_owned())])
}
