"""Migration 0009 (interview calibration): a 0008 file's evaluations with ratings count as
submitted, the rest are still being scored; candidates and cases gain the new fields
empty; the downgrade drops practice evaluations and gives the 0008 rows back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from aipm_desktop.services import interviews as iv
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import make_engine
from aipm_desktop.store.migrate import alembic_config

from .migration_files import file_at

#: The revision under test and the one before it (renumbered together at a merge).
REVISION, PREVIOUS = "0009", "0008"
STAMP = "2025-01-01 00:00:00"
LATER = "2025-02-03 10:00:00"


def _row(**values: object) -> dict[str, object]:
    """A row with the bookkeeping columns every table has."""
    return {"created_at": STAMP, "updated_at": STAMP, "version": 1, **values}


#: What the 0008 file holds: Maya rated Ana on two dimensions, Daniel had not started.
OLD_ROWS: dict[str, list[dict[str, object]]] = {
    "workspace_settings": [
        _row(id=1, name="Legacy", client="", owner_name="", risk_method="multiply",
             risk_bands="[]", roadmap_lanes='["Data"]'),
    ],
    "scorecard": [_row(id=1, key="card", name="Card", rating_scale="[]")],
    "scorecard_dimension": [
        _row(id=i, scorecard_id=1, key=k, name=k, weight=1, meets_bar="", levels="[]", position=i)
        for i, k in ((1, "sense"), (2, "metrics"))
    ],
    "case_exercise": [
        _row(id=1, key="prd", title="PRD case", prompt="Write", materials="",
             expected_outputs="", time_box_minutes=45, dimension_keys='["sense"]', built_in=0),
    ],
    "candidate": [
        _row(id=1, name="Ana", role_level="PM", interview_date="2025-01-02",
             interviewers="Maya, Daniel"),
    ],
    "evaluation": [
        _row(id=i, candidate_id=1, exercise_id=1, scorecard_id=1, interviewer=who,
             recommendation="yes", notes="Good", signal_ids="[]", updated_at=LATER, version=2)
        for i, who in ((1, "Maya"), (2, "Daniel"))
    ],
    "rating": [
        _row(id=i, evaluation_id=1, dimension_id=i, rating=level, evidence="seen")
        for i, level in ((1, 3), (2, 4))
    ],
}  # fmt: skip


def _at_previous_revision(path: Path) -> None:
    """A workspace file made by the app at :data:`PREVIOUS`, holding :data:`OLD_ROWS`."""
    file_at(path, PREVIOUS, OLD_ROWS)


def _rows(path: Path, query: str) -> list[tuple]:
    engine = make_engine(path)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(query))]
    engine.dispose()
    return rows


EVALUATIONS = "SELECT * FROM evaluation ORDER BY id"
CANDIDATES = "SELECT * FROM candidate ORDER BY id"
CASES = "SELECT * FROM case_exercise ORDER BY id"
RATINGS = "SELECT * FROM rating ORDER BY id"


def test_the_revision_follows_its_parent() -> None:
    revisions = known_revisions()
    assert revisions.index(REVISION) == revisions.index(PREVIOUS) + 1


def test_evaluations_with_ratings_count_as_submitted(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _at_previous_revision(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == PREVIOUS and ws.revision == head_revision()
        maya, daniel = iv.evaluations(ws=ws)
        assert maya.submitted and str(maya.submitted_at).startswith(LATER)
        assert not daniel.submitted and not maya.practice and not daniel.practice
        summary = iv.candidate_summary(ws=ws, candidate_id=1)
        assert summary.waiting_for == ["Daniel"] and not summary.open
        (cand,) = iv.list_candidates(ws=ws)
        assert (cand.revealed_at, cand.revealed_by, cand.reveal_reason) == (None, "", "")
        assert (cand.decision, cand.decision_rationale, cand.decided_by) == (None, "", "")
        case = iv.get_exercise(ws=ws, exercise_id=1)
        assert (case.sample_answer, case.scorecard_id) == ("", None)
        assert case.dimension_keys == ("sense",)
        # the new fields take edits
        iv.reveal_ratings(ws=ws, candidate_id=1, reason="Daniel left", who="Jonas")
        iv.record_decision(ws=ws, candidate_id=1, decision="hold", rationale="Wait")
        iv.set_reference_rating(ws=ws, exercise_id=1, dimension_key="sense", rating=3)
        assert iv.comparison(ws=ws).candidates[0].open
    finally:
        ws.close()


def test_downgrade_gives_the_old_rows_back(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _at_previous_revision(path)
    before = {q: _rows(path, q) for q in (EVALUATIONS, CANDIDATES, CASES, RATINGS)}
    ws = open_workspace(path)  # upgraded to the head
    try:
        iv.set_reference_rating(ws=ws, exercise_id=1, dimension_key="sense", rating=3)
        practice, _ = iv.start_evaluation(
            ws=ws, candidate_id=None, exercise_id=1, interviewer="Maya"
        )
        iv.set_rating(ws=ws, evaluation_id=practice, dimension_id=1, rating=2)
    finally:
        ws.close()
    # Migrations run with foreign keys off (the store's upgrade engine): the rebuilt
    # tables have children.
    engine = make_engine(path, upgrading=True)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), PREVIOUS)
    engine.dispose()
    after = {q: _rows(path, q) for q in (EVALUATIONS, CANDIDATES, CASES)}
    assert after[EVALUATIONS] == before[EVALUATIONS]
    assert after[CANDIDATES] == before[CANDIDATES]
    # the case was touched by the reference rating (version, updated_at); the rest is back
    assert [r[:2] + r[4:] for r in after[CASES]] == [r[:2] + r[4:] for r in before[CASES]]
    assert _rows(path, RATINGS) == before[RATINGS]  # the practice rating went with it
    tables = {r[0] for r in _rows(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "reference_rating" not in tables
    assert _rows(path, "SELECT version_num FROM alembic_version") == [(PREVIOUS,)]
    assert _rows(path, "PRAGMA foreign_key_check") == []
    # and up again: the same submitted state
    ws = open_workspace(path)
    try:
        assert [e.submitted for e in iv.evaluations(ws=ws)] == [True, False]
    finally:
        ws.close()
