"""A scorecard's signals carry a version (schema 0016), on both back ends: an edit moves it
on, an edit expecting a version read before another window's change writes nothing, and
the versions survive a JSON export and import; a dump from before 0016 imports with every
signal at version 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aipm_desktop.errors import ConflictError
from aipm_desktop.models import ScorecardSignal
from aipm_desktop.services import interviews as iv
from aipm_desktop.services import records, transfer
from aipm_desktop.services.conflicts import RecordConflict, expecting, key_of
from aipm_desktop.store import open_workspace

pytestmark = pytest.mark.backends

PREVIOUS = "0015_change_log_record_index"


def _first_signal(ws) -> iv.SignalInfo:
    return iv.scorecard_info(ws=ws).signals[0]


def test_a_signal_edit_expects_the_version_read(ws, workspace_location) -> None:
    signal = _first_signal(ws)
    assert signal.version == 1  # the built-in signals, as a new workspace has them
    other = open_workspace(workspace_location)  # another window saves first
    try:
        records.update(ws=other, model=ScorecardSignal, id=signal.id, data={"text": "Theirs"})
    finally:
        other.close()
    key = key_of(ScorecardSignal, signal.id)
    with pytest.raises(ConflictError) as caught, expecting({key: signal.version}):
        records.update(ws=ws, model=ScorecardSignal, id=signal.id, data={"text": "Mine"})
    assert caught.value.conflict == RecordConflict("scorecard_signal", signal.id, 1, 2)
    assert _first_signal(ws).text == "Theirs"  # nothing written

    with expecting({key: 2}) as expected:
        records.update(ws=ws, model=ScorecardSignal, id=signal.id, data={"text": "Mine"})
    assert expected.written[key] == 3
    assert (_first_signal(ws).text, _first_signal(ws).version) == ("Mine", 3)


def test_signal_versions_survive_export_and_import(ws, tmp_path: Path) -> None:
    signal = _first_signal(ws)
    records.update(ws=ws, model=ScorecardSignal, id=signal.id, data={"text": "Edited"})
    dump = transfer.export_json(ws=ws, out=tmp_path / "dump.json")
    rows = json.loads(dump.read_text(encoding="utf-8"))["tables"]["scorecard_signal"]
    assert {"created_at", "updated_at", "version"} <= set(rows[0])
    restored = transfer.import_json(source=dump, dest=tmp_path / "restored.aipm")
    try:
        assert iv.scorecard_info(ws=restored).signals == iv.scorecard_info(ws=ws).signals
        assert _first_signal(restored).version == 2
    finally:
        restored.close()


def test_a_dump_from_before_signal_versions_imports_at_version_1(ws, tmp_path: Path) -> None:
    doc = transfer.export_data(ws=ws)
    doc["schema_version"] = PREVIOUS
    for row in doc["tables"]["scorecard_signal"]:
        for name in ("created_at", "updated_at", "version"):
            del row[name]
    source = tmp_path / "old.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    restored = transfer.import_json(source=source, dest=tmp_path / "restored.aipm")
    try:
        signals = iv.scorecard_info(ws=restored).signals
        assert [s.text for s in signals] == [s.text for s in iv.scorecard_info(ws=ws).signals]
        assert {s.version for s in signals} == {1}
        edited = signals[0]
        records.update(ws=restored, model=ScorecardSignal, id=edited.id, data={"text": "New"})
        assert _first_signal(restored).version == 2
    finally:
        restored.close()
