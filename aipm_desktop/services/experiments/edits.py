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
from collections.abc import Mapping, Sequence
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
        session.add(experiment)
        session.flush()
        assert experiment.id is not None
        session.add_all(_variant_rows(experiment.id, wanted))
        session.add_all(_guardrail_rows(experiment.id, guardrails, experiment.primary_metric))
        session.flush()
    return experiment.id, Changes("experiment", (experiment.id,), "create")


def _touch(obj: Experiment) -> None:
    obj.version += 1
    obj.updated_at = utcnow()


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
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        obj = records.existing(session, Experiment, experiment_id, what="experiment")
        session.info["label"] = f"Edit experiment {obj.title}"
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


def _status(value: str) -> ExperimentStatus:
    try:
        return ExperimentStatus(str(value).strip().lower())
    except ValueError as error:
        choices = ", ".join(s.value for s in ExperimentStatus)
        raise ValidationError(
            f"Invalid experiment status {value!r}; choose one of: {choices}.",
            [("status", "unknown status")],
        ) from error


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

    target = _status(status)
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        obj = records.existing(session, Experiment, experiment_id, what="experiment")
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
        session.info["label"] = f"Experiment {obj.title}: {target.value}"
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
        _touch(obj)
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


def _decision(value: str) -> ExperimentDecision:
    try:
        return ExperimentDecision(str(value).strip().lower())
    except ValueError as error:
        raise ValidationError(
            f"Invalid decision {value!r}; choose one of: ship, iterate, stop.",
            [("decision", "unknown decision")],
        ) from error


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

    chosen = _decision(decision)
    moment = decided_at or utcnow()
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        obj = records.existing(session, Experiment, experiment_id, what="experiment")
        if obj.status not in (
            ExperimentStatus.RUNNING,
            ExperimentStatus.ANALYSING,
            ExperimentStatus.DECIDED,
        ):
            raise UserError(
                f"Experiment {obj.title!r} is {obj.status}: only a running or analysing "
                "experiment is decided."
            )
        session.info["label"] = f"Decide experiment {obj.title}: {DECISION_LABELS[chosen]}"
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
                note=f"Experiment {obj.title}: {DECISION_LABELS[chosen]}"[:500],
                who=who,
            )
        moved = None
        if roadmap_status is not None:
            if obj.roadmap_item_id is None:
                raise UserError(
                    f"Experiment {obj.title!r} is linked to no roadmap item; link one first."
                )
            try:
                moved = ItemStatus(str(roadmap_status).strip().lower())
            except ValueError:
                choices = ", ".join(s.value for s in ItemStatus)
                raise ValidationError(
                    f"Invalid roadmap status {roadmap_status!r}; choose one of: {choices}.",
                    [("roadmap_status", "unknown status")],
                ) from None
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


def _next_position(session: Session, table: Any, experiment_id: int) -> int:
    last = session.execute(
        select(func.max(table.c.position)).where(table.c.experiment_id == experiment_id)
    ).scalar()
    return 0 if last is None else int(last) + 1


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
        variant = records.validate_create(
            ExperimentVariant,
            {
                "experiment_id": experiment_id,
                "name": name,
                "weight": weight,
                "description": description,
                "position": _next_position(session, _V, experiment_id),
            },
        )
        _checked_names([*names, variant.name], "variant")
        session.info["label"] = f"Add variant {variant.name} to {obj.title}"
        session.add(variant)
        session.flush()
        assert variant.id is not None
    return variant.id, Changes("experiment_variant", (variant.id,), "create")


def _update_child(
    *,
    ws: Workspace,
    model: Any,
    row_id: int,
    data: Mapping[str, Any],
    what: str,
    others: Any,
    who: str | None,
) -> None:
    """Change a variant or guardrail (one operation): it stays in its experiment, and a
    new name must differ from ``others(session, row)`` (the names it may not take)."""
    if "experiment_id" in data or "position" in data:
        raise ValidationError(
            f"Invalid {what}: it stays in its experiment; reorder with reorder_{what}s.",
            [("position", "")],
        )
    with ws.write(who=who) as session:
        row = records.existing(session, model, row_id, what=what)
        old = row.name
        if "name" in data:
            kind = "variant" if what == "variant" else "metric"
            _checked_names([*others(session, row), str(data["name"] or "")], kind)
        records.update(ws=ws, model=model, id=row_id, data=data, who=who)
        if what == "guardrail":
            _rename_results(session, row.experiment_id, old, row.name)


def update_variant(
    *, ws: Workspace, variant_id: int, data: Mapping[str, Any], who: str | None = None
) -> Changes:
    """Rename a variant or change its weight or description (one operation)."""

    def others(session: Session, row: ExperimentVariant) -> list[str]:
        query = select(_V.c.name).where(_V.c.experiment_id == row.experiment_id, _V.c.id != row.id)
        return list(session.execute(query).scalars())

    _update_child(
        ws=ws, model=ExperimentVariant, row_id=variant_id, data=data, what="variant",
        others=others, who=who,
    )  # fmt: skip
    return Changes("experiment_variant", (variant_id,), "update")


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
    *, ws: Workspace, experiment_id: int, ids: Sequence[int], table: Any, what: str, who: str | None
) -> None:
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


def reorder_variants(
    *, ws: Workspace, experiment_id: int, variant_ids: Sequence[int], who: str | None = None
) -> Changes:
    """Put the variants in this order (one operation); the first is the control."""
    _reorder(ws=ws, experiment_id=experiment_id, ids=variant_ids, table=_V, what="variant", who=who)
    return Changes("experiment_variant", tuple(int(i) for i in variant_ids), "update")


def add_guardrail(
    *, ws: Workspace, experiment_id: int, data: Mapping[str, Any], who: str | None = None
) -> tuple[int, Changes]:
    """Add a guardrail metric at the end (one operation): ``name``, ``kind``, ``margin``
    (the worst acceptable change; None: reported, not judged), ``relative``,
    ``higher_is_better``."""
    with ws.write(who=who) as session:
        obj = records.existing(session, Experiment, experiment_id, what="experiment")
        guardrail = records.validate_create(
            ExperimentGuardrail,
            {
                **data,
                "experiment_id": experiment_id,
                "position": _next_position(session, _G, experiment_id),
            },
        )
        _checked_names([*_metric_names(session, experiment_id), guardrail.name], "metric")
        session.info["label"] = f"Add guardrail {guardrail.name} to {obj.title}"
        session.add(guardrail)
        session.flush()
        assert guardrail.id is not None
    return guardrail.id, Changes("experiment_guardrail", (guardrail.id,), "create")


def update_guardrail(
    *, ws: Workspace, guardrail_id: int, data: Mapping[str, Any], who: str | None = None
) -> Changes:
    """Change a guardrail (one operation); a new name renames its stored results too."""

    def others(session: Session, row: ExperimentGuardrail) -> list[str]:
        return _metric_names(session, row.experiment_id, skip_guardrail=guardrail_id)

    _update_child(
        ws=ws, model=ExperimentGuardrail, row_id=guardrail_id, data=data, what="guardrail",
        others=others, who=who,
    )  # fmt: skip
    return Changes("experiment_guardrail", (guardrail_id,), "update")


def delete_guardrail(*, ws: Workspace, guardrail_id: int, who: str | None = None) -> Changes:
    """Remove a guardrail metric (one operation); its stored results stay (a readout
    lists them as metrics without a definition) until the next import replaces them."""
    return records.delete(ws=ws, model=ExperimentGuardrail, id=guardrail_id, who=who)


def reorder_guardrails(
    *, ws: Workspace, experiment_id: int, guardrail_ids: Sequence[int], who: str | None = None
) -> Changes:
    """Put the guardrails in this order (one operation)."""
    _reorder(
        ws=ws, experiment_id=experiment_id, ids=guardrail_ids, table=_G, what="guardrail", who=who
    )
    return Changes("experiment_guardrail", tuple(int(i) for i in guardrail_ids), "update")


def clear_results(*, ws: Workspace, experiment_id: int, who: str | None = None) -> Changes:
    """Delete an experiment's imported results (one operation)."""
    with ws.write(who=who) as session:
        obj = records.existing(session, Experiment, experiment_id, what="experiment")
        session.info["label"] = f"Clear the results of {obj.title}"
        session.execute(_R.delete().where(_R.c.experiment_id == experiment_id))
        for name, value in (
            ("results_file", ""),
            ("results_sha256", ""),
            ("results_rows", 0),
            ("results_imported_at", None),
        ):
            setattr(obj, name, value)
        _touch(obj)
        session.flush()
    return Changes("experiment_result", (experiment_id,), "delete")
