//! Captions: SubRip (`.srt`) and WebVTT (`.vtt`) read as running text, each
//! cue remembered with its time span (see docs/captions.md).
//!
//! What is compared is the words of the cues, never their machinery: cue
//! numbers and identifiers, time-code lines, the `WEBVTT` header, `NOTE`,
//! `STYLE` and `REGION` blocks, cue settings, inline tags (`<i>`, `<b>`,
//! `<u>`, `<c.x>`, `<v Speaker>`, `<lang>`, `<ruby>` with its `<rt>`
//! annotation, `<00:01.000>` karaoke time stamps, SRT's `<font>` and
//! `{\an8}`), sound descriptions wholly in square brackets (`[Applause]`)
//! and speaker labels.
//!
//! **Joining.** A cue boundary and a line break inside a cue are soft
//! breaks (see [`super::prose`]): Latin text gets one space and a word split
//! with a hyphen (`inter-` / `national`) is rejoined. Where either line has
//! Chinese characters nothing at all is put between the lines: Chinese
//! captions are cut anywhere, even inside a number (`6` / `.7亿网民`).
//!
//! **Paragraphs.** The text is running prose, so that sentences cut across
//! cues are whole again for the segmenter. A pause of more than
//! [`PAUSE_SECONDS`] between two cues starts a new line (not a hard break:
//! a speaker may pause mid-sentence); a change of speaker starts a new
//! paragraph, recorded as a hard break.
//!
//! **Speakers.** `<v Name>` (WebVTT), a leading `NAME:` in capitals,
//! `>> NAME:` or `>>` (broadcast captions) and a leading `- ` (a dialogue
//! turn) are not text; the name, when there is one, is the cue's
//! [`Cue::speaker`].
//!
//! **Tolerance.** A byte-order mark, CRLF or CR line ends, missing blank
//! lines between cues, missing cue numbers, hours left out, `.` or `,`
//! before the milliseconds, one- or two-digit fields and trailing spaces
//! are all read. A file with no cue at all, or a time-code line whose
//! times do not parse, is an error naming the file and the line.

use super::decode::{self, DecodeOptions};
use super::format::Reading;
use super::origin::{Cue, Extracted, Origin};
use super::prose::Prose;
use crate::chars::is_han;
use crate::error::Error;

/// A gap between two cues longer than this (seconds) starts a new line.
pub const PAUSE_SECONDS: f64 = 2.0;

/// Does the content start like a WebVTT file?
pub(crate) fn sniff_vtt(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.strip_prefix(b"WEBVTT").is_some_and(|rest| matches!(rest.first(), None | Some(b' ' | b'\t' | b'\n' | b'\r')))
}

/// Does the content start like an SRT file: a cue number (optional) and a
/// time-code line?
pub(crate) fn sniff_srt(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = String::from_utf8_lossy(&b[..b.len().min(512)]);
    let mut lines = head.lines().map(str::trim).skip_while(|l| l.is_empty());
    let Some(first) = lines.next() else { return false };
    let timing =
        if !first.is_empty() && first.bytes().all(|c| c.is_ascii_digit()) { lines.next() } else { Some(first) };
    timing.is_some_and(|l| parse_timing(l).is_some_and(|t| t.is_ok()))
}

/// Read SRT captions.
pub(crate) fn read_srt(name: &str, bytes: &[u8], opts: &DecodeOptions) -> Result<Reading, Error> {
    read(name, bytes, opts, false)
}

/// Read WebVTT captions.
pub(crate) fn read_vtt(name: &str, bytes: &[u8], opts: &DecodeOptions) -> Result<Reading, Error> {
    read(name, bytes, opts, true)
}

fn read(name: &str, bytes: &[u8], opts: &DecodeOptions, vtt: bool) -> Result<Reading, Error> {
    let decoded = decode::decode(name, bytes, opts)?;
    let raw = parse(name, &decoded.text, vtt)?;
    Ok(Reading::decoded(join(raw), &decoded))
}

/// A cue as it stands in the file.
#[derive(Debug)]
struct RawCue {
    start: f64,
    end: f64,
    lines: Vec<String>,
}

/// One line of the file with its 1-based number.
type Numbered<'a> = (usize, &'a str);

fn parse(name: &str, text: &str, vtt: bool) -> Result<Vec<RawCue>, Error> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines = numbered_lines(text);
    let mut cues: Vec<RawCue> = Vec::new();
    let mut i = 0;
    let mut after_blank = true;
    let mut in_cue = false;
    if vtt {
        // The header block: `WEBVTT` and anything up to the first blank
        // line (or, in a file that lacks it, the first time code).
        i = 1;
        while i < lines.len() && !lines[i].1.trim().is_empty() && parse_timing(lines[i].1.trim()).is_none() {
            i += 1;
        }
    }
    while i < lines.len() {
        let (number, line) = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            after_blank = true;
            in_cue = false;
            i += 1;
            continue;
        }
        if let Some(timing) = parse_timing(trimmed) {
            let (start, end) = timing.map_err(|why| Error::input(name, format!("line {number}: {why}")))?;
            cues.push(RawCue { start, end: end.max(start), lines: Vec::new() });
            in_cue = true;
            after_blank = false;
            i += 1;
            continue;
        }
        let next_is_timing = lines.get(i + 1).is_some_and(|(_, l)| parse_timing(l.trim()).is_some());
        if vtt && after_blank && is_vtt_block(trimmed) {
            // NOTE, STYLE, REGION: skip to the next blank line (or time code).
            i += 1;
            while i < lines.len() && !lines[i].1.trim().is_empty() && parse_timing(lines[i].1.trim()).is_none() {
                i += 1;
            }
            continue;
        }
        let is_id = next_is_timing && (trimmed.bytes().all(|c| c.is_ascii_digit()) || (vtt && after_blank));
        if !is_id {
            if let Some(cue) = cues.last_mut().filter(|_| in_cue || !vtt) {
                cue.lines.push(line.to_string());
            }
        }
        after_blank = false;
        i += 1;
    }
    if cues.is_empty() {
        return Err(Error::input(
            name,
            "has no caption cues (no time-code line such as 00:00:01,000 --> 00:00:04,000)",
        ));
    }
    Ok(cues)
}

/// The lines (trailing white space trimmed), numbered as a text editor
/// counts them: `\n`, `\r\n` and a lone `\r` each end a line.
fn numbered_lines(text: &str) -> Vec<Numbered<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut number = 1;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        out.push((number, rest[..end].trim_end()));
        number += 1;
        rest = &rest[end..];
        if rest.starts_with("\r\n") {
            rest = &rest[2..];
        } else if !rest.is_empty() {
            rest = &rest[1..];
        }
    }
    out
}

fn is_vtt_block(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"]
        .iter()
        .any(|k| line.strip_prefix(k).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t'])))
}

/// `None`: not a time-code line (no `-->`). `Some(Err)`: a time-code line
/// whose times do not parse.
fn parse_timing(line: &str) -> Option<Result<(f64, f64), String>> {
    let (a, b) = line.split_once("-->")?;
    let a = a.trim();
    let b = b.split_whitespace().next().unwrap_or("");
    let parsed = match (parse_time(a), parse_time(b)) {
        (Some(s), Some(e)) => Ok((s, e)),
        (None, _) => Err(format!("cannot read the start time '{a}' in '{line}'")),
        (_, None) => Err(format!("cannot read the end time '{b}' in '{line}'")),
    };
    Some(parsed)
}

/// `HH:MM:SS,mmm`, `MM:SS.mmm`, with one or two digits per field (hours any
/// number), `,` or `.` before the milliseconds (and the milliseconds
/// optional).
fn parse_time(s: &str) -> Option<f64> {
    let (clock, millis) = match s.find([',', '.']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let num = |f: &str, max_len: usize| -> Option<u64> {
        (!f.is_empty() && f.len() <= max_len && f.bytes().all(|c| c.is_ascii_digit())).then(|| f.parse().ok())?
    };
    let (h, m, sec) = match fields.as_slice() {
        [h, m, s] => (num(h, 6)?, num(m, 2)?, num(s, 2)?),
        [m, s] => (0, num(m, 2)?, num(s, 2)?),
        _ => return None,
    };
    if m >= 60 || sec >= 60 {
        return None;
    }
    let frac = match millis {
        Some(ms) => {
            let v = num(ms, 3)?;
            v as f64 / 10f64.powi(ms.len() as i32)
        }
        None => 0.0,
    };
    Some((h * 3600 + m * 60 + sec) as f64 + frac)
}

/// A cue's text with tags, entities and speaker labels removed.
#[derive(Debug, Default, PartialEq)]
struct CueText {
    /// Lines of text; a line starting a dialogue turn (`- `, `>>`) is marked.
    lines: Vec<(bool, String)>,
    speaker: Option<String>,
}

fn clean_cue(lines: &[String]) -> CueText {
    let mut out = CueText::default();
    for line in lines {
        let (text, voice) = strip_tags(line);
        if out.speaker.is_none() {
            out.speaker = voice;
        }
        let mut text = decode_entities(&text).replace('\u{A0}', " ");
        let mut turn = false;
        let trimmed = text.trim_start();
        if let Some(rest) = trimmed.strip_prefix(">>") {
            turn = true;
            text = rest.trim_start_matches('>').to_string();
        } else if let Some(rest) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("– ")) {
            turn = true;
            text = rest.to_string();
        }
        if let Some((who, rest)) = label(&text) {
            out.speaker = Some(who);
            turn = true;
            text = rest;
        }
        let t = text.trim();
        let sound = t.starts_with('[') && t.ends_with(']') && !t[1..].contains('[');
        if !t.is_empty() && !sound {
            out.lines.push((turn, t.to_string()));
        }
    }
    out
}

/// A leading `NAME:` speaker label: capital Latin letters (and spaces,
/// dots, apostrophes, hyphens), 2-40 characters, a colon and a space.
fn label(text: &str) -> Option<(String, String)> {
    let t = text.trim_start();
    let (who, rest) = t.split_once(':')?;
    let ok = (2..=40).contains(&who.chars().count())
        && who.chars().any(|c| c.is_ascii_uppercase())
        && who.chars().all(|c| c.is_ascii_uppercase() || matches!(c, ' ' | '.' | '\'' | '-'))
        && (rest.is_empty() || rest.starts_with(' '));
    ok.then(|| (who.trim().to_string(), rest.trim_start().to_string()))
}

/// Remove `<...>` tags (keeping their text, except `<rt>` annotations) and
/// `{\...}` override blocks; return the text and the `<v>` voice if any.
fn strip_tags(line: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(line.len());
    let mut voice = None;
    let mut in_rt = 0usize;
    let mut rest = line;
    while let Some(i) = rest.find(['<', '{']) {
        let (before, from) = rest.split_at(i);
        if in_rt == 0 {
            out.push_str(before);
        }
        let close = if from.starts_with('<') { '>' } else { '}' };
        let Some(end) = from.find(close) else {
            // An unclosed `<`: text, not a tag.
            if in_rt == 0 {
                out.push_str(from);
            }
            rest = "";
            break;
        };
        let tag = &from[1..end];
        if close == '}' && !tag.starts_with('\\') {
            if in_rt == 0 {
                out.push_str(&from[..=end]);
            }
        } else if close == '>' {
            let lower = tag.to_ascii_lowercase();
            let tag_name: String =
                lower.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if tag_name == "rt" || tag_name == "rp" {
                in_rt = if lower.starts_with('/') { in_rt.saturating_sub(1) } else { in_rt + 1 };
            } else if tag_name == "v" && !lower.starts_with('/') {
                // `<v Name>` or `<v.class Name>`.
                let who = tag.split_once(char::is_whitespace).map(|(_, w)| w.trim()).unwrap_or("");
                if !who.is_empty() {
                    voice = Some(who.to_string());
                }
            }
        }
        rest = &from[end + close.len_utf8()..];
    }
    if in_rt == 0 {
        out.push_str(rest);
    }
    (out, voice)
}

/// Decode the character references captions use (`&amp;`, `&lt;`, `&gt;`,
/// `&nbsp;`, `&lrm;`, `&rlm;`, `&quot;`, `&apos;`, `&#NN;`, `&#xHH;`).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let from = &rest[i..];
        let end = from[1..].find(|c: char| !c.is_ascii_alphanumeric() && c != '#').map(|e| e + 1);
        let entity = end.filter(|&e| from[e..].starts_with(';')).map(|e| &from[1..e]);
        let ch = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some(' '),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "lrm" | "rlm" => Some('\u{200B}'),
            n if n.starts_with("#x") || n.starts_with("#X") => {
                u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32)
            }
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        });
        match (ch, entity) {
            (Some(c), Some(name)) => {
                if c != '\u{200B}' {
                    out.push(c);
                }
                rest = &from[name.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Join the cues' text into running text and record each cue's range.
fn join(raw: Vec<RawCue>) -> Extracted {
    let mut prose = Prose::default();
    let mut cues: Vec<Cue> = Vec::with_capacity(raw.len());
    let mut speaker: Option<String> = None;
    let mut prev_end: Option<f64> = None;
    let mut previous_line = String::new();
    for rc in raw {
        let ct = clean_cue(&rc.lines);
        if ct.lines.is_empty() {
            continue;
        }
        if ct.speaker.is_some() && ct.speaker != speaker {
            if speaker.is_some() {
                prose.paragraph();
            }
            speaker = ct.speaker.clone();
        } else if prev_end.is_some_and(|e| rc.start - e > PAUSE_SECONDS) {
            prose.pause();
        }
        prev_end = Some(rc.end);
        let mut start = prose.len();
        for (k, (turn, line)) in ct.lines.iter().enumerate() {
            let han = line.chars().any(is_han) || previous_line.chars().any(is_han);
            if *turn && (k > 0 || !cues.is_empty()) {
                prose.line_break();
            } else if han {
                // Chinese captions are cut anywhere, even inside a number.
                prose.tight_break();
            } else {
                prose.soft_break();
            }
            previous_line = line.clone();
            if k == 0 {
                start = prose.next_start(line.chars().next().unwrap_or(' '));
            }
            prose.push_words(line);
        }
        // A hyphenated word rejoined across the boundary moved the start.
        let start = start.min(prose.len());
        if let Some(prev) = cues.last_mut() {
            prev.text.end = prev.text.end.min(start);
        }
        cues.push(Cue { text: start..prose.len(), start: rc.start, end: rc.end, speaker: ct.speaker });
    }
    let (text, breaks) = prose.finish();
    for c in &mut cues {
        c.text.end = c.text.end.min(text.len());
        c.text.start = c.text.start.min(c.text.end);
    }
    Extracted { text, origin: Origin { cues, breaks, ..Origin::default() } }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srt(s: &str) -> Extracted {
        read_srt("t.srt", s.as_bytes(), &DecodeOptions::default()).unwrap().extracted
    }

    fn vtt(s: &str) -> Extracted {
        read_vtt("t.vtt", s.as_bytes(), &DecodeOptions::default()).unwrap().extracted
    }

    #[test]
    fn srt_cues_are_running_text_with_times() {
        let e = srt("\u{FEFF}1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>The Internet is</i>\r\nan inter-\r\n\r\n2\r\n00:00:02,600 --> 00:00:04,000  \r\nnational <b>space</b> &amp; more.\r\n");
        assert_eq!(e.text, "The Internet is an international space & more.\n");
        let cue_texts: Vec<&str> = e.origin.cues.iter().map(|c| &e.text[c.text.clone()]).collect();
        assert_eq!(cue_texts, ["The Internet is an inter", "national space & more."]);
        assert_eq!((e.origin.cues[0].start, e.origin.cues[0].end), (1.0, 2.5));
        assert_eq!(e.origin.cues[1].start, 2.6);
    }

    #[test]
    fn chinese_cues_join_without_spaces_even_inside_a_word() {
        let e = srt("1\n00:00:01,000 --> 00:00:03,000\n欢迎各位嘉宾来到美丽的乌\n\n2\n00:00:03,000 --> 00:00:05,000\n镇,共商世界互联网\n发展大计。\n");
        assert_eq!(e.text, "欢迎各位嘉宾来到美丽的乌镇,共商世界互联网发展大计。\n");
        assert_eq!(&e.text[e.origin.cues[1].text.clone()], "镇,共商世界互联网发展大计。");
        let e = srt("1\n00:00:01,000 --> 00:00:02,000\n中国有6\n\n2\n00:00:02,000 --> 00:00:03,000\n.7亿网民\n");
        assert_eq!(e.text, "中国有6.7亿网民\n");
    }

    #[test]
    fn missing_blank_lines_and_numbers_and_short_times_are_tolerated() {
        let e = srt("1\n0:0:1.5 --> 0:0:2.0\nfirst cue\n2\n00:00:02,100 --> 00:00:03,000\nsecond cue\n00:00:03,100 --> 00:00:04,000\nthird\n");
        assert_eq!(e.text, "first cue second cue third\n");
        assert_eq!(e.origin.cues.len(), 3);
        assert_eq!(e.origin.cues[0].start, 1.5);
    }

    #[test]
    fn vtt_header_notes_styles_settings_tags_and_voices_are_not_text() {
        let e = vtt("WEBVTT - a talk\nKind: captions\n\nSTYLE\n::cue { color: red }\n\nNOTE this is\na comment\n\nREGION\nid:fred\n\nintro\n00:01.000 --> 00:04.000 align:start position:10%\n<v Xi Jinping>Distinguished <c.yellow>guests</c>,\n<00:02.000>dear <lang en>friends</lang>!\n\n00:04.000 --> 00:05.000\n<v.loud Moderator>Thank you.</v>\n\n3\n00:09.000 --> 00:10.000\n<v Moderator><ruby>漢<rt>kan</rt></ruby>字 [Applause]\n\n00:10.000 --> 00:11.000\n[Applause]\n");
        assert_eq!(e.text, "Distinguished guests, dear friends!\n\nThank you.\n漢字 [Applause]\n");
        let speakers: Vec<Option<&str>> = e.origin.cues.iter().map(|c| c.speaker.as_deref()).collect();
        assert_eq!(speakers, [Some("Xi Jinping"), Some("Moderator"), Some("Moderator")]);
        // A speaker change is a hard break; a pause is not.
        let at = e.text.find("Thank").unwrap();
        assert!(e.origin.breaks.contains(&at));
        assert!(!e.origin.breaks.contains(&e.text.find('漢').unwrap()));
    }

    #[test]
    fn vtt_without_blank_lines_after_header_and_notes() {
        let e = vtt("WEBVTT\n00:01.000 --> 00:02.000\nFirst.\nNOTE x\n00:02.000 --> 00:03.000\nSecond.\n");
        assert_eq!(e.text, "First. NOTE x Second.\n");
        let e = vtt("WEBVTT\n\nNOTE a note\n00:02.000 --> 00:03.000\nSecond.\n");
        assert_eq!(e.text, "Second.\n");
    }

    #[test]
    fn dialogue_markers_and_labels_are_speaker_structure() {
        let e = srt("1\n00:00:01,000 --> 00:00:02,000\n>> JOHN SMITH: Good evening.\n\n2\n00:00:02,000 --> 00:00:03,000\n- Are you coming?\n- Yes.\n");
        assert_eq!(e.text, "Good evening.\nAre you coming?\nYes.\n");
        assert_eq!(e.origin.cues[0].speaker.as_deref(), Some("JOHN SMITH"));
        assert_eq!(label("Note: lower case"), None);
        assert_eq!(label("A: x"), None);
    }

    #[test]
    fn garbage_is_an_error_naming_file_and_line() {
        let err = read_srt("bad.srt", b"hello\nworld\n", &DecodeOptions::default()).unwrap_err().to_string();
        assert!(err.starts_with("bad.srt: has no caption cues"), "{err}");
        let err = read_srt(
            "bad.srt",
            b"1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\r\n00:00:xx,000 --> 00:00:03,000\nno\n",
            &DecodeOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("bad.srt: line 6: cannot read the start time '00:00:xx,000'"), "{err}");
        let err = read_vtt("e.vtt", b"WEBVTT\n\nNOTE nothing\n", &DecodeOptions::default()).unwrap_err().to_string();
        assert!(err.contains("no caption cues"), "{err}");
        assert!(parse_time("00:61:00,000").is_none());
        assert_eq!(parse_time("01:02:03,5"), Some(3723.5));
    }

    #[test]
    fn sniffers_know_their_formats() {
        assert!(sniff_vtt(b"\xEF\xBB\xBFWEBVTT\r\n"));
        assert!(sniff_vtt(b"WEBVTT"));
        assert!(!sniff_vtt(b"WEBVTTX"));
        assert!(sniff_srt(b"\n\n12\n00:01:02,000 --> 00:01:03,000\nx"));
        assert!(sniff_srt(b"00:01:02.000 --> 00:01:03.000\nx"));
        assert!(!sniff_srt(b"1\nnot a time\n"));
        assert!(!sniff_srt("第一行\n第二行".as_bytes()));
        assert_eq!(decode_entities("a &lt;b&gt; &#20114;&#x8054; &bogus; & c"), "a <b> 互联 &bogus; & c");
    }
}
