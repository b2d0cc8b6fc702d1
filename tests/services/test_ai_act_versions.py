"""Saving a tier check against the version read (no lost update), on both back ends: the
check read (or the absence of one) must still be stored, else nothing is written."""

from __future__ import annotations

import pytest

from aipm_desktop.errors import ConflictError
from aipm_desktop.models import UseCase
from aipm_desktop.services import ai_act, records
from aipm_desktop.services.conflicts import RecordConflict
from aipm_desktop.store import open_workspace

pytestmark = pytest.mark.backends


@pytest.fixture
def use_case_id(ws) -> int:
    return records.create(ws=ws, model=UseCase, data={"title": "CV screening"})[0].id


def _elsewhere(location, use_case_id: int, answers: dict) -> None:
    other = open_workspace(location)
    try:
        ai_act.save_assessment(ws=other, use_case_id=use_case_id, answers=answers, who="bob")
    finally:
        other.close()


def _history(ws) -> int:
    return len(ws.history(limit=1000))


def test_a_check_made_elsewhere_after_i_read_none_is_not_overwritten(
    ws, workspace_location, use_case_id
) -> None:
    _elsewhere(workspace_location, use_case_id, {"interacts_with_people": True})
    before = _history(ws)
    with pytest.raises(ConflictError) as caught:
        ai_act.save_assessment(
            ws=ws, use_case_id=use_case_id, answers={"employment": True}, expected_version=0
        )
    stored = ai_act.get_assessment(ws=ws, use_case_id=use_case_id)
    assert caught.value.conflict == RecordConflict("ai_act_assessment", stored.id, 0, 1)
    assert "CV screening" in str(caught.value)
    assert stored.tier == "limited" and ai_act.obligations(ws=ws, use_case_id=use_case_id) == []
    assert _history(ws) == before  # no operation recorded

    ai_act.save_assessment(  # against the version stored now: written
        ws=ws, use_case_id=use_case_id, answers={"employment": True}, expected_version=1
    )
    stored = ai_act.get_assessment(ws=ws, use_case_id=use_case_id)
    assert (stored.tier, stored.version) == ("high", 2)
    assert len(ai_act.obligations(ws=ws, use_case_id=use_case_id)) == 12


def test_a_check_changed_or_removed_elsewhere_refuses_the_version_read(
    ws, workspace_location, use_case_id
) -> None:
    ai_act.save_assessment(ws=ws, use_case_id=use_case_id, answers={"employment": True})
    read = ai_act.get_assessment(ws=ws, use_case_id=use_case_id).version
    _elsewhere(workspace_location, use_case_id, {})
    with pytest.raises(ConflictError):
        ai_act.save_assessment(
            ws=ws, use_case_id=use_case_id, answers={"education": True}, expected_version=read
        )
    assert ai_act.get_assessment(ws=ws, use_case_id=use_case_id).tier == "minimal"

    ws.undo()  # the other window's save, undone: back to my first check, at a new version
    ws.undo()  # and that one too: no check stored
    assert ai_act.get_assessment(ws=ws, use_case_id=use_case_id) is None
    with pytest.raises(ConflictError) as caught:
        ai_act.save_assessment(
            ws=ws, use_case_id=use_case_id, answers={"education": True}, expected_version=read
        )
    assert caught.value.conflict.current is None  # gone since I read it
    assert "deleted elsewhere" in str(caught.value)
    assert ai_act.get_assessment(ws=ws, use_case_id=use_case_id) is None
