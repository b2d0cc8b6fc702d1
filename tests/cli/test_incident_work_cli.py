"""``aipm incidents severities | categories | action | review | risk`` and ``aipm runbooks
message``: the reference lists shown and edited from the command line (each edit one
undoable step), a category in use refused unless told where its incidents go, the review
and the risk register, a filled communication template, and bad input explained with
nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app


def _run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _categories(path: Path) -> dict[str, int]:
    result = _run("incidents", "categories", path, "--json")
    assert result.exit_code == 0, result.output
    return {c["name"]: c["incidents"] for c in json.loads(result.stdout)}


def test_severities_show_and_change_in_one_undo_step(sample_path: Path) -> None:
    shown = _run("incidents", "severities", sample_path)
    assert shown.exit_code == 0, shown.output
    assert "SEV2  Major  (acknowledge within 1 h)" in shown.output
    changed = _run(
        "incidents",
        "severities",
        sample_path,
        "--set",
        "SEV2=A rollback criterion met",
        "--name",
        "sev4=Cosmetic",
        "--ack-within",
        "4=-",
    )
    assert changed.exit_code == 0, changed.output
    assert "Changed 2 severities" in changed.output
    data = {
        d["severity"]: d
        for d in json.loads(_run("incidents", "severities", sample_path, "--json").stdout)
    }
    assert data["sev2"]["definition"] == "A rollback criterion met"
    assert (data["sev4"]["name"], data["sev4"]["acknowledge_within_hours"]) == ("Cosmetic", None)
    assert _run("undo", sample_path).exit_code == 0
    data = {
        d["severity"]: d
        for d in json.loads(_run("incidents", "severities", sample_path, "--json").stdout)
    }
    assert data["sev4"]["name"] == "Low" and data["sev2"]["definition"].startswith("A major")


def test_categories_add_move_rename_and_remove(sample_path: Path) -> None:
    added = _run("incidents", "categories", sample_path, "--add", "Tone problem",
                 "--description", "Rude or off-brand replies")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert list(_categories(sample_path))[-1] == "Tone problem"
    assert _run("incidents", "categories", sample_path, "--up", "Tone problem").exit_code == 0
    assert list(_categories(sample_path))[-2] == "Tone problem"
    renamed = _run("incidents", "categories", sample_path, "--rename", "Tone problem=Tone")
    assert renamed.exit_code == 0, renamed.output
    removed = _run("incidents", "categories", sample_path, "--remove", "Tone")
    assert removed.exit_code == 0, removed.output
    assert "Tone" not in _categories(sample_path)
    assert _run("undo", sample_path).exit_code == 0
    assert "Tone" in _categories(sample_path)


def test_a_category_in_use_needs_to_be_told_where_its_incidents_go(sample_path: Path) -> None:
    before = _digest(sample_path)
    refused = _run("incidents", "categories", sample_path, "--remove", "Wrong answer")
    assert refused.exit_code == 1
    assert "is the category of 1 incident" in refused.output and "--move-to" in refused.output
    assert _digest(sample_path) == before
    moved = _run("incidents", "categories", sample_path, "--remove", "Wrong answer",
                 "--move-to", "Data mismatch")  # fmt: skip
    assert moved.exit_code == 0, moved.output
    counts = _categories(sample_path)
    assert "Wrong answer" not in counts and counts["Data mismatch"] == 1
    shown = json.loads(_run("incidents", "show", sample_path, "1", "--json").stdout)
    assert shown["category"] == "Data mismatch"


def _later(stamp: str, **delta: float) -> dt.datetime:
    """An incident's stored time moved on by ``delta`` (the sample's dates follow today)."""
    return dt.datetime.fromisoformat(stamp) + dt.timedelta(**delta)


def test_action_records_who_and_when(sample_path: Path) -> None:
    at = _later(_show_json(sample_path, "3")["mitigated_at"], hours=1)  # after every action
    result = _run(
        *("incidents", "action", sample_path, "3", "vendor-escalation", "--by", "Ravi"),
        *("--at", at.isoformat(), "--notes", "Raised a P1 with the vendor"),
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(_run("incidents", "show", sample_path, "3", "--json").stdout)
    action = shown["actions"][-1]
    assert (action["label"], action["who"], action["notes"]) == (
        "Vendor escalation",
        "Ravi",
        "Raised a P1 with the vendor",
    )
    assert dt.datetime.fromisoformat(action["at"]) == at


def test_review_writes_the_document_once(sample_path: Path) -> None:
    result = _run("incidents", "review", sample_path, "3", "--title", "PIR: EU latency spike")
    assert result.exit_code == 0, result.output
    shown = json.loads(_run("incidents", "show", sample_path, "3", "--json").stdout)
    document_id = shown["review_document_id"]
    assert f"as document {document_id}" in result.output
    docs = json.loads(_run("docs", "list", sample_path, "--json").stdout)
    review = next(d for d in docs if d["id"] == document_id)
    assert review["title"] == "PIR: EU latency spike"
    before = _digest(sample_path)
    again = _run("incidents", "review", sample_path, "3")
    assert again.exit_code == 1 and "already has its review" in again.output
    assert _digest(sample_path) == before


def test_risk_creates_or_links_and_asks_to_review_the_likelihood(sample_path: Path) -> None:
    created = _run("incidents", "risk", sample_path, "3")
    assert created.exit_code == 0, created.output
    assert created.output.startswith("Created risk") and "check both" in created.output
    linked = _run("incidents", "risk", sample_path, "3", "--link", "1")
    assert linked.exit_code == 0, linked.output
    assert "Review its likelihood" in linked.output
    shown = json.loads(_run("incidents", "show", sample_path, "3", "--json").stdout)
    assert 1 in [r["id"] for r in shown["risks"]] and len(shown["risks"]) == 2
    before = _digest(sample_path)
    missing = _run("incidents", "risk", sample_path, "3", "--link", "999")
    assert missing.exit_code == 1 and "No risk with id 999" in missing.output
    assert _digest(sample_path) == before


def test_runbook_message_fills_the_placeholders_from_the_incident(sample_path: Path) -> None:
    before = _digest(sample_path)
    result = _run("runbooks", "message", sample_path, "1", "status-page", "--incident", "1",
                  "--next-update", "15:00 UTC", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    message = json.loads(result.stdout)
    assert "{" not in message["subject"] + message["body"]
    assert "15:00 UTC" in message["body"]
    unknown = _run("runbooks", "message", sample_path, "1", "pager", "--incident", "1")
    assert unknown.exit_code == 1 and "choose one of: internal, customer" in unknown.output
    assert _digest(sample_path) == before


def test_edit_changes_only_the_fields_given_in_one_undo_step(sample_path: Path) -> None:
    before = _show_json(sample_path, "3")
    acknowledged = _later(before["detected_at"], minutes=5)
    result = _run(
        *("incidents", "edit", sample_path, "3", "--category", "Cost spike"),
        *("--root-cause", "none", "--owner", "Priya Raman", "--response", "Raised the tier"),
        *("--not-rolled-back", "--acknowledged", acknowledged.isoformat()),
        *("--kpi", "Tier-2 escalation rate"),
    )
    assert result.exit_code == 0, result.output
    assert "owner" in result.output and "response" in result.output
    after = _show_json(sample_path, "3")
    assert (after["category"], after["root_cause_class"], after["owner"]) == (
        "Cost spike",
        None,
        "Priya Raman",
    )
    assert after["actions_text"] == "Raised the tier" and after["rolled_back"] is False
    assert dt.datetime.fromisoformat(after["acknowledged_at"]) == acknowledged
    assert [k["name"] for k in after["kpis"]] == ["Tier-2 escalation rate"]
    for same in ("title", "severity", "customer_impact", "description", "use_cases"):
        assert after[same] == before[same], same
    assert _run("undo", sample_path).exit_code == 0
    undone = _show_json(sample_path, "3")
    assert {k: undone[k] for k in before if k != "version"} == {
        k: before[k] for k in before if k != "version"
    }


def _show_json(path: Path, ref: str) -> dict:
    result = _run("incidents", "show", path, ref, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
