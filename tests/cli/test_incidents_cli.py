"""``aipm incidents`` and ``aipm runbooks`` on the sample workspace: list (--open,
--json), show, stats (--quarter, --json), runbooks check (exit code 1 when a criterion is
met, 0 when none is), export; reading never changes the file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services import incidents, kpis
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("incidents-cli") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.aipm"
    copy.write_bytes(demo_template.read_bytes())
    return copy


def _run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_open_and_json(demo_file: Path) -> None:
    before = _digest(demo_file)
    table = _run("incidents", "list", demo_file)
    assert table.exit_code == 0, table.output
    assert "Drafts quoted refund windows" in table.stdout
    assert table.stdout.rstrip().endswith("3 incidents")
    opened = json.loads(_run("incidents", "list", demo_file, "--open", "--json").stdout)
    assert [(i["severity"], i["status"]) for i in opened] == [("sev4", "mitigated")]
    every = json.loads(_run("incidents", "list", demo_file, "--json").stdout)
    sev2 = next(i for i in every if i["severity"] == "sev2")
    assert (sev2["status"], sev2["category"]) == ("reviewed", "Wrong answer")
    assert _digest(demo_file) == before


def test_show_names_the_story(demo_file: Path) -> None:
    shown = _run("incidents", "show", demo_file, "1")
    assert shown.exit_code == 0, shown.output
    for text in ("SEV2 (Major)", "Feature-flag rollback", "Runbook criterion met",
                 "Hallucination regression after a model vendor upgrade",
                 "Rolled back:     yes", "Cause:", "Response:", "What happened:"):  # fmt: skip
        assert text in shown.stdout
    # the free-text fields, as stored
    data = json.loads(_run("incidents", "show", demo_file, "1", "--json").stdout)
    for text in (data["description"], data["root_cause"], data["actions_text"]):
        assert text and text.splitlines()[0] in shown.stdout
    data = json.loads(_run("incidents", "show", demo_file, "1", "--json").stdout)
    assert data["review_document_id"] and data["rolled_back"]
    assert data["actions"][0]["kind"] == "feature_flag_rollback"
    missing = _run("incidents", "show", demo_file, "no such incident")
    assert missing.exit_code == 1 and "No incident" in missing.output


def test_stats_for_the_quarter_of_the_sev2(demo_file: Path) -> None:
    ws = open_workspace(demo_file, readonly=True)
    try:
        detected = incidents.detail(ws=ws, incident_id=1).detected_at.date()
    finally:
        ws.close()
    quarter = incidents.Quarter.of(detected).label
    data = json.loads(_run("incidents", "stats", demo_file, "--quarter", quarter, "--json").stdout)
    assert data["quarter"] == quarter and data["by_severity"]["sev2"] == 1
    assert data["acknowledge"]["count"] >= 1 and data["reviewed"] >= 1
    text = _run("incidents", "stats", demo_file, "--quarter", quarter)
    assert text.exit_code == 0 and "to mitigate" in text.stdout
    bad = _run("incidents", "stats", demo_file, "--quarter", "fourth")
    assert bad.exit_code == 1 and "2026Q4" in bad.output


def test_runbooks_check_exits_1_when_a_criterion_is_met(demo_file: Path) -> None:
    before = _digest(demo_file)
    result = _run("runbooks", "check", demo_file, "--json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    met = [r for r in data if r["met"]]
    assert [r["condition"] for r in met] == [
        "Reply draft latency P95 > 5 s for 2 consecutive snapshots"
    ]
    assert {r["state"] for r in data} == {"met", "not met"}
    table = _run("runbooks", "check", demo_file)
    assert (
        table.exit_code == 1
        and "MET" in table.stdout
        and "1 of 6 rollback criteria met" in (table.stdout)
    )
    assert _digest(demo_file) == before


def test_runbooks_check_exits_0_when_none_is_met(demo_file: Path) -> None:
    ws = open_workspace(demo_file)
    try:
        latency = kpis.find_kpi(ws=ws, ref="Reply draft latency P95")
        days, _values = kpis.series(ws=ws, kpi_id=latency)
        kpis.set_snapshot(ws=ws, kpi_id=latency, day=days[-1], value=3.1)
    finally:
        ws.close()
    result = _run("runbooks", "check", demo_file)
    assert result.exit_code == 0, result.output
    assert "0 of 6 rollback criteria met" in result.stdout


def test_runbooks_list_and_export(demo_file: Path, tmp_path: Path) -> None:
    listed = json.loads(_run("runbooks", "list", demo_file, "--json").stdout)
    assert [r["title"] for r in listed] == [
        "Answer bot: AI incident runbook",
        "Reply drafts: AI incident runbook",
    ]
    out = tmp_path / "runbook.md"
    done = _run("runbooks", "export", demo_file, "Reply drafts: AI incident runbook", "--out", out)
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8")
    assert "## Rollback criteria" in text and "Kofi Mensah" in text
    again = _run("runbooks", "export", demo_file, "1", "--out", out)
    assert again.exit_code == 1 and "--force" in again.output
