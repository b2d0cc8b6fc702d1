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
import functools
from dataclasses import dataclass

from sqlalchemy import select

from ...errors import NotFoundError
from ...models import Applicability, UseCase
from ...models.common import table_of
from ...store import Workspace
from .. import clock, records
from .catalogs import CATALOG_T
from .state import APPLICABILITY, DUE, OWNER, SET, STATUS, ControlsState, due_of

EXPIRY_WINDOW_DAYS = 30
_USE_CASE_T = table_of(UseCase)
_DONE = ("implemented", "verified")
_PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
_APPLIES = Applicability.APPLIES.value


#: Not frozen, with slots: built once per control and use case, where a frozen
#: dataclass's slower ``__init__`` was a fifth of the whole-workspace time.
@dataclass(slots=True)
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


_NO_EVIDENCE, _NOT_CURRENT, _CURRENT = "no evidence", "evidence not current", ""


@functools.cache
def _missing_text(status: str, evidence: str) -> str:
    """What keeps a control from being covered: its status unless done, and ``evidence``
    (no evidence, none current, or "" when some is current)."""
    parts = [] if status in _DONE else [str(status).replace("_", " ")]
    return ", ".join([*parts, evidence] if evidence else parts)


def report(
    state: ControlsState,
    *,
    catalog: tuple[str, str],
    use_case_id: int | None,
    use_case: str,
    today: dt.date,
) -> GapReport:
    """The gap report of the catalog ``state`` was loaded with, for one use case (None:
    the workspace).

    One pass over the controls that may apply at this level; the look-ups are the
    dictionaries :class:`ControlsState` holds (no query per use case), so the whole
    workspace's reports cost one load and a few microseconds per control."""
    applicable = covered = not_applicable = 0
    by_priority: dict[str, list[GapRow]] = {name: [] for name in _PRIORITY_ORDER}
    expiring: dict[int, list[str]] = {}
    horizon = today + dt.timedelta(days=EXPIRY_WINDOW_DAYS)
    labels, evidence_of, statuses = state.labels, state.evidence, state.statuses
    for control_id in state.candidates(use_case_id):
        row = statuses.get((control_id, use_case_id))
        if row is not None:  # set by the user (most rows): read as stored, no Entry built
            applies, status, source = row[APPLICABILITY] == _APPLIES, row[STATUS], SET
            owner, due = row[OWNER], row[DUE]
        else:
            applies, status, source, owner, due, _sid = state.standing(control_id, use_case_id)
        if not applies:
            not_applicable += source != ""
            continue
        applicable += 1
        ref, title, priority = labels[control_id]
        if state.may_have_evidence(control_id, use_case_id):
            direct, via = state.evidence_for(control_id, use_case_id)
            evidence = direct + via
            current = [e for e in evidence if evidence_of[e].current(today)]
            for e in current:
                until = evidence_of[e].valid_until
                if until is not None and until <= horizon:
                    expiring.setdefault(e, []).append(ref)
            held = _CURRENT if current else _NOT_CURRENT if evidence else _NO_EVIDENCE
        else:
            held = _NO_EVIDENCE
        if status in _DONE and held is _CURRENT:
            covered += 1
            continue
        gap = GapRow(
            control_id,
            ref,
            title,
            priority,
            status,
            owner,
            due_of(due) if isinstance(due, str) else due,
            _missing_text(status, held),
            source,
        )
        by_priority.setdefault(priority, []).append(gap)
    soon = []
    for evidence_id, refs in expiring.items():
        item = evidence_of[evidence_id]
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
        missing=tuple(row for rows in by_priority.values() for row in rows),
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
