//! Stage 2: normalisation — turn original text into comparison keys without
//! losing track of where every key character came from.
//!
//! Two published versions of one text differ in many ways that do not matter:
//! full-width vs half-width punctuation (`，` / `,`), curly vs straight vs
//! corner quotes (`“”` / `""` / `「」`), dash and ellipsis spellings
//! (`——` / `—` / `--`, `……` / `...`), spaces around numbers in Chinese
//! (`自 21 年前` / `自21年前`), invisible characters pasted from the web, and
//! where lines were wrapped. tvdiff compares *keys* in which all of that has
//! been folded away, but it never shows a key to the user: every key
//! character is an [`NChar`] that remembers the byte range of the original
//! text it stands for, and which [`Rule`]s changed it. Renderers slice the
//! original text with those ranges, and the summary counts how many
//! differences each rule absorbed (see [`crate::classify`]).
//!
//! # What folds
//!
//! | rule | folds | switch off |
//! |---|---|---|
//! | [`Rule::Width`] | Unicode NFKC (full-width letters, digits and `，！？；：（）` to ASCII, ideographic space, ligatures), plus `。`→`.`, `｡`→`.`, middle dots `・•‧`→`·` | `--keep-width` |
//! | [`Rule::Quotes`] | `“ ” „ ‟ 〝 〞 「 」 « »` → `"`, `‘ ’ ‚ ‛ 『 』 ‹ ›` → `'` | `--keep-quotes` |
//! | [`Rule::Dashes`] | runs of `— ― ‒ – ─` and `--` → one `—`; a single `-` with a space on each side (`living - rather`) → `—`; runs of `…`, `⋯`, three or more `.` → one `…` | `--keep-dashes` |
//! | [`Rule::Spacing`] | runs of spaces/tabs → one space; spaces next to CJK text and at line ends dropped | `--keep-spacing` |
//! | [`Rule::LineBreak`] | a line break inside a sentence → one space (Latin) or nothing (CJK) | `--keep-line-breaks` |
//! | [`Rule::Invisible`] | zero-width characters, BOM, soft hyphen, bidi marks dropped | always on |
//! | [`Rule::Case`] | letters lower-cased | opt-in `--ignore-case` |
//! | [`Rule::Punctuation`] | all punctuation dropped | opt-in `--ignore-punctuation` |
//! | [`Rule::Script`] | traditional (and Taiwan variant) characters → simplified, character by character (OpenCC `tw2s`; no phrase conversion: `金鑰` is `金钥`, not `密钥`) | opt-in `--fold-chinese` |
//!
//! `、` (the enumeration comma) is *not* folded into `,`: the two marks do
//! different jobs in Chinese, and a text that swaps them has been edited.
//!
//! Canonical equivalence (NFC) is always applied: `é` written as one or two
//! code points is the same letter.
//!
//! # Bounded keys
//!
//! Compatibility characters can expand a lot under NFKC (U+FDFA is 18
//! characters, U+FDFB 8). A line's key never has more characters than the
//! line has bytes plus [`EXPANSION_SLACK`]: once expanding one more such
//! character would pass that bound, the rest of the line's compatibility
//! characters are compared as their canonical (NFC) selves, unexpanded. Real
//! text never comes near the bound (an expanding character such as `…` or
//! `㎞` is never shorter in UTF-8 than its expansion is in characters, bar
//! the rare ligatures and Arabic presentation forms), and a hostile file
//! of such characters costs no more memory than a plain one.

use crate::chars::{is_cjk, is_invisible};
use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// One kind of difference that normalisation absorbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Full-width/half-width forms and other Unicode compatibility variants.
    Width,
    /// Quote styles.
    Quotes,
    /// Dash and ellipsis spellings.
    Dashes,
    /// Runs of spaces, and spaces next to CJK text.
    Spacing,
    /// Line breaks inside a sentence.
    LineBreak,
    /// Invisible format characters.
    Invisible,
    /// Letter case (only with `ignore_case`).
    Case,
    /// Punctuation (only with `ignore_punctuation`).
    Punctuation,
    /// Traditional vs simplified Chinese characters (only with `fold_chinese`).
    Script,
    /// Filler words (um, 呃) added or dropped (only with
    /// `Options::ignore_fillers`). Not a key rule: edits that differ only
    /// by fillers are dropped from the report (see `src/recogniser.rs`).
    Filler,
}

impl Rule {
    /// Every rule, in the order summaries list them.
    pub const ALL: [Rule; 10] = [
        Rule::Width,
        Rule::Quotes,
        Rule::Dashes,
        Rule::Spacing,
        Rule::LineBreak,
        Rule::Invisible,
        Rule::Case,
        Rule::Punctuation,
        Rule::Script,
        Rule::Filler,
    ];

    /// The bit of this rule in `NChar::rules`.
    pub const fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// Short human name used in summaries ("punctuation-width", …).
    pub fn label(self) -> &'static str {
        match self {
            Rule::Width => "punctuation-width",
            Rule::Quotes => "quote-style",
            Rule::Dashes => "dash/ellipsis",
            Rule::Spacing => "spacing",
            Rule::LineBreak => "line-break",
            Rule::Invisible => "invisible-character",
            Rule::Case => "letter-case",
            Rule::Punctuation => "punctuation",
            Rule::Script => "traditional/simplified",
            Rule::Filler => "filler-word",
        }
    }

    /// The rule's stable identifier (as in JSON).
    pub fn id(self) -> &'static str {
        match self {
            Rule::Width => "width",
            Rule::Quotes => "quotes",
            Rule::Dashes => "dashes",
            Rule::Spacing => "spacing",
            Rule::LineBreak => "line-break",
            Rule::Invisible => "invisible",
            Rule::Case => "case",
            Rule::Punctuation => "punctuation",
            Rule::Script => "script",
            Rule::Filler => "filler",
        }
    }
}

/// Which normalisations are applied. Everything that only removes noise is on
/// by default; `ignore_case` and `ignore_punctuation` change what counts as a
/// wording difference and are opt-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizeOptions {
    /// Fold full-width/half-width and compatibility forms (NFKC and the `。` table).
    pub width: bool,
    /// Fold quote styles.
    pub quotes: bool,
    /// Fold dash and ellipsis variants.
    pub dashes: bool,
    /// Collapse spaces and drop spaces next to CJK text.
    pub spacing: bool,
    /// Treat a line break inside a sentence as a space (or nothing next to CJK).
    pub line_breaks: bool,
    /// Lower-case letters.
    pub ignore_case: bool,
    /// Drop punctuation entirely.
    pub ignore_punctuation: bool,
    /// Fold traditional Chinese characters to simplified, character by
    /// character (script only: words are not replaced by regional
    /// synonyms), so editions in the two scripts compare by wording.
    #[serde(default)]
    pub fold_chinese: bool,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions {
            width: true,
            quotes: true,
            dashes: true,
            spacing: true,
            line_breaks: true,
            ignore_case: false,
            ignore_punctuation: false,
            fold_chinese: false,
        }
    }
}

/// One character of a comparison key, with the byte range of the original
/// text it came from and the rules that changed it.
///
/// Several key characters may share one source range (NFKC expands `…` to
/// `...` before the dash rule folds it back), and one key character may stand
/// for a longer range (a run of spaces, `——`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NChar {
    /// The key character.
    pub ch: char,
    /// Start byte of the original text this character stands for.
    pub start: u32,
    /// End byte (exclusive) of that original text.
    pub end: u32,
    /// Bit set of [`Rule::bit`]s that changed the original into `ch`.
    pub rules: u16,
}

impl NChar {
    /// The original text this key character stands for.
    pub fn source<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start as usize..self.end as usize]
    }

    /// Is this character a space in the key?
    pub fn is_space(&self) -> bool {
        self.ch == ' '
    }
}

/// Byte range in the original text covered by key characters `r` (an empty
/// range gives the insertion point).
pub fn byte_range(chars: &[NChar], r: &std::ops::Range<usize>) -> (usize, usize) {
    if r.is_empty() {
        let at = if r.start < chars.len() { chars[r.start].start } else { chars.last().map_or(0, |c| c.end) } as usize;
        (at, at)
    } else {
        (chars[r.start].start as usize, chars[r.end - 1].end as usize)
    }
}

/// Build the key string of a slice of key characters.
pub fn key_string(chars: &[NChar]) -> String {
    // Sized exactly up front: collecting chars into a String grows it
    // several times for Chinese text (3 bytes a character).
    let mut key = String::with_capacity(chars.iter().map(|c| c.ch.len_utf8()).sum());
    key.extend(chars.iter().map(|c| c.ch));
    key
}

/// Normalise one line of `text` (the bytes `range`, which must not contain a
/// line break) into key characters. Leading and trailing spaces are dropped;
/// offsets in the result are absolute offsets into `text`.
#[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
pub fn normalize_line(text: &str, range: std::ops::Range<usize>, opts: &NormalizeOptions) -> Vec<NChar> {
    let mut out = Vec::with_capacity(range.len());
    normalize_line_into(text, range, opts, &mut out);
    out
}

/// [`normalize_line`], appending to `out` instead of allocating: the
/// segmenter normalises every line of a book through one reused buffer.
/// Characters already in `out` are left alone and do not affect the line.
pub fn normalize_line_into(text: &str, range: std::ops::Range<usize>, opts: &NormalizeOptions, out: &mut Vec<NChar>) {
    normalize_line_marked(text, range, opts, out, &mut Vec::new());
}

/// [`normalize_line_into`], returning the display width of the line's key
/// characters (`line_width` of them), counted as they are written unless a
/// later pass (runs, script, spaces) rewrote them; and writing to `marks`
/// (cleared first) the *marks* of the line: indices, ascending and
/// possibly repeated, of its key characters (from the first one written)
/// such that every character **not** marked is no sentence terminator, has
/// no rule, is its own original text and starts where the character
/// before it in the line ends. The first character is always marked.
///
/// The segmenter (see `segment::Builder::flush`) looks at the marked
/// characters only, to cut sentences and to find the characters whose key
/// it must store: most of a text is characters the fast paths of
/// `fold_chars` wrote one after another, and it passes over them without
/// reading their records.
pub(crate) fn normalize_line_marked(
    text: &str,
    range: std::ops::Range<usize>,
    opts: &NormalizeOptions,
    out: &mut Vec<NChar>,
    marks: &mut Vec<u32>,
) -> usize {
    let base = out.len();
    marks.clear();
    let folded = fold_chars(text, range.clone(), opts, out, marks);
    debug_assert_eq!(folded.runs, has_run(&out[base..]));
    let rewritten = opts.dashes && folded.runs || opts.fold_chinese;
    let reordered = opts.fold_chinese;
    if opts.dashes && folded.runs {
        fold_runs(text, out, base, marks);
    }
    if opts.fold_chinese {
        let line = out.split_off(base);
        out.extend(fold_script(line));
    }
    // Single spaces in a line without CJK text stay as they are.
    let spaces = folded.spaces || folded.single_spaces && folded.cjk;
    #[cfg(debug_assertions)]
    if !spaces && out[base..].iter().any(NChar::is_space) {
        let mut reference = out[base..].to_vec();
        handle_spaces_reference(&mut reference, 0, opts);
        debug_assert_eq!(out[base..], reference[..], "spaces left alone");
    }
    if spaces {
        #[cfg(debug_assertions)]
        let line = out[base..].to_vec();
        handle_spaces(out, base, opts, marks);
        #[cfg(debug_assertions)]
        {
            let mut reference = line;
            handle_spaces_reference(&mut reference, 0, opts);
            debug_assert_eq!(out[base..], reference[..], "handle_spaces");
        }
    }
    if reordered {
        // Characters changed or moved: every one is marked.
        marks.clear();
        marks.extend(0..(out.len() - base) as u32);
    }
    if rewritten || spaces {
        // An ASCII line's key characters are ASCII, spaces, `—` and `…`:
        // one column each.
        if text.as_bytes()[range].is_ascii() {
            out.len() - base
        } else {
            line_width(&out[base..])
        }
    } else {
        debug_assert_eq!(folded.width, line_width(&out[base..]), "width counted while folding");
        folded.width
    }
}

/// Display width of a key character (ASCII and common Han characters
/// without a table lookup).
#[inline]
pub(crate) fn char_width(c: char) -> usize {
    use unicode_width::UnicodeWidthChar;
    match c as u32 {
        0x20..=0x7E => 1,
        0x4E00..=0x9FFF => 2,
        _ => c.width().unwrap_or(0),
    }
}

/// Display width of a line's key characters: printable ASCII and common
/// Han characters counted without a branch on each character, the rest
/// (punctuation, mostly) looked up.
pub(crate) fn line_width(chars: &[NChar]) -> usize {
    let ascii = |c: &NChar| (0x20..=0x7E).contains(&(c.ch as u32));
    let han = |c: &NChar| (0x4E00..=0x9FFF).contains(&(c.ch as u32));
    let fast: usize = chars.iter().map(|c| usize::from(ascii(c)) + 2 * usize::from(han(c))).sum();
    fast + chars.iter().filter(|c| !(ascii(c) | han(c))).map(|c| char_width(c.ch)).sum::<usize>()
}

/// Normalise a whole string (line breaks included, each becoming a space or
/// nothing as if the lines were one sentence). Convenient for tests and for
/// library users who already have sentences.
#[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
pub fn normalize_str(text: &str, opts: &NormalizeOptions) -> String {
    let mut out: Vec<NChar> = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i <= text.len() {
        let at_break = i == text.len() || matches!(bytes[i], b'\n' | b'\r');
        if at_break {
            let line = normalize_line(text, start..i, opts);
            join_line(&mut out, &line, opts);
            if i == text.len() {
                break;
            }
            start = i + 1;
        }
        i += 1;
    }
    key_string(&out)
}

/// Is the text next to a space CJK? Judged by the nearest key character that
/// is not punctuation (looking at most a few characters away), so that a
/// break in `问道：⏎“老兄` counts as next to Chinese although `：` and `“`
/// are folded to `:` and `"`, while one in `internet，⏎internet` does not.
fn cjk_context<'a>(mut chars: impl Iterator<Item = &'a NChar>) -> bool {
    chars.by_ref().take(8).find(|c| !c.is_space() && !crate::chars::is_punct(c.ch)).is_some_and(|c| is_cjk(c.ch))
}

/// Append the key characters of a following line to `acc`,
/// inserting the separator a line break stands for: a space between Latin
/// words, nothing next to CJK text (see [`Rule::LineBreak`]).
pub fn join_line(acc: &mut Vec<NChar>, line: &[NChar], opts: &NormalizeOptions) {
    if line.is_empty() {
        return;
    }
    if let Some(sep) = line_separator(acc, line, opts) {
        acc.push(sep);
    }
    acc.extend_from_slice(line);
}

/// The key character a line break between `before` and `after` stands for
/// (see [`join_line`]): a space between Latin words, nothing next to CJK
/// text, the break itself with `--keep-line-breaks`.
pub(crate) fn line_separator(before: &[NChar], after: &[NChar], opts: &NormalizeOptions) -> Option<NChar> {
    let (prev, next) = (before.last()?, after.first()?);
    let ch = if !opts.line_breaks {
        '\n'
    } else if cjk_context(before.iter().rev()) || cjk_context(after.iter()) || prev.ch == '-' && !opts.spacing {
        return None;
    } else {
        ' '
    };
    Some(NChar { ch, start: prev.end, end: next.start, rules: Rule::LineBreak.bit() })
}

/// First pass: per-character folding (NFC/NFKC, tables, invisible, case,
/// punctuation). Whitespace is kept as `' '` marks for the space pass; the
/// result says whether there were any.
///
/// Most characters of a transcript are common Han characters, ASCII and
/// CJK/full-width punctuation not followed by a combining mark; they take
/// a fast path that decodes each character once and skips the general
/// Unicode normalisation, which sees only the rest (see `fold_cluster`).
fn fold_chars(
    text: &str,
    range: std::ops::Range<usize>,
    opts: &NormalizeOptions,
    out: &mut Vec<NChar>,
    marks: &mut Vec<u32>,
) -> Folded {
    let s = &text[range.clone()];
    let base = range.start;
    let first = out.len();
    let bytes = s.as_bytes();
    let mut f = Folded::default();
    let mut i = 0;
    out.reserve(bytes.len());
    // The marks (see `normalize_line_marked`): the line's first character,
    // then what each path below marks, and the first character after a gap
    // in the source (bytes that became no key character).
    let mark = |marks: &mut Vec<u32>, from: usize, to: usize| marks.extend((from - first) as u32..(to - first) as u32);
    marks.push(0);
    // With the default options an ASCII character is its own key (a space
    // or control character becomes a space mark); `fold_one` would agree.
    let plain_ascii = !opts.ignore_case && !opts.ignore_punctuation;
    // With these options `common_punct` gives the keys of common CJK marks.
    let fast_punct = opts.width && opts.quotes && plain_ascii;
    while i < bytes.len() {
        if out.len() > first && out[out.len() - 1].end as usize != base + i {
            marks.push((out.len() - first) as u32);
        }
        if plain_ascii && bytes[i] < 0x80 {
            // A run of ASCII: only a non-ASCII character after the run's
            // last character can join its cluster (the general path below).
            // Every key character it writes is ASCII, one column wide.
            let written = out.len();
            let end = i + ascii_prefix(&bytes[i..]);
            let last = if end < bytes.len() { end - 1 } else { end };
            let run = &bytes[i..last];
            if plain_run(run) {
                // Every byte is its own key, and the loop below would note
                // nothing but single spaces (see `plain_run`); it would
                // write the same, taking a branch per word.
                out.extend(run.iter().zip((base + i) as u32..).map(|(&b, at)| NChar {
                    ch: char::from(b),
                    start: at,
                    end: at + 1,
                    rules: 0,
                }));
                // Its characters are their own text, one after another:
                // only its sentence terminators are marked.
                // (Found with `memchr`: a byte-by-byte filter cost an
                // English book a tenth of its segmentation.)
                let (at, from) = (written - first, marks.len());
                let [t1, t2, t3, t4] = crate::segment::ASCII_TERMINATORS;
                marks.extend(memchr::memchr3_iter(t1, t2, t3, run).map(|k| (at + k) as u32));
                let fourth = marks.len();
                marks.extend(memchr::memchr_iter(t4, run).map(|k| (at + k) as u32));
                if fourth > from && marks.len() > fourth {
                    marks[from..].sort_unstable();
                }
                f.single_spaces |= memchr::memchr(b' ', run).is_some();
                f.last_class = run_class(char::from(run[run.len() - 1]));
                f.last_space = false;
                f.width += out.len() - written;
                i = last;
                if i == bytes.len() {
                    break;
                }
                continue;
            }
            let mut k = 0;
            while k < run.len() {
                // Letters and digits, the bulk of a run: their own keys, of
                // no run class, not spaces.
                let from = k;
                while k < run.len() && run[k].is_ascii_alphanumeric() {
                    let at = (base + i + k) as u32;
                    out.push(NChar { ch: run[k] as char, start: at, end: at + 1, rules: 0 });
                    k += 1;
                }
                if k > from {
                    f.last_class = 0;
                    f.last_space = false;
                    if k == run.len() {
                        break;
                    }
                }
                let b = run[k];
                let at = (base + i + k) as u32;
                k += 1;
                let (ch, rules) = if b > b' ' && b < 0x7F {
                    (b as char, 0)
                } else {
                    // One plain space between two other characters is left
                    // as it is by `handle_spaces` when the line has no CJK
                    // text (it is at no end of the line, and no CJK
                    // character is near): such spaces are noted apart from
                    // other spaces.
                    let single = b == b' '
                        && out.len() > first
                        && out.last().is_some_and(|p| !p.is_space())
                        && run.get(k).is_some_and(|&n| n > b' ' && n < 0x7F);
                    f.single_spaces |= single;
                    f.spaces |= !single;
                    (' ', space_rules(b as char))
                };
                let class = run_class(ch);
                f.runs |= class != 0 && class == f.last_class || ch == '-' && f.last_space;
                f.last_class = class;
                f.last_space = ch == ' ';
                marks.push((out.len() - first) as u32);
                out.push(NChar { ch, start: at, end: at + 1, rules });
            }
            f.width += out.len() - written;
            i = last;
            if i == bytes.len() {
                break;
            }
        }
        // Runs of common Han characters (U+4E00–U+9FFF: lead bytes E4–E9)
        // and common CJK punctuation (`，` `。` `“` …: see `common_punct`),
        // each followed by ASCII or another such character (neither can
        // join its cluster), take their keys without the general path
        // below, which would agree (its "fastest path" and its full-width
        // punctuation path).
        let run_from = out.len();
        let next_ok = |rest: &[u8]| match rest.first() {
            None => true,
            Some(&b) => b < 0x80 || (0xE4..=0xE9).contains(&b) || fast_punct && common_punct(rest).is_some(),
        };
        loop {
            // A run of Han characters, appended without a capacity test or
            // a flag update per character.
            let han_from = out.len();
            out.extend(HanRun { bytes, i: &mut i, base, next_ok: &next_ok });
            let n = out.len() - han_from;
            if n > 0 {
                f.cjk = true;
                f.last_class = 0;
                f.last_space = false;
                f.width += 2 * n;
            }
            match &bytes[i..] {
                [0xE2 | 0xE3 | 0xEF, _, _, rest @ ..] if fast_punct => {
                    let Some((ch, rules)) = common_punct(&bytes[i..]).filter(|_| next_ok(rest)) else { break };
                    let at = (base + i) as u32;
                    marks.push((out.len() - first) as u32);
                    out.push(NChar { ch, start: at, end: at + 3, rules });
                    f.note(&out[out.len() - 1..]);
                }
                _ => break,
            }
            i += 3;
        }
        if out.len() > run_from {
            if i == bytes.len() {
                break;
            }
            continue;
        }
        let (c, len) = char_at(s, i);
        // Can the next character join this one's cluster (a combining mark,
        // or an invisible character that may stand among marks)? Not when
        // it is ASCII or in U+4000–U+9FFF (lead bytes E4–E9).
        let next_joins = i + len < bytes.len() && {
            let b = bytes[i + len];
            b >= 0x80 && !(0xE4..=0xE9).contains(&b) && {
                let m = char_at(s, i + len).0;
                is_invisible(m) || may_combine(m) && is_combining_mark(m)
            }
        };
        let (start, end) = ((base + i) as u32, (base + i + len) as u32);
        if !next_joins && (0x4E00..=0x9FFF).contains(&(c as u32)) {
            // Fastest path: common Han characters are their own key.
            out.push(NChar { ch: c, start, end, rules: 0 });
            f.width += 2;
            f.cjk = true;
            f.last_class = 0;
            f.last_space = false;
            i += len;
            continue;
        }
        let before = out.len();
        if !next_joins {
            // CJK and full-width punctuation and curly quotes: never
            // invisible, a space, a control character or ASCII (the
            // checks below), and their own normal forms.
            if let Some(n) = simple_normal_form(c, opts.width) {
                if n.is_ascii() && n != c && !opts.ignore_case && !opts.ignore_punctuation {
                    // A full-width ASCII form (`，` `：` `！` `（`): no table
                    // of `fold_one` has an ASCII entry, and it is neither a
                    // space nor a control character.
                    out.push(NChar { ch: n, start, end, rules: Rule::Width.bit() });
                } else {
                    f.spaces |= fold_one(c, n, opts, out, start, end);
                }
                mark(marks, before, out.len());
                f.note(&out[before..]);
                i += len;
                continue;
            }
        }
        if !next_joins && !is_invisible(c) {
            if c.is_ascii_alphanumeric() && !opts.ignore_case {
                out.push(NChar { ch: c, start, end, rules: 0 });
                f.width += 1;
                f.last_class = 0;
                f.last_space = false;
                i += len;
                continue;
            }
            if c.is_whitespace() || c.is_control() {
                marks.push((out.len() - first) as u32);
                out.push(NChar { ch: ' ', start, end, rules: space_rules(c) });
                f.width += 1;
                f.spaces = true;
                f.last_class = 0;
                f.last_space = true;
                i += len;
                continue;
            }
            // No normal form changes these.
            let image = if c.is_ascii() || crate::chars::is_han(c) && (c as u32) < 0xF900 {
                Some(c)
            } else {
                simple_normal_form(c, opts.width)
            };
            if let Some(n) = image {
                f.spaces |= fold_one(c, n, opts, out, start, end);
                mark(marks, before, out.len());
                f.note(&out[before..]);
                i += len;
                continue;
            }
        }
        i = fold_cluster(s, base, i, opts, out, &mut f.spaces, first);
        mark(marks, before, out.len());
        f.note(&out[before..]);
    }
    // A gap's mark stands for the next character written: none may follow
    // (the line ends in dropped characters).
    while marks.last().is_some_and(|&m| m as usize >= out.len() - first) {
        marks.pop();
    }
    f
}

/// The common Han characters (U+4E00–U+9FFF) from byte `i` on, each
/// followed by a byte `next_ok` accepts, as key characters that are their
/// own text (see `fold_chars`); `i` ends after the last.
struct HanRun<'a, 'b, F: Fn(&[u8]) -> bool> {
    bytes: &'a [u8],
    i: &'b mut usize,
    base: usize,
    next_ok: &'b F,
}

impl<F: Fn(&[u8]) -> bool> Iterator for HanRun<'_, '_, F> {
    type Item = NChar;

    #[inline(always)]
    fn next(&mut self) -> Option<NChar> {
        let i = *self.i;
        let [b0 @ 0xE4..=0xE9, b1, b2, rest @ ..] = &self.bytes[i..] else { return None };
        let u = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
        if u < 0x4E00 || !(self.next_ok)(rest) {
            return None;
        }
        *self.i = i + 3;
        let at = (self.base + i) as u32;
        // U+4E00–U+9FFF are all scalar values.
        Some(NChar { ch: char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER), start: at, end: at + 3, rules: 0 })
    }
}

/// Length of the ASCII prefix of `b`, eight bytes at a time.
#[inline]
fn ascii_prefix(b: &[u8]) -> usize {
    let mut words = b.chunks_exact(8);
    let mut n = 0;
    for w in words.by_ref() {
        let high = u64::from_le_bytes(w.try_into().unwrap_or([0x80; 8])) & 0x8080_8080_8080_8080;
        if high != 0 {
            return n + high.trailing_zeros() as usize / 8;
        }
        n += 8;
    }
    n + words.remainder().iter().position(|&x| x >= 0x80).unwrap_or(words.remainder().len())
}

/// Is a run of ASCII (see `fold_chars`) plain text that the character
/// loop would write byte for byte, noting only single spaces: printable
/// characters and single spaces between them, starting with neither a
/// space nor a run character (so that what was written before cannot
/// matter), ending without a space, with no run (`--`, `..`) and no `-`
/// after a space for [`fold_runs`] to look at?
fn plain_run(b: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else { return false };
    // Folds without an early exit: the answer is almost always "plain",
    // and branch-free loops vectorise.
    let printable = b.iter().fold(true, |ok, &x| ok & (0x20..0x7F).contains(&x));
    let pairs = b.windows(2).fold(false, |bad, w| {
        bad | (w[0] == b' ') & (w[1] == b' ' || w[1] == b'-') | (w[0] == w[1]) & (w[0] == b'-' || w[0] == b'.')
    });
    !matches!(first, b' ' | b'-' | b'.') && last != b' ' && printable && !pairs
}

/// What [`fold_chars`] saw, so later passes run only when needed.
#[derive(Default)]
struct Folded {
    /// A space mark was written (other than `single_spaces`).
    spaces: bool,
    /// A plain space between two non-space characters of an ASCII run
    /// was written: the space pass leaves it alone unless the line has
    /// CJK text.
    single_spaces: bool,
    /// A CJK key character was written.
    cjk: bool,
    /// Something for [`fold_runs`]: two adjacent characters of one run
    /// class, or a `—` or `…`.
    runs: bool,
    /// The run class of the last character written.
    last_class: u8,
    /// The last character written is a space mark.
    last_space: bool,
    /// Display width of the characters written (see [`char_width`]).
    width: usize,
}

impl Folded {
    /// Take note of characters just written.
    fn note(&mut self, written: &[NChar]) {
        for c in written {
            let class = run_class(c.ch);
            self.runs |=
                class != 0 && (class == self.last_class || matches!(c.ch, '—' | '…')) || c.ch == '-' && self.last_space;
            self.last_class = class;
            self.last_space = c.is_space();
            self.cjk |= !c.ch.is_ascii() && is_cjk(c.ch);
            self.width += char_width(c.ch);
        }
    }
}

/// How many key characters more than its bytes a line may have (see
/// "Bounded keys" in the module documentation).
pub const EXPANSION_SLACK: usize = 64;

/// The rules of a space mark standing for whitespace or control character
/// `c`: anything but a plain space was changed by [`Rule::Spacing`] (so a
/// tab against a space is a spacing difference, with or without
/// `--keep-spacing`).
#[inline]
fn space_rules(c: char) -> u16 {
    if c == ' ' {
        0
    } else {
        Rule::Spacing.bit()
    }
}

/// The character at byte `i` of `s` and its length in bytes.
#[inline(always)]
fn char_at(s: &str, i: usize) -> (char, usize) {
    let bytes = s.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        (b as char, 1)
    } else if (0xE0..=0xEF).contains(&b) && i + 2 < bytes.len() {
        // Three bytes (most CJK text); `s` is valid UTF-8.
        let u = (u32::from(b & 0x0F) << 12) | (u32::from(bytes[i + 1] & 0x3F) << 6) | u32::from(bytes[i + 2] & 0x3F);
        (char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER), 3)
    } else {
        let c = s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
        (c, c.len_utf8())
    }
}

/// The key character and rules of the common CJK punctuation mark that
/// `b` starts with, as `fold_one` makes them with `width` and `quotes` on
/// and `ignore_case` and `ignore_punctuation` off (the mark not followed by
/// anything that joins its cluster). These are about one character in six
/// of a Chinese text; the general path costs them a table lookup each.
#[inline]
fn common_punct(b: &[u8]) -> Option<(char, u16)> {
    let (w, q) = (Rule::Width.bit(), Rule::Quotes.bit());
    Some(match b {
        [0xEF, 0xBC, 0x8C, ..] => (',', w),
        [0xEF, 0xBC, 0x9A, ..] => (':', w),
        [0xEF, 0xBC, 0x9F, ..] => ('?', w),
        [0xEF, 0xBC, 0x81, ..] => ('!', w),
        [0xEF, 0xBC, 0x9B, ..] => (';', w),
        [0xEF, 0xBC, 0x88, ..] => ('(', w),
        [0xEF, 0xBC, 0x89, ..] => (')', w),
        [0xE3, 0x80, 0x82, ..] => ('.', w),
        [0xE3, 0x80, 0x81, ..] => ('、', 0),
        [0xE3, 0x80, 0x8A, ..] => ('《', 0),
        [0xE3, 0x80, 0x8B, ..] => ('》', 0),
        [0xE2, 0x80, 0x9C | 0x9D, ..] => ('"', q),
        [0xE2, 0x80, 0x98 | 0x99, ..] => ('\'', q),
        _ => return None,
    })
}

/// The NFKC (`width`) or NFC image of a lone punctuation character common
/// in Chinese text, when it is one character: full-width ASCII forms map
/// to ASCII, CJK punctuation and curly quotes to themselves. `None` for
/// anything else (the caller then runs the general normalisation).
#[inline]
fn simple_normal_form(c: char, width: bool) -> Option<char> {
    match c as u32 {
        0xFF01..=0xFF5E if width => char::from_u32(c as u32 - 0xFEE0),
        0xFF01..=0xFF5E | 0x3001..=0x3035 | 0x2013 | 0x2014 | 0x2018 | 0x2019 | 0x201C | 0x201D => Some(c),
        _ => None,
    }
}

/// The general path of [`fold_chars`] for the character at byte `i`: the
/// cluster it starts (the character, the combining marks that follow it and
/// invisible characters among them) goes through NFC/NFKC. Returns the byte
/// index after the cluster. `first` is where the line's key characters
/// start in `out`, for the bound on NFKC expansion.
fn fold_cluster(
    s: &str,
    base: usize,
    i: usize,
    opts: &NormalizeOptions,
    out: &mut Vec<NChar>,
    spaces: &mut bool,
    first: usize,
) -> usize {
    let mut iter = s[i..].char_indices().peekable();
    let Some((_, c)) = iter.next() else { return s.len() };
    if is_invisible(c) {
        return i + c.len_utf8(); // dropped; the gap is classified later
    }
    // A cluster: one character and the combining marks that follow it
    // (invisible characters among the marks are skipped, so that
    // `e` ZWJ U+0301 is the same letter as `e` U+0301).
    let mut end = c.len_utf8();
    let mut has_marks = false;
    let mut has_invisible = false;
    loop {
        // Fast exit: the next character neither combines nor is invisible.
        match iter.peek() {
            Some(&(_, m)) if is_invisible(m) || may_combine(m) && is_combining_mark(m) => {}
            _ => break,
        }
        let mut ahead = iter.clone();
        let mut skipped = false;
        while let Some(&(_, m)) = ahead.peek() {
            if is_invisible(m) {
                ahead.next();
                skipped = true;
            } else {
                break;
            }
        }
        match ahead.peek() {
            Some(&(j, m)) if may_combine(m) && is_combining_mark(m) => {
                has_marks = true;
                has_invisible |= skipped;
                end = j + m.len_utf8();
                ahead.next();
                iter = ahead;
            }
            _ => break,
        }
    }
    let (start, end32) = ((base + i) as u32, (base + i + end) as u32);
    if c.is_whitespace() || c.is_control() {
        let rules = if has_marks { Rule::Spacing.bit() } else { space_rules(c) };
        out.push(NChar { ch: ' ', start, end: end32, rules });
        *spaces = true;
        return i + end;
    }
    if !has_marks && ((0x4E00..=0x9FFF).contains(&(c as u32)) || c.is_ascii_alphanumeric() && !opts.ignore_case) {
        out.push(NChar { ch: c, start, end: end32, rules: 0 });
        return i + end;
    }
    if !has_marks && (c.is_ascii() || crate::chars::is_han(c) && (c as u32) < 0xF900) {
        *spaces |= fold_one(c, c, opts, out, start, end32);
        return i + end;
    }
    let owned: String;
    let cluster = if has_invisible {
        owned = s[i..i + end].chars().filter(|&m| !is_invisible(m)).collect();
        owned.as_str()
    } else {
        &s[i..i + end]
    };
    if opts.width {
        let expanded: Vec<char> = cluster.nfkc().collect();
        // The key of the line so far, with this cluster, stays within the
        // bytes read so far plus the slack; past it, no more expansion.
        if out.len() - first + expanded.len() <= i + end + EXPANSION_SLACK {
            for n in expanded {
                *spaces |= fold_one(c, n, opts, out, start, end32);
            }
        } else {
            for n in cluster.nfc() {
                *spaces |= fold_one(c, n, opts, out, start, end32);
            }
        }
    } else {
        for n in cluster.nfc() {
            *spaces |= fold_one(c, n, opts, out, start, end32);
        }
    }
    i + end
}

/// Cheap pre-test for [`is_combining_mark`]: no combining marks below
/// U+0300 or in the CJK and full-width blocks that make up most transcripts.
#[inline]
fn may_combine(c: char) -> bool {
    let u = c as u32;
    u >= 0x300 && !(0x3000..=0x9FFF).contains(&u) && !(0xFF00..=0xFFEF).contains(&u)
}

/// Fold one character `n` (the NF(K)C image of original `orig`); true when
/// it became a space.
fn fold_one(orig: char, n: char, opts: &NormalizeOptions, out: &mut Vec<NChar>, start: u32, end: u32) -> bool {
    let mut rules = 0u16;
    if n != orig {
        rules |= Rule::Width.bit();
    }
    let mut ch = n;
    if opts.width {
        let t = match ch {
            '。' | '｡' | '．' => '.',
            '・' | '•' | '‧' | '∙' | '･' => '·',
            '﹐' => ',',
            _ => ch,
        };
        if t != ch {
            rules |= Rule::Width.bit();
            ch = t;
        }
    }
    if opts.quotes {
        let t = match ch {
            '“' | '”' | '„' | '‟' | '〝' | '〞' | '「' | '」' | '«' | '»' | '″' | '﹁' | '﹂' => '"',
            '‘' | '’' | '‚' | '‛' | '『' | '』' | '‹' | '›' | '′' | '﹃' | '﹄' => '\'',
            _ => ch,
        };
        if t != ch {
            rules |= Rule::Quotes.bit();
            rules &= !Rule::Width.bit();
            ch = t;
        }
    }
    if opts.dashes {
        let t = match ch {
            '―' | '‒' | '–' | '─' | '━' | '⸺' | '⸻' | '﹘' => '—',
            '⋯' => '…',
            _ => ch,
        };
        if t != ch {
            rules |= Rule::Dashes.bit();
            ch = t;
        }
    }
    if n.is_whitespace() {
        out.push(NChar {
            ch: ' ',
            start,
            end,
            rules: rules & !Rule::Width.bit() | if orig != ' ' { Rule::Spacing.bit() } else { 0 },
        });
        return true;
    }
    if opts.ignore_case && ch.is_uppercase() {
        let mut lower = ch.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            ch = l;
            rules |= Rule::Case.bit();
        }
    }
    if opts.ignore_punctuation && crate::chars::is_punct(ch) {
        return false;
    }
    out.push(NChar { ch, start, end, rules });
    false
}

/// Second pass: fold runs (dashes, ellipses) into one character, in place
/// in `out[base..]`. The line's marks (see [`normalize_line_marked`],
/// relative to `base`) follow the characters that stay; a folded run and
/// the character after it are marked.
fn fold_runs(text: &str, out: &mut Vec<NChar>, base: usize, marks: &mut Vec<u32>) {
    let n = out.len();
    let (mut i, mut w) = (base, base);
    let old = std::mem::take(marks);
    let mut old = old.iter().map(|&m| base + m as usize).peekable();
    let mut after_run = false;
    while i < n {
        let c = out[i];
        let class = run_class(c.ch);
        // A run of one class, or (class 0) of characters in no run: those
        // are moved as one piece, like one character each.
        let mut j = i + 1;
        while j < n && run_class(out[j].ch) == class {
            j += 1;
        }
        let run = &out[i..j];
        let len = run.len();
        // A lone '-' is a hyphen and one or two '.' are full stops, not
        // runs; but a lone '-' with a space on each side, between words,
        // is a dash typed on a keyboard (`living - rather`).
        let is_run = match class {
            1 => len >= 2 || c.ch == '—' || spaced(&out[base..n], i - base),
            2 => len >= 3 || run.iter().any(|x| x.ch == '…'),
            _ => false,
        };
        if !is_run {
            if after_run {
                marks.push((w - base) as u32);
                after_run = false;
            }
            while let Some(m) = old.next_if(|&m| m < j) {
                marks.push((w + m - i - base) as u32);
            }
            if w < i {
                out.copy_within(i..j, w);
            }
            w += len;
            i = j;
            continue;
        }
        while old.next_if(|&m| m < j).is_some() {}
        marks.push((w - base) as u32);
        after_run = true;
        let canonical = if class == 1 { '—' } else { '…' };
        // The run is unchanged when it is one original character that already
        // is the canonical form (NFKC spells `…` as three dots from one source).
        // (`︙` also becomes three dots under NFKC: only `…` itself is unchanged.)
        let one_source = run.iter().all(|x| x.start == c.start);
        let unchanged = one_source
            && (len == 1 && c.ch == canonical && c.rules == 0
                || class == 2
                    && len == 3
                    && c.rules == Rule::Width.bit()
                    && &text[c.start as usize..c.end as usize] == "…");
        let rules = if unchanged { 0 } else { Rule::Dashes.bit() };
        out[w] = NChar { ch: canonical, start: c.start, end: run[len - 1].end, rules };
        w += 1;
        i = j;
    }
    out.truncate(w);
}

/// Is `line[i]` a single `-` with a space on each side and words beyond
/// them?
fn spaced(line: &[NChar], i: usize) -> bool {
    line[i].ch == '-'
        && i > 0
        && line[i - 1].is_space()
        && line.get(i + 1).is_some_and(NChar::is_space)
        && line[..i - 1].iter().rev().any(|c| !c.is_space())
        && line[i + 2..].iter().any(|c| !c.is_space())
}

/// Is there anything for [`fold_runs`] to do? (Two adjacent characters of
/// one run class, a `—` or `…`, or a `-` after a space.)
fn has_run(chars: &[NChar]) -> bool {
    let mut prev = 0;
    let mut prev_space = false;
    for c in chars {
        let class = run_class(c.ch);
        if class != 0 && (class == prev || matches!(c.ch, '—' | '…')) || c.ch == '-' && prev_space {
            return true;
        }
        prev = class;
        prev_space = c.is_space();
    }
    false
}

fn run_class(c: char) -> u8 {
    match c {
        '—' | '-' => 1,
        '…' | '.' => 2,
        _ => 0,
    }
}

static OPENCC: std::sync::OnceLock<Option<ferrous_opencc::OpenCC>> = std::sync::OnceLock::new();

/// Traditional→simplified folding, script only: OpenCC `tw2s` (Taiwan
/// variant characters to standard ones, then traditional to simplified
/// characters; its phrase table only chooses between the simplified forms
/// of one-to-many characters). Never `tw2sp`, whose Taiwan phrase table
/// replaces words with mainland synonyms (`金鑰`→`密钥`, `網路`→`网络`): that
/// would invent or hide wording changes. Where a conversion changes the
/// number of characters, the converted characters stand for the whole
/// original phrase.
fn fold_script(chars: Vec<NChar>) -> Vec<NChar> {
    if !chars.iter().any(|c| crate::chars::is_han(c.ch)) {
        return chars;
    }
    let Some(cc) = OPENCC
        .get_or_init(|| ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::Tw2s).ok())
        .as_ref()
    else {
        return chars;
    };
    let before: Vec<char> = chars.iter().map(|c| c.ch).collect();
    let converted: Vec<char> = cc.convert(&key_string(&chars)).chars().collect();
    let bit = Rule::Script.bit();
    if converted.len() == before.len() {
        return chars
            .into_iter()
            .zip(converted)
            .map(|(c, n)| if c.ch == n { c } else { NChar { ch: n, rules: c.rules | bit, ..c } })
            .collect();
    }
    let mut out = Vec::with_capacity(converted.len());
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &before, &converted) {
        let (o, n) = (op.old_range(), op.new_range());
        if let similar::DiffOp::Equal { .. } = op {
            out.extend_from_slice(&chars[o]);
            continue;
        }
        let anchor = if o.is_empty() { o.start.min(chars.len() - 1) } else { o.start };
        let (start, end) = (chars[anchor].start, if o.is_empty() { chars[anchor].end } else { chars[o.end - 1].end });
        let rules = chars[anchor..o.end.max(anchor + 1)].iter().fold(bit, |r, c| r | c.rules);
        out.extend(converted[n].iter().map(|&ch| NChar { ch, start, end, rules }));
    }
    out
}

/// Third pass: collapse whitespace, drop it at the ends and next to CJK
/// text, in place in `out[base..]`. The line's marks (see
/// [`normalize_line_marked`], relative to `base`) follow the characters
/// that stay; the space marks written and the first character after a run
/// of spaces are marked too.
fn handle_spaces(out: &mut Vec<NChar>, base: usize, opts: &NormalizeOptions, marks: &mut Vec<u32>) {
    let n = out.len();
    let (mut i, mut w) = (base, base);
    let old = std::mem::take(marks);
    let mut old = old.iter().map(|&m| base + m as usize).peekable();
    let mut mark = |k: usize| marks.push((k - base) as u32);
    while i < n {
        // The characters up to the next space mark stay (moved down once
        // something was dropped), with their marks.
        let next = out[i..n].iter().position(NChar::is_space).map_or(n, |k| i + k);
        if i > base && i < next {
            mark(w);
        }
        while let Some(m) = old.next_if(|&m| m < next) {
            if m >= i {
                mark(w + m - i);
            }
        }
        if w != i {
            out.copy_within(i..next, w);
        }
        w += next - i;
        i = next;
        if i == n {
            break;
        }
        let c = out[i];
        let mut j = i + 1;
        while j < n && out[j].is_space() {
            j += 1;
        }
        if !opts.spacing {
            out.copy_within(i..j, w);
            (w..w + j - i).for_each(&mut mark);
            w += j - i;
            i = j;
            continue;
        }
        // What is written so far (`out[base..w]`) is the line before the
        // run; `out[j..n]` is still the unread line after it. An ASCII
        // letter or digit right next to the run is the nearest character
        // `cjk_context` would look at, and it is not CJK.
        let latin = |x: &NChar| x.ch.is_ascii_alphanumeric();
        let drop = w == base
            || j == n
            || !latin(&out[w - 1]) && cjk_context(out[base..w].iter().rev())
            || !latin(&out[j]) && cjk_context(out[j..n].iter());
        if !drop {
            let run = &out[i..j];
            let plain = run.len() == 1 && c.rules & Rule::Spacing.bit() == 0;
            let rules = run.iter().fold(0, |r, x| r | x.rules) | if plain { 0 } else { Rule::Spacing.bit() };
            out[w] = NChar { ch: ' ', start: c.start, end: run[run.len() - 1].end, rules };
            mark(w);
            w += 1;
        }
        i = j;
    }
    out.truncate(w);
}

/// [`handle_spaces`] as it was first written, one character at a time:
/// the reference the fast version is checked against (debug builds).
#[cfg(any(test, debug_assertions))]
fn handle_spaces_reference(out: &mut Vec<NChar>, base: usize, opts: &NormalizeOptions) {
    let n = out.len();
    let (mut i, mut w) = (base, base);
    while i < n {
        let c = out[i];
        if !c.is_space() {
            out[w] = c;
            w += 1;
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < n && out[j].is_space() {
            j += 1;
        }
        if !opts.spacing {
            out.copy_within(i..j, w);
            w += j - i;
            i = j;
            continue;
        }
        let drop = w == base || j == n || cjk_context(out[base..w].iter().rev()) || cjk_context(out[j..n].iter());
        if !drop {
            let run = &out[i..j];
            let plain = run.len() == 1 && run[0].rules & Rule::Spacing.bit() == 0;
            let rules = run.iter().fold(0, |r, x| r | x.rules) | if plain { 0 } else { Rule::Spacing.bit() };
            out[w] = NChar { ch: ' ', start: run[0].start, end: run[run.len() - 1].end, rules };
            w += 1;
        }
        i = j;
    }
    out.truncate(w);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        normalize_str(s, &NormalizeOptions::default())
    }

    #[test]
    fn full_width_punctuation_is_not_a_change() {
        assert_eq!(key("尊敬的侯赛因总统，"), key("尊敬的侯赛因总统,"));
        assert_eq!(key("各位嘉宾、各位朋友！"), key("各位嘉宾、各位朋友!"));
        assert_eq!(key("（2015年12月16日）"), key("(2015年12月16日)"));
        assert_eq!(key("谢谢大家。"), key("谢谢大家."));
        assert_ne!(key("各位嘉宾、各位朋友"), key("各位嘉宾,各位朋友"), "、 is not ,");
    }

    #[test]
    fn spacing_next_to_han_is_not_a_change() {
        assert_eq!(key("自 21 年前接入"), key("自21年前接入"));
        assert_eq!(key("中华人民共和国主席 习近平"), key("中华人民共和国主席习近平"));
        assert_eq!(key("a   b\tc "), "a b c");
        assert_ne!(key("China will"), key("Chinawill"));
    }

    #[test]
    fn breaks_and_spaces_next_to_full_width_punctuation_are_not_a_change() {
        assert_eq!(key("雨村忙笑问道：\n“老兄何日到此？”"), key("雨村忙笑问道：“老兄何日到此？”"));
        assert_eq!(key("问道： “老兄"), key("问道：“老兄"));
    }

    #[test]
    fn quotes_dashes_and_ellipses_fold() {
        assert_eq!(key("“互联网+”"), key("「互联网+」"));
        assert_eq!(key("“互联网+”"), key("\"互联网+\""));
        assert_eq!(key("China’s"), key("China's"));
        assert_eq!(key("——尊重网络主权"), key("—尊重网络主权"));
        assert_eq!(key("a -- b"), key("a — b"));
        assert_eq!(key("living - rather"), key("living -- rather"));
        assert_eq!(key("living - rather"), key("living — rather"));
        assert_eq!(key("living -rather"), "living -rather", "a hyphen is not a dash");
        assert_eq!(key("- item"), "- item", "nor a list bullet");
        assert_eq!(key("等等……"), key("等等..."));
        assert_eq!(key("well…"), key("well..."));
        assert_eq!(key("Under-Secretary"), "Under-Secretary");
        assert_eq!(key("6.7"), "6.7");
    }

    #[test]
    fn an_invisible_character_among_combining_marks_is_still_invisible() {
        assert_eq!(key("Cafe\u{200D}\u{301}"), key("Cafe\u{301}"));
        assert_eq!(key("\u{200B}\u{301}x"), key("\u{301}x"));
    }

    #[test]
    fn the_fast_normal_forms_agree_with_unicode_normalization() {
        for u in (0x2000..0x2100).chain(0x3000..0x3100).chain(0xFF00..0xFFF0) {
            let Some(c) = char::from_u32(u) else { continue };
            let one = c.to_string();
            if let Some(n) = simple_normal_form(c, true) {
                assert_eq!(one.nfkc().collect::<String>(), n.to_string(), "NFKC of U+{u:04X}");
            }
            if let Some(n) = simple_normal_form(c, false) {
                assert_eq!(one.nfc().collect::<String>(), n.to_string(), "NFC of U+{u:04X}");
            }
        }
    }

    #[test]
    fn invisible_characters_are_dropped() {
        assert_eq!(key("互\u{200B}联网"), key("互联网"));
        assert_eq!(key("\u{FEFF}Hello"), "Hello");
        assert_eq!(key("co\u{00AD}operate"), "cooperate");
    }

    #[test]
    fn every_key_char_points_into_the_original() {
        let text = "自 21 年前，“互联网+”……  OK";
        let chars = normalize_line(text, 0..text.len(), &NormalizeOptions::default());
        for c in &chars {
            assert!(text.is_char_boundary(c.start as usize) && text.is_char_boundary(c.end as usize));
            assert!(c.start < c.end);
        }
        let first = chars.first().unwrap();
        assert_eq!(first.source(text), "自");
        let comma = chars.iter().find(|c| c.ch == ',').unwrap();
        assert_eq!(comma.source(text), "，");
        assert_ne!(comma.rules & Rule::Width.bit(), 0);
        let ell = chars.iter().find(|c| c.ch == '…').unwrap();
        assert_eq!(ell.source(text), "……");
    }

    #[test]
    fn traditional_folds_to_simplified_when_asked() {
        let fold = NormalizeOptions { fold_chinese: true, ..Default::default() };
        assert_eq!(normalize_str("中華優秀傳統文化", &fold), normalize_str("中华优秀传统文化", &fold));
        // Script only: words are not swapped for regional synonyms.
        assert_eq!(normalize_str("網路", &fold), "网路");
        assert_eq!(normalize_str("金鑰", &fold), "金钥");
        assert_ne!(normalize_str("金鑰", &fold), normalize_str("密鑰", &fold));
        assert_ne!(
            normalize_str("中華", &NormalizeOptions::default()),
            normalize_str("中华", &NormalizeOptions::default())
        );
        let text = "三字經";
        let chars = normalize_line(text, 0..text.len(), &fold);
        assert_eq!(chars[2].source(text), "經");
        assert_ne!(chars[2].rules & Rule::Script.bit(), 0);
    }

    #[test]
    fn switches_turn_rules_off() {
        let keep = NormalizeOptions { width: false, ..Default::default() };
        assert_ne!(normalize_str("你好，", &keep), normalize_str("你好,", &keep));
        let keep = NormalizeOptions { spacing: false, ..Default::default() };
        assert_ne!(normalize_str("自 21 年", &keep), normalize_str("自21年", &keep));
        let case = NormalizeOptions { ignore_case: true, ..Default::default() };
        assert_eq!(normalize_str("Internet", &case), normalize_str("internet", &case));
        let punct = NormalizeOptions { ignore_punctuation: true, ..Default::default() };
        assert_eq!(normalize_str("助力！", &punct), normalize_str("助力", &punct));
    }

    /// [`normalize_line`] without any fast path: every character goes
    /// through the general `fold_cluster`, every later pass runs as first
    /// written.
    fn normalize_line_reference(text: &str, opts: &NormalizeOptions) -> Vec<NChar> {
        let mut out = Vec::new();
        let mut spaces = false;
        let mut i = 0;
        while i < text.len() {
            i = fold_cluster(text, 0, i, opts, &mut out, &mut spaces, 0);
        }
        if opts.dashes && has_run(&out) {
            fold_runs(text, &mut out, 0, &mut Vec::new());
        }
        if opts.fold_chinese {
            out = fold_script(out);
        }
        if out.iter().any(NChar::is_space) {
            handle_spaces_reference(&mut out, 0, opts);
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The fast paths (ASCII runs, common Han characters, CJK
        /// punctuation, the space pass) agree with the general path, and count
        /// the width of what they write.
        #[test]
        fn fast_paths_agree_with_the_general_path(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "互", "联", "网", "中", "国", "，", "。", "、", "“", "”", "：", "！", "？", "（", "）", "《", "》",
                "—", "——", "…", "……", "-", "--", " - ", ".", "...", " ", "  ", "\t", "\u{3000}", "\u{A0}",
                "a", "B", "7", "word", "e\u{301}", "\u{301}", "\u{200B}", "\u{FEFF}", "ｶ", "Ａ", "１", "「", "」",
                "々", "〇", "\u{FDFA}", "\u{2460}", "中\u{301}", "\u{3400}", "\u{F900}", "\u{20000}", "'", "\"",
                "plain words, it's (so); ", "x.y", "-x", ".x", "x-", "‘", "’", "；", "。。", "“\u{3099}", "，\u{FE0F}",
                "。\u{200B}", "\u{302A}",
            ]), 0..40),
            width in proptest::bool::ANY,
            quotes in proptest::bool::ANY,
            dashes in proptest::bool::ANY,
            punct in proptest::bool::ANY,
            spacing in proptest::bool::ANY,
            case in proptest::bool::ANY,
            fold in proptest::bool::ANY,
        ) {
            let text: String = parts.concat();
            let opts = NormalizeOptions {
                width,
                quotes,
                dashes,
                spacing,
                ignore_case: case,
                ignore_punctuation: punct,
                fold_chinese: fold,
                ..Default::default()
            };
            let reference = normalize_line_reference(&text, &opts);
            proptest::prop_assert_eq!(normalize_line(&text, 0..text.len(), &opts), reference.clone());
            // The width counted while folding is the keys' display width.
            let (mut out, mut marks) = (Vec::new(), Vec::new());
            let width = normalize_line_marked(&text, 0..text.len(), &opts, &mut out, &mut marks);
            proptest::prop_assert_eq!(width, reference.iter().map(|c| char_width(c.ch)).sum::<usize>());
            // What the marks leave out is plain text the segmenter need not
            // read (see `normalize_line_marked`).
            proptest::prop_assert!(crate::segment::unmarked_are_plain(&text, &out, &marks), "{out:?}: {marks:?}");
        }
    }

    #[test]
    fn ascii_prefix_finds_the_first_non_ascii_byte() {
        for text in ["", "abc", "abcdefgh", "abcdefghi", "é", "abcdefg中", "abcdefgh中", "abcdefghijklmnop中x", "中"]
        {
            let want = text.bytes().position(|b| b >= 0x80).unwrap_or(text.len());
            assert_eq!(ascii_prefix(text.as_bytes()), want, "{text:?}");
        }
    }

    #[test]
    fn nfkc_expansion_is_bounded_by_the_line_length() {
        // U+FDFA is 3 bytes and expands to 18 characters under NFKC.
        let line = "\u{FDFA}".repeat(10_000);
        let chars = normalize_line(&line, 0..line.len(), &NormalizeOptions::default());
        assert!(chars.len() <= line.len() + EXPANSION_SLACK, "{} key chars for {} bytes", chars.len(), line.len());
        // A few of them still expand, as real text needs.
        let few = "\u{FDFA}\u{FDFA}";
        assert_eq!(normalize_line(few, 0..few.len(), &NormalizeOptions::default()).len(), 36);
        for c in &chars {
            assert!(line.is_char_boundary(c.start as usize) && c.start < c.end);
        }
    }
}

#[cfg(test)]
mod examples {
    //! The examples that documented these items when they were public.

    #[test]
    fn normalize_line_example() {
        use crate::normalize::{key_string, normalize_line, NormalizeOptions};
        let opts = NormalizeOptions::default();
        let a = "中国有 6.7 亿网民，413 万多家网站。";
        let b = "中国有6.7亿网民,413万多家网站。";
        assert_eq!(
            key_string(&normalize_line(a, 0..a.len(), &opts)),
            key_string(&normalize_line(b, 0..b.len(), &opts))
        );
    }

    #[test]
    fn normalize_line_into_example() {
        use crate::normalize::{normalize_line, normalize_line_into, NormalizeOptions};
        let opts = NormalizeOptions::default();
        let text = "自 21 年前，“互联网+”……";
        let mut buf = normalize_line("前言", 0..6, &opts);
        normalize_line_into(text, 0..text.len(), &opts, &mut buf);
        assert_eq!(buf[2..], normalize_line(text, 0..text.len(), &opts)[..]);
    }

    #[test]
    fn normalize_str_example() {
        use crate::normalize::{normalize_str, NormalizeOptions};
        let opts = NormalizeOptions::default();
        assert_eq!(normalize_str("是中国\n\n互联网", &opts), normalize_str("是中国互联网", &opts));
        assert_eq!(normalize_str("“你好！”", &opts), "\"你好!\"");
    }
}
