//! Speech-recogniser transcripts: how tvdiff recognises one, and the filler
//! words a recogniser (or a verbatim transcriber) writes down.
//!
//! **Unpunctuated versions.** A recogniser's raw output has no punctuation
//! at all; compared with a punctuated transcript, every comma and full stop
//! would be reported. [`unpunctuated`] is a cheap scan of a version's text,
//! before segmentation: fewer than one punctuation mark per
//! [`KEYS_PER_MARK`] letters, digits and Han characters, in a text of at
//! least that many. Marks inside a word or a number (`don't`,
//! `well-known`, `6.7`, `1,300`, `10:30`) do not count: recognisers write
//! them. When either version is unpunctuated, [`crate::compare`] ignores
//! punctuation for the comparison (unless [`crate::Options::keep_punctuation`])
//! and says so in the report's options.
//!
//! **Filler words** (`um`, `uh`, `er`, `呃`, `嗯`, `啊`, `那个`, see
//! [`EN_FILLERS`] and [`ZH_FILLERS`]) are ignored with
//! [`crate::Options::ignore_fillers`] *after* the alignment, as a filter on
//! what is reported: an edit whose two sides differ only by filler words
//! (and the punctuation and capitals that go with them: `Um, we` / `We`)
//! is dropped and counted as absorbed under [`crate::Rule::Filler`]; a
//! changed sentence left with no edit, or an added or removed sentence of
//! fillers only, is an equal sentence. Filtering edits rather than
//! dropping fillers from the keys keeps the words that double as fillers
//! (`那个人`, "that person") in the comparison: only a `那个` that is the
//! whole difference goes.

use crate::chars::{is_han, is_punct};
use crate::diff::Row;
use crate::inline::{PackedPiece, PieceKind};
use crate::report::RowKind;
use crate::segment::{CharCursor, Document};

/// A version with fewer punctuation marks than one per this many letters,
/// digits and Han characters is taken as a recogniser's transcript.
pub const KEYS_PER_MARK: usize = 200;

/// English filler words (compared lower-cased, as whole words).
pub const EN_FILLERS: &[&str] =
    &["um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "eh", "hmm", "hm", "mm", "mhm", "huh", "uh-huh"];

/// Chinese filler words. Single characters are fillers wherever they stand
/// alone in an edit; `那个` only when it is the whole difference.
pub const ZH_FILLERS: &[&str] = &["呃", "嗯", "啊", "那个"];

/// Does `text` have (almost) no punctuation: fewer than one mark per
/// [`KEYS_PER_MARK`] key characters, and at least that many of them?
///
/// ```text
/// assert!(unpunctuated(&"we will open wider ".repeat(20)));
/// assert!(!unpunctuated(&"We will open wider. ".repeat(20)));
/// ```
pub(crate) fn unpunctuated(text: &str) -> bool {
    // Byte by byte: an ASCII byte is its character, classed without
    // Unicode's tables; other characters are decoded (a test holds this
    // equal to the character-by-character census).
    let b = text.as_bytes();
    let (mut keys, mut marks) = (0usize, 0usize);
    let mut prev = ' ';
    let mut pending: Option<char> = None; // a mark that may turn out to be inside a word
    let mut i = 0;
    let mut next_check = 4096;
    while i < b.len() {
        let (c, alnum, punct, len) = if b[i] < 0x80 {
            let x = b[i];
            (char::from(x), x.is_ascii_alphanumeric(), x.is_ascii_punctuation(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            let alnum = crate::chars::is_alnum(c);
            (c, alnum, !alnum && is_punct(c), c.len_utf8())
        };
        let at = i;
        i += len;
        if alnum {
            if let Some(m) = pending.take() {
                // Inside a word or a number: don't, well-known, 6.7, 1,300.
                let inside = match m {
                    '\'' | '’' | '-' => prev.is_alphanumeric() && !is_han(prev),
                    '.' | ',' | ':' => prev.is_ascii_digit() && c.is_ascii_digit(),
                    _ => false,
                };
                if !inside {
                    marks += 1;
                }
            }
            keys += 1;
        } else if punct {
            if pending.replace(c).is_some() {
                marks += 1;
            }
            continue;
        } else if pending.take().is_some() {
            marks += 1;
        }
        prev = c;
        // Punctuated for sure, whatever the rest holds (at most a key
        // character per byte): stop early, as on most texts.
        if at >= next_check {
            next_check = at + 4096;
            if marks * KEYS_PER_MARK >= keys + (text.len() - at) && keys >= KEYS_PER_MARK {
                return false;
            }
        }
    }
    marks += usize::from(pending.is_some());
    keys >= KEYS_PER_MARK && marks * KEYS_PER_MARK < keys
}

#[cfg(test)]
fn unpunctuated_by_chars(text: &str) -> bool {
    let (mut keys, mut marks) = (0usize, 0usize);
    let mut prev = ' ';
    let mut pending: Option<char> = None; // a mark that may turn out to be inside a word
    for (n, (at, c)) in text.char_indices().enumerate() {
        // Common Han characters and ASCII letters and digits first: most
        // of any text, and the general Unicode tables are slow.
        let alnum =
            matches!(c as u32, 0x4E00..=0x9FFF) || c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric());
        if alnum {
            if let Some(m) = pending.take() {
                // Inside a word or a number: don't, well-known, 6.7, 1,300.
                let inside = match m {
                    '\'' | '’' | '-' => prev.is_alphanumeric() && !is_han(prev),
                    '.' | ',' | ':' => prev.is_ascii_digit() && c.is_ascii_digit(),
                    _ => false,
                };
                if !inside {
                    marks += 1;
                }
            }
            keys += 1;
        } else if is_punct(c) {
            if pending.replace(c).is_some() {
                marks += 1;
            }
            continue;
        } else if pending.take().is_some() {
            marks += 1;
        }
        prev = c;
        // Punctuated for sure, whatever the rest holds (at most a key
        // character per byte): stop early, as on most texts.
        if n % 4096 == 4095 && marks * KEYS_PER_MARK >= keys + (text.len() - at) && keys >= KEYS_PER_MARK {
            return false;
        }
    }
    marks += usize::from(pending.is_some());
    keys >= KEYS_PER_MARK && marks * KEYS_PER_MARK < keys
}

/// The word tokens of a key (Han characters one by one, runs of other
/// letters and digits), lower-cased; punctuation and spaces separate.
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in key.chars() {
        if is_han(c) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(c.to_string());
        } else if c.is_alphanumeric() || (c == '-' && !cur.is_empty()) {
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // A hyphen only joins words (uh-huh), never ends one.
    for w in &mut out {
        while w.ends_with('-') {
            w.pop();
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// Is the (lower-case) word `w` an English filler, or a single-character
/// Chinese one?
pub(crate) fn is_filler_word(w: &str) -> bool {
    EN_FILLERS.contains(&w) || (w.chars().count() == 1 && ZH_FILLERS.contains(&w))
}

/// `words` with its filler words removed; how many were removed.
fn without_fillers(words: Vec<String>) -> (Vec<String>, usize) {
    let mut out = Vec::with_capacity(words.len());
    let mut removed = 0;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if is_filler_word(w) {
            removed += 1;
            i += 1;
            continue;
        }
        // Two-character Chinese fillers, as two Han tokens.
        let pair = words.get(i + 1).map(|n| format!("{w}{n}"));
        if pair.as_deref().is_some_and(|p| p.chars().count() == 2 && ZH_FILLERS.contains(&p)) {
            removed += 1;
            i += 2;
            continue;
        }
        out.push(w.clone());
        i += 1;
    }
    (out, removed)
}

/// Do the key texts `old` and `new` of an edit (or of a whole added or
/// removed sentence, with the other side empty) differ only by filler
/// words, with the punctuation and letter case around them?
///
/// ```text
/// assert!(filler_only("", "呃"));
/// assert!(filler_only("要", "呃要"));
/// assert!(filler_only("We", "Um, we"));
/// assert!(!filler_only("这个", "那个"));
/// assert!(!filler_only("go", "um went"));
/// assert!(!filler_only(",", ""));  // no filler at all: not this rule's business
/// ```
pub(crate) fn filler_only(old: &str, new: &str) -> bool {
    let (o, ro) = without_fillers(words(old));
    let (n, rn) = without_fillers(words(new));
    ro + rn > 0 && o == n
}

/// For each row of an alignment: how many filler edits it holds when it
/// holds nothing else (a changed sentence whose every edit is fillers, an
/// added or removed sentence of fillers only), else 0. Such rows are equal
/// sentences in the report.
pub(crate) fn filler_rows(old: &Document, new: &Document, rows: &[Row]) -> Vec<usize> {
    let (mut oc, mut nc) = (CharCursor::new(old), CharCursor::new(new));
    let key = |c: &[crate::normalize::NChar]| c.iter().map(|c| c.ch).collect::<String>();
    rows.iter()
        .map(|r| match r.kind {
            RowKind::Modified => {
                let o = key(oc.get(r.old_chars.get()));
                let n = key(nc.get(r.new_chars.get()));
                let (oi, ni) = (char_starts(&o), char_starts(&n));
                let edits: Vec<_> = PackedPiece::unpack_all(&r.pieces).filter(|p| p.kind != PieceKind::Equal).collect();
                let all = !edits.is_empty()
                    && edits
                        .iter()
                        .all(|p| filler_only(&o[oi[p.old.start]..oi[p.old.end]], &n[ni[p.new.start]..ni[p.new.end]]));
                if all {
                    edits.len()
                } else {
                    0
                }
            }
            RowKind::Added => usize::from(filler_only("", &key(nc.get(r.new_chars.get())))),
            RowKind::Removed => usize::from(filler_only(&key(oc.get(r.old_chars.get())), "")),
            _ => 0,
        })
        .collect()
}

/// Byte offset of every character of `s`, and of its end.
fn char_starts(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
}

#[cfg(test)]
mod census_tests {
    use super::*;

    /// The byte census answers as the character census on random texts
    /// of every class it tells apart, long enough to stop early or not.
    #[test]
    fn the_byte_census_agrees_with_the_character_census() {
        let alphabet: Vec<char> = "ab Z09.,:-'’中文〇é\u{3400}“”—!？。，x1 \n".chars().collect();
        let mut seed = 0x5DEE_CE66_D1CE_4E5Bu64;
        for round in 0..3_000 {
            let len = if round % 100 == 0 { 20_000 } else { (seed % 600) as usize };
            // Some texts mostly letters (few marks), some mostly marks.
            let letters_only = round % 3 == 0;
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let c = alphabet[(seed % alphabet.len() as u64) as usize];
                    if letters_only && !seed.is_multiple_of(97) && is_punct(c) {
                        'q'
                    } else {
                        c
                    }
                })
                .collect();
            assert_eq!(unpunctuated(&text), unpunctuated_by_chars(&text), "{text:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recogniser_output_has_no_punctuation() {
        assert!(unpunctuated(&"we will open wider to the world ".repeat(10)));
        assert!(!unpunctuated(&"We will open wider to the world. ".repeat(10)));
        // Marks inside words and numbers are a recogniser's too.
        assert!(unpunctuated(&"don't say it's a well-known 6.7 or 1,300 at 10:30 ".repeat(20)));
        assert!(unpunctuated(&"中国愿同各国一道推动网络空间互联互通 ".repeat(20)));
        assert!(!unpunctuated(&"中国愿同各国一道，推动网络空间互联互通。".repeat(20)));
        // Too short to tell.
        assert!(!unpunctuated("hello world"));
        // One mark in 400 key characters: still a recogniser's.
        let mut t = "abcd ".repeat(100);
        t.push('.');
        assert!(unpunctuated(&t));
    }

    #[test]
    fn fillers_are_whole_words_and_only_the_difference() {
        assert!(filler_only("", "呃"));
        assert!(filler_only("", "嗯，"));
        assert!(filler_only("要", "呃要"));
        assert!(filler_only("人", "那个人"));
        assert!(filler_only("We", "Um, we"));
        assert!(filler_only("will go", "will uh go"));
        assert!(filler_only("", "uh-huh"));
        assert!(!filler_only("这个", "那个"));
        assert!(!filler_only("go", "um went"));
        assert!(!filler_only(",", ""));
        assert!(!filler_only("", "umbrella"));
        assert!(!filler_only("金额", "金"));
    }
}
