//! Markdown: the rendered text, parsed with `pulldown-cmark` (CommonMark
//! with tables, footnotes, strikethrough, task lists and heading
//! attributes).
//!
//! - **Kept:** the text of paragraphs, headings, list items, block quotes,
//!   table cells, footnote definitions, link text, the text of code spans
//!   and the lines of code blocks, and the text inside raw HTML blocks
//!   (read as HTML, see [`super::html`]).
//! - **Not compared:** emphasis and strong markers, heading markers and
//!   `{#id}` attributes, link and image syntax (URLs, titles and image alt
//!   text), code-fence markers, list bullets and numbers, task-list boxes,
//!   table pipes and alignment rows, footnote reference markers, HTML
//!   comments and inline HTML tags, and front matter (a `---` YAML or `+++`
//!   TOML block at the very top of the file).
//! - **Breaks:** each block (paragraph, heading, list item, table cell,
//!   code block) is a paragraph, recorded as a hard break; a table's cells
//!   are separate paragraphs, so a row is never read as one sentence. A
//!   hard line break is a line break. A soft line break joins the lines
//!   (one space, or nothing between Chinese characters).

use super::decode::{self, DecodeOptions};
use super::format::Reading;
use super::origin::{Extracted, Origin};
use super::prose::Prose;
use crate::error::Error;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Read a Markdown file.
pub(crate) fn read(name: &str, bytes: &[u8], opts: &DecodeOptions) -> Result<Reading, Error> {
    let decoded = decode::decode(name, bytes, opts)?;
    let source = decoded.text.strip_prefix('\u{FEFF}').unwrap_or(&decoded.text);
    let body = strip_front_matter(source);
    let (text, breaks, headings) = render(body);
    Ok(Reading::decoded(Extracted { text, origin: Origin { breaks, headings, ..Origin::default() } }, &decoded))
}

/// The document without a `---` (YAML) or `+++` (TOML) block at the top.
/// An unclosed block is not front matter.
fn strip_front_matter(s: &str) -> &str {
    let body = s.trim_start_matches(['\n', '\r']);
    let first_end = body.find('\n').unwrap_or(body.len());
    let fence = body[..first_end].trim_end();
    let closers: &[&str] = match fence {
        "---" => &["---", "..."],
        "+++" => &["+++"],
        _ => return s,
    };
    let mut pos = first_end + 1;
    while pos < body.len() {
        let end = body[pos..].find('\n').map_or(body.len(), |e| pos + e);
        if closers.contains(&body[pos..end].trim_end()) {
            return &body[(end + 1).min(body.len())..];
        }
        pos = end + 1;
    }
    s
}

fn render(markdown: &str) -> (String, Vec<usize>, Vec<(usize, u8)>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut prose = Prose::default();
    // Inside an image: its alt text is not read.
    let mut image_depth = 0usize;
    let mut in_code_block = false;
    let mut html_block = String::new();
    let mut in_html_block = false;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Image { .. } => image_depth += 1,
                Tag::HtmlBlock => {
                    in_html_block = true;
                    html_block.clear();
                }
                Tag::CodeBlock(_) => {
                    in_code_block = true;
                    prose.paragraph();
                }
                Tag::Heading { level, .. } => {
                    prose.paragraph();
                    prose.heading(level as u8);
                }
                Tag::Paragraph
                | Tag::BlockQuote(_)
                | Tag::Item
                | Tag::TableCell
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition => prose.paragraph(),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Image => image_depth = image_depth.saturating_sub(1),
                TagEnd::HtmlBlock => {
                    in_html_block = false;
                    prose.paragraph();
                    super::html::push_fragment(&html_block, &mut prose);
                    prose.paragraph();
                }
                TagEnd::CodeBlock => {
                    in_code_block = false;
                    prose.paragraph();
                }
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition => prose.paragraph(),
                _ => {}
            },
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) if image_depth == 0 => {
                if in_code_block {
                    let mut lines = t.split('\n').peekable();
                    while let Some(line) = lines.next() {
                        prose.push(line.trim_end_matches('\r'));
                        if lines.peek().is_some() {
                            prose.line_break();
                        }
                    }
                } else {
                    prose.push(&t);
                }
            }
            Event::Html(h) if in_html_block => html_block.push_str(&h),
            Event::SoftBreak => prose.soft_break(),
            Event::HardBreak => prose.line_break(),
            Event::Rule => prose.paragraph(),
            // Inline HTML tags and comments, footnote markers, task boxes.
            _ => {}
        }
    }
    prose.finish_with_headings()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        read("t.md", s.as_bytes(), &DecodeOptions::default()).unwrap().extracted.text
    }

    #[test]
    fn markup_is_not_text() {
        let src = "---\ntitle: x\n---\n<!-- a comment -->\n# 在第二届世界互联网大会开幕式上的讲话 {#t}\n\n\
                   *(2015年12月16日,乌镇)*\n\n**中华人民共和国主席** 习近平\n\n\
                   欢迎各位嘉宾来到美丽的[乌镇](https://x.org \"t\"),共商\n世界互联网发展大计。\n\n\
                   Visit `code` and <span>inline</span> ![alt text](i.png) now[^1].\n\n[^1]: A note.\n";
        assert_eq!(
            md(src),
            "在第二届世界互联网大会开幕式上的讲话\n\n(2015年12月16日,乌镇)\n\n中华人民共和国主席 习近平\n\n\
             欢迎各位嘉宾来到美丽的乌镇,共商世界互联网发展大计。\n\nVisit code and inline  now.\n\nA note.\n"
        );
    }

    #[test]
    fn lists_tables_code_and_html_blocks() {
        let src = "+++\na = 1\n+++\n- one\n- [x] two\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n```rust\nlet x = 1;\nlet y;\n```\n\n<div align=center>\n<b>Bold</b> &amp; more\n</div>\n\nEnd  \nhard\n";
        let e = read("t.md", src.as_bytes(), &DecodeOptions::default()).unwrap().extracted;
        assert_eq!(e.text, "one\n\ntwo\n\na\n\nb\n\n1\n\n2\n\nlet x = 1;\nlet y;\n\nBold & more\n\nEnd\nhard\n");
        let starts: Vec<&str> = e.origin.breaks.iter().map(|&b| &e.text[b..b + 1]).collect();
        assert_eq!(starts, ["o", "t", "a", "b", "1", "2", "l", "l", "B", "E", "h"]);
    }

    #[test]
    fn a_horizontal_rule_pair_is_not_front_matter() {
        assert_eq!(md("Intro\n\n---\ntext\n---\n"), "Intro\n\ntext\n");
        assert_eq!(strip_front_matter("---\nunclosed"), "---\nunclosed");
    }
}
