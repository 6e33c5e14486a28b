//! HTML pages: the main content's text, without the page's furniture.
//!
//! The page is parsed with html5ever (through `scraper`), as a browser
//! would, so entities are decoded (`&nbsp;` becomes a space) and broken
//! markup is repaired the standard way. Then:
//!
//! - **The main content** is the first `<main>` (or `role="main"`), else
//!   the `<article>` with the most text, else the `<body>` narrowed to its
//!   densest block: while one container child (`div`, `section`, …) holds
//!   at least 70% of the text, the reader descends into it, leaving
//!   sidebars and comment blocks behind. When the chosen element has no
//!   text the whole body is used.
//! - **Never text:** `<script>`, `<style>`, `<noscript>`, `<template>`,
//!   `<head>`, comments, `<nav>`, `<aside>`, `<form>` and its controls,
//!   `<svg>`, `<iframe>`, elements that are `hidden` or `aria-hidden`,
//!   navigation/banner/complementary/contentinfo/search roles, elements
//!   whose class or id says they are furniture (`nav`, `menu`, `sidebar`,
//!   `breadcrumb`, `share`, `comments`, `related`, `cookie`, …), every
//!   `<footer>`, and `<header>` outside `<main>`/`<article>` (inside them a
//!   header holds the title, which is kept). Image `alt` text is not read.
//! - **Breaks:** block elements (`p`, `div`, headings, list items, table
//!   cells, `blockquote`, …) are paragraphs; `<br>` is a line break; both
//!   are recorded as hard breaks. `<pre>` keeps its lines.
//! - **White space** collapses as in a browser: a run of spaces is one
//!   space, and a line break in the source between two Chinese characters
//!   is dropped.
//! - **Encoding:** a byte-order mark, else UTF-8 if the bytes are valid
//!   UTF-8, else the `<meta charset>` / `http-equiv` declaration in the
//!   first 1024 bytes, else detection ([`super::decode`]); `--encoding`
//!   overrides all of them.

use super::decode::{self, DecodeOptions};
use super::format::Reading;
use super::origin::{Extracted, Origin};
use super::prose::Prose;
use crate::error::Error;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};
use std::collections::HashMap;

/// Does the content start like an HTML page?
pub(crate) fn sniff(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let head = &b[start..b.len().min(start + 15)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html")
}

/// Read an HTML page.
pub(crate) fn read(name: &str, bytes: &[u8], opts: &DecodeOptions) -> Result<Reading, Error> {
    let decoded = decode_page(name, bytes, opts)?;
    let page = decoded.text.strip_prefix('\u{FEFF}').unwrap_or(&decoded.text);
    let doc = Html::parse_document(page);
    let mut prose = Prose::default();
    let root = main_content(&doc);
    push_text(root, root_keeps_header(root), &mut prose);
    let (text, breaks, headings) = prose.finish_with_headings();
    Ok(Reading::decoded(Extracted { text, origin: Origin { breaks, headings, ..Origin::default() } }, &decoded))
}

/// Append the text of an HTML fragment (a Markdown HTML block) to `prose`.
pub(crate) fn push_fragment(html: &str, prose: &mut Prose) {
    let doc = Html::parse_fragment(html);
    push_text(doc.tree.root(), true, prose);
}

fn decode_page(name: &str, bytes: &[u8], opts: &DecodeOptions) -> Result<decode::Decoded, Error> {
    let has_bom = encoding_rs::Encoding::for_bom(bytes).is_some();
    if opts.encoding.is_none() && !has_bom && std::str::from_utf8(bytes).is_err() {
        if let Some(label) = meta_charset(bytes) {
            let o = DecodeOptions { encoding: Some(label), ..opts.clone() };
            return decode::decode(name, bytes, &o);
        }
    }
    decode::decode(name, bytes, opts)
}

/// The encoding a page declares in its first 1024 bytes, if encoding_rs
/// knows the label: `<meta charset="gbk">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(i) = rest.find("<meta") {
        let tag_end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
        let tag = &rest[i..tag_end];
        if let Some(c) = tag.find("charset") {
            let value = tag[c + 7..].trim_start().strip_prefix('=')?.trim_start();
            let value = value.trim_start_matches(['"', '\'']);
            let label: String =
                value.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')).collect();
            if encoding_rs::Encoding::for_label(label.as_bytes()).is_some() {
                return Some(label);
            }
        }
        rest = &rest[tag_end..];
    }
    None
}

/// Elements whose content is never text.
fn never_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "nav"
            | "aside"
            | "form"
            | "button"
            | "select"
            | "option"
            | "textarea"
            | "input"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "menu"
            | "dialog"
            | "audio"
            | "video"
            | "map"
            | "footer"
            | "rt"
            | "rp"
    )
}

/// Class or id words that mark page furniture.
const FURNITURE_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "masthead",
    "cookie",
    "cookies",
    "share",
    "sharing",
    "social",
    "comments",
    "related",
    "advert",
    "advertisement",
    "ads",
    "subscribe",
    "newsletter",
    "popup",
    "modal",
    "toolbar",
    "pagination",
    "widget",
    "skiplink",
];

/// Is this element furniture, whose text is never compared?
fn is_furniture(el: &scraper::node::Element, keep_header: bool) -> bool {
    let name = el.name();
    if never_text(name) || (name == "header" && !keep_header) {
        return true;
    }
    if el.attr("hidden").is_some() || el.attr("aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return true;
    }
    if let Some(role) = el.attr("role") {
        let role = role.to_ascii_lowercase();
        if ["navigation", "banner", "complementary", "contentinfo", "search", "menu", "menubar", "dialog"]
            .contains(&role.as_str())
        {
            return true;
        }
    }
    if matches!(name, "body" | "html" | "main" | "article") {
        return false;
    }
    let words = |v: Option<&str>| -> bool {
        v.is_some_and(|v| {
            v.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
                .any(|w| FURNITURE_WORDS.contains(&w.to_ascii_lowercase().as_str()))
        })
    };
    words(el.attr("class")) || words(el.attr("id"))
}

/// Block elements: their start and end are paragraph breaks.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "figure"
            | "figcaption"
            | "address"
            | "table"
            | "caption"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "hr"
            | "details"
            | "summary"
            | "center"
            | "fieldset"
            | "legend"
            | "body"
    )
}

/// Containers the densest-block search may descend into.
fn is_container(name: &str) -> bool {
    matches!(
        name,
        "div" | "section" | "article" | "main" | "center" | "td" | "table" | "tbody" | "tr" | "font" | "span"
    )
}

fn element_name(node: NodeRef<'_, Node>) -> Option<&str> {
    node.value().as_element().map(|e| e.name())
}

/// Inside a `<main>` or `<article>`, a `<header>` holds the title.
fn root_keeps_header(root: NodeRef<Node>) -> bool {
    root.ancestors().chain([root]).any(|n| matches!(element_name(n), Some("main" | "article")))
        || root.value().as_element().is_some_and(|e| e.attr("role") == Some("main"))
}

/// Characters of text under each element, furniture excluded.
fn text_sizes(root: NodeRef<Node>, keep_header: bool) -> HashMap<NodeId, usize> {
    let mut sizes = HashMap::new();
    let mut stack: Vec<(NodeId, usize)> = Vec::new();
    let mut skip_depth = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) => {
                    if skip_depth > 0 || is_furniture(e, keep_header) {
                        skip_depth += 1;
                    } else {
                        stack.push((n.id(), 0));
                    }
                }
                Node::Text(t) if skip_depth == 0 => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                _ => {}
            },
            Edge::Close(n) => {
                if n.value().is_element() {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                    } else if let Some((id, size)) = stack.pop() {
                        sizes.insert(id, size);
                        if let Some(parent) = stack.last_mut() {
                            parent.1 += size;
                        }
                    }
                }
            }
        }
    }
    sizes
}

/// The element whose text is compared (see the module docs).
fn main_content(doc: &Html) -> NodeRef<'_, Node> {
    let root = doc.tree.root();
    let body = root.descendants().find(|n| element_name(*n) == Some("body")).unwrap_or_else(|| *doc.root_element());
    let all = text_sizes(body, false);
    let main = body.descendants().find(|n| {
        n.value()
            .as_element()
            .is_some_and(|e| e.name() == "main" || e.attr("role").is_some_and(|r| r.eq_ignore_ascii_case("main")))
    });
    let chosen = main.or_else(|| {
        let sizes = text_sizes(body, true);
        body.descendants()
            .filter(|n| element_name(*n) == Some("article"))
            .max_by_key(|n| (sizes.get(&n.id()).copied().unwrap_or(0), std::cmp::Reverse(n.id())))
    });
    if let Some(c) = chosen {
        if text_sizes(c, true).get(&c.id()).copied().unwrap_or(0) > 0 {
            return c;
        }
    }
    // The densest block of the body.
    let mut current = body;
    loop {
        let total = all.get(&current.id()).copied().unwrap_or(0);
        let best = current
            .children()
            .filter(|c| element_name(*c).is_some_and(is_container))
            .max_by_key(|c| all.get(&c.id()).copied().unwrap_or(0));
        match best {
            Some(b) if total > 0 && all.get(&b.id()).copied().unwrap_or(0) * 10 >= total * 7 => current = b,
            _ => return current,
        }
    }
}

/// Append the text under `root` to `prose`.
fn push_text(root: NodeRef<Node>, keep_header: bool, prose: &mut Prose) {
    let mut skip_depth = 0usize;
    let mut pre_depth = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) => {
                    if skip_depth > 0 || (n.id() != root.id() && is_furniture(e, keep_header)) {
                        skip_depth += 1;
                        continue;
                    }
                    let name = e.name();
                    if name == "br" {
                        prose.line_break();
                    } else if is_block(name) {
                        prose.paragraph();
                    }
                    if let Some(level) = heading_level(name) {
                        prose.heading(level);
                    }
                    if name == "pre" {
                        pre_depth += 1;
                    }
                }
                Node::Text(t) if skip_depth == 0 => {
                    let t = t.replace('\u{A0}', " ");
                    if pre_depth > 0 {
                        push_lines(&t, prose);
                    } else {
                        prose.push_words(&t);
                    }
                }
                _ => {}
            },
            Edge::Close(n) => {
                if let Node::Element(e) = n.value() {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                        continue;
                    }
                    if e.name() == "pre" {
                        pre_depth = pre_depth.saturating_sub(1);
                    }
                    if is_block(e.name()) {
                        prose.paragraph();
                    }
                }
            }
        }
    }
}

/// The level of a heading element: `h1` → 1 … `h6` → 6.
fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// Preformatted text: its lines as they are.
fn push_lines(text: &str, prose: &mut Prose) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            prose.line_break();
        }
        prose.push(line.trim_end_matches('\r'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        read("t.html", html.as_bytes(), &DecodeOptions::default()).unwrap().extracted.text
    }

    #[test]
    fn furniture_scripts_comments_and_entities() {
        let page = "<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body>\
            <header><a href=/>Site</a></header><nav><a>首页</a></nav><!-- 注释 -->\
            <script>var x = '在华';</script><h1>标题</h1><p>中华人民共和国主席&nbsp;习近平</p>\
            <p>&ldquo;凡益之道,与时偕行。&rdquo;&#20114;&#x8054;网\n是人类</p>\
            <p>Line one<br>line&amp;two</p><aside>Related</aside><div class=\"share-box\">Share</div>\
            <footer>&copy; 2015</footer></body></html>";
        assert_eq!(
            text(page),
            "标题\n\n中华人民共和国主席 习近平\n\n“凡益之道,与时偕行。”互联网是人类\n\nLine one\nline&two\n"
        );
    }

    #[test]
    fn main_or_article_is_preferred_and_its_header_kept() {
        let page = "<html><body><div class=top>Top bar text that is long enough</div>\
            <article><header><h1>Title</h1></header><p>Body text.</p><footer>Tags</footer></article>\
            <article><p>Short</p></article></body></html>";
        assert_eq!(text(page), "Title\n\nBody text.\n");
        let page = "<html><body><p>Outside main</p><div role=main><p>Inside</p></div></body></html>";
        assert_eq!(text(page), "Inside\n");
    }

    #[test]
    fn the_densest_block_leaves_sidebars_behind() {
        let body = "<p>A long paragraph of the story, with many words in it. </p>".repeat(10);
        let page = format!(
            "<html><body><div id=wrap><div class=content>{body}</div><div class=links>Other site links here</div></div></body></html>"
        );
        let t = text(&page);
        assert!(t.starts_with("A long paragraph") && !t.contains("Other site"), "{t}");
    }

    #[test]
    fn meta_charset_decodes_legacy_pages() {
        let (gbk, _, _) = encoding_rs::GBK
            .encode("<html><head><meta charset=\"gb2312\"></head><body><p>互联网是人类的共同家园。</p></body></html>");
        assert_eq!(
            read("g.html", &gbk, &DecodeOptions::default()).unwrap().extracted.text,
            "互联网是人类的共同家园。\n"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\"></head><body>乌镇</body></html>");
        assert_eq!(read("g.html", &gbk, &DecodeOptions::default()).unwrap().extracted.text, "乌镇\n");
    }

    #[test]
    fn pre_keeps_lines_and_deep_nesting_does_not_overflow() {
        assert_eq!(text("<html><body><pre>a  b\n  c</pre></body></html>"), "a  b\n  c\n");
        let deep = format!("<html><body>{}text{}</body></html>", "<div>".repeat(20_000), "</div>".repeat(20_000));
        assert_eq!(text(&deep), "text\n");
    }
}
