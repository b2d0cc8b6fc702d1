"""Launch gates: parsing KPI criteria, checking them against snapshots, the checklist
and readiness (% done, blocking items, risks, documentation, go / no-go)."""

from __future__ import annotations

import datetime as dt

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.models import (
    Document,
    Kpi,
    LaunchCheck,
    Release,
    Risk,
    RolloutStage,
    UseCase,
)
from aipm_desktop.services import kpis, launch, records, risks

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hallucination rate < 3%", ("hallucination rate", "<", 3.0, "%")),
        ("P95 latency <= 4 s", ("p95 latency", "<=", 4.0, "s")),
        ("p95 latency ≤ 3500 ms", ("p95 latency", "<=", 3500.0, "ms")),
        ("cost per accepted draft <= $0.05", ("cost per accepted draft", "<=", 0.05, "$")),
        ("Adoption >= 50 %", ("adoption", ">=", 50.0, "%")),
        ("report rate > 3 per 1k", ("report rate", ">", 3.0, "per 1k")),
        ("Resolution = 25", ("resolution", "=", 25.0, "")),
        ("14 days: CSAT >= 4.0", ("csat", ">=", 4.0, "")),
        ("Hallucination rate > 5% for 30 minutes", ("hallucination rate", ">", 5.0, "%")),
        ("Tickets >= 1,000", ("tickets", ">=", 1000.0, "")),
    ],
)
def test_parse_criterion_variants(text, expected) -> None:
    assert launch.parse_criterion(text) == expected


@pytest.mark.parametrize("text", ["beta agreements signed", "", "< 3%", "Internal exit met"])
def test_parse_criterion_without_a_comparison_is_none(text) -> None:
    assert launch.parse_criterion(text) is None


def test_split_clauses_drops_the_label_and_splits_lists() -> None:
    assert launch.split_clauses(
        "14 days: hallucination rate <= 3%, report rate <= 2.0 per 1k and P95 latency <= 3.5 s"
    ) == ["hallucination rate <= 3%", "report rate <= 2.0 per 1k", "P95 latency <= 3.5 s"]


def _release_with_stage(ws, *, entry="", exit_="", rollback="", use_case_id=None) -> int:
    release, _ = records.create(
        ws=ws, model=Release, data={"name": "Bot GA", "use_case_id": use_case_id}
    )
    records.create(
        ws=ws,
        model=RolloutStage,
        data={
            "release_id": release.id,
            "name": "Beta",
            "entry_criteria": entry,
            "exit_criteria": exit_,
            "rollback_criteria": rollback,
        },
    )
    return int(release.id)


def _kpi(ws, name, unit, key="", use_case_id=None) -> int:
    obj, _ = records.create(
        ws=ws,
        model=Kpi,
        data={"name": name, "unit": unit, "catalog_key": key, "use_case_id": use_case_id},
    )
    return int(obj.id)


def test_criteria_status_uses_the_latest_snapshot(ws) -> None:
    halluc = _kpi(ws, "Hallucination rate (bot)", "%", key="hallucination_rate")
    latency = _kpi(ws, "Answer latency P95", "ms", key="latency_p95")
    kpis.set_snapshot(ws=ws, kpi_id=halluc, day=D(2026, 1, 5), value=4.0)
    kpis.set_snapshot(ws=ws, kpi_id=halluc, day=D(2026, 1, 12), value=2.5)  # latest
    kpis.set_snapshot(ws=ws, kpi_id=latency, day=D(2026, 1, 12), value=4200)
    release_id = _release_with_stage(
        ws,
        entry="Offline gate: hallucination rate < 3%",
        exit_="14 days: P95 latency <= 4 s, CSAT >= 4.0; beta agreements signed",
        rollback="Hallucination rate > 5%",
    )
    checks = launch.criteria_status(ws=ws, release_id=release_id)
    summary = [(c.which, c.text, c.kpi_id, c.latest, c.met) for c in checks]
    assert summary == [
        ("entry", "hallucination rate < 3%", halluc, 2.5, True),
        ("exit", "P95 latency <= 4 s", latency, 4.2, False),  # 4,200 ms is 4.2 s
        ("exit", "CSAT >= 4.0", None, None, None),  # no such KPI: no data
        ("rollback", "Hallucination rate > 5%", halluc, 2.5, False),  # not triggered
    ]
    # a snapshot that breaks the threshold flips the check
    kpis.set_snapshot(ws=ws, kpi_id=halluc, day=D(2026, 1, 19), value=3.4)
    first = launch.criteria_status(ws=ws, release_id=release_id)[0]
    assert (first.latest, first.met) == (3.4, False)


def test_a_kpi_without_snapshots_has_no_data(ws) -> None:
    _kpi(ws, "Hallucination rate", "%")
    release_id = _release_with_stage(ws, exit_="hallucination rate < 3%")
    [check] = launch.criteria_status(ws=ws, release_id=release_id)
    assert check.kpi_name == "Hallucination rate" and check.latest is None and check.met is None


def test_the_release_use_case_breaks_ties_between_kpis(ws) -> None:
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Bot"})
    _kpi(ws, "Hallucination rate (drafts)", "%")
    mine = _kpi(ws, "Hallucination rate (bot)", "%", use_case_id=uc.id)
    release_id = _release_with_stage(ws, exit_="hallucination rate < 3%", use_case_id=uc.id)
    assert launch.criteria_status(ws=ws, release_id=release_id)[0].kpi_id == mine


def _set_all(ws, release_id, status) -> None:
    for check in launch.checks(ws=ws, release_id=release_id):
        records.update(ws=ws, model=LaunchCheck, id=check.id, data={"status": status})


def _approved_docs(ws, use_case_id) -> None:
    bodies = {
        "ai_prd": "# PRD\n\n## Monitoring and retraining triggers\n\nDrift alerts.",
        "evaluation_plan": "# Eval",
        "responsible_ai_pack": "# RAI",
    }
    for kind, body in bodies.items():
        records.create(
            ws=ws,
            model=Document,
            data={
                "kind": kind,
                "title": kind,
                "body": body,
                "status": "approved",
                "use_case_id": use_case_id,
            },
        )


def test_readiness_blocking_risks_documentation_and_go(ws) -> None:
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Help-center bot"})
    release, _ = records.create(ws=ws, model=Release, data={"name": "Bot GA", "use_case_id": uc.id})
    rid = int(release.id)

    empty = launch.readiness(ws=ws, release_id=rid)
    assert not empty.go and "No launch checklist" in empty.reasons[0]

    changes, count = launch.ensure_checklist(ws=ws, release_id=rid)
    assert count == len(launch.template(ws=ws)) == len(changes.ids) > 10
    assert launch.ensure_checklist(ws=ws, release_id=rid)[1] == 0  # only once

    items = launch.checks(ws=ws, release_id=rid)
    first, second, third = items[0], items[1], items[2]
    records.update(ws=ws, model=LaunchCheck, id=first.id, data={"status": "done"})
    records.update(ws=ws, model=LaunchCheck, id=second.id, data={"status": "not_applicable"})
    records.update(ws=ws, model=LaunchCheck, id=third.id, data={"blocking": False})
    ready = launch.readiness(ws=ws, release_id=rid)
    assert (ready.done, ready.total) == (1, len(items) - 1)  # not applicable left out
    assert ready.percent == pytest.approx(100 / (len(items) - 1))
    blocking_ids = {c.id for c in ready.blocking}
    assert first.id not in blocking_ids and second.id not in blocking_ids
    assert third.id not in blocking_ids  # not blocking
    assert len(blocking_ids) == len(items) - 3
    assert ready.documentation == {
        "PRD": "missing",
        "Evaluation plan": "missing",
        "Monitoring plan": "missing",
        "Risk documentation": "missing",
    }
    assert not ready.go

    # everything done and documented: go
    _set_all(ws, rid, "done")
    _approved_docs(ws, uc.id)
    ready = launch.readiness(ws=ws, release_id=rid)
    assert ready.percent == 100 and ready.blocking == ()
    assert set(ready.documentation.values()) == {"approved"}  # monitoring: the PRD section
    assert ready.go, ready.reasons

    # an open high residual risk on the use case turns it into a no-go
    risk, _ = records.create(
        ws=ws,
        model=Risk,
        data={"title": "Cross-tenant leak", "category": "Privacy", "likelihood": 4, "impact": 4},
    )
    risks.set_links(ws=ws, risk_id=risk.id, use_case_ids=[uc.id])
    ready = launch.readiness(ws=ws, release_id=rid)
    assert (ready.open_high_risks, ready.open_critical_risks) == (1, 0)  # 16 = high
    assert not ready.go and any("Cross-tenant leak" in r for r in ready.reasons)
    records.update(ws=ws, model=Risk, id=risk.id, data={"likelihood": 5, "impact": 5})
    assert launch.readiness(ws=ws, release_id=rid).open_critical_risks == 1
    # mitigated to a low residual level: go again
    records.update(
        ws=ws, model=Risk, id=risk.id, data={"residual_likelihood": 1, "residual_impact": 2}
    )
    assert launch.readiness(ws=ws, release_id=rid).go

    # a draft document is not enough
    with ws.session() as session:
        from sqlalchemy import select

        prd = session.execute(
            select(Document).where(Document.kind == "evaluation_plan")
        ).scalar_one()
    records.update(ws=ws, model=Document, id=prd.id, data={"status": "in_review"})
    ready = launch.readiness(ws=ws, release_id=rid)
    assert ready.documentation["Evaluation plan"] == "draft"
    assert not ready.go and any("not approved yet: Evaluation plan" in r for r in ready.reasons)


def test_documents_of_another_use_case_do_not_count(ws) -> None:
    mine, _ = records.create(ws=ws, model=UseCase, data={"title": "Mine"})
    other, _ = records.create(ws=ws, model=UseCase, data={"title": "Other"})
    _approved_docs(ws, other.id)
    assert set(launch.documentation(ws=ws, use_case_id=mine.id).values()) == {"missing"}
    assert set(launch.documentation(ws=ws, use_case_id=other.id).values()) == {"approved"}


def test_demo_release_is_a_no_go_with_reasons(tmp_path) -> None:
    from aipm_desktop.services.workspace import new_workspace

    demo = new_workspace(tmp_path / "demo.aipm", demo=True)
    try:
        rid = launch.resolve_release(ws=demo, ref="answer bot ga")
        ready = launch.readiness(ws=demo, release_id=rid)
        assert not ready.go and ready.total == 22 and ready.done == 13
        assert "Rollback criteria and safe mode tested" in {c.item for c in ready.blocking}
        assert ready.open_high_risks == 1
        names = [r.name for r in launch.release_list(ws=demo)]
        assert names == ["Reply drafts 2.0", "Answer bot GA"]
        with pytest.raises(UserError, match="did you mean 'Answer bot GA'"):
            launch.resolve_release(ws=demo, ref="answer bot")
    finally:
        demo.close()


def test_template_items_edit_and_reorder_stages(ws) -> None:
    before = launch.template(ws=ws)
    item_id, _ = launch.add_template_item(ws=ws, function="Finance", item="Pricing approved")
    assert launch.template(ws=ws)[-1].item == "Pricing approved"
    _changes, old = launch.update_template_item(ws=ws, item_id=item_id, data={"item": "Price ok"})
    assert old == {"item": "Pricing approved"}
    from aipm_desktop.errors import ValidationError

    with pytest.raises(ValidationError):
        launch.update_template_item(ws=ws, item_id=item_id, data={"function": "  "})
    launch.delete_template_item(ws=ws, item_id=item_id)
    assert len(launch.template(ws=ws)) == len(before)
    ws.undo()
    assert launch.template(ws=ws)[-1].item == "Price ok"

    release, _ = records.create(ws=ws, model=Release, data={"name": "R"})
    ids = [
        records.create(
            ws=ws, model=RolloutStage, data={"release_id": release.id, "name": n, "position": i}
        )[0].id
        for i, n in enumerate(("internal", "beta", "GA"))
    ]
    _changes, old_order = launch.reorder_stages(ws=ws, release_id=release.id, order=ids[::-1])
    assert old_order == ids
    assert [s.name for s in launch.stages(ws=ws, release_id=release.id)] == [
        "GA",
        "beta",
        "internal",
    ]
    with pytest.raises(ValidationError):
        launch.reorder_stages(ws=ws, release_id=release.id, order=ids[:2])


def test_release_of_finds_the_owning_release(ws) -> None:
    from aipm_desktop.models import LaunchCheck, Release
    from aipm_desktop.services import records
    from aipm_desktop.services.launch import release_of

    release, _ = records.create(ws=ws, model=Release, data={"name": "GA"})
    check, _ = records.create(
        ws=ws,
        model=LaunchCheck,
        data={"release_id": release.id, "function": "Security", "item": "Review"},
    )
    assert release_of(ws=ws, kind="release", entity_id=release.id) == release.id
    assert release_of(ws=ws, kind="launch_check", entity_id=check.id) == release.id
    assert release_of(ws=ws, kind="launch_check", entity_id=9999) is None
