"""Cost models and the model price table in the workspace: reading them as inputs,
creating, changing and deleting them (each one undoable operation), and list specs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlmodel import col

from ...errors import NotFoundError, UserError
from ...models import CostModel, ModelPrice, UseCase
from ...models.enums import CostRole
from .. import records
from ..changes import Changes
from ..listing import ListColumn, ListSpec, change_columns, enum_column, figure_column
from .calc import Comparison, compare, compute
from .inputs import CostInputs, inputs_of
from .sensitivity import DEFAULT_SWING, Sensitivity, sensitivity

if TYPE_CHECKING:
    from ...store import Workspace


# -- reading ---------------------------------------------------------------------------------


#: The id of the cost model ``ref`` names: an id or a name (any case).
find_model = records.RefFinder(
    CostModel.__table__,  # type: ignore[attr-defined]
    "name",
    "cost model",
    id_hint="its id (aipm costs list)",
    list_names=True,
)


def find_price(*, ws: Workspace, ref: str | int) -> int:
    """The id of the price table row ``ref`` names: an id, ``provider/model`` or a model
    name (any case)."""
    table = ModelPrice.__table__  # type: ignore[attr-defined]
    text = str(ref).strip()
    with ws.engine.connect() as conn:
        rows = conn.execute(select(table.c.id, table.c.provider, table.c.model)).all()
    if text.isdigit() and any(r.id == int(text) for r in rows):
        return int(text)
    folded = text.casefold()
    matches = [r.id for r in rows if f"{r.provider}/{r.model}".casefold() == folded]
    if not matches:
        matches = [r.id for r in rows if r.model.casefold() == folded]
    if len(matches) == 1:
        return int(matches[0])
    if matches:
        raise UserError(f"Several providers sell a model called {text!r}; give provider/model.")
    hint = ", ".join(f"{r.provider}/{r.model}" for r in rows[:6])
    raise UserError(
        f"No model {text!r} in the price table"
        + (f"; it holds {hint}…" if hint else "; the price table is empty.")
    )


def load_inputs(*, ws: Workspace, model_id: int) -> CostInputs:
    """The inputs of a stored cost model, with its price table row's prices in effect."""
    with ws.session() as session:
        model = session.get(CostModel, model_id)
        if model is None:
            raise NotFoundError(f"No cost model with id {model_id}.")
        price = session.get(ModelPrice, model.price_id) if model.price_id is not None else None
        return inputs_of(model, price)


def model_sensitivity(
    *, ws: Workspace, model_id: int, scenario: str = "base", swing: float = DEFAULT_SWING
) -> Sensitivity:
    """The tornado of a stored cost model: its own low / high values for the inputs it has
    ranges for, each other input -/+ ``swing``."""
    return sensitivity(load_inputs(ws=ws, model_id=model_id), scenario, swing=swing)


def all_inputs(
    *, ws: Workspace, use_case_id: int | None = None, ids: Sequence[int] | None = None
) -> list[CostInputs]:
    """The inputs of every cost model (of one use case, or the given ids), by name."""
    with ws.session() as session:
        query = select(CostModel).order_by(func.lower(col(CostModel.name)), col(CostModel.id))
        if use_case_id is not None:
            query = query.where(col(CostModel.use_case_id) == use_case_id)
        if ids is not None:
            query = query.where(col(CostModel.id).in_(list(ids)))
        models = list(session.execute(query).scalars())
        price_ids = {m.price_id for m in models if m.price_id is not None}
        prices = {
            p.id: p
            for p in session.execute(
                select(ModelPrice).where(col(ModelPrice.id).in_(price_ids))
            ).scalars()
        }
        return [inputs_of(m, prices.get(m.price_id)) for m in models]


@dataclass(frozen=True)
class CostModelSummary:
    """One cost model in a list: what it is and its headline figures (base scenario)."""

    id: int
    name: str
    option_label: str
    role: str
    use_case_id: int | None
    use_case: str
    currency: str
    requests_per_month: float
    cost_per_request: float
    cost_per_successful_task: float | None
    monthly_cost: float
    three_year_cost: float
    target_cost_per_task: float | None
    within_envelope: bool | None
    problems: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self, problems=list(self.problems))


def summaries(*, ws: Workspace, scenario: str = "base") -> list[CostModelSummary]:
    """Every cost model with its figures in ``scenario``, by name."""
    titles = _use_case_titles(ws)
    found = []
    for inputs in all_inputs(ws=ws):
        out = compute(inputs, scenario)
        assert inputs.id is not None
        # The figures (currency included) from the outputs, what it is from the inputs.
        found.append(
            records.from_row(
                CostModelSummary,
                out,
                id=inputs.id,
                name=inputs.name,
                option_label=inputs.option_label,
                role=inputs.role,
                use_case_id=inputs.use_case_id,
                use_case=titles.get(inputs.use_case_id, "") if inputs.use_case_id else "",
            )
        )
    return found


def _use_case_titles(ws: Workspace) -> dict[int | None, str]:
    u = UseCase.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        return {row.id: row.title for row in conn.execute(select(u.c.id, u.c.title))}


def compare_use_case(
    *,
    ws: Workspace,
    use_case_id: int,
    scenario: str = "base",
    model_ids: Sequence[int] | None = None,
) -> Comparison:
    """The cost models of a use case (or the ``model_ids`` among them) compared."""
    records.get(ws=ws, model=UseCase, id=use_case_id)
    options = all_inputs(ws=ws, use_case_id=use_case_id, ids=model_ids)
    if model_ids is not None:
        missing = set(model_ids) - {o.id for o in options}
        if missing:
            raise UserError(
                "Cost model(s) "
                + ", ".join(str(i) for i in sorted(missing))
                + " are not options of this use case."
            )
    if not options:
        raise UserError("This use case has no cost models yet; add an option to compare.")
    return compare(options, scenario)


# -- cost models: writes ---------------------------------------------------------------------


def create_model(
    *, ws: Workspace, data: Mapping[str, Any], who: str | None = None
) -> tuple[CostModel, Changes]:
    """Validate and add a cost model (one operation)."""
    return records.create(ws=ws, model=CostModel, data=data, who=who)


def update_model(
    *,
    ws: Workspace,
    model_id: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    who: str | None = None,
) -> tuple[CostModel, Changes, dict[str, Any]]:
    """Change some inputs of a cost model (validated as a whole; one operation)."""
    return records.update(
        ws=ws,
        model=CostModel,
        id=model_id,
        data=data,
        expected_version=expected_version,
        who=who,
    )


def delete_model(*, ws: Workspace, model_id: int, who: str | None = None) -> Changes:
    """Delete a cost model (one operation; the use case's cost fields stay as they are)."""
    return records.delete(ws=ws, model=CostModel, id=model_id, who=who)


# -- the price table --------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceRow:
    """One row of the model price table and how many cost models use it."""

    id: int
    provider: str
    model: str
    price_input_per_m: float
    price_cached_input_per_m: float | None
    price_output_per_m: float
    currency: str
    as_of: dt.date | None
    source: str
    notes: str
    used_by: int

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self)


def price_rows(*, ws: Workspace) -> list[PriceRow]:
    """The price table, by provider and model."""
    p = ModelPrice.__table__  # type: ignore[attr-defined]
    c = CostModel.__table__  # type: ignore[attr-defined]
    used = (
        select(c.c.price_id, func.count().label("n"))
        .where(c.c.price_id.is_not(None))
        .group_by(c.c.price_id)
        .subquery()
    )
    query = (
        select(p, func.coalesce(used.c.n, 0).label("used_by"))
        .select_from(p.outerjoin(used, used.c.price_id == p.c.id))
        .order_by(func.lower(p.c.provider), func.lower(p.c.model), p.c.id)
    )
    with ws.engine.connect() as conn:
        return [records.from_row(PriceRow, r, used_by=int(r.used_by)) for r in conn.execute(query)]


def create_price(
    *, ws: Workspace, data: Mapping[str, Any], who: str | None = None
) -> tuple[ModelPrice, Changes]:
    """Add a row to the price table (one operation)."""
    return records.create(ws=ws, model=ModelPrice, data=data, who=who)


def update_price(
    *,
    ws: Workspace,
    price_id: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    who: str | None = None,
) -> tuple[ModelPrice, Changes, dict[str, Any]]:
    """Change a price table row; every cost model using it follows (one operation)."""
    return records.update(
        ws=ws,
        model=ModelPrice,
        id=price_id,
        data=data,
        expected_version=expected_version,
        who=who,
    )


def delete_price(*, ws: Workspace, price_id: int, who: str | None = None) -> Changes:
    """Delete a price table row. Cost models using it keep its prices as their own, so no
    figure changes; all of it is one operation."""
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        row = records.existing(session, ModelPrice, price_id, what="model price")
        session.info["label"] = f"Delete price of {row.provider} {row.model}"
        users = session.execute(
            select(CostModel).where(col(CostModel.price_id) == price_id)
        ).scalars()
        for model in users:
            model.price_input_per_m = row.price_input_per_m
            model.price_cached_input_per_m = row.price_cached_input_per_m
            model.price_output_per_m = row.price_output_per_m
            model.price_id = None
            records.touch(model)
        session.flush()
        session.delete(row)
        session.flush()
    changes = Changes("model_price", (price_id,), "delete")
    if op.result is not None:
        changes = changes.with_kinds(op.result.kinds, (op.result.id,))
    return changes


# -- list specs ------------------------------------------------------------------------------


def cost_model_list_spec() -> ListSpec:
    """The cost model list: name, use case, option, role, base volume, success rate,
    envelope, last update."""
    c = CostModel.__table__  # type: ignore[attr-defined]
    u = UseCase.__table__  # type: ignore[attr-defined]
    return ListSpec(
        kind="cost_model",
        source=c.outerjoin(u, c.c.use_case_id == u.c.id),
        id_column=c.c.id,
        noun=("cost model", "cost models"),
        empty_text=(
            "No cost models yet. Add one per option of a use case (large model, small "
            "model, vendor product …) to see what a successful task costs."
        ),
        columns=(
            ListColumn("name", "Name", c.c.name, width=36),
            ListColumn("use_case", "Use case", u.c.title, width=28),
            ListColumn("option", "Option", c.c.option_label, width=20),
            enum_column("role", "Role", c.c.role, CostRole, width=8),
            figure_column(
                "requests",
                "Requests / month",
                c.c.requests_per_month,
                width=12,
                formatter="integer",
            ),
            figure_column("success", "Success", c.c.success_rate, width=8, formatter="percent"),
            figure_column(
                "envelope",
                "Envelope / task",
                c.c.target_cost_per_task,
                width=10,
                formatter="number",
            ),
            *change_columns(c),
        ),
        default_sort="name",
    )


def price_list_spec() -> ListSpec:
    """The price table list: provider, model, the three prices, currency, as of, source."""
    p = ModelPrice.__table__  # type: ignore[attr-defined]

    def price(key: str, label: str, column: Any) -> ListColumn:
        return figure_column(key, label, column, width=10, formatter="number")

    return ListSpec(
        kind="model_price",
        source=p,
        id_column=p.c.id,
        noun=("model price", "model prices"),
        empty_text="The price table is empty. Add the models you price, with the date you "
        "read their prices.",
        columns=(
            ListColumn("provider", "Provider", p.c.provider, width=14),
            ListColumn("model", "Model", p.c.model, width=22),
            price("input", "Input / M", p.c.price_input_per_m),
            price("cached", "Cached / M", p.c.price_cached_input_per_m),
            price("output", "Output / M", p.c.price_output_per_m),
            ListColumn("currency", "Currency", p.c.currency, width=6),
            ListColumn("as_of", "As of", p.c.as_of, width=10, formatter="date"),
            ListColumn("source", "Source", p.c.source, width=30),
        ),
        default_sort="provider",
    )
