"""A report as one self-contained HTML file: inline CSS, charts as inline SVG, no script,
nothing fetched from anywhere; it reads on a phone (the text reflows, wide tables scroll
sideways, charts scale to the screen). User-written Markdown goes through the sanitiser
(:func:`aipm_desktop.services.rendering.render_html`), every other text is escaped.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator

from ..rendering import render_html
from . import model as m
from .charts import ChartCache

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 "DejaVu Sans", system-ui, -apple-system, "Segoe UI",
  Roboto, Arial, sans-serif; color: #323f4b; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
header.cover { border-bottom: 1px solid #cbd2d9; padding: 2rem 0 1.5rem; margin-bottom: 1.5rem; }
header.cover .client { color: #616e7c; font-weight: 700; margin: 0; }
h1 { font-size: 2rem; line-height: 1.2; color: #1f2933; margin: .25rem 0 .5rem; }
h2 { font-size: 1.5rem; color: #1f2933; margin: 2.5rem 0 .75rem; padding-top: .5rem;
  border-top: 3px solid #1a56b8; }
h3 { font-size: 1.15rem; color: #1f2933; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
p.lead { font-size: 1.1rem; }
p.muted, figcaption, .caption { color: #616e7c; font-size: .9rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { color: #616e7c; }
dl.facts dd { margin: 0; }
nav.contents ol { padding-left: 1.25rem; }
nav.contents li { margin: .15rem 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
  gap: .75rem; margin: 1rem 0; }
.figure { background: #f4f6f8; padding: .75rem 1rem; border-radius: .4rem; }
.figure .label { color: #616e7c; font-size: .85rem; }
.figure .value { font-size: 1.6rem; font-weight: 700; color: #1f2933; }
.figure .detail { color: #616e7c; font-size: .8rem; }
.tone-good .value { color: #2e7d32; } .tone-warn .value { color: #7a4b00; }
.tone-bad .value { color: #c62828; }
.scroll { overflow-x: auto; margin: .75rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: .4rem .5rem; border-bottom: 1px solid #cbd2d9; vertical-align: top; }
th { background: #eef1f5; color: #1f2933; text-align: left; }
td.r, th.r { text-align: right; } td.c, th.c { text-align: center; }
tr.mark td { background: #fff1cc; }
table.facts td:first-child { color: #616e7c; width: 30%; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; display: block; }
.note { background: #f4f6f8; padding: .6rem .9rem; border-radius: .4rem; margin: .75rem 0; }
.note.warning { background: #fff1cc; color: #7a4b00; }
.md img { max-width: 100%; }
footer { color: #616e7c; font-size: .85rem; border-top: 1px solid #cbd2d9; margin-top: 3rem;
  padding-top: 1rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; } main { padding: .75rem; } h1 { font-size: 1.6rem; }
  table { font-size: .8rem; }
}
@media print { h2 { break-before: page; } figure, table { break-inside: avoid; } }
"""

_ALIGN = {"left": "", "right": "r", "center": "c"}
_SVG_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_SVG_SIZE = re.compile(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"')
_XMLNS = re.compile(r'\sxmlns(?::\w+)?="[^"]*"')
_IDS = re.compile(r'\bid="([^"]+)"')
_REFS = re.compile(r'(href="#|url\(#)([^")]+)')


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "section"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def inline_svg(data: bytes, prefix: str) -> str:
    """An SVG drawing fit for inline use in HTML: no XML prologue, doctype or namespace
    declarations, scaled by CSS (its viewBox kept), every id prefixed so that the drawings
    of one page never share one."""
    text = _SVG_PROLOGUE.sub("", data.decode("utf-8"), count=1)
    text = _XMLNS.sub("", text)
    while _SVG_SIZE.match(text):
        text = _SVG_SIZE.sub(r"\1", text, count=1)
    seen: dict[str, int] = {}

    def unique(match: re.Match[str]) -> str:
        # matplotlib repeats an artist's gid on every element drawn for it.
        name = match.group(1)
        seen[name] = seen.get(name, 0) + 1
        suffix = f"-{seen[name]}" if seen[name] > 1 else ""
        return f'id="{prefix}-{name}{suffix}"'

    text = _IDS.sub(unique, text)
    text = _REFS.sub(lambda ref: f"{ref.group(1)}{prefix}-{ref.group(2)}", text)
    return f'<svg role="img" {text[len("<svg ") :]}'.strip()


def _table(block: m.Table) -> str:
    if not block.header:
        rows = "".join(
            "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in block.rows
        )
        return f'<div class="scroll"><table class="facts">{rows}</table></div>'
    cls = [_ALIGN[block.alignment(c)] for c in range(block.columns)]

    def cell(tag: str, column: int, text: str) -> str:
        attr = f' class="{cls[column]}"' if column < len(cls) and cls[column] else ""
        return f"<{tag}{attr}>{_e(text)}</{tag}>"

    head = "".join(cell("th", c, t) for c, t in enumerate(block.header))
    body = "".join(
        ('<tr class="mark">' if i in block.highlight else "<tr>")
        + "".join(cell("td", c, t) for c, t in enumerate(row))
        + "</tr>"
        for i, row in enumerate(block.rows)
    )
    caption = f'<p class="caption">{_e(block.caption)}</p>' if block.caption else ""
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
        f"</table></div>{caption}"
    )


def _section(
    section: m.Section, anchors: Iterator[str], charts: ChartCache, numbers: Iterator[int]
) -> str:
    """One section; ``anchors`` gives the id of its title and of each of its level-1
    headings, in outline order; ``numbers`` numbers the charts of the page (their ids are
    prefixed ``c<n>-<key>-``, so two charts never share one, even of the same key)."""
    parts = [f'<section><h2 id="{next(anchors)}">{_e(section.title)}</h2>']
    for block in section.blocks:
        if isinstance(block, m.Heading):
            tag = "h3" if block.level <= 1 else "h4"
            anchor = next(anchors) if block.level <= 1 else ""
            ident = f' id="{anchor}"' if anchor else ""
            parts.append(f"<{tag}{ident}>{_e(block.text)}</{tag}>")
        elif isinstance(block, m.Paragraph):
            parts.append(f'<p class="{block.tone}">{_e(block.text)}</p>')
        elif isinstance(block, m.Markdown):
            parts.append(f'<div class="md">{render_html(block.text, toc=False)}</div>')
        elif isinstance(block, m.KeyFigures):
            items = "".join(
                f'<div class="figure tone-{i.tone}"><div class="label">{_e(i.label)}</div>'
                f'<div class="value">{_e(i.value)}</div>'
                f'<div class="detail">{_e(i.detail)}</div></div>'
                for i in block.items
            )
            parts.append(f'<div class="figures">{items}</div>')
        elif isinstance(block, m.Table):
            parts.append(_table(block))
        elif isinstance(block, m.Chart):
            svg = inline_svg(charts.svg(block), f"c{next(numbers)}-{block.key}")
            width = f' style="max-width: {block.width * 100:.0f}%"' if block.width < 1 else ""
            parts.append(
                f"<figure{width}>{svg}<figcaption>{_e(block.caption)}</figcaption></figure>"
            )
        elif isinstance(block, m.Note):
            parts.append(f'<p class="note {block.kind}">{_e(block.text)}</p>')
        elif isinstance(block, m.PageBreak):
            continue
    parts.append("</section>")
    return "\n".join(parts)


def render(report: m.Report, *, charts: ChartCache) -> bytes:
    meta = report.meta
    taken: set[str] = set()
    contents = []
    for level, text in report.outline():
        if level > 1:
            continue
        anchor = slug(text, taken)
        contents.append((level, text, anchor))
    toc, open_sub = [], False
    for index, (level, text, anchor) in enumerate(contents):
        if level == 0:
            if open_sub:
                toc.append("</ol></li>")
                open_sub = False
            toc.append(f'<li><a href="#{anchor}">{_e(text)}</a>')
            if index + 1 < len(contents) and contents[index + 1][0] == 1:
                toc.append("<ol>")
                open_sub = True
            else:
                toc.append("</li>")
        else:
            toc.append(f'<li><a href="#{anchor}">{_e(text)}</a></li>')
    if open_sub:
        toc.append("</ol></li>")
    facts = [
        ("Engagement", meta.engagement),
        ("Author", meta.author),
        ("Date", meta.as_of.isoformat()),
        ("Version", meta.version),
        ("Classification", meta.confidentiality),
    ]
    cover = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts if v)
    ids = iter([anchor for _level, _text, anchor in contents])
    numbers = itertools.count(1)
    body = "\n".join(_section(s, ids, charts, numbers) for s in report.sections)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="AIPM Desktop">
<title>{_e(meta.running_header)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header class="cover">
<p class="client">{_e(meta.client)}</p>
<h1>{_e(meta.title)}</h1>
{f"<p class='lead'>{_e(meta.subtitle)}</p>" if meta.subtitle else ""}
<dl class="facts">{cover}</dl>
</header>
<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>{"".join(toc)}</ol></nav>
{body}
<footer>{_e(meta.footer)} · {_e(meta.running_header)} · {meta.as_of.isoformat()}</footer>
</main>
</body>
</html>
"""
    return page.encode("utf-8")
