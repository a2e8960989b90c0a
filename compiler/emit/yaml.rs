//! YAML writer: takes an object as rendered (any `Serialize` type: a k8s-openapi object, one of render's
//! own structs, or a `serde_json::Value`), gives block-style YAML text in one pass, as a serde
//! `Serializer`, without making a JSON value first. The text is exactly that of the object's JSON value
//! (`serde_json::to_value`): keys in byte order, as serde_json's sorted `Map` holds them.
//!
//! Slipway writes YAML itself rather than through serde_yaml (archived upstream) or a fork: the output is
//! a small, fixed subset of YAML (block maps and sequences, plain or double-quoted scalars, literal blocks
//! for multi-line text), so writing it directly keeps the bytes under our control and the build lean.
//!
//! Every file must read back as the same value in YAML 1.2 readers and in the YAML 1.1 readers most of the
//! Kubernetes world runs: PyYAML, and Go's yaml.v2 and yaml.v3 (ports of libyaml) in Kubernetes, kubectl,
//! Helm and ArgoCD. YAML 1.1 differs from 1.2 where a writer can go wrong:
//! - more plain words are booleans (`y`, `n`, `yes`, `no`, `on`, `off` in three casings; yaml.v2 takes
//!   `y` and `n` too) or null (`~`, `null`, empty);
//! - more plain text is a number: octal `012`, binary `0b1`, sexagesimal `1:30`, `_` separators, `.inf`,
//!   `.nan`; a timestamp (`2024-01-31`); a merge key `<<` or a value key `=`;
//! - a float needs a `.` and a signed exponent (`1e20` is a string there, `1.0e+20` a float everywhere);
//! - NEL (U+0085), U+2028 and U+2029 are line breaks, which fold or end any scalar they appear in raw;
//! - only printable characters may appear raw: not C0 controls other than tab and line feed, DEL, C1
//!   controls, U+FFFE or U+FFFF; libyaml also trips on a BOM (U+FEFF) at the start of a line;
//! - libyaml refuses a literal block whose first line starts with a tab, and every reader refuses an
//!   implicit key longer than 1024 characters.
//!
//! So a string is plain only when no reader of either version can take it for anything else; multi-line
//! text is a literal block when it reads back exactly; everything else is double-quoted with JSON's escapes
//! (valid YAML), and every restricted character above is written as a `\uXXXX` escape.
//! `tests/yaml_roundtrip.rs` checks this with a YAML 1.2 parser and YAML 1.1's rules, and
//! `tests/yaml-readers.py` with PyYAML, libyaml and ruamel.yaml.

use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The longest implicit key, in characters, that YAML 1.2 and libyaml or PyYAML read; longer keys are
/// written as explicit keys (`? key`).
const IMPLICIT_KEY_LIMIT: usize = 1024;

/// What identifies a Kubernetes object, read as it is written: its `apiVersion`, `kind`, and
/// `metadata.namespace` and `metadata.name` (empty, or `None`, when the object has none or not as text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// Why a value cannot be written: what serde_json refuses too (a map key that is not text or a number,
/// an integer past 64 bits), or a `Serialize` impl's own error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Error(message.to_string())
    }
}

/// The YAML text of `value`, ending in a newline.
///
/// # Panics
/// When `value` cannot be written (see [`Error`]); nothing Slipway renders is such a value.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = String::with_capacity(1024);
    write(&mut out, value);
    out
}

/// Appends the YAML text of `value` to `out`.
///
/// # Panics
/// When `value` cannot be written (see [`Error`]); nothing Slipway renders is such a value.
pub fn write<T: Serialize + ?Sized>(out: &mut String, value: &T) {
    write_object(out, value).expect("rendered objects serialise as JSON does");
}

/// Appends the YAML text of `value` to `out` in one pass over its typed form, and gives its identity.
///
/// The text is exactly what writing `serde_json::to_value(value)` would give: maps' and structs' keys in
/// the byte order of their text (serde_json's `Map` is sorted), `null` for `None` and non-finite floats,
/// enums as serde_json represents them. Entries are written as they come; a map whose keys do not come
/// sorted (struct fields, mostly) has its entries moved into order when it ends, and of two entries with
/// one key the last stays, as in a `Map`.
pub fn write_object<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result<Identity, Error> {
    // The emitter's stacks are kept by the thread from one object to the next: tens of thousands of
    // objects would otherwise grow new ones from nothing, a few allocations each.
    let (entries, keys, scratch) = STACKS.take();
    let mut emitter = Emitter { out, identity: Identity::default(), entries, keys, scratch };
    let written = value.serialize(Ser { emitter: &mut emitter, place: Place::Top, capture: Capture::None });
    let Emitter { identity, mut entries, mut keys, mut scratch, .. } = emitter;
    entries.clear();
    keys.clear();
    scratch.clear();
    STACKS.set((entries, keys, scratch));
    written.map(|()| identity)
}

thread_local! {
    /// [`Emitter`]'s `entries`, `keys` and `scratch`, empty, between two objects.
    static STACKS: std::cell::Cell<(Vec<Entry>, String, String)> = const { std::cell::Cell::new((Vec::new(), String::new(), String::new())) };
}

fn pad(out: &mut String, indent: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = indent;
    while left > 0 {
        let step = left.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        left -= step;
    }
}

/// Where a value is written.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// The whole document.
    Top,
    /// After `key:` of an entry at this indent.
    Value(usize),
    /// After `-` of a sequence item at this indent.
    Item(usize),
}

impl Place {
    /// The indent of the entries or items of a collection written here.
    fn child(self) -> usize {
        match self {
            Place::Top => 0,
            Place::Value(indent) | Place::Item(indent) => indent + 2,
        }
    }
}

/// Which part of the object's identity a value is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    None,
    ApiVersion,
    Kind,
    Metadata,
    Name,
    Namespace,
}

/// A map's key: a struct's field name, or a span of [`Emitter::keys`].
#[derive(Debug, Clone, Copy)]
enum Key {
    Field(&'static str),
    Text(usize, usize),
}

/// One written entry of a map: its key and where its text lies in the output.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: Key,
    start: usize,
    end: usize,
    /// Whether its text begins with the indent (all but the first entry of a map in a sequence item).
    padded: bool,
}

struct Emitter<'a> {
    out: &'a mut String,
    identity: Identity,
    /// The entries of the maps being written, innermost last.
    entries: Vec<Entry>,
    /// The text of the map keys being written, innermost last.
    keys: String,
    /// Where a map's entries are copied to be put in order.
    scratch: String,
}

impl Emitter<'_> {
    fn key(&self, key: Key) -> &str {
        match key {
            Key::Field(name) => name,
            Key::Text(start, end) => &self.keys[start..end],
        }
    }

    /// Writes a scalar at `place`: `write` is given the output and the indent of a literal block's lines.
    fn scalar(&mut self, place: Place, write: impl FnOnce(&mut String, usize)) {
        match place {
            // A literal block at the top level is indented like a nested one: YAML 1.1 readers refuse
            // one at column 0.
            Place::Top => write(self.out, 2),
            Place::Value(indent) | Place::Item(indent) => {
                self.out.push(' ');
                write(self.out, indent + 2);
            }
        }
        self.out.push('\n');
    }

    /// An empty collection, `{}` or `[]`, at `place`.
    fn empty(&mut self, place: Place, text: &str) {
        self.scalar(place, |out, _| out.push_str(text));
    }
}

/// Writes one value at a place.
struct Ser<'e, 'a> {
    emitter: &'e mut Emitter<'a>,
    place: Place,
    capture: Capture,
}

impl<'e, 'a> Ser<'e, 'a> {
    fn integer(self, value: impl std::fmt::Display) {
        self.emitter.scalar(self.place, |out, _| {
            let _ = write!(out, "{value}");
        });
    }

    fn float(self, value: f64) {
        self.emitter.scalar(self.place, |out, _| match serde_json::Number::from_f64(value) {
            Some(number) => write_number(out, &number),
            None => out.push_str("null"),
        });
    }

    fn sequence(self) -> SeqSer<'e, 'a> {
        SeqSer { emitter: self.emitter, place: self.place, count: 0 }
    }

    fn map(self) -> MapSer<'e, 'a> {
        let level = match (self.place, self.capture) {
            (Place::Top, _) => Level::Top,
            (_, Capture::Metadata) => Level::Metadata,
            _ => Level::Other,
        };
        let base = self.emitter.entries.len();
        let keys = self.emitter.keys.len();
        MapSer { emitter: self.emitter, place: self.place, level, base, keys, pending: None }
    }

    /// An enum variant with data, as serde_json writes it: a map of one entry, the variant's name.
    fn variant(self, variant: &'static str) -> MapSer<'e, 'a> {
        let mut map = self.map();
        map.begin_entry(Key::Field(variant));
        map
    }
}

impl<'e, 'a> ser::Serializer for Ser<'e, 'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = SeqSer<'e, 'a>;
    type SerializeTuple = SeqSer<'e, 'a>;
    type SerializeTupleStruct = SeqSer<'e, 'a>;
    type SerializeTupleVariant = VariantSer<'e, 'a>;
    type SerializeMap = MapSer<'e, 'a>;
    type SerializeStruct = MapSer<'e, 'a>;
    type SerializeStructVariant = VariantSer<'e, 'a>;

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.emitter.scalar(self.place, |out, _| out.push_str(if value { "true" } else { "false" }));
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), Error> {
        self.integer(i64::from(value));
        Ok(())
    }

    fn serialize_i16(self, value: i16) -> Result<(), Error> {
        self.integer(i64::from(value));
        Ok(())
    }

    fn serialize_i32(self, value: i32) -> Result<(), Error> {
        self.integer(i64::from(value));
        Ok(())
    }

    fn serialize_i64(self, value: i64) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_i128(self, value: i128) -> Result<(), Error> {
        match (u64::try_from(value), i64::try_from(value)) {
            (Ok(value), _) => {
                self.integer(value);
                Ok(())
            }
            (_, Ok(value)) => {
                self.integer(value);
                Ok(())
            }
            _ => Err(Error("number out of range".to_owned())),
        }
    }

    fn serialize_u8(self, value: u8) -> Result<(), Error> {
        self.integer(u64::from(value));
        Ok(())
    }

    fn serialize_u16(self, value: u16) -> Result<(), Error> {
        self.integer(u64::from(value));
        Ok(())
    }

    fn serialize_u32(self, value: u32) -> Result<(), Error> {
        self.integer(u64::from(value));
        Ok(())
    }

    fn serialize_u64(self, value: u64) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_u128(self, value: u128) -> Result<(), Error> {
        match u64::try_from(value) {
            Ok(value) => {
                self.integer(value);
                Ok(())
            }
            Err(_) => Err(Error("number out of range".to_owned())),
        }
    }

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        self.float(f64::from(value));
        Ok(())
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        self.float(value);
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.serialize_str(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        let identity = &mut self.emitter.identity;
        match self.capture {
            Capture::ApiVersion => value.clone_into(&mut identity.api_version),
            Capture::Kind => value.clone_into(&mut identity.kind),
            Capture::Name => value.clone_into(&mut identity.name),
            Capture::Namespace => identity.namespace = Some(value.to_owned()),
            Capture::None | Capture::Metadata => {}
        }
        self.emitter.scalar(self.place, |out, indent| write_string(out, value, indent, false));
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq as _;
        let mut sequence = self.sequence();
        for byte in value {
            sequence.serialize_element(byte)?;
        }
        sequence.end()
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.emitter.scalar(self.place, |out, _| out.push_str("null"));
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        use ser::SerializeMap as _;
        let mut map = self.variant(variant);
        map.serialize_value(value)?;
        map.end()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<SeqSer<'e, 'a>, Error> {
        Ok(self.sequence())
    }

    fn serialize_tuple(self, _len: usize) -> Result<SeqSer<'e, 'a>, Error> {
        Ok(self.sequence())
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<SeqSer<'e, 'a>, Error> {
        Ok(self.sequence())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<VariantSer<'e, 'a>, Error> {
        let map = self.variant(variant);
        Ok(VariantSer { map, inner: Inner::Seq(0) })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapSer<'e, 'a>, Error> {
        Ok(self.map())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<MapSer<'e, 'a>, Error> {
        Ok(self.map())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<VariantSer<'e, 'a>, Error> {
        let map = self.variant(variant);
        let entries = map.emitter.entries.len();
        let keys = map.emitter.keys.len();
        Ok(VariantSer { map, inner: Inner::Map { base: entries, keys, started: false } })
    }
}

/// Writes the items of a sequence at a place.
struct SeqSer<'e, 'a> {
    emitter: &'e mut Emitter<'a>,
    place: Place,
    count: usize,
}

/// Starts an item of a sequence at `place`, the `count`-th: gives where its value goes.
fn begin_item(emitter: &mut Emitter<'_>, place: Place, count: usize) -> Place {
    if count == 0 && !matches!(place, Place::Top) {
        emitter.out.push('\n');
    }
    let indent = place.child();
    pad(emitter.out, indent);
    emitter.out.push('-');
    Place::Item(indent)
}

impl ser::SerializeSeq for SeqSer<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let place = begin_item(self.emitter, self.place, self.count);
        self.count += 1;
        value.serialize(Ser { emitter: self.emitter, place, capture: Capture::None })
    }

    fn end(self) -> Result<(), Error> {
        if self.count == 0 {
            self.emitter.empty(self.place, "[]");
        }
        Ok(())
    }
}

impl ser::SerializeTuple for SeqSer<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

/// Which map's entries are part of the identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Metadata,
    Other,
}

/// Writes the entries of a map at a place.
struct MapSer<'e, 'a> {
    emitter: &'e mut Emitter<'a>,
    place: Place,
    level: Level,
    /// Where this map's entries and key texts begin in the emitter's stacks.
    base: usize,
    keys: usize,
    /// The entry whose key is written and whose value is not yet: its key, start and padding.
    pending: Option<(Key, usize, bool)>,
}

impl MapSer<'_, '_> {
    /// Writes the key of an entry (and what comes before it), and remembers the entry as pending.
    fn begin_entry(&mut self, key: Key) {
        let count = self.emitter.entries.len() - self.base;
        let indent = self.place.child();
        let inline = matches!(self.place, Place::Item(_));
        if count == 0 {
            match self.place {
                Place::Top => {}
                Place::Value(_) => self.emitter.out.push('\n'),
                Place::Item(_) => self.emitter.out.push(' '),
            }
        }
        let start = self.emitter.out.len();
        let padded = count > 0 || !inline;
        if padded {
            pad(self.emitter.out, indent);
        }
        let Emitter { out, keys, .. } = &mut *self.emitter;
        let text = match key {
            Key::Field(name) => name,
            Key::Text(from, to) => &keys[from..to],
        };
        write_key(out, text, indent);
        out.push(':');
        self.pending = Some((key, start, padded));
    }

    fn capture(&self, key: Key) -> Capture {
        if self.level == Level::Other {
            return Capture::None;
        }
        match (self.level, self.emitter.key(key)) {
            (Level::Top, "apiVersion") => Capture::ApiVersion,
            (Level::Top, "kind") => Capture::Kind,
            (Level::Top, "metadata") => Capture::Metadata,
            (Level::Metadata, "name") => Capture::Name,
            (Level::Metadata, "namespace") => Capture::Namespace,
            _ => Capture::None,
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let (key, _, _) = self.pending.ok_or_else(|| Error("a map value without a key".to_owned()))?;
        let capture = self.capture(key);
        let place = Place::Value(self.place.child());
        value.serialize(Ser { emitter: self.emitter, place, capture })?;
        self.end_entry()
    }

    /// Records the pending entry, whose value is written.
    fn end_entry(&mut self) -> Result<(), Error> {
        let (key, start, padded) = self.pending.take().ok_or_else(|| Error("a map value without a key".to_owned()))?;
        let end = self.emitter.out.len();
        self.emitter.entries.push(Entry { key, start, end, padded });
        Ok(())
    }

    /// Ends the map: `{}` when it has no entry, else its entries put in the order of their keys.
    fn finish(self) {
        let emitter = self.emitter;
        let entries = &emitter.entries[self.base..];
        if entries.is_empty() {
            emitter.empty(self.place, "{}");
            emitter.keys.truncate(self.keys);
            return;
        }
        let sorted = entries.windows(2).all(|pair| emitter.key(pair[0].key) < emitter.key(pair[1].key));
        if !sorted {
            let region = entries[0].start;
            let Emitter { out, entries, keys, scratch, .. } = &mut *emitter;
            let key = |entry: &Entry| match entry.key {
                Key::Field(name) => name,
                Key::Text(start, end) => &keys[start..end],
            };
            let entries = &mut entries[self.base..];
            // Stable, so of equal keys the last written stays last, and is the one kept.
            entries.sort_by(|a, b| key(a).cmp(key(b)));
            scratch.clear();
            scratch.push_str(&out[region..]);
            out.truncate(region);
            let indent = self.place.child();
            let mut first = true;
            for (index, entry) in entries.iter().enumerate() {
                if entries.get(index + 1).is_some_and(|next| key(next) == key(entry)) {
                    continue;
                }
                let written = &scratch[entry.start - region..entry.end - region];
                let first_inline = first && matches!(self.place, Place::Item(_));
                first = false;
                match (first_inline, entry.padded) {
                    (true, true) => out.push_str(&written[indent..]),
                    (false, false) => {
                        pad(out, indent);
                        out.push_str(written);
                    }
                    _ => out.push_str(written),
                }
            }
        }
        emitter.entries.truncate(self.base);
        emitter.keys.truncate(self.keys);
    }
}

impl ser::SerializeMap for MapSer<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let from = self.emitter.keys.len();
        key.serialize(KeySer { keys: &mut self.emitter.keys })?;
        let to = self.emitter.keys.len();
        self.begin_entry(Key::Text(from, to));
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeStruct for MapSer<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.begin_entry(Key::Field(key));
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

/// The data of an enum variant: a sequence or a map, inside the map of one entry that names the variant.
struct VariantSer<'e, 'a> {
    map: MapSer<'e, 'a>,
    inner: Inner,
}

enum Inner {
    /// Items written so far.
    Seq(usize),
    /// Where the inner map's entries and keys begin, and whether its first entry is written.
    Map { base: usize, keys: usize, started: bool },
}

impl VariantSer<'_, '_> {
    fn place(&self) -> Place {
        Place::Value(self.map.place.child())
    }
}

impl ser::SerializeTupleVariant for VariantSer<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let place = self.place();
        let Inner::Seq(count) = &mut self.inner else { return Err(Error("not a tuple variant".to_owned())) };
        let item = begin_item(self.map.emitter, place, *count);
        *count += 1;
        value.serialize(Ser { emitter: self.map.emitter, place: item, capture: Capture::None })
    }

    fn end(mut self) -> Result<(), Error> {
        let place = self.place();
        if let Inner::Seq(0) = self.inner {
            self.map.emitter.empty(place, "[]");
        }
        self.map.end_entry()?;
        self.map.finish();
        Ok(())
    }
}

impl ser::SerializeStructVariant for VariantSer<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let place = self.place();
        let Inner::Map { base, keys, started } = &mut self.inner else {
            return Err(Error("not a struct variant".to_owned()));
        };
        let mut inner = MapSer {
            emitter: &mut *self.map.emitter,
            place,
            level: Level::Other,
            base: *base,
            keys: *keys,
            pending: None,
        };
        *started = true;
        inner.begin_entry(Key::Field(key));
        inner.value(value)
    }

    fn end(mut self) -> Result<(), Error> {
        let place = self.place();
        let Inner::Map { base, keys, .. } = self.inner else { return Err(Error("not a struct variant".to_owned())) };
        MapSer { emitter: &mut *self.map.emitter, place, level: Level::Other, base, keys, pending: None }.finish();
        self.map.end_entry()?;
        self.map.finish();
        Ok(())
    }
}

/// A key as an implicit key, or as an explicit one (`? key`, then `:` on the next line at `indent`) when
/// it is too long to be implicit.
fn write_key(out: &mut String, key: &str, indent: usize) {
    let start = out.len();
    write_string(out, key, indent, true);
    let written = &out[start..];
    if written.len() > IMPLICIT_KEY_LIMIT && written.chars().count() > IMPLICIT_KEY_LIMIT {
        out.truncate(start);
        out.push_str("? ");
        write_string(out, key, indent, true);
        out.push('\n');
        pad(out, indent);
    }
}

/// Writes a map key's text, as serde_json takes keys: text, or a boolean or an integer as its text.
struct KeySer<'k> {
    keys: &'k mut String,
}

fn key_must_be_text() -> Error {
    Error("key must be a string".to_owned())
}

impl KeySer<'_> {
    fn text(self, value: impl std::fmt::Display) {
        let _ = write!(self.keys, "{value}");
    }
}

impl ser::Serializer for KeySer<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_i8(self, value: i8) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_i16(self, value: i16) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_i32(self, value: i32) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_i64(self, value: i64) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_i128(self, value: i128) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_u8(self, value: u8) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_u16(self, value: u16) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_u32(self, value: u32) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_u64(self, value: u64) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_u128(self, value: u128) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_f32(self, _value: f32) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_f64(self, _value: f64) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.text(value);
        Ok(())
    }
    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.keys.push_str(value);
        Ok(())
    }
    fn serialize_bytes(self, _value: &[u8]) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_text())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_text())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_text())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_text())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_text())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_text())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_text())
    }
}

/// Integers as serde_json writes them; floats with a `.` in the mantissa and a sign in the exponent
/// (`1.0e+20`, not `1e20`), which YAML 1.1 needs to read a float.
fn write_number(out: &mut String, number: &serde_json::Number) {
    let text = number.to_string();
    if !number.is_f64() {
        out.push_str(&text);
        return;
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (text.as_str(), None),
    };
    out.push_str(mantissa);
    if !mantissa.contains('.') {
        out.push_str(".0");
    }
    if let Some(exponent) = exponent {
        out.push('e');
        if !exponent.starts_with(['-', '+']) {
            out.push('+');
        }
        out.push_str(exponent);
    }
}

/// A string as a plain scalar when that is unambiguous, a literal block for multi-line text, or else
/// double-quoted.
fn write_string(out: &mut String, text: &str, indent: usize, is_key: bool) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else if !is_key && let Some(chomp) = literal_block_chomping(text) {
        out.push('|');
        out.push_str(chomp);
        for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
            out.push('\n');
            if !line.is_empty() {
                pad(out, indent);
                out.push_str(line);
            }
        }
    } else {
        write_quoted(out, text);
    }
}

/// Characters that are never written raw: YAML 1.1 readers refuse them or take them for line breaks, and
/// libyaml trips on a BOM at the start of a line. Control characters are C0 (tab and line feed included),
/// DEL and C1 (NEL included).
fn is_restricted(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// `text` double-quoted with JSON's escapes, which YAML's double-quoted style shares: what serde_json
/// writes (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, `\u00XX` for other C0 controls), and `\uXXXX` for
/// every other restricted character, which serde_json leaves raw.
fn write_quoted(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (index, c) in text.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{c}' => "\\f",
            '\r' => "\\r",
            c if is_restricted(c) => "",
            _ => continue,
        };
        out.push_str(&text[start..index]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        start = index + c.len_utf8();
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// `Some("-")` or `Some("")` when `text` can be a literal block (`|-` or `|`) that reads back exactly in
/// every reader: no leading blank or tab, no trailing blank line, no trailing blank on a line, no
/// restricted character but tab and line feed.
fn literal_block_chomping(text: &str) -> Option<&'static str> {
    if !text.contains('\n') || text.starts_with([' ', '\t', '\n']) || text.ends_with("\n\n") {
        return None;
    }
    if text.chars().any(|c| c != '\n' && c != '\t' && is_restricted(c)) {
        return None;
    }
    if text.split('\n').any(|line| line.ends_with([' ', '\t'])) {
        return None;
    }
    Some(if text.ends_with('\n') { "" } else { "-" })
}

/// Plain scalars a YAML 1.1 reader takes for booleans or null.
const YAML_WORDS: [&str; 9] = ["true", "false", "yes", "no", "on", "off", "y", "n", "null"];

/// Whether `text` reads back as this string, plain, in YAML 1.1 and 1.2: it does not start with an
/// indicator, a digit, a sign, `.`, `~` or `<`/`=` (which covers every number, timestamp, `.inf`, `<<`
/// and `=`), is not a boolean or null word, has no `: ` or ` #`, no leading or trailing blank, no
/// trailing `:` and no restricted character.
fn is_plain_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
    if BYTE_CLASS[usize::from(first)] & NOT_FIRST != 0 || last == b' ' || last == b':' {
        return false;
    }
    // One pass over the bytes, which stops only at the few that need a look: a blank or `:` (for `: `
    // and ` #`), an ASCII control character, or a byte past ASCII (its restricted characters are looked
    // for once, after).
    let mut ascii = true;
    for (index, &byte) in bytes.iter().enumerate() {
        if BYTE_CLASS[usize::from(byte)] & LOOK == 0 {
            continue;
        }
        match byte {
            b' ' if bytes.get(index + 1) == Some(&b'#') => return false,
            b':' if bytes.get(index + 1) == Some(&b' ') => return false,
            b' ' | b':' => {}
            0x80.. => ascii = false,
            _ => return false,
        }
    }
    if !ascii && text.chars().any(is_restricted) {
        return false;
    }
    !(text.len() <= 5 && YAML_WORDS.iter().any(|word| word.eq_ignore_ascii_case(text)))
}

/// [`BYTE_CLASS`]: a plain scalar may not start with this byte.
const NOT_FIRST: u8 = 1;
/// [`BYTE_CLASS`]: this byte needs a look wherever it is.
const LOOK: u8 = 2;

/// What [`is_plain_safe`] must know of each byte, looked up once instead of compared many times.
const BYTE_CLASS: [u8; 256] = {
    let mut class = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        if byte < 0x20 || byte >= 0x7f || byte == b' ' as usize || byte == b':' as usize {
            class[byte] |= LOOK;
        }
        if byte < 0x20 || byte == b' ' as usize || (byte >= b'0' as usize && byte <= b'9' as usize) {
            class[byte] |= NOT_FIRST;
        }
        byte += 1;
    }
    let indicators = b"-?:,[]{}#&*!|>'\"%@`<=~.+";
    let mut index = 0;
    while index < indicators.len() {
        class[indicators[index] as usize] |= NOT_FIRST;
        index += 1;
    }
    class
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The rule of [`is_plain_safe`] as it was first written, byte after byte, without the class table.
    fn plain_safe_by_comparisons(text: &str) -> bool {
        let bytes = text.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
        if first == b' ' || last == b' ' || last == b':' {
            return false;
        }
        if b"-?:,[]{}#&*!|>'\"%@`<=~.+".contains(&first) || first.is_ascii_digit() {
            return false;
        }
        let mut previous = 0u8;
        for &byte in bytes {
            if byte < 0x20 || byte == 0x7f || (previous == b':' && byte == b' ') || (previous == b' ' && byte == b'#') {
                return false;
            }
            previous = byte;
        }
        !text.chars().any(is_restricted) && !YAML_WORDS.iter().any(|word| word.eq_ignore_ascii_case(text))
    }

    #[test]
    fn the_class_table_gives_the_rule_written_out() {
        // Every string of up to three characters from an alphabet of each kind the rule tells apart, and
        // every byte after a letter and before one.
        let alphabet =
            ["a", "Y", "1", " ", ":", "#", "-", ".", "\t", "\n", "\u{7f}", "\u{85}", "é", "\u{2028}", "\u{feff}", "'"];
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> =
                texts.iter().flat_map(|text| alphabet.iter().map(move |c| format!("{text}{c}"))).collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        texts.extend((0..=0x7f_u8).flat_map(|byte| {
            let c = char::from(byte);
            [format!("{c}"), format!("a{c}"), format!("{c}a"), format!("a{c}b")]
        }));
        texts.extend(YAML_WORDS.iter().map(|word| word.to_uppercase()));
        texts.extend(["a: b", "a :b", "a #b", "a# b", "http://host:80/x", "x:", "~", "no", "on!"].map(String::from));
        for text in &texts {
            assert_eq!(is_plain_safe(text), plain_safe_by_comparisons(text), "{text:?}");
        }
        assert!(texts.len() > 4_000, "{}", texts.len());
    }

    #[test]
    fn writes_block_style_with_quoting_where_needed() {
        let value = json!({
            "apiVersion": "v1",
            "metadata": { "labels": { "version": "1.0", "flag": "true", "empty": "" }, "name": "a" },
            "list": [ { "name": "x", "value": "-1" }, "plain", 3, ["nested"] ],
            "none": {},
            "text": "line one\nline two\n",
            "url": "http://host:80/path",
            "colon": "a: b",
        });
        assert_eq!(
            to_string(&value),
            "apiVersion: v1\n\
             colon: \"a: b\"\n\
             list:\n  \
               - name: x\n    value: \"-1\"\n  \
               - plain\n  \
               - 3\n  \
               -\n    - nested\n\
             metadata:\n  labels:\n    empty: \"\"\n    flag: \"true\"\n    version: \"1.0\"\n  name: a\n\
             none: {}\n\
             text: |\n  line one\n  line two\n\
             url: http://host:80/path\n"
        );
    }

    /// Fields declared out of order, an absent one, enums of every shape, a flattened map that repeats a
    /// field, and maps of sorted and unsorted keys, nested in sequences.
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Typed {
        zeta: Vec<Inner>,
        api_version: &'static str,
        kind: &'static str,
        metadata: Meta,
        empty_list: Vec<u8>,
        empty_map: std::collections::BTreeMap<String, u8>,
        absent: Option<String>,
        shapes: Vec<Shape>,
        #[serde(flatten)]
        extra: indexmap::IndexMap<String, serde_json::Value>,
    }

    #[derive(serde::Serialize)]
    struct Meta {
        namespace: Option<String>,
        name: String,
        labels: indexmap::IndexMap<String, String>,
    }

    #[derive(serde::Serialize)]
    struct Inner {
        z: f32,
        b: char,
        a: (u8, i128),
        #[serde(with = "serde_bytes_like")]
        bytes: Vec<u8>,
    }

    mod serde_bytes_like {
        pub(super) fn serialize<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(bytes)
        }
    }

    #[derive(serde::Serialize)]
    enum Shape {
        Unit,
        Newtype(String),
        Tuple(u8, String),
        EmptyTuple(),
        Struct { y: u8, x: Option<u8> },
        EmptyStruct {},
    }

    fn typed() -> Typed {
        let inner = |z: f32| Inner { z, b: 'y', a: (7, -1), bytes: vec![1, 2] };
        Typed {
            zeta: vec![inner(0.1), inner(f32::NAN)],
            api_version: "v1",
            kind: "Thing",
            metadata: Meta {
                namespace: Some("ns".to_owned()),
                name: "on".to_owned(),
                labels: [("b", "2"), ("a", "1")].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
            },
            empty_list: Vec::new(),
            empty_map: std::collections::BTreeMap::new(),
            absent: None,
            shapes: vec![
                Shape::Unit,
                Shape::Newtype("x".to_owned()),
                Shape::Tuple(1, "two\nlines".to_owned()),
                Shape::EmptyTuple(),
                Shape::Struct { y: 1, x: None },
                Shape::EmptyStruct {},
            ],
            extra: [("kind", json!("Repeated")), ("aardvark", json!({ "z": 1, "a": [] }))]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        }
    }

    #[test]
    fn a_typed_object_is_written_as_its_json_value_is() {
        let object = typed();
        let value = serde_json::to_value(&object).unwrap();
        assert_eq!(to_string(&object), to_string(&value));
        assert_eq!(
            to_string(&object),
            "aardvark:\n  a: []\n  z: 1\n\
             absent: null\n\
             apiVersion: v1\n\
             emptyList: []\n\
             emptyMap: {}\n\
             kind: Repeated\n\
             metadata:\n  labels:\n    a: \"1\"\n    b: \"2\"\n  name: \"on\"\n  namespace: ns\n\
             shapes:\n  \
               - Unit\n  \
               - Newtype: x\n  \
               - Tuple:\n      - 1\n      - |-\n        two\n        lines\n  \
               - EmptyTuple: []\n  \
               - Struct:\n      x: null\n      \"y\": 1\n  \
               - EmptyStruct: {}\n\
             zeta:\n  \
               - a:\n      - 7\n      - -1\n    b: \"y\"\n    bytes:\n      - 1\n      - 2\n    z: 0.10000000149011612\n  \
               - a:\n      - 7\n      - -1\n    b: \"y\"\n    bytes:\n      - 1\n      - 2\n    z: null\n"
        );
    }

    #[test]
    fn the_identity_is_read_as_the_object_is_written() {
        let mut out = String::new();
        let identity = write_object(&mut out, &typed()).unwrap();
        // Of two `kind` entries the last stays, in the text and in the identity alike.
        let expected = Identity {
            api_version: "v1".to_owned(),
            kind: "Repeated".to_owned(),
            namespace: Some("ns".to_owned()),
            name: "on".to_owned(),
        };
        assert_eq!(identity, expected);
        // Only the top level and its `metadata` count.
        let nested = json!({ "spec": { "kind": "No", "metadata": { "name": "no" } }, "metadata": { "labels": { "name": "no" } } });
        assert_eq!(write_object(&mut String::new(), &nested).unwrap(), Identity::default());
    }

    #[test]
    fn what_json_refuses_is_refused() {
        let too_large: std::collections::BTreeMap<String, u128> = [("a".to_owned(), u128::MAX)].into();
        assert!(write_object(&mut String::new(), &too_large).is_err());
        assert!(serde_json::to_value(&too_large).is_err());
    }
}
