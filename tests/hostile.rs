//! Hostile inputs (issue 6): whatever a user feeds tvdiff, they get a right
//! answer, or exit status 2 with one line naming the file and the problem —
//! never a silent wrong answer, a panic or a half-written report. And the
//! same comparison gives the same bytes every time.
//!
//! Inputs are generated here, sized so that each test takes at most a few
//! seconds in a debug build while still taking the path a real hostile file
//! would (sentence cutting of unpunctuated text, the aligner on many
//! sentences, …). The full-size cases (a 10 MB line) are benchmarks; see
//! docs/robustness.md.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tvdiff::input::Source;
use tvdiff::report::{ChangeKind, Report};
use tvdiff::Options;

/// Common Chinese characters; none of them is punctuation.
const HAN: &str = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴";

/// A deterministic stream of Han characters (a tiny LCG over [`HAN`]).
fn han_text(chars: usize, seed: u64) -> String {
    let pool: Vec<char> = HAN.chars().collect();
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..chars)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            pool[(x >> 33) as usize % pool.len()]
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// The names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// The contract of an error: exit 2, nothing on stdout, one line on stderr
/// that starts `tvdiff: `, names `names` and says `problem`, no panic.
fn assert_trouble(run: &Run, names: &str, problem: &str) {
    assert_eq!(run.status, 2, "exit status; stderr: {}", run.stderr);
    assert_eq!(run.stdout, "", "nothing on stdout");
    assert!(!run.stderr.contains("panicked"), "tvdiff panicked: {}", run.stderr);
    assert!(run.stderr.starts_with("tvdiff: "), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "one line on stderr: {}", run.stderr);
    assert!(run.stderr.contains(names), "stderr does not name {names:?}: {}", run.stderr);
    assert!(run.stderr.to_lowercase().contains(problem), "stderr does not say {problem:?}: {}", run.stderr);
}

/// Line starts of a text (`\n`, `\r\n` and a lone `\r` end a line), to
/// check positions in big reports in linear time.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        for i in 0..b.len() {
            if b[i] == b'\n' || b[i] == b'\r' && b.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
        }
        Lines { text, starts }
    }

    fn line_col(&self, at: usize) -> (u32, u32) {
        let i = self.starts.partition_point(|&s| s <= at) - 1;
        (i as u32 + 1, self.text[self.starts[i]..at].chars().count() as u32 + 1)
    }

    /// `start..end` is `text` at the reported line:column.
    fn check(&self, start: usize, end: usize, text: &str, line: u32, column: u32, what: &str) {
        assert_eq!(self.text.get(start..end), Some(text), "{what}: bytes {start}..{end}");
        assert_eq!((line, column), self.line_col(start), "{what}: line:column of byte {start}");
    }
}

/// Every span and edit location of `r` slices its text back at the
/// line:column reported.
fn assert_positions(r: &Report, old: &str, new: &str) {
    let (o, n) = (Lines::new(old), Lines::new(new));
    let span = |l: &Lines, s: &Option<Box<tvdiff::report::Span>>, what: &str| {
        if let Some(s) = s {
            l.check(s.start, s.end, &s.text, s.line, s.column, what);
        }
    };
    for c in &r.changes {
        span(&o, &c.old, "change old");
        span(&n, &c.new, "change new");
        for e in &c.edits {
            o.check(e.old_at.start, e.old_at.end, &e.old, e.old_at.line, e.old_at.column, "edit old");
            n.check(e.new_at.start, e.new_at.end, &e.new, e.new_at.line, e.new_at.column, "edit new");
        }
    }
    for row in &r.rows {
        span(&o, &row.old, "row old");
        span(&n, &row.new, "row new");
    }
}

/// Compare two texts with the library and check every position it reports.
fn compare_text(old: &str, new: &str, opts: &Options) -> Report {
    let (o, n) = (Source::from_text("old.txt", old), Source::from_text("new.txt", new));
    let t = Instant::now();
    let r = tvdiff::compare(&o, &n, opts).unwrap();
    eprintln!("compare of {} + {} bytes: {:?}", old.len(), new.len(), t.elapsed());
    assert_positions(&r, old, new);
    r
}

/// Run the binary with `--format json` on two files and parse the report.
fn json_run(args: &[&str]) -> (Report, Run) {
    let mut all = vec!["--format", "json", "--full"];
    all.extend_from_slice(args);
    let run = run(&all);
    assert!(run.status == 0 || run.status == 1, "tvdiff {args:?}: status {}: {}", run.status, run.stderr);
    (run.report(), run)
}

// ---------------------------------------------------------------- size

/// 2 MB of Chinese on one line without a single punctuation mark: it is cut
/// into sentences of at most `MAX_SENTENCE_CHARS` key characters, and one
/// replaced character in the middle is one modified sentence with one edit
/// at the right column. (The 10 MB case is a benchmark: docs/robustness.md.)
#[test]
fn a_two_megabyte_line_without_punctuation() {
    let n = 2_000_000 / 3;
    let old = han_text(n, 1);
    let mid = n / 2;
    let at = old.char_indices().nth(mid).unwrap().0;
    let was = old[at..].chars().next().unwrap();
    let new = format!("{}龘{}", &old[..at], &old[at + was.len_utf8()..]);
    let r = compare_text(&old, &new, &Options::default());
    assert_eq!(r.old.lines, 1);
    assert!(r.old.sentences >= n / tvdiff::internals::MAX_SENTENCE_CHARS, "{} sentences", r.old.sentences);
    assert_eq!(r.changes.len(), 1, "one change: {:#?}", r.summary);
    let c = &r.changes[0];
    assert_eq!(c.kind, ChangeKind::Modified);
    assert_eq!(edit_triples(c), [(tvdiff::report::EditOp::Replace, was.to_string().as_str(), "龘")]);
    let e = &c.edits[0];
    assert_eq!((e.old_at.line, e.old_at.column), (1, mid as u32 + 1));
    assert_eq!(r.summary.equal, r.old.sentences - 1);
}

/// One character inserted into the middle of the same unpunctuated line.
/// When over-long runs were cut every `MAX_SENTENCE_CHARS` characters, every
/// piece after the insertion was cut one character later and reported as
/// modified (300 000 characters: 150 changes, 299 edits); the cuts are now
/// content-defined (edc4cda), so it is one change.
#[test]
fn an_insertion_into_a_long_unpunctuated_line_is_one_change() {
    let n = 300_000;
    let old = han_text(n, 2);
    let at = old.char_indices().nth(n / 2).unwrap().0;
    let new = format!("{}龘{}", &old[..at], &old[at..]);
    let r = compare_text(&old, &new, &Options::default());
    let edits: usize = r.changes.iter().map(|c| c.edits.len()).sum();
    assert!(
        r.changes.len() <= 2 && edits <= 2,
        "one inserted character gave {} changes with {edits} edits: {:?}",
        r.changes.len(),
        r.summary
    );
}

/// A million tiny lines, each its own sentence, one of them changed.
#[test]
fn a_million_tiny_lines() {
    let lines = 1_000_000;
    let old: String = (0..lines).map(|i| format!("{i}\n")).collect();
    let new = old.replacen("\n123456\n", "\n123457x\n", 1);
    let r = compare_text(&old, &new, &Options::default());
    assert_eq!(r.old.lines, lines);
    assert_eq!(r.old.sentences, lines);
    assert_eq!(r.changes.len(), 1, "{:?}", r.summary);
    let c = &r.changes[0];
    assert_eq!(c.old.as_ref().unwrap().line, 123_457);
    assert_eq!(c.new.as_ref().unwrap().line, 123_457);
}

// ---------------------------------------------------------------- line breaks

/// `\n`, `\r\n` and a lone `\r` in one file: every line number is right.
#[test]
fn mixed_line_endings_give_the_right_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let old = "第一句话。\n第二句话。\r\n第三句话。\r第四句话在华。\r\n第五句话。\r第六句话在华。\n";
    let new = "第一句话。\n第二句话。\n第三句话。\n第四句话在中国。\n第五句话。\n第六句话在中国。\n";
    let (o, n) = (write(dir.path(), "old.txt", old), write(dir.path(), "new.txt", new));
    let (r, _) = json_run(&[&o, &n]);
    assert_report_faithful(&r, old, new);
    let lines: Vec<(u32, u32, u32, u32)> = r
        .changes
        .iter()
        .flat_map(|c| &c.edits)
        .map(|e| (e.old_at.line, e.old_at.column, e.new_at.line, e.new_at.column))
        .collect();
    assert_eq!(lines, [(4, 6, 4, 6), (6, 6, 6, 6)]);
    // The same file against itself with only its line endings changed: equal.
    let lf = old.replace("\r\n", "\n").replace('\r', "\n");
    let l = write(dir.path(), "lf.txt", &lf);
    let (r, run) = json_run(&[&o, &l]);
    assert_eq!(run.status, 0, "{:?}", r.changes);
}

// ---------------------------------------------------------------- Unicode

/// A letter followed by 500 combining marks (and marks with no letter at
/// the start of a line): no panic, and every position slices the text.
#[test]
fn combining_character_storms() {
    let storm = |n: usize| format!("e{}", "\u{301}\u{316}".repeat(n / 2));
    let old = format!("Zalgo says {} here. Next sentence.\n{}orphan marks.\n", storm(500), "\u{308}".repeat(300));
    let new = format!("Zalgo says {} there. Next sentence.\n{}orphan marks.\n", storm(498), "\u{308}".repeat(300));
    let r = compare_text(&old, &new, &Options::default());
    assert!(r.has_changes());
    assert!(r.changes.iter().flat_map(|c| &c.edits).any(|e| e.old.contains("here") || e.new.contains("there")));
    // The storm compared with itself is equal; canonical reordering of the
    // marks (U+316 before U+301 is the canonical order) is no change.
    let reordered = old.replace("\u{301}\u{316}", "\u{316}\u{301}");
    let r = compare_text(&old, &reordered, &Options::default());
    assert!(!r.has_changes(), "{:?}", r.changes);
}

/// An emoji ZWJ sequence and the same emoji without the (invisible) joiners
/// compare equal, the joiners are counted as invisible differences; a
/// different emoji is an edit on character boundaries.
#[test]
fn emoji_zwj_sequences() {
    let family = "我们一家👨\u{200D}👩\u{200D}👧来到乌镇。The family 👨\u{200D}👩\u{200D}👧 arrived.";
    let apart = "我们一家👨👩👧来到乌镇。The family 👨👩👧 arrived.";
    let r = compare_text(family, apart, &Options::default());
    assert!(!r.has_changes(), "{:?}", r.changes);
    assert!(r.summary.absorbed.get(&tvdiff::Rule::Invisible).copied().unwrap_or(0) >= 2, "{:?}", r.summary.absorbed);
    let boy = family.replace("👧", "👦");
    let r = compare_text(family, &boy, &Options::default());
    assert!(r.has_changes());
    for e in r.changes.iter().flat_map(|c| &c.edits) {
        assert!(e.old.contains('👧') && e.new.contains('👦'), "{e:?}");
    }
}

/// An invisible character is dropped from the key even when combining
/// marks follow it (docs/normalisation.md: "always on"). It used to stay in
/// the key with the marks, and `Café` vs `Cafe` ZWJ U+0301 was a wording
/// change (fixed in edc4cda).
#[test]
fn an_invisible_character_before_a_combining_mark_is_still_invisible() {
    let r = compare_text("Cafe\u{301} ok.", "Cafe\u{200D}\u{301} ok.", &Options::default());
    assert!(!r.has_changes(), "{:?}", r.changes);
    let r = compare_text("\u{200B}\u{301}x.", "\u{301}x.", &Options::default());
    assert!(!r.has_changes(), "{:?}", r.changes);
}

// ---------------------------------------------------------------- encodings

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let bom: &[u8] = if bom { &[0xFF, 0xFE] } else { &[] };
    bom.iter().copied().chain(s.encode_utf16().flat_map(u16::to_le_bytes)).collect()
}

/// A lone surrogate in UTF-16: exit 2 with the byte offset; with `--lossy`
/// the report counts the replaced bytes.
#[test]
fn a_lone_surrogate_in_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = utf16le("Hello world.\nSecond ", true);
    bytes.extend([0x00, 0xD8]); // a high surrogate with no low one
    bytes.extend(utf16le("line.\n", false));
    let bad = write(dir.path(), "bad16.txt", &bytes);
    let good = write(dir.path(), "good.txt", "Hello world.\nSecond line.\n");
    let run = run(&[&bad, &good]);
    assert_trouble(&run, &bad, "byte offset");
    assert!(run.stderr.contains("UTF-16LE"), "{}", run.stderr);

    let (r, run) = json_run(&["--lossy", &bad, &good]);
    assert_eq!(r.old.encoding, "UTF-16LE");
    assert_eq!(r.old.replaced_bytes, 2);
    assert_eq!(r.new.replaced_bytes, 0);
    assert_eq!(run.json()["old"]["replaced_bytes"], 2);
    let text = tvdiff::render::terminal::render(&r, &Default::default());
    assert!(text.contains("2 bytes undecodable, replaced"), "{text}");
}

/// The HTML report of a lossy decoding says so too (docs/usage.md: "the
/// report says how many bytes were replaced"); it used not to (fixed in
/// edc4cda).
#[test]
fn the_html_report_says_how_many_bytes_were_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = utf16le("Hello world.\nSecond ", true);
    bytes.extend([0x00, 0xD8]);
    bytes.extend(utf16le("line.\n", false));
    let bad = write(dir.path(), "bad16.txt", &bytes);
    let good = write(dir.path(), "good.txt", "Hello world.\nSecond line.\n");
    let run = run_cmd(tvdiff().args(["--lossy", "--format", "html", &bad, &good]).env("SOURCE_DATE_EPOCH", "0"));
    assert_eq!(run.status, 1, "{}", run.stderr);
    let page = run.stdout.to_lowercase();
    assert!(page.contains("undecodable") || page.contains("replaced"), "the page does not say 2 bytes were replaced");
}

/// A speech saved as GBK and as Big5 (as old government and Taiwanese sites
/// serve them): detected, reported, and a wording change is shown in the
/// file's own characters.
#[test]
fn gbk_and_big5_files() {
    let dir = tempfile::tempdir().unwrap();
    let simp = "中国开放的大门永远不会关上，利用外资的政策不会变，对外商投资企业合法权益的保障不会变。\n\
                只要遵守中国法律，我们热情欢迎各国企业和创业者在华投资兴业。\n\
                互联网虽然是无形的，但运用互联网的人们都是有形的，互联网是人类的共同家园。\n";
    let simp2 = simp.replace("在华", "在中国");
    let trad = "中國開放的大門永遠不會關上，利用外資的政策不會變，對外商投資企業合法權益的保障不會變。\n\
                只要遵守中國法律，我們熱情歡迎各國企業和創業者在華投資興業。\n\
                互聯網雖然是無形的，但運用互聯網的人們都是有形的，互聯網是人類的共同家園。\n";
    let trad2 = trad.replace("在華", "在中國");
    for (enc, name, a, b, old, new) in [
        (encoding_rs::GBK, "GBK", simp, simp2.as_str(), "华", "中国"),
        (encoding_rs::BIG5, "Big5", trad, trad2.as_str(), "華", "中國"),
    ] {
        let (ea, _, bad_a) = enc.encode(a);
        let (eb, _, bad_b) = enc.encode(b);
        assert!(!bad_a && !bad_b, "test text encodes in {name}");
        let o = write(dir.path(), &format!("old-{name}.txt"), &ea);
        let n = write(dir.path(), &format!("new-{name}.txt"), &eb);
        let (r, run) = json_run(&[&o, &n]);
        assert_eq!(run.status, 1);
        assert_eq!((r.old.encoding.as_str(), r.new.encoding.as_str()), (name, name));
        assert_report_faithful(&r, a, b);
        let edits: Vec<_> = r.changes.iter().flat_map(edit_triples).map(|(_, o, n)| (o, n)).collect();
        assert_eq!(edits, [(old, new)], "{name}");
        // The terminal report shows the decoded characters.
        let term = tvdiff::render::terminal::render(&r, &Default::default());
        assert!(term.contains(&format!("[-{old}-]{{+{new}+}}")), "{name}: {term}");
        assert!(term.contains(name), "{name}: the report names the encoding: {term}");
        // The same text in UTF-8 compares equal to the legacy file.
        let u = write(dir.path(), &format!("utf8-{name}.txt"), a);
        let (_, run) = json_run(&[&o, &u]);
        assert_eq!(run.status, 0, "{name} file vs its UTF-8 text");
    }
}

/// A GBK file with one damaged byte pair: detection must not fall back to
/// windows-1252 and turn every character into mojibake (as chardetng's
/// guess did until edc4cda); the honest answers are the GBK error with the
/// offset (exit 2) or GBK with `--lossy`.
#[test]
fn a_damaged_gbk_file_is_not_compared_as_mojibake() {
    let dir = tempfile::tempdir().unwrap();
    let text = "中华人民共和国主席习近平在第二届世界互联网大会开幕式上发表讲话";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let mut bytes = gbk.into_owned();
    bytes.extend([0x81, 0x20]);
    let bad = write(dir.path(), "damaged-gbk.txt", &bytes);
    let good = write(dir.path(), "good.txt", text);
    let run = run(&["--format", "json", &bad, &good]);
    if run.status == 2 {
        assert_trouble(&run, &bad, "byte offset 62");
    } else {
        let r = run.report();
        assert!(r.old.encoding == "GBK" || r.old.encoding == "gb18030", "decoded as {}", r.old.encoding);
    }
}

/// UTF-16LE without a byte-order mark (ASCII-heavy, as Word exports of
/// English text are): detected, and equal to the same text in UTF-8.
#[test]
fn utf16le_without_bom() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "President Xi spoke in Wuzhen.\r\nThe Internet is the common home of mankind (互联网是人类的共同家园).\r\n";
    let a = write(dir.path(), "a16.txt", utf16le(text, false));
    let b = write(dir.path(), "b8.txt", text);
    let (r, run) = json_run(&[&a, &b]);
    assert_eq!(r.old.encoding, "UTF-16LE");
    assert_eq!(run.status, 0, "{:?}", r.changes);
}

/// UTF-16LE without a BOM whose text is all Chinese has few NUL bytes, so
/// it cannot be recognised by them. Whatever tvdiff decides, it must not be
/// a silent wrong answer: it decodes the text right, or refuses the file.
fn assert_chinese_utf16le_is_not_mojibake(text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "zh16.txt", utf16le(text, false));
    let b = write(dir.path(), "zh8.txt", text);
    let run = run(&["--format", "json", &a, &b]);
    assert!(
        run.status == 0 || run.status == 2,
        "status {}: {}{}",
        run.status,
        run.stderr,
        run.stdout.lines().take(12).collect::<Vec<_>>().join("\n")
    );
}

/// Some characters (开 is U+5F00) put a NUL byte in the file: refused.
#[test]
fn chinese_utf16le_without_bom_with_nul_bytes_is_not_mojibake() {
    assert_chinese_utf16le_is_not_mojibake("互联网是人类的共同家园。中国开放的大门永远不会关上。");
}

/// No character with a 00 byte: until edc4cda chardetng guessed
/// windows-1252 and the file was compared as mojibake (exit 1).
#[test]
fn chinese_utf16le_without_bom_or_nul_bytes_is_not_mojibake() {
    assert_chinese_utf16le_is_not_mojibake("互联网是人类的共同家园。让互联网更好造福人民。");
}

/// Real Chinese text in UTF-16LE without a BOM has line breaks (`0A 00`)
/// and characters such as 一 (U+4E00, `00 4E`): NUL bytes, but far too
/// few for the ASCII-heavy UTF-16 test. It is refused as a binary file; it
/// could be read as UTF-16LE, since it decodes to Chinese text.
#[test]
fn chinese_utf16le_without_bom_with_line_breaks_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = "第一届世界互联网大会。\n一个开放的中国。\n互联网是人类的共同家园。\n";
    let a = write(dir.path(), "zh16.txt", utf16le(text, false));
    let b = write(dir.path(), "zh8.txt", text);
    let (r, run) = json_run(&[&a, &b]);
    assert_eq!(r.old.encoding, "UTF-16LE");
    assert_eq!(run.status, 0, "{:?}", r.changes);
}

/// A UTF-8 file with one bad byte and only a few multi-byte characters
/// (fewer than 10 per bad sequence, so not "damaged UTF-8") is handed to
/// chardetng, which guesses windows-1252: every Chinese character becomes
/// mojibake (`中文` → `ä¸­æ–‡`) and the versions differ, exit 1. Valid
/// three-byte UTF-8 sequences practically never occur in windows-1252 text.
#[test]
fn a_short_damaged_utf8_file_is_not_compared_as_mojibake() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "d8.txt",
        b"caf\xc3\x28 ok caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87",
    );
    let good = write(dir.path(), "good.txt", "caf( ok café 中文中文中文");
    let run = run(&["--format", "json", &bad, &good]);
    if run.status == 2 {
        assert_trouble(&run, &bad, "byte offset 3");
    } else {
        assert!(run.report().old.encoding.starts_with("UTF-8"), "decoded as {}", run.report().old.encoding);
    }
}

// ---------------------------------------------------------------- files

/// A file that is gone by the time tvdiff reads it (deleted, or a link left
/// dangling): exit 2 naming it.
#[test]
fn a_file_that_vanished() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.txt", "一句话。");
    let gone = write(dir.path(), "gone.txt", "一句话。");
    std::fs::remove_file(&gone).unwrap();
    assert_trouble(&run(&[&gone, &good]), &gone, "no such file");
    #[cfg(unix)]
    {
        let target = write(dir.path(), "target.txt", "一句话。");
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        std::fs::remove_file(&target).unwrap();
        let link = link.to_str().unwrap();
        assert_trouble(&run(&[&good, link]), link, "no such file");
    }
}

/// Output to a directory that does not exist, or to a path that is a
/// directory: exit 2 naming the path, and nothing left behind (no report,
/// no temporary file).
#[test]
fn an_unwritable_output_path_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", "在华投资。");
    let b = write(dir.path(), "b.txt", "在中国投资。");
    let before = listing(dir.path());

    let missing: PathBuf = dir.path().join("no-such-dir").join("report.json");
    let m = missing.to_str().unwrap();
    let r = run(&["--format", "json", "-o", m, &a, &b]);
    assert_trouble(&r, m, "cannot write");
    assert!(!dir.path().join("no-such-dir").exists());
    assert_eq!(listing(dir.path()), before);

    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let before = listing(dir.path());
    let o = out_dir.to_str().unwrap();
    for format in ["json", "terminal", "html"] {
        let r = run(&["--format", format, "-o", o, &a, &b]);
        assert_trouble(&r, o, "cannot write");
        assert!(out_dir.is_dir() && listing(&out_dir).is_empty(), "{format}: the directory is untouched");
        assert_eq!(listing(dir.path()), before, "{format}: no temporary file left next to it");
    }
}

/// Output to a good path is complete and replaces an older report whole.
#[test]
fn output_to_a_file_is_the_whole_report() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", "在华投资。");
    let b = write(dir.path(), "b.txt", "在中国投资。");
    let out = dir.path().join("r.json");
    std::fs::write(&out, "x".repeat(100_000)).unwrap();
    let stdout = run(&["--format", "json", &a, &b]).stdout;
    let o = out.to_str().unwrap();
    let r = run(&["--format", "json", "-o", o, &a, &b]);
    assert_eq!((r.status, r.stdout.as_str()), (1, ""), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    assert_eq!(listing(dir.path()), ["a.txt", "b.txt", "r.json"]);
}

/// A binary file (a PNG header, with NUL bytes) is refused.
#[test]
fn a_png_is_binary() {
    let dir = tempfile::tempdir().unwrap();
    let png = write(dir.path(), "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0");
    let good = write(dir.path(), "good.txt", "一句话。");
    assert_trouble(&run(&[&png, &good]), &png, "binary");
    assert_trouble(&run(&["--lossy", &good, &png]), &png, "binary");
}

// ---------------------------------------------------------------- scripts

/// The Qing-dynasty traditional edition of the Three Character Classic
/// against a simplified conversion of it: with `--fold-chinese` the script
/// difference is no change, and a real wording change is shown in each
/// version's own characters.
#[test]
fn fold_chinese_on_the_three_character_classic() {
    use ferrous_opencc::{config::BuiltinConfig, OpenCC};
    let dir = tempfile::tempdir().unwrap();
    let trad: String = sample_text(SANZIJING_OLD).lines().take(12).map(|l| format!("{l}\n")).collect();
    let t2s = OpenCC::from_config(BuiltinConfig::T2s).unwrap();
    let simp = t2s.convert(&trad);
    assert_ne!(simp, trad);
    assert!(simp.contains("贵以专"), "{simp}");
    let o = write(dir.path(), "trad.txt", &trad);
    let s = write(dir.path(), "simp.txt", &simp);

    let (r, run) = json_run(&[&o, &s]);
    assert_eq!(run.status, 1, "without --fold-chinese the scripts differ");
    assert!(!r.changes.is_empty());

    let (r, run) = json_run(&["--fold-chinese", &o, &s]);
    assert_eq!(run.status, 0, "script-only differences: {:#?}", r.changes);
    assert!(r.summary.absorbed.get(&tvdiff::Rule::Script).copied().unwrap_or(0) > 0);

    let edited = simp.replace("贵以专", "贵以恒");
    let e = write(dir.path(), "edited.txt", &edited);
    let (r, run) = json_run(&["--fold-chinese", &o, &e]);
    assert_eq!(run.status, 1);
    assert_report_faithful(&r, &trad, &edited);
    assert_eq!(r.changes.len(), 1, "{:#?}", r.changes);
    let c = &r.changes[0];
    let edits: Vec<_> = edit_triples(c).into_iter().map(|(_, o, n)| (o, n)).collect();
    assert_eq!(edits, [("專", "恒")]);
    assert!(c.old.as_ref().unwrap().text.contains("貴以專"), "old side in traditional: {c:?}");
    assert!(c.new.as_ref().unwrap().text.contains("贵以恒"), "new side in simplified: {c:?}");
}

// ---------------------------------------------------------------- determinism

/// The same comparison twice gives byte-identical output in every format.
#[test]
fn output_is_byte_identical_run_to_run() {
    let (a, b) = (sample(SEED_000), sample(SEED_001));
    let formats: [&[&str]; 5] = [
        &["--format", "json"],
        &["--format", "json", "--full"],
        &["--format", "terminal", "--color", "always"],
        &["--format", "terminal", "--color", "always", "--side-by-side", "-W", "100"],
        &["--format", "html"],
    ];
    for args in formats {
        let go = || {
            let mut cmd = tvdiff();
            cmd.args(args).args(["--lang", "zh", &a, &b]).env("SOURCE_DATE_EPOCH", "0");
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        };
        let first = go();
        assert!(!first.is_empty());
        assert!(first == go(), "{args:?}: two runs differ");
        if args.contains(&"always") {
            assert!(first.contains(&0x1b), "{args:?}: colour was asked for");
        }
    }
}

// ---------------------------------------------------------------- deadlines

/// Issue 13 item 9: the deadline bounds the whole comparison, inside one
/// region too. 500 long sentences against 500 alike ones (every sentence
/// changed, so the whole text is one region) with a deadline that has
/// passed before alignment starts: the answer is coarse but complete and
/// true — every sentence accounted for, every edit real.
#[test]
fn a_deadline_inside_one_region_gives_a_coarse_true_answer() {
    let words = ["互联网", "发展", "合作", "共享", "治理", "安全", "网络", "空间", "国际", "社会"];
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let old: Vec<String> =
        (0..500).map(|_| (0..60).map(|_| words[next() % words.len()]).collect::<String>() + "。").collect();
    let new: Vec<String> = old
        .iter()
        .map(|s| {
            let mut c: Vec<char> = s.chars().collect();
            let i = next() % (c.len() - 1);
            c[i] = '的';
            c.into_iter().collect()
        })
        .collect();
    let (old, new) = (old.join("\n"), new.join("\n"));
    for timeout_ms in [1, 10_000] {
        let r = compare_text(&old, &new, &Options { timeout_ms, ..Options::default() });
        assert_positions(&r, &old, &new);
        let s = &r.summary;
        assert_eq!(s.equal + s.modified + s.removed + s.moved, 500, "every old sentence is accounted for: {s:?}");
        for c in &r.changes {
            for e in &c.edits {
                assert_ne!(e.old, e.new, "an edit changes something");
            }
        }
    }
}

/// Issue 13 item 16: punctuation dropped by `--ignore-punctuation` leaves
/// no spacing difference behind (`dedicate -- we` / `dedicate--we`), and a
/// mark inside a word joins it (`don't` / `dont`).
#[test]
fn ignoring_punctuation_leaves_no_spaces_behind() {
    let opts = Options {
        normalize: tvdiff::NormalizeOptions { ignore_punctuation: true, ..Default::default() },
        ..Options::default()
    };
    for (a, b) in [
        ("We cannot dedicate -- we cannot consecrate.", "We cannot dedicate--we cannot consecrate"),
        ("It is rather for us to be here dedicated.", "It is rather for us , to be here dedicated"),
        ("I don't know.", "I dont know"),
        ("the well-known speaker", "the well known speaker"),
    ] {
        let r = compare_text(a, b, &opts);
        assert!(r.changes.is_empty(), "{a:?} / {b:?}: {:?}", r.changes);
    }
}
