"""Everything the control views compute from, read in a few queries: :class:`ControlsState`.

Applicability of a control to a use case (:meth:`ControlsState.entry`), in this order:

1. a :class:`~aipm_desktop.models.ControlStatus` row the user set decides (applies, or
   not applicable with its justification), with its status, owner and due date;
2. else the tier check derives it: the control lists the tiers (``applies_tiers``) or
   questions (``applies_answers``) that make it apply, and the roles it falls to; the
   use case's role (:class:`~aipm_desktop.models.ControlProfile`, default both) must be
   among them. For an EU AI Act article the tier check also tracks as an obligation
   item (:mod:`..ai_act`), that item gives the status (open -> not started, in progress
   / blocked -> in progress, done -> implemented), owner and due date, and an item
   marked not applicable makes the article not applicable;
3. else it is not in scope (the user chooses it with ``apply``).

Organisation-wide controls (scope ``organisation``) are tracked once for the workspace
(``use_case_id`` None); the tier check makes them apply when it makes them apply to any
use case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, or_, select

from ...models import (
    AiActAssessment,
    AiActRole,
    Applicability,
    ComplianceObligation,
    ControlProfile,
    ControlScope,
    ControlState,
    EvidenceItem,
    MappingStrength,
)
from ...models.common import table_of
from ...store import Workspace
from .catalogs import CATALOG_T, CONTROL_T, EVIDENCE_LINK_T, MAPPING_T, STATUS_T

_FROM_OBLIGATION = {
    "open": ControlState.NOT_STARTED,
    "in_progress": ControlState.IN_PROGRESS,
    "blocked": ControlState.IN_PROGRESS,
    "done": ControlState.IMPLEMENTED,
}
#: How a control's applicability was decided (shown beside it).
SET, OBLIGATION, TIER_CHECK = "set", "obligation item", "tier check"
_STATUS_COLUMNS = (
    "id", "control_id", "use_case_id", "applicability", "justification", "status", "owner",
    "due_date",
)  # fmt: skip
_EVIDENCE_COLUMNS = ("id", "title", "use_case_id", "valid_from", "valid_until")
#: Stored status text -> its member (a dict look-up is far cheaper than ``ControlState(x)``).
STATES = {state.value: state for state in ControlState}
#: Positions in a status row (see ``_STATUS_COLUMNS``).
ROW_ID, _CONTROL, _USE_CASE, APPLICABILITY, JUSTIFICATION, STATUS, OWNER, DUE = range(8)
#: The stored applicability of a control that applies.
APPLIES = Applicability.APPLIES.value
#: See :meth:`ControlsState.standing`.
Standing = tuple[bool, str, str, str, "dt.date | str | None", "int | None"]


def plain(conn: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as the driver's plain tuples: no row objects and no result
    type processing (on SQLite a date reads as its ISO text, on PostgreSQL as a date), a
    third of the time of ``conn.execute(query).all()`` for the many status rows."""
    result = conn.execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def due_of(value: str | dt.date | None) -> dt.date | None:
    """A due date as read by :func:`plain`: ISO text on SQLite, a date on PostgreSQL
    (None stays None)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value) if value else None
    return value


#: Not frozen, with slots: built once per control and use case, where a frozen
#: dataclass's slower ``__init__`` was a fifth of the whole-workspace time.
@dataclass(slots=True)
class Entry:
    """A control as it stands for one use case (None: the workspace)."""

    control_id: int
    use_case_id: int | None
    applies: bool
    source: str
    status: ControlState = ControlState.NOT_STARTED
    owner: str = ""
    due_date: dt.date | None = None
    justification: str = ""
    status_id: int | None = None


def set_entry(row: Any) -> Entry:
    """The :class:`Entry` of a status row the user set (see :attr:`ControlsState.by_scope`)."""
    return Entry(
        row[_CONTROL],
        row[_USE_CASE],
        row[APPLICABILITY] == Applicability.APPLIES,
        SET,
        STATES.get(row[STATUS], ControlState.NOT_STARTED),
        row[OWNER],
        due_of(row[DUE]),
        row[JUSTIFICATION],
        row[ROW_ID],
    )


@dataclass(frozen=True)
class Evidence:
    id: int
    title: str
    use_case_id: int | None
    valid_from: dt.date | None
    valid_until: dt.date | None

    def current(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass
class ControlsState:
    """The controls, statuses, tier checks, roles, obligation items, evidence and
    crosswalk of a workspace (or of one catalog's controls)."""

    controls: dict[int, Any] = field(default_factory=dict)
    catalog_keys: dict[int, str] = field(default_factory=dict)
    #: Control -> (ref, title, priority): what the whole-workspace views show of it.
    labels: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    #: The loaded controls tracked once for the workspace, and those tracked per use case.
    organisation: set[int] = field(default_factory=set)
    per_use_case: set[int] = field(default_factory=set)
    tiers: dict[int, tuple[str, dict[str, bool]]] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    obligations: dict[tuple[int, str], Any] = field(default_factory=dict)
    evidence: dict[int, Evidence] = field(default_factory=dict)
    #: (control, use case the evidence belongs to, None: all) -> evidence item ids.
    direct: dict[tuple[int, int | None], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )
    equivalent: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    related: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    #: Use case (None: the workspace) -> control -> the status row the user set there
    #: (columns as ``_STATUS_COLUMNS``, the due date as text; :func:`set_entry` reads one).
    by_scope: dict[int | None, dict[int, Any]] = field(default_factory=lambda: defaultdict(dict))
    #: The controls some evidence may satisfy at some level (linked to it or to an
    #: equivalent control): a cheap first test before :meth:`may_have_evidence`.
    evidenced: set[int] = field(default_factory=set)
    #: Catalog position of each control (iteration order of the views).
    order: dict[int, int] = field(default_factory=dict)
    #: The controls the tier check can make apply; EU AI Act ref -> control id.
    derivable: list[int] = field(default_factory=list)
    eu_refs: dict[str, int] = field(default_factory=dict)
    #: Use case -> the articles it has obligation items for.
    articles: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(
        cls,
        *,
        ws: Workspace,
        catalog_id: int | None = None,
        levels: Iterable[int | None] | None = None,
    ) -> ControlsState:
        """Read the state of one catalog's controls (None: every catalog). With
        ``levels`` (use case ids, None for the workspace) only the status rows of those
        levels are read, and only they may be asked about: one use case's view then
        reads its own rows, not every use case's."""
        state = cls()
        with ws.engine.connect() as conn:
            query = select(CONTROL_T, CATALOG_T.c.key.label("catalog_key")).join(
                CATALOG_T, CATALOG_T.c.id == CONTROL_T.c.catalog_id
            )
            if catalog_id is not None:
                query = query.where(CONTROL_T.c.catalog_id == catalog_id)
            for row in conn.execute(query.order_by(CONTROL_T.c.position, CONTROL_T.c.id)).all():
                state.controls[row.id] = row
                state.labels[row.id] = (row.ref, row.title, row.priority)
                if row.scope == ControlScope.ORGANISATION:
                    state.organisation.add(row.id)
                else:
                    state.per_use_case.add(row.id)
                state.catalog_keys[row.id] = row.catalog_key
                state.order[row.id] = len(state.order)
                if row.applies_tiers or row.applies_answers:
                    state.derivable.append(row.id)
                if row.catalog_key == "eu_ai_act":
                    state.eu_refs[row.ref] = row.id
            # the driver's tuples (:func:`plain`): on SQLite the due date stays ISO text,
            # parsed only where shown (100k rows: row objects and date conversion were
            # two thirds of the read time)
            statuses = select(*(STATUS_T.c[name] for name in _STATUS_COLUMNS))
            if catalog_id is not None:
                statuses = statuses.join(CONTROL_T, CONTROL_T.c.id == STATUS_T.c.control_id)
                statuses = statuses.where(CONTROL_T.c.catalog_id == catalog_id)
            if levels is not None:
                chosen = set(levels)
                ids = [uc for uc in chosen if uc is not None]
                where = STATUS_T.c.use_case_id.in_(ids)
                statuses = statuses.where(
                    or_(where, STATUS_T.c.use_case_id.is_(None)) if None in chosen else where
                )
            by_scope = state.by_scope
            for status_row in plain(conn, statuses):
                by_scope[status_row[_USE_CASE]][status_row[_CONTROL]] = status_row
            for row in conn.execute(select(table_of(AiActAssessment))):
                state.tiers[row.use_case_id] = (row.tier, dict(row.answers or {}))
            profiles = conn.execute(select(table_of(ControlProfile)))
            state.roles = {row.use_case_id: row.role for row in profiles}
            for row in conn.execute(select(table_of(ComplianceObligation))):
                state.obligations[(row.use_case_id, row.article)] = row
                state.articles[row.use_case_id].append(row.article)
            evidence = table_of(EvidenceItem)
            for row in conn.execute(select(*(evidence.c[n] for n in _EVIDENCE_COLUMNS))):
                state.evidence[row.id] = Evidence(*row)
            for evidence_id, control_id in plain(conn, select(EVIDENCE_LINK_T)):
                owner = state.evidence[evidence_id].use_case_id
                state.direct[(control_id, owner)].append(evidence_id)
            for row in conn.execute(select(MAPPING_T)):
                group = (
                    state.equivalent
                    if row.strength == MappingStrength.EQUIVALENT
                    else state.related
                )
                group[row.from_control_id].add(row.to_control_id)
                group[row.to_control_id].add(row.from_control_id)
        state.evidenced = {control_id for control_id, _uc in state.direct}
        state.evidenced.update(state.equivalent)
        return state

    # -- applicability ---------------------------------------------------------------------

    def _derived(self, control: Any, use_case_id: int) -> bool:
        tier = self.tiers.get(use_case_id)
        if tier is None or not (control.applies_tiers or control.applies_answers):
            return False
        name, answers = tier
        hit = name in (control.applies_tiers or []) or any(
            answers.get(key) for key in control.applies_answers or []
        )
        role = self.roles.get(use_case_id, AiActRole.BOTH)
        return hit and (role == AiActRole.BOTH or control.roles in (AiActRole.BOTH, role))

    def entry(self, control_id: int, use_case_id: int | None) -> Entry:
        """The control ``control_id`` for ``use_case_id`` (None: the workspace)."""
        stored = self.status_row(control_id, use_case_id)
        if stored is not None:
            return set_entry(stored)
        control = self.controls[control_id]
        if use_case_id is None:
            applies = any(self._derived(control, uc) for uc in self.tiers)
            return Entry(control_id, None, applies, TIER_CHECK if applies else "")
        applies = self._derived(control, use_case_id)
        item = None
        if self.catalog_keys[control_id] == "eu_ai_act":
            item = self.obligations.get((use_case_id, control.ref))
        if item is not None and item.status == "not_applicable":
            why = item.evidence or "marked not applicable on the obligation item"
            return Entry(control_id, use_case_id, False, OBLIGATION, justification=why)
        if item is not None and applies:
            state = _FROM_OBLIGATION.get(item.status, ControlState.NOT_STARTED)
            owner, due = item.owner, item.due_date
            return Entry(control_id, use_case_id, True, OBLIGATION, state, owner, due)
        return Entry(control_id, use_case_id, applies, TIER_CHECK if applies else "")

    def standing(self, control_id: int, use_case_id: int | None) -> Standing:
        """What :meth:`entry` says, as a plain tuple ``(applies, status value, source,
        owner, due date or its ISO text, status row id)``: the whole-workspace views read
        it for each control and use case, without building an :class:`Entry` for the
        rows the user set (most of them)."""
        row = self.status_row(control_id, use_case_id)
        if row is not None:
            applies = row[APPLICABILITY] == APPLIES
            return applies, row[STATUS], SET, row[OWNER], row[DUE], row[ROW_ID]
        entry = self.entry(control_id, use_case_id)
        status = entry.status.value
        return entry.applies, status, entry.source, entry.owner, entry.due_date, None

    def status_row(self, control_id: int, use_case_id: int | None) -> Any:
        """The status row the user set for a control and use case (None: not set)."""
        rows = self.by_scope.get(use_case_id)
        return None if rows is None else rows.get(control_id)

    def candidates(self, use_case_id: int | None) -> list[int]:
        """The controls that may apply at this level (set there, derivable by the tier
        check, or tracked as an obligation item), in catalog order, among those loaded:
        what a view walks instead of every control."""
        found = set(self.by_scope.get(use_case_id, ()))
        if use_case_id is None or use_case_id in self.tiers:
            found.update(self.derivable)
        if use_case_id is not None:
            articles = self.articles.get(use_case_id, ())
            found.update(self.eu_refs[a] for a in articles if a in self.eu_refs)
        found &= self.organisation if use_case_id is None else self.per_use_case
        return sorted(found, key=self.order.__getitem__)

    def in_scope(self, control_id: int, use_case_id: int | None) -> bool:
        """Whether the control is tracked at this level (organisation-wide controls at the
        workspace level, the others per use case)."""
        return control_id in (self.organisation if use_case_id is None else self.per_use_case)

    # -- evidence --------------------------------------------------------------------------

    def _linked(self, control_id: int, use_case_id: int | None) -> list[int]:
        """Evidence linked to a control that serves the use case: its own and the
        workspace-wide items."""
        own = self.direct.get((control_id, use_case_id), [])
        if use_case_id is None:
            return own
        return own + self.direct.get((control_id, None), [])

    def may_have_evidence(self, control_id: int, use_case_id: int | None) -> bool:
        """False when no evidence can satisfy the control for the use case (nothing linked
        to it or to an equivalent control): :meth:`evidence_for` is then ``([], [])``."""
        direct = self.direct
        return (
            (control_id, use_case_id) in direct
            or (control_id, None) in direct
            or control_id in self.equivalent
        )

    def evidence_for(self, control_id: int, use_case_id: int | None) -> tuple[list[int], list[int]]:
        """The evidence items satisfying a control for a use case: ``(direct, via an
        equivalent control of the crosswalk)``; items of another use case do not count."""
        direct = sorted(self._linked(control_id, use_case_id))
        others = self.equivalent.get(control_id)
        if not others:
            return direct, []
        via = {e for other in others for e in self._linked(other, use_case_id)}
        return direct, sorted(via.difference(direct))
