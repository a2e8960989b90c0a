//! Review: takes the files of `out/` before and after a change, and the facts of each environment on both
//! sides, gives what a reviewer wants first: per environment, objects added, changed and removed by kind
//! (read from the files' paths, whose layout is Slipway's own), then, from each environment's analysis,
//! the budget before and after, routes added and removed, secrets newly read and images changed; then the
//! unified diffs. As text or as Markdown for a pull-request comment.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::analysis;
use crate::budget::{human_cpu, human_memory, percent};
use crate::emit::{Files, unified_diff};
use crate::quantity::{Cpu, Memory};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    pub before: String,
    pub after: String,
}

/// Every file that differs between `before` and `after`, by path.
pub fn changes(before: &Files, after: &Files) -> Vec<Change> {
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    paths
        .into_iter()
        .filter_map(|path| {
            let (old, new) = (before.get(path), after.get(path));
            let kind = match (old, new) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (Some(old), Some(new)) if old != new => ChangeKind::Changed,
                _ => return None,
            };
            Some(Change {
                path: path.clone(),
                kind,
                before: old.cloned().unwrap_or_default(),
                after: new.cloned().unwrap_or_default(),
            })
        })
        .collect()
}

/// What the review compares of one environment, taken from its analysis: the facts render writes, read
/// before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFacts {
    /// Memory and CPU requested, every pod at its highest count (the budget's totals).
    pub requests: (Memory, Cpu),
    /// Memory and CPU allocatable on all the environment's nodes.
    pub capacity: (Memory, Cpu),
    /// The routes the gateway serves, as `host/path -> service`, or `/path -> service` on any host; none
    /// without a gateway, which would serve none.
    pub routes: BTreeSet<String>,
    /// Who reads each secret (services and components), by secret.
    pub secrets: BTreeMap<String, BTreeSet<String>>,
    /// Each service's image.
    pub images: BTreeMap<String, String>,
}

impl EnvFacts {
    pub fn of(facts: &analysis::Facts<'_>) -> EnvFacts {
        let env = facts.env;
        let routes = facts
            .served_routes()
            .map(|route| {
                let host = route.host.map_or("", |host| host.value.as_str());
                let scheme = if route.tls.is_some() { "https://" } else { "" };
                format!("{scheme}{host}{} -> {}", route.path(), route.service.name.value)
            })
            .collect();
        let secrets = facts
            .secret_readers
            .iter()
            .map(|(secret, readers)| {
                ((*secret).to_owned(), readers.iter().map(|(reader, _)| (*reader).to_owned()).collect())
            })
            .collect();
        let images =
            env.services.values().map(|service| (service.name.value.clone(), service.image.value.clone())).collect();
        EnvFacts { requests: facts.budget.requests(), capacity: facts.budget.capacity(), routes, secrets, images }
    }
}

/// One side of a change, as far as the review knows it.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// The facts of each environment the platform has, by name; an environment it does not have is absent.
    pub environments: BTreeMap<String, EnvFacts>,
    /// Environments whose facts are not known, with why.
    pub unknown: BTreeMap<String, String>,
}

impl Side {
    /// The facts of `environment` (`None` when the platform does not have it), or why they are not known.
    fn get(&self, environment: &str) -> Result<Option<&EnvFacts>, &str> {
        match self.unknown.get(environment) {
            Some(why) => Err(why),
            None => Ok(self.environments.get(environment)),
        }
    }
}

/// What changed in one environment.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub environment: String,
    /// Kind -> (added, changed, removed).
    pub objects: BTreeMap<String, (usize, usize, usize)>,
    /// (total, before, after) of the memory and CPU requests that changed, as `896Mi of 16Gi 5.5%`, or
    /// `-` in an environment that is new or gone.
    pub budget: Vec<(&'static str, String, String)>,
    pub routes_added: BTreeSet<String>,
    pub routes_removed: BTreeSet<String>,
    /// Secrets read by someone who did not read them before, with those new readers.
    pub secrets_added: BTreeMap<String, BTreeSet<String>>,
    /// (service, before, after), `-` for a service that is new or gone.
    pub images: Vec<(String, String, String)>,
    /// Why the budget, routes, secrets and images were not compared, when they were not.
    pub not_compared: Option<String>,
}

/// The summary of each environment with changes: objects from the files, the rest from the facts.
pub fn summarize(changes: &[Change], before: &Side, after: &Side) -> Vec<Summary> {
    let mut summaries: BTreeMap<String, Summary> = BTreeMap::new();
    for change in changes {
        let Some((environment, rest)) = change.path.split_once('/') else { continue };
        let summary = summaries
            .entry(environment.to_owned())
            .or_insert_with(|| Summary { environment: environment.to_owned(), ..Summary::default() });
        let counts = summary.objects.entry(kind_of(rest)).or_default();
        match change.kind {
            ChangeKind::Added => counts.0 += 1,
            ChangeKind::Changed => counts.1 += 1,
            ChangeKind::Removed => counts.2 += 1,
        }
    }
    for summary in summaries.values_mut() {
        match (before.get(&summary.environment), after.get(&summary.environment)) {
            (Err(why), _) | (_, Err(why)) => summary.not_compared = Some(why.to_owned()),
            (Ok(old), Ok(new)) => compare(summary, old, new),
        }
    }
    summaries.into_values().collect()
}

/// Fills in what changed between the facts of one environment before and after.
fn compare(summary: &mut Summary, before: Option<&EnvFacts>, after: Option<&EnvFacts>) {
    let (old, new) = (before.map(request_totals), after.map(request_totals));
    for index in 0..2 {
        let (old, new) = (old.as_ref().map(|it| &it[index]), new.as_ref().map(|it| &it[index]));
        if old.map(|it| (it.used, it.whole)) != new.map(|it| (it.used, it.whole)) {
            let what = old.or(new).map_or("", |it| it.what);
            let show = |total: Option<&Total>| total.map_or_else(|| "-".to_owned(), Total::shown);
            summary.budget.push((what, show(old), show(new)));
        }
    }
    let empty = BTreeSet::new();
    let (routes_before, routes_after) = (before.map_or(&empty, |it| &it.routes), after.map_or(&empty, |it| &it.routes));
    summary.routes_added = routes_after.difference(routes_before).cloned().collect();
    summary.routes_removed = routes_before.difference(routes_after).cloned().collect();
    for (secret, readers) in after.iter().flat_map(|it| &it.secrets) {
        let known = before.and_then(|it| it.secrets.get(secret)).unwrap_or(&empty);
        let new: BTreeSet<String> = readers.difference(known).cloned().collect();
        if !new.is_empty() {
            summary.secrets_added.insert(secret.clone(), new);
        }
    }
    let none = BTreeMap::new();
    let (images_before, images_after) = (before.map_or(&none, |it| &it.images), after.map_or(&none, |it| &it.images));
    let services: BTreeSet<&String> = images_before.keys().chain(images_after.keys()).collect();
    for service in services {
        let (old, new) = (images_before.get(service), images_after.get(service));
        if old != new {
            let show = |image: Option<&String>| image.cloned().unwrap_or_else(|| "-".to_owned());
            summary.images.push((service.clone(), show(old), show(new)));
        }
    }
}

/// A request total against capacity.
struct Total {
    what: &'static str,
    used: u64,
    whole: u64,
    /// `896Mi of 16Gi`.
    text: String,
}

impl Total {
    /// `896Mi of 16Gi 5.5%`.
    fn shown(&self) -> String {
        format!("{} {:.1}%", self.text, percent(self.used, self.whole))
    }
}

/// The memory and the CPU requests of an environment, against its capacity.
fn request_totals(facts: &EnvFacts) -> [Total; 2] {
    let ((memory, cpu), (memory_capacity, cpu_capacity)) = (facts.requests, facts.capacity);
    [
        Total {
            what: "memory requests",
            used: memory.0,
            whole: memory_capacity.0,
            text: format!("{} of {}", human_memory(memory), human_memory(memory_capacity)),
        },
        Total {
            what: "CPU requests",
            used: cpu.0,
            whole: cpu_capacity.0,
            text: format!("{} of {}", human_cpu(cpu), human_cpu(cpu_capacity)),
        },
    ]
}

/// `services/api/deployment-api.yaml` -> `deployment`; `README.md` -> `summary`.
fn kind_of(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    match file {
        "README.md" => "summary".to_owned(),
        "root.yaml" => "application".to_owned(),
        _ => file.split('-').next().unwrap_or(file).trim_end_matches(".yaml").to_owned(),
    }
}

/// What the summary leaves out when the facts before or after are not known.
const NOT_COMPARED: &str = "budget, routes, secrets and images not compared";

/// The review as text: the summary, then the unified diffs.
pub fn text(summaries: &[Summary], changes: &[Change]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        return "no changes\n".to_owned();
    }
    for summary in summaries {
        let _ = writeln!(out, "{}:", summary.environment);
        for line in summary_lines(summary) {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push('\n');
    for change in changes {
        out.push_str(&unified_diff(&change.path, &change.before, &change.after));
    }
    out
}

fn summary_lines(summary: &Summary) -> Vec<String> {
    let mut lines = Vec::new();
    let objects: Vec<String> = summary
        .objects
        .iter()
        .map(|(kind, (added, changed, removed))| {
            let mut parts = Vec::new();
            if *added > 0 {
                parts.push(format!("+{added}"));
            }
            if *changed > 0 {
                parts.push(format!("~{changed}"));
            }
            if *removed > 0 {
                parts.push(format!("-{removed}"));
            }
            format!("{kind} {}", parts.join(" "))
        })
        .collect();
    lines.push(format!("objects: {}", objects.join(", ")));
    for (what, before, after) in &summary.budget {
        lines.push(format!("{what}: {before} -> {after}"));
    }
    for route in &summary.routes_added {
        lines.push(format!("route added: {route}"));
    }
    for route in &summary.routes_removed {
        lines.push(format!("route removed: {route}"));
    }
    for (secret, readers) in &summary.secrets_added {
        lines.push(format!("secret newly referenced: {secret} by {}", readers_list(readers)));
    }
    for (service, before, after) in &summary.images {
        lines.push(format!("image of {service}: {before} -> {after}"));
    }
    if let Some(why) = &summary.not_compared {
        lines.push(format!("{NOT_COMPARED}: {why}"));
    }
    lines
}

/// The review as a pull-request comment: a summary table, then the diffs per environment, folded.
pub fn markdown(summaries: &[Summary], changes: &[Change]) -> String {
    let mut out = String::from("### Slipway: what this change does to the platform\n\n");
    if changes.is_empty() {
        out.push_str("No change to the rendered platform.\n");
        return out;
    }
    out.push_str("| environment | objects | budget | routes | secrets | images |\n|---|---|---|---|---|---|\n");
    for summary in summaries {
        let objects: Vec<String> = summary
            .objects
            .iter()
            .map(|(kind, (added, changed, removed))| format!("{kind}: +{added} ~{changed} -{removed}"))
            .collect();
        let budget: Vec<String> =
            summary.budget.iter().map(|(what, before, after)| format!("{what}: {before} → {after}")).collect();
        let routes: Vec<String> = summary
            .routes_added
            .iter()
            .map(|route| format!("+ `{route}`"))
            .chain(summary.routes_removed.iter().map(|route| format!("− `{route}`")))
            .collect();
        let secrets: Vec<String> = summary
            .secrets_added
            .iter()
            .map(|(secret, readers)| format!("`{secret}` by {}", readers_list(readers)))
            .collect();
        let images: Vec<String> = summary
            .images
            .iter()
            .map(|(service, before, after)| format!("{service}: `{before}` → `{after}`"))
            .collect();
        let facts = [budget, routes, secrets, images].map(|cell| match summary.not_compared {
            Some(_) => "not compared".to_owned(),
            None => cell.join("<br>"),
        });
        let _ = writeln!(out, "| {} | {} | {} |", summary.environment, objects.join("<br>"), facts.join(" | "));
    }
    for summary in summaries {
        if let Some(why) = &summary.not_compared {
            let _ = writeln!(out, "\n`{}`: {NOT_COMPARED}: {why}.", summary.environment);
        }
    }
    for summary in summaries {
        let _ = writeln!(out, "\n<details><summary><code>{}</code>: diff</summary>\n\n```diff", summary.environment);
        for change in changes.iter().filter(|change| change.path.starts_with(&format!("{}/", summary.environment))) {
            out.push_str(&unified_diff(&change.path, &change.before, &change.after).replace("```", "``\u{200b}`"));
        }
        out.push_str("```\n\n</details>\n");
    }
    out
}

/// `a, b`: the readers of a secret.
fn readers_list(readers: &BTreeSet<String>) -> String {
    readers.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(memory_mi: u64, routes: &[&str], secrets: &[(&str, &[&str])], images: &[(&str, &str)]) -> EnvFacts {
        EnvFacts {
            requests: (Memory(memory_mi << 20), Cpu(100)),
            capacity: (Memory(1 << 30), Cpu(1000)),
            routes: routes.iter().map(|it| (*it).to_owned()).collect(),
            secrets: secrets
                .iter()
                .map(|(secret, readers)| ((*secret).to_owned(), readers.iter().map(|it| (*it).to_owned()).collect()))
                .collect(),
            images: images.iter().map(|(service, image)| ((*service).to_owned(), (*image).to_owned())).collect(),
        }
    }

    fn summary(before: Option<&EnvFacts>, after: Option<&EnvFacts>) -> Summary {
        let mut summary = Summary::default();
        compare(&mut summary, before, after);
        summary
    }

    #[test]
    fn only_what_changed_is_summarised() {
        let before = facts(256, &["/a -> a"], &[("db", &["a"])], &[("a", "r/a:1")]);
        let after = facts(
            256,
            &["/a -> a", "h.example.com/b -> b"],
            &[("db", &["a", "b"]), ("s", &["a"])],
            &[("a", "r/a:1"), ("b", "r/b:1")],
        );
        let summary = summary(Some(&before), Some(&after));
        assert!(summary.budget.is_empty(), "the same totals are no change");
        assert_eq!(summary.routes_added, BTreeSet::from(["h.example.com/b -> b".to_owned()]));
        assert!(summary.routes_removed.is_empty());
        let readers = |names: &[&str]| names.iter().map(|it| (*it).to_owned()).collect::<BTreeSet<_>>();
        assert_eq!(
            summary.secrets_added,
            BTreeMap::from([("db".to_owned(), readers(&["b"])), ("s".to_owned(), readers(&["a"]))]),
            "a secret read by someone new, with only the new readers"
        );
        assert_eq!(summary.images, vec![("b".to_owned(), "-".to_owned(), "r/b:1".to_owned())]);
    }

    #[test]
    fn an_environment_that_is_new_or_gone_compares_with_nothing() {
        let facts = facts(512, &["/a -> a"], &[], &[("a", "r/a:1")]);
        let new = summary(None, Some(&facts));
        assert_eq!(new.budget[0], ("memory requests", "-".to_owned(), "512Mi of 1Gi 50.0%".to_owned()));
        assert_eq!(new.budget[1], ("CPU requests", "-".to_owned(), "100m of 1 10.0%".to_owned()));
        let gone = summary(Some(&facts), None);
        assert_eq!(gone.routes_removed, BTreeSet::from(["/a -> a".to_owned()]));
        assert_eq!(gone.images, vec![("a".to_owned(), "r/a:1".to_owned(), "-".to_owned())]);
    }

    #[test]
    fn unknown_facts_are_not_compared_and_say_why() {
        let change = Change {
            path: "dev/services/a/deployment-a.yaml".to_owned(),
            kind: ChangeKind::Changed,
            before: "x".to_owned(),
            after: "y".to_owned(),
        };
        let before = Side { unknown: BTreeMap::from([("dev".to_owned(), "why".to_owned())]), ..Side::default() };
        let after = Side {
            environments: BTreeMap::from([("dev".to_owned(), facts(1, &[], &[], &[("a", "r/a:2")]))]),
            ..Side::default()
        };
        let summaries = summarize(std::slice::from_ref(&change), &before, &after);
        assert_eq!(summaries[0].not_compared.as_deref(), Some("why"));
        assert!(summaries[0].images.is_empty());
        assert!(
            text(&summaries, &[change]).starts_with(
                "dev:\n  objects: deployment ~1\n  budget, routes, secrets and images not compared: why\n"
            )
        );
    }
}
