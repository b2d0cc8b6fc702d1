"""Undoable edits of the Risks area, over the risk and EU AI Act services.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation, and undo/redo ask the core to
reverse and replay that operation (old links, appetite, assessment and obligation items,
taxonomy rows all come back as they were). The factories keep the ``...Command`` names
the area's widgets have always used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...services import ai_act, risks
from ..context import AppContext
from ..undo import OperationCommand, new_record_command, service_command


def SetLinksCommand(ctx: AppContext, risk_id: int, use_case_ids: Sequence[int]) -> OperationCommand:
    """Link a risk to exactly these use cases. Undo puts the old links back."""
    ids = list(use_case_ids)
    return service_command(
        ctx,
        "change the use cases of a risk",
        lambda ws: risks.set_links(ws=ws, risk_id=risk_id, use_case_ids=ids, who=ctx.author()),
    )


def SetAppetiteCommand(
    ctx: AppContext, bands: list[dict[str, Any]], method: str
) -> OperationCommand:
    """Change the risk appetite (score bands and colours) and the scoring method."""
    copied = [dict(b) for b in bands]
    return service_command(
        ctx,
        "change the risk appetite",
        lambda ws: risks.set_appetite(ws=ws, bands=copied, method=method, who=ctx.author()),
    )


def SaveAssessmentCommand(
    ctx: AppContext,
    use_case_id: int,
    answers: dict[str, bool],
    assessor: str = "",
    *,
    expected_version: int | None = None,
) -> OperationCommand:
    """Store the EU AI Act answers of a use case (tier, reasons, obligations).

    Undo puts back what was there before (the earlier assessment and obligation items,
    or nothing). With ``expected_version`` (the assessment's version read, 0: none) it
    stores only while the assessment is the one read; a refusal is left in ``error`` for
    the caller (which asks about a conflict).
    """
    given = dict(answers)
    return service_command(
        ctx,
        "save the EU AI Act tier check",
        lambda ws: ai_act.save_assessment(
            ws=ws,
            use_case_id=use_case_id,
            answers=given,
            assessor=assessor,
            who=ctx.author(),
            expected_version=expected_version,
        ),
        report_errors=expected_version is None,
    )


def SetTaxonomyEnabledCommand(
    ctx: AppContext, taxonomy_id: int, enabled: bool, name: str = ""
) -> OperationCommand:
    """Put a taxonomy in use (its items become choices) or take it out of use.

    Already in that state: nothing is written, so there is no undo step.
    """
    verb = "use" if enabled else "stop using"
    return service_command(
        ctx,
        f"{verb} taxonomy '{name}'" if name else f"{verb} a taxonomy",
        lambda ws: risks.set_taxonomy_enabled(
            ws=ws, taxonomy_id=taxonomy_id, enabled=bool(enabled), who=ctx.author()
        ),
    )


def AddTaxonomyCommand(
    ctx: AppContext, name: str, items: Sequence[str | tuple[str, str]]
) -> OperationCommand:
    """Add a user taxonomy. Undo deletes it (with its items); redo brings the same rows back.

    The new taxonomy's id is in ``taxonomy_id`` (and ``record_id``) after the push.
    """
    entries: list[str | tuple[str, str]] = list(items)
    return new_record_command(
        ctx,
        f"add taxonomy '{name.strip()}'",
        lambda ws: risks.add_taxonomy(ws=ws, name=name, items=entries, who=ctx.author()),
        id_attr="taxonomy_id",
    )
