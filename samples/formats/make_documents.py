#!/usr/bin/env python3
"""Make the document fixtures of samples/formats/ from the blog's Chinese text.

    python3 samples/formats/make_documents.py            # all of them
    python3 samples/formats/make_documents.py --md-only  # only blog-zh.md

Deterministic apart from what pandoc and Chromium embed (producer strings,
creation dates). Needs pandoc and Chromium for the .docx, .html and .pdf
(Debian: apt-get install -y --no-install-recommends pandoc chromium
fonts-noto-cjk fonts-wqy-microhei) and qpdf for the encrypted PDF.

The Markdown is the Chinese half of seed-000-blog-en-zh.txt (lines 55-129,
the text between the English translation and the `Leave a comment` line),
word for word, with markup that must never be compared: YAML front matter,
an HTML comment, a heading marker, emphasis, strong emphasis and a link.
"""

import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
SEED = HERE.parent / "seed-000-blog-en-zh.txt"


def chinese_paragraphs():
    lines = SEED.read_text(encoding="utf-8").split("\n")[54:129]
    return [l for l in lines if l.strip()]


def markdown(paras):
    out = [
        "---",
        "layout: post",
        "lang: zh-CN",
        "pagetitle: 在第二届世界互联网大会开幕式上的讲话",
        "tags: [speech, 2015]",
        "---",
        "",
        "<!-- 博客正文：只有中文，英文译文从略 -->",
        "",
    ]
    for i, p in enumerate(paras):
        if i == 0:
            p = "# " + p
        elif p.startswith("(2015"):
            p = "*" + p + "*"
        elif p.startswith("中华人民共和国主席 "):
            p = "**中华人民共和国主席** 习近平"
        elif "来到美丽的乌镇" in p:
            p = p.replace("美丽的乌镇", "美丽的[乌镇](https://zh.wikipedia.org/wiki/乌镇 \"乌镇\")", 1)
        elif "互联网是人类的共同家园" in p:
            p = p.replace("互联网是人类的共同家园", "互联网是**人类的共同家园**", 1)
        out.append(p)
        out.append("")
    return "\n".join(out)


NAV = (
    '<header class="site-header"><a class="brand" href="/">网络文摘</a> '
    '<span class="tagline">每日译文 &amp; 原文</span></header>\n'
    '<nav><ul><li><a href="/">首页</a></li><li><a href="/archive">归档</a></li>'
    '<li><a href="/about">关于本站</a></li></ul></nav>\n'
    "<!-- 正文开始：在华投资兴业（注释，不是正文） -->\n"
    '<script>var related = "在华投资兴业 — script text is never compared";</script>\n'
)
TAIL = (
    '<aside class="related"><h2>相关文章</h2><ul><li><a href="/p/1">世界互联网大会闭幕</a></li>'
    '<li><a href="/p/2">乌镇峰会综述</a></li></ul></aside>\n'
    "<footer><p>&copy; 2015 网络文摘 &middot; <a href=\"/feed\">订阅</a> &middot; "
    "Leave a comment</p></footer>\n"
    "<script>document.querySelectorAll('a').forEach(a => a.rel = 'nofollow');</script>\n"
)


PRINT_CSS = '<style>body { font-family: "WenQuanYi Micro Hei"; font-synthesis: none; }</style>\n'


def decorate(html):
    """Add site furniture around pandoc's body and spell some characters as
    entities (named, decimal, hexadecimal; &nbsp; for the byline's space)."""
    html = html.replace("<body>\n", "<body>\n" + NAV, 1)
    html = html.replace("</body>", TAIL + "</body>", 1)
    body_start = html.index(NAV) + len(NAV)
    head, body = html[:body_start], html[body_start:]
    body = body.replace("中华人民共和国主席</strong> 习近平", "中华人民共和国主席</strong>&nbsp;习近平")
    body = body.replace("“", "&ldquo;").replace("”", "&rdquo;")
    body = body.replace("——", "&mdash;&mdash;")
    body = body.replace("互联网", "&#20114;联网", 3)
    body = body.replace("乌镇,共商", "&#x4E4C;镇,共商", 1)
    return head + body


def run(*cmd):
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr)
    subprocess.run([str(c) for c in cmd], check=True)


def main():
    md = markdown(chinese_paragraphs())
    (HERE / "blog-zh.md").write_text(md, encoding="utf-8")
    if "--md-only" in sys.argv:
        return
    run("pandoc", "-f", "markdown-smart", "-t", "docx", "-o", HERE / "blog-zh.docx", HERE / "blog-zh.md")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        plain = tmp / "blog-zh.html"
        run("pandoc", "-f", "markdown-smart", "-t", "html5", "-s", "-o", plain, HERE / "blog-zh.md")
        html = plain.read_text(encoding="utf-8")
        (HERE / "blog-zh.html").write_text(decorate(html), encoding="utf-8")
        # The PDF is printed from pandoc's page without the site furniture
        # (a PDF reader cannot tell a navigation bar from text), in a
        # TrueType font with no synthetic bold: Skia then embeds it as a
        # Type0/CIDFontType2 font with a ToUnicode CMap (Noto CJK, an
        # OpenType/CFF collection, and synthetic bold come out as Type 3
        # fonts, several times larger).
        print_page = tmp / "print.html"
        print_page.write_text(html.replace("</head>", PRINT_CSS + "</head>", 1), encoding="utf-8")
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        for name, extra in [("blog-zh.pdf", ["--no-pdf-header-footer"]), ("blog-zh-headers.pdf", [])]:
            run(chromium, "--headless", "--no-sandbox", "--disable-gpu", *extra,
                f"--print-to-pdf={HERE / name}", print_page.as_uri())
        # The first paragraphs in Chromium's default CJK font (Noto Serif
        # CJK): Type 3 fonts with ToUnicode maps.
        excerpt = tmp / "excerpt.html"
        cut = html.index("<p>欢迎各位嘉宾来到")
        excerpt.write_text(html[:cut] + "</body></html>", encoding="utf-8")
        run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--print-to-pdf={HERE / 'excerpt-type3.pdf'}", excerpt.as_uri())
        # Encrypted (an owner and a user password) and image-only copies for
        # the error tests.
        run("qpdf", "--encrypt", "user", "owner", "256", "--", HERE / "blog-zh.pdf", HERE / "bad" / "encrypted.pdf")
        shot = tmp / "page.png"
        run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=600,300",
            f"--screenshot={shot}", plain.as_uri())
        page = tmp / "image.html"
        page.write_text(f'<html><body style="margin:0"><img src="{shot.as_uri()}" width="600"></body></html>')
        run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--print-to-pdf={HERE / 'bad' / 'image-only.pdf'}", page.as_uri())


if __name__ == "__main__":
    main()
