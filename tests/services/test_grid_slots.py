"""No lost update in the two edit grids: a score cell and a KPI snapshot cell are slots
holding at most one row, and an edit writes only while the slot holds what was read."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from aipm_desktop.errors import ConflictError
from aipm_desktop.models import Kpi, KpiSnapshot, Score, UseCase
from aipm_desktop.services import kpis, records, scoring
from aipm_desktop.services.conflicts import STALE, RecordConflict, Slot
from aipm_desktop.store import open_workspace

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends

DAY = dt.date(2025, 6, 30)


@pytest.fixture
def other(ws):
    """A second workspace object on the same file or database: another window."""
    second = open_workspace(ws.path)
    yield second
    second.close()


@pytest.fixture
def scored(ws):
    """A use case scored 3 on the active model's first two criteria: (id, [criteria])."""
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    criteria = scoring.model_criteria(ws=ws)
    for crit in criteria[:2]:
        scoring.set_score(ws=ws, use_case_id=obj.id, criterion_id=crit.id, value=3)
    return obj.id, criteria


def score_row(ws, use_case_id: int, criterion_id: int) -> tuple[int, int, int] | None:
    """(id, version, level) of a stored score, None when there is none."""
    s = Score.__table__
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(s.c.id, s.c.version, s.c.value).where(
                s.c.use_case_id == use_case_id, s.c.criterion_id == criterion_id
            )
        ).first()
    return None if row is None else (row.id, row.version, row.value)


def mark_of(ws, use_case_id: int) -> int:
    ranked = scoring.rank(ws=ws, use_case_ids=[use_case_id], marks=True)
    return ranked[0].scores_mark


# the scores mark ---------------------------------------------------------------------


def test_the_scores_mark_sums_the_versions_of_the_use_cases_scores(ws, scored) -> None:
    use_case_id, criteria = scored
    assert mark_of(ws, use_case_id) == 2  # two scores at version 1
    scoring.set_score(ws=ws, use_case_id=use_case_id, criterion_id=criteria[0].id, value=5)
    assert mark_of(ws, use_case_id) == 3  # 2 + 1
    assert scoring.rank(ws=ws, use_case_ids=[use_case_id])[0].scores_mark == 0  # not read


def test_the_mark_moves_with_every_score_edit_and_not_with_the_title(ws, scored) -> None:
    use_case_id, criteria = scored
    marks = [mark_of(ws, use_case_id)]
    records.update(ws=ws, model=UseCase, id=use_case_id, data={"title": "Short summaries"})
    assert mark_of(ws, use_case_id) == marks[0]
    edits = [(criteria[0].id, 4), (criteria[2].id, 2), (criteria[2].id, None)]
    for criterion_id, value in edits:
        scoring.set_score(ws=ws, use_case_id=use_case_id, criterion_id=criterion_id, value=value)
        marks.append(mark_of(ws, use_case_id))
    assert marks == [2, 3, 4, 3]  # update, add, delete (the very rows of marks[1])


# set_score with what the cell read ---------------------------------------------------------


def test_a_score_at_the_version_read_is_written(ws, scored) -> None:
    use_case_id, criteria = scored
    row_id, version, _ = score_row(ws, use_case_id, criteria[0].id)
    scoring.set_score(
        ws=ws,
        use_case_id=use_case_id,
        criterion_id=criteria[0].id,
        value=5,
        expect=Slot(row_id, version),
    )
    assert score_row(ws, use_case_id, criteria[0].id) == (row_id, version + 1, 5)


def test_a_score_changed_elsewhere_is_left_as_it_is(ws, other, scored) -> None:
    use_case_id, criteria = scored
    crit = criteria[0].id
    row_id, version, _ = score_row(ws, use_case_id, crit)
    scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=crit, value=1, who="bob")
    history = len(ws.history(limit=100))
    with pytest.raises(ConflictError) as caught:
        scoring.set_score(
            ws=ws, use_case_id=use_case_id, criterion_id=crit, value=5, expect=Slot(row_id, version)
        )
    assert caught.value.conflict == RecordConflict("score", row_id, version, version + 1)
    assert "Summaries / " in str(caught.value) and "changed elsewhere" in str(caught.value)
    assert score_row(ws, use_case_id, crit) == (row_id, version + 1, 1)
    assert len(ws.history(limit=100)) == history  # nothing recorded


def test_an_empty_cell_scored_elsewhere_names_the_new_row(ws, other, scored) -> None:
    use_case_id, criteria = scored
    crit = criteria[3].id
    scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=crit, value=2)
    added = score_row(ws, use_case_id, crit)
    with pytest.raises(ConflictError) as caught:
        scoring.set_score(ws=ws, use_case_id=use_case_id, criterion_id=crit, value=4, expect=Slot())
    assert caught.value.conflict == RecordConflict("score", added[0], 0, 1)
    assert score_row(ws, use_case_id, crit) == added


def test_a_score_deleted_elsewhere_is_not_added_back(ws, other, scored) -> None:
    use_case_id, criteria = scored
    crit = criteria[0].id
    row_id, version, _ = score_row(ws, use_case_id, crit)
    scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=crit, value=None)
    with pytest.raises(ConflictError, match="deleted elsewhere") as caught:
        scoring.set_score(
            ws=ws, use_case_id=use_case_id, criterion_id=crit, value=4, expect=Slot(row_id, version)
        )
    assert caught.value.conflict.current is None
    assert score_row(ws, use_case_id, crit) is None


def test_a_score_deleted_and_added_again_elsewhere_is_another_row(ws, other, scored) -> None:
    use_case_id, criteria = scored
    crit = criteria[0].id
    row_id, version, _ = score_row(ws, use_case_id, crit)
    for value in (None, 1):
        scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=crit, value=value)
    again = score_row(ws, use_case_id, crit)
    with pytest.raises(ConflictError) as caught:
        scoring.set_score(
            ws=ws, use_case_id=use_case_id, criterion_id=crit, value=5, expect=Slot(row_id, version)
        )
    assert caught.value.conflict.record_id == again[0]
    assert score_row(ws, use_case_id, crit) == again


# score_slot: what a cell of a grid filled with a mark read -------------------------------


def slot_for(ws, use_case_id, crit, mark, shown, rationale=None) -> Slot:
    read = {"mark": mark, "shown": shown, "shown_rationale": rationale}
    return scoring.score_slot(ws=ws, use_case_id=use_case_id, criterion_id=crit, **read)


def test_while_the_mark_holds_the_cell_expects_the_row_stored(ws, scored) -> None:
    use_case_id, criteria = scored
    mark = mark_of(ws, use_case_id)
    row_id, version, _ = score_row(ws, use_case_id, criteria[0].id)
    assert slot_for(ws, use_case_id, criteria[0].id, mark, 3) == Slot(row_id, version)
    assert slot_for(ws, use_case_id, criteria[4].id, mark, None) == Slot()


def test_once_the_use_cases_scores_changed_the_version_shown_is_unknown(ws, other, scored):
    use_case_id, criteria = scored
    mark = mark_of(ws, use_case_id)
    scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=criteria[1].id, value=5)
    row_id, _version, _ = score_row(ws, use_case_id, criteria[0].id)
    assert slot_for(ws, use_case_id, criteria[0].id, mark, 3) == Slot(row_id, STALE)
    # Nothing stored where nothing was shown: writing there overwrites nothing.
    assert slot_for(ws, use_case_id, criteria[4].id, mark, None) == Slot()


def test_a_row_added_in_place_of_one_deleted_is_not_the_row_shown(ws, other, scored) -> None:
    use_case_id, criteria = scored
    crit = criteria[1].id  # the newest score: on SQLite a row added next may take its id
    mark = mark_of(ws, use_case_id)
    for value in (None, 5):
        scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=crit, value=value)
    assert slot_for(ws, use_case_id, crit, mark, 3).version == STALE


def test_a_score_deleted_and_another_added_leave_the_mark_but_not_the_cells(ws, other, scored):
    use_case_id, criteria = scored
    gone, added, kept = criteria[1].id, criteria[4].id, criteria[0].id
    mark = mark_of(ws, use_case_id)
    scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=gone, value=None)
    scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=added, value=5)
    assert mark_of(ws, use_case_id) == mark
    assert slot_for(ws, use_case_id, gone, mark, 3) == Slot(0, STALE)
    assert slot_for(ws, use_case_id, added, mark, None) == Slot()
    with pytest.raises(ConflictError):
        scoring.set_score(
            ws=ws, use_case_id=use_case_id, criterion_id=added, value=1, expect=Slot()
        )
    row_id, version, _ = score_row(ws, use_case_id, kept)
    assert slot_for(ws, use_case_id, kept, mark, 3) == Slot(row_id, version)


@pytest.mark.parametrize(
    ("theirs", "shown", "expected"),
    [
        (1, 3, "stale"),  # the level shown changed
        (None, 3, "gone"),  # the score shown was deleted
        (2, None, "empty"),  # an empty cell was scored: the edit expects it empty
    ],
)
def test_a_cell_changed_since_the_fill_refuses_the_edit(
    ws, other, scored, theirs, shown, expected
) -> None:
    use_case_id, criteria = scored
    crit = criteria[0].id if shown is not None else criteria[5].id
    mark = mark_of(ws, use_case_id)
    scoring.set_score(ws=other, use_case_id=use_case_id, criterion_id=crit, value=theirs)
    slot = slot_for(ws, use_case_id, crit, mark, shown)
    now = score_row(ws, use_case_id, crit)
    assert (
        slot
        == {
            "stale": Slot(now[0] if now else 0, STALE),
            "gone": Slot(0, STALE),
            "empty": Slot(),
        }[expected]
    )
    with pytest.raises(ConflictError):
        scoring.set_score(ws=ws, use_case_id=use_case_id, criterion_id=crit, value=4, expect=slot)
    assert score_row(ws, use_case_id, crit) == now


def test_a_rationale_changed_since_it_was_shown_refuses_a_rationale_edit(ws, other, scored):
    use_case_id, criteria = scored
    crit = criteria[0].id
    mark = mark_of(ws, use_case_id)
    scoring.set_score(
        ws=other, use_case_id=use_case_id, criterion_id=crit, value=3, rationale="Bob's reason"
    )
    assert slot_for(ws, use_case_id, crit, mark, 3, rationale="").version == STALE
    mark = mark_of(ws, use_case_id)  # filled again: Bob's reason shown
    assert slot_for(ws, use_case_id, crit, mark, 3, rationale="Bob's reason").version != STALE


# KPI snapshots -------------------------------------------------------------------------------


@pytest.fixture
def kpi_id(ws) -> int:
    obj, _ = records.create(ws=ws, model=Kpi, data={"name": "Adoption", "unit": "%"})
    return obj.id


def test_grid_cells_read_ids_and_versions_of_every_kpi_in_one_go(ws, kpi_id) -> None:
    second, _ = records.create(ws=ws, model=Kpi, data={"name": "Latency", "unit": "ms"})
    for weeks, value in ((3, 10.0), (1, 11.0), (0, 12.0)):
        kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=DAY - dt.timedelta(weeks=weeks), value=value)
    kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=DAY, value=12.5)  # version 2
    kpis.set_snapshot(ws=ws, kpi_id=second.id, day=DAY - dt.timedelta(weeks=5), value=1.0)
    for wanted in ([kpi_id, second.id], [kpi_id, second.id, *range(1000, 1100)]):  # IN / not
        cells = kpis.grid_cells(ws=ws, kpi_ids=wanted, start=DAY - dt.timedelta(weeks=2))
        got = [(c.kpi_id, c.date, c.value, c.version) for c in cells]
        assert got == [(kpi_id, DAY - dt.timedelta(weeks=1), 11.0, 1), (kpi_id, DAY, 12.5, 2)]
    s = KpiSnapshot.__table__
    with ws.engine.connect() as conn:
        stored_id = conn.execute(select(s.c.id).where(s.c.date == DAY)).scalar()
    assert cells[-1].id == stored_id


def snapshot_of(ws, kpi_id: int) -> tuple[float, int] | None:
    found = kpis.grid_cells(ws=ws, kpi_ids=[kpi_id], start=DAY)
    return (found[0].value, found[0].version) if found else None


@pytest.mark.parametrize("mine", [20.0, None])
def test_a_snapshot_changed_elsewhere_is_left_as_it_is(ws, other, kpi_id, mine) -> None:
    kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=DAY, value=10.0)
    found = kpis.grid_cells(ws=ws, kpi_ids=[kpi_id], start=DAY)[0]
    read = Slot(found.id, found.version)
    kpis.set_snapshot(ws=other, kpi_id=kpi_id, day=DAY, value=15.0, who="bob")
    with pytest.raises(ConflictError) as caught:
        kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=DAY, value=mine, expect=read)
    assert caught.value.conflict == RecordConflict("kpi_snapshot", read.row_id, 1, 2)
    assert snapshot_of(ws, kpi_id) == (15.0, 2)
    kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=DAY, value=mine, expect=Slot(read.row_id, 2))
    assert snapshot_of(ws, kpi_id) == (None if mine is None else (20.0, 3))


def test_an_empty_day_filled_elsewhere_or_a_snapshot_deleted_elsewhere_refuses(
    ws, other, kpi_id
) -> None:
    kpis.set_snapshot(ws=other, kpi_id=kpi_id, day=DAY, value=7.0)
    with pytest.raises(ConflictError):
        kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=DAY, value=9.0, expect=Slot())
    found = kpis.grid_cells(ws=ws, kpi_ids=[kpi_id], start=DAY)[0]
    read = Slot(found.id, found.version)
    kpis.set_snapshot(ws=other, kpi_id=kpi_id, day=DAY, value=None)
    with pytest.raises(ConflictError, match="deleted elsewhere"):
        kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=DAY, value=9.0, expect=read)
    assert snapshot_of(ws, kpi_id) is None
