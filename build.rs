//! Compiles jieba's word list (`src/tokenize/dict.txt`, the source of truth)
//! into the static character trie that `src/tokenize/mod.rs` looks words up
//! in, so that no dictionary text is parsed at run time.
//!
//! Output, in `OUT_DIR`:
//!
//! - `dict_ranks.bin`: the *rank* of every character up to the largest one
//!   the word list has (all in the BMP), a little-endian `u16` each
//!   (`0xFFFF`: in no word). The characters that start a word come first,
//!   in code point order (so the root's child on the character of rank
//!   `r` is node `1 + r`), then the others, in code point order. Every
//!   label below is a rank: 14 bits instead of a code point's 21.
//! - `dict_trie.bin`: one 6-byte record per node of the trie (a
//!   little-endian 48-bit number), the nodes numbered in breadth-first
//!   order (node 0 is the root, and the children of a node have
//!   consecutive numbers, in increasing rank), one record more at the end,
//!   and two zero bytes after it (so that every record can be read as the
//!   low bytes of a `u64`):
//!   - bits 0–20, `first`: the children of node `n` are
//!     `first[n]..first[n + 1]`;
//!   - bits 21–34: the rank of the character on the edge into node `n`;
//!   - bits 35–47: 1 + the index in `FREQS` of the frequency of the word
//!     ending at node `n`, or 0 if no word ends there (fewer than 8,191
//!     distinct frequencies).
//!
//!   A node's fields sit side by side (not in separate arrays) because a
//!   word lookup reads them together: the search among a node's children
//!   reads their labels, and the child found gives its frequency and the
//!   range of its own children from the same cache line. Six bytes a node
//!   keep the trie at 3 MB (8 bytes with a code point, 4 MB), and a text
//!   touches less of it: all of it is mapped by the few hundred look-ups of
//!   a handful of changed sentences (the kernel maps the executable 64 KB
//!   around each page read), so its size is the resident memory it costs.
//! - `dict_index.bin`: for each child of the root (nodes `1..=R`, R the
//!   root's children), a small hash index of its own children, so that the
//!   step from a word's first character to its second, a binary search
//!   among up to hundreds of children with a cache miss at each probe, is
//!   one probe. First `R` little-endian `u32`s `start << 11 | size` (the
//!   node's index is `size` slots from slot `start`, twice its children;
//!   0: no children), then the slots, little-endian `u16`s: `(k + 1) << 4
//!   | tag` for the node's `k`-th child, whose label's hash has `tag` in
//!   its low 4 bits (0: an empty slot; linear probing, half full). The
//!   home slot is the hash's high bits scaled to `size`. Each node's index
//!   lies next to its neighbours' in character order, so a text touches
//!   only the indexes of the characters it has, as it touches only their
//!   children in the trie.
//! - `dict_trie.rs`: the sizes, the dictionary's total frequency and
//!   `FREQS`, its distinct word frequencies in increasing order (a few
//!   thousand: the segmenter takes each one's logarithm once).
//!
//! Lines are read as `jieba_rs::Jieba::with_dict` reads them: the first two
//! whitespace-separated fields are the word and its frequency (a missing
//! frequency is 0; a tag after it is ignored), and a word listed twice keeps
//! the frequency of its last line. The total is the sum over distinct words,
//! which is what `with_dict` computes.
//!
//! It also lays out the executable's code: when the linker takes
//! `--symbol-ordering-file` (LLD, Rust's default linker on x86-64 Linux
//! since 1.90, and mold; tried on a one-line program first, and skipped
//! when it fails), the functions a comparison runs, listed in
//! `src/symbol-order.txt` by `bench/symbol_order.sh`, come first and
//! together. The kernel maps an executable 64 KB around every page a run
//! touches, so the hot code spread over 5 MB of `.text` was 2 MB of
//! resident memory more on every run (docs/performance.md). Names the
//! build does not have (another toolchain, changed code) are passed over.
//!
//! And, on Linux, it links the binaries as position-dependent executables
//! (`-no-pie`, when the linker takes it; `TVDIFF_PIE=1` at build time keeps
//! the default position-independent one). A position-independent
//! executable is loaded at a random address, so the dynamic loader patches
//! every pointer in its read-only data at each start: 41,000 relocations
//! (a 1 MB table read, and the pages of `.data.rel.ro` they land in copied
//! and written), a fixed cost on every run: a comparison of two one-line
//! files took 2.7 ms and 5.4 MB with it, 1.9 ms and 4.7 MB without; two
//! 1 MB Chinese texts 4–7% of their wall time and 0.7–1 MB. The code is still compiled position-independent (the
//! libraries, the Python module and the tests are unchanged); only the
//! executable's own address is fixed: the libraries, the heap and the
//! stack are still placed at random.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::PathBuf;

const DICT: &str = "src/tokenize/dict.txt";

struct Node {
    /// Children: (rank of the character, node index); in increasing rank
    /// once sorted.
    children: Vec<(u16, usize)>,
    freq: Option<u32>,
}

fn main() {
    println!("cargo:rerun-if-changed={DICT}");
    println!("cargo:rerun-if-changed=build.rs");
    order_symbols();
    link_position_dependent();
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

    // Ranks: the characters that start a word first, in code point order,
    // then the others.
    let mut firsts: Vec<char> = entries.iter().filter_map(|e| e.0.chars().next()).collect();
    firsts.dedup(); // (sorted: the words are)
    let mut others: Vec<char> = entries.iter().flat_map(|e| e.0.chars().skip(1)).collect();
    others.sort_unstable();
    others.dedup();
    others.retain(|c| firsts.binary_search(c).is_err());
    let ranked: Vec<char> = firsts.iter().chain(&others).copied().collect();
    assert!(ranked.len() < 1 << LABEL_BITS, "too many distinct characters");
    let top = *ranked.iter().max().expect("a word") as usize;
    assert!(top < 0x10000, "a word character outside the BMP");
    let mut rank_of = vec![NO_RANK; top + 1];
    for (r, &c) in ranked.iter().enumerate() {
        rank_of[c as usize] = r as u16;
    }

    // A pointer trie, labelled by rank; words arrive sorted, so an existing
    // child is always the last one added (each node's children are sorted
    // by rank afterwards).
    let mut nodes = vec![Node { children: Vec::new(), freq: None }];
    for &(word, freq, _) in &entries {
        let mut n = 0;
        for c in word.chars() {
            let r = rank_of[c as usize];
            n = match nodes[n].children.last() {
                Some(&(last, child)) if last == r => child,
                _ => {
                    let child = nodes.len();
                    nodes.push(Node { children: Vec::new(), freq: None });
                    nodes[n].children.push((r, child));
                    child
                }
            };
        }
        nodes[n].freq = Some(freq);
    }
    for node in &mut nodes {
        node.children.sort_unstable();
    }

    // Renumber breadth-first, so each node's children are consecutive.
    let count = nodes.len();
    assert!(count < 1 << FIRST_BITS, "too many nodes");
    let mut freqs: Vec<u32> = entries.iter().map(|e| e.1).collect();
    freqs.sort_unstable();
    freqs.dedup();
    let freq_index = |f: u32| freqs.binary_search(&f).expect("a listed frequency") as u64;
    // (first, label, freq slot) per node.
    let mut records: Vec<(u64, u64, u64)> = Vec::with_capacity(count + 1);
    let mut queue = VecDeque::from([(0u16, 0usize)]);
    let mut next_id = 1u64;
    while let Some((r, n)) = queue.pop_front() {
        let freq = nodes[n].freq.map_or(0, |f| freq_index(f) + 1);
        assert!(freq < 1 << FREQ_BITS, "too many distinct frequencies");
        records.push((next_id, u64::from(r), freq));
        next_id += nodes[n].children.len() as u64;
        queue.extend(nodes[n].children.iter().copied());
    }
    assert_eq!(records.len(), count);
    // The record after the last node: only its `first` is read.
    records.push((next_id, 0, 0));
    // The root's children are the first characters, in rank order.
    let roots = (records[1].0 - records[0].0) as usize;
    assert_eq!(roots, firsts.len());
    assert!((1..=roots).all(|n| records[n].1 == n as u64 - 1));

    let mut bin = Vec::with_capacity(records.len() * 6 + 2);
    for &(first, label, freq) in &records {
        let v = first | label << FIRST_BITS | freq << (FIRST_BITS + LABEL_BITS);
        bin.extend_from_slice(&v.to_le_bytes()[..6]);
    }
    bin.extend_from_slice(&[0, 0]);
    // The indexes of the root's children's children (see the module docs).
    let mut heads = Vec::with_capacity(roots);
    let mut slots: Vec<u16> = Vec::new();
    for n in 1..=roots {
        let (first, end) = (records[n].0 as usize, records[n + 1].0 as usize);
        let count = end - first;
        if count == 0 {
            heads.push(0u32);
            continue;
        }
        let size = 2 * count;
        assert!(count < 1 << 12 && size < 1 << 11, "a node with too many children for its index");
        let start = slots.len();
        assert!(start < 1 << 21, "the index is too large");
        heads.push((start as u32) << 11 | size as u32);
        slots.resize(start + size, 0);
        for (k, record) in records[first..end].iter().enumerate() {
            let h = index_hash(record.1 as u32);
            let mut i = home(h, size);
            while slots[start + i] != 0 {
                i = if i + 1 == size { 0 } else { i + 1 };
            }
            slots[start + i] = ((k as u16 + 1) << 4) | (h & 15) as u16;
        }
    }
    let mut index = Vec::with_capacity(heads.len() * 4 + slots.len() * 2);
    for v in &heads {
        index.extend_from_slice(&v.to_le_bytes());
    }
    for v in &slots {
        index.extend_from_slice(&v.to_le_bytes());
    }
    let mut ranks = Vec::with_capacity(rank_of.len() * 2);
    for v in &rank_of {
        ranks.extend_from_slice(&v.to_le_bytes());
    }

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("dict_trie.bin"), bin).expect("write dict_trie.bin");
    std::fs::write(out.join("dict_index.bin"), index).expect("write dict_index.bin");
    std::fs::write(out.join("dict_ranks.bin"), ranks).expect("write dict_ranks.bin");
    let mut rs = String::new();
    writeln!(rs, "/// Nodes of the dictionary trie, the root included.").unwrap();
    writeln!(rs, "pub const NODES: usize = {count};").unwrap();
    writeln!(rs, "/// Bits of a record that hold `first`, the label and the frequency slot.").unwrap();
    writeln!(rs, "pub const FIRST_BITS: u32 = {FIRST_BITS};").unwrap();
    writeln!(rs, "pub const LABEL_BITS: u32 = {LABEL_BITS};").unwrap();
    writeln!(rs, "pub const FREQ_BITS: u32 = {FREQ_BITS};").unwrap();
    writeln!(rs, "/// Characters up to this one have a rank entry.").unwrap();
    writeln!(rs, "pub const TOP_CHAR: usize = {top};").unwrap();
    writeln!(rs, "/// The multiplier of the second-level indexes' hash.").unwrap();
    writeln!(rs, "pub const INDEX_MUL: u32 = {INDEX_MUL:#X};").unwrap();
    writeln!(rs, "/// Children of the root.").unwrap();
    writeln!(rs, "pub const ROOTS: usize = {roots};").unwrap();
    writeln!(rs, "/// Distinct characters of the word list (ranks).").unwrap();
    writeln!(rs, "#[allow(dead_code)]\npub const CHARS: usize = {};", ranked.len()).unwrap();
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

/// Bits of a record that hold `first` (up to 2 million nodes).
const FIRST_BITS: u32 = 21;
/// Bits of a record that hold the label's rank.
const LABEL_BITS: u32 = 14;
/// Bits of a record that hold the frequency slot; written to
/// `dict_trie.rs` for the reader, with the other two.
const FREQ_BITS: u32 = 13;
const _: () = assert!(FIRST_BITS + LABEL_BITS + FREQ_BITS == 48);

/// The rank of a character in no word.
const NO_RANK: u16 = u16::MAX;

/// The multiplier of [`index_hash`], written to `dict_trie.rs` for the
/// reader.
const INDEX_MUL: u32 = 0x9E37_79B1;

/// The hash of a label (a rank) for the second-level indexes: the high
/// bits pick the home slot, the low 4 bits are the tag.
/// The functions a comparison runs, first and together in the binaries'
/// code (see the top of this file).
const SYMBOL_ORDER: &str = "src/symbol-order.txt";

/// Pass [`SYMBOL_ORDER`] to the linker of the binaries when it takes it.
fn order_symbols() {
    println!("cargo:rerun-if-changed={SYMBOL_ORDER}");
    println!("cargo:rerun-if-env-changed=TVDIFF_NO_SYMBOL_ORDER");
    if std::env::var_os("TVDIFF_NO_SYMBOL_ORDER").is_some() {
        return;
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let order = manifest.join(SYMBOL_ORDER);
    if !order.is_file() {
        return;
    }
    let flags = [format!("-Wl,--symbol-ordering-file={}", order.display()), "-Wl,--no-warn-symbol-ordering".into()];
    if linker_takes(&flags) {
        for f in flags {
            println!("cargo:rustc-link-arg-bins={f}");
        }
    }
}

/// Link the binaries without `-pie` on Linux (see the top of this file),
/// unless `TVDIFF_PIE` is set or the linker refuses.
fn link_position_dependent() {
    println!("cargo:rerun-if-env-changed=TVDIFF_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if !linux || std::env::var_os("TVDIFF_PIE").is_some() {
        return;
    }
    let flags = ["-no-pie".to_string()];
    if linker_takes(&flags) {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Does the target's linker link a one-line program with `flags`? (The
/// same compiler, target, linker and flags cargo will use; GNU ld, for
/// one, does not know `--symbol-ordering-file`.)
fn linker_takes(flags: &[String]) -> bool {
    let env = |k: &str| std::env::var(k).ok();
    let (Some(rustc), Some(target), Some(out)) = (env("RUSTC"), env("TARGET"), env("OUT_DIR")) else {
        return false;
    };
    let out = PathBuf::from(out);
    let src = out.join("link_probe.rs");
    if std::fs::write(&src, "fn main() {}\n").is_err() {
        return false;
    }
    let mut cmd = std::process::Command::new(rustc);
    cmd.arg("--target").arg(&target).arg("-o").arg(out.join("link_probe")).arg(&src);
    if let Some(linker) = env("RUSTC_LINKER") {
        cmd.arg("-C").arg(format!("linker={linker}"));
    }
    if let Some(rustflags) = env("CARGO_ENCODED_RUSTFLAGS") {
        cmd.args(rustflags.split('\x1f').filter(|f| !f.is_empty()));
    }
    for f in flags {
        cmd.arg("-C").arg(format!("link-arg={f}"));
    }
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    cmd.status().is_ok_and(|s| s.success())
}

fn index_hash(label: u32) -> u32 {
    label.wrapping_mul(INDEX_MUL)
}

/// The home slot of hash `h` in an index of `size` slots.
fn home(h: u32, size: usize) -> usize {
    ((u64::from(h) * size as u64) >> 32) as usize
}
