//! Stage 6: classification — what kind of change an edit is, and which
//! normalisation absorbed each difference that is *not* reported.
//!
//! Edits are classed by what differs between their old and new key text:
//! only punctuation ([`EditClass::Punctuation`], e.g. a dropped `！`), only
//! spaces between words ([`EditClass::Spacing`], `Chinawill`), only letter
//! case ([`EditClass::Case`]), or words ([`EditClass::Wording`]).
//!
//! The absorbed-difference counts answer the question a careful user asks
//! of any normalising tool: "what did you hide from me?". Wherever the keys
//! of the two versions are equal (equal sentences, and the equal stretches of
//! modified ones), the two key sequences are walked in lockstep; each place
//! where the *original* texts differ is one absorbed difference, charged to
//! the rule that changed the characters there ([`NChar::rules`]), and each
//! place where the dropped material between two key characters differs
//! (spaces next to Han text, line breaks, invisible characters) is charged
//! to spacing, line-break or invisible.

use crate::chars::{is_invisible, is_line_break, is_punct};
use crate::normalize::{NChar, Rule};
use crate::report::EditClass;
use std::collections::BTreeMap;

/// Class of an edit from its old and new key text.
pub fn edit_class(old: &str, new: &str) -> EditClass {
    let all_punct = |s: &str| s.chars().all(|c| is_punct(c) || c.is_whitespace());
    if all_punct(old) && all_punct(new) {
        return EditClass::Punctuation;
    }
    // Compared character by character, without building the strings: a
    // book whose every sentence changed classes tens of thousands of edits.
    fn no_space(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace())
    }
    if no_space(old).eq(no_space(new)) {
        return EditClass::Spacing;
    }
    // `str::to_lowercase` lowers each character on its own but for a
    // capital sigma (final or not by its neighbours): only then is the
    // string's own method needed.
    let same_lowered = if old.contains('Σ') || new.contains('Σ') {
        let lower = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        lower(old) == lower(new)
    } else {
        no_space(old).flat_map(char::to_lowercase).eq(no_space(new).flat_map(char::to_lowercase))
    };
    if same_lowered {
        return EditClass::Case;
    }
    EditClass::Wording
}

/// The class that describes a whole change from its edits' classes:
/// the single class if all agree, otherwise wording.
pub fn change_class(classes: impl IntoIterator<Item = EditClass>) -> EditClass {
    let mut it = classes.into_iter();
    let Some(first) = it.next() else { return EditClass::Wording };
    if it.all(|c| c == first) {
        first
    } else {
        EditClass::Wording
    }
}

/// Counts of absorbed differences by rule.
pub type Absorbed = BTreeMap<Rule, usize>;

/// Walk two equal-key sequences and count the differences normalisation
/// absorbed. `old`/`new` must have equal key characters position by
/// position; if their lengths differ nothing is counted.
pub fn count_absorbed(old_text: &str, old: &[NChar], new_text: &str, new: &[NChar], counts: &mut Absorbed) {
    if old.len() != new.len() {
        return;
    }
    if same_layout(old_text, old, new_text, new) {
        // (The per-character count, in debug builds, finds nothing either.)
        if cfg!(debug_assertions) {
            let mut none = Absorbed::new();
            count_each(old_text, old, new_text, new, &mut none);
            debug_assert!(none.is_empty(), "same layout, yet {none:?}");
        }
        return;
    }
    count_each(old_text, old, new_text, new, counts);
}

/// [`count_absorbed`] character by character (lengths equal).
fn count_each(old_text: &str, old: &[NChar], new_text: &str, new: &[NChar], counts: &mut Absorbed) {
    for k in 0..old.len() {
        let prev_ends = (k > 0).then(|| (old[k - 1].end, new[k - 1].end));
        count_absorbed_at(old_text, &old[k], new_text, &new[k], prev_ends, counts);
    }
}

/// Do `old` and `new` (as many characters) stand for the same bytes laid
/// out alike: the stretches from each one's first character to its last
/// equal, and every character at the same offsets in its stretch? Then no
/// gap and no character differs and there is nothing to count. Most equal
/// pieces of a reworded sentence are such: one comparison of the stretch
/// instead of one (a `memcmp` call) per character and per gap.
fn same_layout(old_text: &str, old: &[NChar], new_text: &str, new: &[NChar]) -> bool {
    let (Some(a), Some(b), Some(a_last), Some(b_last)) = (old.first(), new.first(), old.last(), new.last()) else {
        return old.is_empty() && new.is_empty();
    };
    fn stretch(text: &str, from: u32, to: u32) -> Option<(&[u8], u32)> {
        Some((text.as_bytes().get(from as usize..to as usize)?, to - from))
    }
    let (Some((sa, len)), Some((sb, _))) =
        (stretch(old_text, a.start, a_last.end), stretch(new_text, b.start, b_last.end))
    else {
        return false;
    };
    // Offsets from the stretch's start, within it (a character before
    // the first one wraps past `len` and fails).
    let at = |c: &NChar, from: u32| {
        let (s, e) = (c.start.wrapping_sub(from), c.end.wrapping_sub(from));
        (s <= len && e <= len).then_some((s, e))
    };
    sa == sb && old.iter().zip(new).all(|(x, y)| at(x, a.start).is_some_and(|o| Some(o) == at(y, b.start)))
}

/// One position of [`count_absorbed`]: key characters `a` and `b` (equal
/// keys), and where the characters before them ended (`None` at the
/// start). Counts the gap before them and the characters themselves.
pub fn count_absorbed_at(
    old_text: &str,
    a: &NChar,
    new_text: &str,
    b: &NChar,
    prev_ends: Option<(u32, u32)>,
    counts: &mut Absorbed,
) {
    if let Some((pa, pb)) = prev_ends {
        let ga = &old_text[pa as usize..(a.start as usize).max(pa as usize)];
        let gb = &new_text[pb as usize..(b.start as usize).max(pb as usize)];
        if ga != gb {
            *counts.entry(gap_rule(ga, gb)).or_default() += 1;
        }
    }
    if a.source(old_text) != b.source(new_text) {
        *counts.entry(char_rule(a.rules | b.rules)).or_default() += 1;
    }
}

fn char_rule(bits: u16) -> Rule {
    const ORDER: [Rule; 9] = [
        Rule::Script,
        Rule::LineBreak,
        Rule::Quotes,
        Rule::Dashes,
        Rule::Case,
        Rule::Spacing,
        Rule::Width,
        Rule::Invisible,
        Rule::Punctuation,
    ];
    ORDER.into_iter().find(|r| bits & r.bit() != 0).unwrap_or(Rule::Width)
}

fn gap_rule(a: &str, b: &str) -> Rule {
    let both = || a.chars().chain(b.chars());
    if both().any(is_line_break) {
        Rule::LineBreak
    } else if both().any(|c| is_punct(c) && !c.is_whitespace()) {
        Rule::Punctuation
    } else if both().any(is_invisible) && both().all(is_invisible) {
        Rule::Invisible
    } else {
        Rule::Spacing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize_line, NormalizeOptions};

    /// The classes as the strings would give them: [`edit_class`] compares
    /// without building them, and must agree.
    fn edit_class_of_strings(old: &str, new: &str) -> EditClass {
        let all_punct = |s: &str| s.chars().all(|c| is_punct(c) || c.is_whitespace());
        if all_punct(old) && all_punct(new) {
            return EditClass::Punctuation;
        }
        let no_space = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let (a, b) = (no_space(old), no_space(new));
        if a == b {
            EditClass::Spacing
        } else if a.to_lowercase() == b.to_lowercase() {
            EditClass::Case
        } else {
            EditClass::Wording
        }
    }

    proptest::proptest! {
        /// The count of the whole stretch (with its shortcut for the same
        /// bytes laid out alike) is the count character by character, on
        /// texts of noise around a shared part at different offsets.
        #[test]
        fn the_stretch_is_counted_as_its_characters_are(
            before in "[中 ，,]{0,3}",
            old in "[中华 ，,“\"\u{3000}\u{200B}]{0,10}",
            flips in proptest::collection::vec(proptest::bool::ANY, 10),
        ) {
            // The new text: the old one with some characters swapped for
            // what normalisation makes of them (equal keys, other bytes).
            let other = |c: char| match c {
                '，' => ',',
                ',' => '，',
                '“' => '"',
                '"' => '“',
                ' ' => '\u{3000}',
                '\u{3000}' => ' ',
                '\u{200B}' => ' ',
                c => c,
            };
            let new: String = old.chars().zip(flips.iter().chain(std::iter::repeat(&false))).map(|(c, &f)| if f { other(c) } else { c }).collect();
            let o = NormalizeOptions::default();
            let a = format!("{before}{old}");
            let (x, y) = (normalize_line(&a, 0..a.len(), &o), normalize_line(&new, 0..new.len(), &o));
            let n = x.len().min(y.len());
            let (x, y) = (&x[x.len() - n..], &y[y.len() - n..]);
            proptest::prop_assume!(x.iter().map(|c| c.ch).eq(y.iter().map(|c| c.ch)));
            let (mut whole, mut each) = (Absorbed::new(), Absorbed::new());
            count_absorbed(&a, x, &new, y, &mut whole);
            count_each(&a, x, &new, y, &mut each);
            proptest::prop_assert_eq!(whole, each);
        }

        #[test]
        fn classes_agree_with_the_strings(
            old in "[aAbB σΣςİi̇ßẞ中华,，\u{3000}]{0,8}",
            new in "[aAbB σΣςİi̇ßẞ中华,，\u{3000}]{0,8}",
        ) {
            proptest::prop_assert_eq!(edit_class(&old, &new), edit_class_of_strings(&old, &new));
        }
    }

    #[test]
    fn classes_of_edits() {
        assert_eq!(edit_class("在华", "在中国"), EditClass::Wording);
        assert_eq!(edit_class("，", ","), EditClass::Punctuation);
        assert_eq!(edit_class("上 海", "上海"), EditClass::Spacing);
        assert_eq!(edit_class("Beijing", "BEIJING"), EditClass::Case);
        assert_eq!(edit_class("ΟΔΟΣ", "οδος"), edit_class_of_strings("ΟΔΟΣ", "οδος"));
    }

    fn absorbed(a: &str, b: &str) -> Absorbed {
        let o = NormalizeOptions::default();
        let (x, y) = (normalize_line(a, 0..a.len(), &o), normalize_line(b, 0..b.len(), &o));
        let mut c = Absorbed::new();
        count_absorbed(a, &x, b, &y, &mut c);
        c
    }

    #[test]
    fn a_tab_or_no_break_space_for_a_space_is_a_spacing_difference() {
        let spacing = Absorbed::from([(Rule::Spacing, 1)]);
        assert_eq!(absorbed("a\tb", "a b"), spacing);
        assert_eq!(absorbed("a\u{A0}b", "a b"), spacing);
        let keep = NormalizeOptions { spacing: false, ..NormalizeOptions::default() };
        let (a, b) = ("a\tb", "a b");
        let (x, y) = (normalize_line(a, 0..a.len(), &keep), normalize_line(b, 0..b.len(), &keep));
        let mut c = Absorbed::new();
        count_absorbed(a, &x, b, &y, &mut c);
        assert_eq!(c, spacing);
    }

    #[test]
    fn the_same_bytes_laid_out_alike_are_one_comparison() {
        let o = NormalizeOptions::default();
        let (a, b) = ("前文：在华 投资，兴业", "在华 投资，兴业");
        let (x, y) = (normalize_line(a, 0..a.len(), &o), normalize_line(b, 0..b.len(), &o));
        let x = &x[x.len() - y.len()..];
        assert!(same_layout(a, x, b, &y));
        // A half-width comma for the full-width one: other bytes, counted.
        let c = "在华 投资,兴业";
        let z = normalize_line(c, 0..c.len(), &o);
        assert!(!same_layout(b, &y, c, &z));
        let mut counts = Absorbed::new();
        count_absorbed(b, &y, c, &z, &mut counts);
        assert_eq!(counts, Absorbed::from([(Rule::Width, 1)]));
        // The space laid out elsewhere: the same characters, other gaps.
        let d = "在华投 资，兴业";
        let w = normalize_line(d, 0..d.len(), &o);
        assert!(!same_layout(b, &y, d, &w));
        assert!(same_layout("", &[], "", &[]));
    }

    #[test]
    fn only_a_real_ellipsis_is_unchanged_by_the_dash_rule() {
        assert!(absorbed("等等…", "等等…").is_empty());
        assert_eq!(absorbed("等等\u{FE19}", "等等…"), Absorbed::from([(Rule::Dashes, 1)]));
    }

    #[test]
    fn noise_is_counted_by_rule() {
        let c = absorbed("自 21 年前，“互联网+”", "自21年前,「互联网+」");
        assert_eq!(c.get(&Rule::Spacing), Some(&2));
        assert_eq!(c.get(&Rule::Width), Some(&1));
        assert_eq!(c.get(&Rule::Quotes), Some(&2));
        let c = absorbed("互\u{200B}联网", "互联网");
        assert_eq!(c.get(&Rule::Invisible), Some(&1));
        assert!(absorbed("同样", "同样").is_empty());
    }
}

#[cfg(test)]
mod examples {
    //! The examples that documented these items when they were public.

    #[test]
    fn edit_class_example() {
        use crate::classify::edit_class;
        use crate::report::EditClass;
        assert_eq!(edit_class("!", ""), EditClass::Punctuation);
        assert_eq!(edit_class("华", "中国"), EditClass::Wording);
        assert_eq!(edit_class("Chinawill", "China will"), EditClass::Spacing);
        assert_eq!(edit_class("internet", "Internet"), EditClass::Case);
    }
}
