//! Determinism: the same platform gives the same bytes, whatever the order of its tables.

use crate::support;

#[test]
fn two_renders_are_byte_identical() {
    let path = support::root().join("platform/platform.toml");
    assert_eq!(support::render(&path), support::render(&path));
}

#[test]
fn reordering_services_and_environments_changes_nothing() {
    let path = support::root().join("platform/platform.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let reordered = reverse_tables(&text, &["[services.", "[secrets.", "[environments."]);
    assert_ne!(reordered, text, "the reordering must change the file");
    let dir = support::temp_dir("reordered");
    let reordered_path = dir.join("platform.toml");
    std::fs::write(&reordered_path, reordered).unwrap();
    assert_eq!(support::render(&reordered_path), support::render(&path));
}

/// Reverses the order of the top-level tables whose header starts with one of `prefixes`, each group
/// in place. A table runs from its leading comments to the next table's.
fn reverse_tables(text: &str, prefixes: &[&str]) -> String {
    let mut chunks: Vec<String> = vec![String::new()];
    let mut pending_comments = String::new();
    for line in text.lines() {
        if line.starts_with('#') && !line.starts_with("#:") {
            pending_comments.push_str(line);
            pending_comments.push('\n');
            continue;
        }
        if line.starts_with('[') {
            chunks.push(std::mem::take(&mut pending_comments));
        } else {
            chunks.last_mut().unwrap().push_str(&std::mem::take(&mut pending_comments));
        }
        let chunk = chunks.last_mut().unwrap();
        chunk.push_str(line);
        chunk.push('\n');
    }
    chunks.last_mut().unwrap().push_str(&pending_comments);
    for prefix in prefixes {
        let header =
            |chunk: &String| chunk.lines().find(|line| !line.starts_with('#')).unwrap_or_default().starts_with(prefix);
        let positions: Vec<usize> = (0..chunks.len()).filter(|&index| header(&chunks[index])).collect();
        let mut group: Vec<String> = positions.iter().map(|&index| chunks[index].clone()).collect();
        group.reverse();
        for (position, chunk) in positions.into_iter().zip(group) {
            chunks[position] = chunk;
        }
    }
    let mut result = chunks.concat();
    if !result.ends_with("\n\n") {
        result.push('\n');
    }
    result
}
