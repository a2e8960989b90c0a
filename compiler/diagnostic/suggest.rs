//! "Did you mean": takes a misspelled name and the valid ones, gives the closest valid one if it is close.

/// The candidate closest to `input`: a case-insensitive match first, then the smallest edit distance,
/// if that distance is small for the length of the name (at most 2, or a third of its length).
///
/// Names longer than `MAX_NAME` characters are neither suggested nor given suggestions: no real name is
/// that long, and the edit distance of two long names costs the product of their lengths.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    let length = input.chars().take(MAX_NAME + 1).count();
    if length > MAX_NAME {
        return None;
    }
    let limit = (length / 3).max(2);
    for candidate in candidates {
        if candidate == input {
            continue;
        }
        if candidate.eq_ignore_ascii_case(input) {
            return Some(candidate);
        }
        let candidate_length = candidate.chars().take(MAX_NAME + 1).count();
        if candidate_length > MAX_NAME || candidate_length.abs_diff(length) > limit {
            continue;
        }
        let distance = levenshtein(input, candidate);
        if distance <= limit && best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The longest name `suggest` compares.
const MAX_NAME: usize = 256;

/// `Some("did you mean `x`?")` when there is a close candidate. When the input differs from it by
/// characters that are not ASCII (a Cyrillic `а` for a Latin `a` looks the same), it says which instead.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    suggest(input, candidates).map(|candidate| match super::non_ascii(input) {
        Some(which) if candidate.is_ascii() => format!("{which}: write `{candidate}` in ASCII letters"),
        _ => format!("did you mean `{candidate}`?"),
    })
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, a_char) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["account-service", "iam-service", "image"];
        assert_eq!(suggest("acount-service", names), Some("account-service"));
        assert_eq!(suggest("imgae", names), Some("image"));
        assert_eq!(suggest("IMAGE", names), Some("image"));
        assert_eq!(suggest("billing", names), None);
    }

    #[test]
    fn long_names_are_not_compared() {
        let long = "a".repeat(1 << 20);
        assert_eq!(suggest(&long, ["a", "aa"]), None);
        assert_eq!(suggest("aa", [long.as_str(), "ab"]), Some("ab"));
    }

    #[test]
    fn a_look_alike_letter_is_named_not_suggested_back() {
        let help = did_you_mean("im\u{0430}ge", ["image", "runtime"]).unwrap();
        assert_eq!(help, "`\u{0430}` (U+0430 CYRILLIC SMALL LETTER A) is not ASCII: write `image` in ASCII letters");
    }
}
