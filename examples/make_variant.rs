//! Make a benchmark variant of a real text: N known wording edits plus the
//! transcript noise tvdiff is meant to ignore, and a ground-truth JSON of
//! the edits.
//!
//! ```text
//! cargo run --release --example make_variant -- --seed 1 --edits 200 IN OUT TRUTH.json
//! cargo run --release --example make_variant -- --seed 1 --noise-only IN OUT TRUTH.json
//! cargo run --release --example make_variant -- --seed 1 --reseg terminators IN OUT TRUTH.json
//! cargo run --release --example make_variant -- --seed 1 --reseg srt [--fillers] IN OUT.srt TRUTH.json
//! ```
//!
//! **Edits** (Chinese text: 1–3 Han characters; English: one word) are
//! insertions, deletions and replacements, at least 40 characters apart and
//! only inside sentences of some length (no sentence end within 12
//! characters either side), so that each one is a single, unambiguous
//! change of one sentence. The first and last characters of inserted,
//! deleted and replacement text differ from their neighbours, so a diff
//! cannot legitimately report the edit a character to the left or right.
//!
//! **Noise**, applied per paragraph and never within 2 characters of an
//! edit:
//! - Chinese: full-width `，：！；？（）` → half-width (half the paragraphs);
//!   `“”‘’` → `「」『』` (half the paragraphs); a space inserted between Han
//!   characters about every 400 characters, and spaces next to Han text
//!   removed; about a third of the lines longer than 60 characters
//!   re-wrapped every 30–45 characters (a line break next to a CJK
//!   character, following the typesetters' rule that no closing mark
//!   starts a line and no opening mark ends one).
//! - English: curly quotes `“”‘’` → straight (half the paragraphs); a
//!   double space after some sentence ends; `,` → full-width `，` in a
//!   tenth of the paragraphs; about a third of the paragraphs re-wrapped at
//!   50, 60 or 90 columns.
//!
//! **Resegmentation** (`--reseg MODE`), on top of the noise, cuts the text
//! into sentences differently, as real copies do:
//! - `terminators`: sentence ends swapped (`。` ↔ `；`/`，`, `.` → `;`)
//!   a quarter of the time and dropped a tenth of the time, and a tenth of
//!   the lines lose their final mark (headings and lines without a full
//!   stop);
//! - `asr`: a speech recogniser's transcript — no punctuation, no line
//!   breaks, Latin letters lower-cased; Chinese gets a space every 10–30
//!   characters, as some recognisers emit.
//!
//! **Captions** (`--reseg srt`, `--reseg vtt`), on top of the noise, write
//! the copy as a caption file instead of plain text, the way caption files
//! cut a text: Chinese into cues of 14–24 characters cut anywhere (even
//! inside a word or a number), English into cues of 6–11 words; a cue has
//! two lines when it is longer than 16 characters or 7 words, split in the
//! middle. Each line of Chinese (re-wrapped lines included) and each
//! paragraph of English is spoken in turn: 0.22 s per character or 0.38 s
//! per word, 0.1 s between cues, 2.5 s between paragraphs. `srt` keeps the
//! punctuation (captions typed by a person: numbered cues, `HH:MM:SS,mmm`);
//! `vtt` first turns the text into a recogniser's transcript as `asr` does
//! (automatic captions: no punctuation, lower case) and writes WebVTT with
//! a header, a `NOTE`, cue identifiers and settings on some cues and `<c>`
//! tags on some lines. Each edit of the truth then also has `time`: the
//! start and end (seconds) of the cue(s) holding its new text — for a
//! deletion, the cue of the character that follows the point — and its
//! `offset`/`end` are byte offsets into the caption file.
//!
//! **Fillers** (`--fillers`, with any mode): filler words are put into the
//! copy, never next to an edit: about one every 50 Chinese characters
//! (`呃`, `嗯`, `啊`, `那个`) or 12 English words (`um`, `uh`, `er`), as a
//! verbatim or recognised transcript has them. They are noise: the truth
//! does not list them.
//!
//! CRLF line ends are kept if the input uses them (not in captions). The output is the same
//! for the same seed. The truth file lists every edit with its operation,
//! old and new text, and the byte offsets of the new text in OUT (for a
//! deletion, `offset == end`, the point where the text was) and of the old
//! text in IN.

use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use tvdiff::internals::{is_cjk, is_han};

/// xorshift64*: tiny, deterministic, good enough to place edits.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Op {
    Insert,
    Delete,
    Replace,
}

/// An edit planned on the input's characters.
struct Plan {
    op: Op,
    /// Old character range in the input (empty for an insertion).
    start: usize,
    end: usize,
    /// Inserted characters (for English insertions this includes the
    /// separating space, which is not part of the reported new text).
    insert: Vec<char>,
    /// The new text as the truth file reports it.
    new_text: String,
}

#[derive(Serialize)]
struct TruthEdit {
    id: usize,
    op: Op,
    old: String,
    new: String,
    /// Byte offset of the new text in OUT.
    offset: usize,
    /// End byte of the new text in OUT (== offset for a deletion).
    end: usize,
    /// Byte offset of the old text in IN.
    old_offset: usize,
    /// End byte of the old text in IN.
    old_end: usize,
    /// Captions: when the cue(s) holding the new text are shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<Time>,
}

#[derive(Serialize, Default)]
struct NoiseCounts {
    punctuation_width: usize,
    quote_style: usize,
    spaces_inserted: usize,
    spaces_removed: usize,
    paragraphs_rewrapped: usize,
    terminators_swapped: usize,
    terminators_dropped: usize,
    marks_removed: usize,
    letters_lowered: usize,
    lines_joined: usize,
    #[serde(skip_serializing_if = "is_zero")]
    fillers_inserted: usize,
    #[serde(skip_serializing_if = "is_zero")]
    cues: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// When a caption cue is shown, in seconds.
#[derive(Serialize, Clone, Copy, Debug, PartialEq)]
struct Time {
    start: f64,
    end: f64,
}

/// How `--reseg` cuts the text into sentences differently.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reseg {
    None,
    Terminators,
    Asr,
    /// Captions typed by a person (SRT).
    Srt,
    /// Automatic captions: a recogniser's transcript as WebVTT.
    Vtt,
}

#[derive(Serialize)]
struct Truth {
    input: String,
    output: String,
    seed: u64,
    language: &'static str,
    crlf: bool,
    edits_requested: usize,
    edits: Vec<TruthEdit>,
    noise: NoiseCounts,
}

/// One character of the output under construction.
#[derive(Clone, Copy)]
struct Cell {
    ch: char,
    /// Part of (or next to) an edit: noise must leave it alone.
    guard: bool,
    /// First cell of edit k's new text, or (with `ch == MARK`) the point
    /// where deleted text was.
    edit: Option<usize>,
    /// Byte offset in the input of the character this cell came from.
    src: usize,
}

/// Zero-width marker for the position of a deletion (never written).
const MARK: char = '\u{0}';

fn usage() -> ! {
    eprintln!(
        "usage: make_variant [--seed N] [--edits N] [--noise-only] [--reseg terminators|asr|srt|vtt] [--fillers] IN OUT TRUTH.json"
    );
    std::process::exit(2);
}

fn main() {
    let mut seed = 1u64;
    let mut edits = 200usize;
    let mut reseg = Reseg::None;
    let mut fillers = false;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()),
            "--edits" => edits = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()),
            "--noise-only" => edits = 0,
            "--reseg" => {
                reseg = match args.next().as_deref() {
                    Some("terminators") => Reseg::Terminators,
                    Some("asr") => Reseg::Asr,
                    Some("srt") => Reseg::Srt,
                    Some("vtt") => Reseg::Vtt,
                    _ => usage(),
                }
            }
            "--fillers" => fillers = true,
            "-h" | "--help" => usage(),
            _ => files.push(a),
        }
    }
    let [input, output, truth_path] = files.as_slice() else { usage() };
    let text = std::fs::read_to_string(input).unwrap_or_else(|e| {
        eprintln!("make_variant: {input}: {e}");
        std::process::exit(2)
    });
    let (out, truth) = make_variant(&text, seed, edits, reseg, fillers, input, output);
    if truth.edits.len() < edits {
        eprintln!("make_variant: only {} of {edits} edits fit in {input}", truth.edits.len());
    }
    std::fs::write(output, out).expect("write OUT");
    let mut json = serde_json::to_string_pretty(&truth).expect("serialise truth");
    json.push('\n');
    std::fs::write(truth_path, json).expect("write TRUTH");
}

fn make_variant(
    text: &str,
    seed: u64,
    n_edits: usize,
    reseg: Reseg,
    fillers: bool,
    input: &str,
    output: &str,
) -> (String, Truth) {
    let mut rng = Rng::new(seed);
    let crlf = text.contains("\r\n");
    // Characters with their byte offsets; CRLF becomes one '\n'.
    let mut chars: Vec<(char, usize)> = Vec::with_capacity(text.len());
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '\r' && matches!(it.peek(), Some((_, '\n'))) {
            continue;
        }
        chars.push((c, i));
    }
    let han = chars.iter().filter(|(c, _)| is_han(*c)).count();
    let latin = chars.iter().filter(|(c, _)| c.is_ascii_alphabetic()).count();
    let zh = han * 2 > latin;

    let plans = if zh { plan_zh(&chars, n_edits, &mut rng) } else { plan_en(&chars, n_edits, &mut rng) };

    // Apply the edits, marking them and their surroundings as guarded.
    let mut cells: Vec<Cell> = Vec::with_capacity(chars.len() + n_edits * 4);
    let mut next = 0;
    let mut k = 0;
    let src_at = |i: usize| chars.get(i).map_or(text.len(), |c| c.1);
    while next <= chars.len() {
        if let Some(p) = plans.get(k).filter(|p| p.start == next) {
            let guard_from = cells.len().saturating_sub(2);
            if p.insert.is_empty() {
                cells.push(Cell { ch: MARK, guard: true, edit: Some(k), src: src_at(p.start) });
            }
            for (j, &ch) in p.insert.iter().enumerate() {
                cells.push(Cell { ch, guard: true, edit: (j == 0).then_some(k), src: src_at(p.start) });
            }
            for c in &mut cells[guard_from..] {
                c.guard = true;
            }
            // Guard two characters after the edit too.
            for &(ch, src) in &chars[p.end..(p.end + 2).min(chars.len())] {
                cells.push(Cell { ch, guard: true, edit: None, src });
            }
            next = (p.end + 2).min(chars.len()).max(p.end);
            k += 1;
            if p.end + 2 > chars.len() {
                break;
            }
            continue;
        }
        if next == chars.len() {
            break;
        }
        cells.push(Cell { ch: chars[next].0, guard: false, edit: None, src: chars[next].1 });
        next += 1;
    }

    let mut noise = NoiseCounts::default();
    let cells = if zh { noise_zh(cells, &mut rng, &mut noise) } else { noise_en(cells, &mut rng, &mut noise) };
    let cells = if fillers { add_fillers(cells, zh, &mut rng, &mut noise) } else { cells };
    let cells = match reseg {
        Reseg::None | Reseg::Srt => cells,
        Reseg::Terminators => reseg_terminators(cells, zh, &mut rng, &mut noise),
        Reseg::Asr | Reseg::Vtt => reseg_asr(cells, zh, &mut rng, &mut noise),
    };

    // Serialise, recording where each edit landed.
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut at: HashMap<usize, usize> = HashMap::new();
    let mut times: HashMap<usize, Time> = HashMap::new();
    if matches!(reseg, Reseg::Srt | Reseg::Vtt) {
        let cues = cut_into_cues(&cells, zh, &mut rng);
        noise.cues = cues.len();
        let file_at = write_captions(&cells, &cues, reseg == Reseg::Vtt, &mut out);
        for (i, c) in cells.iter().enumerate() {
            let Some(k) = c.edit else { continue };
            // The cells of the edit's new text, or the one after a deletion.
            let len = plans[k].new_text.chars().count().max(1);
            let span: Vec<usize> = cells[i..]
                .iter()
                .enumerate()
                .filter(|(_, c)| c.ch != MARK && c.ch != '\n')
                .map(|(j, _)| i + j)
                .take(len)
                .collect();
            let cue_of = |j: usize| cues.iter().position(|q| q.cells.contains(&j));
            let hit: Vec<&Cue> = span.iter().filter_map(|&j| cue_of(j)).map(|q| &cues[q]).collect();
            if let (Some(first), Some(last)) = (hit.first(), hit.last()) {
                times.insert(k, Time { start: first.start, end: last.end });
            }
            at.insert(k, span.first().and_then(|&j| file_at[j]).unwrap_or(out.len()));
        }
    } else {
        for c in &cells {
            if let Some(k) = c.edit {
                at.insert(k, out.len());
            }
            match c.ch {
                MARK => {}
                '\n' if crlf => out.push_str("\r\n"),
                ch => out.push(ch),
            }
        }
    }
    let edits = plans
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let offset = at[&k];
            let old_offset = src_at(p.start);
            // An English deletion takes the space after the word; the truth reports the word.
            let old_end = old_offset + text[old_offset..src_at(p.end)].trim_end_matches(' ').len();
            let end = if p.new_text.is_empty() { offset } else { offset + p.new_text.len() };
            debug_assert!(!times.is_empty() || out[offset..end] == p.new_text);
            TruthEdit {
                id: k,
                op: p.op,
                old: text[old_offset..old_end].to_string(),
                new: p.new_text.clone(),
                offset,
                end,
                old_offset,
                old_end,
                time: times.get(&k).copied(),
            }
        })
        .collect();
    let truth = Truth {
        input: input.to_string(),
        output: output.to_string(),
        seed,
        language: if zh { "zh" } else { "en" },
        crlf,
        edits_requested: n_edits,
        edits,
        noise,
    };
    (out, truth)
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '…' | '.' | '!' | '?' | ';' | '\n' | '：' | ':')
}

/// No sentence end within `reach` characters either side of `start..end`.
fn inside_sentence(chars: &[(char, usize)], start: usize, end: usize, reach: usize) -> bool {
    start >= reach
        && end + reach <= chars.len()
        && !chars[start - reach..end + reach].iter().any(|&(c, _)| is_sentence_end(c))
}

/// Far enough from every planned edit?
fn free(taken: &[(usize, usize)], start: usize, end: usize) -> bool {
    const GAP: usize = 40;
    taken.iter().all(|&(s, e)| end + GAP <= s || e + GAP <= start)
}

fn plan_zh(chars: &[(char, usize)], n: usize, rng: &mut Rng) -> Vec<Plan> {
    let han_at: Vec<usize> = (0..chars.len()).filter(|&i| is_han(chars[i].0)).collect();
    let mut plans = Vec::new();
    let mut taken = Vec::new();
    let random_han = |rng: &mut Rng| chars[han_at[rng.below(han_at.len())]].0;
    let mut tries = 0;
    while plans.len() < n && tries < n * 200 && !han_at.is_empty() {
        tries += 1;
        let i = han_at[rng.below(han_at.len())];
        let len = 1 + rng.below(3);
        let op = [Op::Insert, Op::Delete, Op::Replace][rng.below(3)];
        let (start, end) = if op == Op::Insert { (i, i) } else { (i, i + len) };
        if end > chars.len() || !inside_sentence(chars, start, end, 12) || !free(&taken, start, end) {
            continue;
        }
        if !chars[start - 1..end + 1].iter().all(|&(c, _)| is_han(c)) {
            continue;
        }
        let (before, after) = (chars[start - 1].0, chars[end].0);
        let old: Vec<char> = chars[start..end].iter().map(|c| c.0).collect();
        let insert: Vec<char> = if op == Op::Delete { vec![] } else { (0..len).map(|_| random_han(rng)).collect() };
        // Unambiguous placement: the edit's ends differ from what is next to
        // it, and a replacement shares neither end with the old text.
        let ends_ok = |s: &[char]| s.is_empty() || s[0] != after && s[s.len() - 1] != before && s[0] != before;
        if !ends_ok(&insert) || !ends_ok(&old) {
            continue;
        }
        if op == Op::Replace && (insert[0] == old[0] || insert[len - 1] == old[len - 1] || insert == old) {
            continue;
        }
        taken.push((start, end));
        plans.push(Plan { op, start, end, new_text: insert.iter().collect(), insert });
    }
    plans.sort_by_key(|p| p.start);
    plans
}

fn plan_en(chars: &[(char, usize)], n: usize, rng: &mut Rng) -> Vec<Plan> {
    // Words: runs of ASCII letters between spaces.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].0.is_ascii_alphabetic() {
            let s = i;
            while i < chars.len() && chars[i].0.is_ascii_alphabetic() {
                i += 1;
            }
            let spaced = s > 0 && chars[s - 1].0 == ' ' && i < chars.len() && chars[i].0 == ' ';
            if spaced && i - s >= 2 {
                words.push((s, i));
            }
        } else {
            i += 1;
        }
    }
    let word = |w: (usize, usize)| -> String { chars[w.0..w.1].iter().map(|c| c.0).collect() };
    let vocabulary: Vec<String> =
        words.iter().map(|&w| word(w)).filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase())).collect();
    let mut plans = Vec::new();
    let mut taken = Vec::new();
    let mut tries = 0;
    while plans.len() < n && tries < n * 200 && !words.is_empty() && !vocabulary.is_empty() {
        tries += 1;
        let (s, e) = words[rng.below(words.len())];
        let old = word((s, e));
        if !old.chars().all(|c| c.is_ascii_lowercase()) {
            continue; // leave names and sentence starts alone
        }
        let op = [Op::Insert, Op::Delete, Op::Replace][rng.below(3)];
        let new = vocabulary[rng.below(vocabulary.len())].clone();
        let prev_word = words.iter().rev().find(|w| w.1 < s).map(|&w| word(w));
        let plan = match op {
            // "a old b" → "a new old b": the new word and a space before `old`.
            Op::Insert if prev_word.as_deref() != Some(&new) && new != old => {
                let mut insert: Vec<char> = new.chars().collect();
                insert.push(' ');
                Plan { op, start: s, end: s, insert, new_text: new }
            }
            // "a old b" → "a b": the word and the space after it.
            Op::Delete if prev_word.as_deref() != Some(&old) => {
                Plan { op, start: s, end: e + 1, insert: vec![], new_text: String::new() }
            }
            Op::Replace if new != old => Plan { op, start: s, end: e, insert: new.chars().collect(), new_text: new },
            _ => continue,
        };
        let (ps, pe) = (plan.start, plan.end.max(e));
        if !inside_sentence(chars, ps, pe, 12) || !free(&taken, ps, pe) {
            continue;
        }
        taken.push((ps, pe));
        plans.push(plan);
    }
    plans.sort_by_key(|p| p.start);
    plans
}

/// Split cells into lines (each without its '\n'), apply `f` to each, and
/// join them again.
fn per_line(cells: Vec<Cell>, mut f: impl FnMut(Vec<Cell>) -> Vec<Cell>) -> Vec<Cell> {
    let mut out = Vec::with_capacity(cells.len() + cells.len() / 20);
    let mut line = Vec::new();
    for c in cells {
        if c.ch == '\n' {
            out.extend(f(std::mem::take(&mut line)));
            out.push(c);
        } else {
            line.push(c);
        }
    }
    out.extend(f(line));
    out
}

fn noise_zh(cells: Vec<Cell>, rng: &mut Rng, noise: &mut NoiseCounts) -> Vec<Cell> {
    per_line(cells, |line| {
        let half = rng.chance(0.5);
        let corner = rng.chance(0.5);
        let rewrap = line.len() > 60 && rng.chance(0.33);
        let mut out: Vec<Cell> = Vec::with_capacity(line.len() + 8);
        for (i, c) in line.iter().enumerate() {
            let mut c = *c;
            if c.guard {
                out.push(c);
                continue;
            }
            let prev_han = i > 0 && is_han(line[i - 1].ch);
            let next_han = line.get(i + 1).is_some_and(|n| is_han(n.ch));
            if c.ch == ' ' && (prev_han || next_han) {
                noise.spaces_removed += 1;
                continue;
            }
            if half {
                if let Some(h) = half_width(c.ch) {
                    c.ch = h;
                    noise.punctuation_width += 1;
                }
            }
            if corner {
                let q = match c.ch {
                    '“' => '「',
                    '”' => '」',
                    '‘' => '『',
                    '’' => '』',
                    _ => c.ch,
                };
                if q != c.ch {
                    c.ch = q;
                    noise.quote_style += 1;
                }
            }
            out.push(c);
            let next_unguarded_han = line.get(i + 1).is_some_and(|n| is_han(n.ch) && !n.guard);
            if is_han(c.ch) && next_unguarded_han && rng.below(400) == 0 {
                out.push(Cell { ch: ' ', guard: false, edit: None, src: c.src });
                noise.spaces_inserted += 1;
            }
        }
        if !rewrap {
            return out;
        }
        noise.paragraphs_rewrapped += 1;
        let mut wrapped = Vec::with_capacity(out.len() + out.len() / 30);
        let mut since = 0;
        let mut width = 30 + rng.below(16);
        for (i, c) in out.iter().enumerate() {
            wrapped.push(*c);
            since += 1;
            let next = out.get(i + 1);
            // Line-breaking rules as typesetters follow them (kinsoku): no
            // closing mark at the start of a line, no opening mark at the end.
            let breakable = next.is_some_and(|n| {
                !c.guard
                    && !n.guard
                    && c.ch != ' '
                    && n.ch != ' '
                    && (is_cjk(c.ch) || is_cjk(n.ch))
                    && !"，。、；：？！”’」』）》〉…—,.;:?!)".contains(n.ch)
                    && !"“‘「『（《〈(".contains(c.ch)
            }) && i + 10 < out.len();
            if since >= width && breakable {
                wrapped.push(Cell { ch: '\n', guard: false, edit: None, src: c.src });
                since = 0;
                width = 30 + rng.below(16);
            }
        }
        wrapped
    })
}

fn half_width(c: char) -> Option<char> {
    Some(match c {
        '，' => ',',
        '：' => ':',
        '！' => '!',
        '；' => ';',
        '？' => '?',
        '（' => '(',
        '）' => ')',
        _ => return None,
    })
}

fn noise_en(cells: Vec<Cell>, rng: &mut Rng, noise: &mut NoiseCounts) -> Vec<Cell> {
    // Paragraphs are runs of non-blank lines.
    let mut paragraphs: Vec<Vec<Cell>> = vec![];
    let mut blank_runs: Vec<Vec<Cell>> = vec![];
    let mut cur: Vec<Cell> = vec![];
    let mut newlines: Vec<Cell> = vec![];
    for c in cells {
        if c.ch == '\n' {
            newlines.push(c);
            continue;
        }
        if !newlines.is_empty() {
            if newlines.len() == 1 && !cur.is_empty() {
                cur.push(newlines.pop().unwrap()); // a line break inside a paragraph
            } else {
                paragraphs.push(std::mem::take(&mut cur));
                blank_runs.push(std::mem::take(&mut newlines));
            }
        }
        cur.push(c);
    }
    paragraphs.push(cur);
    blank_runs.push(newlines);

    let mut out = Vec::new();
    for (para, breaks) in paragraphs.into_iter().zip(blank_runs) {
        out.extend(noise_en_paragraph(para, rng, noise));
        out.extend(breaks);
    }
    out
}

fn noise_en_paragraph(para: Vec<Cell>, rng: &mut Rng, noise: &mut NoiseCounts) -> Vec<Cell> {
    let straight = rng.chance(0.5);
    let full_comma = rng.chance(0.1);
    let double = rng.chance(0.3);
    let lines = para.iter().filter(|c| c.ch == '\n').count() + 1;
    // Only prose paragraphs (several lines, not indented) are re-wrapped.
    let prose = lines >= 2 && para.first().is_some_and(|c| c.ch != ' ');
    let rewrap = prose && rng.chance(0.33);
    let mut out: Vec<Cell> = Vec::with_capacity(para.len() + 8);
    for (i, c) in para.iter().enumerate() {
        let mut c = *c;
        if !c.guard {
            if straight {
                let q = match c.ch {
                    '“' | '”' => '"',
                    '‘' | '’' => '\'',
                    _ => c.ch,
                };
                if q != c.ch {
                    c.ch = q;
                    noise.quote_style += 1;
                }
            }
            if full_comma && c.ch == ',' {
                c.ch = '，';
                noise.punctuation_width += 1;
            }
        }
        out.push(c);
        let sentence_end = matches!(c.ch, '.' | '!' | '?')
            && para.get(i + 1).is_some_and(|n| n.ch == ' ' && !n.guard)
            && para.get(i + 2).is_some_and(|n| n.ch.is_ascii_uppercase());
        if double && sentence_end && !c.guard {
            out.push(Cell { ch: ' ', guard: false, edit: None, src: c.src });
            noise.spaces_inserted += 1;
        }
    }
    if !rewrap {
        return out;
    }
    noise.paragraphs_rewrapped += 1;
    // Unwrap (a line break is a space), then wrap at spaces.
    let width = [50, 60, 90][rng.below(3)];
    let mut words: Vec<Vec<Cell>> = vec![vec![]];
    let mut seps: Vec<Cell> = vec![];
    for c in out {
        if (c.ch == ' ' || c.ch == '\n') && !c.guard {
            if !words.last().unwrap().is_empty() {
                words.push(vec![]);
                seps.push(Cell { ch: ' ', ..c });
            } else if !seps.is_empty() {
                // A run of separators: keep the extra spaces (noise) as part of the next word.
                words.last_mut().unwrap().push(Cell { ch: ' ', ..c });
            }
        } else {
            words.last_mut().unwrap().push(c);
        }
    }
    let mut wrapped = Vec::new();
    let mut col = 0;
    for (k, w) in words.into_iter().enumerate() {
        if k > 0 {
            let sep = seps[k - 1];
            if col + 1 + w.len() > width {
                wrapped.push(Cell { ch: '\n', ..sep });
                col = 0;
            } else {
                wrapped.push(sep);
                col += 1;
            }
        }
        col += w.len();
        wrapped.extend(w);
    }
    wrapped
}

/// `--reseg terminators`: sentence ends swapped or dropped, lines without
/// their final mark. Guarded cells (edits and their neighbours) are kept.
fn reseg_terminators(cells: Vec<Cell>, zh: bool, rng: &mut Rng, noise: &mut NoiseCounts) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::with_capacity(cells.len());
    for (i, c) in cells.iter().enumerate() {
        let mut c = *c;
        let next = cells.get(i + 1).map(|n| n.ch);
        let line_end = matches!(next, None | Some('\n'));
        let terminator = if zh {
            matches!(c.ch, '。' | '！' | '？' | '；')
        } else {
            // A full stop that ends an English sentence: space and capital after it.
            matches!(c.ch, '.' | '!' | '?')
                && (line_end || next == Some(' ') && cells.get(i + 2).is_some_and(|n| n.ch.is_ascii_uppercase()))
        };
        if !terminator || c.guard {
            out.push(c);
            continue;
        }
        if line_end && rng.chance(0.1) || rng.chance(0.1) {
            noise.terminators_dropped += 1;
            continue;
        }
        if rng.chance(0.25) {
            let to = if zh { ['；', '，', '。'][rng.below(3)] } else { ';' };
            if to != c.ch {
                c.ch = to;
                noise.terminators_swapped += 1;
            }
        }
        out.push(c);
    }
    out
}

/// `--reseg asr`: a recogniser's transcript of the text.
fn reseg_asr(cells: Vec<Cell>, zh: bool, rng: &mut Rng, noise: &mut NoiseCounts) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::with_capacity(cells.len());
    let mut since_space = 0;
    let mut gap = 10 + rng.below(21);
    for (i, c) in cells.iter().enumerate() {
        let mut c = *c;
        // Recognisers keep the apostrophe of a contraction (don't, it's).
        let apostrophe = matches!(c.ch, '\'' | '’')
            && i > 0
            && cells[i - 1].ch.is_alphabetic()
            && cells.get(i + 1).is_some_and(|n| n.ch.is_alphabetic());
        if apostrophe {
            c.ch = '\'';
            out.push(c);
            continue;
        }
        if c.ch == MARK {
            out.push(c);
            continue;
        }
        if c.ch == '\n' || c.ch == '\r' {
            noise.lines_joined += 1;
            if !zh && out.last().is_some_and(|l| l.ch != ' ') {
                out.push(Cell { ch: ' ', ..c });
            }
            continue;
        }
        if !c.guard && !c.ch.is_alphanumeric() && c.ch != ' ' {
            noise.marks_removed += 1;
            // A mark between two words leaves them apart.
            if !zh && out.last().is_some_and(|l| l.ch != ' ') {
                out.push(Cell { ch: ' ', guard: false, edit: None, src: c.src });
            }
            continue;
        }
        if c.ch == ' ' && out.last().is_some_and(|l| l.ch == ' ') && !c.guard {
            continue;
        }
        if !c.guard && c.ch.is_uppercase() {
            c.ch = c.ch.to_lowercase().next().unwrap_or(c.ch);
            noise.letters_lowered += 1;
        }
        out.push(c);
        if zh && is_han(c.ch) {
            since_space += 1;
            if since_space >= gap && !c.guard {
                out.push(Cell { ch: ' ', guard: false, edit: None, src: c.src });
                noise.spaces_inserted += 1;
                since_space = 0;
                gap = 10 + rng.below(21);
            }
        }
    }
    out
}

/// `--fillers`: filler words put between words (never next to an edit).
fn add_fillers(cells: Vec<Cell>, zh: bool, rng: &mut Rng, noise: &mut NoiseCounts) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::with_capacity(cells.len() + cells.len() / 20);
    for (i, c) in cells.iter().enumerate() {
        out.push(*c);
        let next = cells.get(i + 1);
        let free = |c: Option<&Cell>| c.is_some_and(|c| !c.guard);
        if !free(Some(c)) || !free(next) {
            continue;
        }
        let n = next.expect("free");
        let word: &str = if zh && is_han(c.ch) && is_han(n.ch) && rng.below(50) == 0 {
            ["呃", "嗯", "啊", "那个"][rng.below(4)]
        } else if !zh
            && c.ch == ' '
            && n.ch.is_alphabetic()
            && i > 0
            && cells[i - 1].ch.is_alphabetic()
            && rng.below(12) == 0
        {
            ["um ", "uh ", "er "][rng.below(3)]
        } else {
            continue;
        };
        noise.fillers_inserted += 1;
        out.extend(word.chars().map(|ch| Cell { ch, guard: false, edit: None, src: c.src }));
    }
    out
}

/// One caption cue of the copy.
struct Cue {
    /// The cells it holds.
    cells: std::ops::Range<usize>,
    /// Its lines, as ranges of cells.
    lines: Vec<std::ops::Range<usize>>,
    start: f64,
    end: f64,
}

/// `--reseg srt|vtt`: cut the copy into timed cues (see the module docs).
fn cut_into_cues(cells: &[Cell], zh: bool, rng: &mut Rng) -> Vec<Cue> {
    // Paragraphs: Chinese lines; English runs of non-blank lines.
    let mut paragraphs: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    for (i, c) in cells.iter().enumerate() {
        if c.ch != '\n' {
            continue;
        }
        let blank_next = cells[i + 1..].iter().take_while(|c| c.ch == ' ').count();
        let ends = zh || cells.get(i + 1 + blank_next).is_none_or(|c| c.ch == '\n') || i == start;
        if ends {
            paragraphs.push(start..i);
            start = i + 1;
        }
    }
    paragraphs.push(start..cells.len());
    let mut cues = Vec::new();
    let mut t: f64 = 1.0;
    let mut first = true;
    for p in paragraphs {
        // Atoms: a Chinese character, or an English word, with the marks
        // (deletion points) and spaces before it.
        let mut atoms: Vec<std::ops::Range<usize>> = Vec::new();
        let mut from = p.start;
        let mut i = p.start;
        while i < p.end {
            let c = cells[i].ch;
            if c == MARK || c == ' ' || c == '\n' {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            if !zh {
                while j < p.end && !matches!(cells[j].ch, ' ' | '\n') {
                    j += 1;
                }
            }
            atoms.push(from..j);
            from = j;
            i = j;
        }
        if let Some(last) = atoms.last_mut() {
            last.end = p.end; // trailing marks and spaces
        }
        if atoms.is_empty() {
            continue;
        }
        if !first {
            t += 2.5;
        }
        first = false;
        let mut k = 0;
        while k < atoms.len() {
            let n = if zh { 14 + rng.below(11) } else { 6 + rng.below(6) };
            let chunk = &atoms[k..(k + n).min(atoms.len())];
            let long = if zh { chunk.len() > 16 } else { chunk.len() > 7 };
            let lines = if long {
                let half = chunk.len() / 2;
                vec![chunk[0].start..chunk[half - 1].end, chunk[half].start..chunk[chunk.len() - 1].end]
            } else {
                let whole = chunk[0].start..chunk[chunk.len() - 1].end;
                vec![whole]
            };
            if k > 0 {
                t += 0.1;
            }
            let start = (t * 1000.0).round() / 1000.0;
            t += chunk.len() as f64 * if zh { 0.22 } else { 0.38 };
            let end = (t * 1000.0).round() / 1000.0;
            cues.push(Cue { cells: chunk[0].start..chunk[chunk.len() - 1].end, lines, start, end });
            k += chunk.len();
        }
    }
    cues
}

/// `HH:MM:SS` and milliseconds after `sep`.
fn time_code(s: f64, sep: char) -> String {
    let ms = (s * 1000.0).round() as u64;
    format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// Write the cues as SRT or WebVTT into `out`; the byte offset in `out` of
/// every cell written (a deletion mark: of the character after it).
fn write_captions(cells: &[Cell], cues: &[Cue], vtt: bool, out: &mut String) -> Vec<Option<usize>> {
    let mut at = vec![None; cells.len()];
    if vtt {
        out.push_str("WEBVTT\nKind: captions\n\nNOTE Made by examples/make_variant.rs: automatic captions of a copy\nwith known edits (see its truth file).\n\n");
    }
    for (n, cue) in cues.iter().enumerate() {
        let n = n + 1;
        if vtt {
            if n % 5 == 1 {
                let _ = writeln!(out, "cue-{n}");
            }
            let settings = if n % 4 == 0 { " line:85% align:center" } else { "" };
            let _ = writeln!(out, "{} --> {}{settings}", time_code(cue.start, '.'), time_code(cue.end, '.'));
        } else {
            let _ = writeln!(out, "{n}\n{} --> {}", time_code(cue.start, ','), time_code(cue.end, ','));
        }
        for (l, line) in cue.lines.iter().enumerate() {
            // The line's text with each cell's place in it; then trimmed.
            let mut text = String::new();
            let mut pos: Vec<(usize, usize)> = Vec::new();
            for j in line.clone() {
                let ch = cells[j].ch;
                pos.push((j, text.len()));
                match ch {
                    MARK => {}
                    '\n' => text.push(' '),
                    '&' if vtt => text.push_str("&amp;"),
                    '<' if vtt => text.push_str("&lt;"),
                    '>' if vtt => text.push_str("&gt;"),
                    c => text.push(c),
                }
            }
            let lead = text.len() - text.trim_start().len();
            let trimmed = text.trim();
            let tagged = vtt && n % 7 == 3 && l == 0;
            if tagged {
                out.push_str("<c.auto>");
            }
            let base = out.len();
            for (j, p) in pos {
                at[j] = Some(base + p.saturating_sub(lead).min(trimmed.len()));
            }
            out.push_str(trimmed);
            if tagged {
                out.push_str("</c>");
            }
            out.push('\n');
        }
        out.push('\n');
    }
    at
}
