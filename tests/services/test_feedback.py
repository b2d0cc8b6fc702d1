"""Candidate feedback summary: markdown content and a valid PDF, written whole."""

from __future__ import annotations

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.services import feedback
from aipm_desktop.services import interviews as iv


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(tmp_path_factory.mktemp("demo") / "demo.aipm", demo=True)
    yield ws
    ws.close()


def test_markdown_puts_red_flags_first_and_lists_ratings_and_evidence(demo):
    chloe = iv.resolve_candidate(ws=demo, ref="Chloe Nguyen")
    text = feedback.candidate_markdown(ws=demo, candidate_id=chloe)
    assert text.startswith("# Feedback summary: Chloe Nguyen")
    flag = text.index("## ⚠ Red flags (1)")
    assert flag < text.index("## Overall") < text.index("## Ratings per dimension")
    assert "Would ship to production without monitoring or a rollback plan." in text
    assert "ticked by Maya Okafor" in text
    assert (
        "Weighted score: **2.12 on the 1\u20134 scale (closest level: 2 Below bar)** "
        "over 3 complete evaluation(s)"
    ) in text
    assert "%)" not in text  # no percentage that reads as score / 4
    assert (
        "| AI evaluation & lifecycle | 15% | 1.3 | 1 | "
        "Maya Okafor: 1, Lena Fischer: 2, Daniel Reyes: 1 |"
    ) in text
    assert "- **Maya Okafor** rated 1: No monitoring, no rollback criteria." in text
    assert "| Recommendation | Weighted score (1\u20134) |" in text
    assert "| Maya Okafor | Responsible AI Launch Gate Review | No | 1.90 · 2 Below bar |" in text
    assert "### Weak signals" in text


def test_a_candidate_still_being_scored_shows_no_ratings(demo):
    grace = iv.resolve_candidate(ws=demo, ref="Grace Kim")
    text = feedback.candidate_markdown(ws=demo, candidate_id=grace)
    assert "2 evaluations hidden until submitted (waiting for Jonas Berg)." in text
    assert "## Ratings per dimension" not in text and "Thorough evaluation plan" not in text


def test_markdown_without_red_flag_has_no_red_flag_section(demo):
    ana = iv.resolve_candidate(ws=demo, ref="Ana")
    text = feedback.candidate_markdown(ws=demo, candidate_id=ana)
    assert "Red flag" not in text
    assert "### Strong signals" in text


def test_pdf_export_is_a_valid_pdf(demo, tmp_path):
    ana = iv.resolve_candidate(ws=demo, ref="Ana Silva")
    out = feedback.export_candidate(ws=demo, candidate=ana, out=tmp_path / "ana.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(data) > 10_000
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left


def test_markdown_export_and_bad_targets_write_nothing(demo, tmp_path):
    ben = iv.resolve_candidate(ws=demo, ref="Ben")
    out = feedback.export_candidate(ws=demo, candidate=ben, out=tmp_path / "ben.md")
    assert out.read_text("utf-8").startswith("# Feedback summary: Ben Carter")
    with pytest.raises(UserError, match=r"use \.md or \.pdf"):
        feedback.export_candidate(ws=demo, candidate=ben, out=tmp_path / "ben.docx")
    with pytest.raises(UserError, match="does not exist"):
        feedback.export_candidate(ws=demo, candidate=ben, out=tmp_path / "nope" / "ben.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ben.md"]
