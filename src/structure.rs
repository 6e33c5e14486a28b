//! Structure of numbered documents: the headings of laws, regulations,
//! statutes, numbered speeches and Markdown files, where each change is
//! (its *section*), and how a revision renumbered its units.
//!
//! Readers of a revised law think in articles ("第十二条 now says …"), so
//! the report labels every change with the numbered unit it stands in, and
//! tells a renumbering (an article inserted, every later number and every
//! cross-reference shifted by one) from a change of wording.
//!
//! - **Detection** ([`heading`]) reads one line: Chinese `第X编/章/节/条/回`
//!   (Chinese or Arabic numerals, `第十二条之一`), `一、` headings and
//!   `（一）` items; English `Part`, `Chapter`, `Article`, `Section`,
//!   `Sec.`, `§`; numbered headings `12.` / `1.2` (only when the document
//!   numbers its lines 1, 2, 3 …); Markdown `#` headings. A heading is a
//!   line *start*: `第十二条　本条例…` (the article's text on the same
//!   line, as PRC laws are set) or `Article 12 Access fees` on its own line.
//!   Words that merely begin a wrapped line are not headings: `第十二条的规定`
//!   (no space after the unit), `Article 12 of the Act` (a lower-case word
//!   after the number), `Article 12(3) applies` (a reference).
//! - **Outline** ([`Outline`]): the headings of a version in order, each
//!   with its path (`["第二章 申请与审核", "第十二条"]`), so that any byte
//!   offset finds its enclosing units by binary search.
//! - **Renumbering** ([`Renumbering`]): headings paired by the alignment
//!   (an article's heading sentence is matched with its counterpart even
//!   when only the number differs) give a mapping old number → new number
//!   per kind of unit; an edit whose two sides are references to units
//!   (`第十七条` → `第二十条`, `Article 17` → `Article 20`, `本条例第十二条`,
//!   `Articles 14 and 15`, `Section 5(b)`) that this mapping takes one to
//!   the other is a renumbering, not a change of wording.
//!
//! The segmenter asks [`starts_unit`] and [`heading_only`] about each line:
//! a line that starts an article, chapter or Markdown heading always
//! starts a new sentence, and a line that is only a heading is a sentence
//! of its own, whatever the line before it ends with.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::OnceLock;

/// What kind of numbered unit a heading starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// 第X编.
    Bian,
    /// 第X章.
    Zhang,
    /// 第X节.
    Jie,
    /// 第X条.
    Tiao,
    /// 第X回 (chapters of classical novels).
    Hui,
    /// 一、 (numbered headings of Chinese documents).
    CnHeading,
    /// （一） (1) (a): items of a list, under an article.
    Item,
    /// Part II.
    Part,
    /// Chapter II.
    Chapter,
    /// Article 12.
    Article,
    /// Section 3, Sec. 3, § 3.
    Section,
    /// 12. or 1.2 at the start of a line, in a numbered document: depth.
    Numbered(u8),
    /// A Markdown heading: its level (1–6).
    Markdown(u8),
}

/// Units whose numbers cross-references cite, and so can be renumbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Family {
    /// 编, Part.
    Part,
    /// 章, Chapter (and 回).
    Chapter,
    /// 节.
    Jie,
    /// 条, Article.
    Article,
    /// Section, §.
    Section,
}

impl Family {
    /// The unit's name in summaries ("renumbered 25 articles").
    pub fn name(self) -> &'static str {
        match self {
            Family::Part => "part",
            Family::Chapter => "chapter",
            Family::Jie | Family::Section => "section",
            Family::Article => "article",
        }
    }
}

impl Kind {
    /// The family of references that cite this kind of unit.
    fn family(self) -> Option<Family> {
        match self {
            Kind::Bian | Kind::Part => Some(Family::Part),
            Kind::Zhang | Kind::Chapter | Kind::Hui => Some(Family::Chapter),
            Kind::Jie => Some(Family::Jie),
            Kind::Tiao | Kind::Article => Some(Family::Article),
            Kind::Section => Some(Family::Section),
            _ => None,
        }
    }

    /// Chinese and English headings that always start a sentence.
    fn is_strong(self) -> bool {
        !matches!(self, Kind::Item | Kind::Numbered(_) | Kind::CnHeading)
    }
}

/// One heading, as [`heading`] reads a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineHeading {
    pub kind: Kind,
    /// The unit's number, when it has one a renumbering can map
    /// (`第十二条之一` and `（甲）` have none).
    pub number: Option<u32>,
    /// Byte range of the label in the line (`第十二条`, `Article 12`).
    pub label: Range<usize>,
    /// The line is only the heading (a title may follow the label, no
    /// sentence): `第二章　申请与审核`, `Article 12 Access fees`.
    pub alone: bool,
}

/// Chinese numeral characters (and the Arabic digits, half and full width).
fn is_cn_numeral(c: char) -> bool {
    matches!(c, '〇' | '零' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '千' | '两')
        || c.is_ascii_digit()
        || ('０'..='９').contains(&c)
}

/// The value of a number written in Chinese numerals (`十二`, `一百零三`,
/// `二〇一`), Arabic digits (half or full width) or Roman numerals
/// (`XIV`, `iv`).
pub(crate) fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.chars().count() > 12 {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return s.chars().try_fold(0u32, |n, c| {
            let d = if c.is_ascii_digit() { c as u32 - '0' as u32 } else { c as u32 - '０' as u32 };
            n.checked_mul(10)?.checked_add(d)
        });
    }
    if s.chars().all(|c| "IVXLCDMivxlcdm".contains(c)) {
        return parse_roman(s);
    }
    let digit = |c: char| {
        "〇一二三四五六七八九".find(c).map(|b| (b / 3) as u32).or((c == '零').then_some(0)).or((c == '两').then_some(2))
    };
    // Without 十/百/千 the digits are read in place (二〇一 = 201).
    if !s.contains(['十', '百', '千']) {
        return s.chars().try_fold(0u32, |n, c| n.checked_mul(10)?.checked_add(digit(c)?));
    }
    let (mut total, mut cur) = (0u32, None::<u32>);
    for c in s.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                cur = Some(digit(c)?);
                continue;
            }
        };
        total += cur.unwrap_or(1) * unit;
        cur = None;
    }
    Some(total + cur.unwrap_or(0))
}

fn parse_roman(s: &str) -> Option<u32> {
    let value = |c: char| match c.to_ascii_uppercase() {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        'M' => 1000,
        _ => 0,
    };
    let vals: Vec<i64> = s.chars().map(value).collect();
    let mut total = 0i64;
    for (i, &v) in vals.iter().enumerate() {
        if vals.get(i + 1).is_some_and(|&n| n > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    let total = u32::try_from(total).ok().filter(|&t| t > 0)?;
    // Only the canonical spelling is a numeral (not "dim", "civil").
    (roman(total, s.starts_with(|c: char| c.is_ascii_uppercase())) == s).then_some(total)
}

fn roman(mut n: u32, upper: bool) -> String {
    const T: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    if upper {
        s
    } else {
        s.to_ascii_lowercase()
    }
}

/// `n` in Chinese numerals as laws write article numbers (十二, 二十,
/// 一百零三, 一百一十).
pub(crate) fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return "零".into();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let parts = [(n / 1000, "千"), (n / 100 % 10, "百"), (n / 10 % 10, "十"), (n % 10, "")];
    let mut s = String::new();
    let mut zero = false;
    for (i, (d, unit)) in parts.iter().enumerate() {
        if *d == 0 {
            zero = !s.is_empty();
            continue;
        }
        if zero {
            s.push('零');
            zero = false;
        }
        // 十二, not 一十二, at the start; 一百一十 inside.
        if !(*d == 1 && i == 2 && s.is_empty()) {
            s.push_str(D[*d as usize]);
        }
        s.push_str(unit);
    }
    s
}

/// Sentence ends: a line holding one is not a heading alone.
fn has_terminator(s: &str) -> bool {
    s.contains(['。', '！', '？', '；', '!', '?', ';'])
        || s.char_indices()
            .any(|(i, c)| c == '.' && s[i + 1..].starts_with(|n: char| n.is_whitespace() || n.is_alphabetic()))
        || s.ends_with('.')
}

/// Whitespace as headings use it: spaces, tabs, the ideographic space, a
/// no-break space.
fn is_gap(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// Read a line as a heading, if it is one (see the module docs). `line`
/// has no line terminator.
pub(crate) fn heading(line: &str) -> Option<LineHeading> {
    let lead = line.len() - line.trim_start_matches(is_gap).len();
    let s = &line[lead..];
    let first = s.chars().next()?;
    let shift = |mut h: LineHeading| {
        h.label = h.label.start + lead..h.label.end + lead;
        h
    };
    let found = match first {
        '第' => chinese_unit(s),
        '（' | '(' => item(s),
        '#' => markdown(s),
        '§' | 'A' | 'S' | 'C' | 'P' => english(s),
        c if c.is_ascii_digit() => numbered(s),
        c if is_cn_numeral(c) => cn_heading(s),
        _ => None,
    };
    found.map(shift)
}

/// Does this line start an article, chapter, section or Markdown heading
/// (a strong heading: never the continuation of the line before)?
pub(crate) fn starts_unit(line: &str) -> bool {
    heading(line).is_some_and(|h| h.kind.is_strong())
}

/// Is this line a strong heading and nothing else (a sentence of its own)?
pub(crate) fn heading_only(line: &str) -> bool {
    heading(line).is_some_and(|h| h.kind.is_strong() && h.alone)
}

/// The family of the unit label a comparison key starts with (`第九条…`,
/// `article 3 …`; keys have lost the space after a Chinese label), for
/// telling that two sentences both start an article.
pub(crate) fn key_unit(key: &str) -> Option<Family> {
    if let Some(body) = key.strip_prefix('第') {
        let n = body.len() - body.trim_start_matches(is_cn_numeral).len();
        return if n == 0 { None } else { body[n..].chars().next().and_then(unit_family) };
    }
    let (word, rest) = key.split_once(' ')?;
    let f = word_family(word).filter(|_| word.len() <= 8)?;
    rest.starts_with(|c: char| c.is_ascii_alphanumeric()).then_some(f)
}

/// The byte range of the number in the unit label a sentence key starts
/// with (`第九条农村…` → `九`, `article 3 records officer` → `3`), when the
/// key holds more than the label. The diff masks it when aligning (see
/// [`mask_label`]).
pub(crate) fn label_number(key: &str) -> Option<Range<usize>> {
    // Most sentences start no unit: one character says so (this runs on
    // every sentence of both versions).
    if !key.starts_with(['第', 'A', 'a', 'S', 's', 'C', 'c', 'P', 'p', '§']) {
        return None;
    }
    let (number, rest) = if let Some(body) = key.strip_prefix('第') {
        let n = body.len() - body.trim_start_matches(is_cn_numeral).len();
        let unit = body[n..].chars().next().filter(|&c| n > 0 && unit_family(c).is_some())?;
        ('第'.len_utf8()..'第'.len_utf8() + n, &body[n + unit.len_utf8()..])
    } else {
        let (word, after) = key.split_once(' ')?;
        word_family(word)?;
        let n = after.len() - after.trim_start_matches(|c: char| c.is_ascii_alphanumeric()).len();
        let number = &after[..n];
        if !(number.starts_with(|c: char| c.is_ascii_digit()) || parse_roman(number).is_some()) {
            return None;
        }
        (word.len() + 1..word.len() + 1 + n, &after[n..])
    };
    (rest.trim().chars().count() >= 2).then_some(number)
}

/// A sentence key with the number of the unit label it starts with
/// masked (`第九条农村…` → `第#条农村…`), for anchoring: an article
/// renumbered but not reworded then anchors with its old self, instead of
/// leaving a gap in which article numbers are matched with the wrong
/// articles. `None` when the key starts no unit, or holds nothing but the
/// label (`第十条` alone is no evidence of which article it is).
pub(crate) fn mask_label(key: &str) -> Option<String> {
    let r = label_number(key)?;
    Some(format!("{}#{}", &key[..r.start], &key[r.end..]))
}

/// `第十二条　…`, `第二章　总则`, `第三回 …`.
fn chinese_unit(s: &str) -> Option<LineHeading> {
    let body = &s['第'.len_utf8()..];
    let digits = body.len() - body.trim_start_matches(is_cn_numeral).len();
    if digits == 0 {
        return None;
    }
    let numeral = &body[..digits];
    let mut rest = &body[digits..];
    let unit = rest.chars().next()?;
    let kind = match unit {
        '编' => Kind::Bian,
        '章' => Kind::Zhang,
        '节' => Kind::Jie,
        '条' => Kind::Tiao,
        '回' => Kind::Hui,
        _ => return None,
    };
    rest = &rest[unit.len_utf8()..];
    let mut number = parse_number(numeral);
    // 第十二条之一: an article inserted without renumbering.
    if kind == Kind::Tiao {
        if let Some(after) = rest.strip_prefix('之') {
            let n = after.len() - after.trim_start_matches(is_cn_numeral).len();
            if n > 0 {
                rest = &after[n..];
                number = None;
            }
        }
    }
    let label_end = s.len() - rest.len();
    let next = rest.chars().next();
    let ok = match next {
        None => true,
        Some(c) if is_gap(c) => true,
        Some('：' | ':') => kind == Kind::Tiao,
        // 第一章总则: a title right after the unit, on a short line
        // without a sentence in it (第三节课上，… is not a heading).
        Some(c) => kind != Kind::Tiao && crate::chars::is_han(c) && rest.chars().count() <= 30 && !has_clause(rest),
    };
    if !ok {
        return None;
    }
    let title = rest.trim_matches(|c: char| is_gap(c) || c == '：' || c == ':');
    // An article's line holds its text; a chapter's, its title.
    let alone = if kind == Kind::Tiao {
        title.is_empty()
    } else {
        title.chars().count() <= 40 && !has_terminator(title) && !has_clause(title)
    };
    Some(LineHeading { kind, number, label: 0..label_end, alone })
}

fn has_clause(s: &str) -> bool {
    s.contains(['，', ',', '。', '；', '、'])
}

/// `（一）`, `(1)`, `(a)` at the start of a line.
fn item(s: &str) -> Option<LineHeading> {
    let open = s.chars().next()?;
    let body = &s[open.len_utf8()..];
    let close = body.find(['）', ')'])?;
    let inner = &body[..close];
    let n = inner.chars().count();
    let number = if (1..=3).contains(&n) && inner.chars().all(is_cn_numeral) {
        parse_number(inner)
    } else if n == 1 && inner.chars().all(|c| c.is_ascii_lowercase()) {
        None
    } else {
        return None;
    };
    if number.is_some_and(|v| v > 99) {
        return None;
    }
    let end = open.len_utf8() + close + body[close..].chars().next()?.len_utf8();
    let rest = &s[end..];
    if rest.trim().is_empty() {
        return None;
    }
    Some(LineHeading { kind: Kind::Item, number, label: 0..end, alone: false })
}

/// `一、指导思想`.
fn cn_heading(s: &str) -> Option<LineHeading> {
    let digits = s.len() - s.trim_start_matches(|c: char| is_cn_numeral(c) && !c.is_ascii_digit()).len();
    let rest = &s[digits..];
    let rest = rest.strip_prefix('、')?;
    if digits == 0 || rest.trim().is_empty() {
        return None;
    }
    let number = parse_number(&s[..digits]).filter(|&n| n <= 99)?;
    let alone = rest.chars().count() <= 40 && !has_terminator(rest);
    Some(LineHeading { kind: Kind::CnHeading, number: Some(number), label: 0..digits + '、'.len_utf8(), alone })
}

/// `# Title` … `###### Title`.
fn markdown(s: &str) -> Option<LineHeading> {
    let level = s.len() - s.trim_start_matches('#').len();
    let rest = &s[level..];
    if level > 6 || !rest.starts_with([' ', '\t']) || rest.trim().is_empty() {
        return None;
    }
    Some(LineHeading { kind: Kind::Markdown(level as u8), number: None, label: 0..s.len(), alone: true })
}

/// `12. Title`, `1.2 Title` (a candidate: the outline keeps them only in a
/// numbered document).
fn numbered(s: &str) -> Option<LineHeading> {
    let mut end = 0;
    let mut depth = 0u8;
    let bytes = s.as_bytes();
    loop {
        let d = s[end..].len() - s[end..].trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if d == 0 || d > 3 {
            return None;
        }
        end += d;
        depth += 1;
        if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) && depth < 4 {
            end += 1;
            continue;
        }
        break;
    }
    let number = parse_number(&s[s[..end].rfind('.').map_or(0, |i| i + 1)..end]);
    let mut label = end;
    if bytes.get(end) == Some(&b'.') {
        label += 1;
    } else if depth == 1 {
        return None; // `12 people` is not a heading; `12.` and `1.2` are
    }
    let rest = &s[label..];
    if !rest.starts_with([' ', '\t', '\u{3000}']) || rest.trim().is_empty() {
        return None;
    }
    let alone = rest.trim().chars().count() <= 60 && !has_terminator(rest.trim());
    Some(LineHeading { kind: Kind::Numbered(depth), number, label: 0..label, alone })
}

/// `Article 12`, `ARTICLE XII`, `Section 3`, `Sec. 3`, `§ 4`, `Chapter II`,
/// `Part 3`, followed by the end of the line, a mark, or a title.
fn english(s: &str) -> Option<LineHeading> {
    const WORDS: [(&str, Kind); 8] = [
        ("Article", Kind::Article),
        ("ARTICLE", Kind::Article),
        ("Art.", Kind::Article),
        ("Section", Kind::Section),
        ("SECTION", Kind::Section),
        ("Sec.", Kind::Section),
        ("Chapter", Kind::Chapter),
        ("CHAPTER", Kind::Chapter),
    ];
    let (kind, after) = if let Some(r) = s.strip_prefix("§§").or_else(|| s.strip_prefix('§')) {
        (Kind::Section, r.trim_start_matches(is_gap))
    } else if let Some(r) = s.strip_prefix("Part ").or_else(|| s.strip_prefix("PART ")) {
        (Kind::Part, r.trim_start_matches(is_gap))
    } else {
        let (w, k) = WORDS.iter().find(|(w, _)| s.starts_with(w))?;
        let r = &s[w.len()..];
        if !r.starts_with(is_gap) {
            return None;
        }
        (*k, r.trim_start_matches(is_gap))
    };
    // The number: digits with an optional letter and sub-numbers (12,
    // 12a, 3.1; only a plain one can be renumbered) or a Roman numeral.
    let b = after.as_bytes();
    let mut len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let number = if len > 0 {
        let plain = len;
        if b.get(len).is_some_and(u8::is_ascii_lowercase) && !b.get(len + 1).is_some_and(u8::is_ascii_alphanumeric) {
            len += 1;
        }
        while b.get(len) == Some(&b'.') && b.get(len + 1).is_some_and(u8::is_ascii_digit) {
            len += 1 + b[len + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        }
        if b.get(len).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        (len == plain).then(|| parse_number(&after[..plain])).flatten()
    } else {
        len = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        Some(parse_roman(&after[..len])?)
    };
    let token = &after[..len];
    let label_end = s.len() - after.len() + token.len();
    let rest = &s[label_end..];
    let ok = match rest.chars().next() {
        None => true,
        Some('.' | ':' | '—' | '–' | '-') => true,
        Some(c) if is_gap(c) => {
            let t = rest.trim_start_matches(is_gap);
            t.is_empty() || t.starts_with(|n: char| n.is_uppercase() || matches!(n, '(' | '[' | '“' | '"' | '—' | '–'))
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    let title = rest.trim_start_matches(|c: char| is_gap(c) || matches!(c, '.' | ':' | '—' | '–' | '-'));
    let alone = title.chars().count() <= 80 && !has_terminator(title);
    Some(LineHeading { kind, number, label: 0..label_end, alone })
}

/// A heading of a version, placed in its outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    /// Byte offset where the heading's label starts in the text.
    pub start: usize,
    pub kind: Kind,
    pub number: Option<u32>,
    /// `第十二条`, `Article 12`, `（三）`.
    pub label: String,
    /// What the heading adds to a path: the label with its title for a
    /// heading alone on its line (`第二章 申请与审核`), the label alone
    /// when the unit's text follows on the line.
    pub title: String,
    /// Depth in the outline (1 = outermost).
    rank: u8,
    /// Indices of the headings enclosing it (outermost first), itself last.
    path: Vec<usize>,
}

/// The headings of one version.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outline {
    pub headings: Vec<Heading>,
}

/// Rank of items: always the innermost.
const ITEM_RANK: u8 = 12;
/// Rank of articles; a change's `section` is its innermost unit at this
/// rank or above.
const ARTICLE_RANK: u8 = 4;

impl Outline {
    /// Read the headings of `source`'s lines.
    pub fn detect(source: &crate::input::Source) -> Outline {
        let text = source.text.as_str();
        // Headings the document's own markup declared (a Markdown, HTML or
        // Word heading), by the byte where their line starts.
        let marked = &source.origin.headings;
        let marked_at = |start: usize| marked.binary_search_by_key(&start, |&(at, _)| at).ok().map(|k| marked[k].1);
        let mut found: Vec<(usize, LineHeading, &str)> = Vec::new();
        for i in 0..source.line_count() {
            let line = source.line(i);
            let raw = &text[line.start..line.end];
            let declared = || {
                let level = marked_at(line.start).filter(|_| !raw.trim().is_empty())?;
                Some(LineHeading { kind: Kind::Markdown(level.min(6)), number: None, label: 0..raw.len(), alone: true })
            };
            if let Some(h) = heading(raw).or_else(declared) {
                found.push((line.start, h, raw));
            }
        }
        if found.is_empty() {
            return Outline::default();
        }
        // Numbered lines count only in a document numbered 1., 2., 3. …
        let firsts: Vec<u32> =
            found.iter().filter(|(_, h, _)| h.kind == Kind::Numbered(1)).filter_map(|(_, h, _)| h.number).collect();
        let numbered = firsts.windows(3).any(|w| w[0] + 1 == w[1] && w[1] + 1 == w[2]);
        let count = |k: Kind| found.iter().filter(|(_, h, _)| h.kind == k).count();
        let articles = count(Kind::Article) + count(Kind::Tiao);
        let sections = count(Kind::Section);
        // Sections are under articles (Article I, Section 8) when there are
        // more of them, above them otherwise (Chapter II, Section 1, Article 5).
        let section_rank = if articles > 0 && sections > articles { 5 } else { 3 };
        let rank = |k: Kind| -> u8 {
            match k {
                Kind::Bian | Kind::Part => 1,
                Kind::Zhang | Kind::Chapter | Kind::Hui | Kind::CnHeading => 2,
                Kind::Jie => 3,
                Kind::Section => section_rank,
                Kind::Tiao | Kind::Article => ARTICLE_RANK,
                Kind::Numbered(d) if articles > 0 => 5 + d,
                Kind::Numbered(d) => 3 + d,
                Kind::Markdown(l) => l,
                Kind::Item => ITEM_RANK,
            }
        };
        let mut headings: Vec<Heading> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        for (start, h, raw) in found {
            if matches!(h.kind, Kind::Numbered(_)) && !numbered {
                continue;
            }
            // Items only count inside a numbered unit.
            if h.kind == Kind::Item && stack.is_empty() {
                continue;
            }
            let r = rank(h.kind);
            while stack.last().is_some_and(|&t| headings[t].rank >= r) {
                stack.pop();
            }
            let label = tidy(&raw[h.label.clone()]);
            let title = if h.alone { tidy(raw.trim_matches(is_gap)) } else { label.clone() };
            let me = headings.len();
            stack.push(me);
            headings.push(Heading {
                start: start + h.label.start,
                kind: h.kind,
                number: h.number,
                label,
                title: clip(&title, 60),
                rank: r,
                path: stack.clone(),
            });
        }
        Outline { headings }
    }

    /// Are there any headings?
    pub fn is_empty(&self) -> bool {
        self.headings.is_empty()
    }

    /// The innermost heading at or before byte `at`.
    pub fn heading_at(&self, at: usize) -> Option<usize> {
        self.headings.partition_point(|h| h.start <= at).checked_sub(1)
    }

    /// The units enclosing byte `at`, outermost first (indices).
    pub fn path_at(&self, at: usize) -> &[usize] {
        self.heading_at(at).map_or(&[], |i| &self.headings[i].path)
    }

    /// The unit the text at byte `at` stands in (a heading index): the
    /// innermost one at article rank or above (an item's article, not the
    /// item), else the innermost that is not an item.
    pub fn unit_at(&self, at: usize) -> Option<usize> {
        let path = self.path_at(at);
        let h = |i: &&usize| &self.headings[**i];
        path.iter()
            .rev()
            .find(|i| h(i).rank <= ARTICLE_RANK)
            .or_else(|| path.iter().rev().find(|i| h(i).kind != Kind::Item))
            .or(path.last())
            .copied()
    }

    /// The article the text at byte `at` stands in (a heading index): its
    /// unit when that is an article, `Article` or `Section` — not a
    /// chapter of a novel or a Markdown section, too large to be one change.
    pub fn article_at(&self, at: usize) -> Option<usize> {
        self.unit_at(at).filter(|&i| matches!(self.headings[i].kind, Kind::Tiao | Kind::Article | Kind::Section))
    }

    /// The section label and path of the text at byte `at`: the label of
    /// its unit ([`Outline::unit_at`]) and the titles of every enclosing
    /// unit, outermost first.
    pub fn label_at(&self, at: usize) -> (Option<String>, Vec<String>) {
        let section = self.unit_at(at).map(|i| self.headings[i].label.clone());
        (section, self.path_at(at).iter().map(|&i| self.headings[i].title.clone()).collect())
    }
}

/// A heading's text for display: runs of spaces (ideographic ones
/// included) become one space, and spaces between two Han characters
/// (`总　　则`) go.
fn tidy(s: &str) -> String {
    let words: Vec<&str> = s.split(is_gap).filter(|w| !w.is_empty()).collect();
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let prev = out.chars().last().is_some_and(crate::chars::is_han);
            let next = w.chars().next().is_some_and(crate::chars::is_han);
            // Keep the space after the label (第一章 总则).
            if !(prev && next) || i == 1 && heading(&out).is_some() {
                out.push(' ');
            }
        }
        out.push_str(w);
    }
    out
}

fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((b, _)) => format!("{}…", &s[..b]),
        None => s.to_string(),
    }
}

/// How a revision renumbered its units: old number → new number, per
/// family of units, from headings the alignment paired.
#[derive(Debug, Clone, Default)]
pub(crate) struct Renumbering {
    map: HashMap<(Family, u32), u32>,
}

impl Renumbering {
    /// The mapping from headings paired by the alignment (`pairs`: old
    /// heading index, new heading index). Pairs of different families are
    /// ignored; an old number paired with two different new numbers (or a
    /// new number claimed twice) is left out: that is no consistent
    /// renumbering.
    pub fn new(old: &Outline, new: &Outline, pairs: impl IntoIterator<Item = (usize, usize)>) -> Renumbering {
        let mut map: HashMap<(Family, u32), Option<u32>> = HashMap::new();
        let mut claimed: HashMap<(Family, u32), usize> = HashMap::new();
        for (o, n) in pairs {
            let (Some(a), Some(b)) = (old.headings.get(o), new.headings.get(n)) else { continue };
            let (Some(fa), Some(fb)) = (a.kind.family(), b.kind.family()) else { continue };
            let (Some(x), Some(y)) = (a.number, b.number) else { continue };
            if fa != fb {
                continue;
            }
            let e = map.entry((fa, x)).or_insert(Some(y));
            if *e != Some(y) {
                *e = None;
            }
            *claimed.entry((fa, y)).or_default() += 1;
        }
        let map = map
            .into_iter()
            .filter_map(|((f, x), y)| y.filter(|y| claimed.get(&(f, *y)) == Some(&1)).map(|y| ((f, x), y)))
            .collect();
        Renumbering { map }
    }

    /// Is there anything renumbered?
    pub fn is_empty(&self) -> bool {
        !self.map.iter().any(|((_, a), b)| a != b)
    }

    /// How many units of each family changed number ("article" → 25).
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for ((f, a), b) in &self.map {
            if a != b {
                *out.entry(f.name().to_string()).or_default() += 1;
            }
        }
        out
    }

    fn maps(&self, f: Family, a: u32, b: u32) -> bool {
        self.map.get(&(f, a)) == Some(&b)
    }

    /// Is the edit `old[o]` → `new[n]` (byte ranges into the changed
    /// sentence's original text in each version) a renumbering? Each side
    /// is widened to whole numbers; then the two must read alike except for
    /// numbers, and every number that differs must be a reference
    /// (`第…条`, `Article …`) that the mapping takes from its old to its
    /// new value.
    pub fn is_renumbering_edit(&self, old: &str, o: Range<usize>, new: &str, n: Range<usize>) -> bool {
        if self.is_empty() {
            return false;
        }
        let (o, n) = (widen(old, o), widen(new, n));
        let (po, pn) = (pieces(old, o), pieces(new, n));
        if po.len() != pn.len() || po.is_empty() {
            return false;
        }
        let mut changed = false;
        for (a, b) in po.iter().zip(&pn) {
            match (a, b) {
                (Piece::Text(x), Piece::Text(y)) if old[x.clone()] == new[y.clone()] => {}
                (Piece::Number(x), Piece::Number(y)) => {
                    let (tx, ty) = (&old[x.clone()], &new[y.clone()]);
                    if tx == ty {
                        continue;
                    }
                    let (Some(fx), Some(fy)) = (family_at(old, x), family_at(new, y)) else { return false };
                    let (Some(vx), Some(vy)) = (parse_number(tx), parse_number(ty)) else { return false };
                    if fx != fy || !self.maps(fx, vx, vy) {
                        return false;
                    }
                    changed = true;
                }
                _ => return false,
            }
        }
        changed
    }

    /// Does `old` (a whole changed sentence) read as `new` once every
    /// reference in it is renumbered (spaces aside)? Catches renumberings
    /// the inline diff cut awkwardly (`第十条、第十一条` → `第九条、第十条`
    /// aligned as one inserted and one deleted reference).
    pub fn renumbers(&self, old: &str, new: &str) -> bool {
        if self.is_empty() || old == new {
            return false;
        }
        let squeeze = |s: &str| s.chars().filter(|c| !is_gap(*c)).collect::<String>();
        let moved = self.apply(old);
        moved != old && squeeze(&moved) == squeeze(new)
    }

    /// `text` with every reference renumbered, each number written as the
    /// old one was (Chinese, Arabic or Roman numerals).
    fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (r, f) in references(text) {
            let t = &text[r.clone()];
            let Some(v) = parse_number(t) else { continue };
            let Some(&w) = self.map.get(&(f, v)) else { continue };
            out.push_str(&text[last..r.start]);
            out.push_str(&write_like(t, w));
            last = r.end;
        }
        out.push_str(&text[last..]);
        out
    }
}

/// `n` written in the numerals `like` uses.
fn write_like(like: &str, n: u32) -> String {
    if like.chars().all(|c| c.is_ascii_digit()) {
        n.to_string()
    } else if like.chars().all(|c| ('０'..='９').contains(&c)) {
        n.to_string().chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c)).collect()
    } else if like.chars().all(|c| c.is_ascii_alphabetic()) {
        roman(n, like.starts_with(|c: char| c.is_ascii_uppercase()))
    } else {
        chinese(n)
    }
}

enum Piece {
    Text(Range<usize>),
    Number(Range<usize>),
}

/// Is `c` part of a number token: a Chinese numeral, a digit, or a letter
/// (a Roman numeral is a whole word).
fn is_number_char(c: char) -> bool {
    is_cn_numeral(c) || c.is_ascii_alphanumeric()
}

/// Widen `r` to whole number tokens on both ends.
fn widen(s: &str, r: Range<usize>) -> Range<usize> {
    let (mut a, mut b) = (floor_boundary(s, r.start), ceil_boundary(s, r.end));
    while let Some(c) = s[..a].chars().next_back().filter(|&c| is_number_char(c)) {
        a -= c.len_utf8();
    }
    while let Some(c) = s[b..].chars().next().filter(|&c| is_number_char(c)) {
        b += c.len_utf8();
    }
    a..b
}

/// `s[r]` cut into numbers (Chinese numerals, digits, Roman words) and the
/// text between them.
fn pieces(s: &str, r: Range<usize>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut i = r.start;
    let mut text_start = r.start;
    while i < r.end {
        let rest = &s[i..r.end];
        let c = rest.chars().next().unwrap_or(' ');
        let len = if is_cn_numeral(c) && !c.is_ascii_digit() {
            rest.len() - rest.trim_start_matches(|c: char| is_cn_numeral(c) && !c.is_ascii_digit()).len()
        } else if c.is_ascii_digit() {
            rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len()
        } else if c.is_ascii_alphabetic() {
            let w = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_alphabetic()).len();
            if parse_roman(&rest[..w]).is_some() {
                w
            } else {
                i += w;
                continue;
            }
        } else {
            i += c.len_utf8();
            continue;
        };
        if text_start < i {
            out.push(Piece::Text(text_start..i));
        }
        out.push(Piece::Number(i..i + len));
        i += len;
        text_start = i;
    }
    if text_start < r.end {
        out.push(Piece::Text(text_start..r.end));
    }
    out
}

fn english_reference() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // A unit word, then numbers joined by commas, and/or/to, each with
        // sub-divisions in brackets: "Articles 14 and 15", "Section 5(b)",
        // "§§ 3, 4(1) to 7".
        regex::Regex::new(
            r"(?x)\b(?P<w>Articles?|ARTICLES?|Art\.|Sections?|SECTIONS?|Secs?\.|Chapters?|CHAPTERS?|Parts?|PARTS?)\s+
              (?P<list>(?:\d+[a-z]?|[IVXLC]+)(?:\([0-9a-z]+\))*(?:\s*(?:,|and|or|to|through|-|–)\s*(?:\d+[a-z]?|[IVXLC]+)(?:\([0-9a-z]+\))*)*)
              |(?P<s>§§?)\s*(?P<slist>\d+[a-z]?(?:\([0-9a-z]+\))*(?:\s*(?:,|and|or|to|through|-|–)\s*\d+[a-z]?(?:\([0-9a-z]+\))*)*)",
        )
        .expect("the reference pattern compiles")
    })
}

fn word_family(w: &str) -> Option<Family> {
    match w.to_ascii_lowercase().as_str() {
        "article" | "articles" | "art." => Some(Family::Article),
        "section" | "sections" | "sec." | "secs." | "§" | "§§" => Some(Family::Section),
        "chapter" | "chapters" => Some(Family::Chapter),
        "part" | "parts" => Some(Family::Part),
        _ => None,
    }
}

/// Every reference number in `text` with the family it cites: `第十二条`
/// (the numeral), `Article 12`, each number of `Articles 14 and 15` (not
/// the bracketed sub-divisions).
fn references(text: &str) -> Vec<(Range<usize>, Family)> {
    let mut out = Vec::new();
    // Chinese: 第 + numerals + unit.
    let mut from = 0;
    while let Some(p) = text[from..].find('第') {
        let at = from + p + '第'.len_utf8();
        let body = &text[at..];
        let n = body.len() - body.trim_start_matches(is_cn_numeral).len();
        if n > 0 {
            if let Some(f) = body[n..].chars().next().and_then(unit_family) {
                out.push((at..at + n, f));
            }
        }
        from = at;
    }
    for m in english_reference().captures_iter(text) {
        let (w, list) = match (m.name("w"), m.name("list"), m.name("s"), m.name("slist")) {
            (Some(w), Some(l), _, _) => (w.as_str(), l),
            (_, _, Some(w), Some(l)) => (w.as_str(), l),
            _ => continue,
        };
        let Some(f) = word_family(w) else { continue };
        let mut depth = 0;
        let s = list.as_str();
        let mut i = 0;
        while i < s.len() {
            let c = s[i..].chars().next().unwrap_or(' ');
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ if depth == 0 && (c.is_ascii_digit() || "IVXLC".contains(c)) => {
                    let rest = &s[i..];
                    let len = if c.is_ascii_digit() {
                        rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len()
                    } else {
                        rest.len() - rest.trim_start_matches(|c: char| "IVXLC".contains(c)).len()
                    };
                    out.push((list.start() + i..list.start() + i + len, f));
                    i += len;
                    continue;
                }
                _ => {}
            }
            i += c.len_utf8();
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

fn unit_family(c: char) -> Option<Family> {
    match c {
        '编' => Some(Family::Part),
        '章' | '回' => Some(Family::Chapter),
        '节' => Some(Family::Jie),
        '条' => Some(Family::Article),
        _ => None,
    }
}

/// The family of the reference whose number is `s[r]`, if it is one.
fn family_at(s: &str, r: &Range<usize>) -> Option<Family> {
    if s[..r.start].ends_with('第') {
        return s[r.end..].chars().next().and_then(unit_family);
    }
    // English: the number is one of a reference's list.
    let (lo, hi) = (floor_boundary(s, r.start.saturating_sub(120)), ceil_boundary(s, r.end + 40));
    references(&s[lo..hi]).into_iter().find(|(x, _)| x.start + lo == r.start && x.end + lo == r.end).map(|(_, f)| f)
}

/// The char boundary at or before `i` (`str::floor_char_boundary` is not
/// stable on the supported Rust).
fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The char boundary at or after `i`.
fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Source;

    fn kind(line: &str) -> Option<(Kind, Option<u32>, String, bool)> {
        heading(line).map(|h| (h.kind, h.number, line[h.label.clone()].to_string(), h.alone))
    }

    #[test]
    fn chinese_numerals_read_as_laws_write_them() {
        for (s, n) in [("十二", 12), ("二十", 20), ("一百零三", 103), ("一百一十", 110), ("四十二", 42), ("十", 10)]
        {
            assert_eq!(parse_number(s), Some(n), "{s}");
            assert_eq!(chinese(n), s);
        }
        assert_eq!(parse_number("二〇一"), Some(201));
        assert_eq!(parse_number("１２"), Some(12));
        assert_eq!(parse_number("XIV"), Some(14));
        assert_eq!(parse_number("IV"), Some(4));
        assert_eq!(parse_number("XC"), Some(90));
        assert_eq!(parse_number("dim"), None);
        assert_eq!(write_like("XIV", 15), "XV");
        assert_eq!(write_like("17", 20), "20");
    }

    #[test]
    fn chinese_headings_are_found_at_line_starts() {
        assert_eq!(kind("第十二条　本条例所称…。"), Some((Kind::Tiao, Some(12), "第十二条".into(), false)));
        assert_eq!(kind("　　第四十二条"), Some((Kind::Tiao, Some(42), "第四十二条".into(), true)));
        assert_eq!(kind("第二章　申请与审核"), Some((Kind::Zhang, Some(2), "第二章".into(), true)));
        assert_eq!(kind("第一章总则"), Some((Kind::Zhang, Some(1), "第一章".into(), true)));
        assert_eq!(kind("第3条 ..."), Some((Kind::Tiao, Some(3), "第3条".into(), false)));
        assert_eq!(kind("第十二条之一　…。").map(|k| (k.1, k.2)), Some((None, "第十二条之一".into())));
        assert_eq!(kind("（三）其他事项；").map(|k| k.0), Some(Kind::Item));
        assert_eq!(kind("一、指导思想").map(|k| (k.0, k.3)), Some((Kind::CnHeading, true)));
        // A wrapped line that starts with a reference, a sentence, a date.
        assert_eq!(kind("第十二条的规定，处以罚款。"), None);
        assert_eq!(kind("第三节课上，老师讲了。"), None);
        assert_eq!(kind("第三，推动网络经济创新发展"), None);
        assert_eq!(kind("（2015年12月16日，乌镇）"), None);
    }

    #[test]
    fn english_headings_need_a_heading_shape() {
        assert_eq!(kind("Article 12 Access fees"), Some((Kind::Article, Some(12), "Article 12".into(), true)));
        assert_eq!(kind("ARTICLE XII"), Some((Kind::Article, Some(12), "ARTICLE XII".into(), true)));
        assert_eq!(kind("Article 5. The Commission shall act.").map(|k| (k.0, k.3)), Some((Kind::Article, false)));
        assert_eq!(kind("Section 3 (Definitions)").map(|k| k.1), Some(Some(3)));
        assert_eq!(kind("Sec. 4. Short title").map(|k| (k.0, k.1)), Some((Kind::Section, Some(4))));
        assert_eq!(kind("§ 4 Scope").map(|k| (k.0, k.2)), Some((Kind::Section, "§ 4".into())));
        assert_eq!(kind("Chapter II General Provisions").map(|k| (k.0, k.1)), Some((Kind::Chapter, Some(2))));
        assert_eq!(kind("CHAPTER I").map(|k| k.1), Some(Some(1)));
        assert_eq!(kind("Part 3").map(|k| k.0), Some(Kind::Part));
        assert_eq!(kind("# Introduction").map(|k| k.0), Some(Kind::Markdown(1)));
        assert_eq!(kind("Article 12 of the Act applies."), None);
        assert_eq!(kind("Article 12(3) applies."), None);
        assert_eq!(kind("Sections of the public were consulted."), None);
        assert_eq!(kind("Part of the problem"), None);
        assert_eq!(kind("Chapter and verse"), None);
        assert_eq!(kind("12 people came."), None);
    }

    #[test]
    fn strong_headings_start_units() {
        assert!(starts_unit("第四十二条　违反本条例…"));
        assert!(heading_only("第四十二条"));
        assert!(!heading_only("第四十二条　违反本条例规定的，依法处理。"));
        assert!(starts_unit("Article 3 Records officer") && heading_only("Article 3 Records officer"));
        assert!(!starts_unit("（一）集体经济发展规划；"));
        assert!(!starts_unit("1. First point"));
    }

    fn outline(text: &str) -> (Source, Outline) {
        let s = Source::from_text("t", text);
        let o = Outline::detect(&s);
        (s, o)
    }

    #[test]
    fn paths_nest_chapters_articles_and_items() {
        let text = "某某条例\n第一章　总　　则\n第一条　为了…，制定本条例。\n第二章　申请与审核\n第二条　下列事项：\n（一）甲；\n（二）乙。\n第三条　丙。\n";
        let (s, o) = outline(text);
        let at = |needle: &str| o.label_at(s.text.find(needle).unwrap());
        assert_eq!(at("某某"), (None, vec![]));
        assert_eq!(at("为了"), (Some("第一条".into()), vec!["第一章 总则".into(), "第一条".into()]));
        assert_eq!(
            at("乙"),
            (Some("第二条".into()), vec!["第二章 申请与审核".into(), "第二条".into(), "（二）".into()])
        );
        assert_eq!(at("丙").1, ["第二章 申请与审核", "第三条"]);
    }

    #[test]
    fn numbered_lines_count_only_in_a_numbered_document() {
        let (s, o) = outline("95. 习近平在世界互联网大会上发表主旨演讲\n正文。\n");
        assert!(o.is_empty(), "{:?}", o.headings);
        let (s2, o2) = outline("1. Scope\nText.\n2. Terms\nText.\n2.1 Words\nText.\n3. Rules\nText.\n");
        assert_eq!(o2.label_at(s2.text.find("Words").unwrap()).1, ["2. Terms", "2.1 Words"]);
        drop(s);
    }

    #[test]
    fn sections_under_articles_or_above_them() {
        let (s, o) = outline("Article I\nSection 1\nText.\nSection 2\nText.\nArticle II\nSection 1\nMore.\n");
        assert_eq!(o.label_at(s.text.find("More").unwrap()).1, ["Article II", "Section 1"]);
        let (s, o) = outline("Chapter II Rights\nSection 1 Access\nArticle 5 Scope\nText.\nArticle 6 Fees\nMore.\n");
        assert_eq!(
            o.label_at(s.text.find("More").unwrap()).1,
            ["Chapter II Rights", "Section 1 Access", "Article 6 Fees"]
        );
        assert_eq!(o.label_at(s.text.find("More").unwrap()).0.as_deref(), Some("Article 6"));
    }

    fn mapping(pairs: &[(u32, u32)]) -> Renumbering {
        let old: String = pairs.iter().map(|(a, _)| format!("第{}条　甲。\n", chinese(*a))).collect();
        let new: String = pairs.iter().map(|(_, b)| format!("第{}条　甲。\n", chinese(*b))).collect();
        let (_, o) = outline(&old);
        let (_, n) = outline(&new);
        Renumbering::new(&o, &n, (0..pairs.len()).map(|i| (i, i)))
    }

    #[test]
    fn the_mapping_comes_from_paired_headings() {
        let r = mapping(&[(11, 11), (12, 13), (17, 20), (30, 31)]);
        assert_eq!(r.counts(), BTreeMap::from([("article".to_string(), 3)]));
        // A conflicting pair leaves the number out.
        let r2 = mapping(&[(12, 13), (12, 14)]);
        assert!(r2.is_empty());
    }

    #[test]
    fn renumbering_edits_follow_the_mapping() {
        let r = mapping(&[(10, 9), (11, 10), (12, 12), (17, 20), (30, 31), (14, 15), (15, 16)]);
        let edit = |o: &str, od: &str, n: &str, nd: &str| {
            let (a, b) = (o.find(od).unwrap(), n.find(nd).unwrap());
            r.is_renumbering_edit(o, a..a + od.len(), n, b..b + nd.len())
        };
        assert!(edit("依照本条例第十七条规定", "十七", "依照本条例第二十条规定", "二十"));
        // The inline diff trimmed the common characters: 三十 → 三十一 is an inserted 一.
        let (o, n) = ("第三十条　甲。", "第三十一条　甲。");
        let at = o.find('条').unwrap();
        assert!(r.is_renumbering_edit(o, at..at, n, at..at + '一'.len_utf8()));
        assert!(edit("第十七条", "七", "第二十条", "二十"));
        // Numbers that are not references, or that the mapping does not take there.
        assert!(!edit("单笔支出在一万元以下", "一", "单笔支出在二万元以下", "二"));
        assert!(!edit("依照第十七条规定", "十七", "依照第十八条规定", "十八"));
        assert!(!edit("第十二条", "十二", "第十三条", "十三"));
        // Two references in one edit, both renumbered.
        assert!(edit("第十四条、第十五条", "四条、第十五", "第十五条、第十六条", "五条、第十六"));
    }

    #[test]
    fn english_references_and_lists_are_renumbered() {
        let old = "Article 14 Fees\nArticle 15 Review\nArticle 3 Officer\n";
        let new = "Article 15 Fees\nArticle 16 Review\nArticle 19 Officer\n";
        let (_, o) = outline(old);
        let (_, n) = outline(new);
        let r = Renumbering::new(&o, &n, [(0, 0), (1, 1), (2, 2)]);
        let e = |o: &str, od: &str, n: &str, nd: &str| {
            let (a, b) = (o.rfind(od).unwrap(), n.rfind(nd).unwrap());
            r.is_renumbering_edit(o, a..a + od.len(), n, b..b + nd.len())
        };
        assert!(e("contrary to Articles 14 and 15.", "15", "contrary to Articles 15 and 16.", "16"));
        assert!(e("designated under Article 3.", "3", "designated under Article 19.", "19"));
        assert!(e("in breach of Article 14(2), or", "14", "in breach of Article 15(2), or", "15"));
        assert!(!e("within 14 days", "14", "within 15 days", "15"));
        assert!(r.renumbers("see Articles 14 and 15", "see Articles 15 and 16"));
        assert!(!r.renumbers("see Articles 14 and 15", "see Articles 15 and 17"));
    }

    #[test]
    fn a_whole_sentence_renumbered_is_recognised_however_the_diff_cut_it() {
        let r = mapping(&[(10, 9), (11, 10)]);
        assert!(r.renumbers("违反本条例第十条、第十一条规定，", "违反本条例第九条、第十条规定，"));
        assert!(!r.renumbers("违反本条例第十条、第十一条规定，", "违反本条例第九条、第十条的规定，"));
    }
}
