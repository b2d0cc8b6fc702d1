"""PDF export of documents through the one PDF engine (no Qt): read back with pypdf."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from aipm_desktop.errors import NotFoundError, UserError
from aipm_desktop.models import Document, UseCase
from aipm_desktop.services import records
from aipm_desktop.services.documents_pdf import export_pdf

LOREM = (
    "The answer bot drafts a reply from the help centre articles and cites them; when "
    "its confidence is low it hands the conversation to a human agent with a summary. "
)


def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)


def page_texts(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def long_body(sections: int = 12) -> str:
    parts = ["# Long PRD\n"]
    for n in range(1, sections + 1):
        parts.append(f"## Section {n}: requirement area\n")
        parts.append((LOREM * 6).strip() + "\n")
        parts.append("| Metric | Baseline | Target | Owner | A very long column header |")
        parts.append("|---|---|---|---|---|")
        for row in range(6):
            parts.append(
                f"| Deflection rate {row} | 31% | 40% by 2027-03-31 | Support operations lead "
                f"| {'a-long-unbreakable-cell-value-' * 3} |"
            )
        parts.append("")
        parts.append("- First point of the section\n- Second point\n")
    return "\n".join(parts)


def _doc(ws, title: str, body: str, **extra) -> int:
    obj, _ = records.create(
        ws=ws, model=Document, data={"kind": "ai_prd", "title": title, "body": body, **extra}
    )
    return obj.id


def test_a_long_document_has_contents_with_true_page_numbers(ws, tmp_path):
    doc_id = _doc(ws, "Long PRD", long_body())
    out = export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "long.pdf")
    texts = page_texts(out)
    assert 4 <= len(texts) <= 14
    assert "Contents" in texts[0]
    assert not list(tmp_path.glob("*.tmp"))
    # Every section is listed with the page it really starts on (pypdf's bookmarks).
    reader = PdfReader(out)
    bookmarks = {
        item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline
    }
    for n in (1, 6, 12):
        name = f"Section {n}: requirement area"
        listed = int(re.search(re.escape(name) + r" (\d+)", texts[0]).group(1))
        assert listed == bookmarks[name], name
        assert name in texts[listed - 1]
    assert bookmarks["Section 12: requirement area"] > 1
    # Footers: the title and "Page n of N" on every page.
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert "Long PRD" in text


def test_a_short_document_fits_on_one_page_with_its_contents(ws, tmp_path):
    doc_id = _doc(ws, "Short", "## Problem and outcome\n\nOne line.\n")
    out = export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "short.pdf")
    texts = page_texts(out)
    # No contents page standing alone half-empty: the text follows on the same page.
    assert len(texts) == 1
    assert "One line." in texts[0]


def test_a_list_right_after_a_line_is_a_list(ws, tmp_path):
    body = "## Intended use\n\nIntended use:\n- Answering how-to questions\n- Collecting details\n"
    doc_id = _doc(ws, "Lists", body)
    out = export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "lists.pdf")
    text = PdfReader(out).pages[0].extract_text()
    assert "Intended use: - Answering" not in " ".join(text.split())
    assert "• Answering how-to questions" in text


def test_all_documents_of_a_use_case_in_one_pdf(ws, tmp_path):
    case, _ = records.create(ws=ws, model=UseCase, data={"title": "Answer bot"})
    ids = [_doc(ws, f"Doc {n}", f"## Part {n}\n\n{LOREM}\n", use_case_id=case.id) for n in range(3)]
    out = export_pdf(ws=ws, document_ids=ids, out=tmp_path / "case.pdf")
    texts = page_texts(out)
    # The first document follows the contents; each further one starts a page of its own.
    assert len(texts) == 3
    assert "Doc 0" in texts[0] and "Part 0" in texts[0]
    assert texts[1].startswith("Doc 1") and texts[2].startswith("Doc 2")
    reader = PdfReader(out)
    assert [item.title for item in reader.outline if not isinstance(item, list)][:3] == [
        "Doc 0",
        "Doc 1",
        "Doc 2",
    ]


def test_the_same_input_gives_the_same_bytes_and_normal_permissions(ws, tmp_path):
    doc_id = _doc(ws, "Same", long_body(3))
    first = export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "a.pdf")
    second = export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "b.pdf")
    assert first.read_bytes() == second.read_bytes()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(first.stat().st_mode) == 0o666 & ~umask


def test_bad_targets_leave_nothing_behind(ws, tmp_path):
    doc_id = _doc(ws, "Short", "text")
    with pytest.raises(UserError, match="does not exist"):
        export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "missing" / "x.pdf")
    with pytest.raises(NotFoundError):
        export_pdf(ws=ws, document_ids=[doc_id, 999], out=tmp_path / "x.pdf")
    with pytest.raises(UserError, match="at least one"):
        export_pdf(ws=ws, document_ids=[], out=tmp_path / "x.pdf")
    assert not list(tmp_path.glob("*.pdf*"))


def test_an_existing_file_is_replaced_whole(ws, tmp_path):
    doc_id = _doc(ws, "Short", "text")
    out = tmp_path / "doc.pdf"
    out.write_bytes(b"old")
    export_pdf(ws=ws, document_ids=[doc_id], out=out)
    assert out.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.tmp"))


def test_images_from_the_workspace_folder_only(ws, tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 20), (200, 30, 30)).save(tmp_path / "chart.png")
    body = "![Chart](chart.png)\n\n![Missing](missing.png)\n\n![Elsewhere](../outside.png)\n"
    doc_id = _doc(ws, "Pictures", body)
    out = export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "pics.pdf")
    page = PdfReader(out).pages[0]
    assert len(page.images) == 1
    assert "[image: Missing]" in page.extract_text()


def test_the_pdf_engine_never_imports_qt(ws, tmp_path):
    """The CLI path: the export runs in a process that has no Qt module loaded."""
    doc_id = _doc(ws, "Headless", "## Section\n\nText.\n")
    out = tmp_path / "headless.pdf"
    code = (
        "import sys; from pathlib import Path\n"
        "from aipm_desktop.store import open_workspace\n"
        "from aipm_desktop.services.documents_pdf import export_pdf\n"
        f"ws = open_workspace(Path({str(ws.path)!r}), readonly=True)\n"
        f"export_pdf(ws=ws, document_ids=[{doc_id}], out=Path({str(out)!r}))\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt loaded'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert page_count(out) == 1


def _fonts(data: bytes) -> set[str]:
    import io

    reader = PdfReader(io.BytesIO(data))
    return {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_code_is_set_in_the_monospace_font_only_where_there_is_code() -> None:
    from aipm_desktop.services.pdf_doc import PdfDocument
    from aipm_desktop.services.rendering import render_html

    with_code = PdfDocument("Runbook")
    with_code.html(render_html("Restart with:\n\n```\nsystemctl restart bot\n```", toc=False))
    prose = PdfDocument("Note")
    prose.html(render_html("Just **prose** here.", toc=False))
    assert "DejaVuSansMonoBook" in _fonts(with_code.output())
    # the monospace font is added on first use (a document without code has none)
    assert not [f for f in _fonts(prose.output()) if "Mono" in f]
