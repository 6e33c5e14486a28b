//! Building extracted text out of pieces: the one place that decides how
//! pieces of a document (caption lines, Markdown soft breaks, HTML text
//! nodes, Word runs) are joined, so every reader joins them alike.
//!
//! - Pieces separated by a soft break (a line end inside a paragraph, a cue
//!   boundary, a run of HTML white space) are joined with one space between
//!   Latin text, and with nothing when either side is Chinese or Japanese
//!   (`乌镇,` + `共商` → `乌镇,共商`): a space there would be noise.
//! - A word split across a soft break with a hyphen (`inter-` + `national`:
//!   a letter, `-`, then a lower-case letter) is rejoined without the
//!   hyphen. A genuine compound split at that place (`non-` + `governmental`)
//!   loses its hyphen too; that is the price of rejoining real splits.
//! - Paragraphs (headings, list items, table cells, …) are separated by a
//!   blank line and each paragraph start is recorded as a hard break.
//! - A line break inside a paragraph (`<br>`, a Markdown hard break) is a
//!   `\n` and is recorded as a hard break too.

use crate::chars::is_cjk;

/// Accumulates extracted text.
#[derive(Debug, Default)]
pub(crate) struct Prose {
    text: String,
    breaks: Vec<usize>,
    /// Heading starts and their levels (1 = the top).
    headings: Vec<(usize, u8)>,
    /// The next piece starts a heading of this level.
    heading: Option<u8>,
    /// A soft break is pending between the text so far and the next piece.
    soft: bool,
    /// A space is pending (white space between inline HTML elements).
    space: bool,
    /// The pending soft break joins without a space whatever the letters
    /// (Chinese running text cut inside a number or a Latin word).
    tight: bool,
    /// A break is pending before the next piece.
    hard: Option<Break>,
}

/// A break between two pieces that is more than a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    /// A blank line; a hard break.
    Paragraph,
    /// A line break; a hard break.
    Line,
    /// A line break that is not a hard break (a pause in captions): the
    /// segmenter may run a sentence across it.
    Pause,
}

impl Break {
    fn text(self) -> &'static str {
        match self {
            Break::Paragraph => "\n\n",
            Break::Line | Break::Pause => "\n",
        }
    }
}

/// Should two pieces of text meeting at a soft break be joined without a
/// space? True when either side is CJK.
pub(crate) fn joins_tight(before: char, after: char) -> bool {
    is_cjk(before) || is_cjk(after)
}

/// `s` ends with a hyphen that splits a word: a letter then `-`.
fn ends_with_split_word(s: &str) -> bool {
    let mut it = s.chars().rev();
    it.next() == Some('-') && it.next().is_some_and(char::is_alphabetic)
}

impl Prose {
    /// Append text within the current paragraph (starting one if needed).
    /// White space inside `piece` is kept as it is; use [`Prose::push_words`]
    /// to collapse it.
    pub fn push(&mut self, piece: &str) {
        if piece.is_empty() {
            return;
        }
        let first = piece.chars().next().unwrap_or(' ');
        match self.hard.take() {
            Some(b) if !self.text.is_empty() => {
                self.text.push_str(b.text());
                if b != Break::Pause {
                    self.breaks.push(self.text.len());
                }
                self.soft = false;
                self.space = false;
                self.tight = false;
            }
            _ if self.text.is_empty() => {
                self.breaks.push(0);
                self.soft = false;
            }
            _ => {}
        }
        if std::mem::take(&mut self.space) && !self.text.is_empty() && !self.text.ends_with(char::is_whitespace) {
            self.soft = false;
            self.text.push(' ');
        }
        let tight = std::mem::take(&mut self.tight);
        if std::mem::take(&mut self.soft) && !self.text.is_empty() && !tight {
            let last = self.text.chars().next_back().unwrap_or(' ');
            if ends_with_split_word(&self.text) && first.is_lowercase() {
                self.text.pop();
            } else if !last.is_whitespace() && !first.is_whitespace() && !joins_tight(last, first) {
                self.text.push(' ');
            }
        }
        if let Some(level) = self.heading.take() {
            self.headings.push((self.text.len(), level));
        }
        self.text.push_str(piece);
    }

    /// The next paragraph is a heading of `level` (1–6 in Markdown and
    /// HTML, 1–9 in Word; 1 is the top). Call it after the break that
    /// starts the heading's paragraph; the break that ends it forgets a
    /// heading with no text.
    pub fn heading(&mut self, level: u8) {
        self.heading = Some(level.max(1));
    }

    /// Append text whose white space is not to be kept as it is (HTML
    /// text, a caption line): a run of white space with a line break in it
    /// is a soft break (one space, or nothing next to CJK text), a run
    /// without one is a single space, and leading and trailing runs are soft
    /// breaks.
    pub fn push_words(&mut self, piece: &str) {
        let mut rest = piece;
        let mut first = true;
        loop {
            let start = rest.len() - rest.trim_start_matches(is_space).len();
            if start > 0 {
                let run = &rest[..start];
                rest = &rest[start..];
                if run.contains(['\n', '\r']) {
                    self.soft_break();
                } else if first || rest.is_empty() {
                    self.space();
                } else {
                    self.push(" ");
                }
            }
            if rest.is_empty() {
                break;
            }
            first = false;
            let end = rest.find(is_space).unwrap_or(rest.len());
            self.push(&rest[..end]);
            rest = &rest[end..];
        }
    }

    /// A space before the next piece, unless it starts a line or paragraph
    /// (HTML white space between inline elements).
    pub fn space(&mut self) {
        if !self.text.is_empty() && self.hard.is_none() {
            self.space = true;
        }
    }

    /// A break inside Chinese running text before the next piece: nothing
    /// is put between the pieces (`6` + `.7亿` → `6.7亿`).
    pub fn tight_break(&mut self) {
        if !self.text.is_empty() && self.hard.is_none() {
            self.soft = true;
            self.tight = true;
        }
    }

    /// A soft break before the next piece (see the module docs).
    pub fn soft_break(&mut self) {
        if !self.text.is_empty() && self.hard.is_none() {
            self.soft = true;
        }
    }

    /// A line break (recorded as a hard break) before the next piece.
    pub fn line_break(&mut self) {
        if !self.text.is_empty() && self.hard.is_none_or(|b| b == Break::Pause) {
            self.hard = Some(Break::Line);
        }
    }

    /// A line break that is not a hard break (a pause) before the next
    /// piece, unless a stronger break is pending.
    pub fn pause(&mut self) {
        if !self.text.is_empty() && self.hard.is_none() {
            self.hard = Some(Break::Pause);
        }
    }

    /// End the current paragraph: the next piece starts a new one.
    pub fn paragraph(&mut self) {
        if !self.text.is_empty() {
            self.hard = Some(Break::Paragraph);
        }
        // A heading that ended without text labels nothing.
        self.heading = None;
    }

    /// Is the next piece the first of a paragraph (or of the text)?
    pub fn at_paragraph_start(&self) -> bool {
        self.text.is_empty() || self.hard == Some(Break::Paragraph)
    }

    /// Byte length of the text so far (where the next piece would go, not
    /// counting a pending break).
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Where the next piece will start once pending breaks are written.
    pub fn next_start(&self, first: char) -> usize {
        match self.hard {
            Some(b) if !self.text.is_empty() => self.text.len() + b.text().len(),
            _ if self.space && !self.text.is_empty() && !self.text.ends_with(char::is_whitespace) => {
                self.text.len() + 1
            }
            _ if self.soft && self.tight => self.text.len(),
            _ if self.soft => {
                let last = self.text.chars().next_back().unwrap_or(' ');
                if ends_with_split_word(&self.text) && first.is_lowercase() {
                    self.text.len() - 1
                } else if !joins_tight(last, first) && !last.is_whitespace() {
                    self.text.len() + 1
                } else {
                    self.text.len()
                }
            }
            _ => self.text.len(),
        }
    }

    /// The text so far.
    #[cfg(test)]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text (ending with one `\n` if it has any) and the hard breaks.
    pub fn finish(self) -> (String, Vec<usize>) {
        let (text, breaks, _) = self.finish_with_headings();
        (text, breaks)
    }

    /// [`Prose::finish`], and where headings start, with their levels.
    pub fn finish_with_headings(mut self) -> (String, Vec<usize>, Vec<(usize, u8)>) {
        let trimmed = self.text.trim_end().len();
        self.text.truncate(trimmed);
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.breaks.retain(|&b| b < self.text.len());
        self.headings.retain(|&(b, _)| b < self.text.len());
        (self.text, self.breaks, self.headings)
    }
}

/// HTML/XML white space and the other ASCII spaces.
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

#[cfg(test)]
mod tests {
    #[test]
    fn headings_are_where_their_text_starts_and_empty_ones_label_nothing() {
        let mut p = super::Prose::default();
        p.paragraph();
        p.heading(1);
        p.push("Title");
        p.paragraph();
        p.paragraph();
        p.heading(2);
        p.paragraph(); // an empty heading
        p.push("Body text.");
        p.paragraph();
        p.heading(3);
        p.push("Part");
        let (text, _, headings) = p.finish_with_headings();
        assert_eq!(text, "Title\n\nBody text.\n\nPart\n");
        assert_eq!(headings, [(0, 1), (text.find("Part").unwrap(), 3)]);
    }

    use super::*;

    #[test]
    fn latin_pieces_get_a_space_and_cjk_pieces_none() {
        let mut p = Prose::default();
        p.push_words("  Hello\n  world ");
        p.push_words("again.");
        p.paragraph();
        p.push_words("欢迎各位嘉宾来到美丽的乌镇,\n");
        p.push_words("共商世界互联网发展大计。 English");
        p.line_break();
        p.push("inter-");
        p.soft_break();
        p.push("national well-");
        p.soft_break();
        p.push("Known");
        let (text, breaks) = p.finish();
        assert_eq!(text, "Hello world again.\n\n欢迎各位嘉宾来到美丽的乌镇,共商世界互联网发展大计。 English\ninternational well- Known\n");
        let starts: Vec<char> = breaks.iter().map(|&b| text[b..].chars().next().unwrap()).collect();
        assert_eq!(starts, ['H', '欢', 'i']);
    }

    #[test]
    fn next_start_predicts_where_a_piece_goes() {
        let mut p = Prose::default();
        assert_eq!(p.next_start('a'), 0);
        p.push("abc");
        p.soft_break();
        assert_eq!(p.next_start('d'), 4);
        assert_eq!(p.next_start('中'), 3);
        p.push("def");
        p.paragraph();
        assert_eq!(p.next_start('x'), 9);
        p.push("x");
        assert_eq!(p.as_str(), "abc def\n\nx");
    }
}
