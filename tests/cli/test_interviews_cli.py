"""``aipm interviews``: candidate scores and feedback export."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli.interviews import app


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("cli") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def test_candidates_text_shows_scores_and_red_flag(demo_file):
    result = CliRunner().invoke(app, ["candidates", str(demo_file)])
    assert result.exit_code == 0, result.output
    assert "Chloe Nguyen (id 3" in result.output
    score = "weighted score: 2.12 on the 1\u20134 scale (closest level: 2 Below bar)"
    assert score in result.output
    assert "%)" not in result.output
    assert "RED FLAG: Would ship to production without monitoring" in result.output
    assert "Product sense (AI use cases)" in result.output
    assert "decision: No hire by Jonas Berg: No monitoring" in result.output
    assert "blind scoring: 2 evaluations hidden until submitted (waiting for Jonas Berg)" in (
        result.output
    )


def test_candidates_json(demo_file):
    result = CliRunner().invoke(app, ["candidates", str(demo_file), "--json"])
    assert result.exit_code == 0
    data = {c["name"]: c for c in json.loads(result.output)}
    assert set(data) == {
        "Ana Silva", "Ben Carter", "Chloe Nguyen", "Dev Patel", "Emma Rossi", "Farid Haddad",
        "Grace Kim",
    }  # fmt: skip
    ana = data["Ana Silva"]
    assert ana["weighted_score"] == 3.72 and ana["red_flags"] == []
    assert ana["scale"] == [1, 4] and ana["closest_level"] == 4
    assert ana["score_text"] == "3.72 on the 1\u20134 scale (closest level: 4 Exceeds bar)"
    assert "weighted_percent" not in ana
    product = ana["dimensions"][0]
    assert product == {
        "key": "product_sense",
        "name": "Product sense (AI use cases)",
        "weight_pct": 20.0,
        "mean": 3.67,
        "spread": 1,
        "disagreement": False,
    }
    assert data["Chloe Nguyen"]["red_flags"][0]["interviewer"] == "Maya Okafor"
    grace = data["Grace Kim"]
    assert grace["weighted_score"] is None and grace["evaluations"] == []
    assert grace["blind"] == {
        "open": False,
        "hidden_evaluations": 2,
        "waiting_for": ["Jonas Berg"],
        "revealed_by": None,
        "reveal_reason": None,
    }


def test_export_by_name_and_id(demo_file, tmp_path):
    runner = CliRunner()
    pdf = tmp_path / "chloe.pdf"
    result = runner.invoke(app, ["export", str(demo_file), "chloe", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    md = tmp_path / "ana.md"
    result = runner.invoke(app, ["export", str(demo_file), "1", "--out", str(md)])
    assert result.exit_code == 0
    assert md.read_text("utf-8").startswith("# Feedback summary: Ana Silva")


def test_export_ambiguous_or_unknown_name_is_one_line_error(demo_file, tmp_path):
    runner = CliRunner()
    out = tmp_path / "x.pdf"
    result = runner.invoke(app, ["export", str(demo_file), "a", "--out", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "matches several candidates" in lines[0]
    assert "Ana Silva (id 1)" in lines[0] and "Ben Carter (id 2)" in lines[0]
    result = runner.invoke(app, ["export", str(demo_file), "Zed", "--out", str(out)])
    assert result.exit_code == 1 and "No candidate matches 'Zed'" in result.output
    result = runner.invoke(app, ["export", str(demo_file), "Ana", "--out", str(tmp_path / "a.txt")])
    assert result.exit_code == 1 and "use .md or .pdf" in result.output
    assert not out.exists()
