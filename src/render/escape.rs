//! Escaping for markup outputs (HTML, TEI XML). Every piece of input text
//! that reaches a markup renderer goes through here.

/// Escape text for HTML or XML element content and attribute values
/// (double- or single-quoted).
///
/// ```
/// assert_eq!(tvdiff::render::escape::markup("<a href='x'>&amp;</a>\""),
///            "&lt;a href=&#39;x&#39;&gt;&amp;amp;&lt;/a&gt;&quot;");
/// ```
pub fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Bidirectional overrides and isolates would make the page show
            // text in another order than the file has it: show them.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("&lt;U+{:04X}&gt;", c as u32));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Like [`markup`], but also drops characters XML 1.0 forbids (most C0
/// controls, unpaired surrogates cannot occur in Rust strings), so the
/// result is always well-formed XML text.
///
/// ```
/// assert_eq!(tvdiff::render::escape::xml("a\u{1}b<"), "ab&lt;");
/// ```
pub fn xml(s: &str) -> String {
    let cleaned: String =
        s.chars().filter(|&c| !matches!(c as u32, 0..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0xFFFE | 0xFFFF)).collect();
    markup(&cleaned)
}

/// Serialise `value` as JSON that is safe inside an HTML `<script>` element:
/// `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026`, so input
/// text can never close the script or open a comment.
pub fn json_for_script<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let s = serde_json::to_string(value).expect("serialisable data");
    s.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}
