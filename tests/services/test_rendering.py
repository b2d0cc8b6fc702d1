"""Markdown rendering: hostile input never survives, legitimate markdown does; exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aipm_desktop.errors import NotFoundError, UserError
from aipm_desktop.services import documents, rendering

#: (name, markdown, what must not appear in the output, lower-cased)
HOSTILE = [
    ("script tag", "Hi <script>alert('x')</script> there", ["<script", "alert("]),
    ("script in heading", "## Title <script src='https://e/x.js'></script>", ["<script", "e/x.js"]),
    ("javascript link", "[click](javascript:alert(1))", ["javascript:"]),
    ("javascript link mixed case", "[click](JaVaScRiPt:alert(1))", ["javascript:"]),
    ("javascript link entity", '<a href="jav&#x09;ascript:alert(1)">x</a>', ["ascript:", "href"]),
    ("javascript raw link", '<a href="javascript:alert(1)">x</a>', ["javascript:"]),
    ("vbscript link", "[x](vbscript:msgbox(1))", ["vbscript"]),
    ("data html link", "[x](data:text/html;base64,PHNjcmlwdD4=)", ["data:text"]),
    ("onclick", '<p onclick="steal()">hi</p>', ["onclick", "steal"]),
    ("onerror image", '<img src="x.png" onerror="steal()">', ["onerror", "steal"]),
    ("onload body", '<body onload="steal()">x</body>', ["onload", "steal"]),
    ("onmouseover link", '<a href="#a" onmouseover="steal()">a</a>', ["onmouseover"]),
    ("remote image md", "![x](https://evil.example/pixel.png)", ["evil.example", "http"]),
    ("remote image html", '<img src="http://evil.example/p.png">', ["evil.example"]),
    ("protocol relative image", '<img src="//evil.example/p.png">', ["evil.example"]),
    ("absolute file image", '<img src="file:///etc/passwd">', ["file:", "passwd"]),
    ("parent path image", '<img src="../../secret.png">', ["secret.png"]),
    ("encoded parent path", '<img src="%2e%2e/%2e%2e/secret.png">', ["secret.png"]),
    ("double-encoded parent", '<img src="%252e%252e/secret.png">', ["secret.png"]),
    ("backslash parent path", '<img src="..\\..\\secret.png">', ["secret.png"]),
    ("inner parent path", '<img src="img/../../secret.png">', ["secret.png"]),
    ("svg data image", '<img src="data:image/svg+xml;base64,PHN2Zz4=">', ["svg"]),
    ("srcset", '<img src="a.png" srcset="https://evil.example/x.png 2x">', ["evil.example"]),
    ("iframe", '<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
    ("iframe srcdoc", '<iframe srcdoc="<script>x</script>"></iframe>', ["iframe", "script"]),
    (
        "inline svg",
        '<svg onload="steal()"><image href="https://evil.example/x"/></svg>',
        ["svg", "evil", "onload"],
    ),
    ("svg use", '<svg><use href="https://evil.example/s.svg#a"/></svg>', ["evil.example", "<use"]),
    ("math", "<math><mi xlink:href='javascript:x'>m</mi></math>", ["javascript", "<math"]),
    ("style tag", "<style>@import url(https://evil.example/x.css)</style>", ["evil", "@import"]),
    (
        "style attribute url",
        '<div style="background:url(https://evil.example/y.png)">s</div>',
        ["url(", "evil"],
    ),
    (
        "link stylesheet",
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        ["<link", "evil"],
    ),
    ("object", '<object data="https://evil.example/x.swf"></object>', ["<object", "evil"]),
    ("embed", '<embed src="https://evil.example/x.swf">', ["<embed", "evil"]),
    (
        "form",
        '<form action="https://evil.example"><input name="p"><button>Go</button></form>',
        ["<form", "evil", "<button", 'name="p"'],
    ),
    ("text input", '<input type="text" value="x">', ["<input"]),
    ("hidden input", '<input type="hidden" name="csrf">', ["<input", "csrf"]),
    (
        "meta refresh",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        ["<meta", "refresh", "evil"],
    ),
    ("base href", '<base href="https://evil.example/">', ["<base", "evil"]),
    (
        "audio video",
        '<video src="https://evil.example/v.mp4" poster="https://evil.example/p.png"></video>',
        ["<video", "evil"],
    ),
    ("html comment trick", "<!-- <script>x()</script> -->ok", ["<script", "x()"]),
    ("reference link js", "[x][r]\n\n[r]: javascript:alert(1)", ["javascript:"]),
    ("autolink js", "<javascript:alert(1)>", ['href="javascript']),
]


@pytest.mark.parametrize(("name", "source", "forbidden"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_markdown_is_neutralised(name: str, source: str, forbidden: list[str]) -> None:
    out = rendering.render_html(source).lower()
    for text in forbidden:
        assert text.lower() not in out, f"{name}: {text!r} survived in {out!r}"
    assert not re.search(r"\son\w+\s*=", out), f"{name}: an event handler survived"
    assert "style=" not in out


def test_every_url_left_is_local_or_a_plain_web_link() -> None:
    corpus = "\n\n".join(h[1] for h in HOSTILE)
    out = rendering.render_html(corpus)
    for attr, url in re.findall(r'\s(href|src)="([^"]*)"', out):
        if attr == "src":
            assert not re.match(r"^[a-z]+:|^//|^/", url) or url.startswith("data:image/png")
        else:
            assert url.startswith(("#", "https:", "http:", "mailto:")) or not re.match(
                r"^\w+:", url
            )
    # inputs left are only disabled checkboxes
    for tag in re.findall(r"<input[^>]*>", out):
        assert tag in (
            '<input type="checkbox" disabled>',
            '<input type="checkbox" disabled checked>',
        )


def test_tables_code_task_lists_and_toc_survive() -> None:
    source = (
        "# Plan\n\n## Goals\n\nText with **bold**, *em*, `code` and a [link](https://example.com).\n\n"
        "| Metric | Target |\n|:---|---:|\n| CSAT | 4.2 |\n\n"
        "```python\nif a < b:\n    print('<b>')\n```\n\n"
        "## Tasks\n\n- [ ] open item\n- [x] done item\n- plain item\n\n"
        "## Images\n\n![chart](charts/kpi.png)\n\n![dot](data:image/png;base64,iVBORw0KGgo=)\n"
    )
    out = rendering.render_html(source)
    assert '<div class="toc">' in out
    assert '<a href="#goals" rel="noopener noreferrer">Goals</a>' in out
    assert '<h2 id="goals">Goals</h2>' in out
    assert '<th align="left">Metric</th>' in out and '<td align="right">4.2</td>' in out
    assert '<pre><code class="language-python">if a &lt; b:' in out
    assert "print('&lt;b&gt;')" in out
    assert '<li class="task-list-item"><input type="checkbox" disabled> open item</li>' in out
    assert (
        '<li class="task-list-item"><input type="checkbox" disabled checked> done item</li>' in out
    )
    assert "<li>plain item</li>" in out
    assert '<a href="https://example.com" rel="noopener noreferrer">link</a>' in out
    assert '<img alt="chart" src="charts/kpi.png">' in out
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in out
    assert "<strong>bold</strong>" in out and "<em>em</em>" in out


def test_toc_marker_and_the_toc_switch() -> None:
    source = "# T\n\n## A\n\n## B\n\n## C\n"
    assert '<div class="toc">' not in rendering.render_html(source, toc=False)
    assert rendering.render_html("## A\n\n## B\n").count('<div class="toc">') == 0
    marked = rendering.render_html("[TOC]\n\n## A\n\n## B\n", toc=False)
    assert marked.count('<div class="toc">') == 1 and 'href="#a"' in marked
    auto = rendering.render_html(source)
    assert auto.index('<div class="toc">') < auto.index("<h1")
    assert 'href="#t"' not in auto  # the title is not a section


def test_prompts_in_comments_never_render() -> None:
    out = rendering.render_html("## Goals\n\n<!-- Write the outcome here. -->\n\nReal text.\n")
    assert "Write the outcome" not in out and "Real text." in out


def test_standalone_html_has_a_stylesheet_and_no_remote_resources() -> None:
    page = rendering.standalone_html(
        title="A <b>title</b>", body_html="<p>x</p>", subtitle="AI PRD · Draft"
    )
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>A &lt;b&gt;title&lt;/b&gt;</title>" in page
    assert "<style>" in page and "border-collapse" in page
    assert "default-src 'none'" in page
    assert "AI PRD · Draft" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "@import" not in page and "url(" not in page


@pytest.fixture
def doc_id(ws) -> int:
    new_id, _ = documents.new_document(ws=ws, kind="ai_prd", title="Export me")
    documents.save_body(
        ws=ws,
        document_id=new_id,
        body="# Export me\n\n## Goals\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>x()</script>",
    )
    return new_id


def test_export_markdown_writes_the_source(ws, doc_id: int, tmp_path: Path) -> None:
    out = rendering.export_markdown(ws=ws, document_id=doc_id, out=tmp_path / "doc.md")
    assert out.read_text(encoding="utf-8").startswith("# Export me\n\n## Goals")
    assert out.read_text(encoding="utf-8").endswith("\n")


def test_export_html_is_standalone_sanitised_and_titled_once(
    ws, doc_id: int, tmp_path: Path
) -> None:
    out = rendering.export_html(ws=ws, document_id=doc_id, out=tmp_path / "doc.html")
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page
    assert page.count(">Export me</h1>") == 1
    assert "<td>1</td>" in page
    assert "AI PRD · Draft" in page


def test_export_errors_leave_nothing_behind(ws, doc_id: int, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        rendering.export_html(ws=ws, document_id=doc_id, out=tmp_path / "nope" / "x.html")
    with pytest.raises(UserError, match="folder"):
        rendering.export_markdown(ws=ws, document_id=doc_id, out=tmp_path)
    with pytest.raises(NotFoundError):
        rendering.export_html(ws=ws, document_id=999, out=tmp_path / "x.html")
    assert [p.name for p in tmp_path.rglob("*") if p.suffix in (".html", ".md", ".part")] == []


def test_rendering_module_does_not_import_markdown_or_nh3_at_import_time() -> None:
    import subprocess
    import sys

    code = (
        "import sys, aipm_desktop.services.rendering, aipm_desktop.services.review, "
        "aipm_desktop.services.documents; "
        "print('markdown' in sys.modules, 'nh3' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# Pathological input: bounded before the markdown package sees it (issue 12). Timings
# are measured by benchmarks/bench_markdown.py, not asserted here.


def test_thirty_kb_of_brackets_renders_as_text() -> None:
    html = rendering.render_html("[" * 30_000)
    assert "[" * 1000 in html


def test_bracket_and_paren_mixes_render_as_text() -> None:
    html = rendering.render_html("[(" * 4_000 + "\n\nafter")
    assert "[(" * 500 in html and "<p>after</p>" in html
    assert rendering.render_html("[](" * 2_700).count("[](") == 2_700


def test_deep_list_nesting_is_flattened_with_a_note() -> None:
    source = "".join("    " * i + f"- level {i}\n" for i in range(2_000))
    html = rendering.render_html(source)
    assert rendering.NESTING_NOTE in html
    assert "level 0" in html and "level 1999" in html
    assert html.count("<ul>") <= rendering.MAX_NESTING + 1


def test_deep_quote_nesting_is_flattened_with_a_note() -> None:
    html = rendering.render_html("".join(">" * i + f" quote {i}\n" for i in range(1, 2_000)))
    assert rendering.NESTING_NOTE in html and "quote 1999" in html
    assert html.count("<blockquote>") <= rendering.MAX_NESTING + 1


def test_a_megabyte_of_mixed_markup_renders_with_a_plain_text_note() -> None:
    unit = "*a* `b` [c](d) <e> &amp; _f_ [[( ** __ ``` ~~ \\ # - > | 1. "
    source = "\n\n".join([unit * 10] * 1_700) + "\n\n" + "x" * 1_000 + "\n"
    assert len(source) >= 1_000_000
    html = rendering.render_html(source)
    assert rendering.PLAIN_NOTE in html
    assert "x" * 1_000 in html
    assert "<script" not in html and "&lt;e&gt;" in html  # shown as text, still escaped
    assert html.count("<em>a</em>") >= 1  # the start is still formatted


def test_ordinary_documents_get_no_note_and_unchanged_source() -> None:
    source = "# Title\n\n- a\n    - b\n\n> quote\n\n[link](https://example.com) *em*\n"
    assert rendering.guard_source(source) == (source, [])
    assert "render-note" not in rendering.render_html(source)


# -- lists and tables as GitHub reads them -------------------------------------------------


def test_a_list_right_under_a_line_is_a_list():
    out = rendering.render_html("Intended use:\n- Answering questions\n- Collecting details\n")
    assert "<p>Intended use:</p>" in out
    assert out.count("<li>") == 2
    # An ordered list interrupts a paragraph only when it starts at 1 (as on GitHub).
    assert "<ol>" in rendering.render_html("Steps:\n1. First\n2. Second\n")
    assert "<ol" not in rendering.render_html("In the year\n2026. was good\n")


def test_an_item_indented_to_its_parents_text_is_nested():
    out = rendering.render_html(
        "3. Decide containment:\n   - Flag off\n   - Safe mode\n4. Record.\n"
    )
    assert out.count("<ol") == 1
    nested = out.split("<ul>", 1)[1].split("</ul>", 1)[0]
    assert "Flag off" in nested and "Safe mode" in nested
    assert "Record." not in nested
    two_spaces = rendering.render_html("- one\n  - child\n    - grandchild\n- back\n")
    assert two_spaces.count("<ul>") == 3


def test_fenced_code_and_indented_code_are_left_alone():
    out = rendering.render_html("Text\n```\nline\n- not an item\n```\n")
    assert "<li>" not in out and "- not an item" in out


def test_a_table_with_an_empty_header_row_has_no_header_row():
    out = rendering.render_html("| | |\n|---|---|\n| Owner | Maya |\n| Status | Draft |\n")
    assert "<thead>" not in out and "<th" not in out
    assert out.count("<tr>") == 2
    assert "<thead>" in rendering.render_html("| Key | Value |\n|---|---|\n| Owner | Maya |\n")
