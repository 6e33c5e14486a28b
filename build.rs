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
//! - `dict_trie.bin`: one record per node of the trie, a little-endian
//!   `u32`, the nodes numbered in breadth-first order (node 0 is the root,
//!   and the children of a node have consecutive numbers, in increasing
//!   rank):
//!   - bits 0–13: the rank of the character on the edge into the node;
//!   - bits 14–26: 1 + the index in `FREQS` of the frequency of the word
//!     ending at the node, or 0 if no word ends there (fewer than 8,191
//!     distinct frequencies);
//!   - bits 27–31: how many children the node has, or 31 if it has 31 or
//!     more (see the escapes below).
//!
//!   A node's fields sit side by side (not in separate arrays) because a
//!   word lookup reads them together: the search among a node's children
//!   reads their labels, and the child found gives its frequency and
//!   whether it has children from the same cache line.
//! - `dict_firsts.bin`, little-endian `u32`s, where a node's children
//!   start (in breadth-first order they follow those of the nodes before
//!   it, so `first(n + 1) = first(n) + children(n)`):
//!   - `first(n)` of every node `n` up to `R + 1` (R the root's children,
//!     nodes `1..=R`, which have up to hundreds of children each: the
//!     step from a word's first character to its second reads its range
//!     here);
//!   - then `first` of every 16th node from `R + 1` on (the *blocks*): a
//!     deeper node's first child is its block's plus the children of the
//!     nodes before it in the block, at most 15 records of one or two
//!     cache lines;
//!   - then the *escapes*, the deeper nodes with 31 children or more
//!     (a few hundred), in order, and then their counts.
//!
//!   Four bytes a node (a `first` in each record took six) keep the trie
//!   at 2.2 MB (3.8 MB with six bytes and a hash index of the second
//!   level). Its size is the resident memory it costs: the kernel maps the
//!   executable 64 KB around each page read, so the few hundred look-ups
//!   of a handful of changed sentences map all of it.
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
//! every pointer in its read-only data at each start: 42,000 relocations
//! (a 1 MB table read, and the pages of `.data.rel.ro` they land in copied
//! and written), a fixed cost on every run: a comparison of two one-line
//! files took 2.7 ms and 5.4 MB with it, 1.9 ms and 4.7 MB without; two
//! 1 MB Chinese texts 4–7% of their wall time and 0.7–1 MB. The code is
//! still compiled position-independent (the library, the Python module
//! and the tests are unchanged); only the executable's own address is
//! fixed: the libraries, the heap and the stack are still placed at
//! random.

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
    assert!(u32::try_from(count).is_ok(), "too many nodes");
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

    // Each node's record, and where the children of the nodes up to
    // `roots + 1`, of every 16th node after, and of the escapes start.
    let children = |n: usize| (records[n + 1].0 - records[n].0) as usize;
    let mut bin = Vec::with_capacity(count * 4);
    let mut escapes: Vec<(u32, u32)> = Vec::new();
    for (n, &(_, label, freq)) in records[..count].iter().enumerate() {
        let mut c = children(n);
        if c >= ESCAPED as usize {
            // Nodes up to `roots` read their range from the first table.
            if n > roots {
                escapes.push((n as u32, c as u32));
            }
            c = ESCAPED as usize;
        }
        let v = label as u32 | (freq as u32) << LABEL_BITS | (c as u32) << (LABEL_BITS + FREQ_BITS);
        bin.extend_from_slice(&v.to_le_bytes());
    }
    let tops: Vec<u32> = records[..=roots + 1].iter().map(|r| r.0 as u32).collect();
    let blocks: Vec<u32> = records[roots + 1..count].iter().step_by(BLOCK).map(|r| r.0 as u32).collect();
    let mut firsts = Vec::with_capacity(4 * (tops.len() + blocks.len() + 2 * escapes.len()));
    let escape_nodes = escapes.iter().map(|e| e.0);
    let escape_counts = escapes.iter().map(|e| e.1);
    for v in tops.iter().chain(&blocks).copied().chain(escape_nodes).chain(escape_counts) {
        firsts.extend_from_slice(&v.to_le_bytes());
    }
    let mut ranks = Vec::with_capacity(rank_of.len() * 2);
    for v in &rank_of {
        ranks.extend_from_slice(&v.to_le_bytes());
    }

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("dict_trie.bin"), bin).expect("write dict_trie.bin");
    std::fs::write(out.join("dict_firsts.bin"), firsts).expect("write dict_firsts.bin");
    std::fs::write(out.join("dict_ranks.bin"), ranks).expect("write dict_ranks.bin");
    // The reader's constants: (doc comment, type, name, value).
    let constants: &[(&str, &str, &str, String)] = &[
        ("Nodes of the dictionary trie, the root included.", "usize", "NODES", count.to_string()),
        ("Bits of a record that hold the label and the frequency slot.", "u32", "LABEL_BITS", LABEL_BITS.to_string()),
        ("", "u32", "FREQ_BITS", FREQ_BITS.to_string()),
        ("The count of children that means 31 or more.", "u32", "ESCAPED", ESCAPED.to_string()),
        ("Nodes a block's `first` covers.", "usize", "BLOCK", BLOCK.to_string()),
        ("Blocks, from node `ROOTS + 1` on.", "usize", "BLOCKS", blocks.len().to_string()),
        ("Deeper nodes with `ESCAPED` children or more.", "usize", "ESCAPES", escapes.len().to_string()),
        ("Characters up to this one have a rank entry.", "usize", "TOP_CHAR", top.to_string()),
        ("Children of the root.", "usize", "ROOTS", roots.to_string()),
        ("Distinct characters of the word list (ranks).", "usize", "CHARS", ranked.len().to_string()),
        ("Distinct words in the dictionary.", "usize", "WORDS", entries.len().to_string()),
        ("Sum of the frequencies of the distinct words.", "u64", "TOTAL", total.to_string()),
    ];
    let mut rs = String::new();
    for (doc, ty, name, value) in constants {
        if !doc.is_empty() {
            writeln!(rs, "/// {doc}").unwrap();
        }
        // (Read only by the tests.)
        if matches!(*name, "CHARS" | "WORDS") {
            writeln!(rs, "#[allow(dead_code)]").unwrap();
        }
        writeln!(rs, "pub const {name}: {ty} = {value};").unwrap();
    }
    writeln!(rs, "/// The distinct word frequencies, in increasing order.").unwrap();
    writeln!(rs, "pub static FREQS: [u32; {}] = {freqs:?};", freqs.len()).unwrap();
    std::fs::write(out.join("dict_trie.rs"), rs).expect("write dict_trie.rs");
}

/// Bits of a record that hold the label's rank.
const LABEL_BITS: u32 = 14;
/// Bits of a record that hold the frequency slot; written to
/// `dict_trie.rs` for the reader, with the other constants.
const FREQ_BITS: u32 = 13;
/// The bits left hold the count of children, up to this one.
const ESCAPED: u32 = (1 << (32 - LABEL_BITS - FREQ_BITS)) - 1;
/// Nodes per block of `dict_firsts.bin`.
const BLOCK: usize = 16;

/// The rank of a character in no word.
const NO_RANK: u16 = u16::MAX;

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
