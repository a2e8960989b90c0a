//! Delivery rules as pure functions: what ArgoCD accepts in a sync window (its cron schedule and its
//! duration, each following the parser ArgoCD v3.5.1 calls), and the glob of image tags an environment
//! accepts. The checks, `set-image` and `promote` all call these, so they cannot disagree.

/// A cron schedule as ArgoCD parses it: `cron.NewParser(Minute | Hour | Dom | Month | Dow)` of
/// github.com/robfig/cron/v3 (argo-cd v3.5.1 pkg/apis/application/v1alpha1/types.go, `Validate`), whose
/// rules are those of robfig/cron parser.go and spec.go at bc59245fe10e: exactly five fields, each a list
/// of `*`, `?`, a number or name, or a range `a-b`, with an optional step `/n`; no descriptors (`@daily`).
pub fn cron_schedule(schedule: &str) -> Result<(), String> {
    if schedule.trim().is_empty() {
        return Err("the schedule is empty".to_owned());
    }
    if schedule.starts_with("TZ=") || schedule.starts_with("CRON_TZ=") {
        return Err("a time zone prefix in the schedule; Slipway writes it as `time_zone`".to_owned());
    }
    if schedule.starts_with('@') {
        return Err("ArgoCD's parser accepts no descriptors such as `@daily`: write the five fields".to_owned());
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields (minute, hour, day of month, month, day of week), found {}",
            fields.len()
        ));
    }
    for (field, bounds) in fields.iter().zip(&FIELDS) {
        for range in field.split(',').filter(|it| !it.is_empty()) {
            cron_range(range, bounds).map_err(|problem| format!("the {} field: {problem}", bounds.what))?;
        }
    }
    Ok(())
}

struct Bounds {
    what: &'static str,
    min: i64,
    max: i64,
    names: &'static [&'static str],
}

const MONTHS: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: [Bounds; 5] = [
    Bounds { what: "minute", min: 0, max: 59, names: &[] },
    Bounds { what: "hour", min: 0, max: 23, names: &[] },
    Bounds { what: "day of month", min: 1, max: 31, names: &[] },
    Bounds { what: "month", min: 1, max: 12, names: MONTHS },
    Bounds { what: "day of week", min: 0, max: 6, names: DAYS },
];

/// robfig/cron's `getRange`.
fn cron_range(expr: &str, bounds: &Bounds) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end) = if low_and_high[0] == "*" || low_and_high[0] == "?" {
        (bounds.min, bounds.max)
    } else {
        let start = cron_number(low_and_high[0], bounds)?;
        match low_and_high.len() {
            1 => (start, start),
            2 => (start, cron_number(low_and_high[1], bounds)?),
            _ => return Err(format!("too many hyphens in `{expr}`")),
        }
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            if single {
                end = bounds.max;
            }
            cron_number(range_and_step[1], &Bounds { names: &[], ..*bounds })?
        }
        _ => return Err(format!("too many slashes in `{expr}`")),
    };
    if start < bounds.min {
        return Err(format!("`{expr}` starts below the minimum, {}", bounds.min));
    }
    if end > bounds.max {
        return Err(format!("`{expr}` ends above the maximum, {}", bounds.max));
    }
    if start > end {
        return Err(format!("`{expr}` starts after it ends"));
    }
    if step == 0 {
        return Err(format!("the step of `{expr}` is not a positive number"));
    }
    Ok(())
}

/// robfig/cron's `parseIntOrName`: a name of the field (any case), else Go's `strconv.Atoi`, not negative.
fn cron_number(text: &str, bounds: &Bounds) -> Result<i64, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(index) = bounds.names.iter().position(|name| *name == lower) {
        return Ok(bounds.min + i64::try_from(index).unwrap_or(i64::MAX));
    }
    let number: i64 = text.parse().map_err(|_| format!("`{text}` is not a number"))?;
    if number < 0 {
        return Err(format!("`{text}` is negative"));
    }
    Ok(number)
}

/// A duration as Go's `time.ParseDuration` reads it (`[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, units `ns`,
/// `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`), which ArgoCD applies to a window's `duration`. A window that is
/// zero or negative would never be open, so those are refused too.
pub fn go_duration(duration: &str) -> Result<(), String> {
    let mut rest = duration;
    if let Some(stripped) = rest.strip_prefix('-') {
        if !stripped.is_empty() {
            return Err("a window's duration cannot be negative".to_owned());
        }
        rest = stripped;
    }
    rest = rest.strip_prefix('+').unwrap_or(rest);
    if rest == "0" {
        return Err("a window of no duration is never open".to_owned());
    }
    if rest.is_empty() {
        return Err("the duration is empty".to_owned());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let (whole, after) = rest.split_at(digits);
        let (fraction, after) = match after.strip_prefix('.') {
            Some(after) => {
                let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
                after.split_at(digits)
            }
            None => ("", after),
        };
        let has_dot = whole.len() + fraction.len() < rest.len() - after.len();
        if whole.is_empty() && fraction.is_empty() {
            return Err(format!("`{duration}` is not a duration such as `1h`, `30m` or `1h30m`"));
        }
        let unit_length = after.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_length);
        let nanoseconds = match unit {
            "" => return Err(format!("`{duration}` has a number without a unit (`h`, `m`, `s`)")),
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => return Err(format!("`{other}` is not a unit of Go's durations (`h`, `m`, `s`, `ms`)")),
        };
        let number: f64 =
            format!("{}{}{fraction}", if whole.is_empty() { "0" } else { whole }, if has_dot { "." } else { "" })
                .parse()
                .unwrap_or(0.0);
        total += number * nanoseconds;
        rest = after;
    }
    // i64::MAX nanoseconds, as an f64.
    if total > 9.223_372_036_854_775e18 {
        return Err("the duration is longer than Go's durations reach (about 292 years)".to_owned());
    }
    if total < 1.0 {
        return Err("a window of no duration is never open".to_owned());
    }
    Ok(())
}

/// An IANA time zone name as Go's `time.LoadLocation` looks it up (`UTC`, `Europe/Paris`,
/// `America/Argentina/Buenos_Aires`): its shape only, since the zone database is the cluster's.
pub fn time_zone(zone: &str) -> Result<(), String> {
    let component_ok = |part: &str| {
        part.starts_with(|c: char| c.is_ascii_alphabetic())
            && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    if zone.is_empty() || zone.len() > 64 || !zone.split('/').all(component_ok) {
        return Err("not an IANA time zone name such as `UTC` or `Europe/Paris`".to_owned());
    }
    Ok(())
}

/// A glob over image tags: `*` any characters (none included), `?` one, `[...]` one of a class of
/// characters and ranges (`[!...]` one not in it); every other character stands for itself and must be
/// one a tag may hold (letters, digits, `_`, `.`, `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPattern {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    One,
    Any,
    Class { negated: bool, ranges: Vec<(char, char)> },
}

fn tag_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

impl TagPattern {
    pub fn parse(pattern: &str) -> Result<TagPattern, String> {
        if pattern.is_empty() {
            return Err("the pattern is empty".to_owned());
        }
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            tokens.push(match c {
                '*' => Token::Any,
                '?' => Token::One,
                '[' => {
                    let negated = chars.next_if_eq(&'!').is_some();
                    let mut ranges = Vec::new();
                    loop {
                        let Some(first) = chars.next() else {
                            return Err("a `[` class is not closed by `]`".to_owned());
                        };
                        if first == ']' {
                            break;
                        }
                        if !tag_character(first) {
                            return Err(format!(
                                "`{}` cannot be in a `[...]` class (is its `]` missing?)",
                                first.escape_debug()
                            ));
                        }
                        let last = if chars.peek() == Some(&'-') && {
                            let mut ahead = chars.clone();
                            ahead.next();
                            ahead.peek().is_some_and(|next| *next != ']')
                        } {
                            chars.next();
                            let last = chars.next().unwrap_or(first);
                            if !tag_character(last) || last < first {
                                return Err(format!("`{first}-{}` is not a range", last.escape_debug()));
                            }
                            last
                        } else {
                            first
                        };
                        ranges.push((first, last));
                    }
                    if ranges.is_empty() {
                        return Err("an empty class `[]` matches nothing".to_owned());
                    }
                    Token::Class { negated, ranges }
                }
                c if tag_character(c) => Token::Literal(c),
                other => {
                    return Err(format!(
                        "`{}` is neither a character of image tags nor `*`, `?` or `[`",
                        other.escape_debug()
                    ));
                }
            });
        }
        Ok(TagPattern { tokens })
    }

    /// Whether `tag` matches the whole pattern.
    pub fn matches(&self, tag: &str) -> bool {
        let tag: Vec<char> = tag.chars().collect();
        let (mut t, mut p) = (0, 0);
        // Where the last `*` was, and the tag position it has swallowed up to.
        let mut star: Option<(usize, usize)> = None;
        while t < tag.len() {
            let single = match self.tokens.get(p) {
                Some(Token::Literal(c)) => *c == tag[t],
                Some(Token::One) => true,
                Some(Token::Class { negated, ranges }) => {
                    ranges.iter().any(|(low, high)| (*low..=*high).contains(&tag[t])) != *negated
                }
                Some(Token::Any) => {
                    star = Some((p, t));
                    p += 1;
                    continue;
                }
                None => false,
            };
            if single {
                t += 1;
                p += 1;
            } else if let Some((star_p, star_t)) = star {
                p = star_p + 1;
                t = star_t + 1;
                star = Some((star_p, star_t + 1));
            } else {
                return false;
            }
        }
        self.tokens[p..].iter().all(|token| *token == Token::Any)
    }
}

/// Whether `image` is one an environment with `pattern` accepts: its tag matches (`latest` when it has
/// neither tag nor digest, as the runtime reads it); an image pinned by digest alone is accepted.
pub fn image_accepted(pattern: &TagPattern, image: &str) -> bool {
    match crate::edit::split_image(image) {
        (_, Some(tag)) => pattern.matches(tag),
        (_, None) => image.contains('@') || pattern.matches("latest"),
    }
}

/// A window's applications, namespaces and clusters as rendered: every Application (`*`) when it names
/// none of them, since ArgoCD refuses a window that selects nothing.
pub fn window_selectors(window: &crate::model::SyncWindow) -> (Vec<String>, Vec<String>, Vec<String>) {
    let list = |it: &Option<Vec<crate::source::Spanned<String>>>| {
        it.iter().flatten().map(|it| it.value.clone()).collect::<Vec<_>>()
    };
    let (mut applications, namespaces, clusters) =
        (list(&window.applications), list(&window.namespaces), list(&window.clusters));
    if applications.is_empty() && namespaces.is_empty() && clusters.is_empty() {
        applications.push("*".to_owned());
    }
    (applications, namespaces, clusters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_as_robfig_cron_reads_them() {
        for good in ["0 22 * * *", "*/15 * * * *", "0 9-17 * * mon-fri", "0 0 1 JAN,jul ?", "5,10 1 1-31/2 * 0-6"] {
            assert_eq!(cron_schedule(good), Ok(()), "{good}");
        }
        let cases = [
            ("0 24 * * *", "the hour field: `24` ends above the maximum, 23"),
            ("0 0 0 * *", "the day of month field: `0` starts below the minimum, 1"),
            ("0 0 * * 7", "the day of week field: `7` ends above the maximum, 6"),
            ("0 0 * 13 *", "the month field: `13` ends above the maximum, 12"),
            ("* * * *", "expected exactly 5 fields (minute, hour, day of month, month, day of week), found 4"),
            ("0 0 0 * * *", "expected exactly 5 fields (minute, hour, day of month, month, day of week), found 6"),
            ("@daily", "ArgoCD's parser accepts no descriptors such as `@daily`: write the five fields"),
            ("*/0 * * * *", "the minute field: the step of `*/0` is not a positive number"),
            ("5-1 * * * *", "the minute field: `5-1` starts after it ends"),
            ("1-2-3 * * * *", "the minute field: too many hyphens in `1-2-3`"),
            ("x * * * *", "the minute field: `x` is not a number"),
        ];
        for (bad, problem) in cases {
            assert_eq!(cron_schedule(bad), Err(problem.to_owned()), "{bad}");
        }
    }

    #[test]
    fn durations_as_go_reads_them() {
        for good in ["1h", "30m", "1h30m", "1.5h", ".5h", "90s", "100ms", "+2h"] {
            assert_eq!(go_duration(good), Ok(()), "{good}");
        }
        for bad in ["", "0", "1", "1 h", "1d", "h", "-1h", "0s", "1h-", "5000000h"] {
            assert!(go_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones_are_iana_shaped() {
        for good in ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5"] {
            assert_eq!(time_zone(good), Ok(()), "{good}");
        }
        for bad in ["", "Europe/", "Paris Time", "../etc", "/UTC"] {
            assert!(time_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tag_globs() {
        let semver = TagPattern::parse("v[0-9]*.[0-9]*.[0-9]*").unwrap();
        assert!(semver.matches("v1.4.3"));
        assert!(semver.matches("v10.0.12"));
        assert!(!semver.matches("1.4.3"));
        assert!(!semver.matches("v1.4"));
        assert!(!semver.matches("main"));
        let loose = TagPattern::parse("v*.*.*").unwrap();
        assert!(loose.matches("v1.2.3"));
        assert!(loose.matches("v1.2.3-rc.1"));
        assert!(!loose.matches("3f2a9c1"));
        let not_rc = TagPattern::parse("[!a-z]?").unwrap();
        assert!(not_rc.matches("1a"));
        assert!(!not_rc.matches("ab"));
        assert!(TagPattern::parse("*").unwrap().matches(""));
        for bad in ["", "v[0-9", "v/1", "[]", "[9-0]", "a b"] {
            assert!(TagPattern::parse(bad).is_err(), "{bad}");
        }
        assert!(image_accepted(&semver, "r/a@sha256:0000"));
        assert!(!image_accepted(&semver, "r/a"));
        assert!(image_accepted(&semver, "registry:5000/a:v1.0.0@sha256:00"));
    }
}
