"""What cost models feed elsewhere: the use case's build / partner / buy cost of
ownership, snapshots of a tracked KPI, and envelope breaches for the overview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select
from sqlmodel import col

from ...errors import UserError
from ...models import CostModel, Kpi, KpiSnapshot, ModelPrice, UseCase, utcnow
from ...models.enums import CostRole
from .. import records
from ..changes import Changes
from .calc import compute
from .inputs import ROLES, CostInputs, inputs_of

if TYPE_CHECKING:
    from ...store import Workspace


@dataclass(frozen=True)
class Ownership:
    """What an option writes into its use case's cost of ownership for ``role``:
    ``one_off`` (the build cost) and ``yearly`` (12 x the monthly cost)."""

    role: str
    one_off: float
    yearly: float

    @property
    def fields(self) -> dict[str, float]:
        return {f"cost_{self.role}_oneoff": self.one_off, f"cost_{self.role}_yearly": self.yearly}


def ownership_of(inputs: CostInputs, role: str, scenario: str = "base") -> Ownership:
    """What ``inputs`` write as the use case's ``role`` costs, rounded to cents (the use
    case's cost fields are money as a person types it)."""
    out = compute(inputs, scenario)
    return Ownership(role, round(out.build_cost_oneoff, 2), round(out.yearly_cost, 2))


def feed_ownership(
    *,
    ws: Workspace,
    model_id: int,
    role: str | None = None,
    scenario: str = "base",
    who: str | None = None,
) -> tuple[Ownership, Changes]:
    """Make a cost model its use case's ``role`` option (build, partner or buy; default:
    the role it has) and write its figures into the use case's cost of ownership:
    one-off = the build cost, yearly = 12 x the monthly cost in ``scenario`` (to the
    cent); so the 3-year cost of ownership equals the model's 3-year cost.

    Another option of the same use case holding that role gives it up. All of it is one
    operation. Refused, writing nothing, without a use case or a role.
    """
    if role is not None and role not in ROLES:
        raise UserError(f"unknown role {role!r}; use build, partner or buy (or none).")
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        model = records.existing(session, CostModel, model_id, what="cost model")
        wanted = str(role or model.role)
        if wanted == CostRole.NONE:
            raise UserError(
                f"Cost model {model.name!r} is not a build, partner or buy option; give it "
                "a role first."
            )
        if model.use_case_id is None:
            raise UserError(
                f"Cost model {model.name!r} belongs to no use case; link it to one first."
            )
        use_case = records.existing(session, UseCase, model.use_case_id, what="use case")
        price = session.get(ModelPrice, model.price_id) if model.price_id is not None else None
        owned = ownership_of(inputs_of(model, price), wanted, scenario)
        session.info["label"] = f"{use_case.title}: {wanted} costs from {model.name}"
        now = utcnow()
        others = session.execute(
            select(CostModel).where(
                col(CostModel.use_case_id) == model.use_case_id,
                col(CostModel.role) == wanted,
                col(CostModel.id) != model_id,
            )
        ).scalars()
        for other in others:
            other.role = CostRole.NONE
            records.touch(other, now)
        if model.role != wanted:
            model.role = CostRole(wanted)
            records.touch(model, now)
        changed = False
        for name, value in owned.fields.items():
            if getattr(use_case, name) != value:
                setattr(use_case, name, value)
                changed = True
        if changed:
            records.touch(use_case, now)
        session.flush()
    changes = Changes("use_case", (use_case.id,), "update")  # type: ignore[arg-type]
    if op.result is not None:
        changes = changes.with_kinds(op.result.kinds, (op.result.id,))
    return owned, changes


def record_kpi_snapshot(
    *,
    ws: Workspace,
    model_id: int,
    day: dt.date | None = None,
    scenario: str = "base",
    who: str | None = None,
) -> tuple[float, Changes]:
    """Record the model's cost per successful task as the snapshot of its linked KPI on
    ``day`` (default today; an existing snapshot that day is replaced). One operation;
    refused without a linked KPI or a cost per successful task."""
    from .. import kpis

    with ws.session() as session:
        model = session.get(CostModel, model_id)
        if model is None:
            raise UserError(f"No cost model with id {model_id}.")
        price = session.get(ModelPrice, model.price_id) if model.price_id is not None else None
        inputs = inputs_of(model, price)
    if inputs.kpi_id is None:
        raise UserError(f"Cost model {inputs.name!r} is linked to no KPI; choose one first.")
    out = compute(inputs, scenario)
    value = out.cost_per_successful_task
    if value is None:
        raise UserError(
            f"Cost model {inputs.name!r} has no cost per successful task to record: "
            + " ".join(out.problems)
        )
    changes, _old = kpis.set_snapshot(
        ws=ws,
        kpi_id=inputs.kpi_id,
        day=day or dt.date.today(),
        value=round(value, 6),
        note=f"Modelled by cost model {inputs.name} ({scenario} scenario)"[:500],
        who=who,
    )
    return value, changes


@dataclass(frozen=True)
class EnvelopeBreach:
    """A tracked KPI whose latest value exceeds the envelope of the cost model linked to
    it. ``excess`` = latest value - envelope; ``excess_share`` = excess / envelope (None
    for an envelope of 0)."""

    model_id: int
    model_name: str
    use_case_id: int | None
    kpi_id: int
    kpi_name: str
    unit: str
    latest_value: float
    latest_date: dt.date
    envelope: float
    excess: float
    excess_share: float | None

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self)


def envelope_breaches(*, ws: Workspace) -> list[EnvelopeBreach]:
    """Every cost model with an envelope and a linked KPI whose latest snapshot is above
    the envelope, largest excess (relative) first."""
    c = CostModel.__table__  # type: ignore[attr-defined]
    k = Kpi.__table__  # type: ignore[attr-defined]
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    latest = select(s.c.kpi_id, func.max(s.c.date).label("day")).group_by(s.c.kpi_id).subquery()
    query = (
        select(
            c.c.id.label("model_id"),
            c.c.name.label("model_name"),
            c.c.use_case_id,
            c.c.target_cost_per_task,
            k.c.id.label("kpi_id"),
            k.c.name.label("kpi_name"),
            k.c.unit,
            s.c.value,
            s.c.date.label("latest_date"),
        )
        .select_from(
            c.join(k, k.c.id == c.c.kpi_id)
            .join(latest, latest.c.kpi_id == k.c.id)
            .join(s, and_(s.c.kpi_id == k.c.id, s.c.date == latest.c.day))
        )
        .where(c.c.target_cost_per_task.is_not(None), s.c.value > c.c.target_cost_per_task)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    found = []
    for r in rows:
        envelope = float(r.target_cost_per_task)
        excess = float(r.value) - envelope
        found.append(
            records.from_row(
                EnvelopeBreach,
                r,
                latest_value=float(r.value),
                envelope=envelope,
                excess=excess,
                excess_share=excess / envelope if envelope > 0 else None,
            )
        )
    # An envelope of 0 (any cost breaches it) first, then the largest relative excess.
    found.sort(key=lambda b: (b.excess_share is not None, -(b.excess_share or 0.0), b.model_name))
    return found
