"""No lost update: an edit expecting a version writes only if the record is still at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipm_desktop.errors import ConflictError, NotFoundError
from aipm_desktop.models import UseCase
from aipm_desktop.services import conflicts, records
from aipm_desktop.services.conflicts import RecordConflict, expecting, key_of
from aipm_desktop.store import open_workspace


@pytest.fixture
def other(ws):
    """A second workspace object on the same file: another window or process."""
    second = open_workspace(Path(ws.path))
    yield second
    second.close()


def _new(ws, title: str = "Summaries") -> UseCase:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return obj


def test_edit_at_the_version_read_is_written_and_reports_the_new_version(ws) -> None:
    obj = _new(ws)
    key = key_of(UseCase, obj.id)
    with expecting({key: obj.version}) as expected:
        records.update(ws=ws, model=UseCase, id=obj.id, data={"title": "Short summaries"})
    assert records.get(ws=ws, model=UseCase, id=obj.id).title == "Short summaries"
    assert expected.written[key] == obj.version + 1


def test_edit_after_another_window_changed_the_record_writes_nothing(ws, other) -> None:
    obj = _new(ws)
    read_version = obj.version
    # The other window saves first.
    records.update(ws=other, model=UseCase, id=obj.id, data={"owner": "Bob"})
    history_before = len(ws.history(limit=100))
    expected = {key_of(UseCase, obj.id): read_version}
    with pytest.raises(ConflictError) as caught, expecting(expected):
        records.update(ws=ws, model=UseCase, id=obj.id, data={"title": "Mine"})
    conflict = caught.value.conflict
    assert conflict == RecordConflict("use_case", obj.id, read_version, read_version + 1)
    assert "changed elsewhere" in str(caught.value)
    assert "Summaries" in str(caught.value)
    stored = records.get(ws=ws, model=UseCase, id=obj.id)
    assert (stored.title, stored.owner) == ("Summaries", "Bob")
    assert len(ws.history(limit=100)) == history_before  # no operation recorded


def test_an_area_service_writing_through_editing_is_checked_too(ws, other) -> None:
    obj = _new(ws)
    records.update(ws=other, model=UseCase, id=obj.id, data={"owner": "Bob"})

    def rename(workspace) -> None:
        with records.editing(workspace, UseCase, obj.id, lambda r: f"rename {r.title}") as (
            _s,
            row,
        ):
            row.title = "Renamed"
            records.touch(row)

    with pytest.raises(ConflictError), expecting({key_of(UseCase, obj.id): obj.version}):
        rename(ws)
    assert records.get(ws=ws, model=UseCase, id=obj.id).title == "Summaries"
    with expecting({key_of(UseCase, obj.id): obj.version + 1}):
        rename(ws)
    assert records.get(ws=ws, model=UseCase, id=obj.id).title == "Renamed"


def test_deleting_a_record_changed_elsewhere_is_refused(ws, other) -> None:
    obj = _new(ws)
    records.update(ws=other, model=UseCase, id=obj.id, data={"owner": "Bob"})
    with pytest.raises(ConflictError), expecting({key_of(UseCase, obj.id): obj.version}):
        records.delete(ws=ws, model=UseCase, id=obj.id)
    assert records.get(ws=ws, model=UseCase, id=obj.id).owner == "Bob"


def test_records_not_named_in_the_expectation_are_not_checked(ws, other) -> None:
    first, second = _new(ws, "First"), _new(ws, "Second")
    records.update(ws=other, model=UseCase, id=second.id, data={"owner": "Bob"})
    with expecting({key_of(UseCase, first.id): first.version}):
        records.update(ws=ws, model=UseCase, id=second.id, data={"title": "Second, edited"})
    assert records.get(ws=ws, model=UseCase, id=second.id).title == "Second, edited"


def test_expected_version_argument_carries_the_conflict(ws, other) -> None:
    obj = _new(ws)
    records.update(ws=other, model=UseCase, id=obj.id, data={"owner": "Bob"})
    with pytest.raises(ConflictError) as caught:
        records.update(ws=ws, model=UseCase, id=obj.id, data={"title": "Mine"}, expected_version=1)
    assert caught.value.conflict == RecordConflict("use_case", obj.id, 1, 2)


def test_stored_values_and_last_change_say_what_the_other_window_wrote(ws, other) -> None:
    obj = _new(ws)
    records.update(ws=other, model=UseCase, id=obj.id, data={"owner": "Bob"}, who="bob")
    values, version = conflicts.stored_values(ws, UseCase, obj.id, ["owner", "title"])
    assert values == {"owner": "Bob", "title": "Summaries"}
    assert version == 2
    change = conflicts.last_change(ws, "use_case", obj.id)
    assert change is not None
    assert change.who == "bob"
    assert change.describe().startswith("by bob at ")
    records.delete(ws=other, model=UseCase, id=obj.id)
    with pytest.raises(NotFoundError, match="deleted elsewhere"):
        conflicts.stored_values(ws, UseCase, obj.id, ["owner"])


def test_an_edit_flushing_the_record_twice_is_checked_once(ws) -> None:
    obj = _new(ws)
    key = key_of(UseCase, obj.id)
    with (
        expecting({key: obj.version}) as expected,
        records.editing(ws, UseCase, obj.id, lambda r: "twice") as (session, row),
    ):
        row.title = "Once"
        records.touch(row)
        session.flush()
        row.owner = "Twice"
        records.touch(row)
    stored = records.get(ws=ws, model=UseCase, id=obj.id)
    assert (stored.title, stored.owner, stored.version) == ("Once", "Twice", obj.version + 2)
    assert expected.written[key] == obj.version + 2


@pytest.mark.backends
def test_reference_fields_are_named_by_the_records_they_point_to(ws) -> None:
    from aipm_desktop.models import Document

    case = _new(ws, "Answer bot")
    gone = _new(ws, "Retired pilot")
    records.create(ws=ws, model=Document, data={"kind": "ai_prd", "title": "PRD"})
    records.delete(ws=ws, model=UseCase, id=gone.id)
    labels = conflicts.reference_labels(
        ws, Document, {"use_case_id": (case.id, gone.id, None), "title": ("PRD", "x")}
    )
    # Only the reference field, only records still there; plain fields are left as they are.
    assert labels == {("use_case_id", case.id): "Answer bot"}


def test_a_deleted_records_id_is_never_given_to_a_new_record(ws, other) -> None:
    """Deleting the newest record and creating another must not hand the new one the old
    id at version 1: a form still open on the deleted record would pass the check and
    write over the new one."""
    newest = _new(ws, "Newest")
    records.delete(ws=other, model=UseCase, id=newest.id)
    fresh = _new(other, "Fresh")
    assert fresh.id > newest.id
    expected = {key_of(UseCase, newest.id): newest.version}
    with pytest.raises(NotFoundError, match="deleted"), expecting(expected):
        records.update(ws=ws, model=UseCase, id=newest.id, data={"title": "Mine"})
    assert records.get(ws=ws, model=UseCase, id=fresh.id).title == "Fresh"


def test_an_undone_creates_id_is_not_given_to_the_next_record(ws, other) -> None:
    """Undoing a create deletes the record; the next record another window creates gets
    a new id, so the change log never names two records by one id."""
    mine = _new(ws, "Mine")
    ws.undo()
    theirs = _new(other, "Theirs")
    assert theirs.id > mine.id
    change = conflicts.last_change(ws, "use_case", mine.id)
    assert change is not None and "Theirs" not in change.label
