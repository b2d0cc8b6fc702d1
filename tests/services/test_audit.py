"""The audit trail service: verify names the first broken entry and every tampered
evidence file, a recorded head hash catches a log cut short; the log filters by actor,
entity kind, UTC days and words, and exports to CSV formula-safe."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.models import UseCase
from aipm_desktop.services import audit, records
from aipm_desktop.services import controls as ctl
from aipm_desktop.store import open_workspace


def _sql(path: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


@pytest.fixture
def edited(edited_ws):
    return edited_ws


def test_a_clean_workspace_verifies_and_prints_its_head(edited) -> None:
    report = audit.verify(ws=edited)
    assert report.ok and report.broken is None and report.evidence_problems == ()
    entries = list(audit.entries(ws=edited))
    assert report.entries == len(entries) and report.head == entries[-1].entry_hash
    assert audit.verify(ws=edited, expect_head=report.head).ok


def test_a_log_cut_short_is_caught_only_with_the_recorded_head(edited) -> None:
    head = audit.verify(ws=edited).head
    last = list(audit.entries(ws=edited))[-1].id
    _sql(edited.path, "DELETE FROM change_log WHERE id = ?", last)
    plain = audit.verify(ws=edited)
    assert plain.ok  # what tamper-evident does not cover without the head kept elsewhere
    checked = audit.verify(ws=edited, expect_head=head)
    assert not checked.ok and "not in the chain" in checked.head_problem


def test_a_tampered_entry_and_blob_are_both_reported(edited, tmp_path: Path) -> None:
    source = tmp_path / "policy.md"
    source.write_text("policy v1", encoding="utf-8")
    added = ctl.add_file(ws=edited, path=source)
    risk_entry = next(e for e in audit.entries(ws=edited) if e.entity == "risk")
    edited.close()
    _sql(edited.path, "UPDATE change_log SET label = 'Nothing' WHERE id = ?", risk_entry.id)
    _sql(
        edited.path,
        "UPDATE evidence_blob SET data = ? WHERE sha256 = ?",
        b"policy v2",
        added.sha256,
    )
    ws = open_workspace(edited.path, readonly=True)
    try:
        report = audit.verify(ws=ws)
    finally:
        ws.close()
    assert not report.ok
    assert report.broken is not None and report.broken["id"] == risk_entry.id
    assert report.broken["label"] == "Nothing" and report.broken["who"] == "Lee"
    assert report.broken_text.startswith(f"entry {risk_entry.id} (")
    assert "create risk" in report.broken_text
    (problem,) = report.evidence_problems
    assert added.sha256[:12] in problem
    assert report.as_dict()["ok"] is False


def test_the_log_filters_by_actor_entity_days_and_words(edited) -> None:
    def ids(**where: object) -> list[str]:
        return [e.label for e in audit.entries(ws=edited, where=audit.LogFilter(**where))]

    assert ids(actor="dana") == ["Reply drafts", "Ticket triage"]
    assert ids(entity="Risk") == ["Prompt injection"]
    assert ids(entity="use case", text="reply") == ["Reply drafts"]
    today = dt.datetime.now(dt.UTC).date()
    assert ids(since=today, until=today) == ["Reply drafts", "Ticket triage", "Prompt injection"]
    assert ids(until=today - dt.timedelta(days=1)) == []
    assert ids(actor="Nobody") == []
    with pytest.raises(UserError, match="Unknown entity kind 'spaceship'"):
        ids(entity="spaceship")
    with pytest.raises(UserError, match=r"ends .* before it starts"):
        ids(since=today, until=today - dt.timedelta(days=2))
    assert audit.actors(ws=edited)[:2] == ["Dana", "Lee"]
    assert {"risk", "use_case"} <= set(audit.entity_kinds(ws=edited))


def test_the_log_exports_to_csv_formula_safe(edited, tmp_path: Path) -> None:
    records.create(ws=edited, model=UseCase, data={"title": "=HYPERLINK(1)"}, who="Dana")
    out = audit.export_log(ws=edited, out=tmp_path / "log.csv", where=audit.LogFilter(actor="Dana"))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(audit.HEADER)
    assert [r[6] for r in rows[1:]] == ["Reply drafts", "Ticket triage", "'=HYPERLINK(1)"]
    assert rows[1][1].endswith("+00:00") and len(rows[1][9]) == 64
    assert rows[1][8].isdigit()  # the operation that wrote it


def test_summarise_shows_old_and_new_values() -> None:
    assert audit.summarise({"status": ["draft", "approved"], "owner": ["", "Ana"]}) == (
        "status: draft -> approved; owner: - -> Ana"
    )
    assert audit.summarise("{}") == "" and audit.summarise('{"n": 3}') == "n: 3"


def test_the_chain_survives_a_json_round_trip_and_a_tampered_dump_is_caught(
    edited, tmp_path: Path
) -> None:
    import json

    from aipm_desktop.services import transfer

    head = audit.verify(ws=edited).head
    dump = transfer.export_json(ws=edited, out=tmp_path / "dump.json")
    restored = transfer.import_json(source=dump, dest=tmp_path / "restored.aipm")
    try:
        again = audit.verify(ws=restored)
        assert again.ok and again.head == head
    finally:
        restored.close()
    doc = json.loads(dump.read_text(encoding="utf-8"))
    doc["tables"]["change_log"][1]["who"] = "Mallory"
    dump.write_text(json.dumps(doc), encoding="utf-8")
    forged = transfer.import_json(source=dump, dest=tmp_path / "forged.aipm")
    try:
        broken = audit.verify(ws=forged).broken
        assert broken is not None and broken["who"] == "Mallory"
    finally:
        forged.close()


def test_subject_of_an_entry_is_the_record_it_is_about(ws):
    from aipm_desktop.models import Risk
    from aipm_desktop.services import audit, records

    risk, _changes = records.create(ws=ws, model=Risk, data={"title": "Leak"})
    entry = list(audit.entries(ws=ws, where=audit.LogFilter(entity="risk")))[-1]
    assert audit.subject_of(ws=ws, entry_id=entry.id) == ("risk", risk.id)
    assert audit.subject_of(ws=ws, entry_id=entry.id + 1000) is None
