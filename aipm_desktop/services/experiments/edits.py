"""Experiments in the workspace: create, change and delete them with their variants and
guardrail metrics, move them through draft -> running -> analysing -> decided, record the
decision (each write one undoable operation).

Status moves (:func:`set_status`): a *draft* starts *running* (it needs a primary metric
and at least two variants; the start date is stamped when empty); *running* goes to
*analysing* and back; any state but *decided* may be *abandoned*, and an abandoned one
revived as a draft; *decided* is reached only by :func:`record_decision` and left only by
reopening it (to *analysing*, which clears the decision). Renaming the primary metric or
a guardrail renames its stored results too, so a readout keeps finding them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from ...errors import UserError, ValidationError
from ...models import (
    Experiment,
    ExperimentDecision,
    ExperimentGuardrail,
    ExperimentStatus,
    ExperimentVariant,
    RoadmapItem,
    utcnow,
)
from ...models.common import table_of
from ...models.experiments import MAX_VARIANTS
from .. import records
from ..changes import Changes
from .data import _G, _R, _V, DECISION_LABELS, MOVES

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...store import Workspace

#: Fields :func:`update_experiment` leaves to their own calls.
_OWN_CALLS = {
    "status": "set_status",
    "decision": "record_decision",
    "rationale": "record_decision",
    "decided_by": "record_decision",
    "decided_at": "record_decision",
    "results_file": "the results import",
    "results_sha256": "the results import",
    "results_rows": "the results import",
    "results_imported_at": "the results import",
}
_DEFAULT_VARIANTS = (("Control", 1.0), ("Treatment", 1.0))


# -- the experiment -----------------------------------------------------------------------------


def _checked_names(names: Sequence[str], what: str) -> None:
    seen: dict[str, str] = {}
    for name in names:
        key = " ".join(str(name).split()).casefold()
        if key in seen:
            raise ValidationError(
                f"Invalid experiment: two {what}s are called {name!r}; names must differ.",
                [(what, "duplicate name")],
            )
        seen[key] = name


def _variant_rows(experiment_id: int, variants: Sequence[Any]) -> list[ExperimentVariant]:
    """Validated variant rows from ``(name, weight)`` pairs or mappings."""
    if not 2 <= len(variants) <= MAX_VARIANTS:
        raise ValidationError(
            f"Invalid experiment: it has a control and 1 to {MAX_VARIANTS - 1} treatments "
            f"({len(variants)} variant(s) given).",
            [("variants", "wrong number of variants")],
        )
    rows = []
    for position, spec in enumerate(variants):
        values = dict(spec) if isinstance(spec, Mapping) else {"name": spec[0], "weight": spec[1]}
        values.update(experiment_id=experiment_id, position=position)
        values.setdefault("weight", 1.0)
        rows.append(records.validate_create(ExperimentVariant, values))
    _checked_names([r.name for r in rows], "variant")
    return rows


def _guardrail_rows(
    experiment_id: int, guardrails: Sequence[Mapping[str, Any]], primary: str
) -> list[ExperimentGuardrail]:
    rows = [
        records.validate_create(
            ExperimentGuardrail, {**spec, "experiment_id": experiment_id, "position": position}
        )
        for position, spec in enumerate(guardrails)
    ]
    _checked_names([*([primary] if primary else []), *(r.name for r in rows)], "metric")
    return rows


def create_experiment(
    *,
    ws: Workspace,
    data: Mapping[str, Any],
    variants: Sequence[Any] | None = None,
    guardrails: Sequence[Mapping[str, Any]] = (),
    who: str | None = None,
) -> tuple[int, Changes]:
    """Add an experiment (one operation) with its variants -- ``(name, weight)`` pairs or
    mappings, the control first; default Control and Treatment, 50/50 -- and guardrail
    metrics (mappings of :class:`~aipm_desktop.models.ExperimentGuardrail` fields)."""
    fields = dict(data)
    for name in _OWN_CALLS:
        if name in fields and name != "status":
            raise ValidationError(
                f"Invalid experiment: {name} is set by {_OWN_CALLS[name]}.", [(name, "")]
            )
    experiment = records.validate_create(Experiment, fields)
    if experiment.status not in (ExperimentStatus.DRAFT, ExperimentStatus.RUNNING):
        raise ValidationError(
            "Invalid experiment: a new experiment is a draft or running.", [("status", "")]
        )
    wanted = list(variants) if variants is not None else list(_DEFAULT_VARIANTS)
    _variant_rows(0, wanted)  # refused before anything is written
    _guardrail_rows(0, guardrails, experiment.primary_metric)
    with ws.write(label=f"Add experiment {experiment.title}", who=who) as session:
        new_id, changes = records.add_row(session, experiment)
        session.add_all(_variant_rows(new_id, wanted))
        session.add_all(_guardrail_rows(new_id, guardrails, experiment.primary_metric))
        session.flush()
    return new_id, changes


def _editing(
    ws: Workspace, experiment_id: int, label: Callable[[Experiment], str], who: str | None
) -> AbstractContextManager[tuple[Session, Experiment]]:
    """One operation on the experiment (:func:`~..records.editing`): the open session and
    the experiment; ``label(experiment)`` names the operation."""
    return records.editing(ws, Experiment, experiment_id, label, who=who, what="experiment")


def _rename_results(session: Session, experiment_id: int, old: str, new: str) -> None:
    if old and new and old != new:
        session.execute(
            update(_R)
            .where(_R.c.experiment_id == experiment_id, _R.c.metric == old)
            .values(metric=new)
        )


def _metric_names(session: Session, experiment_id: int, *, skip_guardrail: int = 0) -> list[str]:
    exp = session.get(Experiment, experiment_id)
    names = [exp.primary_metric] if exp is not None and exp.primary_metric else []
    names += [
        str(n)
        for n in session.execute(
            select(_G.c.name).where(_G.c.experiment_id == experiment_id, _G.c.id != skip_guardrail)
        ).scalars()
    ]
    return names


def update_experiment(
    *,
    ws: Workspace,
    experiment_id: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    who: str | None = None,
) -> Changes:
    """Change an experiment's design fields (one operation); the merged experiment is
    validated as a whole. Status, decision and results have their own calls."""
    own = sorted(set(data) & set(_OWN_CALLS))
    if own:
        calls = sorted({_OWN_CALLS[n] for n in own})
        raise ValidationError(
            f"Invalid experiment: {', '.join(own)} {'is' if len(own) == 1 else 'are'} set by "
            f"{' and '.join(calls)}.",
            [(n, "") for n in own],
        )
    with _editing(ws, experiment_id, lambda o: f"Edit experiment {o.title}", who) as (session, obj):
        old_metric = obj.primary_metric
        if "primary_metric" in data:
            others = _metric_names(session, experiment_id)[1 if old_metric else 0 :]
            _checked_names([str(data["primary_metric"] or ""), *others], "metric")
        records.update(
            ws=ws,
            model=Experiment,
            id=experiment_id,
            data=data,
            expected_version=expected_version,
            who=who,
        )
        _rename_results(session, experiment_id, old_metric, obj.primary_metric)
    return Changes("experiment", (experiment_id,), "update")


def delete_experiment(*, ws: Workspace, experiment_id: int, who: str | None = None) -> Changes:
    """Delete an experiment with its variants, guardrails and results (one operation)."""
    return records.delete(ws=ws, model=Experiment, id=experiment_id, who=who)


def set_status(
    *,
    ws: Workspace,
    experiment_id: int,
    status: str,
    today: dt.date | None = None,
    who: str | None = None,
) -> Changes:
    """Move an experiment to ``status`` (one operation; the moves are in the module
    docstring). Starting to run stamps the start date (``today``) when it is empty;
    reopening a decided experiment clears its decision."""
    from .. import clock

    target = records.choice_of(ExperimentStatus, status, what="experiment status", field="status")

    def label(obj: Experiment) -> str:
        return f"Experiment {obj.title}: {target.value}"

    with _editing(ws, experiment_id, label, who) as (session, obj):
        current = ExperimentStatus(obj.status)
        if target == current:
            return Changes("experiment", (experiment_id,), "update")
        if target not in MOVES[current]:
            hint = (
                " Record the decision instead."
                if target == ExperimentStatus.DECIDED
                else f" From {current.value} it can go to "
                f"{', '.join(s.value for s in MOVES[current])}."
            )
            raise UserError(
                f"Experiment {obj.title!r} cannot go from {current.value} to {target.value}." + hint
            )
        changes: dict[str, Any] = {"status": target}
        if target == ExperimentStatus.RUNNING and current == ExperimentStatus.DRAFT:
            _check_ready(session, obj)
            if obj.start is None:
                changes["start"] = today or clock.today()
        if current == ExperimentStatus.DECIDED:
            for name in ("decision", "decided_at"):
                setattr(obj, name, None)
            obj.decided_by = ""
        for name, value in changes.items():
            setattr(obj, name, value)
        records.touch(obj)
        session.flush()
    return Changes("experiment", (experiment_id,), "update")


def _check_ready(session: Session, obj: Experiment) -> None:
    """Refuse to start an experiment without a primary metric or without two arms."""
    count = session.execute(
        select(func.count()).select_from(_V).where(_V.c.experiment_id == obj.id)
    ).scalar_one()
    missing = []
    if not obj.primary_metric:
        missing.append("a primary metric")
    if count < 2:
        missing.append("a control and at least one treatment")
    if missing:
        raise UserError(
            f"Experiment {obj.title!r} cannot start yet: it needs {' and '.join(missing)}."
        )


@dataclass(frozen=True)
class DecisionOutcome:
    """What :func:`record_decision` wrote beside the decision: the KPI snapshot (its value)
    and the roadmap item moved (its new status), when asked for."""

    changes: Changes
    kpi_value: float | None = None
    roadmap_status: str | None = None


def record_decision(
    *,
    ws: Workspace,
    experiment_id: int,
    decision: str,
    rationale: str = "",
    decided_by: str = "",
    decided_at: dt.datetime | None = None,
    kpi_value: float | None = None,
    kpi_day: dt.date | None = None,
    roadmap_status: str | None = None,
    who: str | None = None,
) -> DecisionOutcome:
    """Decide a running or analysing experiment (one operation): ship, iterate or stop,
    with the rationale, who decided and when (default now); the status becomes decided.

    ``kpi_value``: also record it as the snapshot of the experiment's linked KPI on
    ``kpi_day`` (default the decision's day; see :func:`.readout.kpi_value_of` for the
    value a readout suggests). ``roadmap_status``: also move the linked roadmap item to
    that status (planned, in_progress, done, blocked, cancelled). Everything or nothing.
    """
    from ...models import ItemStatus
    from ..kpis import set_snapshot

    chosen = records.choice_of(
        ExperimentDecision, decision, what="decision", field="decision", problem="unknown decision"
    )
    moment = decided_at or utcnow()
    verdict = DECISION_LABELS[chosen]

    def label(obj: Experiment) -> str:
        return f"Decide experiment {obj.title}: {verdict}"

    with _editing(ws, experiment_id, label, who) as (_session, obj):
        if obj.status not in (
            ExperimentStatus.RUNNING,
            ExperimentStatus.ANALYSING,
            ExperimentStatus.DECIDED,
        ):
            raise UserError(
                f"Experiment {obj.title!r} is {obj.status}: only a running or analysing "
                "experiment is decided."
            )
        records.update(
            ws=ws,
            model=Experiment,
            id=experiment_id,
            data={
                "status": ExperimentStatus.DECIDED,
                "decision": chosen,
                "rationale": rationale,
                "decided_by": decided_by,
                "decided_at": moment,
            },
            who=who,
        )
        if kpi_value is not None:
            if obj.kpi_id is None:
                raise UserError(f"Experiment {obj.title!r} is linked to no KPI; link one first.")
            set_snapshot(
                ws=ws,
                kpi_id=obj.kpi_id,
                day=kpi_day or moment.date(),
                value=kpi_value,
                note=f"Experiment {obj.title}: {verdict}"[:500],
                who=who,
            )
        moved = None
        if roadmap_status is not None:
            if obj.roadmap_item_id is None:
                raise UserError(
                    f"Experiment {obj.title!r} is linked to no roadmap item; link one first."
                )
            moved = records.choice_of(
                ItemStatus, roadmap_status, what="roadmap status", field="roadmap_status"
            )
            records.update(
                ws=ws,
                model=RoadmapItem,
                id=obj.roadmap_item_id,
                data={"status": moved},
                who=who,
            )
    return DecisionOutcome(
        Changes("experiment", (experiment_id,), "update"),
        kpi_value,
        None if moved is None else moved.value,
    )


# -- variants and guardrails -------------------------------------------------------------------


_Child = type[ExperimentVariant] | type[ExperimentGuardrail]


def _what(model: _Child) -> tuple[str, str]:
    """What a variant or guardrail is called, and what its name must differ from the
    names of (the other variants; the experiment's other metrics)."""
    return ("variant", "variant") if model is ExperimentVariant else ("guardrail", "metric")


def _add_child(
    session: Session,
    obj: Experiment,
    model: _Child,
    values: Mapping[str, Any],
    taken: Sequence[str],
) -> tuple[int, Changes]:
    """Validate and add a variant or guardrail at the end of the experiment's list, inside
    an open write; its name must differ from the ``taken`` ones."""
    what, among = _what(model)
    table = table_of(model)
    last = session.execute(
        select(func.max(table.c.position)).where(table.c.experiment_id == obj.id)
    ).scalar()
    child = records.validate_create(
        model,
        {
            **values,
            "experiment_id": obj.id,
            "position": 0 if last is None else int(last) + 1,
        },
    )
    _checked_names([*taken, child.name], among)
    session.info["label"] = f"Add {what} {child.name} to {obj.title}"
    return records.add_row(session, child)


def add_variant(
    *,
    ws: Workspace,
    experiment_id: int,
    name: str,
    weight: float = 1.0,
    description: str = "",
    who: str | None = None,
) -> tuple[int, Changes]:
    """Add a treatment arm at the end (one operation); an experiment has at most
    :data:`~aipm_desktop.models.experiments.MAX_VARIANTS` arms."""
    with ws.write(who=who) as session:
        obj = records.existing(session, Experiment, experiment_id, what="experiment")
        names = list(
            session.execute(select(_V.c.name).where(_V.c.experiment_id == experiment_id)).scalars()
        )
        if len(names) >= MAX_VARIANTS:
            raise UserError(
                f"Experiment {obj.title!r} already has {MAX_VARIANTS} variants (a control and "
                f"{MAX_VARIANTS - 1} treatments), the most it can have."
            )
        values = {"name": name, "weight": weight, "description": description}
        return _add_child(session, obj, ExperimentVariant, values, names)


def _update_child(
    ws: Workspace, model: _Child, row_id: int, data: Mapping[str, Any], who: str | None
) -> Changes:
    """Change a variant or guardrail (one operation): it stays in its experiment, and a
    new name must differ from the other variants' (a guardrail's: from the experiment's
    other metrics); a guardrail's new name renames its stored results too."""
    what, among = _what(model)
    if "experiment_id" in data or "position" in data:
        raise ValidationError(
            f"Invalid {what}: it stays in its experiment; reorder with reorder_{what}s.",
            [("position", "")],
        )
    with ws.write(who=who) as session:
        row = records.existing(session, model, row_id, what=what)
        old = row.name
        if "name" in data:
            if model is ExperimentVariant:
                query = select(_V.c.name).where(
                    _V.c.experiment_id == row.experiment_id, _V.c.id != row.id
                )
                others = list(session.execute(query).scalars())
            else:
                others = _metric_names(session, row.experiment_id, skip_guardrail=row_id)
            _checked_names([*others, str(data["name"] or "")], among)
        records.update(ws=ws, model=model, id=row_id, data=data, who=who)
        if model is ExperimentGuardrail:
            _rename_results(session, row.experiment_id, old, row.name)
    return Changes(records.kind_of(model), (row_id,), "update")


def update_variant(
    *, ws: Workspace, variant_id: int, data: Mapping[str, Any], who: str | None = None
) -> Changes:
    """Rename a variant or change its weight or description (one operation)."""
    return _update_child(ws, ExperimentVariant, variant_id, data, who)


def delete_variant(*, ws: Workspace, variant_id: int, who: str | None = None) -> Changes:
    """Remove a variant with its results (one operation); an experiment keeps two."""
    with ws.write(who=who) as session:
        variant = records.existing(session, ExperimentVariant, variant_id, what="variant")
        count = session.execute(
            select(func.count()).select_from(_V).where(_V.c.experiment_id == variant.experiment_id)
        ).scalar_one()
        if count <= 2:
            raise UserError(
                f"Cannot remove {variant.name!r}: an experiment keeps a control and at least "
                "one treatment."
            )
        session.info["label"] = f"Remove variant {variant.name}"
        records.delete(ws=ws, model=ExperimentVariant, id=variant_id, who=who)
    return Changes("experiment_variant", (variant_id,), "delete")


def _reorder(
    ws: Workspace, experiment_id: int, ids: Sequence[int], model: _Child, who: str | None
) -> Changes:
    """Put the experiment's variants or guardrails in the order of ``ids`` (one operation)."""
    table = table_of(model)
    what, _among = _what(model)
    with ws.write(who=who) as session:
        obj = records.existing(session, Experiment, experiment_id, what="experiment")
        current = {
            int(i): int(p)
            for i, p in session.execute(
                select(table.c.id, table.c.position).where(table.c.experiment_id == experiment_id)
            )
        }
        if sorted(int(i) for i in ids) != sorted(current):
            raise ValidationError(
                f"Invalid order: give every {what} of {obj.title!r} once.", [("order", "")]
            )
        session.info["label"] = f"Reorder the {what}s of {obj.title}"
        for position, row_id in enumerate(ids):
            if current[int(row_id)] != position:
                session.execute(
                    update(table)
                    .where(table.c.id == int(row_id))
                    .values(position=position, version=table.c.version + 1, updated_at=utcnow())
                )
    return Changes(records.kind_of(model), tuple(int(i) for i in ids), "update")


def reorder_variants(
    *, ws: Workspace, experiment_id: int, variant_ids: Sequence[int], who: str | None = None
) -> Changes:
    """Put the variants in this order (one operation); the first is the control."""
    return _reorder(ws, experiment_id, variant_ids, ExperimentVariant, who)


def add_guardrail(
    *, ws: Workspace, experiment_id: int, data: Mapping[str, Any], who: str | None = None
) -> tuple[int, Changes]:
    """Add a guardrail metric at the end (one operation): ``name``, ``kind``, ``margin``
    (the worst acceptable change; None: reported, not judged), ``relative``,
    ``higher_is_better``."""
    with ws.write(who=who) as session:
        obj = records.existing(session, Experiment, experiment_id, what="experiment")
        taken = _metric_names(session, experiment_id)
        return _add_child(session, obj, ExperimentGuardrail, data, taken)


def update_guardrail(
    *, ws: Workspace, guardrail_id: int, data: Mapping[str, Any], who: str | None = None
) -> Changes:
    """Change a guardrail (one operation); a new name renames its stored results too."""
    return _update_child(ws, ExperimentGuardrail, guardrail_id, data, who)


def delete_guardrail(*, ws: Workspace, guardrail_id: int, who: str | None = None) -> Changes:
    """Remove a guardrail metric (one operation); its stored results stay (a readout
    lists them as metrics without a definition) until the next import replaces them."""
    return records.delete(ws=ws, model=ExperimentGuardrail, id=guardrail_id, who=who)


def reorder_guardrails(
    *, ws: Workspace, experiment_id: int, guardrail_ids: Sequence[int], who: str | None = None
) -> Changes:
    """Put the guardrails in this order (one operation)."""
    return _reorder(ws, experiment_id, guardrail_ids, ExperimentGuardrail, who)


def clear_results(*, ws: Workspace, experiment_id: int, who: str | None = None) -> Changes:
    """Delete an experiment's imported results (one operation)."""

    def label(obj: Experiment) -> str:
        return f"Clear the results of {obj.title}"

    with _editing(ws, experiment_id, label, who) as (session, obj):
        session.execute(_R.delete().where(_R.c.experiment_id == experiment_id))
        for name, value in (
            ("results_file", ""),
            ("results_sha256", ""),
            ("results_rows", 0),
            ("results_imported_at", None),
        ):
            setattr(obj, name, value)
        records.touch(obj)
        session.flush()
    return Changes("experiment_result", (experiment_id,), "delete")
