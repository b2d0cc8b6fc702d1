"""KPI snapshot import: preview classification, all-or-nothing writes, duplicates, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import ReadOnlyError, UserError, ValidationError
from aipm_desktop.models import ChangeLog, Kpi, KpiSnapshot, UseCase
from aipm_desktop.services import kpis, records
from aipm_desktop.services.tabular import read_rows, write_rows
from aipm_desktop.store import open_workspace

D1, D2, D3 = dt.date(2025, 6, 2), dt.date(2025, 6, 9), dt.date(2025, 6, 16)
HEADER = ["kpi", "date", "value", "use_case", "note"]


@pytest.fixture
def setup(ws):
    drafts, _ = records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"})
    bot, _ = records.create(ws=ws, model=UseCase, data={"title": "Answer bot"})
    ids = {}
    for name, key, uc in (
        ("Adoption", "ai_feature_adoption_rate", None),
        ("Hallucination rate (drafts)", "hallucination_rate", drafts.id),
        ("Hallucination rate (bot)", "hallucination_rate", bot.id),
    ):
        obj, _ = records.create(
            ws=ws,
            model=Kpi,
            data={"name": name, "catalog_key": key, "unit": "%", "use_case_id": uc},
        )
        ids[name] = obj.id
    kpis.set_snapshot(ws=ws, kpi_id=ids["Adoption"], day=D1, value=10.0, note="kept note")
    return ws, ids, {"drafts": drafts.id, "bot": bot.id}


def _write(path: Path, rows, header=HEADER) -> Path:
    return write_rows(path, header, rows)


def _snapshots(ws) -> list[tuple[int, dt.date, float, str]]:
    with ws.session() as session:
        rows = session.execute(
            select(
                KpiSnapshot.kpi_id, KpiSnapshot.date, KpiSnapshot.value, KpiSnapshot.note
            ).order_by(KpiSnapshot.kpi_id, KpiSnapshot.date)
        ).all()
    return [tuple(r) for r in rows]


def test_preview_classifies_rows_and_apply_writes_them(setup, tmp_path: Path) -> None:
    ws, ids, ucs = setup
    source = _write(
        tmp_path / "in.csv",
        [
            ["Adoption", D1.isoformat(), "12.5", "", ""],  # replaces 10.0 (note kept)
            ["adoption", D2.isoformat(), "14", "", "after launch"],  # name in any case
            ["ai_feature_adoption_rate", "45839", "15", "", ""],  # catalog key, serial date
            ["hallucination_rate", D1.isoformat(), "3.2%", "Reply drafts", ""],  # by use case
            [str(ids["Hallucination rate (bot)"]), D1.isoformat(), "2.5", str(ucs["bot"]), ""],
        ],
    )
    preview = kpis.preview_import(ws=ws, source=source)
    assert preview.ok and preview.rejected == ()
    assert [r.number for r in preview.add] == [3, 4, 5, 6]
    assert [r.number for r in preview.replace] == [2]
    assert preview.replace[0].old_value == 10.0 and preview.replace[0].value == 12.5
    serial_day = preview.add[1].day
    assert serial_day == dt.date(2025, 7, 1)  # spreadsheet day 45839
    assert preview.add[2].kpi_id == ids["Hallucination rate (drafts)"]
    assert preview.add[2].value == 3.2 and preview.add[2].use_case_id == ucs["drafts"]
    assert preview.add[3].kpi_id == ids["Hallucination rate (bot)"]
    assert preview.summary() == "4 to add, 1 to replace, 0 to skip, 0 rejected (3 KPIs)"
    assert _snapshots(ws) == [(ids["Adoption"], D1, 10.0, "kept note")]  # nothing written yet

    calls: list[tuple[int, int]] = []
    changes, written = kpis.apply_import(
        ws=ws, preview=preview, progress=lambda d, t: calls.append((d, t)), who="importer"
    )
    assert written == 5 and changes.kind == "kpi_snapshot"
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)
    assert _snapshots(ws) == [
        (ids["Adoption"], D1, 12.5, "kept note"),
        (ids["Adoption"], D2, 14.0, "after launch"),
        (ids["Adoption"], serial_day, 15.0, ""),
        (ids["Hallucination rate (drafts)"], D1, 3.2, ""),
        (ids["Hallucination rate (bot)"], D1, 2.5, ""),
    ]
    with ws.session() as session:
        logged = session.execute(
            select(ChangeLog.entity, ChangeLog.entity_id, ChangeLog.who, ChangeLog.changes)
            .where(ChangeLog.who == "importer")
            .order_by(ChangeLog.entity_id)
        ).all()
    # One change-log row per snapshot the import added or replaced, under the importer.
    assert [e for e, _i, _w, _c in logged] == ["kpi_snapshot"] * 5
    assert sorted(c["value"][1] for _e, _i, _w, c in logged) == [2.5, 3.2, 12.5, 14.0, 15.0]


def test_one_bad_row_means_nothing_is_written(setup, tmp_path: Path) -> None:
    ws, ids, _ucs = setup
    rows = [
        ["Adoption", (D2 + dt.timedelta(days=i)).isoformat(), str(i), "", ""] for i in range(50)
    ]
    rows.insert(20, ["Adoption", "2025-13-40", "1", "", ""])
    source = _write(tmp_path / "in.csv", rows)
    preview = kpis.preview_import(ws=ws, source=source)
    assert len(preview.add) == 50
    assert preview.rejected == ((22, "'2025-13-40' is not a date; use YYYY-MM-DD"),)
    with pytest.raises(ValidationError, match=r"nothing imported.*row 22"):
        kpis.apply_import(ws=ws, preview=preview)
    assert _snapshots(ws) == [(ids["Adoption"], D1, 10.0, "kept note")]


def test_rejections_name_the_row_and_the_problem(setup, tmp_path: Path) -> None:
    ws, _ids, _ucs = setup
    source = _write(
        tmp_path / "in.csv",
        [
            ["Adoptoin", D1.isoformat(), "1", "", ""],  # 2: unknown KPI (with a suggestion)
            ["Adoption", "next week", "1", "", ""],  # 3: bad date
            ["Adoption", D2.isoformat(), "lots", "", ""],  # 4: not a number
            ["Adoption", D3.isoformat(), "inf", "", ""],  # 5: not finite
            ["Adoption", D3.isoformat(), "1", "Unknown bot", ""],  # 6: unknown use case
            ["hallucination_rate", D1.isoformat(), "1", "", ""],  # 7: ambiguous catalog key
            ["Adoption", D3.isoformat(), "1", "Answer bot", ""],  # 8: not tracked for it
            ["", "", "", "", "note only"],  # 9: everything missing
            ["Adoption", dt.date(2025, 7, 7).isoformat(), "", "", ""],  # 10: empty value
        ],
    )
    preview = kpis.preview_import(ws=ws, source=source)
    assert preview.add == () and not preview.ok
    messages = dict(preview.rejected)
    assert sorted(messages) == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert "unknown KPI 'Adoptoin'" in messages[2] and "'Adoption'" in messages[2]
    assert "not a date" in messages[3]
    assert "'lots' is not a number" in messages[4]
    assert "not a finite number" in messages[5]
    assert "unknown use case 'Unknown bot'" in messages[6]
    assert "2 KPIs match 'hallucination_rate'" in messages[7]
    assert "not tracked for use case 'Answer bot'" in messages[8]
    assert "KPI is empty" in messages[9] and "date is empty" in messages[9]
    assert "value is empty" in messages[10]
    assert preview.rejected_lines(1) == [f"row 2: {messages[2]}"]


def test_duplicates_replace_or_skip_and_twice_in_the_file(setup, tmp_path: Path) -> None:
    ws, ids, _ucs = setup
    source = _write(
        tmp_path / "in.csv",
        [
            ["Adoption", D1.isoformat(), "11", "", ""],
            ["Adoption", D2.isoformat(), "20", "", ""],
        ],
    )
    skip = kpis.preview_import(ws=ws, source=source, on_duplicate="skip")
    assert [r.number for r in skip.skip] == [2] and skip.skip[0].old_value == 10.0
    assert [r.number for r in skip.add] == [3] and skip.replace == ()
    _changes, written = kpis.apply_import(ws=ws, preview=skip)
    assert written == 1
    assert _snapshots(ws) == [
        (ids["Adoption"], D1, 10.0, "kept note"),
        (ids["Adoption"], D2, 20.0, ""),
    ]

    replace = kpis.preview_import(ws=ws, source=source, on_duplicate="replace")
    assert [r.number for r in replace.replace] == [2, 3] and replace.add == ()
    kpis.apply_import(ws=ws, preview=replace)
    assert [v for _k, _d, v, _n in _snapshots(ws)] == [11.0, 20.0]

    # The same KPI and date twice in one file is ambiguous: the later row is rejected.
    twice = _write(
        tmp_path / "twice.csv",
        [
            ["Adoption", D3.isoformat(), "1", "", ""],
            ["adoption", D3.isoformat(), "2", "", ""],
        ],
    )
    preview = kpis.preview_import(ws=ws, source=twice)
    assert [r.number for r in preview.add] == [2]
    assert preview.rejected == ((3, f"'Adoption' on {D3.isoformat()} is already given in row 2"),)
    with pytest.raises(UserError, match="on duplicate"):
        kpis.preview_import(ws=ws, source=source, on_duplicate="merge")


def test_xlsx_with_date_cells_and_export_round_trip(setup, tmp_path: Path) -> None:
    ws, ids, _ucs = setup
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["KPI", "Date", "Value", "Note"])
    sheet.append(["Adoption", dt.datetime(2025, 6, 9), 22.5, "-5% vs plan"])
    sheet.append(["Hallucination rate (bot)", dt.datetime(2025, 6, 9), 1.25, None])
    source = tmp_path / "in.xlsx"
    book.save(source)
    preview = kpis.preview_import(ws=ws, source=source)
    assert [(r.number, r.day, r.value) for r in preview.add] == [
        (2, D2, 22.5),
        (3, D2, 1.25),
    ]
    kpis.apply_import(ws=ws, preview=preview)

    out = kpis.export_snapshots(ws=ws, out=tmp_path / "out.csv")
    assert "'-5% vs plan" in out.read_text(encoding="utf-8-sig")  # formula-safe
    rows = read_rows(out)
    assert [list(r.cells.values()) for r in rows] == [
        ["Adoption", D1.isoformat(), "10.0", "", "kept note"],
        ["Adoption", D2.isoformat(), "22.5", "", "-5% vs plan"],
        ["Hallucination rate (bot)", D2.isoformat(), "1.25", "Answer bot", ""],
    ]
    # Re-importing the export changes nothing but values it replaces with themselves.
    again = kpis.preview_import(ws=ws, source=out, on_duplicate="skip")
    assert again.ok and len(again.skip) == 3 and again.add == ()

    only = kpis.export_snapshots(
        ws=ws, out=tmp_path / "one.xlsx", kpi_ids=[ids["Hallucination rate (bot)"]]
    )
    assert [r.cells["kpi"] for r in read_rows(only)] == ["Hallucination rate (bot)"]


def test_bad_files_and_columns(setup, tmp_path: Path) -> None:
    ws, _ids, _ucs = setup
    with pytest.raises(UserError, match="missing column"):
        kpis.preview_import(ws=ws, source=_write(tmp_path / "a.csv", [["x", "1"]], ["kpi", "v"]))
    extra = _write(
        tmp_path / "b.csv", [["Adoption", "2025-06-01", "1", "x"]], [*HEADER[:3], "unit"]
    )
    with pytest.raises(UserError, match=r"unknown column.*unit"):
        kpis.preview_import(ws=ws, source=extra)
    with pytest.raises(UserError, match="No such file"):
        kpis.preview_import(ws=ws, source=tmp_path / "missing.csv")


def test_read_only_workspace_refuses_the_import(setup, tmp_path: Path) -> None:
    ws, _ids, _ucs = setup
    source = _write(tmp_path / "in.csv", [["Adoption", D2.isoformat(), "1", "", ""]])
    path = ws.path
    ws.close()
    ro = open_workspace(path, readonly=True)
    try:
        preview = kpis.preview_import(ws=ro, source=source)
        assert len(preview.add) == 1
        with pytest.raises(ReadOnlyError):
            kpis.apply_import(ws=ro, preview=preview)
    finally:
        ro.close()


def test_workspace_changed_since_the_preview(setup, tmp_path: Path) -> None:
    ws, ids, _ucs = setup
    source = _write(tmp_path / "in.csv", [["Adoption", D2.isoformat(), "1", "", ""]])
    preview = kpis.preview_import(ws=ws, source=source)
    kpis.set_snapshot(ws=ws, kpi_id=ids["Adoption"], day=D2, value=5.0)
    with pytest.raises(UserError, match="changed since the preview"):
        kpis.apply_import(ws=ws, preview=preview)
    assert _snapshots(ws)[-1] == (ids["Adoption"], D2, 5.0, "")


def test_large_import_writes_every_row_in_batches(setup, tmp_path: Path) -> None:
    ws, ids, _ucs = setup
    start = dt.date(2000, 1, 1)
    rows = [
        ["Adoption", (start + dt.timedelta(days=i)).isoformat(), str(i % 97), "", ""]
        for i in range(6000)
    ]
    preview = kpis.preview_import(ws=ws, source=_write(tmp_path / "big.csv", rows))
    calls: list[tuple[int, int]] = []
    _changes, written = kpis.apply_import(
        ws=ws, preview=preview, progress=lambda d, t: calls.append((d, t))
    )
    assert written == 6000
    assert calls == [(0, 6000), (2000, 6000), (4000, 6000), (6000, 6000)]
    with ws.session() as session:
        count = session.execute(
            select(func.count()).where(KpiSnapshot.kpi_id == ids["Adoption"])
        ).scalar_one()
    assert count == 6001
