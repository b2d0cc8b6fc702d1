"""Import refusals on the command line: a grouped summary, and ``--errors FILE`` with the
full list (row, column, problem) for kpis, usecases and risks imports (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli.kpis import app as kpis_app
from aipm_desktop.cli.risks import app as risks_app
from aipm_desktop.cli.usecases import app as usecases_app
from aipm_desktop.services.tabular import read_rows, write_rows
from aipm_desktop.services.workspace import new_workspace


@pytest.fixture
def workspace_file(tmp_path: Path) -> Path:
    path = tmp_path / "w.aipm"
    new_workspace(path).close()
    return path


def _invoke(app, *args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_kpi_import_summarises_1040_unknown_kpis(workspace_file: Path, tmp_path: Path) -> None:
    rows = [[f"Made-up KPI {i}", "2030-01-06", "1"] for i in range(1040)]
    rows.append(["Other", "2030-01-06", "fast"])
    source = write_rows(tmp_path / "many.csv", ["kpi", "date", "value"], rows)
    errors = tmp_path / "errors.csv"
    result = _invoke(kpis_app, "import", workspace_file, source, "--errors", errors)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) < 30
    assert "row 2: unknown KPI 'Made-up KPI 0'" in result.stderr
    assert "row 21: unknown KPI" in result.stderr and "row 22: unknown KPI" not in result.stderr
    assert "… and 1,020 more rows with the same problem" in result.stderr
    assert "row 1042: unknown KPI 'Other'; 'fast' is not a number" in result.stderr
    assert lines[-1].startswith("aipm: error: many.csv: nothing imported")
    listed = read_rows(errors)
    assert len(listed) == 1041
    assert listed[0].cells == {"row": "2", "column": "", "problem": "unknown KPI 'Made-up KPI 0'"}


def test_use_case_import_writes_the_full_list(workspace_file: Path, tmp_path: Path) -> None:
    source = write_rows(
        tmp_path / "uc.csv", ["title", "status"], [[f"T{i}", "nope"] for i in range(30)]
    )
    errors = tmp_path / "errors.xlsx"
    result = _invoke(usecases_app, "import", workspace_file, source, "--errors", errors)
    assert result.exit_code == 1
    assert "… and 10 more rows with the same problem" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # still one error line
    assert f"the full list of 30 problem(s) is in {errors}" in result.stderr
    listed = read_rows(errors)
    assert len(listed) == 30
    assert listed[0].cells["row"] == "2" and listed[0].cells["column"] == "status"
    assert "Traceback" not in result.output


def test_risk_import_writes_the_full_list(workspace_file: Path, tmp_path: Path) -> None:
    source = write_rows(
        tmp_path / "r.csv", ["title", "likelihood"], [[f"R{i}", "9"] for i in range(25)]
    )
    errors = tmp_path / "errors.csv"
    result = _invoke(risks_app, "import", workspace_file, source, "--errors", errors)
    assert result.exit_code == 1
    assert "… and 5 more rows with the same problem" in result.stderr
    listed = read_rows(errors)
    assert [(r.cells["row"], r.cells["column"]) for r in listed[:2]] == [
        ("2", "likelihood"),
        ("3", "likelihood"),
    ]
    assert len(listed) == 25
