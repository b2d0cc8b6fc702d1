"""The incident reference lists a workspace edits: SEV1-SEV4 definitions and the
failure-category triage list (add, rename, reorder, remove). Each edit is one undo step;
a refused edit writes nothing; a category in use is never removed silently."""

from __future__ import annotations

import datetime as dt

import pytest

from aipm_desktop.errors import ConflictError, NotFoundError, ValidationError
from aipm_desktop.services import incidents

T0 = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


def _names(ws) -> list[str]:
    return [c.name for c in incidents.failure_categories(ws=ws)]


def _severity(ws, level: str):
    return next(d for d in incidents.severity_definitions(ws=ws) if d.severity == level)


def _incident(ws, title: str, category_id: int | None) -> int:
    incident_id, _ = incidents.create_incident(
        ws=ws, data={"title": title, "detected_at": T0, "category_id": category_id}
    )
    return incident_id


def test_several_severities_change_in_one_undo_step(ws) -> None:
    incidents.update_severity_definitions(
        ws=ws,
        changes={
            "SEV2": {"definition": "Rollback criterion met.", "acknowledge_within_hours": 0.5},
            "4": {"name": "Cosmetic"},
        },
    )
    assert _severity(ws, "sev2").definition == "Rollback criterion met."
    assert _severity(ws, "sev2").acknowledge_within_hours == 0.5
    assert _severity(ws, "sev4").name == "Cosmetic"
    ws.undo()
    assert _severity(ws, "sev2").acknowledge_within_hours == 1
    assert _severity(ws, "sev4").name == "Low"


def test_a_refused_severity_edit_writes_nothing(ws) -> None:
    before = [(d.name, d.definition) for d in incidents.severity_definitions(ws=ws)]
    with pytest.raises(ValidationError, match="SEV3"):
        incidents.update_severity_definitions(
            ws=ws, changes={"sev1": {"name": "Blocker"}, "sev3": {"name": "  "}}
        )
    with pytest.raises(ValidationError, match="choose one of: sev1, sev2, sev3, sev4"):
        incidents.update_severity_definition(ws=ws, severity="sev5", data={"name": "X"})
    with pytest.raises(ValidationError, match="cannot be changed"):
        incidents.update_severity_definition(ws=ws, severity="sev1", data={"severity": "sev2"})
    with pytest.raises(ValidationError):
        incidents.update_severity_definition(
            ws=ws, severity="sev1", data={"acknowledge_within_hours": -1}
        )
    assert [(d.name, d.definition) for d in incidents.severity_definitions(ws=ws)] == before


def test_category_names_are_unique_in_any_case_and_trimmed(ws) -> None:
    with pytest.raises(ValidationError, match="already has 'Wrong answer'"):
        incidents.add_category(ws=ws, name="  WRONG   answer ")
    tone, _ = incidents.add_category(ws=ws, name="  Tone  problem ", description=" Rude. ")
    assert _names(ws)[-1] == "Tone problem"
    wrong = incidents.find_category(ws=ws, ref="wrong answer")
    with pytest.raises(ValidationError, match="already has 'Tone problem'"):
        incidents.rename_category(ws=ws, category_id=wrong, data={"name": "tone problem"})
    # renaming to itself in another case is fine
    incidents.rename_category(ws=ws, category_id=tone, data={"name": "Tone Problem"})
    assert _names(ws)[-1] == "Tone Problem"
    with pytest.raises(ValidationError, match="Name"):
        incidents.add_category(ws=ws, name="   ")


def test_moving_a_category_reorders_the_list_in_one_step(ws) -> None:
    before = _names(ws)
    latency = incidents.find_category(ws=ws, ref="Latency spike")
    incidents.move_category(ws=ws, category_id=latency, step=-2)
    assert _names(ws)[:3] == ["Latency spike", "Wrong answer", "Unsafe response"]
    assert [c.position for c in incidents.failure_categories(ws=ws)] == list(range(len(before)))
    incidents.move_category(ws=ws, category_id=latency, step=-1)  # already first: no change
    ws.undo()
    assert _names(ws) == before
    with pytest.raises(NotFoundError):
        incidents.move_category(ws=ws, category_id=9999, step=1)


def test_a_category_in_use_is_not_removed_silently(ws) -> None:
    wrong = incidents.find_category(ws=ws, ref="Wrong answer")
    first = _incident(ws, "Refund windows invented", wrong)
    second = _incident(ws, "Made-up policy", wrong)
    with pytest.raises(incidents.CategoryInUseError) as refused:
        incidents.delete_category(ws=ws, category_id=wrong)
    assert refused.value.incident_ids == (first, second)
    assert "2 incidents" in str(refused.value) and "Refund windows invented" in str(refused.value)
    assert "Wrong answer" in _names(ws)
    uses = {u.name: u.incidents for u in incidents.category_uses(ws=ws)}
    assert uses["Wrong answer"] == 2 and uses["Unsafe response"] == 0


def test_removing_a_used_category_moves_its_incidents_in_one_step(ws) -> None:
    wrong = incidents.find_category(ws=ws, ref="Wrong answer")
    data = incidents.find_category(ws=ws, ref="Data mismatch")
    incident_id = _incident(ws, "Refund windows invented", wrong)
    version = incidents.detail(ws=ws, incident_id=incident_id).version
    with pytest.raises(ValidationError):
        incidents.delete_category(ws=ws, category_id=wrong, move_to=wrong)
    incidents.delete_category(ws=ws, category_id=wrong, move_to=data)
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert info.category == "Data mismatch" and info.version == version + 1
    assert "Wrong answer" not in _names(ws)
    ws.undo()
    assert incidents.detail(ws=ws, incident_id=incident_id).category == "Wrong answer"
    assert _names(ws)[0] == "Wrong answer"


def test_an_unused_category_is_removed_without_a_question(ws) -> None:
    cost = incidents.find_category(ws=ws, ref="Cost spike")
    incidents.delete_category(ws=ws, category_id=cost)
    assert "Cost spike" not in _names(ws)
    ws.undo()
    assert "Cost spike" in _names(ws)


def test_an_action_is_edited_whole_and_a_rollback_marks_the_incident(ws) -> None:
    incident_id = _incident(ws, "Hallucinations after the model update", None)
    action_id, _ = incidents.add_action(
        ws=ws, incident_id=incident_id, kind="prompt update", who="Ana", at=T0
    )
    later = T0 + dt.timedelta(minutes=40)
    incidents.update_action(
        ws=ws,
        action_id=action_id,
        data={"kind": "Feature-flag rollback", "who": "Ben", "at": later, "notes": "Flag off"},
    )
    info = incidents.detail(ws=ws, incident_id=incident_id)
    (action,) = info.actions
    assert (action.label, action.who, action.at, action.notes) == (
        "Feature-flag rollback",
        "Ben",
        later,
        "Flag off",
    )
    assert info.rolled_back
    ws.undo()  # one step: the action and the flag
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert info.actions[0].label == "Prompt update" and not info.rolled_back
    with pytest.raises(ValidationError):
        incidents.update_action(ws=ws, action_id=action_id, data={"kind": "reboot"})
    with pytest.raises(ValidationError):
        incidents.update_action(ws=ws, action_id=action_id, data={"who": "x" * 300})
    with pytest.raises(ValidationError):
        incidents.update_action(ws=ws, action_id=action_id, data={"incident_id": 99})
    assert incidents.detail(ws=ws, incident_id=incident_id).actions[0].who == "Ana"


def test_a_move_on_a_list_changed_elsewhere_moves_nothing(ws) -> None:
    """A move names the list as the user saw it: when another window reordered, added or
    removed a category since, nothing moves (a step up means nothing on another list)."""
    seen = [c.id for c in incidents.failure_categories(ws=ws)]
    latency = incidents.find_category(ws=ws, ref="Latency spike")
    incidents.move_category(ws=ws, category_id=seen[0], step=1, who="bob")  # elsewhere
    now = _names(ws)
    with pytest.raises(ConflictError, match="changed elsewhere"):
        incidents.move_category(ws=ws, category_id=latency, step=-1, expected_order=seen)
    assert _names(ws) == now
    shown = [c.id for c in incidents.failure_categories(ws=ws)]
    incidents.add_category(ws=ws, name="Stale retrieval", who="bob")  # elsewhere
    with pytest.raises(ConflictError):
        incidents.move_category(ws=ws, category_id=latency, step=-1, expected_order=shown)
    shown = [c.id for c in incidents.failure_categories(ws=ws)]
    incidents.move_category(ws=ws, category_id=latency, step=-1, expected_order=shown)
    names = _names(ws)
    assert names.index("Latency spike") == now.index("Latency spike") - 1
