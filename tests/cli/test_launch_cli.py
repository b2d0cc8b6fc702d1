"""``aipm launch``: a shipped release reads "Launched", blocking items are listed once, and
finished stages' criteria carry the day of the snapshot they were judged on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli.launch import app
from aipm_desktop.services.workspace import new_workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("launch-cli") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def _run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm launch")
    assert result.exit_code == 0, result.output
    return result.output


def test_list_shows_the_shipped_release_as_launched(demo) -> None:
    lines = _run("list", demo).splitlines()
    shipped = next(line for line in lines if "Reply drafts 2.0" in line)
    upcoming = next(line for line in lines if "Answer bot GA" in line)
    assert "Launched" in shipped and "NO-GO" not in shipped
    assert "NO-GO" in upcoming


def test_status_of_a_launched_release(demo) -> None:
    out = _run("status", demo, "Reply drafts 2.0")
    first = out.splitlines()[0]
    assert first.startswith("Reply drafts 2.0: Launched on 20")
    assert "NO-GO" not in out and "NOT MET" not in out and "TRIGGERED" not in out
    data = json.loads(_run("status", demo, "Reply drafts 2.0", "--json"))
    assert data["state"] == "launched" and data["launched_on"]
    assert {c["basis"] for c in data["criteria"]} == {"window"}
    assert all(
        c["latest_date"] <= data["launched_on"] or c["which"] != "entry" for c in data["criteria"]
    )


def test_status_lists_blocking_items_once(demo) -> None:
    out = _run("status", demo, "Answer bot GA")
    assert out.count("Retention and residency confirmed") == 1
    assert "Blocking items not done (6):" in out
    assert "blocking items not done:" not in out.lower().replace("blocking items not done (6):", "")
    assert "no matching KPI" not in out
