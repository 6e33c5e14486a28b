//! The keyed string hash of sentence keys and words.
//!
//! Sentence keys are hashed as the segmenter writes them (their bytes are
//! still in cache there, see `Document::anchor_hashes`), and the anchoring
//! and the word interner look keys up by these hashes
//! (`crate::diff::anchor::KeyTable`). A hash only decides where a key is
//! looked for, never whether two keys are equal, and the seed differs from
//! process to process: no output depends on a hash's value.

/// The process's hash seed: keyed per process, like `std`'s `RandomState`,
/// so that crafted input cannot aim for collisions ahead of time.
pub(crate) fn seed() -> u64 {
    use std::hash::BuildHasher;
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *SEED.get_or_init(|| std::collections::hash_map::RandomState::new().hash_one(0x5EED_u64))
}

/// The hash of `key` under the process's seed.
#[inline]
pub(crate) fn key_hash(key: &str) -> u64 {
    hash_bytes(key.as_bytes(), seed())
}

/// A fast keyed hash: one multiplication per sixteen bytes, in two lanes.
/// The last (or only) bytes are read as two words that may overlap,
/// without copying them anywhere: most words are two to eight bytes long.
#[inline]
pub(crate) fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    let n = bytes.len();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    let half = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes")));
    let mut h = seed ^ (n as u64).wrapping_mul(MUL);
    let (a, b) = if n >= 16 {
        // Two lanes of sixteen bytes: the multiplications of one lane do
        // not wait for the other's.
        let w = |s: &[u8]| u64::from_le_bytes(s[..8].try_into().expect("eight bytes"));
        let mut g = seed.rotate_left(31) ^ MUL;
        let mut chunks = bytes[..n - 1].chunks_exact(32);
        for c in &mut chunks {
            h = fold_mul(h ^ w(&c[..8]), w(&c[8..]) ^ MUL);
            g = fold_mul(g ^ w(&c[16..]), w(&c[24..]) ^ MUL);
        }
        let rest = chunks.remainder();
        if rest.len() >= 16 {
            h = fold_mul(h ^ w(rest), w(&rest[8..]) ^ MUL);
        }
        h ^= g;
        (word(n - 16), word(n - 8))
    } else if n >= 8 {
        (word(0), word(n - 8))
    } else if n >= 4 {
        (half(0), half(n - 4))
    } else if n > 0 {
        (u64::from(bytes[0]) << 16 | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]), 0)
    } else {
        (0, 0)
    };
    h = fold_mul(h ^ a, b ^ MUL);
    fold_mul(h, seed ^ MUL.rotate_left(29))
}

/// Multiply and fold the 128-bit product: every output bit depends on every
/// input bit.
#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_byte_of_short_and_long_keys_counts() {
        // Keys of every length up to 40 bytes that differ in one byte, or
        // only in length, hash apart.
        let base: Vec<u8> = (0..40u8).map(|b| b.wrapping_mul(37).wrapping_add(11)).collect();
        let mut seen = HashSet::new();
        for n in 0..=base.len() {
            assert!(seen.insert(hash_bytes(&base[..n], 7)), "length {n}");
            for i in 0..n {
                let mut v = base[..n].to_vec();
                v[i] ^= 0x40;
                assert!(seen.insert(hash_bytes(&v, 7)), "length {n}, byte {i}");
            }
        }
        // Zero bytes still count towards the length.
        assert_ne!(hash_bytes(&[0], 7), hash_bytes(&[0, 0], 7));
        assert_ne!(hash_bytes(b"", 7), hash_bytes(&[0], 7));
    }

    #[test]
    fn the_seed_changes_the_hash() {
        assert_ne!(hash_bytes(b"sentence", 1), hash_bytes(b"sentence", 2));
        assert_eq!(key_hash("句子。"), key_hash("句子。"));
    }
}
