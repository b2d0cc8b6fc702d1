"""User catalogs: CSV and JSON imports all or nothing (problems named by row and column),
and a newer version loaded after a diff that names the statuses and evidence it touches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aipm_desktop.errors import ValidationError
from aipm_desktop.models import UseCase
from aipm_desktop.services import controls as ctl
from aipm_desktop.services import records
from aipm_desktop.services.problems import ImportRefused


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _json(tmp_path: Path, version: str, controls: list[dict], name: str = "v.json") -> Path:
    path = tmp_path / name
    doc = {
        "key": "acme",
        "name": "Acme AI controls",
        "catalog_version": version,
        "published": "2026-01-01",
        "controls": controls,
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_csv_catalog_is_imported(ws, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "ref,title,priority,scope,notes\n"
        "AC-1,Model inventory,high,organisation,\n"
        "AC-2,Red-team before launch,medium,,Our licensed wording\n",
    )
    parsed = ctl.read_catalog_file(path, key="acme", name="Acme", catalog_version="1")
    diff, _changes = ctl.load_catalog(ws=ws, parsed=parsed)
    assert diff.is_new and diff.added == ("AC-1", "AC-2")
    acme = ctl.find_catalog(ws=ws, ref="Acme")
    items = ctl.controls(ws=ws, catalog_id=acme)
    assert [(c.ref, c.priority, c.scope, c.notes) for c in items] == [
        ("AC-1", "high", "organisation", ""),
        ("AC-2", "medium", "use_case", "Our licensed wording"),
    ]


def test_bad_rows_are_refused_by_row_and_column_and_nothing_is_stored(ws, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "ref,title,priority\nAC-1,Inventory,high\nAC-2,,medium\n"
        "AC-3,Red team,urgent\nac-1,Again,low\n",
    )
    with pytest.raises(ImportRefused) as caught:
        ctl.read_catalog_file(path, key="acme", name="Acme", catalog_version="1")
    where = [(p.row, p.column) for p in caught.value.problems]
    assert where == [(3, "title"), (4, "priority"), (5, "ref")]
    assert "'urgent' is not one of high, medium, low" in str(caught.value)
    assert "is also on row 2" in str(caught.value)
    assert len(ctl.catalogs(ws=ws)) == 3


def test_a_json_catalog_names_its_problems(tmp_path: Path) -> None:
    path = _json(tmp_path, "1", [{"ref": "X-1", "title": "Ok"}, {"ref": "", "titel": "typo"}])
    with pytest.raises(ImportRefused) as caught:
        ctl.read_catalog_file(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        ("control 2", "titel"),
        ("control 2", "ref"),
        ("control 2", "title"),
    ]
    missing = tmp_path / "no_key.json"
    missing.write_text(json.dumps({"name": "A", "controls": []}))
    with pytest.raises(ImportRefused, match="key: required"):
        ctl.read_catalog_file(missing)


def test_a_newer_version_shows_its_diff_and_the_statuses_it_touches(ws, tmp_path: Path) -> None:
    v1 = [
        {"ref": "AC-1", "title": "Model inventory"},
        {"ref": "AC-2", "title": "Red-team before launch"},
        {"ref": "AC-3", "title": "Bias review"},
    ]
    ctl.load_catalog(ws=ws, parsed=ctl.read_catalog_file(_json(tmp_path, "1", v1)))
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Pricing"})
    ac2, ac3 = (ctl.find_control(ws=ws, ref=f"acme:{r}") for r in ("AC-2", "AC-3"))
    ctl.set_status(ws=ws, control_id=ac2, use_case_id=uc.id, values={"status": "in_progress"})
    ctl.add_reference(ws=ws, kind="ticket", target="SEC-9", about=ctl.About(control_ids=(ac3,)))
    v2 = [
        {"ref": "AC-1", "title": "Model inventory"},
        {"ref": "AC-2", "title": "Red-team before every launch", "priority": "high"},
        {"ref": "AC-4", "title": "Incident drill"},
    ]
    parsed = ctl.read_catalog_file(_json(tmp_path, "2", v2, "v2.json"))
    diff = ctl.catalog_diff(ws=ws, parsed=parsed)
    assert (diff.old_version, diff.new_version) == ("1", "2")
    assert diff.added == ("AC-4",) and diff.removed == ("AC-3",)
    assert diff.changed == (("AC-2", ("title", "priority")),)
    assert [(a.ref, a.change, a.use_case, a.status, a.evidence) for a in diff.affected] == [
        ("AC-2", "changed", "Pricing", "in_progress", 0),
        ("AC-3", "removed", "", "", 1),
    ]
    with pytest.raises(ValidationError, match=r"removes controls .*\(AC-3\)"):
        ctl.load_catalog(ws=ws, parsed=parsed)
    acme = ctl.find_catalog(ws=ws, ref="acme")
    assert [c.ref for c in ctl.controls(ws=ws, catalog_id=acme)] == ["AC-1", "AC-2", "AC-3"]
    ctl.load_catalog(ws=ws, parsed=parsed, allow_removals=True)
    after = {c.ref: c for c in ctl.controls(ws=ws, catalog_id=acme)}
    assert sorted(after) == ["AC-1", "AC-2", "AC-4"]
    assert after["AC-2"].priority == "high"
    # the status on the changed control survives (same row)
    entry = ctl.ControlsState.load(ws=ws).entry(ac2, uc.id)
    assert entry.status == "in_progress"
    ws.undo()
    assert [c.ref for c in ctl.controls(ws=ws, catalog_id=acme)] == ["AC-1", "AC-2", "AC-3"]
    assert next(c for c in ctl.catalogs(ws=ws) if c.key == "acme").catalog_version == "1"


def test_the_shipped_catalogs_match_a_new_workspace(ws) -> None:
    assert all(d.unchanged for d in ctl.builtin_updates(ws=ws))
