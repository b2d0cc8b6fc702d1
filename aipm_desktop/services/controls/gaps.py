"""Gap analysis per catalog and use case (or the workspace's organisation-wide controls).

A control that applies (see :mod:`.state`) is **covered** when its status is implemented
or verified *and* at least one evidence item that is current today satisfies it, directly
or through an ``equivalent`` crosswalk line. Coverage % = covered / applicable x 100
(controls not applicable, or not in scope, are left out); none applicable gives no
percentage. Missing controls are listed by priority (high, medium, low), then in catalog
order, with what is missing. Evidence expiring within :data:`EXPIRY_WINDOW_DAYS` is
evidence satisfying an applicable control whose ``valid_until`` falls in the next 30 days
(today included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ...errors import NotFoundError
from ...models import UseCase
from ...models.common import table_of
from ...store import Workspace
from .. import clock, records
from .catalogs import CATALOG_T
from .state import ControlsState, Entry

EXPIRY_WINDOW_DAYS = 30
_USE_CASE_T = table_of(UseCase)
_DONE = ("implemented", "verified")
_PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class GapRow(records.AsDict):
    control_id: int
    ref: str
    title: str
    priority: str
    status: str
    owner: str
    due_date: dt.date | None
    missing: str
    source: str


@dataclass(frozen=True)
class Expiring(records.AsDict):
    evidence_id: int
    title: str
    valid_until: dt.date
    days_left: int
    controls: tuple[str, ...]


@dataclass(frozen=True)
class GapReport(records.AsDict):
    catalog: str
    catalog_version: str
    use_case_id: int | None
    use_case: str
    applicable: int
    covered: int
    not_applicable: int
    coverage_pct: float | None
    missing: tuple[GapRow, ...]
    expiring: tuple[Expiring, ...]

    def missing_by_priority(self) -> dict[str, int]:
        counts = dict.fromkeys(_PRIORITY_ORDER, 0)
        for row in self.missing:
            counts[row.priority] = counts.get(row.priority, 0) + 1
        return counts


def _missing_text(entry: Entry, evidence: list[int], current: list[int]) -> str:
    parts = []
    if entry.status not in _DONE:
        parts.append(str(entry.status).replace("_", " "))
    if not evidence:
        parts.append("no evidence")
    elif not current:
        parts.append("evidence not current")
    return ", ".join(parts)


def report(
    state: ControlsState,
    *,
    catalog: tuple[str, str],
    use_case_id: int | None,
    use_case: str,
    today: dt.date,
) -> GapReport:
    """The gap report of the catalog ``state`` was loaded with, for one use case (None:
    the workspace)."""
    applicable = covered = not_applicable = 0
    missing: list[tuple[tuple[int, int], GapRow]] = []
    expiring: dict[int, list[str]] = {}
    horizon = today + dt.timedelta(days=EXPIRY_WINDOW_DAYS)
    for control_id in state.candidates(use_case_id):
        position = state.order[control_id]
        entry = state.entry(control_id, use_case_id)
        if not entry.applies:
            not_applicable += entry.source != ""
            continue
        applicable += 1
        control = state.controls[control_id]
        direct, via = state.evidence_for(control_id, use_case_id)
        evidence = direct + via
        current = [e for e in evidence if state.evidence[e].current(today)]
        for e in current:
            until = state.evidence[e].valid_until
            if until is not None and until <= horizon:
                expiring.setdefault(e, []).append(control.ref)
        if entry.status in _DONE and current:
            covered += 1
            continue
        row = GapRow(
            control_id,
            control.ref,
            control.title,
            control.priority,
            entry.status.value,
            entry.owner,
            entry.due_date,
            _missing_text(entry, evidence, current),
            entry.source,
        )
        missing.append(((_PRIORITY_ORDER.get(control.priority, 3), position), row))
    soon = []
    for evidence_id, refs in expiring.items():
        item = state.evidence[evidence_id]
        assert item.valid_until is not None
        soon.append(
            Expiring(
                evidence_id,
                item.title,
                item.valid_until,
                (item.valid_until - today).days,
                tuple(refs),
            )
        )
    soon.sort(key=lambda e: (e.valid_until, e.evidence_id))
    return GapReport(
        catalog=catalog[0],
        catalog_version=catalog[1],
        use_case_id=use_case_id,
        use_case=use_case,
        applicable=applicable,
        covered=covered,
        not_applicable=not_applicable,
        coverage_pct=round(100 * covered / applicable, 1) if applicable else None,
        missing=tuple(row for _, row in sorted(missing, key=lambda pair: pair[0])),
        expiring=tuple(soon),
    )


def _catalog_label(ws: Workspace, catalog_id: int) -> tuple[str, str]:
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(CATALOG_T.c.name, CATALOG_T.c.catalog_version).where(
                CATALOG_T.c.id == catalog_id
            )
        ).first()
    if row is None:
        raise NotFoundError(f"No catalog with id {catalog_id}.")
    return str(row.name), str(row.catalog_version)


def _use_case_titles(ws: Workspace) -> dict[int, str]:
    with ws.engine.connect() as conn:
        query = select(_USE_CASE_T.c.id, _USE_CASE_T.c.title).order_by(_USE_CASE_T.c.id)
        return {int(row.id): str(row.title) for row in conn.execute(query)}


def gap_report(
    *,
    ws: Workspace,
    catalog_id: int,
    use_case_id: int | None = None,
    today: dt.date | None = None,
) -> GapReport:
    """The gap report of one catalog for one use case (None: the workspace level)."""
    state = ControlsState.load(ws=ws, catalog_id=catalog_id)
    titles = _use_case_titles(ws)
    if use_case_id is not None and use_case_id not in titles:
        raise NotFoundError(f"No use case with id {use_case_id}.")
    name = "(workspace)" if use_case_id is None else titles[use_case_id]
    return report(
        state,
        catalog=_catalog_label(ws, catalog_id),
        use_case_id=use_case_id,
        use_case=name,
        today=today or clock.today(),
    )


def gap_overview(
    *, ws: Workspace, catalog_id: int, today: dt.date | None = None
) -> list[GapReport]:
    """The gap report of one catalog for the workspace level and each use case it has
    applicable controls for (use cases in id order)."""
    state = ControlsState.load(ws=ws, catalog_id=catalog_id)
    label = _catalog_label(ws, catalog_id)
    day = today or clock.today()
    out = []
    scopes: list[tuple[int | None, str]] = [(None, "(workspace)")]
    scopes += list(_use_case_titles(ws).items())
    for use_case_id, title in scopes:
        rep = report(state, catalog=label, use_case_id=use_case_id, use_case=title, today=day)
        if rep.applicable:
            out.append(rep)
    return out
