"""``aipm roadmap`` and ``aipm launch`` on the demo workspace, and their errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli import launch as launch_cli
from aipm_desktop.cli import roadmap as roadmap_cli

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("demo") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def test_roadmap_list_table_and_json(demo) -> None:
    result = runner.invoke(roadmap_cli.app, ["list", str(demo)])
    assert result.exit_code == 0, result.output
    assert "Answer bot GA" in result.output and "30 items, 13 dependencies" in result.output
    result = runner.invoke(roadmap_cli.app, ["list", str(demo), "--json"])
    rows = json.loads(result.output)
    assert len(rows) == 30 and any(r["critical"] for r in rows)
    gate = next(r for r in rows if r["title"] == "Answer bot GA")
    assert gate["kind"] == "release" and gate["depends_on"]


def test_roadmap_list_window_and_bad_dates(demo) -> None:
    every = json.loads(runner.invoke(roadmap_cli.app, ["list", str(demo), "--json"]).output)
    first = min(r["start"] for r in every)
    result = runner.invoke(roadmap_cli.app, ["list", str(demo), "--to", first, "--json"])
    assert 0 < len(json.loads(result.output)) < 30
    result = runner.invoke(roadmap_cli.app, ["list", str(demo), "--from", "soon"])
    assert result.exit_code == 1 and "--from must be a date" in result.output


def test_roadmap_predictability(demo) -> None:
    result = runner.invoke(roadmap_cli.app, ["predictability", str(demo), "--json"])
    quarters = json.loads(result.output)
    assert quarters and all(0 <= q["on_plan"] <= q["planned"] for q in quarters)
    text = runner.invoke(roadmap_cli.app, ["predictability", str(demo)]).output
    assert quarters[0]["quarter"] in text and "%" in text


def test_launch_list_and_status(demo) -> None:
    result = runner.invoke(launch_cli.app, ["list", str(demo)])
    assert result.exit_code == 0 and "Answer bot GA" in result.output and "NO-GO" in result.output
    result = runner.invoke(launch_cli.app, ["status", str(demo), "Answer bot GA"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Answer bot GA: NO-GO")
    assert "Rollback criteria and safe mode tested" in result.output
    assert "hallucination <= 3%" in result.output
    data = json.loads(runner.invoke(launch_cli.app, ["status", str(demo), "2", "--json"]).output)
    assert data["go"] is False and data["done"] == 13 and data["total"] == 22
    assert data["open_high_risks"] == 1 and data["criteria"]


def test_launch_status_unknown_release_is_one_line(demo) -> None:
    result = runner.invoke(launch_cli.app, ["status", str(demo), "answer bot"])
    assert result.exit_code == 1
    assert "No release 'answer bot'; did you mean 'Answer bot GA'?" in result.output
