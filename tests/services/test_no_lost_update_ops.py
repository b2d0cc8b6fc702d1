"""The core behind "no lost update" in the Operations area: a runbook template written
against the one read (or against none), a link to a risk moving the incident's version on,
the categories listed with their versions, and who last changed a record when a link or a
list of steps (no logged field) moved it on. On SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from aipm_desktop.errors import ConflictError
from aipm_desktop.models import CommunicationTemplate, FailureCategory, Incident
from aipm_desktop.services import conflicts, incidents, records, runbooks
from aipm_desktop.services.incidents import workflow
from aipm_desktop.services.runbooks import editing

pytestmark = pytest.mark.backends

RUNBOOK = "Reply drafts: AI incident runbook"
INCIDENT = "Drafts quoted refund windows that do not exist after the model upgrade"


@pytest.fixture
def demo(sample_on_backend):
    return sample_on_backend


def _template(ws, runbook_id: int, channel: str):
    return runbooks.get_runbook(ws=ws, runbook_id=runbook_id).template(channel)


def test_a_template_of_none_keeps_the_stored_subject_or_body(demo) -> None:
    runbook_id = runbooks.find_runbook(ws=demo, ref=RUNBOOK)
    read = _template(demo, runbook_id, "internal")
    editing.set_template(ws=demo, runbook_id=runbook_id, channel="internal", subject=None, body="B")
    after = _template(demo, runbook_id, "internal")
    assert (after.subject, after.body) == (read.subject, "B")
    assert after.version == records.get(ws=demo, model=CommunicationTemplate, id=after.id).version
    assert after.version > read.version


def test_a_template_written_as_new_is_refused_when_one_was_stored_meanwhile(demo) -> None:
    runbook_id = runbooks.find_runbook(ws=demo, ref=RUNBOOK)
    theirs = _template(demo, runbook_id, "internal")
    with pytest.raises(ConflictError) as refused:
        editing.set_template(
            ws=demo, runbook_id=runbook_id, channel="internal", subject="Mine", absent=True
        )
    assert (refused.value.conflict.kind, refused.value.conflict.record_id) == (
        "communication_template",
        theirs.id,
    )
    assert _template(demo, runbook_id, "internal") == theirs  # nothing written
    editing.set_template(ws=demo, runbook_id=runbook_id, channel="internal", subject="", body="")
    editing.set_template(
        ws=demo, runbook_id=runbook_id, channel="internal", subject="Mine", absent=True
    )
    assert _template(demo, runbook_id, "internal").subject == "Mine"


def test_linking_a_risk_moves_the_incident_on_and_says_who_did_it(demo) -> None:
    incident_id = incidents.find_incident(ws=demo, ref=INCIDENT)
    before = incidents.detail(ws=demo, incident_id=incident_id)
    linked = {i for i, _t in before.risks}
    risk = next(i for i, _t in workflow.choices(ws=demo, kind="risk") if i not in linked)
    incidents.add_to_risk_register(ws=demo, incident_id=incident_id, risk_id=risk, who="bob")
    assert records.get(ws=demo, model=Incident, id=incident_id).version == before.version + 1

    change = conflicts.last_touch(demo, "incident", incident_id)
    assert change is not None and change.who.startswith("bob")  # on a server: "bob (user)"
    assert change.label == f"Link incident {INCIDENT} to risk {risk}"  # the operation's words
    records.update(ws=demo, model=Incident, id=incident_id, data={"owner": "Ana"}, who="ana")
    change = conflicts.last_touch(demo, "incident", incident_id)
    assert change.who.startswith("ana") and change.label == "changed owner"  # logged fields


def test_categories_are_listed_with_the_version_an_edit_expects(demo) -> None:
    first = incidents.category_uses(ws=demo)[0]
    incidents.rename_category(ws=demo, category_id=first.id, data={"description": "Changed"})
    again = incidents.category_uses(ws=demo)[0]
    assert again.version == first.version + 1
    assert again.version == records.get(ws=demo, model=FailureCategory, id=first.id).version
