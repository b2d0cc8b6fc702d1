"""Undoable edits of the Evaluations area, over ``services.evaluations``.

Each factory returns the generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its
first redo runs the service call as one workspace operation (a refusal is shown, or left
in ``error`` for a dialog to show, and nothing is written); undo and redo ask the core.
Deleting a suite takes its metrics and runs with it, a run its per-example results; undo
brings them back. An import is written by a worker (see :mod:`.import_dialog`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...services import evaluations
from ...services.changes import Changes
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand, service_command, short
from ..widgets.service_edits import call_command, create_command

# -- suites -------------------------------------------------------------------------------


def NewSuiteCommand(ctx: AppContext, data: Mapping[str, Any]) -> OperationCommand:
    """Add a suite; its id is in ``record_id`` after the push."""
    text = f"add evaluation suite '{short(str(data.get('name', '')))}'"
    return create_command(ctx, text, evaluations.create_suite, {"data": dict(data)})


def UpdateSuiteCommand(ctx: AppContext, suite_id: int, data: Mapping[str, Any]) -> OperationCommand:
    """Change fields of a suite (merged while one field is typed in)."""
    values = dict(data)
    what = ", ".join(k.removesuffix("_id").replace("_", " ") for k in values)
    args = {"suite_id": suite_id, "data": values}
    return call_command(
        ctx, f"edit suite {what}", evaluations.update_suite, args, record_id=suite_id
    )


def DeleteSuiteCommand(ctx: AppContext, suite_id: int, name: str) -> OperationCommand:
    """Delete a suite with its metrics, runs and results; undo brings them back."""
    text = f"delete evaluation suite '{short(name)}'"
    return call_command(
        ctx, text, evaluations.delete_suite, {"suite_id": suite_id}, record_id=suite_id
    )


# -- metrics ------------------------------------------------------------------------------


def dialog_command(
    ctx: AppContext,
    text: str,
    write: Callable[[Workspace, str | None], tuple[int | None, Changes]],
    *,
    record_id: int | None = None,
) -> OperationCommand:
    """One undo step running ``write(ws, author) -> (new id or None, changes)``; a refusal
    is left in ``error`` for the dialog to show, a new row's id in ``record_id``."""
    command = service_command(ctx, text, lambda ws: None, report_errors=False, record_id=record_id)

    def perform(ws: Workspace) -> Changes:
        new_id, changes = write(ws, ctx.author())
        if new_id is not None:
            command.record_id = new_id
        return changes

    command.perform = perform
    return command


def SaveMetricCommand(
    ctx: AppContext, suite_id: int, metric_id: int | None, data: Mapping[str, Any]
) -> OperationCommand:
    """Add a metric at the end of the suite's list (``metric_id`` None; the new id in
    ``record_id``) or change fields of one; a refusal (a name the suite already has) is
    left in ``error`` for the dialog to show."""
    values = {k: v for k, v in data.items() if k != "suite_id"}
    verb = "add" if metric_id is None else "edit"

    def write(ws: Workspace, who: str | None) -> tuple[int | None, Changes]:
        if metric_id is None:
            return evaluations.add_metric(ws=ws, suite_id=suite_id, data=values, who=who)
        return None, evaluations.update_metric(ws=ws, metric_id=metric_id, data=values, who=who)

    text = f"{verb} metric '{short(str(values.get('name', '')))}'"
    return dialog_command(ctx, text, write, record_id=metric_id)


def RemoveMetricCommand(ctx: AppContext, metric_id: int, name: str) -> OperationCommand:
    text = f"remove metric '{short(name)}'"
    return call_command(
        ctx, text, evaluations.delete_metric, {"metric_id": metric_id}, record_id=metric_id
    )


# -- runs ---------------------------------------------------------------------------------


def UpdateRunCommand(ctx: AppContext, run_id: int, data: Mapping[str, Any]) -> OperationCommand:
    """Change a run's version, date, environment or notes."""
    values = dict(data)
    text = f"edit run {', '.join(k.replace('_', ' ') for k in values)}"
    return call_command(
        ctx, text, evaluations.update_run, {"run_id": run_id, "data": values}, record_id=run_id
    )


def DeleteRunCommand(ctx: AppContext, run_id: int, version: str) -> OperationCommand:
    """Delete a run with its per-example results; undo brings them back."""
    text = f"delete run '{short(version)}'"
    return call_command(ctx, text, evaluations.delete_run, {"run_id": run_id}, record_id=run_id)


def RecordKpiCommand(
    ctx: AppContext, run_id: int, metric_id: int, kpi_id: int, scale: float
) -> OperationCommand:
    """Record a metric's value on a run as a snapshot of a KPI (on the run's date); the
    snapshot's id is in ``record_id``, a refusal in ``error`` for the dialog to show."""
    args = {"run_id": run_id, "metric_id": metric_id, "kpi_id": kpi_id, "scale": scale}
    return dialog_command(
        ctx,
        "record a KPI snapshot from an evaluation run",
        lambda ws, who: evaluations.record_kpi_snapshot(ws=ws, **args, who=who),
    )
