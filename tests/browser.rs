//! The HTML report in a real browser (headless Chromium): the page script
//! runs, `n`/`p` move between changes, collapsed runs expand, and hostile
//! input text never runs.
//!
//! Chromium is looked for at `/usr/bin/chromium`, then as `chromium` on
//! `PATH`. Without it these tests print a note and pass, except under CI
//! (`CI` set), where `.ci/run` installs it and its absence is a failure.

use assert_cmd::cargo::cargo_bin;
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SEED_000: &str = "samples/seed-000-blog-en-zh.txt";
const SEED_001: &str = "samples/seed-001-xinhua-pdf-zh.txt";
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

fn chromium() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/chromium");
    let found = if fixed.is_file() {
        Some(fixed)
    } else {
        std::env::var_os("PATH")
            .and_then(|p| std::env::split_paths(&p).map(|d| d.join("chromium")).find(|c| c.is_file()))
    };
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("chromium not found at /usr/bin/chromium or on PATH; .ci/run should have installed it");
        }
        eprintln!("note: chromium not found; skipping the browser test (apt-get install chromium fonts-noto-cjk)");
    }
    found
}

/// Write the HTML report of `args` to `dir/name`.
fn report(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let status = Command::new(cargo_bin("tvdiff"))
        .args(args)
        .args(["--format", "html", "-o"])
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", "0")
        .stdout(Stdio::null())
        .status()
        .expect("run tvdiff");
    assert!(matches!(status.code(), Some(0 | 1)), "tvdiff failed: {status}");
    out
}

/// A copy of the page without its Content-Security-Policy (so that what is
/// tested is the escaping alone and a test script may run), with `script`
/// appended at the end of the body.
fn instrumented(page: &Path, script: &str) -> PathBuf {
    let html = std::fs::read_to_string(page).expect("read report");
    let start = html.find("<meta http-equiv=\"Content-Security-Policy\"").expect("CSP meta");
    let end = start + html[start..].find('>').expect("end of meta") + 1;
    let html = format!("{}{}", &html[..start], &html[end..]);
    let html = html.replacen("</body>", &format!("<script>{script}</script>\n</body>"), 1);
    let out = page.with_extension("test.html");
    std::fs::write(&out, html).expect("write copy");
    out
}

/// Load `page` in headless Chromium and return the DOM after its scripts
/// ran. The browser is killed after a minute.
fn dump_dom(browser: &Path, page: &Path) -> Html {
    let profile = tempfile::tempdir().expect("profile dir");
    let dump = profile.path().join("dom.html");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().join("profile").display()))
        .arg(format!("file://{}", page.canonicalize().expect("absolute path").display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&dump).expect("dump file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {BROWSER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "chromium failed: {status}");
    let dom = std::fs::read_to_string(&dump).expect("read dumped DOM");
    assert!(dom.contains("<html"), "chromium dumped no DOM");
    Html::parse_document(&dom)
}

fn root_attr(doc: &Html, name: &str) -> Option<String> {
    doc.select(&Selector::parse("html").expect("selector")).next()?.value().attr(name).map(str::to_string)
}

fn count(doc: &Html, selector: &str) -> usize {
    doc.select(&Selector::parse(selector).expect("selector")).count()
}

#[test]
fn page_script_runs() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let page = report(dir.path(), "seed.html", &["--lang", "zh", SEED_000, SEED_001]);
    // The page as written, Content-Security-Policy included.
    let doc = dump_dom(&browser, &page);
    assert_eq!(root_attr(&doc, "data-ready").as_deref(), Some("1"), "the page script ran to its end");
    let pos = doc.select(&Selector::parse("#pos").expect("selector")).next().expect("position");
    assert_eq!(pos.text().collect::<String>(), "8 changes");
    assert_eq!(count(&doc, "#npunct"), 1);
}

#[test]
fn n_and_p_move_between_changes() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let page = report(dir.path(), "seed.html", &["--lang", "zh", SEED_000, SEED_001]);
    let script = r#"
      (function () {
        var root = document.documentElement;
        function key(k, target) {
          (target || document).dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
        }
        function current() {
          var all = document.querySelectorAll('tr.current');
          return all.length === 1 ? all[0].id : 'current rows: ' + all.length;
        }
        var stops = Array.prototype.map.call(document.querySelectorAll('tr.chg'), function (e) { return e.id; });
        root.setAttribute('data-t-stops', stops.join(' '));
        key('n'); root.setAttribute('data-t-n', current());
        key('n'); root.setAttribute('data-t-nn', current());
        root.setAttribute('data-t-pos', document.getElementById('pos').textContent);
        key('p'); root.setAttribute('data-t-nnp', current());
        // Typing n in a text field does not navigate.
        var input = document.createElement('input');
        document.body.appendChild(input);
        input.focus();
        key('n', input); root.setAttribute('data-t-typed', current());
        // The Next button does.
        document.getElementById('next').click(); root.setAttribute('data-t-button', current());
        // Expanding a collapsed run adds its rows.
        var before = document.querySelectorAll('#rows tr.row').length;
        var gap = document.querySelector('tr.gap');
        var n = Number(gap.getAttribute('data-n'));
        gap.querySelector('button.more').click();
        root.setAttribute('data-t-expanded', String(document.querySelectorAll('#rows tr.row').length - before - n));
        root.setAttribute('data-t-line-breaks', String(document.querySelectorAll('#rows .nl').length));
      })();
    "#;
    let doc = dump_dom(&browser, &instrumented(&page, script));
    assert_eq!(root_attr(&doc, "data-ready").as_deref(), Some("1"));
    let stops = root_attr(&doc, "data-t-stops").expect("change rows");
    let stops: Vec<&str> = stops.split(' ').collect();
    assert!(stops.len() >= 3, "{stops:?}");
    assert_eq!(root_attr(&doc, "data-t-n").as_deref(), Some(stops[0]), "n goes to the first change");
    assert_eq!(root_attr(&doc, "data-t-nn").as_deref(), Some(stops[1]), "n again goes to the second change");
    assert_eq!(root_attr(&doc, "data-t-pos").as_deref(), Some("change 2 of 8"));
    assert_eq!(root_attr(&doc, "data-t-nnp").as_deref(), Some(stops[0]), "p goes back to the first");
    assert_eq!(root_attr(&doc, "data-t-typed").as_deref(), Some(stops[0]), "n typed in an input is text");
    assert_eq!(root_attr(&doc, "data-t-button").as_deref(), Some(stops[1]));
    assert_eq!(root_attr(&doc, "data-t-expanded").as_deref(), Some("0"), "the run's rows were all added");
    assert!(count(&doc, "tr.current") == 1 && count(&doc, "#change-list a[aria-current]") == 1);
    // Seed 001 breaks sentences across lines; the expanded rows show the ⏎ mark.
    let breaks: usize = root_attr(&doc, "data-t-line-breaks").and_then(|s| s.parse().ok()).unwrap_or(0);
    assert!(breaks > 0, "line breaks inside sentences are marked");
}

#[test]
fn injected_markup_does_not_run() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let pwn_script = "<script>document.documentElement.setAttribute('data-pwned','1')</script>";
    let pwn_img = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','1')\">";
    let mut old = format!("开头{pwn_script}{pwn_img}。\n");
    for i in 0..12 {
        old += &format!("第{i}句{pwn_img}普通的话。\n");
    }
    let new = old.clone() + &format!("我们在中国投资{pwn_script}{pwn_img}。\n");
    let old = old + &format!("我们在华投资{pwn_script}{pwn_img}。\n");
    std::fs::write(dir.path().join("old.txt"), old).expect("write");
    std::fs::write(dir.path().join("new.txt"), new).expect("write");
    let old = dir.path().join("old.txt").display().to_string();
    let new = dir.path().join("new.txt").display().to_string();
    let page = report(dir.path(), "xss.html", &[&old, &new]);

    // Expand every collapsed run so that its text goes through the script too.
    let expand_all = r#"
      var guard = 0, b;
      while ((b = document.querySelector('button.more')) && guard++ < 1000) { b.click(); }
      document.documentElement.setAttribute('data-t-rows', String(document.querySelectorAll('#rows tr.row').length));
    "#;
    let mut expanded = None;
    for (what, page) in [("with its CSP", page.clone()), ("without CSP", instrumented(&page, expand_all))] {
        let doc = dump_dom(&browser, &page);
        assert_eq!(root_attr(&doc, "data-ready").as_deref(), Some("1"), "{what}: the page script ran");
        assert_eq!(root_attr(&doc, "data-pwned"), None, "{what}: injected markup ran");
        assert_eq!(count(&doc, "#rows img, #rows script"), 0, "{what}");
        expanded = Some(doc);
    }
    let doc = expanded.expect("instrumented page loaded");
    assert_eq!(root_attr(&doc, "data-t-rows").as_deref(), Some("14"), "all rows expanded");
    let text: String =
        doc.select(&Selector::parse("#rows").expect("selector")).flat_map(|t| t.text()).collect::<String>();
    assert!(text.contains(&format!("开头{pwn_script}{pwn_img}。")), "expanded row shows the markup as text");
    assert!(text.contains(&format!("第3句{pwn_img}普通的话。")));
}

/// A page that shows `inner` in a frame `width` pixels wide and copies the
/// attributes the inner page posts (`parent.postMessage({name: value})`)
/// onto its own root element. Headless Chromium's windows are at least 500
/// pixels wide; a frame can be narrower, and the inner page's media queries
/// see the frame's width.
fn framed(inner: &Path, width: u32) -> PathBuf {
    let name = inner.file_name().expect("file name").to_string_lossy();
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body {{ margin: 0; }} \
         iframe {{ width: {width}px; height: 900px; border: 0; display: block; }}</style></head>\
         <body><iframe src=\"{name}\"></iframe><script>\
         window.addEventListener('message', function (e) {{ for (var k in e.data) \
         {{ document.documentElement.setAttribute(k, e.data[k]); }} }});</script></body></html>"
    );
    let out = inner.with_extension("frame.html");
    std::fs::write(&out, html).expect("write frame");
    out
}

/// Issue 14: at phone width (420 px) the page does not scroll sideways,
/// starts in the inline view, stacks the versions table, and breaks file
/// paths after `/`. A screenshot at that width is taken too (kept in the
/// test's temporary directory; `TVDIFF_SCREENSHOT_DIR` keeps a copy).
#[test]
fn the_report_fits_a_phone_screen() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    // Long paths, as a user's files have them.
    let deep = dir.path().join("transcripts/2015/world-internet-conference/wuzhen/opening-ceremony");
    std::fs::create_dir_all(&deep).expect("dirs");
    let (o, n) = (deep.join("blog-version-english-and-chinese.txt"), deep.join("xinhua-pdf-extraction.txt"));
    std::fs::copy(SEED_000, &o).expect("copy");
    std::fs::copy(SEED_001, &n).expect("copy");
    let page = report(dir.path(), "phone.html", &["--lang", "zh", o.to_str().unwrap(), n.to_str().unwrap()]);
    let script = r#"
      (function () {
        var root = document.documentElement;
        var tr = document.querySelector('.versions tbody tr');
        var widest = 0;
        Array.prototype.forEach.call(document.querySelectorAll('body *'), function (el) {
          var r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > widest && getComputedStyle(el).position !== 'fixed') { widest = r.right; }
        });
        parent.postMessage({
          'data-t-ready': root.getAttribute('data-ready'),
          'data-t-scroll': String(root.scrollWidth),
          'data-t-width': String(window.innerWidth),
          'data-t-inline': String(document.body.classList.contains('inline')),
          'data-t-stacked': getComputedStyle(tr).display,
          'data-t-widest': String(Math.ceil(widest)),
          'data-t-wbr': String(document.querySelectorAll('.versions .path wbr').length)
        }, '*');
      })();
    "#;
    let inner = instrumented(&page, script);
    let num = |doc: &Html, name: &str| -> u32 {
        root_attr(doc, name).and_then(|w| w.parse().ok()).unwrap_or_else(|| panic!("{name} not reported"))
    };
    let doc = dump_dom(&browser, &framed(&inner, 420));
    assert_eq!(root_attr(&doc, "data-t-ready").as_deref(), Some("1"), "the page script ran");
    let width = num(&doc, "data-t-width");
    assert_eq!(width, 420, "the page is phone-sized");
    let scroll = num(&doc, "data-t-scroll");
    assert!(scroll <= width, "the page scrolls sideways: {scroll} px wide in a {width} px window");
    let widest = num(&doc, "data-t-widest");
    assert!(widest <= width, "an element reaches {widest} px in a {width} px window");
    assert_eq!(root_attr(&doc, "data-t-inline").as_deref(), Some("true"), "inline view on a phone");
    assert_eq!(root_attr(&doc, "data-t-stacked").as_deref(), Some("block"), "the versions table stacks");
    assert!(num(&doc, "data-t-wbr") >= 10, "paths may break after each /");
    // On a wide screen, the two columns stay the default.
    let doc = dump_dom(&browser, &framed(&inner, 1280));
    assert_eq!(root_attr(&doc, "data-t-inline").as_deref(), Some("false"));
    assert_eq!(root_attr(&doc, "data-t-stacked").as_deref(), Some("table-row"));

    // A screenshot of the page as written (its CSP and all) at 420 px.
    let shot = dir.path().join("phone.png");
    let profile = tempfile::tempdir().expect("profile dir");
    let status = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=500,900"])
        .arg(format!("--user-data-dir={}", profile.path().join("p").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", framed(&page, 420).canonicalize().expect("absolute").display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("chromium runs");
    assert!(status.success());
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[1..4], b"PNG");
    if let Some(keep) = std::env::var_os("TVDIFF_SCREENSHOT_DIR") {
        std::fs::copy(&shot, Path::new(&keep).join("report-phone.png")).expect("keep the screenshot");
    }
}
