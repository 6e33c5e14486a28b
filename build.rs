//! Compiles jieba's word list (`src/tokenize/dict.txt`, the source of truth)
//! into the static character trie that `src/tokenize/mod.rs` looks words up
//! in, so that no dictionary text is parsed at run time.
//!
//! Output, in `OUT_DIR`:
//!
//! - `dict_trie.bin`: one record of two little-endian `u32`s per node of
//!   the trie, the nodes numbered in breadth-first order (node 0 is the
//!   root, and the children of a node have consecutive numbers, in
//!   increasing character order), and one record more at the end:
//!   - `first`: the children of node `n` are `first[n]..first[n + 1]`;
//!   - `label << 13 | freq`: `label` is the character on the edge into
//!     node `n` (every character of the word list is below U+80000), and
//!     `freq` is 1 + the index in `FREQS` of the frequency of the word
//!     ending at node `n`, or 0 if no word ends there (fewer than 8,191
//!     distinct frequencies).
//!
//!   A node's fields sit side by side (not in separate arrays) because a
//!   word lookup reads them together: the search among a node's children
//!   reads their labels, and the child found gives its frequency and the
//!   range of its own children from the same cache line. Eight bytes a
//!   node keep the trie at 4 MB, and a text touches less of it.
//! - `dict_index.bin`: for each child of the root (nodes `1..=R`, R the
//!   root's children), a small hash index of its own children, so that the
//!   step from a word's first character to its second, a binary search
//!   among up to thousands of children with a cache miss at each probe,
//!   is one probe. Little-endian `u32`s: first `R` entries `start << 5 |
//!   bits` (the node's index is `2^bits` slots from slot `start`; `bits` 0:
//!   no children), then the slots: `(k + 1) << 16 | tag` for the node's
//!   `k`-th child, whose label hashes to `tag` in its low 16 bits (0: an
//!   empty slot; linear probing, at most half full). The home slot is the
//!   hash's top `bits` bits. Each node's index lies next to its neighbours'
//!   in character order, so a text touches only the indexes of the
//!   characters it has, as it touches only their children in the trie.
//! - `dict_trie.rs`: the sizes, the dictionary's total frequency and
//!   `FREQS`, its distinct word frequencies in increasing order (a few
//!   thousand: the segmenter takes each one's logarithm once).
//!
//! Lines are read as `jieba_rs::Jieba::with_dict` reads them: the first two
//! whitespace-separated fields are the word and its frequency (a missing
//! frequency is 0; a tag after it is ignored), and a word listed twice keeps
//! the frequency of its last line. The total is the sum over distinct words,
//! which is what `with_dict` computes.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::PathBuf;

const DICT: &str = "src/tokenize/dict.txt";

struct Node {
    /// Children in increasing character order: (character, node index).
    children: Vec<(char, usize)>,
    freq: Option<u32>,
}

fn main() {
    println!("cargo:rerun-if-changed={DICT}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(DICT).unwrap_or_else(|e| panic!("{DICT}: {e}"));

    // (word, frequency), the last line of a word winning.
    let mut entries: Vec<(&str, u32, usize)> = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let mut fields = line.split_whitespace();
        let Some(word) = fields.next() else { continue };
        let freq = fields.next().map_or(0, |f| {
            f.parse::<u32>()
                .ok()
                .filter(|&f| f < u32::MAX)
                .unwrap_or_else(|| panic!("{DICT}:{}: bad frequency {f:?}", line_no + 1))
        });
        entries.push((word, freq, line_no));
    }
    // Sort by word (UTF-8 byte order is code point order), later lines first,
    // then keep the first of each word.
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0).then(b.2.cmp(&a.2)));
    entries.dedup_by(|later, kept| later.0 == kept.0);
    let total: u64 = entries.iter().map(|e| e.1 as u64).sum();

    // A pointer trie; words arrive sorted, so a node's new child always
    // sorts after its existing ones, and an existing child is the last one.
    let mut nodes = vec![Node { children: Vec::new(), freq: None }];
    for &(word, freq, _) in &entries {
        let mut n = 0;
        for c in word.chars() {
            n = match nodes[n].children.last() {
                Some(&(last, child)) if last == c => child,
                _ => {
                    let child = nodes.len();
                    nodes.push(Node { children: Vec::new(), freq: None });
                    nodes[n].children.push((c, child));
                    child
                }
            };
        }
        nodes[n].freq = Some(freq);
    }

    // Renumber breadth-first, so each node's children are consecutive.
    let count = nodes.len();
    let mut freqs: Vec<u32> = entries.iter().map(|e| e.1).collect();
    freqs.sort_unstable();
    freqs.dedup();
    let freq_index = |f: u32| freqs.binary_search(&f).expect("a listed frequency") as u32;
    let mut records: Vec<[u32; 2]> = Vec::with_capacity(count + 1);
    let mut queue = VecDeque::from([('\0', 0usize)]);
    let mut next_id = 1u32;
    while let Some((c, n)) = queue.pop_front() {
        let freq = nodes[n].freq.map_or(0, |f| freq_index(f) + 1);
        assert!((c as u32) < 1 << LABEL_BITS, "a word character above U+7FFFF");
        assert!(freq < 1 << FREQ_BITS, "too many distinct frequencies");
        records.push([next_id, (c as u32) << FREQ_BITS | freq]);
        next_id += nodes[n].children.len() as u32;
        queue.extend(nodes[n].children.iter().copied());
    }
    assert_eq!(records.len(), count);
    // The record after the last node: only its `first` is read.
    records.push([next_id, 0]);

    let mut bin = Vec::with_capacity(records.len() * 8);
    for v in records.iter().flatten() {
        bin.extend_from_slice(&v.to_le_bytes());
    }
    // The indexes of the root's children's children (see the module docs).
    let roots = (records[1][0] - records[0][0]) as usize;
    let mut heads = Vec::with_capacity(roots);
    let mut slots: Vec<u32> = Vec::new();
    for n in 1..=roots {
        let (first, end) = (records[n][0] as usize, records[n + 1][0] as usize);
        let count = end - first;
        if count == 0 {
            heads.push(0u32);
            continue;
        }
        let bits = (2 * count).next_power_of_two().trailing_zeros();
        assert!(bits <= 16 && count < 0xFFFF, "a node with too many children for its index");
        let start = slots.len();
        assert!(start < 1 << 27, "the index is too large");
        heads.push((start as u32) << 5 | bits);
        slots.resize(start + (1 << bits), 0);
        for (k, record) in records[first..end].iter().enumerate() {
            let h = index_hash(record[1] >> FREQ_BITS);
            let mut i = (h >> (32 - bits)) as usize;
            while slots[start + i] != 0 {
                i = (i + 1) & ((1 << bits) - 1);
            }
            slots[start + i] = (k as u32 + 1) << 16 | (h & 0xFFFF);
        }
    }
    let mut index = Vec::with_capacity((heads.len() + slots.len()) * 4);
    for v in heads.iter().chain(&slots) {
        index.extend_from_slice(&v.to_le_bytes());
    }

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("dict_trie.bin"), bin).expect("write dict_trie.bin");
    std::fs::write(out.join("dict_index.bin"), index).expect("write dict_index.bin");
    let mut rs = String::new();
    writeln!(rs, "/// Nodes of the dictionary trie, the root included.").unwrap();
    writeln!(rs, "pub const NODES: usize = {count};").unwrap();
    writeln!(rs, "/// Low bits of a record's second field that hold the frequency.").unwrap();
    writeln!(rs, "pub const FREQ_BITS: u32 = {FREQ_BITS};").unwrap();
    writeln!(rs, "/// The multiplier of the second-level indexes' hash.").unwrap();
    writeln!(rs, "pub const INDEX_MUL: u32 = {INDEX_MUL:#X};").unwrap();
    writeln!(rs, "/// Children of the root.").unwrap();
    writeln!(rs, "pub const ROOTS: usize = {roots};").unwrap();
    writeln!(rs, "/// Slots of the second-level indexes.").unwrap();
    writeln!(rs, "pub const INDEX_SLOTS: usize = {};", slots.len()).unwrap();
    writeln!(rs, "/// Distinct words in the dictionary.").unwrap();
    writeln!(rs, "#[allow(dead_code)]\npub const WORDS: usize = {};", entries.len()).unwrap();
    writeln!(rs, "/// Sum of the frequencies of the distinct words.").unwrap();
    writeln!(rs, "pub const TOTAL: u64 = {total};").unwrap();
    writeln!(rs, "/// The distinct word frequencies, in increasing order.").unwrap();
    writeln!(rs, "pub static FREQS: [u32; {}] = {freqs:?};", freqs.len()).unwrap();
    std::fs::write(out.join("dict_trie.rs"), rs).expect("write dict_trie.rs");
}

/// Bits of a record's second field that hold the frequency (the label is
/// above them); written to `dict_trie.rs` for the reader.
const FREQ_BITS: u32 = 13;
/// Bits left for the label: every character up to U+7FFFF.
const LABEL_BITS: u32 = 32 - FREQ_BITS;

/// The multiplier of [`index_hash`], written to `dict_trie.rs` for the
/// reader.
const INDEX_MUL: u32 = 0x9E37_79B1;

/// The hash of a label for the second-level indexes: the top bits pick
/// the home slot, the low 16 bits are the tag.
fn index_hash(label: u32) -> u32 {
    label.wrapping_mul(INDEX_MUL)
}
