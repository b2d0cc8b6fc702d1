"""``aipm usecases``: list, rank, import, export, stability; exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli.usecases import app
from aipm_desktop.services import scoring
from aipm_desktop.services.tabular import read_rows, write_rows
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _run(runner: CliRunner, *args):
    return runner.invoke(app, [str(a) for a in args], prog_name="aipm usecases")


def _one_error_line(result, *fragments: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aipm: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output
    return lines[0]


#: The commands on a file and on a server's URL alike (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends


@pytest.fixture
def demo_file(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The sample workspace: a file, or (``postgresql``) a database's URL."""
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        url = server.new_database(template=server.template(demo=True))
        request.addfinalizer(lambda: server.drop_database(url))
        return url
    path = tmp_path / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def test_list_table_and_json(runner: CliRunner, demo_file: Path) -> None:
    result = _run(runner, "list", demo_file)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "ID",
        "Title",
        "Status",
        "Owner",
        "Area",
        "Score",
        "Rank",
        "Complete",
    ]
    assert "Ticket auto-triage" in lines[2] and lines[2].rstrip().endswith("yes")
    result = _run(runner, "list", demo_file, "--json")
    items = json.loads(result.stdout)
    assert set(items[0]) == {"id", "title", "status", "owner", "area", "score", "rank", "complete"}
    assert items[0]["rank"] == 1
    incomplete = [i for i in items if not i["complete"]]
    assert incomplete and all(i["score"] is None and i["rank"] is None for i in incomplete)


def test_rank_with_contributions(runner: CliRunner, demo_file: Path) -> None:
    result = _run(runner, "rank", demo_file, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["model"]["name"] == "AI value / feasibility / risk"
    first = payload["use_cases"][0]
    assert first["rank"] == 1 and first["complete"]
    assert sum(first["contributions"].values()) == pytest.approx(first["score"], abs=0.05)
    assert set(first["contributions"]) == {c["key"] for c in payload["criteria"]}
    table = _run(runner, "rank", demo_file)
    assert table.exit_code == 0
    assert "Model: AI value / feasibility / risk" in table.stdout
    assert "incomplete" in table.stdout and "C1 = Business value" in table.stdout
    rice = json.loads(_run(runner, "rank", demo_file, "--model", "rice", "--json").stdout)
    assert rice["model"]["name"] == "RICE"
    assert all(not u["complete"] for u in rice["use_cases"])


def test_unknown_model_lists_models(runner: CliRunner, demo_file: Path) -> None:
    result = _run(runner, "rank", demo_file, "--model", "Nope")
    _one_error_line(result, "unknown scoring model 'Nope'", "'RICE'", "'ICE'")


def test_export_import_round_trip(runner: CliRunner, demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "uc.xlsx"
    result = _run(runner, "export", demo_file, "--out", out)
    assert result.exit_code == 0, result.output
    exported = read_rows(out)
    assert len(exported) == 12
    target = tmp_path / "fresh.aipm"
    new_workspace(target).close()
    result = _run(runner, "import", target, out)
    _one_error_line(result, "row 2: id: no use case has id", "nothing imported")
    result = _run(runner, "import", target, out, "--on-unknown-id", "add")
    assert result.exit_code == 0, result.output
    assert "Imported 12 use cases" in result.stdout
    ws = open_workspace(target)
    try:
        assert [r.title for r in scoring.rank(ws=ws)][:3] == [
            "Ticket auto-triage",
            "Agent reply drafts",
            "Handoff conversation summaries",
        ]
    finally:
        ws.close()
    _one_error_line(_run(runner, "export", demo_file), "--out")
    _one_error_line(
        _run(runner, "export", demo_file, "--out", tmp_path / "x.txt"), "unsupported file type"
    )


def test_import_bad_rows_exit_1_and_nothing_written(runner: CliRunner, tmp_path: Path, ws) -> None:
    source = write_rows(tmp_path / "bad.csv", ["title", "score:reach"], [["Fine", "2"], ["", "9"]])
    path = ws.path
    ws.close()
    line = _one_error_line(
        _run(runner, "import", path, source), "row 3: title", "row 3: score:reach"
    )
    assert "nothing imported" in line
    reopened = open_workspace(path)
    try:
        assert scoring.rank(ws=reopened) == []
    finally:
        reopened.close()
    _one_error_line(_run(runner, "import", path, tmp_path / "missing.csv"), "No such file")


def test_stability_json_and_table(runner: CliRunner, demo_file: Path) -> None:
    result = _run(runner, "stability", demo_file, "--draws", 300, "--top", 2, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["draws"] == 300 and payload["top_n"] == 2
    assert len(payload["use_cases"]) == 11  # the incomplete one is left out
    first = payload["use_cases"][0]
    assert first["baseline_rank"] == 1 and first["p_top_n"] == 1.0
    assert sum(first["rank_counts"]) == 300
    again = json.loads(
        _run(runner, "stability", demo_file, "--draws", 300, "--top", 2, "--json").stdout
    )
    assert again == payload
    table = _run(runner, "stability", demo_file, "--draws", 200, "--limit", 3)
    assert table.exit_code == 0
    assert "P(top 3)" in table.stdout and "(and 8 more" in table.stdout
    _one_error_line(_run(runner, "stability", demo_file, "--spread", 2), "spread")


def test_missing_file_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    _one_error_line(_run(runner, "list", tmp_path / "none.aipm"), "No such file")


def test_list_empty_workspace(runner: CliRunner, ws) -> None:
    path = ws.path
    ws.close()
    result = _run(runner, "list", path)
    assert result.exit_code == 0 and "No use cases yet." in result.stdout
