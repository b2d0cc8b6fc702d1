"""Undoable edits of the Costs area, over ``services.costs``.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation; undo and redo ask the core. A cost
model's or a price row's new id is in ``record_id`` after the push.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...services import costs
from ..context import AppContext
from ..undo import OperationCommand, service_command, short
from ..widgets.new_record_command import new_record_command
from ..widgets.service_edits import call_command

#: What a field is called in an undo text (Edit ▸ Undo "edit cost model <what>").
_FIELD_WORDS = {
    "price_id": "price table model",
    "sources": "source note",
    "kpi_id": "KPI",
    "sensitivity_ranges": "tornado range",
}


def _what(data: Mapping[str, Any]) -> str:
    names = [
        costs.SPEC_BY_FIELD[k].label.lower()
        if k in costs.SPEC_BY_FIELD
        else _FIELD_WORDS.get(k, k.replace("_", " "))
        for k in data
    ]
    return ", ".join(names[:2]) + (" …" if len(names) > 2 else "")


def NewCostModelCommand(ctx: AppContext, data: Mapping[str, Any]) -> OperationCommand:
    """Add a cost model; undo deletes it, redo brings the same row back."""
    values = dict(data)
    return new_record_command(
        ctx,
        f"add cost model '{short(str(values.get('name', '')))}'",
        lambda ws: _created(costs.create_model(ws=ws, data=values, who=ctx.author())),
    )


def UpdateCostModelCommand(
    ctx: AppContext,
    model_id: int,
    data: Mapping[str, Any],
    *,
    name: str = "",
    report_errors: bool = True,
) -> OperationCommand:
    """Change some inputs of a cost model (validated as a whole) as one undo step
    (``report_errors=False``: a refusal is left in ``error`` for the caller to show)."""
    values = dict(data)
    of = f" of '{short(name, 30)}'" if name else ""
    return service_command(
        ctx,
        f"edit {_what(values)}{of}",
        lambda ws: costs.update_model(ws=ws, model_id=model_id, data=values, who=ctx.author()),
        report_errors=report_errors,
        record_id=model_id,
    )


def DeleteCostModelCommand(ctx: AppContext, model_id: int, name: str = "") -> OperationCommand:
    """Delete a cost model; undo brings it back."""
    text = f"delete cost model '{short(name)}'" if name else "delete cost model"
    return call_command(ctx, text, costs.delete_model, {"model_id": model_id}, record_id=model_id)


def FeedOwnershipCommand(
    ctx: AppContext, model_id: int, role: str, scenario: str = "base"
) -> OperationCommand:
    """Make the model its use case's ``role`` option and write its costs into the use
    case's cost of ownership (one undo step, the role change of another option included)."""
    args = {"model_id": model_id, "role": role, "scenario": scenario}
    return call_command(ctx, f"use a cost model as the {role} cost", costs.feed_ownership, args)


def RecordSnapshotCommand(
    ctx: AppContext, model_id: int, scenario: str = "base"
) -> OperationCommand:
    """Record the model's cost per successful task as today's snapshot of its KPI."""
    args = {"model_id": model_id, "scenario": scenario}
    text = "record a KPI snapshot from a cost model"
    return call_command(ctx, text, costs.record_kpi_snapshot, args)


def NewPriceCommand(ctx: AppContext, data: Mapping[str, Any]) -> OperationCommand:
    """Add a row to the model price table; undo deletes it."""
    values = dict(data)
    return new_record_command(
        ctx,
        f"add model price '{short(str(values.get('model', '')))}'",
        lambda ws: _created(costs.create_price(ws=ws, data=values, who=ctx.author())),
    )


def UpdatePriceCommand(
    ctx: AppContext,
    price_id: int,
    data: Mapping[str, Any],
    *,
    name: str = "",
    report_errors: bool = True,
) -> OperationCommand:
    """Change a price table row (every cost model using it follows) as one undo step."""
    values = dict(data)
    fields = ", ".join(k.replace("_", " ") for k in values)
    of = f" of '{short(name, 30)}'" if name else ""
    return service_command(
        ctx,
        f"edit model price {fields}{of}",
        lambda ws: costs.update_price(ws=ws, price_id=price_id, data=values, who=ctx.author()),
        report_errors=report_errors,
        record_id=price_id,
    )


def DeletePriceCommand(ctx: AppContext, price_id: int, name: str = "") -> OperationCommand:
    """Delete a price table row (models using it keep its prices); undo brings it back."""
    text = f"delete model price '{short(name)}'" if name else "delete model price"
    return call_command(ctx, text, costs.delete_price, {"price_id": price_id}, record_id=price_id)


def _created(result: tuple[Any, Any]) -> tuple[int, Any]:
    row, changes = result
    return int(row.id), changes
