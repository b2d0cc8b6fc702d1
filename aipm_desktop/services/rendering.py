"""Markdown to safe HTML: the preview, the HTML export and the PDF's source.

:func:`render_html` runs the ``markdown`` package (tables, fenced code, table of contents,
sane lists, and task lists through a small tree processor of our own) and then cleans the
result with ``nh3`` against an explicit allow-list:

* no scripts, styles, event handlers (``on*``), iframes, objects, embeds, forms, inputs
  (except the disabled task-list checkboxes this module makes), meta refresh, base href,
  SVG or MathML: they are removed with their content;
* links only to ``http``, ``https``, ``mailto``, in-page anchors and relative names
  (never ``javascript:`` or ``data:``); the GUI opens them in the system browser only
  when clicked;
* images only from ``data:image/...`` or relative names without ``..`` (resolved by the
  viewer against the workspace's folder); remote (``http``, ``https``, ``//host``) and
  absolute sources are dropped, so nothing is ever fetched from the network;
* no ``style`` attributes at all, so no CSS ``url()``; table alignment is kept through
  the ``align`` attribute.

Pathological input is bounded before the markdown package sees it (:func:`guard_source`,
deterministic, no timers, so the preview and every export agree): list and quote nesting
deeper than :data:`MAX_NESTING` levels is flattened, and a block (text between blank
lines) that is too long or would cost too much to format (runs of unmatched ``[``/``(``,
thousands of emphasis, code or link delimiters), or any block past the whole document's
formatting budget, is shown as plain text. Each such change adds a visible note at the
top. Ordinary documents pass through untouched and render exactly as before.

``import markdown`` and ``import nh3`` happen inside the functions: start-up never pays
for them.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import NotFoundError
from ..store import Workspace
from .dates import format_date
from .outputs import write_text

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
        "del", "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "input", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
        "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul", "var",
    }
)  # fmt: skip
#: Tags removed together with everything inside them.
STRIPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "form", "textarea", "select", "button", "option", "svg", "math", "noscript",
        "template", "title", "xmp", "noembed", "noframes", "audio", "video", "canvas",
        "head", "meta", "link", "base",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "id", "name"},
    "img": {"src", "alt", "width", "height"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "code": {"class"},
    "div": {"class"},
    "p": {"class"},
    "ul": {"class"},
    "li": {"class"},
    "input": {"checked"},
    "details": {"open"},
}  # fmt: skip
_LINK_SCHEMES = ("http:", "https:", "mailto:")
_IMAGE_DATA = re.compile(r"^data:image/(png|jpe?g|gif|webp|bmp);base64,[A-Za-z0-9+/=\s]+$", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)
_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_BARE_IMG = re.compile(r"<img\b(?![^>]*\bsrc=)[^>]*>", re.I)
_TASK = re.compile(r"^\[([ xX])\]\s+")
_CLASS_OK = re.compile(r"^[A-Za-z0-9_\- ]{0,80}$")

_cleaner: Any = None
_md: Any = None


def _decoded(url: str) -> str:
    """``url`` with %-escapes undone (repeatedly: %252e) and backslashes as slashes."""
    for _ in range(4):
        decoded = unquote(url)
        if decoded == url:
            break
        url = decoded
    return url.replace("\\", "/")


def local_image_ok(url: str) -> bool:
    """True for a relative image path that stays inside the document's folder."""
    path = _decoded(url)
    if not path or _SCHEME.match(path) or path.startswith("/"):
        return False
    normal = posixpath.normpath(path)
    return normal != ".." and not normal.startswith("../")


def _url_ok(tag: str, value: str) -> bool:
    url = "".join(value.split())  # browsers ignore embedded white space: "java\nscript:"
    lowered = url.lower()
    if tag == "img":
        if _IMAGE_DATA.match(value.strip()):
            return True
        return local_image_ok(url)
    if url.startswith("#"):
        return True
    if _SCHEME.match(url):
        return lowered.startswith(_LINK_SCHEMES)
    return not url.startswith("//") and not url.startswith("\\")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr in ("href", "src"):
        return value if _url_ok(tag, value) else None
    if attr == "class":
        return value if _CLASS_OK.match(value) else None
    if attr in ("width", "height", "colspan", "rowspan", "start"):
        return value if value.strip().isdigit() else None
    if attr == "align":
        return value if value.lower() in ("left", "right", "center") else None
    return value


def _get_cleaner() -> Any:
    global _cleaner
    if _cleaner is None:
        import nh3

        _cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(STRIPPED_WITH_CONTENT),
            attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
            tag_attribute_values={"input": {"type": {"checkbox"}}},
            set_tag_attribute_values={"input": {"disabled": "disabled"}},
            attribute_filter=_attribute_filter,
            url_schemes={"http", "https", "mailto", "data"},
            strip_comments=True,
            link_rel="noopener noreferrer",
        )
    return _cleaner


def sanitize(fragment: str) -> str:
    """Clean an HTML fragment against the allow-list (see the module docstring)."""
    cleaned = _get_cleaner().clean(fragment)
    return _BARE_IMG.sub("", _INPUT.sub(_keep_checkbox, cleaned))


def _keep_checkbox(match: re.Match[str]) -> str:
    tag = match.group(0)
    if 'type="checkbox"' not in tag:
        return ""
    checked = " checked" if re.search(r"\bchecked\b", tag) else ""
    return f'<input type="checkbox" disabled{checked}>'


def _task_extension() -> Any:
    """A markdown extension turning ``[ ]`` / ``[x]`` list items into disabled checkboxes."""
    from xml.etree import ElementTree as etree

    from markdown.extensions import Extension  # type: ignore[import-untyped]
    from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

    class TaskLists(Treeprocessor):
        def run(self, root: etree.Element) -> None:
            for li in root.iter("li"):
                target = li
                if not (li.text or "").strip() and len(li) and li[0].tag == "p":
                    target = li[0]
                match = _TASK.match(target.text or "")
                if match is None:
                    continue
                box = etree.Element("input", {"type": "checkbox", "disabled": "disabled"})
                if match.group(1) in "xX":
                    box.set("checked", "checked")
                box.tail = " " + (target.text or "")[match.end() :]
                target.text = ""
                target.insert(0, box)
                li.set("class", "task-list-item")

    class TaskListExtension(Extension):
        def extendMarkdown(self, md: Any) -> None:
            md.treeprocessors.register(TaskLists(md), "aipm_task_lists", 1)

    return TaskListExtension()


def _markdown() -> Any:
    global _md
    if _md is None:
        import markdown  # type: ignore[import-untyped]
        from markdown.extensions.tables import TableExtension  # type: ignore[import-untyped]
        from markdown.extensions.toc import TocExtension  # type: ignore[import-untyped]

        _md = markdown.Markdown(
            extensions=[
                TableExtension(use_align_attribute=True),
                "fenced_code",
                TocExtension(permalink=False, toc_depth="2-4"),
                "sane_lists",
                _task_extension(),
            ],
            output_format="html",
        )
    return _md


def _toc_html(tokens: list[dict[str, Any]]) -> str:
    if not tokens:
        return ""
    items = []
    for token in tokens:
        name = html.escape(token.get("name", ""))
        ident = html.escape(token.get("id", ""), quote=True)
        items.append(
            f'<li><a href="#{ident}">{name}</a>{_toc_html(token.get("children", []))}</li>'
        )
    return "<ul>" + "".join(items) + "</ul>"


def _flat(tokens: list[dict[str, Any]]) -> int:
    return sum(1 + _flat(t.get("children", [])) for t in tokens)


#: List/quote levels kept; deeper lines are shown at this level.
MAX_NESTING = 20
NESTING_NOTE = f"Note: nesting deeper than {MAX_NESTING} levels is shown flat."
PLAIN_NOTE = "Note: parts of this document are too complex to format and are shown as plain text."
#: A block longer than this (characters or lines) is shown as plain text.
MAX_BLOCK_CHARS = 20_000
MAX_BLOCK_LINES = 1_000
#: Formatting cost (about 20 microseconds a unit) allowed for one block and in all.
MAX_BLOCK_COST = 5_000
MAX_TOTAL_COST = 20_000
#: Characters the inline patterns look at; one unit each.
_INLINE_SPECIALS = "[]()<>*_`&\\!~"
#: Characters replaced in a plain-text block (restored after sanitising).
_NEUTRAL = "[]()<>*_`&\\!~#|-+=:.{}"
_STAND_IN = {c: chr(0xF0000 + i) for i, c in enumerate(_NEUTRAL)}
_NEUTRALISE = str.maketrans(_STAND_IN)
_RESTORE = [(v, html.escape(k, quote=False)) for k, v in _STAND_IN.items()]
_DEEP = re.compile(
    rf"^(?:(?: {{0,3}}\t| {{4}}){{{MAX_NESTING}}} |(?:[ \t]*>){{{MAX_NESTING + 1}}})", re.M
)
_QUOTES = re.compile(r"(?:[ \t]*>)+")
_MARKER = re.compile(r"^[ \t]*(?:[#>*+-]|\d+[.)])", re.M)
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_BRACKETS = {"[": re.compile(r"[\[\]]"), "(": re.compile(r"[()]")}


def _flatten(line: str) -> str:
    """``line`` with at most :data:`MAX_NESTING` quote and indentation levels."""
    match = _QUOTES.match(line)
    quotes = match.group(0).count(">") if match else 0
    rest = line[match.end() :] if match else line
    kept = min(quotes, MAX_NESTING)
    body = rest.lstrip(" \t")
    indent = len(rest[: len(rest) - len(body)].expandtabs(4))
    indent = min(indent, (MAX_NESTING - kept) * 4)
    return ">" * kept + (" " if kept and indent == 0 and body else "") + " " * indent + body


def _scan_cost(block: str, opener: str) -> int:
    """Characters the link patterns scan for ``opener``: up to its partner, or to the end."""
    stack: list[int] = []
    cost = 0
    for match in _BRACKETS[opener].finditer(block):
        if match.group(0) == opener:
            stack.append(match.start())
        elif stack:
            cost += match.start() - stack.pop()
    return cost + sum(len(block) - start for start in stack)


def _block_cost(block: str) -> int | None:
    """The formatting cost of one block, or None when it is past the per-block limits."""
    if len(block) > MAX_BLOCK_CHARS or block.count("\n") >= MAX_BLOCK_LINES:
        return None
    cost = sum(map(block.count, _INLINE_SPECIALS))
    if cost > MAX_BLOCK_COST:
        return None
    cost += 2 * len(_MARKER.findall(block))
    for opener in _BRACKETS:  # the link patterns scan, in Python, about 50 characters a unit
        if opener in block:
            cost += _scan_cost(block, opener) // 50
    return cost if cost <= MAX_BLOCK_COST else None


def _plain(lines: list[str]) -> list[str]:
    return [line.strip().translate(_NEUTRALISE) for line in lines]


def guard_source(text: str) -> tuple[str, list[str]]:
    """``text`` made safe to format in bounded time, and the notes to show above it.

    Ordinary documents come back unchanged with no notes. Fenced code blocks are left
    alone (the markdown package copies them through in linear time)."""
    notes: list[str] = []
    lines = text.split("\n")
    if _DEEP.search(text):
        fenced = _fenced_lines(lines)
        flat = [
            line if i in fenced or not _DEEP.match(line) else _flatten(line)
            for i, line in enumerate(lines)
        ]
        if flat != lines:
            lines = flat
            notes.append(NESTING_NOTE)
    fenced = _fenced_lines(lines)
    out: list[str] = []
    block: list[str] = []
    total = 0
    degraded = False

    def flush() -> None:
        nonlocal total, degraded
        if not block:
            return
        # Past the budget, every further block is plain text without being measured.
        cost = _block_cost("\n".join(block)) if total < MAX_TOTAL_COST else None
        if cost is None or total + cost > MAX_TOTAL_COST:
            if cost is not None:
                total = MAX_TOTAL_COST  # the budget is spent
            out.extend(_plain(block))
            degraded = True
        else:
            total += cost
            out.extend(block)
        block.clear()

    for i, line in enumerate(lines):
        if i in fenced:
            flush()
            out.append(line)
        elif line.strip():
            block.append(line)
        else:
            flush()
            out.append(line)
    flush()
    if degraded:
        notes.append(PLAIN_NOTE)
        return "\n".join(out), notes
    return "\n".join(lines), notes


def _fenced_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines of closed fenced code blocks (fences included)."""
    fenced: set[int] = set()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match:
            fence = match.group(1)
            for j in range(i + 1, len(lines)):
                if lines[j].rstrip(" ") == fence:
                    fenced.update(range(i, j + 1))
                    i = j
                    break
        i += 1
    return fenced


_ITEM = re.compile(r"^([ \t]*)((?:[-*+]|\d{1,9}[.)])[ \t]+)\S")
_FIRST_ITEM = re.compile(r"^(?:[-*+]|1[.)])")
_OPENS_BLOCK = re.compile(r"^ {0,3}(?:#|>|\||```|~~~|<)")
_EMPTY_HEAD = re.compile(
    r"<thead>\s*<tr>(?:\s*<th(?: align=\"\w+\")?>\s*</th>)+\s*</tr>\s*</thead>\s*", re.I
)


def lists_after_lines(text: str) -> str:
    """Lists written the way GitHub reads them, made plain to Python-Markdown.

    * A list that starts on the line after a paragraph line is a list (Python-Markdown
      needs a blank line first and otherwise runs the items into the paragraph:
      "Intended use: - Answering ..."); a blank line is put before such a first item (a
      bullet, or an ordered item numbered 1), unless the line before is a heading, quote,
      table row or indented.
    * A nested item indented to its parent's text (``3. Decide:`` then ``   - Flag off``,
      three spaces) is a nested item: Python-Markdown wants four spaces per level, so
      nested items are re-indented by their depth.

    Lines inside fenced code are left alone."""
    lines = text.split("\n")
    fenced = _fenced_lines(lines)
    out: list[str] = []
    columns: list[int] = []  # the text column of each open list item, outermost first
    previous = ""
    for i, line in enumerate(lines):
        if i in fenced or not line.strip():
            out.append(line)
            previous = line if line.strip() else ""
            continue
        item = _ITEM.match(line)
        if item is None:
            if not line.startswith((" ", "\t")):
                columns.clear()
            out.append(line)
            previous = line
            continue
        indent = len(item.group(1).expandtabs(4))
        if not columns and indent > 3:
            out.append(line)  # indented code, not a list
            previous = line
            continue
        if (
            not columns
            and previous.strip()
            and _FIRST_ITEM.match(item.group(2))
            and not _OPENS_BLOCK.match(previous)
            and not previous.startswith((" ", "\t"))
        ):
            out.append("")
        while columns and indent < columns[-1]:
            columns.pop()
        depth = len(columns)
        columns.append(indent + len(item.group(2)))
        out.append(" " * (4 * depth) + line.lstrip(" \t") if depth else line)
        previous = line
    return "\n".join(out)


def _restore(fragment: str) -> str:
    for stand_in, original in _RESTORE:
        fragment = fragment.replace(stand_in, original)
    return fragment


def render_html(text: str, *, toc: bool = True) -> str:
    """Markdown ``text`` as a sanitised HTML fragment.

    Headings get anchor ids and a ``[TOC]`` line expands to a table of contents. With
    ``toc`` true, a document with three or more section headings (levels 2 to 4) and no
    ``[TOC]`` of its own gets a table of contents (``<div class="toc">``) at the top.
    """
    source, notes = guard_source(text or "")
    md = _markdown()
    md.reset()
    # A key/value table written with an empty header row gets no header row.
    body = _EMPTY_HEAD.sub("", md.convert(lists_after_lines(source)))
    if toc and "[TOC]" not in (text or "") and _flat(getattr(md, "toc_tokens", [])) >= 3:
        tokens = _section_tokens(md.toc_tokens)
        body = (
            f'<div class="toc"><p class="toc-title">Contents</p>{_toc_html(tokens)}</div>\n{body}'
        )
    if not notes:
        return sanitize(body)
    head = "".join(f'<p class="render-note">{html.escape(note)}</p>\n' for note in notes)
    return head + _restore(sanitize(body))


def _section_tokens(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Toc tokens without a lone level-1 title: its children become the top level."""
    if len(tokens) == 1 and tokens[0].get("level") == 1:
        return tokens[0].get("children", [])
    return tokens


STYLESHEET = """
:root { color-scheme: light; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; font-size: 15px;
  line-height: 1.55; color: #1f2328; background: #ffffff; margin: 0; }
main { max-width: 860px; margin: 0 auto; padding: 40px 32px 64px; }
header.doc { border-bottom: 2px solid #2f6feb; margin-bottom: 28px; padding-bottom: 12px; }
header.doc h1 { font-size: 28px; margin: 0 0 6px; }
header.doc p { color: #59636e; margin: 0; font-size: 13px; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 0.6em; color: #1f2328; }
h1 { font-size: 24px; } h2 { font-size: 20px; border-bottom: 1px solid #d1d9e0;
  padding-bottom: 4px; } h3 { font-size: 17px; } h4 { font-size: 15px; }
p, ul, ol, table, pre, blockquote { margin: 0 0 14px; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
code { font-family: "SFMono-Regular", Consolas, "Liberation Mono", monospace;
  font-size: 13px; background: #f3f5f7; padding: 1px 4px; border-radius: 4px; }
pre { background: #f6f8fa; border: 1px solid #d1d9e0; border-radius: 6px; padding: 12px;
  overflow-x: auto; white-space: pre-wrap; word-wrap: break-word; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; width: 100%; table-layout: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 10px; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #f3f5f7; text-align: left; font-weight: 600; }
tr:nth-child(even) td { background: #fafbfc; }
blockquote { border-left: 4px solid #d1d9e0; color: #59636e; margin-left: 0; padding: 0 14px; }
img { max-width: 100%; }
li.task-list-item { list-style: none; margin-left: -1.3em; }
li.task-list-item input { margin-right: 6px; }
div.toc { background: #f6f8fa; border: 1px solid #d1d9e0; border-radius: 6px;
  padding: 10px 18px; margin-bottom: 24px; }
div.toc p.toc-title { font-weight: 600; margin: 0 0 4px; }
div.toc ul { margin: 0; padding-left: 18px; }
@media print { main { max-width: none; padding: 0; } a { color: inherit; } }
"""


def standalone_html(*, title: str, body_html: str, subtitle: str = "") -> str:
    """A complete HTML page around a sanitised fragment: embedded stylesheet, a title
    block, a content security policy that forbids every remote resource."""
    title_text = html.escape(title)
    sub = f"<p>{html.escape(subtitle)}</p>" if subtitle else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data: 'self'; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title_text}</title>\n<style>{STYLESHEET}</style>\n</head>\n<body>\n<main>\n"
        f'<header class="doc"><h1>{title_text}</h1>{sub}</header>\n'
        f"{body_html}\n</main>\n</body>\n</html>\n"
    )


def _load(ws: Workspace, document_id: int) -> dict[str, Any]:
    from ..models import Document

    with ws.session() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(f"No document with id {document_id}.")
        return {
            "title": doc.title,
            "body": doc.body,
            "kind": doc.kind,
            "status": str(doc.status),
            "approver": doc.approver,
            "approved_on": doc.approved_on,
            "updated_at": doc.updated_at,
        }


def subtitle_for(doc: dict[str, Any]) -> str:
    """ "AI PRD · Approved by Maya on 2025-03-01 · updated 2025-03-04"."""
    from .documents import kind_name

    parts = [kind_name(doc["kind"])]
    status = doc["status"].replace("_", " ").capitalize()
    if doc["status"] == "approved" and doc.get("approver"):
        on = doc.get("approved_on")
        status += f" by {doc['approver']}" + (f" on {format_date(on)}" if on else "")
    parts.append(status)
    updated = doc.get("updated_at")
    if isinstance(updated, dt.datetime):
        parts.append(f"updated {format_date(updated)}")
    return " · ".join(parts)


def without_title(body: str, title: str) -> str:
    """``body`` without a first ``# <title>`` line (the export's title block shows it)."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if line.strip().startswith("# ") and line.strip()[2:].strip() == title.strip():
            return "\n".join(lines[i + 1 :])
        break
    return body


def export_markdown(*, ws: Workspace, document_id: int, out: Path, overwrite: bool = True) -> Path:
    """Write the document's markdown source to ``out`` (UTF-8); returns the path."""
    doc = _load(ws, document_id)
    body = doc["body"]
    if body and not body.endswith("\n"):
        body += "\n"
    return write_text(out, body, overwrite=overwrite)


def export_html(*, ws: Workspace, document_id: int, out: Path, overwrite: bool = True) -> Path:
    """Write the document as one standalone, sanitised HTML page; returns the path."""
    doc = _load(ws, document_id)
    page = standalone_html(
        title=doc["title"],
        body_html=render_html(without_title(doc["body"], doc["title"])),
        subtitle=subtitle_for(doc),
    )
    return write_text(out, page, overwrite=overwrite)
