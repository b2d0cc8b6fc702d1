"""``aipm chart --help`` tells the truth: the formats it writes, the chart kinds, where
the README documents them; and the written chart carries the workspace footer."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services import clock
from aipm_desktop.services.charts import CHARTS, EXPORT_SUFFIXES
from aipm_desktop.services.workspace import new_workspace


def _help() -> str:
    result = CliRunner().invoke(app, ["chart", "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_help_names_every_format_and_chart_kind() -> None:
    text = _help()
    assert "PNG, SVG or PDF" in text
    assert "PNG or SVG file" not in text
    for suffix in EXPORT_SUFFIXES:
        assert suffix in text
    for kind in CHARTS:
        assert re.search(rf"\b{kind}\b", text), kind
    assert "footer" in text


def test_help_points_to_the_readme_charts_section() -> None:
    assert 'See "Charts" in the README' in _help()


def test_svg_and_pdf_are_written_with_the_footer(tmp_path: Path) -> None:
    path = tmp_path / "acme.aipm"
    ws = new_workspace(path, name="Acme AI")
    ws.close()
    out = tmp_path / "heat.svg"
    result = CliRunner().invoke(app, ["chart", str(path), "heatmap", "--out", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    assert "Acme AI" in svg and clock.today().isoformat() in svg
    pdf = tmp_path / "heat.pdf"
    result = CliRunner().invoke(app, ["chart", str(path), "heatmap", "--out", str(pdf)])
    assert result.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_no_out_says_every_format(tmp_path: Path) -> None:
    path = tmp_path / "acme.aipm"
    new_workspace(path).close()
    result = CliRunner().invoke(app, ["chart", str(path), "matrix"])
    assert result.exit_code == 1
    assert ".pdf" in result.stderr
