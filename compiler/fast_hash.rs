//! Fast hashing: takes keys, gives 64-bit hashes for the maps that a compile looks up tens of thousands
//! of times (object identities, paths of `out/`, the network simulation's indexes). The standard SipHash
//! resists keys chosen to collide, which buys nothing here: the keys come from the user's own platform,
//! and SipHash took about 4% of `check` at N=1000 x 3. This one takes eight bytes at a time, each mixed in
//! by a folded multiply (the 128-bit product's halves XORed, as foldhash and aHash do): rustc's FxHash,
//! a plain multiply and rotate, gave 160 equal hashes among 10,000 paths that differ in a few digits.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A `HashMap` hashed with [`FoldHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FoldHasher>>;

/// A `HashSet` hashed with [`FoldHasher`].
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<FoldHasher>>;

/// The hash of `value`, for an index keyed by hashes alone (whose users check what they find).
pub(crate) fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = FoldHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FoldHasher {
    hash: u64,
}

/// An odd constant with bits spread evenly (the fractional part of pi, as foldhash takes it).
const SEED: u64 = 0x24_3f_6a_88_85_a3_08_d3;

impl FoldHasher {
    // The truncations are the point: the product's low and high halves.
    #[allow(clippy::cast_possible_truncation)]
    fn add(&mut self, word: u64) {
        let product = u128::from(self.hash ^ word) * u128::from(SEED);
        self.hash = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for FoldHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_alike_and_near_keys_apart() {
        assert_eq!(hash_of(&("dev", "app", "api")), hash_of(&("dev", "app", "api")));
        // A string's end is hashed (`str` writes 0xff after its bytes), so moving text between the parts
        // of a key changes the hash.
        assert_ne!(hash_of(&("dev", "app", "api")), hash_of(&("dev", "appa", "pi")));
        assert_ne!(hash_of(&"service-00001"), hash_of(&"service-00002"));
        let keys: FastSet<u64> = (0..10_000).map(|it| hash_of(&format!("dev/services/service-{it:05}"))).collect();
        assert_eq!(keys.len(), 10_000);
    }
}
