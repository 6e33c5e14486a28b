//! Compiles jieba's word list (`src/tokenize/dict.txt`, the source of truth)
//! into the static character trie that `src/tokenize/mod.rs` looks words up
//! in, so that no dictionary text is parsed at run time.
//!
//! Output, in `OUT_DIR`:
//!
//! - `dict_trie.bin`: three arrays of little-endian `u32`, back to back,
//!   over the trie's nodes numbered in breadth-first order (node 0 is the
//!   root, and the children of a node have consecutive numbers, in
//!   increasing character order):
//!   - `first[0..=nodes]`: the children of node `n` are `first[n]..first[n + 1]`;
//!   - `label[0..nodes]`: the character on the edge into node `n`;
//!   - `freq[0..nodes]`: 1 + the index in `FREQS` of the frequency of the
//!     word ending at node `n`, or 0 if no word ends there.
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
    let mut first = Vec::with_capacity(count + 1);
    let mut label = Vec::with_capacity(count);
    let mut freq = Vec::with_capacity(count);
    let mut queue = VecDeque::from([('\0', 0usize)]);
    let mut next_id = 1u32;
    while let Some((c, n)) = queue.pop_front() {
        label.push(c as u32);
        freq.push(nodes[n].freq.map_or(0, |f| freq_index(f) + 1));
        first.push(next_id);
        next_id += nodes[n].children.len() as u32;
        queue.extend(nodes[n].children.iter().copied());
    }
    first.push(next_id);
    assert_eq!(label.len(), count);

    let mut bin = Vec::with_capacity((3 * count + 1) * 4);
    for v in first.iter().chain(&label).chain(&freq) {
        bin.extend_from_slice(&v.to_le_bytes());
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("dict_trie.bin"), bin).expect("write dict_trie.bin");
    let mut rs = String::new();
    writeln!(rs, "/// Nodes of the dictionary trie, the root included.").unwrap();
    writeln!(rs, "pub const NODES: usize = {count};").unwrap();
    writeln!(rs, "/// Distinct words in the dictionary.").unwrap();
    writeln!(rs, "#[allow(dead_code)]\npub const WORDS: usize = {};", entries.len()).unwrap();
    writeln!(rs, "/// Sum of the frequencies of the distinct words.").unwrap();
    writeln!(rs, "pub const TOTAL: u64 = {total};").unwrap();
    writeln!(rs, "/// The distinct word frequencies, in increasing order.").unwrap();
    writeln!(rs, "pub static FREQS: [u32; {}] = {freqs:?};", freqs.len()).unwrap();
    std::fs::write(out.join("dict_trie.rs"), rs).expect("write dict_trie.rs");
}
