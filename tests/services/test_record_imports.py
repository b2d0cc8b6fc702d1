"""Imports a user can repeat (issue 12): use case and risk imports match rows by id (or
title), preview add / update / unchanged / rejected, and write one undoable operation."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import MitigationAction, Risk, RiskUseCaseLink, Score, UseCase
from aipm_desktop.services import records, risks, usecases
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import Workspace, open_workspace

TABLES = (UseCase, Score, Risk, RiskUseCaseLink, MitigationAction)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("imports") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh copy of the sample workspace, with two use cases sharing a title."""
    path = tmp_path / "demo.aipm"
    shutil.copy(demo_file, path)
    ws = open_workspace(path)
    try:
        linked = risks.export_rows(ws=ws)[0]["use_case_ids"][0]
        title = records.get(ws=ws, model=UseCase, id=linked).title
        records.create(ws=ws, model=UseCase, data={"title": title.upper()})
        yield ws
    finally:
        ws.close()


def snapshot(ws: Workspace, *, versions: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import may touch, in key order (without ``versions``,
    all but the version: an undo puts every value back and moves the version on)."""
    result = {}
    with ws.engine.connect() as conn:
        for model in TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            columns = [c for c in table.columns if versions or c.name != "version"]
            query = select(*columns).order_by(*table.primary_key.columns)
            result[table.name] = [tuple(row) for row in conn.execute(query)]
    return result


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def operations(ws: Workspace) -> int:
    return len(ws.history(limit=10_000))


# --------------------------------------------------------------------------- re-import


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_reimporting_an_export_changes_nothing(demo: Workspace, tmp_path: Path, suffix: str):
    before, ops = snapshot(demo), operations(demo)
    uc_file = usecases.export_use_cases(ws=demo, out=tmp_path / f"uc{suffix}")
    risk_file = risks.export_risks(ws=demo, out=tmp_path / f"risks{suffix}")

    preview = usecases.preview_use_case_import(ws=demo, source=uc_file)
    assert (len(preview.add), len(preview.update), len(preview.rejected)) == (0, 0, 0)
    assert len(preview.unchanged) == 13
    assert preview.summary() == "0 to add, 0 to update, 13 unchanged, 0 rejected"
    assert usecases.import_use_cases(ws=demo, source=uc_file)[1] == 0

    # Two use cases share the title of a linked one: the ids column resolves the links.
    preview = risks.preview_risk_import(ws=demo, source=risk_file)
    assert preview.ok and len(preview.unchanged) == 25 and not preview.to_write
    assert risks.import_risks(ws=demo, source=risk_file)[1] == 0

    assert snapshot(demo) == before
    assert operations(demo) == ops  # not even an empty operation


# --------------------------------------------------------------------------- one cell


def test_one_edited_cell_changes_exactly_that_field(demo: Workspace, tmp_path: Path) -> None:
    rows = read_csv(usecases.export_use_cases(ws=demo, out=tmp_path / "uc.csv"))
    owner_row, score_row = rows[3], rows[5]
    owner_row["owner"] = "Someone Else"
    score_row["score:business_value"] = "1" if score_row["score:business_value"] != "1" else "2"
    source = write_csv(tmp_path / "edited.csv", rows)
    before = snapshot(demo)

    preview = usecases.preview_use_case_import(ws=demo, source=source)
    assert [p.changed for p in preview.update] == [("owner",), ("score:business_value",)]
    assert len(preview.unchanged) == 11 and not preview.add and not preview.rejected
    changes, count = usecases.apply_use_case_import(ws=demo, preview=preview)
    assert count == 2 and set(changes.ids) == {int(owner_row["id"]), int(score_row["id"])}

    after = snapshot(demo)
    cols = [c.name for c in UseCase.__table__.columns]  # type: ignore[attr-defined]
    changed_uc = [
        {c for c, a, b in zip(cols, old, new, strict=True) if a != b}
        for old, new in zip(before["use_case"], after["use_case"], strict=True)
        if old != new
    ]
    # (updated_at may equal the old stamp when the demo was built within the same second)
    assert len(changed_uc) == 1 and changed_uc[0] - {"updated_at"} == {"owner", "version"}
    score_cols = [c.name for c in Score.__table__.columns]  # type: ignore[attr-defined]
    changed_scores = [
        {c for c, a, b in zip(score_cols, old, new, strict=True) if a != b}
        for old, new in zip(before["score"], after["score"], strict=True)
        if old != new
    ]
    assert len(changed_scores) == 1
    assert changed_scores[0] - {"updated_at"} == {"value", "version"}
    for name in ("risk", "risk_use_case", "mitigation_action"):
        assert after[name] == before[name]


def test_one_edited_risk_cell_and_links(demo: Workspace, tmp_path: Path) -> None:
    rows = read_csv(risks.export_risks(ws=demo, out=tmp_path / "r.csv"))
    rows[0]["likelihood"] = "1" if rows[0]["likelihood"] != "1" else "2"
    linked = next(i for i, r in enumerate(rows) if i and "," in r["use_case_ids"])
    keep = rows[linked]["use_case_ids"].split(",")[0].strip()
    rows[linked]["use_case_ids"] = keep
    rows[linked]["use_cases"] = ""
    source = write_csv(tmp_path / "edited.csv", rows)
    before = snapshot(demo)
    preview = risks.preview_risk_import(ws=demo, source=source)
    assert [p.changed for p in preview.update] == [("likelihood",), ("use_cases",)]
    assert len(preview.unchanged) == 23
    risks.apply_risk_import(ws=demo, preview=preview)
    after = snapshot(demo)
    changed = [b for a, b in zip(before["risk"], after["risk"], strict=True) if a != b]
    assert [row[0] for row in changed] == [int(rows[0]["id"])]
    links = {r["id"]: r["use_case_ids"] for r in risks.export_rows(ws=demo)}
    assert links[int(rows[linked]["id"])] == [int(keep)]
    assert after["use_case"] == before["use_case"] and after["score"] == before["score"]
    assert after["mitigation_action"] == before["mitigation_action"]


# --------------------------------------------------------------------------- add, reject


def test_a_new_row_is_added_and_a_bad_id_rejected(demo: Workspace, tmp_path: Path) -> None:
    rows = read_csv(usecases.export_use_cases(ws=demo, out=tmp_path / "uc.csv"))
    blank = dict.fromkeys(rows[0], "")
    rows.append(blank | {"title": "Brand new idea", "score:business_value": "4"})
    source = write_csv(tmp_path / "added.csv", rows)
    preview = usecases.preview_use_case_import(ws=demo, source=source)
    assert [p.label for p in preview.add] == ["Brand new idea"] and len(preview.unchanged) == 13
    changes, count = usecases.apply_use_case_import(ws=demo, preview=preview)
    assert count == 1 and len(changes.ids) == 1
    new = records.get(ws=demo, model=UseCase, id=changes.ids[0])
    assert new.title == "Brand new idea"

    before = snapshot(demo)
    rows.append(blank | {"id": "9999", "title": "Ghost"})
    rows.append(dict(rows[0]))  # the same use case twice
    source = write_csv(tmp_path / "bad.csv", rows)
    preview = usecases.preview_use_case_import(ws=demo, source=source)
    assert len(preview.rejected) == 2 and len(preview.add) == 1  # no id: added again
    with pytest.raises(ValidationError) as info:
        usecases.import_use_cases(ws=demo, source=source)
    message = info.value.message
    assert "nothing imported" in message
    assert "row 16: id: no use case has id 9999" in message
    assert f"row 17: id: use case {rows[0]['id']} is already in row 2" in message
    assert snapshot(demo) == before

    # Asked to, an unknown id is added as a new use case (with a new id).
    ghost = write_csv(tmp_path / "ghost.csv", [blank | {"id": "9999", "title": "Ghost"}])
    changes, count = usecases.import_use_cases(ws=demo, source=ghost, on_unknown_id="add")
    assert count == 1 and changes.ids[0] != 9999


def test_a_bad_risk_id_is_rejected_with_its_row(demo: Workspace, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "r.csv",
        [{"id": "", "title": "New risk"}, {"id": "abc", "title": "X"}, {"id": "777", "title": "Y"}],
    )
    before = snapshot(demo)
    with pytest.raises(ValidationError) as info:
        risks.import_risks(ws=demo, source=source)
    message = info.value.message
    assert "2 of 3 rows cannot be imported" in message
    assert "row 3: id: 'abc' is not a record id" in message
    assert "row 4: id: no risk has id 777" in message
    assert snapshot(demo) == before


# --------------------------------------------------------------------------- undo


def test_undo_takes_the_whole_import_back(demo: Workspace, tmp_path: Path) -> None:
    rows = read_csv(risks.export_risks(ws=demo, out=tmp_path / "r.csv"))
    for row in rows[:5]:
        row["owner"] = "Imported Owner"
    rows[6]["use_case_ids"] = rows[6]["use_cases"] = ""
    rows.append(dict.fromkeys(rows[0], "") | {"title": "Fresh risk", "use_cases": ""})
    source = write_csv(tmp_path / "edited.csv", rows)
    uc_rows = read_csv(usecases.export_use_cases(ws=demo, out=tmp_path / "uc.csv"))
    uc_rows[0]["status"] = "parked" if uc_rows[0]["status"] != "parked" else "idea"
    uc_source = write_csv(tmp_path / "uc-edited.csv", uc_rows)

    before = snapshot(demo, versions=False)
    ops = operations(demo)
    _changes, count = risks.import_risks(ws=demo, source=source)
    assert count == 7 and operations(demo) == ops + 1
    assert snapshot(demo, versions=False) != before
    demo.undo()
    assert snapshot(demo, versions=False) == before

    _changes, count = usecases.import_use_cases(ws=demo, source=uc_source)
    assert count == 1
    demo.undo()
    assert snapshot(demo, versions=False) == before


# --------------------------------------------------------------------------- columns, match


def test_only_the_columns_in_the_file_change(demo: Workspace, tmp_path: Path) -> None:
    rows = read_csv(usecases.export_use_cases(ws=demo, out=tmp_path / "uc.csv"))
    target = rows[0]
    source = write_csv(
        tmp_path / "status.csv", [{"id": target["id"], "area": "", "status": "parked"}]
    )
    before = records.get(ws=demo, model=UseCase, id=int(target["id"]))
    preview = usecases.preview_use_case_import(ws=demo, source=source)
    expected = tuple(
        name
        for name, old in (("status", before.status), ("area", before.area))
        if old != {"status": "parked", "area": ""}[name]
    )
    assert preview.update[0].changed == tuple(sorted(expected, key=usecases.FIELDS.index))
    usecases.apply_use_case_import(ws=demo, preview=preview)
    after = records.get(ws=demo, model=UseCase, id=int(target["id"]))
    assert after.status == "parked" and after.area == ""  # a blank cell clears the area
    assert (after.title, after.owner, after.problem) == (before.title, before.owner, before.problem)


def test_match_by_title(demo: Workspace, tmp_path: Path) -> None:
    rows = read_csv(usecases.export_use_cases(ws=demo, out=tmp_path / "uc.csv"))
    title = rows[2]["title"]
    source = write_csv(
        tmp_path / "titles.csv",
        [
            {"title": title.swapcase(), "owner": "Renamed Owner"},
            {"title": "Not there yet", "owner": "Ann"},
        ],
    )
    by_id = usecases.preview_use_case_import(ws=demo, source=source)
    assert len(by_id.add) == 2  # without --match title, rows without an id are added
    preview = usecases.preview_use_case_import(ws=demo, source=source, match="title")
    assert [p.record_id for p in preview.update] == [int(rows[2]["id"])]
    assert [p.label for p in preview.add] == ["Not there yet"]
    usecases.apply_use_case_import(ws=demo, preview=preview)
    assert records.get(ws=demo, model=UseCase, id=int(rows[2]["id"])).owner == "Renamed Owner"

    # The demo fixture gave one title to two use cases: by title, that row is ambiguous.
    shared = [t for _i, t in usecases.titles(ws=demo)]
    twice = next(t for t in shared if sum(s.casefold() == t.casefold() for s in shared) > 1)
    bad = write_csv(tmp_path / "twice.csv", [{"title": twice, "owner": "X"}])
    preview = usecases.preview_use_case_import(ws=demo, source=bad, match="title")
    assert preview.rejected and "2 use cases are titled" in preview.rejected[0][1]
    with pytest.raises(UserError, match="match must be one of"):
        usecases.preview_use_case_import(ws=demo, source=bad, match="name")


def test_an_update_refuses_a_record_changed_since_the_preview(
    demo: Workspace, tmp_path: Path
) -> None:
    rows = read_csv(risks.export_risks(ws=demo, out=tmp_path / "r.csv"))
    rows[0]["owner"] = "From the file"
    preview = risks.preview_risk_import(ws=demo, source=write_csv(tmp_path / "e.csv", rows))
    records.update(ws=demo, model=Risk, id=int(rows[0]["id"]), data={"owner": "Meanwhile"})
    before = snapshot(demo)
    with pytest.raises(UserError, match="changed or deleted since the preview"):
        risks.apply_risk_import(ws=demo, preview=preview)
    assert snapshot(demo) == before


def test_scores_blank_level_removes_and_rationale_kept(demo: Workspace, tmp_path: Path) -> None:
    rows = read_csv(usecases.export_use_cases(ws=demo, out=tmp_path / "uc.csv"))
    row = rows[0]
    source = write_csv(tmp_path / "s.csv", [{"id": row["id"], "score:business_value": ""}])
    preview = usecases.preview_use_case_import(ws=demo, source=source)
    assert preview.update[0].changed == ("score:business_value",)
    usecases.apply_use_case_import(ws=demo, preview=preview)
    again = read_csv(usecases.export_use_cases(ws=demo, out=tmp_path / "again.csv"))
    assert next(r for r in again if r["id"] == row["id"])["score:business_value"] == ""
