"""``aipm incidents add / status / note`` and ``aipm runbooks export --format``: each edit
is one undoable step; bad input (to these and to ``edit``, ``severities``, ``categories``
and ``action``) says what is wrong, exits 1 and leaves the file as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services import incidents
from aipm_desktop.store import open_workspace


@pytest.fixture
def demo_file(sample_path: Path) -> Path:
    return sample_path


def _run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _show(path: Path, ref: str) -> dict:
    result = _run("incidents", "show", path, ref, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_logs_an_incident_with_its_links(demo_file: Path) -> None:
    added = _run(
        "incidents", "add", demo_file,
        "--title", "Bot answers in the wrong language",
        "--severity", "SEV2",
        "--category", "wrong answer",
        "--root-cause", "model",
        "--use-case", "Help-center answer bot",
        "--kpi", "Hallucination rate (drafts and bot)",
        "--owner", "Maya Okafor",
        "--impact", "Two accounts saw German answers",
        "--detected", "2026-11-30 08:15",
        "--who", "alice",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("Logged incident ")
    incident_id = added.stdout.split()[2].rstrip(":")
    data = _show(demo_file, incident_id)
    assert (data["severity"], data["status"], data["category"]) == ("sev2", "open", "Wrong answer")
    assert data["root_cause_class"] == "model" and data["owner"] == "Maya Okafor"
    assert [u["title"] for u in data["use_cases"]] == ["Help-center answer bot"]
    assert [k["name"] for k in data["kpis"]] == ["Hallucination rate (drafts and bot)"]
    assert data["customer_impact"] == "Two accounts saw German answers"
    undone = _run("undo", demo_file)
    assert undone.exit_code == 0, undone.output
    assert _run("incidents", "show", demo_file, incident_id).exit_code == 1


def test_status_stamps_the_times_and_note_adds_to_the_timeline(demo_file: Path) -> None:
    mitigated = dt.datetime.fromisoformat(_show(demo_file, "3")["mitigated_at"])
    resolved = mitigated + dt.timedelta(days=1)  # the sample's dates follow today
    moved = _run("incidents", "status", demo_file, "3", "resolved", "--at", resolved.isoformat())
    assert moved.exit_code == 0, moved.output
    assert "Incident 3 is resolved" in moved.stdout
    data = _show(demo_file, "3")
    assert data["status"] == "resolved"
    assert dt.datetime.fromisoformat(data["resolved_at"]) == resolved
    noted = _run(
        "incidents", "note", demo_file, "Draft latency spike during EU morning peak",
        "Vendor confirmed the rate limit is lifted", "--by", "Kofi Mensah",
    )  # fmt: skip
    assert noted.exit_code == 0, noted.output
    last = _show(demo_file, "3")["timeline"][-1]
    assert (last["who"], last["what"]) == (
        "Kofi Mensah",
        "Vendor confirmed the rate limit is lifted",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "--title", "x", "--severity", "sev9"), "severity"),
        (("add", "--title", "x", "--category", "weather"), "failure category"),
        (("add", "--title", "x", "--detected", "yesterday"), "--detected must be a date"),
        (("add", "--title", "x", "--use-case", "no such use case"), "use case"),
        (("status", "3", "done"), "choose one of: open, mitigated, resolved, reviewed"),
        (("status", "3", "resolved", "--at", "2020-01-01 00:00"), "cannot be before"),
        (("note", "3", "   "), "What happened"),
        (("note", "99", "text"), "No incident"),
        (("edit", "3"), "say what to change"),
        (("edit", "3", "--acknowledged", "2020-01-01 00:00"), "cannot be before detected"),
        (("edit", "3", "--category", "weather"), "No failure category 'weather'"),
        (("edit", "3", "--root-cause", "gremlins"), "root_cause_class"),
        (("edit", "3", "--title", " "), "Title"),
        (("severities", "--set", "SEV9=x"), "choose one of: sev1, sev2, sev3, sev4"),
        (("severities", "--set", "just text"), '--set takes SEV2="definition"'),
        (("severities", "--name", "sev1="), "Name"),
        (("severities", "--ack-within", "sev1=soon"), "takes hours"),
        (("severities", "--ack-within", "sev1=-3"), "acknowledge_within_hours"),
        (("categories", "--add", "wrong ANSWER"), "already has 'Wrong answer'"),
        (("categories", "--add", "X", "--remove", "Cost spike"), "one change at a time"),
        (("categories", "--clear"), "go with --remove"),
        (("categories", "--remove", "weather"), "No failure category 'weather'"),
        (("categories", "--rename", "Cost spike"), "--rename takes"),
        (("categories", "--remove", "Cost spike", "--move-to", "Cost spike"), "another category"),
        (("action", "3", "reboot"), "choose one of: feature_flag_rollback"),
        (("action", "3", "hotfix", "--at", "soon"), "--at must be a date"),
    ],
)
def test_bad_input_is_explained_and_writes_nothing(demo_file: Path, args, message) -> None:
    before = _digest(demo_file)
    result = _run("incidents", args[0], demo_file, *args[1:])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert _digest(demo_file) == before


def test_runbooks_export_as_pdf_and_markdown(demo_file: Path, tmp_path: Path) -> None:
    before = _digest(demo_file)
    pdf = _run("runbooks", "export", demo_file, "1", "--format", "pdf", "-o", tmp_path / "rb")
    assert pdf.exit_code == 0, pdf.output
    out = tmp_path / "rb.pdf"
    assert out.read_bytes().startswith(b"%PDF") and str(out) in pdf.stdout
    tool = shutil.which("pdftotext")
    if tool is not None:
        text = subprocess.run([tool, str(out), "-"], capture_output=True, text=True).stdout
        assert "Kofi Mensah" in text and "Escalation path" in text
    md = _run(
        "runbooks",
        "export",
        demo_file,
        "Reply drafts: AI incident runbook",
        "-o",
        tmp_path / "rb.md",
    )
    assert md.exit_code == 0, md.output
    assert "## Rollback criteria" in (tmp_path / "rb.md").read_text(encoding="utf-8")
    again = _run("runbooks", "export", demo_file, "1", "-o", out)
    assert again.exit_code == 1 and "already exists" in again.output
    assert _run("runbooks", "export", demo_file, "1", "-o", out, "--force").exit_code == 0
    wrong = _run("runbooks", "export", demo_file, "1", "-f", "md", "-o", tmp_path / "x.pdf")
    assert wrong.exit_code == 1 and "ends in .pdf" in wrong.output
    assert not (tmp_path / "x.pdf").exists()
    assert _digest(demo_file) == before


def test_the_edits_are_each_one_step_of_the_history(demo_file: Path) -> None:
    _run("incidents", "note", demo_file, "1", "Follow-up eval run green")
    ws = open_workspace(demo_file, readonly=True)
    try:
        label = ws.history(limit=1)[0]["label"]
        assert (
            incidents.detail(ws=ws, incident_id=1).timeline[-1].what == "Follow-up eval run green"
        )
    finally:
        ws.close()
    assert "timeline" in label
