"""``aipm chart FILE KIND --out OUT``: charts to PNG/SVG from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services.workspace import new_workspace


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("charts") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_matrix_chart_is_written(demo_file: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"matrix{suffix}"
    result = CliRunner().invoke(app, ["chart", str(demo_file), "matrix", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 5_000
    head = out.read_bytes()[:8]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<" in head


def test_unknown_chart_and_misplaced_option_are_one_line_errors(
    demo_file: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["chart", str(demo_file), "pie", "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 1
    assert "unknown chart 'pie'" in result.stderr and "matrix" in result.stderr
    result = runner.invoke(
        app,
        ["chart", str(demo_file), "matrix", "--kpi", "Adoption", "--out", str(tmp_path / "x.png")],
    )
    assert result.exit_code == 1
    assert "--kpi does not apply to the matrix chart" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_bad_suffix_writes_nothing(demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "matrix.gif"
    result = CliRunner().invoke(app, ["chart", str(demo_file), "matrix", "--out", str(out)])
    assert result.exit_code == 1
    assert "use .png, .svg or .pdf" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_heatmap_chart_takes_its_options(demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "heat.svg"
    args = ["chart", str(demo_file), "heatmap", "--residual", "--movement", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    result = CliRunner().invoke(
        app, ["chart", str(demo_file), "heatmap", "--size-by", "reach", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "--size-by does not apply to the heatmap chart" in result.stderr


def test_radar_chart_by_candidate_name(demo_file: Path, tmp_path: Path) -> None:
    from aipm_desktop.services.interviews import list_candidates
    from aipm_desktop.store import open_workspace

    ws = open_workspace(demo_file, readonly=True)
    try:
        name = list_candidates(ws=ws)[0].name
    finally:
        ws.close()
    out = tmp_path / "radar.png"
    args = ["chart", str(demo_file), "radar", "--candidate", name, "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 5_000
    bad = CliRunner().invoke(
        app, ["chart", str(demo_file), "radar", "--candidate", "Nobody", "--out", str(out)]
    )
    assert bad.exit_code == 1


def test_kpi_chart_with_a_date_range(demo_file: Path, tmp_path: Path) -> None:
    from aipm_desktop.services.kpis import status_all
    from aipm_desktop.store import open_workspace

    ws = open_workspace(demo_file, readonly=True)
    try:
        name = status_all(ws=ws)[0].name
    finally:
        ws.close()
    out = tmp_path / "kpi.pdf"
    args = [
        "chart",
        str(demo_file),
        "kpi",
        "--kpi",
        name,
        "--from",
        "2026-01-01",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    bad = CliRunner().invoke(
        app, ["chart", str(demo_file), "kpi", "--kpi", name, "--from", "soon", "--out", str(out)]
    )
    assert bad.exit_code == 1
    assert "--from takes a date" in bad.stderr
    wrong = CliRunner().invoke(
        app, ["chart", str(demo_file), "matrix", "--from", "2026-01-01", "--out", str(out)]
    )
    assert "--from does not apply to the matrix chart" in wrong.stderr


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_roadmap_chart_for_a_range(demo_file: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"roadmap{suffix}"
    args = ["chart", str(demo_file), "roadmap", "--from", "2026-06-01", "--to", "2027-03-31"]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 3_000
