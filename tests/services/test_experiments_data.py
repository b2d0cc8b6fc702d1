"""Experiments in the workspace: create with variants and guardrails, edit, status moves,
the decision (with its KPI snapshot and roadmap move), every write one undoable
operation, bad input refused with nothing written, the list spec and the lazy package."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pydantic
import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import (
    Experiment,
    ExperimentCreate,
    ExperimentGuardrail,
    ExperimentResult,
    ExperimentResultCreate,
    ExperimentVariant,
    Kpi,
    RoadmapItem,
)
from aipm_desktop.models.experiments import check_result, from_schema_0007, guardrail_names
from aipm_desktop.services import experiments, kpis, records
from aipm_desktop.services.listing import count_rows, fetch_rows, query_ids

GUARDRAILS = [
    {"name": "Unedited-send rate", "margin": 0.03, "higher_is_better": False},
    {"name": "CSAT", "kind": "mean", "margin": 0.1},
]


def _count(ws, model) -> int:
    with ws.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _experiment(ws, **data) -> int:
    values = {"title": "Inline drafts", "primary_metric": "Draft acceptance rate"}
    values.update(data)
    experiment_id, _ = experiments.create_experiment(
        ws=ws, data=values, variants=[("Side panel", 1), ("Inline", 1)], guardrails=GUARDRAILS
    )
    return experiment_id


# -- models -----------------------------------------------------------------------------------


def test_planning_inputs_are_checked_with_clear_messages() -> None:
    with pytest.raises(pydantic.ValidationError, match="rate between 0 and 1"):
        ExperimentCreate(title="A", baseline=12)
    with pytest.raises(pydantic.ValidationError, match="greater than 0"):
        ExperimentCreate(title="A", daily_units=0)
    with pytest.raises(pydantic.ValidationError, match="share of the baseline"):
        ExperimentCreate(title="A", baseline=0.1, mde=15, mde_relative=True)
    with pytest.raises(pydantic.ValidationError, match="planned end must not be before"):
        ExperimentCreate(title="A", start=dt.date(2027, 2, 1), planned_end=dt.date(2027, 1, 1))
    ok = ExperimentCreate(title="A", primary_kind="mean", baseline=95.0, sd=60, mde=0.2)
    assert ok.baseline == 95.0  # a mean metric's baseline is any number


def test_result_rows_are_checked() -> None:
    assert check_result({"units": 100, "conversions": 12}) == []
    assert check_result({"units": 4, "total": 10.0, "total_sq": 30.0}) == []
    found = dict(check_result({"units": 10, "conversions": 11}))
    assert "more than the 10 units" in found["conversions"]
    assert "cannot be negative" in dict(check_result({"units": -1, "conversions": 0}))["units"]
    assert "whole number" in dict(check_result({"units": 2.5, "conversions": 1}))["units"]
    # 4 units summing to 10 have a sum of squares of at least 10² / 4 = 25
    low = dict(check_result({"units": 4, "total": 10.0, "total_sq": 24.0}))
    assert "not the sum of squares" in low["total_sq"]
    assert "give the conversions" in dict(check_result({"units": 4}))["conversions"]
    with pytest.raises(pydantic.ValidationError, match="more than the 3 units"):
        ExperimentResultCreate(
            experiment_id=1, variant_id=1, metric="m", day=dt.date(2027, 1, 1), units=3,
            conversions=4,
        )  # fmt: skip


def test_legacy_rows_convert() -> None:
    assert guardrail_names(" CSAT ;\n handle   time; csat;;") == ["CSAT", "handle time"]
    row, names = from_schema_0007(
        {"id": 1, "end": "2026-05-31", "status": "concluded", "decision": "Ship", "guardrails": "A"}
    )
    assert row == {"id": 1, "planned_end": "2026-05-31", "status": "decided", "rationale": "Ship"}
    assert names == ["A"]


# -- create, edit, delete ---------------------------------------------------------------------


def test_create_reads_back_with_variants_and_guardrails(ws) -> None:
    experiment_id = _experiment(ws, baseline=0.42, mde=0.08, mde_relative=True, owner=" Maya ")
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    assert (info.title, info.status, info.owner, info.primary_kind) == (
        "Inline drafts",
        "draft",
        "Maya",
        "proportion",
    )
    assert [(v.name, v.share, v.is_control) for v in info.variants] == [
        ("Side panel", 0.5, True),
        ("Inline", 0.5, False),
    ]
    assert [(g.name, g.kind, g.margin, g.higher_is_better) for g in info.guardrails] == [
        ("Unedited-send rate", "proportion", 0.03, False),
        ("CSAT", "mean", 0.1, True),
    ]
    assert [m.name for m in info.metrics] == ["Draft acceptance rate", "Unedited-send rate", "CSAT"]
    assert info.as_dict()["variants"][1]["name"] == "Inline"
    # the default arms: control and treatment, 50/50
    other, _ = experiments.create_experiment(ws=ws, data={"title": "Tone"})
    assert [v.name for v in experiments.detail(ws=ws, experiment_id=other).variants] == [
        "Control",
        "Treatment",
    ]
    assert experiments.find_experiment(ws=ws, ref="inline DRAFTS") == experiment_id
    with pytest.raises(UserError, match="No experiment 'Nope'"):
        experiments.find_experiment(ws=ws, ref="Nope")


@pytest.mark.parametrize(
    ("variants", "guardrails", "message"),
    [
        ([("Only", 1)], [], "a control and 1 to 4 treatments"),
        ([("A", 1)] * 6, [], "a control and 1 to 4 treatments"),
        ([("A", 1), ("a", 1)], [], "two variants are called"),
        ([("A", 0), ("B", 1)], [], "weight"),
        ([("A", 1), ("B", 1)], [{"name": "Acceptance"}], "two metrics are called"),
        ([("A", 1), ("B", 1)], [{"name": "CSAT", "margin": -1}], "margin"),
    ],
)
def test_bad_designs_store_nothing(ws, variants, guardrails, message) -> None:
    with pytest.raises(ValidationError, match=message):
        experiments.create_experiment(
            ws=ws,
            data={"title": "Bad", "primary_metric": "acceptance"},
            variants=variants,
            guardrails=guardrails,
        )
    assert (_count(ws, Experiment), _count(ws, ExperimentVariant)) == (0, 0)


def test_a_new_experiment_cannot_carry_a_decision(ws) -> None:
    with pytest.raises(ValidationError, match="decision is set by record_decision"):
        experiments.create_experiment(ws=ws, data={"title": "X", "decision": "ship"})
    with pytest.raises(ValidationError, match="a draft or running"):
        experiments.create_experiment(ws=ws, data={"title": "X", "status": "decided"})


def test_edits_are_one_undoable_operation_each(ws) -> None:
    experiment_id = _experiment(ws)
    mark = ws.operation_mark()
    experiments.update_experiment(ws=ws, experiment_id=experiment_id, data={"owner": "Dana"})
    variant_id, _ = experiments.add_variant(ws=ws, experiment_id=experiment_id, name="Bold")
    experiments.update_variant(ws=ws, variant_id=variant_id, data={"weight": 2})
    guard_id, _ = experiments.add_guardrail(
        ws=ws, experiment_id=experiment_id, data={"name": "Latency", "kind": "mean"}
    )
    experiments.update_guardrail(ws=ws, guardrail_id=guard_id, data={"margin": 0.2})
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    experiments.reorder_variants(
        ws=ws, experiment_id=experiment_id, variant_ids=[v.id for v in reversed(info.variants)]
    )
    experiments.reorder_guardrails(
        ws=ws, experiment_id=experiment_id, guardrail_ids=[g.id for g in reversed(info.guardrails)]
    )
    ops = ws.operations_since(mark)
    assert len(ops) == 7
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    assert [v.name for v in info.variants] == ["Bold", "Inline", "Side panel"]
    assert info.variants[0].share == pytest.approx(0.5)
    assert info.guardrails[0].name == "Latency"
    for _ in ops:
        ws.undo()
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    assert info.owner == "" and [v.name for v in info.variants] == ["Side panel", "Inline"]
    assert [g.name for g in info.guardrails] == ["Unedited-send rate", "CSAT"]


def test_edit_refusals_write_nothing(ws) -> None:
    experiment_id = _experiment(ws)
    version = experiments.detail(ws=ws, experiment_id=experiment_id).version
    with pytest.raises(ValidationError, match="status is set by set_status"):
        experiments.update_experiment(
            ws=ws, experiment_id=experiment_id, data={"status": "running"}
        )
    with pytest.raises(ValidationError, match="two metrics are called"):
        experiments.update_experiment(
            ws=ws, experiment_id=experiment_id, data={"primary_metric": "csat"}
        )
    with pytest.raises(ValidationError, match="rate between 0 and 1"):
        experiments.update_experiment(ws=ws, experiment_id=experiment_id, data={"baseline": 4})
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    with pytest.raises(UserError, match="keeps a control and at least one treatment"):
        experiments.delete_variant(ws=ws, variant_id=info.variants[1].id)
    with pytest.raises(ValidationError, match="give every variant"):
        experiments.reorder_variants(
            ws=ws, experiment_id=experiment_id, variant_ids=[info.variants[0].id]
        )
    for name in ("Two", "Three", "Four"):
        experiments.add_variant(ws=ws, experiment_id=experiment_id, name=name)
    with pytest.raises(UserError, match="already has 5 variants"):
        experiments.add_variant(ws=ws, experiment_id=experiment_id, name="Five")
    with pytest.raises(ValidationError, match="two metrics are called"):
        experiments.update_guardrail(
            ws=ws, guardrail_id=info.guardrails[0].id, data={"name": "CSAT"}
        )
    after = experiments.detail(ws=ws, experiment_id=experiment_id)
    assert after.version == version and after.primary_metric == "Draft acceptance rate"


def test_renaming_a_metric_renames_its_results(ws) -> None:
    experiment_id = _experiment(ws)
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    for metric in ("Draft acceptance rate", "CSAT"):
        records.create(
            ws=ws,
            model=ExperimentResult,
            data={
                "experiment_id": experiment_id,
                "variant_id": info.variants[0].id,
                "metric": metric,
                "day": dt.date(2027, 1, 4),
                "units": 10,
                "conversions": 3 if metric != "CSAT" else None,
                "total": 40.0 if metric == "CSAT" else None,
                "total_sq": 170.0 if metric == "CSAT" else None,
            },
        )
    experiments.update_experiment(
        ws=ws, experiment_id=experiment_id, data={"primary_metric": "Acceptance"}
    )
    experiments.update_guardrail(
        ws=ws, guardrail_id=info.guardrails[1].id, data={"name": "Satisfaction"}
    )
    with ws.session() as session:
        names = set(session.execute(select(ExperimentResult.metric)).scalars())
    assert names == {"Acceptance", "Satisfaction"}
    ws.undo()
    ws.undo()
    with ws.session() as session:
        names = set(session.execute(select(ExperimentResult.metric)).scalars())
    assert names == {"Draft acceptance rate", "CSAT"}


def test_delete_cascades_and_undoes(ws) -> None:
    experiment_id = _experiment(ws)
    experiments.delete_experiment(ws=ws, experiment_id=experiment_id)
    assert (_count(ws, Experiment), _count(ws, ExperimentVariant)) == (0, 0)
    assert _count(ws, ExperimentGuardrail) == 0
    ws.undo()
    assert [v.name for v in experiments.detail(ws=ws, experiment_id=experiment_id).variants] == [
        "Side panel",
        "Inline",
    ]


# -- status and decision ----------------------------------------------------------------------


def test_status_moves(ws) -> None:
    experiment_id, _ = experiments.create_experiment(ws=ws, data={"title": "Tone"})
    with pytest.raises(UserError, match="needs a primary metric"):
        experiments.set_status(ws=ws, experiment_id=experiment_id, status="running")
    experiments.update_experiment(
        ws=ws, experiment_id=experiment_id, data={"primary_metric": "CSAT"}
    )
    day = dt.date(2027, 1, 11)
    experiments.set_status(ws=ws, experiment_id=experiment_id, status="Running", today=day)
    assert experiments.detail(ws=ws, experiment_id=experiment_id).start == day
    with pytest.raises(UserError, match="Record the decision instead"):
        experiments.set_status(ws=ws, experiment_id=experiment_id, status="decided")
    with pytest.raises(ValidationError, match="choose one of"):
        experiments.set_status(ws=ws, experiment_id=experiment_id, status="finished")
    experiments.set_status(ws=ws, experiment_id=experiment_id, status="analysing")
    experiments.record_decision(
        ws=ws, experiment_id=experiment_id, decision="Iterate", rationale="Mixed", decided_by="Maya"
    )
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    assert (info.status, info.decision, info.decided_by) == ("decided", "iterate", "Maya")
    assert info.decided_at is not None
    with pytest.raises(UserError, match="cannot go from decided to running"):
        experiments.set_status(ws=ws, experiment_id=experiment_id, status="running")
    experiments.set_status(ws=ws, experiment_id=experiment_id, status="analysing")  # reopen
    info = experiments.detail(ws=ws, experiment_id=experiment_id)
    assert (info.status, info.decision, info.decided_at) == ("analysing", None, None)
    experiments.set_status(ws=ws, experiment_id=experiment_id, status="abandoned")
    with pytest.raises(UserError, match="only a running or analysing"):
        experiments.record_decision(ws=ws, experiment_id=experiment_id, decision="ship")


def test_decision_records_the_kpi_snapshot_and_moves_the_roadmap_item(ws) -> None:
    kpi, _ = records.create(ws=ws, model=Kpi, data={"name": "Draft adoption", "unit": "%"})
    item, _ = records.create(
        ws=ws,
        model=RoadmapItem,
        data={
            "title": "Composer redesign",
            "start": dt.date(2027, 1, 4),
            "end": dt.date(2027, 2, 1),
        },
    )
    experiment_id = _experiment(ws, status="running", kpi_id=kpi.id, roadmap_item_id=item.id)
    mark = ws.operation_mark()
    moment = dt.datetime(2027, 2, 2, 15, 30, tzinfo=dt.UTC)
    outcome = experiments.record_decision(
        ws=ws,
        experiment_id=experiment_id,
        decision="ship",
        rationale="Acceptance up, guardrails met",
        decided_by="Maya",
        decided_at=moment,
        kpi_value=10.8,
        roadmap_status="done",
    )
    assert (outcome.kpi_value, outcome.roadmap_status) == (10.8, "done")
    assert len(ws.operations_since(mark)) == 1  # one undo step for all three
    assert kpis.snapshot_values(ws=ws, kpi_id=kpi.id)[dt.date(2027, 2, 2)][0] == 10.8
    assert records.get(ws=ws, model=RoadmapItem, id=item.id).status == "done"
    ws.undo()
    assert kpis.snapshot_values(ws=ws, kpi_id=kpi.id) == {}
    assert records.get(ws=ws, model=RoadmapItem, id=item.id).status == "planned"
    assert experiments.detail(ws=ws, experiment_id=experiment_id).status == "running"
    # a bad roadmap status writes nothing at all
    with pytest.raises(ValidationError, match="Invalid roadmap status"):
        experiments.record_decision(
            ws=ws, experiment_id=experiment_id, decision="ship", kpi_value=3, roadmap_status="x"
        )
    assert experiments.detail(ws=ws, experiment_id=experiment_id).status == "running"
    assert kpis.snapshot_values(ws=ws, kpi_id=kpi.id) == {}


def test_decision_without_links_is_refused_whole(ws) -> None:
    experiment_id = _experiment(ws, status="running")
    with pytest.raises(UserError, match="linked to no KPI"):
        experiments.record_decision(
            ws=ws, experiment_id=experiment_id, decision="ship", kpi_value=1
        )
    with pytest.raises(UserError, match="linked to no roadmap item"):
        experiments.record_decision(
            ws=ws, experiment_id=experiment_id, decision="ship", roadmap_status="done"
        )
    with pytest.raises(ValidationError, match="ship, iterate, stop"):
        experiments.record_decision(ws=ws, experiment_id=experiment_id, decision="launch")
    assert experiments.detail(ws=ws, experiment_id=experiment_id).status == "running"


# -- lists ------------------------------------------------------------------------------------


def test_summaries_and_list_spec(ws) -> None:
    first = _experiment(ws, start=dt.date(2027, 1, 4), status="running")
    second, _ = experiments.create_experiment(
        ws=ws, data={"title": "Tone", "start": dt.date(2027, 2, 1)}
    )
    found = experiments.summaries(ws=ws)
    assert [(s.id, s.status, s.variants) for s in found] == [
        (first, "running", 2),
        (second, "draft", 2),
    ]
    spec = experiments.experiment_list_spec()
    assert count_rows(ws=ws, spec=spec) == 2
    ids = query_ids(ws=ws, spec=spec)
    assert ids == [second, first]  # newest start first
    rows = fetch_rows(ws=ws, spec=spec, ids=ids)
    assert rows[first][spec.index_of("status")] == "Running"
    assert {"experiment", "use_case"} <= spec.kinds


def test_the_package_loads_nothing_heavy_until_used() -> None:
    code = (
        "import sys, aipm_desktop.services.experiments as e; "
        "assert 'scipy' not in sys.modules and 'aipm_desktop.services.experiments.data' "
        "not in sys.modules; e.summaries; assert 'scipy' not in sys.modules; e.compare; "
        "assert 'scipy' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
