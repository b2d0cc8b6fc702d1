"""The one import error summariser (issue 12): grouped by kind, the first 20 rows listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipm_desktop.errors import ValidationError
from aipm_desktop.services import kpis
from aipm_desktop.services.problems import (
    ImportRefused,
    Problem,
    from_pairs,
    summarise,
    write_problems,
)
from aipm_desktop.services.tabular import read_rows, write_rows


def test_groups_by_kind_and_lists_the_first_20_rows() -> None:
    problems = [Problem(n, "kpi", f"unknown KPI 'K{n}'") for n in range(2, 1042)]
    problems.insert(5, Problem(7, "value", "'fast' is not a number"))
    lines = summarise(problems)
    assert lines[0] == "row 2: kpi: unknown KPI 'K2'"
    unknown = [line for line in lines if "unknown KPI" in line]
    assert len(unknown) == 20
    assert "… and 1,020 more rows with the same problem" in lines
    assert "row 7: value: 'fast' is not a number" in lines
    assert len(lines) == 22


def test_every_kind_shows_and_many_kinds_are_counted() -> None:
    problems = [Problem(n, f"c{n}", "bad") for n in range(30)]
    lines = summarise(problems)
    assert len(lines) == 21
    assert lines[-1] == "… and 10 more problem(s) of 10 other kind(s)"


def test_pairs_and_the_full_list_file(tmp_path: Path) -> None:
    found = from_pairs([("row 3: record", "whole row"), ("row 4, status", "bad"), ("x", "y")])
    assert found == [
        Problem(3, "", "whole row"),
        Problem(4, "status", "bad"),
        Problem("x", "", "y"),
    ]
    out = write_problems(tmp_path / "e.csv", found)
    assert [r.cells for r in read_rows(out)][1] == {
        "row": "4",
        "column": "status",
        "problem": "bad",
    }


def test_kpi_apply_refusal_is_summarised(ws, tmp_path: Path) -> None:
    source = write_rows(
        tmp_path / "k.csv",
        ["kpi", "date", "value"],
        [[f"Nope {i}", "2030-01-01", "1"] for i in range(50)],
    )
    preview = kpis.preview_import(ws=ws, source=source)
    with pytest.raises(ValidationError) as caught:
        kpis.apply_import(ws=ws, preview=preview)
    assert isinstance(caught.value, ImportRefused)
    message = caught.value.message
    assert "50 row(s) rejected" in message
    assert "… and 30 more rows with the same problem" in message
    assert len(caught.value.errors) == 50
    assert caught.value.detail.count("\n") == 20
