"""Undoable edits of the Costs area, over ``services.costs``.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation; undo and redo ask the core. A cost
model's or a price row's new id is in ``record_id`` after the push.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...services import costs
from ...services.changes import Changes
from ..context import AppContext
from ..undo import OperationCommand, short
from ..widgets.service_edits import call_command, create_command

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
    text = f"add cost model '{short(str(data.get('name', '')))}'"
    return create_command(ctx, text, _new_id(costs.create_model), {"data": dict(data)})


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
    args = {"model_id": model_id, "data": dict(data)}
    text = f"edit {_what(data)}{_of(name)}"
    return call_command(
        ctx, text, costs.update_model, args, record_id=model_id, report_errors=report_errors
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
    text = f"add model price '{short(str(data.get('model', '')))}'"
    return create_command(ctx, text, _new_id(costs.create_price), {"data": dict(data)})


def UpdatePriceCommand(
    ctx: AppContext,
    price_id: int,
    data: Mapping[str, Any],
    *,
    name: str = "",
    report_errors: bool = True,
) -> OperationCommand:
    """Change a price table row (every cost model using it follows) as one undo step."""
    args = {"price_id": price_id, "data": dict(data)}
    fields = ", ".join(k.replace("_", " ") for k in data)
    text = f"edit model price {fields}{_of(name)}"
    return call_command(
        ctx, text, costs.update_price, args, record_id=price_id, report_errors=report_errors
    )


def DeletePriceCommand(ctx: AppContext, price_id: int, name: str = "") -> OperationCommand:
    """Delete a price table row (models using it keep its prices); undo brings it back."""
    text = f"delete model price '{short(name)}'" if name else "delete model price"
    return call_command(ctx, text, costs.delete_price, {"price_id": price_id}, record_id=price_id)


def _of(name: str) -> str:
    """`` of 'name'`` in an undo text (nothing without a name)."""
    return f" of '{short(name, 30)}'" if name else ""


def _new_id(create: Callable[..., tuple[Any, Changes]]) -> Callable[..., tuple[int, Changes]]:
    """``create`` (a service call returning the new row and the changes) returning the new
    row's id and the changes, as :func:`create_command` takes it."""

    def created(**kwargs: Any) -> tuple[int, Changes]:
        row, changes = create(**kwargs)
        return int(row.id), changes

    return created
