"""``aipm experiments doc FILE EXPERIMENT``: write the experiment's design document into
Documents from its template, filled from the experiment, or bring it up to date while it
is kept in sync. A document its author edited is left alone (exit code 1, nothing
written) unless ``--new`` asks for a fresh one beside it.

The command joins the ``aipm experiments`` group when this module is imported (the
command line's ``app`` imports it with the other groups).
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import common
from .common import JsonFlag, WorkspaceFile, command
from .experiments import app

_Experiment = Annotated[str, typer.Argument(help="The experiment: its id or title.")]
_NEW_HELP = "Write a new document even when one exists (e.g. edited by hand)."
_New = Annotated[bool, typer.Option("--new", help=_NEW_HELP)]


@command(app, "doc")
def doc_command(
    file: WorkspaceFile, experiment: _Experiment, new: _New = False, as_json: JsonFlag = False
) -> None:
    """Write the experiment's design document (hypothesis, metrics, guardrails, variants,
    sample size and duration, decision rules), or update it while it is kept in sync."""
    from ..services.experiments import design_doc, find_experiment

    with common.writing(file) as ws:
        experiment_id = find_experiment(ws=ws, ref=experiment)
        before = design_doc.design_doc_status(ws=ws, experiment_id=experiment_id)
        document_id, _changes = design_doc.write_design_document(
            ws=ws, experiment_id=experiment_id, new=new
        )
        after = design_doc.design_doc_status(ws=ws, experiment_id=experiment_id)
    if before.document_id is None or new:
        action = "created"
    elif before.current:
        action = "unchanged"
    else:
        action = "updated"
    if as_json:
        common.echo_json({"action": action, **after.as_dict(), "document_id": document_id})
        return
    verb = {"created": "Wrote", "updated": "Updated", "unchanged": "Up to date:"}[action]
    typer.echo(f"{verb} document {document_id} “{after.title}”. {after.message()}")
