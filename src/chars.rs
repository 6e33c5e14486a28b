//! Character classes shared by every stage.
//!
//! Transcripts mix scripts, so almost every decision tvdiff makes ("is this a
//! Chinese line?", "may a space be dropped here?", "is this edit only
//! punctuation?") comes down to a few questions about single characters. They
//! are answered here, once, so that the stages agree with each other.
//!
//! The ranges are deliberately simple: Unicode blocks rather than full script
//! properties. They cover the scripts transcripts are written in; anything
//! else is treated as "other", which is always the conservative choice (an
//! "other" character is never dropped and never folded).

/// Is `c` a Han ideograph (CJK Unified Ideographs, extensions, compatibility
/// ideographs) or the ideographic iteration marks `々` / `〇`?
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2EBEF
        | 0x2F800..=0x2FA1F
        | 0x30000..=0x323AF)
}

/// Is `c` part of text written without spaces between words: Han, kana and
/// the CJK punctuation and full-width forms that go with them?
///
/// A space next to such a character carries no meaning (`自 21 年前` reads
/// the same as `自21年前`), so the normaliser may drop it.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x3000..=0x303F      // CJK symbols and punctuation
            | 0x3040..=0x30FF    // hiragana, katakana
            | 0x31F0..=0x31FF    // katakana extensions
            | 0xFE30..=0xFE4F    // CJK compatibility forms
            | 0xFF01..=0xFF60    // full-width ASCII variants
            | 0xFF61..=0xFF9F    // half-width CJK punctuation, katakana
        )
}

/// Is `c` a Latin letter (ASCII or accented)?
pub fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF) && c != '\u{00D7}' && c != '\u{00F7}'
}

/// Is `c` a letter or digit that belongs to a word (any script)?
#[inline]
pub fn is_word_char(c: char) -> bool {
    c == '_' || is_alnum(c)
}

/// `char::is_alphanumeric`, with ASCII, the common Han block (all
/// letters) and the punctuation blocks of Chinese text (`、《》…—` and the
/// full-width marks, none of them letters or digits) answered before
/// Unicode's tables are consulted: the tables are slow for anything but
/// ASCII, and a Chinese book asks this of every character. (A test holds it
/// equal to `char::is_alphanumeric` on every character.)
#[inline]
pub(crate) fn is_alnum(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0x4E00..=0x9FFF => true,
        0x2000..=0x206F
        | 0x3000..=0x3004
        | 0x3008..=0x3020
        | 0xFF01..=0xFF0F
        | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65 => false,
        _ => c.is_alphanumeric(),
    }
}

/// Is `c` punctuation (ASCII, general, CJK or full-width)?
///
/// Symbols such as `+`, `%` or `$` count as punctuation too: in a transcript
/// they are part of the typography, not of the wording.
pub fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    if is_alnum(c) || c.is_whitespace() {
        return false;
    }
    matches!(c as u32,
        0x00A1..=0x00BF
        | 0x00D7 | 0x00F7
        | 0x2010..=0x2027 | 0x2030..=0x205E
        | 0x2190..=0x23FF
        | 0x2500..=0x257F
        | 0x2E00..=0x2E7F
        | 0x3001..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x303D
        | 0x30FB
        | 0xFE10..=0xFE1F | 0xFE30..=0xFE6F
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// Is `c` an invisible formatting character that sources add or drop at
/// will: zero-width space/joiners, word joiner, byte-order mark, soft hyphen,
/// bidirectional marks and isolates, variation-selector-free format marks?
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180E
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0x3164 | 0xFEFF | 0xFFA0)
}

/// Is `c` a line terminator? (`\n`, `\r`, and the Unicode line/paragraph
/// separators.)
pub fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// The dominant script of a piece of text, as used by `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Mostly Han characters (Chinese).
    Han,
    /// Mostly Latin letters (English and other Western languages).
    Latin,
    /// Neither: digits, punctuation, blank, other scripts.
    Neutral,
}

/// Decide the dominant script of `text`.
///
/// A Han character carries roughly as much text as a short Latin word, so a
/// Han character weighs as much as three Latin letters; `使用Internet计划`
/// is therefore Chinese, `the 中国 model of growth` is English.
pub fn dominant_script(text: &str) -> Script {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if is_latin(c) {
            latin += 1;
        }
    }
    if han == 0 && latin == 0 {
        Script::Neutral
    } else if han * 3 >= latin {
        Script::Han
    } else {
        Script::Latin
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_chars_agree_with_unicode() {
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            assert_eq!(super::is_alnum(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(super::is_word_char(c), c.is_alphanumeric() || c == '_', "{c:?}");
        }
    }

    use super::*;

    #[test]
    fn classes_of_seed_characters() {
        for c in "，。！？；：、“”（）《》—…".chars() {
            assert!(is_punct(c), "{c} should be punctuation");
            assert!(!is_han(c), "{c} is not Han");
        }
        for c in "在华中国传统的".chars() {
            assert!(is_han(c) && is_cjk(c) && !is_punct(c));
        }
        assert!(is_cjk('，') && is_cjk('。'));
        assert!(!is_cjk('a') && !is_cjk('1'));
        assert!(is_latin('é') && !is_latin('×'));
    }

    #[test]
    fn mixed_lines_take_the_dominant_script() {
        assert_eq!(dominant_script("95. 习近平在世界互联网大会上发表主旨演讲"), Script::Han);
        assert_eq!(dominant_script("Dr. Klaus Schwab,"), Script::Latin);
        assert_eq!(dominant_script("“互联网+”行动计划"), Script::Han);
        assert_eq!(dominant_script(""), Script::Neutral);
    }
}

#[cfg(test)]
mod examples {
    //! The examples that documented these items when they were public.

    #[test]
    fn is_han_example() {
        assert!(crate::chars::is_han('华'));
        assert!(!crate::chars::is_han('，'));
        assert!(!crate::chars::is_han('a'));
    }

    #[test]
    fn is_punct_example() {
        use crate::chars::is_punct;
        assert!(is_punct('！') && is_punct('!') && is_punct('。') && is_punct('“'));
        assert!(!is_punct('华') && !is_punct('a') && !is_punct('7'));
    }

    #[test]
    fn is_invisible_example() {
        assert!(crate::chars::is_invisible('\u{200B}'));
        assert!(crate::chars::is_invisible('\u{FEFF}'));
        assert!(!crate::chars::is_invisible(' '));
    }

    #[test]
    fn dominant_script_example() {
        use crate::chars::{dominant_script, Script};
        assert_eq!(dominant_script("尊敬的侯赛因总统，"), Script::Han);
        assert_eq!(dominant_script("President Mamnoon Hussain,"), Script::Latin);
        assert_eq!(dominant_script("10:30"), Script::Neutral);
    }
}
