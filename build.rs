//! Compiles jieba's word list (`src/tokenize/dict.txt`, the source of truth)
//! into the static character trie that `src/tokenize/mod.rs` looks words up
//! in, so that no dictionary text is parsed at run time.
//!
//! Output, in `OUT_DIR`:
//!
//! - `dict_trie.bin`: one record of three little-endian `u32`s per node of
//!   the trie, the nodes numbered in breadth-first order (node 0 is the
//!   root, and the children of a node have consecutive numbers, in
//!   increasing character order), and one record more at the end:
//!   - `first`: the children of node `n` are `first[n]..first[n + 1]`;
//!   - `label`: the character on the edge into node `n`;
//!   - `freq`: 1 + the index in `FREQS` of the frequency of the word
//!     ending at node `n`, or 0 if no word ends there.
//!
//!   A node's fields sit side by side (not in three arrays) because a word
//!   lookup reads all three of each node it passes: the binary search over
//!   a node's children reads their labels, and the child found gives its
//!   frequency and the range of its own children from the same cache line.
//! - `dict_pairs.bin`: the trie's second level as a hash table of
//!   little-endian `u64` slots (linear probing, at most half full, 0 for
//!   empty): a slot holds the key of a two-character prefix `c1 c2`
//!   (`c1 << 21 | c2`) above the low 22 bits, which hold the node the
//!   prefix leads to. A word lookup steps from the root to the first
//!   character through a directly indexed table; the step to the second
//!   character would be a binary search among hundreds of children, each
//!   probe a cache miss in a 6 MB trie, and is one probe here.
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
    let mut records: Vec<[u32; 3]> = Vec::with_capacity(count + 1);
    // (label, node, depth, label of the parent)
    let mut queue = VecDeque::from([('\0', 0usize, 0u32, '\0')]);
    let mut next_id = 1u32;
    let mut second = Vec::new();
    while let Some((c, n, depth, parent)) = queue.pop_front() {
        if depth == 2 {
            second.push((parent, c, records.len() as u32));
        }
        records.push([next_id, c as u32, nodes[n].freq.map_or(0, |f| freq_index(f) + 1)]);
        next_id += nodes[n].children.len() as u32;
        queue.extend(nodes[n].children.iter().map(|&(d, child)| (d, child, depth + 1, c)));
    }
    assert_eq!(records.len(), count);
    // The record after the last node: only its `first` is read.
    records.push([next_id, 0, 0]);

    let mut bin = Vec::with_capacity(records.len() * 12);
    for v in records.iter().flatten() {
        bin.extend_from_slice(&v.to_le_bytes());
    }
    // The second level as a hash table (see the module docs).
    let bits = (2 * second.len()).next_power_of_two().trailing_zeros().max(4);
    let mut table = vec![0u64; 1 << bits];
    for &(c1, c2, id) in &second {
        assert!(id < 1 << PAIR_NODE_BITS, "too many trie nodes for the pair table");
        let key = pair_key(c1, c2);
        let mut slot = pair_slot(key, bits);
        while table[slot] != 0 {
            slot = (slot + 1) & ((1 << bits) - 1);
        }
        table[slot] = key << PAIR_NODE_BITS | u64::from(id);
    }
    let mut pairs = Vec::with_capacity(table.len() * 8);
    for v in &table {
        pairs.extend_from_slice(&v.to_le_bytes());
    }

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("dict_trie.bin"), bin).expect("write dict_trie.bin");
    std::fs::write(out.join("dict_pairs.bin"), pairs).expect("write dict_pairs.bin");
    let mut rs = String::new();
    writeln!(rs, "/// Nodes of the dictionary trie, the root included.").unwrap();
    writeln!(rs, "pub const NODES: usize = {count};").unwrap();
    writeln!(rs, "/// log2 of the slots of the pair table.").unwrap();
    writeln!(rs, "pub const PAIR_BITS: u32 = {bits};").unwrap();
    writeln!(rs, "/// Distinct words in the dictionary.").unwrap();
    writeln!(rs, "#[allow(dead_code)]\npub const WORDS: usize = {};", entries.len()).unwrap();
    writeln!(rs, "/// Sum of the frequencies of the distinct words.").unwrap();
    writeln!(rs, "pub const TOTAL: u64 = {total};").unwrap();
    writeln!(rs, "/// The distinct word frequencies, in increasing order.").unwrap();
    writeln!(rs, "pub static FREQS: [u32; {}] = {freqs:?};", freqs.len()).unwrap();
    std::fs::write(out.join("dict_trie.rs"), rs).expect("write dict_trie.rs");
}

/// Bits of a pair table entry that hold the node (the key is above them).
/// Must agree with `src/tokenize/mod.rs`.
const PAIR_NODE_BITS: u32 = 22;

/// The key of a pair of characters: 21 bits each, never 0.
fn pair_key(c1: char, c2: char) -> u64 {
    u64::from(c1 as u32) << 21 | u64::from(c2 as u32)
}

/// The home slot of a key in a table of `2^bits` slots (Fibonacci hashing).
/// Must agree with `src/tokenize/mod.rs`.
fn pair_slot(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}
