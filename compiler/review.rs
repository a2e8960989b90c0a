//! Review: takes the files of `out/` before and after a change, gives what a reviewer wants first: per
//! environment, objects added, changed and removed by kind, the budget before and after, routes added and
//! removed, secrets newly referenced and images changed; then the unified diffs. As text or as Markdown
//! for a pull-request comment. It reads Slipway's own output, whose layout it knows.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::emit::{Files, unified_diff};

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

/// What changed in one environment.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub environment: String,
    /// Kind -> (added, changed, removed).
    pub objects: BTreeMap<String, (usize, usize, usize)>,
    /// (before, after) of the memory and CPU request totals, when they changed.
    pub budget: Vec<(String, String)>,
    pub routes_added: BTreeSet<String>,
    pub routes_removed: BTreeSet<String>,
    pub secrets_added: BTreeSet<String>,
    /// (service, before, after).
    pub images: Vec<(String, String, String)>,
}

pub fn summarize(changes: &[Change]) -> Vec<Summary> {
    let mut summaries: BTreeMap<String, Summary> = BTreeMap::new();
    for change in changes {
        let Some((environment, rest)) = change.path.split_once('/') else { continue };
        let summary = summaries
            .entry(environment.to_owned())
            .or_insert_with(|| Summary { environment: environment.to_owned(), ..Summary::default() });
        let kind = kind_of(rest);
        let counts = summary.objects.entry(kind.clone()).or_default();
        match change.kind {
            ChangeKind::Added => counts.0 += 1,
            ChangeKind::Changed => counts.1 += 1,
            ChangeKind::Removed => counts.2 += 1,
        }
        if kind == "summary" {
            for (before, after) in budget_lines(&change.before).into_iter().zip(budget_lines(&change.after)) {
                if before != after {
                    summary.budget.push((before, after));
                }
            }
        }
        let (routes_before, routes_after) = (routes(rest, &change.before), routes(rest, &change.after));
        summary.routes_added.extend(routes_after.difference(&routes_before).cloned());
        summary.routes_removed.extend(routes_before.difference(&routes_after).cloned());
        let (secrets_before, secrets_after) = (secrets(&change.before), secrets(&change.after));
        summary.secrets_added.extend(secrets_after.difference(&secrets_before).cloned());
        if kind == "deployment" {
            let (image_before, image_after) = (image(&change.before), image(&change.after));
            if image_before != image_after {
                let service = rest.split('/').nth(1).unwrap_or(rest).to_owned();
                summary.images.push((
                    service,
                    image_before.unwrap_or_else(|| "-".to_owned()),
                    image_after.unwrap_or_else(|| "-".to_owned()),
                ));
            }
        }
    }
    summaries.into_values().collect()
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

/// The requests lines of the budget block of an environment summary.
fn budget_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| line.starts_with("memory requests") || line.starts_with("CPU requests"))
        .map(|line| {
            let (what, rest) = line.split_once(" [").unwrap_or((line, ""));
            let numbers = rest.split_once("] ").map_or(rest, |(_, numbers)| numbers);
            format!("{}: {}", what.trim(), numbers.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect()
}

fn routes(path: &str, text: &str) -> BTreeSet<String> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let service = path.split('/').nth(1).unwrap_or_default();
    let mut found = BTreeSet::new();
    if file.starts_with("ingress-") {
        for line in lines(text) {
            if let Some(route) = line.strip_prefix("path: ") {
                found.insert(format!("{route} -> {service}"));
            }
        }
    } else if file.starts_with("ingressroute-") {
        for line in lines(text) {
            if let Some(rule) = line.strip_prefix("match: ") {
                found.insert(format!("{rule} -> {service}"));
            }
        }
    }
    found
}

/// Names under `secretKeyRef:` and `secretRef:` in a manifest Slipway wrote (keys sorted, so `name`
/// follows `key` within two lines).
fn secrets(text: &str) -> BTreeSet<String> {
    let all: Vec<&str> = lines(text).collect();
    let mut found = BTreeSet::new();
    for (index, line) in all.iter().enumerate() {
        if *line == "secretKeyRef:" || *line == "secretRef:" {
            for next in all.iter().skip(index + 1).take(3) {
                if let Some(name) = next.strip_prefix("name: ") {
                    found.insert(name.to_owned());
                    break;
                }
            }
        }
    }
    found
}

fn image(text: &str) -> Option<String> {
    lines(text).find_map(|line| line.strip_prefix("image: ")).map(str::to_owned)
}

/// The lines of a manifest without indentation or a sequence's `- `, so keys read alike wherever they are.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|line| line.trim().trim_start_matches("- "))
}

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
    for (before, after) in &summary.budget {
        let (what, before) = before.split_once(": ").unwrap_or(("budget", before));
        let after = after.split_once(": ").map_or(after.as_str(), |(_, after)| after);
        lines.push(format!("{what}: {before} -> {after}"));
    }
    for route in &summary.routes_added {
        lines.push(format!("route added: {route}"));
    }
    for route in &summary.routes_removed {
        lines.push(format!("route removed: {route}"));
    }
    for secret in &summary.secrets_added {
        lines.push(format!("secret newly referenced: {secret}"));
    }
    for (service, before, after) in &summary.images {
        lines.push(format!("image of {service}: {before} -> {after}"));
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
        let budget: Vec<String> = summary
            .budget
            .iter()
            .map(|(before, after)| {
                format!("{} → {}", before, after.split_once(": ").map_or(after.as_str(), |(_, it)| it))
            })
            .collect();
        let routes: Vec<String> = summary
            .routes_added
            .iter()
            .map(|route| format!("+ `{route}`"))
            .chain(summary.routes_removed.iter().map(|route| format!("− `{route}`")))
            .collect();
        let secrets: Vec<String> = summary.secrets_added.iter().map(|secret| format!("`{secret}`")).collect();
        let images: Vec<String> = summary
            .images
            .iter()
            .map(|(service, before, after)| format!("{service}: `{before}` → `{after}`"))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            summary.environment,
            objects.join("<br>"),
            budget.join("<br>"),
            routes.join("<br>"),
            secrets.join("<br>"),
            images.join("<br>")
        );
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
