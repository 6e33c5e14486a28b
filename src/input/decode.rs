//! Decoding: bytes from a file to text, in whatever encoding transcripts
//! really arrive in.
//!
//! Old government sites serve GBK/GB18030, Taiwanese sites Big5, Word exports
//! UTF-16. tvdiff decides in this order, and reports the encoding it used:
//!
//! 1. `--encoding NAME` (any WHATWG label: `gbk`, `gb18030`, `big5`,
//!    `utf-16le`, `shift_jis`, …) wins.
//! 2. A byte-order mark: UTF-8, UTF-16LE, UTF-16BE. (A UTF-8 BOM is kept in
//!    the text as U+FEFF so that byte offsets stay offsets into the file;
//!    normalisation ignores it.)
//! 3. UTF-16 without a BOM when the bytes make it plain: NUL bytes in
//!    nearly every other position (ASCII-heavy text), or — for Chinese,
//!    which has few NUL bytes — text that decodes without error to nearly
//!    all Han characters, CJK punctuation and ASCII.
//! 4. NUL bytes otherwise: a binary file, refused.
//! 5. Valid UTF-8; or UTF-8 with a few bad bytes among valid multi-byte
//!    characters (a damaged UTF-8 file, reported as such rather than read
//!    as a legacy encoding).
//! 6. Otherwise `chardetng` guesses a legacy encoding (GBK/GB18030, Big5,
//!    EUC-KR, Shift_JIS, windows-1252, …); when it guesses a single-byte
//!    encoding but the bytes read as CJK text in a CJK encoding with few
//!    errors, that encoding is used.
//!
//! Bytes that are not valid in the chosen encoding are an error naming the
//! byte offset, unless lossy decoding is asked for: then each bad sequence
//! becomes U+FFFD and the report says how many bytes were replaced.
//!
//! For UTF-8 input, byte offsets in reports are offsets into the file. For
//! other encodings they are offsets into the UTF-8 text tvdiff decoded (the
//! text a reader of the report sees).

use crate::error::Error;
use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How to decode input files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodeOptions {
    /// Force this encoding (a WHATWG label such as `gbk`, `big5`, `utf-16le`).
    pub encoding: Option<String>,
    /// Replace undecodable bytes with U+FFFD instead of failing.
    pub lossy: bool,
    /// Read at most this many bytes of one file (`None`: 512 MiB,
    /// [`crate::input::read::DEFAULT_MAX_SIZE`]); a larger file is an error.
    #[serde(skip)]
    pub max_size: Option<u64>,
    /// Read every file as this format instead of choosing by extension and
    /// content (`--from`; see [`crate::input::format`]).
    #[serde(default)]
    pub format: Option<crate::input::origin::Format>,
}

/// Decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding's name, e.g. `UTF-8`, `UTF-8 with BOM`, `UTF-16LE`, `GBK`.
    pub encoding: String,
    /// Bytes replaced by U+FFFD (lossy decoding only).
    pub replaced_bytes: usize,
}

/// Decode `bytes` read from `name`.
///
/// ```
/// use tvdiff::input::decode::{decode, DecodeOptions};
/// let gbk = [0xD6, 0xD0, 0xB9, 0xFA]; // 中国 in GBK
/// let d = decode("a.txt", &gbk, &DecodeOptions { encoding: Some("gbk".into()), ..Default::default() }).unwrap();
/// assert_eq!(d.text, "中国");
/// let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("hi".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
/// assert_eq!(decode("b.txt", &utf16, &DecodeOptions::default()).unwrap().encoding, "UTF-16LE");
/// assert!(decode("c.bin", b"PNG\0\0\x01", &DecodeOptions::default()).is_err());
/// ```
pub fn decode(name: &str, bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, Error> {
    decode_cow(name, Cow::Borrowed(bytes), opts)
}

/// [`decode`], taking ownership of the bytes: valid UTF-8 (the usual case)
/// becomes the text without a copy. Same answers as [`decode`].
///
/// ```
/// use tvdiff::input::decode::{decode_vec, DecodeOptions};
/// let d = decode_vec("a.txt", "互联网".as_bytes().to_vec(), &DecodeOptions::default()).unwrap();
/// assert_eq!((d.text.as_str(), d.encoding.as_str()), ("互联网", "UTF-8"));
/// ```
pub fn decode_vec(name: &str, bytes: Vec<u8>, opts: &DecodeOptions) -> Result<Decoded, Error> {
    decode_cow(name, Cow::Owned(bytes), opts)
}

fn decode_cow(name: &str, bytes: Cow<[u8]>, opts: &DecodeOptions) -> Result<Decoded, Error> {
    if let Some(label) = &opts.encoding {
        let bytes = &bytes[..];
        let enc = Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| Error::Usage(format!("--encoding '{label}': unknown encoding name")))?;
        let body = match Encoding::for_bom(bytes) {
            Some((bom_enc, len)) if bom_enc == enc && enc != UTF_8 => &bytes[len..],
            _ => bytes,
        };
        let skipped = bytes.len() - body.len();
        return finish(name, body, skipped, enc, enc.name().to_string(), opts.lossy);
    }
    if let Some((enc, len)) = Encoding::for_bom(&bytes) {
        if enc == UTF_8 {
            let nul_free = memchr::memchr(0, &bytes).is_none();
            let bytes = match valid_utf8(bytes, "UTF-8 with BOM", nul_free) {
                Ok(d) => return Ok(d),
                Err(bytes) => bytes,
            };
            return finish(name, &bytes, 0, UTF_8, "UTF-8 with BOM".into(), opts.lossy);
        }
        return finish(name, &bytes[len..], len, enc, enc.name().to_string(), opts.lossy);
    }
    if let Some(enc) = bomless_utf16(&bytes) {
        return finish(name, &bytes, 0, enc, enc.name().to_string(), opts.lossy);
    }
    let nul = memchr::memchr(0, &bytes);
    let bytes = match nul {
        None => match valid_utf8(bytes, "UTF-8", true) {
            Ok(d) => return Ok(d),
            Err(bytes) => bytes,
        },
        Some(_) => bytes,
    };
    // Only for bytes that are not UTF-8 (a few ASCII bytes can read as Han
    // characters two at a time: `\nMMM` is U+4D0A U+4D4D in UTF-16LE), and
    // before the binary check (Chinese UTF-16 has a `00` byte in `0A 00`).
    if let Some(enc) = nul_free_utf16(&bytes) {
        return finish(name, &bytes, 0, enc, enc.name().to_string(), opts.lossy);
    }
    if let Some(pos) = nul {
        return Err(Error::input(name, format!("looks like a binary file (NUL byte at offset {pos}), not text")));
    }
    let bytes = &bytes[..];
    if damaged_utf8(bytes) {
        return finish(name, bytes, 0, UTF_8, "UTF-8".into(), opts.lossy);
    }
    if let Some(mix) = mixed_utf8(bytes) {
        if opts.lossy {
            return finish(name, bytes, 0, UTF_8, "UTF-8".into(), true);
        }
        return Err(Error::input(
            name,
            format!(
                "mixes encodings: line {} is UTF-8 but line {} is not (invalid byte sequence at byte offset {}); \
                 convert the file to one encoding, or use --lossy to read it as UTF-8 with the bad bytes replaced",
                mix.utf8_line, mix.bad_line, mix.bad_offset
            ),
        ));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = prefer_cjk(bytes, det.guess(None, chardetng::Utf8Detection::Allow));
    finish(name, bytes, 0, enc, enc.name().to_string(), opts.lossy)
}

/// The fast path: valid UTF-8 without NUL characters (`nul_free`: the
/// caller has looked) is taken as it is (owned bytes without a copy). `Ok`
/// is the answer; `Err` hands the bytes back for the other decoders.
fn valid_utf8<'a>(bytes: Cow<'a, [u8]>, label: &str, nul_free: bool) -> Result<Decoded, Cow<'a, [u8]>> {
    if !nul_free {
        return Err(bytes);
    }
    // simdutf8 checks a Chinese book several times faster than
    // `std::str::from_utf8`, which is fast on ASCII only.
    let text = match bytes {
        Cow::Borrowed(b) => match simdutf8::basic::from_utf8(b) {
            Ok(t) => t.to_owned(),
            _ => return Err(Cow::Borrowed(b)),
        },
        // SAFETY: simdutf8 has just checked that `v` is UTF-8.
        Cow::Owned(v) if simdutf8::basic::from_utf8(&v).is_ok() => unsafe { String::from_utf8_unchecked(v) },
        owned => return Err(owned),
    };
    Ok(Decoded { text, encoding: label.to_string(), replaced_bytes: 0 })
}

/// Mostly valid UTF-8 with a few bad bytes: a damaged UTF-8 file, not a
/// legacy encoding. Guessing GBK here would silently turn the whole text
/// into mojibake; failing with the offset (or replacing, with `--lossy`) is
/// the honest answer.
fn damaged_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let valid = &rest[..e.valid_up_to()];
                good += std::str::from_utf8(valid).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                bad += 1;
                let skip = e.valid_up_to() + e.error_len().unwrap_or(rest.len() - e.valid_up_to()).max(1);
                rest = &rest[skip.min(rest.len())..];
            }
        }
    }
    // Legacy CJK bytes rarely form valid UTF-8 sequences, so even a few
    // valid multi-byte characters against fewer bad ones mean UTF-8.
    good >= 2 && bad * 3 <= good
}

/// Where a file mixes UTF-8 with another encoding.
struct Mixed {
    /// A line (1-based) with multi-byte UTF-8 characters.
    utf8_line: usize,
    /// The first line that is not valid UTF-8.
    bad_line: usize,
    /// The file offset of its first bad byte.
    bad_offset: usize,
}

/// A file some of whose lines are UTF-8 with multi-byte characters (at
/// least two characters of three or four bytes, which legacy CJK text
/// almost never forms by chance) while others are not UTF-8 at all: a
/// GBK line pasted into a UTF-8 file. No one encoding reads it, and a
/// guess (windows-1252) would compare mojibake; it is refused instead, or
/// read as UTF-8 with replacements under `--lossy`.
fn mixed_utf8(bytes: &[u8]) -> Option<Mixed> {
    let (mut wide, mut utf8_line, mut bad) = (0usize, None, None);
    let mut offset = 0;
    for (k, line) in bytes.split(|&b| b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(t) => {
                let n = t.chars().filter(|c| c.len_utf8() >= 3).count();
                if n > 0 {
                    wide += n;
                    utf8_line.get_or_insert(k + 1);
                }
            }
            Err(e) => {
                bad.get_or_insert((k + 1, offset + e.valid_up_to()));
            }
        }
        offset += line.len() + 1;
    }
    match (utf8_line, bad) {
        (Some(utf8_line), Some((bad_line, bad_offset))) if wide >= 2 => Some(Mixed { utf8_line, bad_line, bad_offset }),
        _ => None,
    }
}

/// Characters that make up Chinese/Japanese text and its punctuation.
fn cjk_text_char(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
        || c.is_ascii_graphic()
        || matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// UTF-16 Chinese text without a BOM has few or no NUL bytes, so the NUL
/// pattern does not show it. It is recognised instead when (in the first
/// 64 KB) the low bytes of its code units do not look like ASCII text (less
/// than 70% printable ASCII, which rules out Latin text read two bytes at a
/// time) and it decodes without error to text that is nearly all Han
/// characters, CJK punctuation and ASCII.
fn nul_free_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(65536)];
    for (enc, low) in [(UTF_16LE, 0), (UTF_16BE, 1)] {
        // Latin text read two bytes at a time decodes to Han characters
        // too (`He` is U+6548), but then nearly every low byte is printable
        // ASCII; in real CJK text about a third are.
        let pairs = sample.len() / 2;
        let ascii_lows = sample.iter().skip(low).step_by(2).filter(|&&b| (0x20..0x7F).contains(&b)).count();
        if ascii_lows * 10 >= pairs * 7 {
            continue;
        }
        let (text, bad) =
            enc.decode_without_bom_handling_and_without_replacement(sample).map_or((None, true), |t| (Some(t), false));
        let Some(text) = text.filter(|_| !bad) else { continue };
        let total = text.chars().count();
        let good = text.chars().filter(|&c| cjk_text_char(c)).count();
        if total >= 2 && good * 100 >= total * 95 {
            return Some(enc);
        }
    }
    None
}

/// chardetng weighs single-byte encodings heavily when a file has even one
/// sequence that is invalid in every CJK encoding, and then decodes a
/// damaged GBK file as windows-1252 mojibake — a wrong answer, silently.
/// When its guess is not a CJK encoding but the bytes decode as mostly Han
/// (or kana, or Hangul) text in one, with few errors, that one is used
/// instead, and its errors are reported like any other.
fn prefer_cjk(bytes: &[u8], guess: &'static Encoding) -> &'static Encoding {
    use encoding_rs::{BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS};
    let cjk = [GBK, GB18030, BIG5, SHIFT_JIS, EUC_JP, EUC_KR];
    if cjk.contains(&guess) {
        return guess;
    }
    let mut best: Option<(&'static Encoding, usize)> = None;
    for enc in [GBK, BIG5, SHIFT_JIS, EUC_KR] {
        let (text, _, _) = enc.decode(bytes);
        let bad = text.matches('\u{FFFD}').count();
        let good = text
            .chars()
            .filter(|&c| matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3))
            .count();
        if good >= 10 && bad * 20 <= good && best.is_none_or(|(_, g)| good > g) {
            best = Some((enc, good));
        }
    }
    best.map_or(guess, |(enc, _)| enc)
}

/// UTF-16 without a BOM: even length, and (in the first 4 KB) NUL bytes in
/// at least 30% of one parity of positions and almost none of the other.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let (lo, hi) = (pairs * 3 / 10, pairs / 50);
    if odd >= lo.max(1) && even <= hi {
        Some(UTF_16LE)
    } else if even >= lo.max(1) && odd <= hi {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decode `bytes` (which start `skipped` bytes into the file, after a BOM)
/// with `enc`; error offsets are offsets into the file.
fn finish(
    name: &str,
    bytes: &[u8],
    skipped: usize,
    enc: &'static Encoding,
    label: String,
    lossy: bool,
) -> Result<Decoded, Error> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3).min(1 << 30),
    );
    let mut pos = 0;
    let mut replaced = 0;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(&bytes[pos..], &mut text, true);
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                text.reserve(bytes.len() - pos + 16);
                pos += read;
            }
            DecoderResult::Malformed(bad, extra) => {
                let at = skipped + pos + read - bad as usize - extra as usize;
                if !lossy {
                    return Err(Error::input(
                        name,
                        format!("is not valid {label} (invalid byte sequence at byte offset {at}); use --encoding NAME to choose an encoding or --lossy to replace bad bytes"),
                    ));
                }
                replaced += bad as usize;
                text.push('\u{FFFD}');
                pos += read;
            }
        }
    }
    if let Some(pos) = text.find('\0') {
        // Where the NUL is in the file: count the bytes of what precedes
        // it in the file's encoding (encoding_rs encodes UTF-16 as UTF-8,
        // so UTF-16 is counted in code units). Replaced bytes make that
        // count unreliable: then the character offset is given instead.
        let at = if enc == UTF_16LE || enc == UTF_16BE {
            Some(skipped + 2 * text[..pos].encode_utf16().count())
        } else if replaced == 0 {
            Some(skipped + enc.encode(&text[..pos]).0.len())
        } else {
            None
        };
        let place = match at {
            Some(at) => format!("byte offset {at}"),
            None => format!("character {}", text[..pos].chars().count()),
        };
        return Err(Error::input(name, format!("looks like a binary file (NUL character at {place}), not text")));
    }
    Ok(Decoded { text, encoding: label, replaced_bytes: replaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<Decoded, Error> {
        decode("t", bytes, &DecodeOptions::default())
    }

    #[test]
    fn a_nul_character_is_located_in_the_file_not_in_the_decoded_text() {
        // UTF-16LE with a BOM: "a", NUL, "b" — the NUL is at file offset 4.
        let bytes = [0xFF, 0xFE, 0x61, 0x00, 0x00, 0x00, 0x62, 0x00];
        let err = decode("n.txt", &bytes, &DecodeOptions::default()).unwrap_err().to_string();
        assert!(err.contains("NUL character at byte offset 4"), "{err}");
        let be = [0xFE, 0xFF, 0x4E, 0x2D, 0x00, 0x00];
        let err = decode("m.txt", &be, &DecodeOptions::default()).unwrap_err().to_string();
        assert!(err.contains("NUL character at byte offset 4"), "{err}");
    }

    #[test]
    fn legacy_chinese_encodings_are_detected() {
        let text = "中华人民共和国主席习近平在第二届世界互联网大会开幕式上发表讲话，欢迎各位嘉宾来到美丽的乌镇。";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let d = dec(&gbk).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, "GBK");
        let trad = "中華人民共和國主席習近平在第二屆世界互聯網大會開幕式上發表講話，歡迎各位嘉賓來到美麗的烏鎮。";
        let (big5, _, _) = encoding_rs::BIG5.encode(trad);
        let d = dec(&big5).unwrap();
        assert_eq!(d.text, trad);
        assert_eq!(d.encoding, "Big5");
    }

    #[test]
    fn chinese_utf16_without_bom_or_nul_bytes_is_recognised() {
        let s = "互联网是人类的共同家园。让互联网更好造福人民。";
        let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert!(!le.contains(&0));
        let d = dec(&le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (s, "UTF-16LE"));
        // Latin-1 English is not taken for UTF-16.
        let latin1 = b"Caf\xe9 society, na\xefve questions and r\xe9sum\xe9s of the day.";
        assert_ne!(dec(latin1).unwrap().encoding, "UTF-16LE");
        // Nor is valid UTF-8 that reads as Han characters two bytes at a
        // time (found by the `decode` fuzz target).
        let d = dec(b"\nMMM").unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), ("\nMMM", "UTF-8"));
    }

    #[test]
    fn a_damaged_gbk_file_is_reported_not_read_as_mojibake() {
        let text = "中华人民共和国主席习近平在第二届世界互联网大会开幕式上发表讲话";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bytes = gbk.into_owned();
        bytes.extend([0x81, 0x20]);
        let err = dec(&bytes).unwrap_err().to_string();
        assert!(err.contains("GBK") && err.contains("byte offset"), "{err}");
        let lossy = decode("t", &bytes, &DecodeOptions { lossy: true, ..Default::default() }).unwrap();
        assert!(lossy.text.starts_with(text) && lossy.replaced_bytes > 0);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let s = "Hello, 世界!\r\nSecond line";
        let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(dec(&le).unwrap().text, s);
        assert_eq!(dec(&be).unwrap().encoding, "UTF-16BE");
        let mut bom = vec![0xFE, 0xFF];
        bom.extend(&be);
        assert_eq!(dec(&bom).unwrap().text, s);
    }

    #[test]
    fn lone_surrogate_is_an_error_with_offset_unless_lossy() {
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        le.extend("ab".encode_utf16().flat_map(|u| u.to_le_bytes()));
        le.extend([0x00, 0xD8]); // lone high surrogate
        le.extend("c".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let err = dec(&le).unwrap_err().to_string();
        assert!(err.contains("byte offset"), "{err}");
        let d = decode("t", &le, &DecodeOptions { lossy: true, ..Default::default() }).unwrap();
        assert_eq!(d.text, "ab\u{FFFD}c");
        assert_eq!(d.replaced_bytes, 2);
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err =
            decode("x.txt", b"caf\xc3\x28 ok", &DecodeOptions { encoding: Some("utf-8".into()), ..Default::default() })
                .unwrap_err()
                .to_string();
        assert!(err.starts_with("x.txt: ") && err.contains("offset 3"), "{err}");
    }

    #[test]
    fn a_gbk_line_in_a_utf8_file_is_refused_not_read_as_mojibake() {
        let (gbk, _, _) = encoding_rs::GBK.encode("在中国投资兴业");
        let mut bytes = "标题：讲话\nok\n".as_bytes().to_vec();
        bytes.extend(gbk.iter());
        bytes.push(b'\n');
        let err = dec(&bytes).unwrap_err().to_string();
        assert!(err.contains("mixes encodings") && err.contains("line 1 is UTF-8 but line 3"), "{err}");
        assert!(err.contains(&format!("byte offset {}", "标题：讲话\nok\n".len())), "{err}");
        let lossy = decode("t", &bytes, &DecodeOptions { lossy: true, ..Default::default() }).unwrap();
        assert!(lossy.text.starts_with("标题：讲话\nok\n") && lossy.replaced_bytes > 0);
        assert_eq!(lossy.encoding, "UTF-8");
    }

    #[test]
    fn utf8_bom_is_kept_so_offsets_match_the_file() {
        let d = dec("\u{FEFF}你好".as_bytes()).unwrap();
        assert_eq!(d.encoding, "UTF-8 with BOM");
        assert!(d.text.starts_with('\u{FEFF}'));
    }
}
