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

/// One CSV cell (RFC 4180): a text a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// `'` in front, as OWASP advises against CSV injection, then the cell is
/// quoted when it needs to be. `batch --summary` and `--format table-csv`
/// write every cell through here.
///
/// ```
/// use tvdiff::render::escape::csv_field;
/// assert_eq!(csv_field("a,b"), "\"a,b\"");
/// assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
/// assert_eq!(csv_field("-2+3,x"), "\"'-2+3,x\"");
/// ```
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Serialise `value` as JSON that is safe inside an HTML `<script>` element:
/// `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026`, so input
/// text can never close the script or open a comment.
pub fn json_for_script<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let s = serde_json::to_string(value).expect("serialisable data");
    s.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// Make a file name (or any short text from outside: a siglum, an option
/// value in an error message) safe to print on a terminal or in a log, on
/// one line. Every displayed path goes through here: the `@@` headers, the
/// summaries, `batch` lines, error messages.
///
/// Characters that could act on a terminal or forge a line are shown as
/// Rust-style escapes: ESC and every other C0 and C1 control (`\x1b`,
/// `\u{9b}`, …), line and paragraph separators and the bidirectional
/// embeddings, overrides, isolates and marks (`\u{202e}`, …). A newline
/// is `\n`, a tab `\t`, a carriage return `\r`. Everything else — letters
/// of every script, spaces, backslashes — is kept, so an ordinary name
/// prints exactly as it is.
///
/// ```
/// use tvdiff::render::escape::name;
/// assert_eq!(name("a\x1b]0;x\x07b.txt"), "a\\x1b]0;x\\x07b.txt");
/// assert_eq!(name("new\nline"), "new\\nline");
/// assert_eq!(name("\u{9b}2J"), "\\u{9b}2J");
/// assert_eq!(name("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
/// assert_eq!(name("讲话 2015.txt"), "讲话 2015.txt");
/// ```
pub fn name(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// A path as [`name`] shows it; bytes that are not UTF-8 (possible in
/// Unix file names) are shown as `\xNN` instead of being replaced, so two
/// different names never print the same.
///
/// ```
/// # #[cfg(unix)] {
/// use std::os::unix::ffi::OsStrExt;
/// let p = std::path::Path::new(std::ffi::OsStr::from_bytes(b"a\xff\x1b.txt"));
/// assert_eq!(tvdiff::render::escape::path(p), "a\\xff\\x1b.txt");
/// # }
/// ```
pub fn path(p: &std::path::Path) -> String {
    let mut out = String::new();
    for chunk in os_chunks(p.as_os_str()) {
        match chunk {
            Ok(s) => out.push_str(&name(s)),
            Err(bytes) => bytes.iter().for_each(|b| out.push_str(&format!("\\x{b:02x}"))),
        }
    }
    out
}

/// A path as a `String` without losing anything: UTF-8 as it is, other
/// bytes as `\xNN`, but control characters kept (for names that are
/// escaped again where they are displayed, such as the name a report
/// records).
pub fn path_lossless(p: &std::path::Path) -> String {
    let mut out = String::new();
    for chunk in os_chunks(p.as_os_str()) {
        match chunk {
            Ok(s) => out.push_str(s),
            Err(bytes) => bytes.iter().for_each(|b| out.push_str(&format!("\\x{b:02x}"))),
        }
    }
    out
}

/// The valid UTF-8 pieces of an OS string and the bytes between them.
fn os_chunks(s: &std::ffi::OsStr) -> Vec<Result<&str, &[u8]>> {
    let bytes = s.as_encoded_bytes();
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push(Ok(s));
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                if !good.is_empty() {
                    out.push(Ok(std::str::from_utf8(good).unwrap_or_default()));
                }
                let n = e.error_len().unwrap_or(bad.len()).max(1);
                out.push(Err(&bad[..n]));
                rest = &bad[n..];
            }
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        || matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069)
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 && needs_escape(c) => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}
