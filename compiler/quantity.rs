//! Typed quantities: takes the strings users write for memory (`512Mi`), CPU (`250m`) and durations (`30s`),
//! gives exact integers (bytes, millicores, seconds) and their canonical Kubernetes spelling.
//!
//! Parsing happens while the model is deserialised, so a malformed value is a located load error.

use std::fmt;

/// Separates the message of a custom deserialisation error from its help text; `load` splits on it.
/// serde's custom errors carry one string, and this keeps the help out of the message.
pub(crate) const HELP_SEPARATOR: &str = "\u{1}help: ";

/// A memory quantity in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Memory(pub u64);

/// A CPU quantity in millicores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cpu(pub u64);

/// A duration in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub u32);

const BINARY_SUFFIXES: [(&str, u64); 6] =
    [("Ei", 1 << 60), ("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)];
const DECIMAL_SUFFIXES: [(&str, u64); 6] = [
    ("E", 1_000_000_000_000_000_000),
    ("P", 1_000_000_000_000_000),
    ("T", 1_000_000_000_000),
    ("G", 1_000_000_000),
    ("M", 1_000_000),
    ("k", 1_000),
];

/// Why a quantity did not parse, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    pub message: String,
    pub help: String,
}

impl Memory {
    pub fn parse(text: &str) -> Result<Memory, QuantityError> {
        let fail = |help: String| QuantityError { message: format!("invalid memory quantity `{text}`"), help };
        let (number, suffix) = split_number(text);
        let Some(multiplier) = BINARY_SUFFIXES
            .iter()
            .chain(DECIMAL_SUFFIXES.iter())
            .find(|(name, _)| *name == suffix)
            .map(|(_, multiplier)| *multiplier)
            .or(if suffix.is_empty() { Some(1) } else { None })
        else {
            return Err(fail(memory_help(number, suffix)));
        };
        match scale(number, multiplier, 1) {
            Some(bytes) => Ok(Memory(bytes)),
            None => Err(fail(memory_help(number, suffix))),
        }
    }

    pub fn bytes(self) -> u64 {
        self.0
    }

    /// Mebibytes, rounded down; for tables.
    pub fn mebibytes(self) -> u64 {
        self.0 >> 20
    }
}

fn memory_help(number: &str, suffix: &str) -> String {
    let number = if number.is_empty() { "512" } else { number };
    let binary = match suffix.trim().to_ascii_lowercase().as_str() {
        "kb" | "k" | "kib" => Some("Ki"),
        "mb" | "m" | "mib" => Some("Mi"),
        "gb" | "g" | "gib" => Some("Gi"),
        "tb" | "t" | "tib" => Some("Ti"),
        _ => None,
    };
    match binary {
        Some(unit) => format!("Kubernetes writes binary units without `B`: `{number}{unit}`"),
        None => "write a number and a unit, such as `512Mi` or `2Gi` (Ki, Mi, Gi, Ti, or k, M, G, T)".to_owned(),
    }
}

impl fmt::Display for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        for (suffix, multiplier) in BINARY_SUFFIXES.iter().chain(DECIMAL_SUFFIXES.iter()) {
            if self.0.is_multiple_of(*multiplier) {
                return write!(f, "{}{suffix}", self.0 / multiplier);
            }
        }
        write!(f, "{}", self.0)
    }
}

impl Cpu {
    pub fn parse(text: &str) -> Result<Cpu, QuantityError> {
        let fail = || QuantityError {
            message: format!("invalid CPU quantity `{text}`"),
            help: "write cores (`1`, `0.5`) or millicores (`250m`)".to_owned(),
        };
        let (number, suffix) = split_number(text);
        let millis = match suffix {
            "m" => scale(number, 1, 1),
            "" => scale(number, 1000, 1),
            _ => None,
        };
        millis.map(Cpu).ok_or_else(fail)
    }

    pub fn millis(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(1000) { write!(f, "{}", self.0 / 1000) } else { write!(f, "{}m", self.0) }
    }
}

impl Duration {
    pub fn parse(text: &str) -> Result<Duration, QuantityError> {
        let fail = || QuantityError {
            message: format!("invalid duration `{text}`"),
            help: "write whole seconds, minutes or hours, such as `30s`, `2m` or `1m30s`".to_owned(),
        };
        let mut rest = text;
        let mut total: u32 = 0;
        if rest.is_empty() {
            return Err(fail());
        }
        while !rest.is_empty() {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(fail());
            }
            let amount: u32 = rest[..digits].parse().map_err(|_| fail())?;
            let unit = match rest[digits..].chars().next() {
                Some('s') => 1,
                Some('m') => 60,
                Some('h') => 3600,
                _ => return Err(fail()),
            };
            total = amount.checked_mul(unit).and_then(|it| total.checked_add(it)).ok_or_else(fail)?;
            rest = &rest[digits + 1..];
        }
        Ok(Duration(total))
    }

    pub fn seconds(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.0)
    }
}

/// Splits `512Mi` into (`512`, `Mi`). The number part is digits with at most one dot.
fn split_number(text: &str) -> (&str, &str) {
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// `number × multiplier / divisor` when it is a whole, non-overflowing integer.
fn scale(number: &str, multiplier: u64, divisor: u64) -> Option<u64> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') || fraction.len() > 9 {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction_scale = 10u64.pow(u32::try_from(fraction.len()).ok()?);
    let fraction: u64 = if fraction.is_empty() { 0 } else { fraction.parse().ok()? };
    let scaled_whole = whole.checked_mul(multiplier)?;
    let scaled_fraction = u128::from(fraction) * u128::from(multiplier);
    if scaled_fraction % u128::from(fraction_scale) != 0 {
        return None;
    }
    let scaled_fraction = u64::try_from(scaled_fraction / u128::from(fraction_scale)).ok()?;
    let total = scaled_whole.checked_add(scaled_fraction)?;
    (total % divisor == 0).then_some(total / divisor)
}

fn custom_error<E: serde::de::Error>(error: &QuantityError) -> E {
    E::custom(format!("{}{HELP_SEPARATOR}{}", error.message, error.help))
}

struct QuantityVisitor<T> {
    what: &'static str,
    parse: fn(&str) -> Result<T, QuantityError>,
    from_number: Option<fn(f64) -> Option<T>>,
    /// What to write instead of a bare number this visitor refuses.
    number_help: fn(f64) -> String,
}

impl<T> serde::de::Visitor<'_> for QuantityVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        (self.parse)(value).map_err(|error| custom_error(&error))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<T, E> {
        #[allow(clippy::cast_precision_loss)]
        self.visit_f64(value as f64)
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<T, E> {
        let number = self.from_number.and_then(|from_number| from_number(value));
        number.ok_or_else(|| {
            custom_error(&QuantityError {
                message: format!("expected {}, found the number `{value}`", self.what),
                help: (self.number_help)(value),
            })
        })
    }
}

impl<'de> serde::Deserialize<'de> for Memory {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor {
            what: "a memory quantity such as \"512Mi\"",
            parse: Memory::parse,
            from_number: None,
            number_help: |value| format!("quote it with a unit, such as `\"{value}Mi\"`"),
        })
    }
}

impl<'de> serde::Deserialize<'de> for Cpu {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor {
            what: "a CPU quantity such as \"250m\" or 1",
            parse: Cpu::parse,
            from_number: Some(|cores| {
                let millis = cores * 1000.0;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                (millis >= 0.0 && millis.fract() == 0.0 && millis < 1e15).then_some(Cpu(millis as u64))
            }),
            number_help: |_| "write whole millicores, at least 0, such as `\"250m\"` or `0.5`".to_owned(),
        })
    }
}

impl<'de> serde::Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor {
            what: "a duration such as \"30s\"",
            parse: Duration::parse,
            from_number: None,
            number_help: |value| format!("quote it with a unit, such as `\"{value}s\"`"),
        })
    }
}

impl schemars::JsonSchema for Memory {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Memory".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Memory, as Kubernetes writes it: `512Mi`, `2Gi`, `500M`.",
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$"
        })
    }
}

impl schemars::JsonSchema for Cpu {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Cpu".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "CPU, in cores (`1`, `0.5`) or millicores (`250m`).",
            "anyOf": [
                { "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?m?$" },
                { "type": "number", "minimum": 0 }
            ]
        })
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A duration in whole seconds, minutes or hours: `30s`, `2m`, `1m30s`.",
            "type": "string",
            "pattern": "^([0-9]+[smh])+$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_parses_binary_and_decimal_units() {
        assert_eq!(Memory::parse("512Mi"), Ok(Memory(512 << 20)));
        assert_eq!(Memory::parse("1.5Gi"), Ok(Memory(3 << 29)));
        assert_eq!(Memory::parse("500M"), Ok(Memory(500_000_000)));
        assert_eq!(Memory::parse("1024"), Ok(Memory(1024)));
        assert_eq!(Memory(512 << 20).to_string(), "512Mi");
        assert_eq!(Memory(16 << 30).to_string(), "16Gi");
        assert_eq!(Memory(500_000_000).to_string(), "500M");
        assert_eq!(Memory(1536 << 20).to_string(), "1536Mi");
    }

    #[test]
    fn memory_rejects_bytes_suffix_with_help() {
        let error = Memory::parse("512MB").unwrap_err();
        assert_eq!(error.message, "invalid memory quantity `512MB`");
        assert_eq!(error.help, "Kubernetes writes binary units without `B`: `512Mi`");
        assert!(Memory::parse("").is_err());
        assert!(Memory::parse("0.1").is_err());
        assert!(Memory::parse("99999999999999999999Ei").is_err());
    }

    /// A bare number is refused with a help that fits what was expected: a duration is not `"30Mi"`.
    #[test]
    fn bare_numbers_get_the_help_of_their_quantity() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Quantities {
            memory: Option<Memory>,
            cpu: Option<Cpu>,
            duration: Option<Duration>,
        }
        let help = |text: &str| {
            let error = toml::from_str::<Quantities>(text).unwrap_err().message().to_owned();
            error.split_once(HELP_SEPARATOR).map(|(_, help)| help.to_owned()).unwrap_or(error)
        };
        assert_eq!(help("duration = 30"), "quote it with a unit, such as `\"30s\"`");
        assert_eq!(help("memory = 512"), "quote it with a unit, such as `\"512Mi\"`");
        assert_eq!(help("cpu = 0.0001"), "write whole millicores, at least 0, such as `\"250m\"` or `0.5`");
    }

    #[test]
    fn cpu_parses_cores_and_millicores() {
        assert_eq!(Cpu::parse("250m"), Ok(Cpu(250)));
        assert_eq!(Cpu::parse("0.5"), Ok(Cpu(500)));
        assert_eq!(Cpu::parse("2"), Ok(Cpu(2000)));
        assert!(Cpu::parse("1 core").is_err());
        assert!(Cpu::parse("0.0001").is_err());
        assert_eq!(Cpu(500).to_string(), "500m");
        assert_eq!(Cpu(2000).to_string(), "2");
    }

    #[test]
    fn durations_parse_compound_units() {
        assert_eq!(Duration::parse("30s"), Ok(Duration(30)));
        assert_eq!(Duration::parse("1m30s"), Ok(Duration(90)));
        assert_eq!(Duration::parse("2h"), Ok(Duration(7200)));
        assert!(Duration::parse("30").is_err());
        assert!(Duration::parse("s").is_err());
        assert!(Duration::parse("").is_err());
    }
}
