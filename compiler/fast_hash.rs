//! Fast hashing: takes keys, gives 64-bit hashes for the maps that a compile looks up tens of thousands
//! of times (object identities, paths of `out/`, the network simulation's indexes). The standard SipHash
//! resists keys chosen to collide, which buys nothing here: the keys come from the user's own platform,
//! and SipHash took about 4% of `check` at N=1000 x 3. This is the multiply-and-rotate hash rustc uses
//! for its own maps (FxHash), eight bytes at a time.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A `HashMap` hashed with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A `HashSet` hashed with [`FxHasher`].
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The hash of `value`, for an index keyed by hashes alone (whose users check what they find).
pub(crate) fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

/// FxHash's multiplier (from Firefox, as rustc-hash 1 has it).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
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
