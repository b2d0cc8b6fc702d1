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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from sqlalchemy import select

from ...errors import NotFoundError
from ...models import UseCase
from ...models.common import table_of
from ...store import Workspace
from .. import clock, records
from .catalogs import CATALOG_T
from .state import APPLICABILITY, APPLIES, DUE, OWNER, SET, STATUS, ControlsState, due_of

EXPIRY_WINDOW_DAYS = 30
#: Levels (use cases) counted between two calls of a ``progress`` callback.
PROGRESS_EVERY = 50
_USE_CASE_T = table_of(UseCase)
_DONE = ("implemented", "verified")
_PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


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


#: What a missing control keeps until its :class:`GapRow` is built: ``(control id,
#: status, owner, due date or its ISO text, what is missing, source)``.
Pending = tuple[int, str, str, "dt.date | str | None", str, str]


class Gaps(Sequence[GapRow]):
    """The missing controls of one level, high priority first and then in catalog order.

    Counted as the report is made, built as :class:`GapRow` records when first read: the
    overview of every use case shows only the counts (:meth:`by_priority`), and building
    a record per missing control of 1,000 use cases was most of its time."""

    __slots__ = ("_built", "_labels", "_pending")

    def __init__(
        self, pending: dict[str, list[Pending]], labels: dict[int, tuple[str, str, str]]
    ) -> None:
        self._pending, self._labels = pending, labels
        self._built: tuple[GapRow, ...] | None = None

    def by_priority(self) -> dict[str, int]:
        """How many are missing of each priority (high, medium, low always present)."""
        counts = dict.fromkeys(_PRIORITY_ORDER, 0)
        counts.update((name, len(rows)) for name, rows in self._pending.items() if rows)
        return counts

    def rows(self) -> tuple[GapRow, ...]:
        if self._built is None:
            labels = self._labels
            built: list[GapRow] = []
            add = built.append
            for rows in self._pending.values():
                for control_id, status, owner, due, held, source in rows:
                    ref, title, priority = labels[control_id]
                    due_date = None if due is None else due_of(due)
                    missing = _missing_text(status, held)
                    add(
                        GapRow(
                            control_id,
                            ref,
                            title,
                            priority,
                            status,
                            owner,
                            due_date,
                            missing,
                            source,
                        )
                    )
            self._built = tuple(built)
        return self._built

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._pending.values())

    @overload
    def __getitem__(self, index: int) -> GapRow: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[GapRow, ...]: ...
    def __getitem__(self, index: int | slice) -> GapRow | tuple[GapRow, ...]:
        return self.rows()[index]

    def __iter__(self) -> Iterator[GapRow]:
        return iter(self.rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Gaps | tuple | list):
            return self.rows() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Gaps({list(self.rows())!r})"


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
    missing: Gaps
    expiring: tuple[Expiring, ...]

    def missing_by_priority(self) -> dict[str, int]:
        return self.missing.by_priority()

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON carries it: the missing controls and expiring evidence as
        lists of plain dicts too."""
        return records.record_dict(
            self,
            missing=[row.as_dict() for row in self.missing],
            expiring=[item.as_dict() for item in self.expiring],
        )


_NO_EVIDENCE, _NOT_CURRENT, _CURRENT = "no evidence", "evidence not current", ""


@functools.cache
def _missing_text(status: str, evidence: str) -> str:
    """What keeps a control from being covered: its status unless done, and ``evidence``
    (no evidence, none current, or "" when some is current)."""
    parts = [] if status in _DONE else [str(status).replace("_", " ")]
    return ", ".join([*parts, evidence] if evidence else parts)


def _held(
    state: ControlsState,
    control_id: int,
    use_case_id: int | None,
    today: dt.date,
    expiring: dict[int, list[str]],
) -> str:
    """The evidence a control has for a use case (:data:`_CURRENT`, :data:`_NOT_CURRENT`
    or :data:`_NO_EVIDENCE`); current items expiring within the window are noted in
    ``expiring`` (evidence id -> the refs of the controls it satisfies)."""
    direct, via = state.evidence_for(control_id, use_case_id)
    evidence = direct + via
    current = [e for e in evidence if state.evidence[e].current(today)]
    horizon = today + dt.timedelta(days=EXPIRY_WINDOW_DAYS)
    for e in current:
        until = state.evidence[e].valid_until
        if until is not None and until <= horizon:
            expiring.setdefault(e, []).append(state.labels[control_id][0])
    return _CURRENT if current else _NOT_CURRENT if evidence else _NO_EVIDENCE


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
    dictionaries :class:`ControlsState` holds (no query per use case), and a missing
    control is kept as a tuple until its row is read (:class:`Gaps`), so the whole
    workspace's reports cost one load and well under a microsecond per control."""
    applicable = covered = not_applicable = 0
    pending: dict[str, list[Pending]] = {name: [] for name in _PRIORITY_ORDER}
    expiring: dict[int, list[str]] = {}
    labels, evidenced, may_have = state.labels, state.evidenced, state.may_have_evidence
    rows = state.by_scope.get(use_case_id, {})
    for control_id in state.candidates(use_case_id):
        row = rows.get(control_id)
        if row is not None:  # set by the user (most rows): read as stored
            if row[APPLICABILITY] != APPLIES:
                not_applicable += 1
                continue
            status, owner, due, source = row[STATUS], row[OWNER], row[DUE], SET
        else:
            applies, status, source, owner, due, _sid = state.standing(control_id, use_case_id)
            if not applies:
                not_applicable += source != ""
                continue
        applicable += 1
        if control_id in evidenced and may_have(control_id, use_case_id):
            held = _held(state, control_id, use_case_id, today, expiring)
            if held is _CURRENT and status in _DONE:
                covered += 1
                continue
        else:
            held = _NO_EVIDENCE
        priority = labels[control_id][2]
        gap = (control_id, status, owner, due, held, source)
        if priority in pending:
            pending[priority].append(gap)
        else:
            pending[priority] = [gap]
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
        missing=Gaps(pending, labels),
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
    state = ControlsState.load(ws=ws, catalog_id=catalog_id, levels=(use_case_id,))
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
    *,
    ws: Workspace,
    catalog_id: int,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[GapReport]:
    """The gap report of one catalog for the workspace level and each use case it has
    applicable controls for (use cases in id order).

    ``progress(done, total)`` is called as it goes (reading the workspace is the first
    step, then every :data:`PROGRESS_EVERY` levels); an exception it raises stops the
    work there (the GUI's Cancel)."""
    label = _catalog_label(ws, catalog_id)
    day = today or clock.today()
    scopes: list[tuple[int | None, str]] = [(None, "(workspace)")]
    scopes += list(_use_case_titles(ws).items())
    total = len(scopes) + 1
    if progress is not None:
        progress(0, total)
    state = ControlsState.load(ws=ws, catalog_id=catalog_id)
    out = []
    for done, (use_case_id, title) in enumerate(scopes, start=1):
        if progress is not None and done % PROGRESS_EVERY == 1:
            progress(done, total)
        rep = report(state, catalog=label, use_case_id=use_case_id, use_case=title, today=day)
        if rep.applicable:
            out.append(rep)
    if progress is not None:
        progress(total, total)
    return out
