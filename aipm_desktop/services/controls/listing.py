"""Controls as they stand for one use case (or the workspace): the rows ``aipm controls
list --use-case`` prints and the GUI's applicability table shows, read in one
:class:`~.state.ControlsState` load."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...store import Workspace
from .catalogs import ControlInfo, controls
from .state import ControlsState


@dataclass(frozen=True, kw_only=True)
class ControlRow(ControlInfo):
    """One control (its :class:`~.catalogs.ControlInfo` fields) for one use case (None:
    the workspace): ``in_scope`` says whether it is tracked at that level, ``decided_by``
    how its applicability was decided ("set", "tier check", "obligation item"; "" when
    nothing makes it apply), ``evidence`` how many items satisfy it (directly or through
    an equivalent control)."""

    in_scope: bool
    applies: bool
    decided_by: str
    status: str
    owner: str
    due_date: dt.date | None
    justification: str
    evidence: int
    status_id: int | None

    @property
    def name(self) -> str:
        """``catalog:ref``, the way the command line names a control."""
        return f"{self.catalog}:{self.ref}"

    @property
    def applicability(self) -> str:
        """ "applies", "not applicable", "-" (nothing decided) or "(other level)"."""
        if not self.in_scope:
            return "(other level)"
        if self.applies:
            return "applies"
        return "not applicable" if self.decided_by else "-"


def control_rows(
    *, ws: Workspace, use_case_id: int | None, catalog_id: int | None = None
) -> list[ControlRow]:
    """Every control (of one catalog, or all) as it stands for ``use_case_id`` (None: the
    workspace), in catalog order."""
    items = controls(ws=ws, catalog_id=catalog_id)
    state = ControlsState.load(ws=ws, catalog_id=catalog_id, levels=(use_case_id,))
    out = []
    for item in items:
        entry = state.entry(item.id, use_case_id)
        direct, via = state.evidence_for(item.id, use_case_id)
        out.append(
            ControlRow(
                **item.as_dict(),
                in_scope=state.in_scope(item.id, use_case_id),
                applies=entry.applies,
                decided_by=entry.source,
                status=entry.status.value,
                owner=entry.owner,
                due_date=entry.due_date,
                justification=entry.justification,
                evidence=len(direct) + len(via),
                status_id=entry.status_id,
            )
        )
    return out
