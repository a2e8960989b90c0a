//! User text inside messages: takes what a diagnostic echoes back (names, values, arguments), gives it
//! bounded and printable, so that a 10 MB name or a terminal escape in the input never reaches the output
//! as is; and names the characters that are not ASCII, which look like ASCII ones but are not.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How many characters of one piece of user text a message shows.
const MAX_ECHO: usize = 80;

/// How many characters a whole message, label, note or help shows.
const MAX_MESSAGE: usize = 2_000;

/// `text` cut to `MAX_ECHO` characters with an ellipsis, and its control characters escaped
/// (`\n`, `\u{1b}`): for user text put in a message by the CLI itself.
pub fn elide(text: &str) -> Cow<'_, str> {
    let too_long = text.chars().nth(MAX_ECHO).is_some();
    if !too_long && !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    for (index, character) in text.chars().enumerate() {
        if index == MAX_ECHO - 1 && too_long {
            let _ = write!(out, "… ({} characters)", text.chars().count());
            break;
        }
        if character.is_control() {
            out.extend(character.escape_debug());
        } else {
            out.push(character);
        }
    }
    Cow::Owned(out)
}

/// A whole message made safe to print: each `quoted` piece of user text is elided, other control
/// characters than newlines are escaped, and the whole is cut at `MAX_MESSAGE` characters.
pub fn sanitize(message: &str) -> Cow<'_, str> {
    sanitize_with(message, '`')
}

fn sanitize_with(message: &str, quote: char) -> Cow<'_, str> {
    let needs_work = message
        .split(quote)
        .skip(1)
        .step_by(2)
        .any(|quoted| quoted.chars().nth(MAX_ECHO).is_some() || quoted.chars().any(char::is_control))
        || message.chars().nth(MAX_MESSAGE).is_some()
        || message.chars().any(|c| c.is_control() && c != '\n');
    if !needs_work {
        return Cow::Borrowed(message);
    }
    let mut out = String::new();
    for (index, piece) in message.split(quote).enumerate() {
        if index > 0 {
            out.push(quote);
        }
        if index % 2 == 1 {
            out.push_str(&elide(piece));
        } else {
            for character in piece.chars() {
                if character.is_control() && character != '\n' {
                    out.extend(character.escape_debug());
                } else {
                    out.push(character);
                }
            }
        }
    }
    if let Some((cut, _)) = out.char_indices().nth(MAX_MESSAGE) {
        out.truncate(cut);
        out.push_str("… (message cut)");
    }
    Cow::Owned(out)
}

/// A message from elsewhere (clap's usage errors, which quote arguments in `'`) made safe to print, as
/// `sanitize` does with backticks.
pub fn sanitize_quoted(message: &str, quote: char) -> Cow<'_, str> {
    sanitize_with(message, quote)
}

/// Says which characters of `name` are not ASCII, for a name that looks like an ASCII one but is not:
/// "`а` (U+0430 CYRILLIC SMALL LETTER A) is not ASCII". `None` when every character is ASCII.
pub fn non_ascii(name: &str) -> Option<String> {
    let mut found: Vec<char> = Vec::new();
    for character in name.chars().filter(|c| !c.is_ascii()) {
        if !found.contains(&character) {
            found.push(character);
        }
    }
    if found.is_empty() {
        return None;
    }
    let described: Vec<String> = found.iter().take(3).map(|&character| describe(character)).collect();
    let verb = if found.len() == 1 { "is" } else { "are" };
    let more = if found.len() > 3 { format!(" and {} more", found.len() - 3) } else { String::new() };
    Some(format!("{}{more} {verb} not ASCII", described.join(", ")))
}

/// "`а` (U+0430 CYRILLIC SMALL LETTER A)", with the name of the characters that are mistaken for ASCII
/// most often, and the block of the others.
pub fn describe(character: char) -> String {
    let shown =
        if character.is_control() || is_invisible(character) { String::new() } else { format!("`{character}` ") };
    let code = u32::from(character);
    let name = NAMES.iter().find(|(it, _)| *it == character).map(|(_, name)| (*name).to_owned()).or_else(|| {
        BLOCKS
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&code))
            .map(|(_, _, block)| format!(", {block}"))
    });
    match name {
        Some(name) if name.starts_with(',') => format!("{shown}(U+{code:04X}{name})"),
        Some(name) => format!("{shown}(U+{code:04X} {name})"),
        None => format!("{shown}(U+{code:04X})"),
    }
}

fn is_invisible(character: char) -> bool {
    matches!(character, '\u{00A0}' | '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}' | '\u{FEFF}')
}

/// The letters that pass for ASCII ones, and the invisible characters that slip into copied text.
const NAMES: &[(char, &str)] = &[
    ('\u{00A0}', "NO-BREAK SPACE"),
    ('\u{00AD}', "SOFT HYPHEN"),
    ('\u{200B}', "ZERO WIDTH SPACE"),
    ('\u{200C}', "ZERO WIDTH NON-JOINER"),
    ('\u{200D}', "ZERO WIDTH JOINER"),
    ('\u{200E}', "LEFT-TO-RIGHT MARK"),
    ('\u{200F}', "RIGHT-TO-LEFT MARK"),
    ('\u{2010}', "HYPHEN"),
    ('\u{2011}', "NON-BREAKING HYPHEN"),
    ('\u{2012}', "FIGURE DASH"),
    ('\u{2013}', "EN DASH"),
    ('\u{2014}', "EM DASH"),
    ('\u{2018}', "LEFT SINGLE QUOTATION MARK"),
    ('\u{2019}', "RIGHT SINGLE QUOTATION MARK"),
    ('\u{201C}', "LEFT DOUBLE QUOTATION MARK"),
    ('\u{201D}', "RIGHT DOUBLE QUOTATION MARK"),
    ('\u{2212}', "MINUS SIGN"),
    ('\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE"),
    ('\u{0430}', "CYRILLIC SMALL LETTER A"),
    ('\u{0435}', "CYRILLIC SMALL LETTER IE"),
    ('\u{043E}', "CYRILLIC SMALL LETTER O"),
    ('\u{0440}', "CYRILLIC SMALL LETTER ER"),
    ('\u{0441}', "CYRILLIC SMALL LETTER ES"),
    ('\u{0443}', "CYRILLIC SMALL LETTER U"),
    ('\u{0445}', "CYRILLIC SMALL LETTER HA"),
    ('\u{0456}', "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"),
    ('\u{0458}', "CYRILLIC SMALL LETTER JE"),
    ('\u{0455}', "CYRILLIC SMALL LETTER DZE"),
    ('\u{0410}', "CYRILLIC CAPITAL LETTER A"),
    ('\u{0412}', "CYRILLIC CAPITAL LETTER VE"),
    ('\u{0415}', "CYRILLIC CAPITAL LETTER IE"),
    ('\u{041A}', "CYRILLIC CAPITAL LETTER KA"),
    ('\u{041C}', "CYRILLIC CAPITAL LETTER EM"),
    ('\u{041D}', "CYRILLIC CAPITAL LETTER EN"),
    ('\u{041E}', "CYRILLIC CAPITAL LETTER O"),
    ('\u{0420}', "CYRILLIC CAPITAL LETTER ER"),
    ('\u{0421}', "CYRILLIC CAPITAL LETTER ES"),
    ('\u{0422}', "CYRILLIC CAPITAL LETTER TE"),
    ('\u{0425}', "CYRILLIC CAPITAL LETTER HA"),
    ('\u{03B1}', "GREEK SMALL LETTER ALPHA"),
    ('\u{03BF}', "GREEK SMALL LETTER OMICRON"),
    ('\u{03BD}', "GREEK SMALL LETTER NU"),
    ('\u{03B9}', "GREEK SMALL LETTER IOTA"),
    ('\u{0391}', "GREEK CAPITAL LETTER ALPHA"),
    ('\u{0392}', "GREEK CAPITAL LETTER BETA"),
    ('\u{0395}', "GREEK CAPITAL LETTER EPSILON"),
    ('\u{039F}', "GREEK CAPITAL LETTER OMICRON"),
    ('\u{0131}', "LATIN SMALL LETTER DOTLESS I"),
];

/// Blocks, for the characters without a name above.
const BLOCKS: &[(u32, u32, &str)] = &[
    (0x0080, 0x009F, "a control character"),
    (0x00A0, 0x024F, "a Latin letter or sign outside ASCII"),
    (0x0370, 0x03FF, "a Greek letter"),
    (0x0400, 0x052F, "a Cyrillic letter"),
    (0x2000, 0x206F, "punctuation"),
    (0xFF00, 0xFFEF, "a full-width form"),
];

/// Names in backticks, separated by commas: `` `a`, `b` ``.
pub fn quoted_list<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    names.into_iter().map(|name| format!("`{}`", name.as_ref())).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_user_text_is_cut_and_control_characters_escaped() {
        let long = "a".repeat(10_000);
        let elided = elide(&long);
        assert!(elided.chars().count() < 120, "{elided}");
        assert!(elided.ends_with("… (10000 characters)"), "{elided}");
        assert_eq!(elide("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\n");
        assert_eq!(elide("orders"), "orders");
        let message = format!("service `{long}` has no `image`");
        let sanitized = sanitize(&message);
        assert!(sanitized.len() < 200, "{sanitized}");
        assert!(sanitized.ends_with("characters)` has no `image`"), "{sanitized}");
        assert_eq!(sanitize("line one\nline two"), "line one\nline two");
        assert_eq!(sanitize("tag `1.0\n` is refused"), "tag `1.0\\n` is refused");
        assert_eq!(sanitize_quoted("value 'a\u{1b}[31m'", '\''), "value 'a\\u{1b}[31m'");
        assert!(sanitize_quoted(&format!("'{long}' is unknown"), '\'').ends_with("… (10000 characters)' is unknown"));
    }

    #[test]
    fn characters_that_pass_for_ascii_are_named() {
        assert_eq!(non_ascii("im\u{0430}ge").unwrap(), "`\u{0430}` (U+0430 CYRILLIC SMALL LETTER A) is not ASCII");
        assert_eq!(non_ascii("a\u{200B}b").unwrap(), "(U+200B ZERO WIDTH SPACE) is not ASCII");
        assert_eq!(non_ascii("\u{0436}").unwrap(), "`\u{0436}` (U+0436, a Cyrillic letter) is not ASCII");
        assert_eq!(non_ascii("image"), None);
    }
}
