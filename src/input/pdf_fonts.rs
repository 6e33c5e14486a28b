//! A speed fix for `pdf-extract` on Chinese PDFs: per-page ToUnicode maps.
//!
//! `pdf-extract` builds a page's fonts afresh on every page (its font cache
//! is keyed by resource names, which are only unique within a page), and so
//! parses each font's ToUnicode CMap again on every page. A Chinese book
//! printed by Chromium has one Type0 font whose CMap maps every glyph of the
//! book (3,706 entries, 42 KB) and takes about 16 ms to parse: on a 168-page
//! book that is 2.7 of the 2.8 s the extraction took.
//!
//! Before extraction, each page that shows text in a Type0 font with a
//! two-byte `Identity-H`/`Identity-V` encoding gets its own copy of that
//! font whose ToUnicode map holds only the codes the page's content stream
//! shows (a few hundred). The mappings are the font's own, parsed here once
//! per font; the font and the page's other resources are unchanged. A font
//! whose map cannot be parsed here (an unusual CMap, `usecmap`), a font
//! used only inside form XObjects, and every other kind of font are left
//! as they are, so the worst case is the old speed, never other text.

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Give pages their own trimmed ToUnicode maps; returns how many page fonts
/// were trimmed.
pub(crate) fn trim_to_unicode_maps(doc: &mut Document) -> usize {
    let mut parsed: HashMap<ObjectId, Option<BTreeMap<u16, Vec<u8>>>> = HashMap::new();
    let mut trimmed = 0;
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    for page in pages {
        let Some(fonts) = page_fonts(doc, page) else { continue };
        // Only fonts whose ToUnicode map parses, with two-byte codes.
        let mut candidates: HashMap<Vec<u8>, (ObjectId, ObjectId)> = HashMap::new();
        for (name, font_ref) in &fonts {
            let Some(font_id) = *font_ref else { continue };
            let Some(cmap_id) = two_byte_cmap(doc, font_id) else { continue };
            let map = parsed.entry(cmap_id).or_insert_with(|| parse_to_unicode(doc, cmap_id));
            if map.is_some() {
                candidates.insert(name.clone(), (font_id, cmap_id));
            }
        }
        if candidates.is_empty() {
            continue;
        }
        let Some(used) = used_codes(doc, page, &candidates) else { continue };
        let mut replacements: Vec<(Vec<u8>, ObjectId)> = Vec::new();
        for (name, codes) in used {
            let (font_id, cmap_id) = candidates[&name];
            let Some(Some(map)) = parsed.get(&cmap_id) else { continue };
            let cmap = write_cmap(codes.iter().filter_map(|c| map.get(c).map(|u| (*c, u.as_slice()))));
            let Ok(font) = doc.get_dictionary(font_id) else { continue };
            let mut font = font.clone();
            let stream_id = doc.add_object(Stream::new(Dictionary::new(), cmap));
            font.set("ToUnicode", Object::Reference(stream_id));
            replacements.push((name, doc.add_object(font)));
        }
        if replace_page_fonts(doc, page, &replacements) {
            trimmed += replacements.len();
        }
    }
    trimmed
}

/// The page's font resources: name → font object (when it is a reference).
fn page_fonts(doc: &Document, page: ObjectId) -> Option<Vec<(Vec<u8>, Option<ObjectId>)>> {
    let resources = page_resources(doc, page)?;
    let fonts = match resources.get(b"Font").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    Some(fonts.iter().map(|(k, v)| (k.clone(), v.as_reference().ok())).collect())
}

/// The page's resource dictionary, its own or inherited.
fn page_resources(doc: &Document, page: ObjectId) -> Option<&Dictionary> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        match node.get(b"Resources") {
            Ok(Object::Reference(id)) => return doc.get_dictionary(*id).ok(),
            Ok(Object::Dictionary(d)) => return Some(d),
            _ => node = doc.get_dictionary(node.get(b"Parent").ok()?.as_reference().ok()?).ok()?,
        }
    }
    None
}

/// The ToUnicode stream of a Type0 font with a two-byte identity encoding.
fn two_byte_cmap(doc: &Document, font: ObjectId) -> Option<ObjectId> {
    let f = doc.get_dictionary(font).ok()?;
    (f.get(b"Subtype").ok()?.as_name().ok()? == b"Type0").then_some(())?;
    let enc = f.get(b"Encoding").ok()?.as_name().ok()?;
    (enc == b"Identity-H" || enc == b"Identity-V").then_some(())?;
    f.get(b"ToUnicode").ok()?.as_reference().ok()
}

/// The codes each candidate font shows on the page (text operators of the
/// page's own content stream). `None` if the content cannot be decoded.
fn used_codes(
    doc: &Document,
    page: ObjectId,
    candidates: &HashMap<Vec<u8>, (ObjectId, ObjectId)>,
) -> Option<HashMap<Vec<u8>, BTreeSet<u16>>> {
    let content = Content::decode(&doc.get_page_content(page).ok()?).ok()?;
    let mut used: HashMap<Vec<u8>, BTreeSet<u16>> = HashMap::new();
    let mut font: Option<Vec<u8>> = None;
    let mut add = |font: &Option<Vec<u8>>, s: &[u8]| {
        if let Some(f) = font.as_ref().filter(|f| candidates.contains_key(*f)) {
            let set = used.entry(f.clone()).or_default();
            set.extend(s.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])));
        }
    };
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => font = op.operands.first().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec),
            "Tj" | "'" | "\"" => {
                if let Some(Object::String(s, _)) = op.operands.last() {
                    add(&font, s);
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = op.operands.first() {
                    for item in items {
                        if let Object::String(s, _) = item {
                            add(&font, s);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(used)
}

/// Point the page's font resources at the trimmed fonts: the page gets its
/// own resource and font dictionaries (copies of what it had, inherited or
/// shared), with the replaced entries changed.
fn replace_page_fonts(doc: &mut Document, page: ObjectId, replacements: &[(Vec<u8>, ObjectId)]) -> bool {
    if replacements.is_empty() {
        return false;
    }
    let Some(resources) = page_resources(doc, page) else { return false };
    let mut resources = resources.clone();
    let mut fonts = match resources.get(b"Font") {
        Ok(Object::Reference(id)) => match doc.get_dictionary(*id) {
            Ok(d) => d.clone(),
            Err(_) => return false,
        },
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => return false,
    };
    for (name, id) in replacements {
        fonts.set(name.clone(), Object::Reference(*id));
    }
    resources.set("Font", Object::Dictionary(fonts));
    match doc.get_object_mut(page).and_then(Object::as_dict_mut) {
        Ok(p) => {
            p.set("Resources", Object::Dictionary(resources));
            true
        }
        Err(_) => false,
    }
}

/// Parse a ToUnicode CMap's `bfchar` and `bfrange` sections for two-byte
/// codes. `None` for anything this small parser does not know
/// (`usecmap`, codes of other lengths), so the font is left alone.
fn parse_to_unicode(doc: &Document, id: ObjectId) -> Option<BTreeMap<u16, Vec<u8>>> {
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    let tokens = tokens(&data)?;
    let mut map = BTreeMap::new();
    let mut i = 0;
    let code = |t: &Token| match t {
        Token::Hex(b) if b.len() == 2 => Some(u16::from_be_bytes([b[0], b[1]])),
        _ => None,
    };
    while i < tokens.len() {
        match &tokens[i] {
            Token::Word(w) if w == "usecmap" => return None,
            Token::Word(w) if w == "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && !matches!(&tokens[i], Token::Word(w) if w == "endbfchar") {
                    let (Some(c), Token::Hex(dst)) = (code(&tokens[i]), &tokens[i + 1]) else { return None };
                    map.insert(c, dst.clone());
                    i += 2;
                }
            }
            Token::Word(w) if w == "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && !matches!(&tokens[i], Token::Word(w) if w == "endbfrange") {
                    let (Some(lo), Some(hi)) = (code(&tokens[i]), code(&tokens[i + 1])) else { return None };
                    if hi < lo {
                        return None;
                    }
                    match &tokens[i + 2] {
                        // The destination counts up as one 16- or 32-bit
                        // number, as adobe-cmap-parser (pdf-extract's
                        // parser) reads it.
                        Token::Hex(dst) if dst.len() == 2 => {
                            let start = u16::from_be_bytes([dst[0], dst[1]]);
                            for c in lo..=hi {
                                map.insert(c, start.checked_add(c - lo)?.to_be_bytes().to_vec());
                            }
                            i += 3;
                        }
                        Token::Hex(dst) if dst.len() == 4 => {
                            let start = u32::from_be_bytes([dst[0], dst[1], dst[2], dst[3]]);
                            for c in lo..=hi {
                                map.insert(c, start.checked_add(u32::from(c - lo))?.to_be_bytes().to_vec());
                            }
                            i += 3;
                        }
                        Token::ArrayStart => {
                            let mut j = i + 3;
                            for c in lo..=hi {
                                let Some(Token::Hex(d)) = tokens.get(j) else { return None };
                                map.insert(c, d.clone());
                                j += 1;
                            }
                            if !matches!(tokens.get(j), Some(Token::ArrayEnd)) {
                                return None;
                            }
                            i = j + 1;
                        }
                        _ => return None,
                    }
                }
            }
            Token::Word(w) if w == "begincodespacerange" => {
                i += 1;
                while i < tokens.len() && !matches!(&tokens[i], Token::Word(w) if w == "endcodespacerange") {
                    if !matches!(&tokens[i], Token::Hex(b) if b.len() == 2) {
                        return None;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    (!map.is_empty()).then_some(map)
}

#[derive(Debug, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    ArrayStart,
    ArrayEnd,
    Word(String),
}

/// Tokens of a CMap: hex strings, array brackets and words (names, numbers
/// and operators alike); comments and literal strings are skipped.
fn tokens(data: &[u8]) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let end = i + 1 + data[i + 1..].iter().position(|&b| b == b'>')?;
                let digits: Vec<u8> = data[i + 1..end].iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
                if !digits.len().is_multiple_of(2) {
                    return None;
                }
                let bytes = digits
                    .chunks(2)
                    .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
                    .collect::<Option<Vec<u8>>>()?;
                out.push(Token::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                out.push(Token::ArrayStart);
                i += 1;
            }
            b']' => {
                out.push(Token::ArrayEnd);
                i += 1;
            }
            b'%' => i += data[i..].iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(data.len() - i),
            b'(' => {
                // A literal string (a CMap name in /CIDSystemInfo): skip it.
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                let end = i + data[i..]
                    .iter()
                    .position(|&b| b.is_ascii_whitespace() || b"<>[]()%/{}".contains(&b))
                    .unwrap_or(data.len() - i)
                    .max(1);
                out.push(Token::Word(String::from_utf8_lossy(&data[i..end]).into_owned()));
                i = end;
            }
        }
    }
    Some(out)
}

/// A ToUnicode CMap with these two-byte codes and UTF-16BE targets.
fn write_cmap<'a>(entries: impl Iterator<Item = (u16, &'a [u8])>) -> Vec<u8> {
    let entries: Vec<(u16, &[u8])> = entries.collect();
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /tvdiff-page def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in entries.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (code, dst) in chunk {
            s.push_str(&format!("<{code:04X}> <"));
            for b in *dst {
                s.push_str(&format!("{b:02X}"));
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmaps_parse_and_round_trip() {
        let src = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
            1 begincodespacerange <0000> <FFFF> endcodespacerange\n2 beginbfchar\n<0003> <0020>\n<0010> <5728>\nendbfchar\n\
            3 beginbfrange\n<0020> <0022> <0041>\n<0030> <0031> [<4E2D> <D835DC00>]\n<0040> <0041> <00FF>\nendbfrange\nendcmap";
        let mut doc = Document::with_version("1.5");
        let id = doc.add_object(Stream::new(Dictionary::new(), src.to_vec()));
        let map = parse_to_unicode(&doc, id).unwrap();
        let got: Vec<(u16, Vec<u8>)> = map.iter().map(|(k, v)| (*k, v.clone())).collect();
        assert_eq!(
            got,
            [
                (0x03, vec![0x00, 0x20]),
                (0x10, vec![0x57, 0x28]),
                (0x20, vec![0x00, 0x41]),
                (0x21, vec![0x00, 0x42]),
                (0x22, vec![0x00, 0x43]),
                (0x30, vec![0x4E, 0x2D]),
                (0x31, vec![0xD8, 0x35, 0xDC, 0x00]),
                (0x40, vec![0x00, 0xFF]),
                (0x41, vec![0x01, 0x00]),
            ]
        );
        let written = write_cmap(map.iter().map(|(k, v)| (*k, v.as_slice())));
        let id2 = doc.add_object(Stream::new(Dictionary::new(), written));
        assert_eq!(parse_to_unicode(&doc, id2).unwrap(), map);
        let with_use = doc.add_object(Stream::new(Dictionary::new(), b"/UniGB-UCS2-H usecmap".to_vec()));
        assert_eq!(parse_to_unicode(&doc, with_use), None);
    }
}
