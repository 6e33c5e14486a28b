//! Word documents (`.docx`): a zip of XML, read with `zip` and `quick-xml`.
//!
//! - **Kept:** the text runs (`w:t`) of the body's paragraphs — headings,
//!   list items, table cells (each cell's paragraphs on their own, cell by
//!   cell), text boxes — and then the footnotes and endnotes, in the order
//!   they are referenced, each as its own paragraph **after the body**: a
//!   note placed at its reference would cut the sentence that cites it in
//!   two. Field *results* (the text a field displays, such as a hyperlink's
//!   text) are kept; a tab is a space, `w:br`/`w:cr` a line break, a
//!   non-breaking hyphen a `-`.
//! - **Tracked changes** are read as if accepted: insertions (`w:ins`,
//!   `w:moveTo`) are text, deletions (`w:del`, `w:delText`, `w:moveFrom`)
//!   are not, and [`Origin::notes`] says how many of each there were.
//! - **Not text:** field codes (`w:instrText`), bookmarks, comment marks
//!   (comments themselves live in another part, which is not read), list
//!   numbers and bullets (Word computes them; they are not in the text),
//!   headers and footers, the fallback copy of drawings (`mc:Fallback`),
//!   and soft hyphens.
//! - **Breaks:** each paragraph is a paragraph of the extracted text,
//!   recorded as a hard break.
//!
//! A file that is not a zip, a zip without `word/document.xml`, a damaged
//! or truncated archive, a password-protected document (an OLE container,
//! not a zip) and damaged XML are errors naming the file.

use super::decode::DecodeOptions;
use super::format::Reading;
use super::origin::{Extracted, Origin};
use super::prose::Prose;
use crate::error::Error;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::Read;

/// Largest XML part read (uncompressed): a zip bomb is an error, not an
/// exhausted machine.
const MAX_PART_BYTES: u64 = 512 << 20;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Does the content look like a Word document: a zip that names
/// `word/document.xml`?
pub(crate) fn sniff(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC) && memchr::memmem::find(bytes, b"word/document.xml").is_some()
}

/// Why bytes that a `.docx` name promises are not a Word document.
pub(crate) fn not_a_docx(bytes: &[u8]) -> String {
    if bytes.starts_with(OLE_MAGIC) {
        "is a password-protected Word document or an old .doc file (tvdiff reads unprotected .docx)".into()
    } else if bytes.starts_with(ZIP_MAGIC) {
        "is a zip archive but not a Word document (no word/document.xml)".into()
    } else if bytes.is_empty() {
        "is empty, not a Word document".into()
    } else {
        "is not a Word document (not a zip archive)".into()
    }
}

/// What the walk over a part counts.
#[derive(Debug, Default)]
struct Counts {
    insertions: usize,
    deletions: usize,
}

/// Read a `.docx`.
pub(crate) fn read(name: &str, bytes: &[u8], _opts: &DecodeOptions) -> Result<Reading, Error> {
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(Error::input(name, not_a_docx(bytes)));
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| Error::input(name, format!("is a damaged or truncated Word document ({e})")))?;
    let document =
        part(name, &mut archive, "word/document.xml")?.ok_or_else(|| Error::input(name, not_a_docx(b"PK\x03\x04")))?;
    let mut prose = Prose::default();
    let mut counts = Counts::default();
    let mut refs: Vec<(bool, String)> = Vec::new();
    let styles = match part(name, &mut archive, "word/styles.xml")? {
        Some(xml) => heading_styles(&xml),
        None => HashMap::new(),
    };
    walk(name, "word/document.xml", &document, &mut prose, &mut counts, &mut refs, &styles)?;
    let mut notes = Vec::new();
    let mut placed = 0;
    for (endnote, file) in [(false, "word/footnotes.xml"), (true, "word/endnotes.xml")] {
        if !refs.iter().any(|(e, _)| *e == endnote) {
            continue;
        }
        let Some(xml) = part(name, &mut archive, file)? else { continue };
        let texts = notes_of(name, file, &xml, &mut counts)?;
        for (_, id) in refs.iter().filter(|(e, _)| *e == endnote) {
            if let Some(t) = texts.get(id) {
                placed += 1;
                for para in t.split("\n\n") {
                    prose.paragraph();
                    for (i, line) in para.split('\n').enumerate() {
                        if i > 0 {
                            prose.line_break();
                        }
                        prose.push(if i == 0 { line.trim_start() } else { line });
                    }
                }
            }
        }
    }
    if placed > 0 {
        notes.push(format!("footnotes and endnotes placed after the body: {placed}"));
    }
    if counts.insertions + counts.deletions > 0 {
        notes.push(format!(
            "tracked changes: {} insertion{} accepted, {} deletion{} dropped",
            counts.insertions,
            if counts.insertions == 1 { "" } else { "s" },
            counts.deletions,
            if counts.deletions == 1 { "" } else { "s" }
        ));
    }
    let (text, breaks, headings) = prose.finish_with_headings();
    let extracted = Extracted { text, origin: Origin { breaks, headings, notes, ..Origin::default() } };
    Ok(Reading { extracted, encoding: "UTF-8 (Word XML)".into(), replaced_bytes: 0 })
}

/// The text of a part of the archive, or `None` if it has no such part.
fn part<R: Read + std::io::Seek>(
    name: &str,
    archive: &mut zip::ZipArchive<R>,
    path: &str,
) -> Result<Option<String>, Error> {
    let file = match archive.by_name(path) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(why)) if why.to_ascii_lowercase().contains("password") => {
            return Err(Error::input(name, "is encrypted (it needs a password to open)"))
        }
        Err(e) => return Err(Error::input(name, format!("is a damaged or truncated Word document ({e})"))),
    };
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::input(name, format!("is a damaged or truncated Word document ({path}: {e})")))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(Error::input(name, format!("has a {path} larger than {} MB", MAX_PART_BYTES >> 20)));
    }
    String::from_utf8(bytes).map(Some).map_err(|_| Error::input(name, format!("has a damaged {path} (not UTF-8)")))
}

/// The local name of an element (`w:t` → `t`).
fn local<'a>(e: &'a BytesStart) -> &'a [u8] {
    let n = e.name().into_inner();
    n.iter().position(|&b| b == b':').map_or(n, |i| &n[i + 1..])
}

fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| {
            let k = a.key.into_inner();
            k == key || k.iter().position(|&b| b == b':').is_some_and(|i| &k[i + 1..] == key)
        })
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The heading level of paragraph style `id`: Word's built-in
/// `Heading1`…`Heading9` and `Title` (what pandoc and English Word write),
/// or a style whose name in styles.xml is `heading N` / `Title` (Word in
/// other languages gives them other ids, such as `1` or `a3`).
fn heading_level(id: &str, styles: &HashMap<String, u8>) -> Option<u8> {
    styles.get(id).copied().or_else(|| style_name_level(id))
}

/// `heading 3` / `Heading3` → 3, `Title` → 1 (case and spaces aside).
fn style_name_level(name: &str) -> Option<u8> {
    let n: String = name.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    if n == "title" {
        return Some(1);
    }
    let level: u8 = n.strip_prefix("heading")?.parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

/// Paragraph style ids whose names say they are headings, with levels.
fn heading_styles(xml: &str) -> HashMap<String, u8> {
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut id: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(ref e)) if local(e) == b"style" => id = attr(e, b"styleId"),
            Ok(Event::Empty(ref e)) if local(e) == b"name" => {
                if let (Some(id), Some(level)) = (&id, attr(e, b"val").as_deref().and_then(style_name_level)) {
                    out.insert(id.clone(), level);
                }
            }
            Ok(Event::Eof) | Err(_) => break, // a damaged styles part: no heading styles
            _ => {}
        }
    }
    out
}

/// Walk the XML of a story (the body, or one note), appending its text.
/// Footnote and endnote references are collected in `refs`.
fn walk(
    name: &str,
    path: &str,
    xml: &str,
    prose: &mut Prose,
    counts: &mut Counts,
    refs: &mut Vec<(bool, String)>,
    styles: &HashMap<String, u8>,
) -> Result<(), Error> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut in_text = false; // inside w:t
    let mut deleted = 0usize; // depth of w:del / w:moveFrom
    let mut fallback = 0usize; // depth of mc:Fallback
    let mut paragraphs = 0usize; // depth of w:p
                                 // Tracked insertions and deletions open now: did each hold text?
    let mut open_changes: Vec<(bool, bool)> = Vec::new();
    loop {
        let event = reader.read_event().map_err(|e| {
            Error::input(name, format!("has a damaged {path} (XML error at byte {}: {e})", reader.error_position()))
        })?;
        match event {
            Event::Start(ref e) => {
                match local(e) {
                    b"Fallback" => fallback += 1,
                    _ if fallback > 0 => {}
                    b"p" => {
                        if paragraphs > 0 {
                            prose.paragraph(); // a text box inside a paragraph
                        }
                        paragraphs += 1;
                        prose.paragraph();
                    }
                    b"t" => in_text = deleted == 0,
                    b"ins" | b"moveTo" => open_changes.push((true, false)),
                    b"del" | b"moveFrom" => {
                        deleted += 1;
                        open_changes.push((false, false));
                    }
                    _ => {}
                }
            }
            Event::Empty(ref e) if fallback == 0 => match local(e) {
                b"tab" if deleted == 0 && paragraphs > 0 && !prose.at_paragraph_start() => prose.push(" "),
                b"br" | b"cr" if deleted == 0 => prose.line_break(),
                b"noBreakHyphen" if deleted == 0 => prose.push("-"),
                b"pStyle" if paragraphs > 0 => {
                    if let Some(level) = attr(e, b"val").and_then(|id| heading_level(&id, styles)) {
                        prose.heading(level);
                    }
                }
                b"footnoteReference" | b"endnoteReference" if deleted == 0 => {
                    if let Some(id) = attr(e, b"id") {
                        refs.push((local(e) == b"endnoteReference", id));
                    }
                }
                _ => {}
            },
            Event::End(ref e) => {
                let n = e.name().into_inner();
                let l = n.iter().position(|&b| b == b':').map_or(n, |i| &n[i + 1..]);
                match l {
                    b"Fallback" => fallback = fallback.saturating_sub(1),
                    _ if fallback > 0 => {}
                    b"p" => {
                        paragraphs = paragraphs.saturating_sub(1);
                        prose.paragraph();
                    }
                    b"t" => in_text = false,
                    b"ins" | b"moveTo" | b"del" | b"moveFrom" => {
                        if matches!(l, b"del" | b"moveFrom") {
                            deleted = deleted.saturating_sub(1);
                        }
                        if let Some((insertion, had_text)) = open_changes.pop() {
                            if had_text && insertion {
                                counts.insertions += 1;
                            } else if had_text {
                                counts.deletions += 1;
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(ref t) if fallback == 0 => {
                let is_deleted_text = deleted > 0 && !t.is_empty();
                if in_text || is_deleted_text {
                    if let Some(c) = open_changes.last_mut() {
                        c.1 = true;
                    }
                }
                if in_text {
                    let s = t.unescape().map_err(|e| Error::input(name, format!("has a damaged {path} ({e})")))?;
                    prose.push(&s.replace('\u{AD}', ""));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// The text of each footnote (or endnote) by id; separator notes skipped.
fn notes_of(name: &str, path: &str, xml: &str, counts: &mut Counts) -> Result<HashMap<String, String>, Error> {
    let mut out = HashMap::new();
    let mut rest = xml;
    // Each note is a `<w:footnote …>…</w:footnote>` element: cut them out
    // and walk each on its own.
    while let Some(start) = find_note_start(rest) {
        let from = &rest[start..];
        let head_end = from.find('>').map_or(from.len(), |e| e + 1);
        let head = &from[..head_end];
        let tag: String = head[1..].chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
        let close = format!("</{tag}>");
        let end = from.find(&close).map_or(from.len(), |e| e + close.len());
        let body = &from[..end];
        let id = attr_in_tag(head, "id");
        let kind = attr_in_tag(head, "type");
        if let (Some(id), None | Some("normal")) = (id.as_deref(), kind.as_deref()) {
            let mut prose = Prose::default();
            let mut refs = Vec::new();
            walk(name, path, body, &mut prose, counts, &mut refs, &HashMap::new())?;
            out.insert(id.to_string(), prose.finish().0.trim_end().to_string());
        }
        rest = &from[end.max(1)..];
    }
    Ok(out)
}

fn find_note_start(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find('<') {
        let at = from + i;
        let tag: String = s[at + 1..].chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
        let l = tag.rsplit(':').next().unwrap_or("");
        if l == "footnote" || l == "endnote" {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn attr_in_tag(head: &str, key: &str) -> Option<String> {
    head.split_whitespace().find_map(|part| {
        let (k, v) = part.split_once('=')?;
        let k = k.rsplit(':').next()?;
        (k == key).then(|| v.trim_end_matches(['>', '/']).trim_matches(['"', '\'']).to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn docx(document: &str, footnotes: Option<&str>) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let o = zip::write::SimpleFileOptions::default();
            z.start_file("[Content_Types].xml", o).unwrap();
            z.write_all(b"<Types/>").unwrap();
            z.start_file("word/document.xml", o).unwrap();
            z.write_all(document.as_bytes()).unwrap();
            if let Some(f) = footnotes {
                z.start_file("word/footnotes.xml", o).unwrap();
                z.write_all(f.as_bytes()).unwrap();
            }
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    #[test]
    fn paragraphs_tables_tracked_changes_fields_and_footnotes() {
        let doc = format!(
            "<w:document {NS}><w:body>\
             <w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>\
             <w:p><w:r><w:t xml:space=\"preserve\">为各国企业在</w:t></w:r>\
               <w:del w:id=\"1\"><w:r><w:delText>华</w:delText></w:r></w:del>\
               <w:ins w:id=\"2\"><w:r><w:t>中国</w:t></w:r></w:ins>\
               <w:r><w:t>投资兴业</w:t></w:r><w:r><w:footnoteReference w:id=\"2\"/></w:r><w:r><w:t>。</w:t></w:r></w:p>\
             <w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> HYPERLINK \"x\" </w:instrText></w:r>\
               <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>link text</w:t></w:r>\
               <w:bookmarkStart w:id=\"0\" w:name=\"b\"/><w:r><w:tab/><w:t>A&amp;B</w:t><w:br/><w:t>next</w:t></w:r></w:p>\
             <w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell 1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>cell 2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
             <w:p><w:del w:id=\"3\"><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>\
             </w:body></w:document>"
        );
        let notes = format!(
            "<w:footnotes {NS}><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
             <w:footnote w:id=\"2\"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space=\"preserve\"> 注释文字。</w:t></w:r></w:p></w:footnote></w:footnotes>"
        );
        let e = read("t.docx", &docx(&doc, Some(&notes)), &DecodeOptions::default()).unwrap().extracted;
        assert_eq!(
            e.text,
            "标题\n\n为各国企业在中国投资兴业。\n\nlink text A&B\nnext\n\ncell 1\n\ncell 2\n\n注释文字。\n"
        );
        assert_eq!(
            e.origin.notes,
            [
                "footnotes and endnotes placed after the body: 1",
                "tracked changes: 1 insertion accepted, 2 deletions dropped"
            ]
        );
    }

    #[test]
    fn not_a_word_document_is_an_error_naming_the_problem() {
        let o = DecodeOptions::default();
        let err = |b: &[u8]| read("w.docx", b, &o).unwrap_err().to_string();
        assert!(err(b"hello").contains("not a zip archive"));
        assert!(err(OLE_MAGIC).contains("password-protected"));
        let good =
            docx(&format!("<w:document {NS}><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>"), None);
        assert!(err(&good[..good.len() / 2]).contains("damaged or truncated"), "{}", err(&good[..good.len() / 2]));
        let bad_xml = docx("<w:document><w:body><w:p><w:t>x</w:p>", None);
        assert!(err(&bad_xml).contains("damaged word/document.xml"), "{}", err(&bad_xml));
        assert!(sniff(&good) && !sniff(b"PK\x03\x04xl/workbook.xml"));
    }
}
