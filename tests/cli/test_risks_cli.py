"""``aipm risks``: list, import, export, tier; exit codes and one-line errors."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli.risks import app
from aipm_desktop.services import risks
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def _run(runner: CliRunner, *args):
    return runner.invoke(app, [str(a) for a in args], prog_name="aipm risks")


def _one_error_line(result, *fragments: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aipm: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_json_has_scores_levels_and_links(runner: CliRunner, demo_file: Path) -> None:
    before = _sha(demo_file)
    result = _run(runner, "list", demo_file, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 25
    assert {"id", "title", "category", "status", "owner", "inherent_score", "inherent_level",
            "residual_score", "residual_level", "next_review", "overdue",
            "use_case_ids"} <= set(rows[0])  # fmt: skip
    assert [r["residual_score"] for r in rows] == sorted(
        (r["residual_score"] for r in rows), reverse=True
    )
    assert any(r["overdue"] for r in rows) and all(r["use_case_ids"] for r in rows)
    ws = open_workspace(demo_file, readonly=True)
    try:
        exported = {r["id"]: r for r in risks.export_rows(ws=ws)}
    finally:
        ws.close()
    for row in rows:
        assert row["residual_level"] == exported[row["id"]]["residual_level"]
    assert _sha(demo_file) == before  # listing never changes the file


def test_list_text(runner: CliRunner, demo_file: Path) -> None:
    result = _run(runner, "list", demo_file)
    assert result.exit_code == 0, result.output
    assert "inherent" in result.stdout and "OVERDUE" in result.stdout
    assert result.stdout.rstrip().endswith("overdue for review")
    assert "25 risks" in result.stdout


def test_export_then_import_into_another_file(
    runner: CliRunner, demo_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "register.xlsx"
    result = _run(runner, "export", demo_file, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.exists()
    target = tmp_path / "target.aipm"
    new_workspace(target, name="Target").close()
    result = _run(runner, "import", target, out)
    _one_error_line(result, "row 2: id: no risk has id", "nothing imported")
    result = _run(runner, "import", target, out, "--on-unknown-id", "add")
    _one_error_line(result, "use_case_ids: no use case has id", "nothing imported")
    csv_out = tmp_path / "register.csv"
    assert _run(runner, "export", demo_file, "--out", csv_out).exit_code == 0
    with csv_out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["use_cases"] = row["use_case_ids"] = ""
    with csv_out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = _run(runner, "import", target, csv_out, "--on-unknown-id", "add")
    assert result.exit_code == 0, result.output
    assert "Imported 25 risks" in result.stdout
    listed = json.loads(_run(runner, "list", target, "--json").stdout)
    assert len(listed) == 25


def test_import_errors_are_one_line(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "w.aipm"
    new_workspace(target, name="W").close()
    bad = tmp_path / "bad.csv"
    bad.write_text("title,likelihood\nA,9\n", encoding="utf-8")
    _one_error_line(_run(runner, "import", target, bad), "row 2: likelihood")
    _one_error_line(_run(runner, "import", target, tmp_path / "missing.csv"), "No such file")
    _one_error_line(_run(runner, "export", target, "--out", tmp_path / "x.pdf"), ".csv or .xlsx")
    assert json.loads(_run(runner, "list", target, "--json").stdout) == []


def test_tier_json_and_text(runner: CliRunner, demo_file: Path) -> None:
    result = _run(runner, "tier", demo_file, "Automated QA scoring of conversations", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tier"] == "high" and data["tier_label"] == "High-risk"
    assert any("employment" in r for r in data["reasons"])
    statuses = {o["article"]: o["status"] for o in data["obligations"]}
    assert statuses["Art. 10"] == "done" and statuses["Art. 17"] == "blocked"
    text = _run(runner, "tier", demo_file, str(data["use_case_id"]))
    assert text.exit_code == 0
    assert "High-risk" in text.stdout and "Art. 14" in text.stdout
    assert "not legal advice" in text.stdout
    chatbot = json.loads(_run(runner, "tier", demo_file, "help-center answer bot", "--json").stdout)
    assert chatbot["tier"] == "limited" and chatbot["obligations"] == []


def test_tier_errors(runner: CliRunner, demo_file: Path) -> None:
    _one_error_line(_run(runner, "tier", demo_file, "No such use case"), "No use case")
    _one_error_line(
        _run(runner, "tier", demo_file, "Macro recommendations"), "no EU AI Act tier check yet"
    )
