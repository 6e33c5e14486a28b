//! Inputs the fuzz targets (fuzz/, docs/robustness.md) found to break
//! tvdiff, replayed as plain tests: each one runs the fuzz target's own
//! check (`fuzz/src/checks.rs`, included here) on the saved bytes in
//! `tests/regressions/`. A file's name says which target found it.
//!
//! To add one: minimise the crash (`cargo fuzz tmin TARGET ARTIFACT`), copy
//! it to `tests/regressions/TARGET-what.bin` and add a test below (marked
//! `#[ignore = "why"]` until the bug is fixed, so the suite stays green).

#[allow(dead_code)]
#[path = "../fuzz/src/checks.rs"]
mod checks;

/// Every check passes on pieces of the bundled samples (the seeds of the
/// fuzz corpora): the checks themselves are not what fails.
#[test]
fn the_checks_pass_on_the_samples() {
    let read = |name: &str| std::fs::read(format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let piece = |b: Vec<u8>| b[..b.len().min(3000)].to_vec();
    let (a, b) = (piece(read("seed-000-blog-en-zh.txt")), piece(read("seed-001-xinhua-pdf-zh.txt")));
    let c = piece(read("sanzijing_traditional_qing.txt"));
    let with = |opts: &[u8], body: &[&[u8]]| -> Vec<u8> { opts.iter().chain(body.concat().iter()).copied().collect() };
    for text in [&a, &c] {
        checks::decode(&with(&[0], &[text]));
        checks::normalize(&with(&[0], &[text]));
        checks::normalize(&with(&[0xFF], &[text]));
        checks::segment(&with(&[0, 0], &[text]));
        checks::segment(&with(&[0x80, 1], &[text]));
    }
    let [lo, hi] = (a.len() as u16).to_le_bytes();
    checks::compare(&with(&[0, 0, lo, hi], &[&a, &b]));
    checks::compare(&with(&[0x80, 0x21, lo, hi], &[&a, &c]));
    checks::html(&with(&[0, 1, 2, 3, 0, lo, hi], &[&a, &b]));
    checks::names(&with(&[1], &[b"samples/seed-000-blog-en-zh.txt"]));
    // The library API with hostile options, and with a hand-edited report.
    for flags in [0u8, 1, 2, 0x3F, 0x80, 0xFF] {
        for threshold in [f32::NAN, -1.0, 0.5, 7.0] {
            let t = threshold.to_bits().to_le_bytes();
            checks::api(&with(&[flags, t[0], t[1], t[2], t[3], 0xFF, 0xFF], &[&a, &b]));
        }
    }
    let report = tvdiff::compare(
        &tvdiff::input::Source::from_text("a", String::from_utf8_lossy(&a)),
        &tvdiff::input::Source::from_text("b", String::from_utf8_lossy(&b)),
        &tvdiff::Options::default(),
    )
    .unwrap();
    checks::api(&with(&[0; 7], &[tvdiff::render::json::render(&report, true).as_bytes()]));
}

/// Hostile file names of every class issue 13 found (ESC, OSC, CSI, C1,
/// a line break, bidirectional overrides, bytes that are not UTF-8) pass
/// the `names` check: no displayed name carries them raw.
#[test]
fn names_check_on_hostile_names() {
    let names: [&[u8]; 8] = [
        b"\x1b]0;pwned\x07title.txt",
        b"\x1b[2Jclear.txt",
        "\u{9b}31mred.txt".as_bytes(),
        b"two\nlines.txt",
        "evil\u{202e}txt.exe".as_bytes(),
        b"a\xff\xfe.txt",
        b"tab\there\r.txt",
        "sep\u{2028}arated".as_bytes(),
    ];
    for name in names {
        checks::names(&[&[1u8, 0xFF][..1], name].concat());
        checks::names(&[&[0xFFu8][..], name].concat());
    }
}

/// A UTF-16 file with a byte-order mark and a bad sequence (FF FE 6E: the
/// odd byte 6E is at file offset 2). The error's "byte offset" was counted
/// from after the BOM and said 0 (fixed in 6fbcfd2). Found by `decode`.
#[test]
fn decode_utf16_error_offset_counts_the_bom() {
    checks::decode(include_bytes!("regressions/decode-utf16-bom-offset.bin"));
}

/// The same with `--encoding utf-16le` and a BOM: a lone surrogate at file
/// offset 4 was reported at byte offset 2.
#[test]
fn decode_forced_utf16_error_offset_counts_the_bom() {
    checks::decode(include_bytes!("regressions/decode-forced-utf16-bom-offset.bin"));
}

/// A modified sentence whose span's `end_line` disagreed with the line of
/// its last character. Found by `compare`.
#[test]
fn compare_span_end_line() {
    checks::compare(include_bytes!("regressions/compare-span-end-line.bin"));
}

/// A full stop with a combining mark on it (`.` U+0328) is one piece of the
/// source that normalises to two key characters with the same bytes; the
/// sentence cut after the stop gave the combining mark to the next
/// sentence, whose bytes then overlapped the previous sentence's. Found by
/// `segment` (docs/robustness.md finding 31).
#[test]
fn segment_cluster_across_sentences() {
    checks::segment(include_bytes!("regressions/segment-cluster-across-sentences.bin"));
}

/// A line ending in characters that become no key character (here a
/// quote and two U+FEFF) left the mark of the gap they make pointing one
/// past the line; cutting the block read a character there and panicked.
/// Found by `segment` (docs/robustness.md finding 32) before the marks
/// landed.
#[test]
fn segment_mark_past_line() {
    checks::segment(include_bytes!("regressions/segment-mark-past-line.bin"));
}

/// An insertion that slid to the front of a changed stretch over the
/// equal text before it (`�` against `��`: the new `�` is the inserted
/// one) left that text in no piece of the inline diff, so its characters
/// were missing from the row's similarity and its noise from the count;
/// the report's edit keys, sliced from the pieces, then disagreed with the
/// key text. Found by `compare` through the debug check in
/// `compare::EditsOf::edits`.
#[test]
fn compare_slid_edit_at_end() {
    checks::compare(include_bytes!("regressions/compare-slid-edit-at-end.bin"));
}

/// Noise counted from the irregular characters only must equal the full
/// count: with `--keep-spacing` a control character is a space key
/// character with no rule bit, was taken as its own text, and its
/// difference from a real space was skipped. Found by `compare` through the
/// debug cross-check in `compare::equal_noise`.
#[test]
fn compare_sparse_noise_count() {
    checks::compare(include_bytes!("regressions/compare-sparse-noise-count.bin"));
}

/// The `names` check on a few hundred pseudo-random names (bytes weighted
/// towards controls, `/`, ESC sequences and multi-byte characters), so
/// that `cargo test` runs the check beyond the fixed cases above; the fuzz
/// target explores further.
#[test]
fn names_check_on_random_names() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pieces: [&[u8]; 12] = [
        b"\x1b[",
        b"\x1b]",
        b"\x07",
        b"\n",
        b"/",
        "\u{202e}".as_bytes(),
        "\u{9b}".as_bytes(),
        b"\xff",
        b"a",
        "中".as_bytes(),
        b"\\",
        b"\t",
    ];
    for k in 0..400 {
        let mut name = vec![if k % 8 == 0 { 1u8 } else { 0 }];
        for _ in 0..(next() % 12) {
            let r = next();
            if r % 3 == 0 {
                name.push((r >> 8) as u8);
            } else {
                name.extend_from_slice(pieces[(r >> 8) as usize % pieces.len()]);
            }
        }
        checks::names(&name);
    }
}

/// With `--keep-spacing`, a space kept at the end of a block (and at the
/// start of the next) is the block's own key character, but the separator
/// between the two blocks stood for the source from the last sentence's
/// end to the next one's start, over those spaces: key characters went
/// backwards (`' '` at 1..2, then the separator at 1..5). The separator now
/// stands for the source between the blocks' outermost key characters.
/// Found by `segment`.
#[test]
fn segment_separator_overlaps_kept_spaces() {
    checks::segment(include_bytes!("regressions/segment-separator-overlaps-kept-spaces.bin"));
}

/// Valid UTF-8 (`\nMMM`) was decoded as UTF-16LE without a byte-order mark:
/// the detector for NUL-free Chinese UTF-16 ran before the UTF-8 check, and
/// two bytes at a time these read as Han characters (U+4D0A U+4D4D). It now
/// sees only bytes that are not UTF-8. Found by `decode`.
#[test]
fn decode_ascii_read_as_utf16() {
    checks::decode(include_bytes!("regressions/decode-ascii-read-as-utf16.bin"));
}

/// The `compare` check wants `compare(a, b)` and `compare(b, a)` to report
/// mirrored counts, which is stricter than docs/architecture.md (both
/// directions agree whether the versions differ: they do here). With
/// `--keep-width --keep-quotes --fold-chinese --lang en`, old `-��⏎�`
/// against new `��` is one removed sentence (`-��`) and one modified
/// (`�` → `��`); the other way round it is one modified row whose new text
/// spans both sentences (`��` → `-��⏎�`). The rows are each direction's
/// old sentences, and the tied `�` run ends up with a different one in each.
/// Found by `compare`; not caused by this round's separator fix (the same
/// counts without it).
#[test]
#[ignore = "open: mirrored counts are stricter than the documented contract (docs/robustness.md finding 27)"]
fn compare_mirror_replacement_chars() {
    checks::compare(include_bytes!("regressions/compare-mirror-replacement-chars.bin"));
}

/// The summary's similarity was 111.1% for old `�⟨U+17⟩� �` against new
/// `�⏎� �` (`--keep-width --keep-line-breaks --ignore-case --lang en`):
/// the versions are equal but cut differently, and the resegmented row's
/// new stretch runs across the space between the new version's two
/// sentences, which the summary's total (the sentences' key characters)
/// does not count. Matched characters are now counted inside sentences
/// only. Found by `compare` (docs/robustness.md finding 28).
#[test]
fn compare_similarity_over_100() {
    checks::compare(include_bytes!("regressions/compare-similarity-over-100.bin"));
}

/// Another case of finding 27 (docs/robustness.md finding 29): with
/// `--keep-spacing --lang en --threshold 1 --no-moves`, old `! �` against
/// new `����⟨U+1⟩�` is one modified row (`!` → `����`, the `�` equal), the
/// other way round one removed sentence and two added ones. The documented
/// contract (both directions agree that the versions differ) holds.
#[test]
#[ignore = "open: mirrored counts are stricter than the documented contract (docs/robustness.md finding 29)"]
fn compare_mirror_threshold_one() {
    checks::compare(include_bytes!("regressions/compare-mirror-threshold-one.bin"));
}

/// Another case of finding 27: old `?,` against new `??` with
/// `--keep-quotes --keep-spacing --fold-chinese --threshold 0
/// --move-threshold 1` is one modified row one way and a modified and a
/// removed row the other (both directions agree that the versions
/// differ). Found by `compare` in round 10; the session's first commit
/// (0c7e7b8) gives the same counts.
#[test]
#[ignore = "open: mirrored counts are stricter than the documented contract (docs/robustness.md finding 27)"]
fn compare_mirror_question_marks() {
    checks::compare(include_bytes!("regressions/compare-mirror-question-marks.bin"));
}

/// Two more cases of finding 27 (docs/robustness.md finding 33), found by
/// `compare` in round 21 and minimised with `cargo fuzz tmin`; the fuzz
/// target built before that round's changes (423ca16) fails the same way.
/// With `--threshold 0 --lang en`, old `t⏎-` against new `�-` is one
/// modified row, the other way round a modified and an added one.
#[test]
#[ignore = "open: mirrored counts are stricter than the documented contract (docs/robustness.md finding 33)"]
fn compare_mirror_threshold_zero() {
    checks::compare(include_bytes!("regressions/compare-mirror-threshold-zero.bin"));
}

/// With `--fold-chinese --threshold 0.5 --lang en`, old `e⏎�` against new
/// `���` is one modified row, the other way round one removed and two
/// added sentences (finding 33).
#[test]
#[ignore = "open: mirrored counts are stricter than the documented contract (docs/robustness.md finding 33)"]
fn compare_mirror_fold_chinese() {
    checks::compare(include_bytes!("regressions/compare-mirror-fold-chinese.bin"));
}
