"""Use case services: duplicate, cost of ownership, spreadsheet import and export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import Score, UseCase
from aipm_desktop.services import records, scoring
from aipm_desktop.services.tabular import read_rows, write_rows
from aipm_desktop.services.usecases import (
    IMPORT_COLUMNS,
    duplicate_use_case,
    export_use_cases,
    import_use_cases,
    tco,
)
from aipm_desktop.services.workspace import new_workspace

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends


def _count(ws, model) -> int:
    with ws.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _full_use_case(ws, title: str = "Agent reply drafts") -> int:
    obj, _ = records.create(
        ws=ws,
        model=UseCase,
        data={
            "title": title,
            "status": "pilot",
            "owner": "Maya",
            "area": "Support",
            "tags": "generative, agent-assist",
            "problem": "Agents retype the same answers.",
            "metric_name": "Median handle time",
            "metric_baseline": 42,
            "metric_target": 36,
            "metric_unit": "min",
            "metric_date": dt.date(2026, 9, 30),
            "decision": "partner",
            "decision_rationale": "Vendor has the model.",
            "cost_build_oneoff": 120000,
            "cost_build_yearly": 30000,
            "cost_partner_oneoff": 20000,
            "cost_partner_yearly": 50000,
            "human_in_loop": "Agent approves every draft.",
        },
    )
    for crit, level in zip(scoring.model_criteria(ws=ws), [5, 4, 3, 2, 3, 4, 2, 1], strict=True):
        scoring.set_score(
            ws=ws, use_case_id=obj.id, criterion_id=crit.id, value=level, rationale=f"r{level}"
        )
    return obj.id


def test_duplicate_copies_fields_and_scores(ws) -> None:
    original = _full_use_case(ws)
    new_id, changes = duplicate_use_case(ws=ws, use_case_id=original)
    assert (changes.kind, changes.ids, changes.action) == ("use_case", (new_id,), "create")
    copy = records.get(ws=ws, model=UseCase, id=new_id)
    assert copy.title == "Copy of Agent reply drafts"
    assert copy.status == "idea"
    assert copy.metric_target == 36 and copy.cost_partner_yearly == 50000
    ranking = {r.use_case_id: r for r in scoring.rank(ws=ws)}
    assert ranking[new_id].values == ranking[original].values
    assert ranking[new_id].score == ranking[original].score
    # Undo through records.delete removes the copy and its scores.
    records.delete(ws=ws, model=UseCase, id=new_id)
    assert _count(ws, UseCase) == 1
    assert _count(ws, Score) == 8


def test_tco_cheapest_option() -> None:
    uc = UseCase(
        title="x",
        cost_build_oneoff=100_000,
        cost_build_yearly=10_000,
        cost_partner_oneoff=None,
        cost_partner_yearly=40_000,
        cost_buy_oneoff=None,
        cost_buy_yearly=None,
    )
    options, cheapest = tco(uc)
    by_name = {o.option: o for o in options}
    assert [o.option for o in options] == ["build", "partner", "buy"]
    assert by_name["build"].three_year == 130_000
    assert by_name["partner"].three_year == 120_000
    assert by_name["buy"].three_year is None
    assert cheapest == "partner"
    assert tco({})[1] is None
    assert tco({"cost_buy_oneoff": 5, "cost_build_oneoff": 5})[1] == "build"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_import_round_trip(ws, tmp_path: Path, suffix: str) -> None:
    _full_use_case(ws)
    _full_use_case(ws, "=cmd|' /C calc'!A0")
    records.create(ws=ws, model=UseCase, data={"title": "Unscored idea", "tags": "later"})
    first = export_use_cases(ws=ws, out=tmp_path / f"first{suffix}")
    rows = read_rows(first)
    assert len(rows) == 3
    header = list(rows[0].cells)
    assert header[:3] == ["id", "title", "status"]
    assert "score:business_value" in header and "rationale:cost_to_serve" in header
    assert header.index("score") < header.index("score:business_value")
    assert rows[2].cells["title"] == "Unscored idea" and rows[2].cells.get("rank", "") == ""

    fresh = new_workspace(tmp_path / "fresh.aipm")
    try:
        # The ids of another workspace are unknown here: added as new use cases when asked.
        changes, count = import_use_cases(ws=fresh, source=first, on_unknown_id="add")
        assert count == 3 and len(changes.ids) == 3
        assert _count(fresh, Score) == 16
        second = export_use_cases(ws=fresh, out=tmp_path / f"second{suffix}")
    finally:
        fresh.close()

    def without_ids(path: Path) -> list[dict[str, str]]:
        return [{k: v for k, v in row.cells.items() if k not in ("id",)} for row in read_rows(path)]

    assert without_ids(first) == without_ids(second)
    assert rows[0].cells["metric_date"] == "2026-09-30"


def test_export_neutralises_formulas(ws, tmp_path: Path) -> None:
    _full_use_case(ws, "=cmd|' /C calc'!A0")
    out = export_use_cases(ws=ws, out=tmp_path / "out.csv")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        data = list(csv.reader(fh))
    assert data[1][1] == "'=cmd|' /C calc'!A0"
    from openpyxl import load_workbook

    xlsx = export_use_cases(ws=ws, out=tmp_path / "out.xlsx")
    sheet = load_workbook(xlsx).worksheets[0]
    assert sheet.cell(row=2, column=2).value == "'=cmd|' /C calc'!A0"
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_import_rejects_bad_rows_with_row_numbers_and_writes_nothing(ws, tmp_path: Path) -> None:
    source = write_rows(
        tmp_path / "in.csv",
        ["Title", "Status", "metric_name", "metric_target", "score:reach", "cost_buy_oneoff"],
        [
            ["Good one", "Idea", "", "", "3", ""],
            ["", "idea", "", "", "", ""],
            ["Launched without metric", "launched", "", "", "", ""],
            ["Bad level", "pilot", "", "", "7", ""],
            ["Bad status", "someday", "Handle time", "30", "", "-5"],
        ],
    )
    before = _count(ws, UseCase)
    with pytest.raises(ValidationError) as caught:
        import_use_cases(ws=ws, source=source)
    message = str(caught.value)
    assert "nothing imported" in message
    assert "row 3: title" in message
    assert "row 4: a launched use case needs an outcome metric" in message
    assert "row 5: score:reach: must be a whole number from 1 to 5" in message
    assert "row 6: status" in message and "row 6: cost_buy_oneoff" in message
    assert "row 2" not in message
    assert _count(ws, UseCase) == before
    assert _count(ws, Score) == 0


def test_import_reports_first_20_errors_and_total(ws, tmp_path: Path) -> None:
    source = write_rows(
        tmp_path / "in.csv", ["title", "status"], [[f"T{i}", "nope"] for i in range(30)]
    )
    with pytest.raises(ValidationError) as caught:
        import_use_cases(ws=ws, source=source)
    message = str(caught.value)
    assert "30 problem(s)" in message and "and 10 more" in message
    assert "row 21: status" in message and "row 22: status" not in message
    assert len(caught.value.errors) == 30


def test_import_unknown_columns_and_model(ws, tmp_path: Path) -> None:
    source = write_rows(tmp_path / "in.csv", ["title", "score:nope", "colour"], [["A", "3", "x"]])
    with pytest.raises(UserError, match=r"unknown column.*score:nope, colour"):
        import_use_cases(ws=ws, source=source)
    rice = scoring.model_by_name(ws=ws, name="RICE")
    ok = write_rows(
        tmp_path / "rice.xlsx",
        ["title", "score:reach", "score:impact", "score:confidence", "score:effort"],
        [["Quick", 4, 4, 5, 1], ["Slow", 2, 2, 2, 5]],
    )
    _changes, count = import_use_cases(ws=ws, source=ok, model_id=rice)
    assert count == 2
    assert [r.title for r in scoring.rank(ws=ws, model_id=rice)] == ["Quick", "Slow"]
    assert len(IMPORT_COLUMNS) > 20 and "title" in IMPORT_COLUMNS


def test_titles_are_ordered_case_insensitively_and_filtered(ws) -> None:
    from aipm_desktop.services.usecases import titles

    ids = {}
    for title in ("beta rollout", "Alpha triage", "gamma drafts"):
        obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
        ids[title] = obj.id
    assert [t for _i, t in titles(ws=ws)] == ["Alpha triage", "beta rollout", "gamma drafts"]
    assert titles(ws=ws, ids=[ids["gamma drafts"]]) == [(ids["gamma drafts"], "gamma drafts")]
    assert titles(ws=ws, ids=[]) == []


def test_filter_choices_list_areas_owners_and_tags_in_use(ws) -> None:
    from aipm_desktop.services.usecases import filter_choices

    records.create(
        ws=ws,
        model=UseCase,
        data={"title": "A", "area": "Support", "owner": "Kim", "tags": "llm, rag"},
    )
    records.create(ws=ws, model=UseCase, data={"title": "B", "area": "", "tags": "rag,Vision"})
    assert filter_choices(ws=ws) == (["Support"], ["Kim"], ["llm", "rag", "Vision"])
