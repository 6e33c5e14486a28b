//! The input formats end to end (issues 11 and 12): the blog's Chinese text
//! as Markdown, Word, an HTML page, a PDF and captions is read by the real
//! binary, `tvdiff extract` shows exactly the text that is compared, and a
//! comparison with the agency's plain text finds the same wording edits as
//! the plain-text blog does. Bad documents fail plainly. Fixtures and the
//! commands that made them: samples/README.md.

mod common;

/// The fuzz targets' checks (the `read_*` targets use `checks::read`).
#[allow(dead_code)]
#[path = "../fuzz/src/checks.rs"]
mod checks;

use common::*;
use proptest::prelude::*;
use tvdiff::input::decode::DecodeOptions;
use tvdiff::input::format::extract;
use tvdiff::report::{ChangeKind, Report};

/// The blog's Chinese text as each document format.
const DOCUMENTS: &[&str] = &[
    "formats/blog-zh.md",
    "formats/blog-zh.html",
    "formats/blog-zh.docx",
    "formats/blog-zh.pdf",
    "formats/blog-zh-headers.pdf",
];

/// Every edit of a report, with the kind of its change: what a reader of
/// the report is told changed.
fn edit_list(r: &Report) -> Vec<String> {
    r.changes
        .iter()
        .flat_map(|c| {
            let side = c.old.as_ref().or(c.new.as_ref()).map(|s| s.text.clone()).unwrap_or_default();
            match c.kind {
                ChangeKind::Modified => c.edits.iter().map(|e| format!("{:?}: {} → {}", e.op, e.old, e.new)).collect(),
                _ => vec![format!("{:?}: {side}", c.kind)],
            }
        })
        .collect()
}

fn extracted(file: &str) -> String {
    let r = run(&["extract", &sample(file)]);
    assert_eq!(r.status, 0, "extract {file}: {}", r.stderr);
    assert!(r.stderr.is_empty(), "extract {file} wrote to stderr: {}", r.stderr);
    r.stdout
}

#[test]
fn every_document_extracts_to_the_blog_text_without_markup_or_furniture() {
    let markdown = extracted("formats/blog-zh.md");
    for file in DOCUMENTS {
        let text = extracted(file);
        for junk in [
            "<",
            ">",
            "**",
            "](",
            "---",
            "layout:",
            "pagetitle",
            "&nbsp;",
            "&ldquo;",
            "注释",
            "script",
            "首页",
            "相关文章",
            "版权",
            "订阅",
            "Leave a comment",
            "file://",
            "PM",
            "/4",
        ] {
            assert!(!text.contains(junk), "{file}: extracted text contains {junk:?}");
        }
        for kept in [
            "在第二届世界互联网大会开幕式上的讲话",
            "中华人民共和国主席 习近平",
            "在华投资兴业",
            "“凡益之道,与时偕行。”",
            "谢谢大家。",
        ] {
            assert!(text.contains(kept), "{file}: {kept:?} is missing");
        }
        if !file.ends_with(".pdf") {
            // Paragraph for paragraph the same text as the Markdown.
            assert_eq!(text, markdown, "{file}");
        }
    }
    // The Markdown is seed 000's Chinese half, paragraph for paragraph.
    let seed = sample_text("seed-000-blog-en-zh.txt");
    let paras: Vec<&str> = seed.split('\n').skip(54).take(75).filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(markdown, format!("{}\n", paras.join("\n\n")));
}

#[test]
fn each_format_reports_the_wording_edits_of_the_plain_text_blog() {
    let (plain, _) =
        json_report(&["--lang", "zh", &sample("seed-001-xinhua-pdf-zh.txt"), &sample("seed-000-blog-en-zh.txt")]);
    let expected = edit_list(&plain);
    let joined = expected.join("\n");
    for marker in ["中国 → 华", "传统 → ", " → 的", "Removed: 习近平", "Added: 中华人民共和国主席 习近平"]
    {
        assert!(joined.contains(marker), "the plain-text comparison lacks {marker:?}:\n{joined}");
    }
    assert_eq!(joined.matches("中国 → 华").count(), 2);
    for file in DOCUMENTS {
        let (r, _) = json_report(&["--lang", "zh", &sample("seed-001-xinhua-pdf-zh.txt"), &sample(file)]);
        assert_eq!(edit_list(&r), expected, "{file} against the agency's text");
    }
}

#[test]
fn mixed_pairs_of_formats_compare_equal() {
    for (a, b, opts) in [
        ("formats/blog-zh.pdf", "formats/blog-zh.html", &[][..]),
        ("formats/blog-zh.docx", "formats/blog-zh-headers.pdf", &[][..]),
        ("formats/blog-zh.html", "formats/blog-zh.md", &[][..]),
        ("formats/blog-zh.md", "formats/blog-zh.vtt", &["--ignore-punctuation"][..]),
        ("formats/blog-zh.srt", "formats/blog-zh.docx", &["--ignore-punctuation"][..]),
    ] {
        let mut args = opts.to_vec();
        let (a, b) = (sample(a), sample(b));
        args.extend([a.as_str(), b.as_str()]);
        let (r, run) = json_report(&args);
        assert!(r.changes.is_empty() && run.status == 0, "{a} vs {b}: {:?}", edit_list(&r));
    }
}

#[test]
fn offsets_of_a_document_side_point_into_its_extracted_text() {
    for file in ["formats/blog-zh.docx", "formats/blog-zh.pdf"] {
        let text = extracted(file);
        let (r, _) = json_report(&["--lang", "zh", &sample("seed-001-xinhua-pdf-zh.txt"), &sample(file)]);
        let mut checked = 0;
        for c in &r.changes {
            if let Some(new) = &c.new {
                assert_eq!(&text[new.start..new.end], new.text, "{file}: change {}", c.id);
                checked += 1;
            }
        }
        assert!(checked >= 4, "{file}");
    }
}

#[test]
fn the_pdf_knows_its_pages_and_what_it_removed() {
    let r = run(&["extract", "--format", "json", &sample("formats/blog-zh-headers.pdf")]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["format"], "pdf");
    let pages = j["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 4);
    let text = j["text"].as_str().unwrap();
    // Page 2 starts with the line the PDF shows at its top.
    let p2 = pages[1]["start"].as_u64().unwrap() as usize;
    assert!(text[p2..].starts_with("纵观世界文明史"), "{}", &text[p2..p2 + 30]);
    let notes = j["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().starts_with("running headers/footers and page numbers removed: 8")),
        "{notes:?}"
    );
    // The Type 3 (Noto CJK) excerpt reads as ideographs, not radicals.
    let excerpt = extracted("formats/excerpt-type3.pdf");
    assert!(
        excerpt.starts_with("在第二届世界互联网大会开幕式上的讲话\n(2015年12月16日,乌镇)\n中华人民共和国主席 习近平\n"),
        "{excerpt}"
    );
    assert!(!excerpt.chars().any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c)));
}

#[test]
fn captions_extract_to_running_text_with_cue_times() {
    for file in ["formats/blog-zh.srt", "formats/blog-zh.vtt", "formats/speech-en.srt", "formats/speech-en.vtt"] {
        let text = extracted(file);
        for junk in ["-->", "WEBVTT", "NOTE", "STYLE", "cue-", "<", "::cue", "Xi Jinping", "line:85%"] {
            assert!(!text.contains(junk), "{file}: {junk:?} in the text");
        }
        assert!(!text.lines().any(|l| l.trim().parse::<u32>().is_ok()), "{file}: a cue number is text");
        let r = run(&["extract", "--format", "json", &sample(file)]);
        let j = r.json();
        let cues = j["cues"].as_array().unwrap();
        assert!(cues.len() > 100, "{file}: {} cues", cues.len());
        let first = &cues[0];
        assert_eq!((first["start"].as_f64(), first["text"]["start"].as_u64()), (Some(1.0), Some(0)));
    }
    let zh = extracted("formats/blog-zh.srt");
    assert!(zh.contains("目前,中国有6.7亿网民"), "a number cut across cues is whole again");
    let en = run(&["extract", "--format", "json", &sample("formats/speech-en.vtt")]).json();
    assert_eq!(en["cues"][0]["speaker"], "Xi Jinping");
}

#[test]
fn captions_compared_with_the_plain_text_find_no_wording_edit() {
    for file in ["formats/blog-zh.srt", "formats/blog-zh.vtt"] {
        let (r, _) =
            json_report(&["--lang", "zh", "--ignore-punctuation", &sample("seed-000-blog-en-zh.txt"), &sample(file)]);
        assert!(r.changes.is_empty(), "{file}: {:?}", edit_list(&r));
    }
    for file in ["formats/speech-en.srt", "formats/speech-en.vtt"] {
        let (r, _) = json_report(&["-i", "--ignore-punctuation", &sample("en-wrapped-72.txt"), &sample(file)]);
        // Every word is there, in order: where a paragraph ending in `:` or
        // `,` runs into the next in the captions' running text, the text is
        // aligned, not the sentences, so nothing is reported.
        assert!(r.changes.is_empty(), "{file}: {:?}", edit_list(&r));
    }
}

/// A copy of a fixture, cut or renamed, in a temporary directory.
fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn bad_documents_exit_2_naming_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let docx = std::fs::read(repo().join("samples/formats/blog-zh.docx")).unwrap();
    let pdf = std::fs::read(repo().join("samples/formats/blog-zh.pdf")).unwrap();
    let cases: Vec<(String, &str)> = vec![
        (temp_file(&dir, "truncated.docx", &docx[..docx.len() / 2]), "damaged or truncated Word document"),
        (temp_file(&dir, "notes.docx", b"plain text, not a zip"), "not a Word document"),
        (
            temp_file(&dir, "garbage.pdf", b"<html><body>404 Not Found</body></html>"),
            "not a PDF (it does not start with %PDF-); it looks like an HTML page",
        ),
        (temp_file(&dir, "truncated.pdf", &pdf[..pdf.len() / 3]), "damaged or truncated PDF"),
        (sample("formats/bad/encrypted.pdf"), "is encrypted"),
        (sample("formats/bad/image-only.pdf"), "has no text layer (scanned images?) — it needs OCR first"),
        (
            temp_file(
                &dir,
                "empty.html",
                b"<!DOCTYPE html><html><body><nav>Home</nav><script>x()</script></body></html>",
            ),
            "has no text to compare",
        ),
        (temp_file(&dir, "none.srt", b"1\nhello\n\n2\nworld\n"), "has no caption cues"),
        (
            temp_file(&dir, "badtime.vtt", b"WEBVTT\n\n00:01.000 --> 00:0x.000\nhi\n"),
            "line 3: cannot read the end time",
        ),
    ];
    for (file, problem) in &cases {
        for args in [vec!["extract", file.as_str()], vec![file.as_str(), &sample("seed-000-blog-en-zh.txt")]] {
            let r = run(&args);
            assert_eq!(r.status, 2, "{args:?}: {r:?}");
            assert!(r.stdout.is_empty(), "{args:?} printed {:?}", r.stdout);
            let line = r.stderr.trim_end();
            assert!(!line.contains('\n') && !line.contains("panicked"), "{args:?}: {line}");
            assert!(line.starts_with(&format!("tvdiff: {file}: ")) && line.contains(problem), "{args:?}: {line}");
        }
    }
}

#[test]
fn from_forces_a_format_and_txt_that_is_srt_is_read_as_srt() {
    let dir = tempfile::tempdir().unwrap();
    let srt = std::fs::read(repo().join("samples/formats/blog-zh.srt")).unwrap();
    let txt = temp_file(&dir, "captions.txt", &srt);
    assert_eq!(extracted_path(&txt, &[]), extracted("formats/blog-zh.srt"));
    let forced = extracted_path(&txt, &["--from", "text"]);
    assert!(forced.contains("-->"));
    let r = run(&["extract", "--from", "klingon", &txt]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("unknown format 'klingon'"), "{}", r.stderr);
    // Plain text is printed exactly as stored, byte-order mark and CRLF included.
    let bom = sample("fixtures/crlf-bom-old.txt");
    assert_eq!(extracted_path(&bom, &[]), read_text(&bom));
}

fn extracted_path(path: &str, extra: &[&str]) -> String {
    let mut args = vec!["extract"];
    args.extend_from_slice(extra);
    args.push(path);
    let r = run(&args);
    assert_eq!(r.status, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn the_fuzz_check_passes_on_every_fixture() {
    for (file, format) in [
        ("formats/blog-zh.md", "md"),
        ("formats/blog-zh.html", "html"),
        ("formats/blog-zh.docx", "docx"),
        ("formats/blog-zh.pdf", "pdf"),
        ("formats/excerpt-type3.pdf", "pdf"),
        ("formats/bad/encrypted.pdf", "pdf"),
        ("formats/bad/image-only.pdf", "pdf"),
        ("formats/blog-zh.srt", "srt"),
        ("formats/speech-en.srt", "srt"),
        ("formats/speech-en.vtt", "vtt"),
        ("seed-000-blog-en-zh.txt", "txt"),
    ] {
        let bytes = std::fs::read(repo().join("samples").join(file)).unwrap();
        checks::read(format, &bytes);
        // Cut short: the readers fail plainly or read what is there.
        checks::read(format, &bytes[..bytes.len() / 2]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// No reader panics or hangs on arbitrary bytes, whatever the name
    /// says; an answer is text or a one-line error naming the file.
    #[test]
    fn readers_never_panic_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        prefix in prop::sample::select(vec![&b""[..], b"%PDF-1.7\n", b"PK\x03\x04word/document.xml", b"WEBVTT\n\n", b"1\n00:00:01,000 --> 00:00:02,000\n", b"<!DOCTYPE html>", b"---\n"]),
        ext in prop::sample::select(vec!["txt", "pdf", "docx", "srt", "vtt", "html", "md", "bin"]),
    ) {
        let mut data = prefix.to_vec();
        data.extend_from_slice(&bytes);
        let name = format!("fuzz.{ext}");
        match extract(&name, &data, &DecodeOptions { lossy: true, ..Default::default() }) {
            Ok(e) => {
                for c in &e.origin.cues {
                    prop_assert!(c.text.start <= c.text.end && c.text.end <= e.text.len());
                    prop_assert!(e.text.is_char_boundary(c.text.start) && e.text.is_char_boundary(c.text.end));
                }
                for &b in &e.origin.breaks {
                    prop_assert!(e.text.is_char_boundary(b) && b <= e.text.len());
                }
                for &(start, _) in &e.origin.pages {
                    prop_assert!(e.text.is_char_boundary(start));
                }
            }
            Err(err) => {
                let msg = err.to_string();
                prop_assert!(msg.starts_with(&format!("{name}: ")) && !msg.contains('\n'), "{}", msg);
            }
        }
    }
}

/// Headings the document's markup declares — Markdown `##`, HTML `<h2>`,
/// Word's Heading 2 — label the changes under them even without a number
/// (samples/formats/headings-*: pandoc made the .docx and .html from the
/// .md). Plain text has no such markup: there the lines stay text.
#[test]
fn declared_headings_label_the_changes_under_them() {
    for ext in ["md", "html", "docx"] {
        let (old, new) =
            (sample(&format!("formats/headings-old.{ext}")), sample(&format!("formats/headings-new.{ext}")));
        let (r, run) = json_report(&[&old, &new]);
        assert_eq!(run.status, 1, "{ext}: {}", run.stderr);
        let labels: Vec<(Option<String>, Vec<String>)> = r
            .changes
            .iter()
            .map(|c| {
                let s = c.old.as_ref().expect("a modified sentence");
                (s.section.clone(), s.path.clone())
            })
            .collect();
        assert_eq!(
            labels,
            [
                (Some("Background".to_string()), vec!["Council minutes".to_string(), "Background".to_string()]),
                (Some("Decisions".to_string()), vec!["Council minutes".to_string(), "Decisions".to_string()]),
            ],
            "{ext}"
        );
        let terminal = run_cmd(tvdiff().args(["--color", "never", &old, &new]));
        assert!(
            terminal.stdout.contains("Background @@") && terminal.stdout.contains("Decisions @@"),
            "{ext}: {}",
            terminal.stdout
        );
    }
}
