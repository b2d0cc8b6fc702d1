"""PDF export of documents (Qt's PDF writer): it opens, has the right pages, writes whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aipm_desktop.errors import NotFoundError, UserError
from aipm_desktop.models import Document, UseCase
from aipm_desktop.services import records
from aipm_desktop.ui.documents.pdf import export_pdf

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")

LOREM = (
    "The answer bot drafts a reply from the help centre articles and cites them; when "
    "its confidence is low it hands the conversation to a human agent with a summary. "
)


def page_count(path: Path) -> int:
    return len(PAGE_OBJECT.findall(path.read_bytes()))


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


def test_a_long_document_has_the_expected_pages(ws, tmp_path, qapp):
    doc_id = _doc(ws, "Long PRD", long_body())
    out = export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "long.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.rstrip().endswith(b"%%EOF")
    # A title page with the contents, then 12 sections of text and a 6-row table each.
    assert 6 <= page_count(out) <= 14
    assert not list(tmp_path.glob("*.tmp"))


def test_a_short_document_is_a_title_page_and_one_page(ws, tmp_path, qapp):
    doc_id = _doc(ws, "Short", "## Problem and outcome\n\nOne line.\n")
    out = export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "short.pdf")
    assert page_count(out) == 2


def test_all_documents_of_a_use_case_in_one_pdf(ws, tmp_path, qapp):
    case, _ = records.create(ws=ws, model=UseCase, data={"title": "Answer bot"})
    ids = [_doc(ws, f"Doc {n}", f"## Part {n}\n\n{LOREM}\n", use_case_id=case.id) for n in range(3)]
    out = export_pdf(ws=ws, document_ids=ids, out=tmp_path / "case.pdf")
    # The title page with the contents, then each document on its own page.
    assert page_count(out) == 4


def test_bad_targets_leave_nothing_behind(ws, tmp_path, qapp):
    doc_id = _doc(ws, "Short", "text")
    with pytest.raises(UserError, match="does not exist"):
        export_pdf(ws=ws, document_ids=[doc_id], out=tmp_path / "missing" / "x.pdf")
    with pytest.raises(NotFoundError):
        export_pdf(ws=ws, document_ids=[doc_id, 999], out=tmp_path / "x.pdf")
    with pytest.raises(UserError, match="at least one"):
        export_pdf(ws=ws, document_ids=[], out=tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == [tmp_path / "test.aipm"] or not list(tmp_path.glob("*.pdf*"))


def test_an_existing_file_is_replaced_whole(ws, tmp_path, qapp):
    doc_id = _doc(ws, "Short", "text")
    out = tmp_path / "doc.pdf"
    out.write_bytes(b"old")
    export_pdf(ws=ws, document_ids=[doc_id], out=out)
    assert out.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.tmp"))


def test_export_works_headless_without_a_running_qt_application(ws, tmp_path):
    """The CLI path: no QApplication and no display; export_pdf starts one offscreen."""
    import os
    import subprocess
    import sys

    doc_id = _doc(ws, "Headless", "## Section\n\nText.\n")
    out = tmp_path / "headless.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    code = (
        "import sys; from pathlib import Path\n"
        "from aipm_desktop.store import open_workspace\n"
        "from aipm_desktop.ui.documents.pdf import export_pdf\n"
        f"ws = open_workspace(Path({str(ws.path)!r}), readonly=True)\n"
        f"export_pdf(ws=ws, document_ids=[{doc_id}], out=Path({str(out)!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert page_count(out) == 2
