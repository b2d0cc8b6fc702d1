"""Undoable edits of the Experiments area, over ``services.experiments``.

Each factory returns the generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its
first redo runs the service call as one workspace operation (a refusal is shown and
nothing is written); undo and redo ask the core. An edit of an experiment's design also
brings its design document up to date while that is kept in sync
(:func:`~aipm_desktop.services.experiments.design_doc.sync_design_document`), inside the
same operation, so the edit and the document's update are one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...services import experiments
from ...services.changes import Changes
from ...services.experiments import design_doc
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand, service_command, short
from ..widgets.service_edits import call_command, create_command


def _synced(
    ctx: AppContext,
    text: str,
    experiment_id: int,
    fn: Callable[..., Any],
    args: Mapping[str, Any],
    *,
    report_errors: bool = True,
) -> OperationCommand:
    """``fn(ws=ws, **args, who=author)`` and the design document's sync as one undo step
    about the experiment ``experiment_id``."""
    values = dict(args)

    def perform(ws: Workspace) -> Any:
        who = ctx.author()
        result = fn(ws=ws, **values, who=who)
        design_doc.sync_design_document(ws=ws, experiment_id=experiment_id, who=who)
        return result

    return service_command(ctx, text, perform, record_id=experiment_id, report_errors=report_errors)


# -- experiments --------------------------------------------------------------------------------


def NewExperimentCommand(ctx: AppContext, data: Mapping[str, Any]) -> OperationCommand:
    """Add an experiment (a control and a treatment, 50/50); its id is in ``record_id``."""
    values = dict(data)
    text = f"add experiment '{short(str(values.get('title', '')))}'"
    return create_command(ctx, text, experiments.create_experiment, {"data": values})


def UpdateExperimentCommand(
    ctx: AppContext, experiment_id: int, data: Mapping[str, Any], *, report_errors: bool = True
) -> OperationCommand:
    """Change design fields of an experiment (validated as a whole)."""
    values = dict(data)
    what = ", ".join(k.removesuffix("_id").replace("_", " ") for k in values)
    args = {"experiment_id": experiment_id, "data": values}
    return _synced(
        ctx,
        f"edit experiment {what}",
        experiment_id,
        experiments.update_experiment,
        args,
        report_errors=report_errors,
    )


def DeleteExperimentCommand(ctx: AppContext, experiment_id: int, title: str) -> OperationCommand:
    """Delete an experiment with its variants, guardrails and results; undo brings it back
    (its design document stays in Documents)."""
    text = f"delete experiment '{short(title)}'"
    args = {"experiment_id": experiment_id}
    return call_command(ctx, text, experiments.delete_experiment, args, record_id=experiment_id)


def SetStatusCommand(ctx: AppContext, experiment_id: int, status: str) -> OperationCommand:
    """Move an experiment to ``status`` (starting it stamps the start date)."""
    args = {"experiment_id": experiment_id, "status": status}
    return _synced(ctx, f"mark experiment {status}", experiment_id, experiments.set_status, args)


def RecordDecisionCommand(ctx: AppContext, experiment_id: int, **decision: Any) -> OperationCommand:
    """Record the decision (``decision``, ``rationale``, ``decided_by``, ``decided_at``,
    ``kpi_value``, ``roadmap_status``: see ``record_decision``) with the KPI snapshot and
    the roadmap move when asked, as one undo step; ``result`` is the
    :class:`~aipm_desktop.services.experiments.DecisionOutcome`."""
    text = f"decide experiment: {decision.get('decision', '')}"
    args = {"experiment_id": experiment_id, **decision}
    return _synced(ctx, text, experiment_id, experiments.record_decision, args)


def WriteDesignDocCommand(ctx: AppContext, experiment_id: int, *, new: bool) -> OperationCommand:
    """Write (or bring up to date) the experiment's design document; its id is in
    ``record_id``."""
    text = "write a new design document" if new else "write the design document"
    args = {"experiment_id": experiment_id, "new": new}
    return create_command(ctx, text, design_doc.write_design_document, args)


def ClearResultsCommand(ctx: AppContext, experiment_id: int) -> OperationCommand:
    """Delete the experiment's imported results; undo brings them back."""
    args = {"experiment_id": experiment_id}
    return call_command(
        ctx, "clear experiment results", experiments.clear_results, args, record_id=experiment_id
    )


# -- variants and guardrails ------------------------------------------------------------------


def AddVariantCommand(ctx: AppContext, experiment_id: int, name: str) -> OperationCommand:
    """Add a treatment arm (weight 1) at the end."""
    args = {"experiment_id": experiment_id, "name": name}
    return _synced(
        ctx, f"add variant '{short(name)}'", experiment_id, experiments.add_variant, args
    )


def UpdateVariantCommand(
    ctx: AppContext, experiment_id: int, variant_id: int, data: Mapping[str, Any]
) -> OperationCommand:
    """Rename a variant or change its weight or description."""
    args = {"variant_id": variant_id, "data": dict(data)}
    text = f"edit variant {', '.join(data)}"
    return _synced(ctx, text, experiment_id, experiments.update_variant, args)


def DeleteVariantCommand(ctx: AppContext, experiment_id: int, variant_id: int) -> OperationCommand:
    """Remove a treatment arm with its results."""
    args = {"variant_id": variant_id}
    return _synced(ctx, "remove variant", experiment_id, experiments.delete_variant, args)


def ReorderVariantsCommand(
    ctx: AppContext, experiment_id: int, variant_ids: list[int]
) -> OperationCommand:
    """Put the variants in this order (the first is the control)."""
    args = {"experiment_id": experiment_id, "variant_ids": list(variant_ids)}
    return _synced(ctx, "reorder variants", experiment_id, experiments.reorder_variants, args)


def _save_guardrail(
    *,
    ws: Workspace,
    experiment_id: int,
    guardrail_id: int | None,
    data: Mapping[str, Any],
    who: str | None,
) -> Changes:
    if guardrail_id is None:
        return experiments.add_guardrail(ws=ws, experiment_id=experiment_id, data=data, who=who)[1]
    return experiments.update_guardrail(ws=ws, guardrail_id=guardrail_id, data=data, who=who)


def SaveGuardrailCommand(
    ctx: AppContext, experiment_id: int, guardrail_id: int | None, data: Mapping[str, Any]
) -> OperationCommand:
    """Add a guardrail metric (``guardrail_id`` None) or change one; a refusal is left
    in ``error`` for the dialog to show."""
    values = dict(data)
    verb = "add" if guardrail_id is None else "edit"
    text = f"{verb} guardrail '{short(str(values.get('name', '')))}'"
    args = {"experiment_id": experiment_id, "guardrail_id": guardrail_id, "data": values}
    return _synced(ctx, text, experiment_id, _save_guardrail, args, report_errors=False)


def DeleteGuardrailCommand(
    ctx: AppContext, experiment_id: int, guardrail_id: int
) -> OperationCommand:
    """Remove a guardrail metric (its stored results stay until the next import)."""
    args = {"guardrail_id": guardrail_id}
    return _synced(ctx, "remove guardrail", experiment_id, experiments.delete_guardrail, args)


# -- results ------------------------------------------------------------------------------------


def import_text(preview: experiments.ResultsPreview) -> str:
    return f"import the results of '{short(preview.experiment)}' from {short(preview.source, 30)}"


def apply_import(
    *, ws: Workspace, preview: experiments.ResultsPreview, who: str | None = None
) -> Changes:
    """Store a checked preview as one named operation (safe to run in a worker); the
    changes carry the operation's id for :func:`ResultsImportCommand`."""
    with ws.operation(import_text(preview), who=who) as op:
        changes = experiments.apply_results(ws=ws, preview=preview, who=who)
    done = op.result
    return changes if done is None else changes.with_kinds(done.kinds, (done.id,))


def ResultsImportCommand(
    ctx: AppContext, preview: experiments.ResultsPreview, changes: Changes
) -> OperationCommand:
    """The undo step of an import a worker already wrote (pushing it writes nothing
    again); undo puts the results stored before back, redo imports again."""
    command = call_command(
        ctx,
        import_text(preview),
        experiments.apply_results,
        {"preview": preview},
        record_id=preview.experiment_id,
    )
    if changes.op_ids:
        command.op_id = changes.op_ids[-1]
    return command
