"""The Related panel's service: everything linked to a record, both directions, read off
the foreign keys (link tables, references, and detail rows such as a control's status)."""

from __future__ import annotations

import pytest

from aipm_desktop.errors import NotFoundError
from aipm_desktop.models import Document, Kpi, Risk, UseCase
from aipm_desktop.services import controls, records, risks
from aipm_desktop.services.incidents import data as incidents
from aipm_desktop.services.related import related
from aipm_desktop.services.runbooks import data as runbooks


def _add(ws, model, **data) -> int:
    obj, _ = records.create(ws=ws, model=model, data=data)
    return int(obj.id)


@pytest.fixture
def linked(ws):
    """A small web: use case ← risk (link table), document, KPI; an incident on both; a
    runbook whose rollback criterion watches the KPI; a control applied to the use case
    treating the risk, with an evidence item."""
    ids = {}
    ids["uc"] = _add(ws, UseCase, title="Claims triage")
    ids["other_uc"] = _add(ws, UseCase, title="Fraud scoring")
    ids["risk"] = _add(ws, Risk, title="Unfair denials")
    risks.set_links(ws=ws, risk_id=ids["risk"], use_case_ids=[ids["uc"]])
    ids["doc"] = _add(ws, Document, kind="prd", title="Claims triage PRD", use_case_id=ids["uc"])
    ids["kpi"] = _add(ws, Kpi, name="Denial rate", unit="%", use_case_id=ids["uc"])
    ids["incident"], _ = incidents.create_incident(
        ws=ws,
        data={"title": "Denials spike", "use_case_ids": [ids["uc"]], "risk_ids": [ids["risk"]]},
    )
    ids["runbook"], _ = runbooks.create_runbook(ws=ws, data={"title": "Claims rollback"})
    runbooks.add_criterion(
        ws=ws,
        runbook_id=ids["runbook"],
        criterion={"text": "Denial rate above 5%", "op": ">", "threshold": 5, "kpi_id": ids["kpi"]},
    )
    ids["control"] = controls.find_control(ws=ws, ref="Art. 9")
    controls.set_status(
        ws=ws,
        control_id=ids["control"],
        use_case_id=ids["uc"],
        values={"status": "in_progress"},
        links={"risks": [ids["risk"]]},
    )
    added = controls.add_reference(
        ws=ws,
        kind="url",
        target="https://example.org/risk-plan",
        about=controls.About(control_ids=(ids["control"],), title="Risk plan"),
    )
    ids["evidence"] = added.id
    return ws, ids


def _pairs(links) -> set[tuple[str, str, str]]:
    return {(link.kind, link.title, link.direction) for link in links}


def test_use_case_lists_what_refers_to_it(linked):
    ws, ids = linked
    found = _pairs(related(ws=ws, kind="use_case", id=ids["uc"]))
    assert found == {
        ("risk", "Unfair denials", "in"),
        ("document", "Claims triage PRD", "in"),
        ("kpi", "Denial rate", "in"),
        ("incident", "Denials spike", "in"),
        ("control", "Art. 9 Risk management system", "in"),
    }


def test_risk_sees_its_use_case_incident_and_the_control_treating_it(linked):
    ws, ids = linked
    links = related(ws=ws, kind="risk", id=ids["risk"])
    assert _pairs(links) == {
        ("use_case", "Claims triage", "in"),
        ("incident", "Denials spike", "in"),
        ("control", "Art. 9 Risk management system", "in"),
    }
    # Grouped in the index's kind order: use case, then incident, then control.
    assert [link.kind for link in links] == ["use_case", "incident", "control"]
    assert links[0].as_dict()["label"] == "Use case"


def test_contexts_read_as_the_areas_show_them(linked):
    ws, ids = linked
    found = {link.title: link.context for link in related(ws=ws, kind="use_case", id=ids["uc"])}
    assert found["Claims triage PRD"] == "Prd"  # a kind no template names: its key in words
    evidence = related(ws=ws, kind="control", id=ids["control"])
    assert {link.title: link.context for link in evidence}["Risk plan"] == "URL"


def test_references_out_and_detail_rows(linked):
    ws, ids = linked
    assert _pairs(related(ws=ws, kind="document", id=ids["doc"])) == {
        ("use_case", "Claims triage", "out")
    }
    # The KPI: its use case (out), the incident's link and the runbook's criterion (in).
    assert _pairs(related(ws=ws, kind="kpi", id=ids["kpi"])) == {
        ("use_case", "Claims triage", "out"),
        ("runbook", "Claims rollback", "in"),
    }
    # The control: the use case it applies to, the risk it treats, its evidence.
    found = _pairs(related(ws=ws, kind="control", id=ids["control"]))
    assert {
        ("use_case", "Claims triage", "in"),
        ("risk", "Unfair denials", "in"),
        ("evidence_item", "Risk plan", "in"),
    } <= found
    assert ("use_case", "Fraud scoring", "in") not in found


def test_nothing_linked_and_unknown_records(linked):
    ws, ids = linked
    assert related(ws=ws, kind="use_case", id=ids["other_uc"]) == []
    with pytest.raises(NotFoundError, match="no use case with id 999"):
        related(ws=ws, kind="use_case", id=999)
    with pytest.raises(NotFoundError):
        related(ws=ws, kind="kpi_snapshot", id=1)


def test_every_table_is_followed_even_when_only_search_was_imported(linked, tmp_path):
    """The models load lazily: a process that imported nothing but the search service
    still sees every reference (documents, KPIs, risks… to a use case)."""
    import json
    import subprocess
    import sys

    ws, ids = linked
    code = (
        "import json, sys\n"
        "from aipm_desktop.store import open_workspace\n"
        "from aipm_desktop.services.related import related\n"
        "ws = open_workspace(sys.argv[1], readonly=True)\n"
        "links = related(ws=ws, kind='use_case', id=int(sys.argv[2]))\n"
        "print(json.dumps(sorted({link.kind for link in links})))\n"
        "ws.close()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ws.path), str(ids["uc"])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == ["control", "document", "incident", "kpi", "risk"]
