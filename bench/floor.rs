//! The one-pass floor (issue 17): the least any sentence-level comparison
//! of two versions must do, written as plainly and fast as it can be.
//!
//!     cargo build --release --example floor
//!     target/release/examples/floor OLD NEW
//!
//! Each version, on its own thread: read the file, check that it is UTF-8,
//! fold punctuation width (full-width ASCII forms to ASCII, `。` to `.`),
//! curly and corner quotes, drop spaces and line breaks, cut sentences at
//! `。！？；` / `.!?;` (closing quotes stay with their sentence) and hash
//! each sentence's folded key as it goes — one pass over the bytes, no
//! per-character records. Then the sentences of the new version whose key
//! occurs in the old one are counted (a hash-table look-up each), and the
//! counts are printed. tvdiff does all of this and much more (source
//! offsets for every key character, wrapped-line joining, abbreviations,
//! word alignment of the changed sentences, noise counts, a report); its
//! wall time over this program's is the ratio bench/run.sh records.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a over the folded key, 64 bits.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Sentence hashes of one version.
fn sentences(text: &str) -> Vec<u64> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 64);
    let mut h = FNV_START;
    let mut len = 0usize; // key characters in the current sentence
    let mut ended = false; // a terminator was seen; closing quotes may follow
    let mut i = 0;
    let mix = |h: u64, c: u32| (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3);
    while i < bytes.len() {
        let b = bytes[i];
        // Decode one character (the text is valid UTF-8).
        let (c, n) = if b < 0x80 {
            (u32::from(b), 1)
        } else if b < 0xE0 {
            ((u32::from(b & 0x1F) << 6) | u32::from(bytes[i + 1] & 0x3F), 2)
        } else if b < 0xF0 {
            let c =
                (u32::from(b & 0x0F) << 12) | (u32::from(bytes[i + 1] & 0x3F) << 6) | u32::from(bytes[i + 2] & 0x3F);
            (c, 3)
        } else {
            let c = (u32::from(b & 0x07) << 18)
                | (u32::from(bytes[i + 1] & 0x3F) << 12)
                | (u32::from(bytes[i + 2] & 0x3F) << 6)
                | u32::from(bytes[i + 3] & 0x3F);
            (c, 4)
        };
        i += n;
        // Fold: full-width forms, 。, curly and corner quotes; spaces and
        // line breaks are dropped.
        let c = match c {
            0xFF01..=0xFF5E => c - 0xFEE0,
            0x3002 | 0xFF61 => u32::from(b'.'),
            0x201C | 0x201D | 0x300C | 0x300D => u32::from(b'"'),
            0x2018 | 0x2019 | 0x300E | 0x300F => u32::from(b'\''),
            0x3000 => u32::from(b' '),
            _ => c,
        };
        if c <= 0x20 {
            continue;
        }
        let terminator = matches!(c, 0x2E | 0x21 | 0x3F | 0x3B);
        let closer = matches!(c, 0x22 | 0x27 | 0x29 | 0x5D);
        if ended && !terminator && !closer {
            out.push(h);
            h = FNV_START;
            len = 0;
            ended = false;
        }
        h = mix(h, c);
        len += 1;
        ended |= terminator;
    }
    if len > 0 {
        out.push(h);
    }
    out
}

fn read(path: &str) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{path}: not UTF-8: {e}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [old, new] = args.as_slice() else {
        eprintln!("usage: floor OLD NEW");
        std::process::exit(2);
    };
    let (o, n) = std::thread::scope(|s| {
        let h = s.spawn(|| sentences(&read(old)));
        let n = sentences(&read(new));
        (h.join().expect("thread"), n)
    });
    let mut seen: HashMap<u64, u32, BuildHasherDefault<Fnv>> =
        HashMap::with_capacity_and_hasher(o.len(), Default::default());
    for h in &o {
        *seen.entry(*h).or_default() += 1;
    }
    let equal = n.iter().filter(|h| seen.get(h).is_some_and(|&k| k > 0)).count();
    println!("{} old sentences, {} new sentences, {} new sentences also in old", o.len(), n.len(), equal);
}
