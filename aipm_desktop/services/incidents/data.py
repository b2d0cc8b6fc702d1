"""Incidents in the workspace: create, change, delete, move through open -> mitigated ->
resolved -> reviewed, add timeline entries and actions, link use cases, KPIs and risks,
and read them back (each write one undoable operation).

Status transitions stamp their timestamp when it is still empty: *mitigated* stamps
``mitigated_at``, *resolved* ``resolved_at`` (and ``mitigated_at`` when a resolution
came without a separate mitigation), *reviewed* ``reviewed_at``; every move past *open*
also stamps ``acknowledged_at`` when it is empty. Timestamps must follow each other
(detected <= acknowledged <= mitigated <= resolved <= reviewed), else nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import delete, insert, select

from ...errors import UserError, ValidationError
from ...models import (
    INCIDENT_TIMESTAMPS,
    FailureCategory,
    Incident,
    IncidentAction,
    IncidentActionKind,
    IncidentKpiLink,
    IncidentRiskLink,
    IncidentStatus,
    IncidentTimelineEntry,
    IncidentUseCaseLink,
    Kpi,
    Release,
    Risk,
    RootCauseClass,
    SeverityDefinition,
    UseCase,
    utcnow,
)
from ...models.validators import aware
from .. import records
from ..changes import Changes

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...store import Workspace

_I = Incident.__table__  # type: ignore[attr-defined]
_IU = IncidentUseCaseLink.__table__  # type: ignore[attr-defined]
_IK = IncidentKpiLink.__table__  # type: ignore[attr-defined]
_IR = IncidentRiskLink.__table__  # type: ignore[attr-defined]
_TL = IncidentTimelineEntry.__table__  # type: ignore[attr-defined]
_ACT = IncidentAction.__table__  # type: ignore[attr-defined]
_CAT = FailureCategory.__table__  # type: ignore[attr-defined]
_SEV = SeverityDefinition.__table__  # type: ignore[attr-defined]
_UC = UseCase.__table__  # type: ignore[attr-defined]
_KPI = Kpi.__table__  # type: ignore[attr-defined]
_RISK = Risk.__table__  # type: ignore[attr-defined]
_REL = Release.__table__  # type: ignore[attr-defined]

#: The order an incident moves through.
STATUS_ORDER = (
    IncidentStatus.OPEN,
    IncidentStatus.MITIGATED,
    IncidentStatus.RESOLVED,
    IncidentStatus.REVIEWED,
)
#: The timestamp each status stamps when it is reached.
STATUS_STAMP = {
    IncidentStatus.MITIGATED: "mitigated_at",
    IncidentStatus.RESOLVED: "resolved_at",
    IncidentStatus.REVIEWED: "reviewed_at",
}
#: Words for the action kinds and root-cause classes.
ACTION_LABELS = {
    IncidentActionKind.FEATURE_FLAG_ROLLBACK: "Feature-flag rollback",
    IncidentActionKind.SAFE_MODE: "Safe mode",
    IncidentActionKind.PROMPT_UPDATE: "Prompt update",
    IncidentActionKind.POLICY_FILTER: "Policy filter",
    IncidentActionKind.HOTFIX: "Hotfix",
    IncidentActionKind.DATA_EXCLUSION: "Data exclusion",
    IncidentActionKind.VENDOR_ESCALATION: "Vendor escalation",
    IncidentActionKind.OTHER: "Other",
}
ROOT_CAUSE_LABELS = {
    RootCauseClass.UX: "UX",
    RootCauseClass.DATA: "Data",
    RootCauseClass.MODEL: "Model",
    RootCauseClass.POLICY: "Policy",
    RootCauseClass.INFRASTRUCTURE: "Infrastructure",
    RootCauseClass.VENDOR: "Vendor",
}


class _Link(NamedTuple):
    """A link table from incidents to ``target`` (its ``column``), named by ``name_column``."""

    table: Any
    column: str
    target: Any
    name_column: str
    noun: str


_LINKS = {
    "use_case_ids": _Link(_IU, "use_case_id", _UC, "title", "use case"),
    "kpi_ids": _Link(_IK, "kpi_id", _KPI, "name", "KPI"),
    "risk_ids": _Link(_IR, "risk_id", _RISK, "title", "risk"),
}
_LINK_FIELDS = tuple(_LINKS)


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentSummary:
    """One incident in a list."""

    id: int
    title: str
    severity: str
    status: str
    category: str
    root_cause_class: str | None
    owner: str
    detected_at: dt.datetime
    acknowledged_at: dt.datetime | None
    mitigated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    use_cases: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        """Not yet resolved (open or mitigated)."""
        return self.status in (IncidentStatus.OPEN, IncidentStatus.MITIGATED)

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self, use_cases=list(self.use_cases))


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    at: dt.datetime
    who: str
    what: str


@dataclass(frozen=True)
class ActionEntry:
    id: int
    kind: str
    label: str
    at: dt.datetime
    who: str
    notes: str
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


@dataclass(frozen=True)
class IncidentDetail:
    """Everything about one incident: its fields, links, timeline and actions."""

    id: int
    title: str
    severity: str
    severity_name: str
    status: str
    category_id: int | None
    category: str
    root_cause_class: str | None
    release_id: int | None
    release: str
    owner: str
    customer_impact: str
    detected_at: dt.datetime
    acknowledged_at: dt.datetime | None
    mitigated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    description: str
    root_cause: str
    actions_text: str
    rolled_back: bool
    review_document_id: int | None
    version: int
    use_cases: tuple[tuple[int, str], ...] = ()
    kpis: tuple[tuple[int, str], ...] = ()
    risks: tuple[tuple[int, str], ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    actions: tuple[ActionEntry, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(
            self,
            use_cases=[{"id": i, "title": t} for i, t in self.use_cases],
            kpis=[{"id": i, "name": n} for i, n in self.kpis],
            risks=[{"id": i, "title": t} for i, t in self.risks],
            timeline=[records.record_dict(e) for e in self.timeline],
            actions=[records.record_dict(a) for a in self.actions],
        )


#: The id of the incident ``ref`` names: an id or a title (any case).
find_incident = records.RefFinder(_I, "title", "incident", id_hint="its id (aipm incidents list)")


def summaries(*, ws: Workspace, open_only: bool = False) -> list[IncidentSummary]:
    """Every incident, newest detected first (only the unresolved ones with ``open_only``)."""
    query = select(
        _I.c.id,
        _I.c.title,
        _I.c.severity,
        _I.c.status,
        _CAT.c.name.label("category"),
        _I.c.root_cause_class,
        _I.c.owner,
        *(_I.c[name] for name in INCIDENT_TIMESTAMPS),
    ).select_from(_I.outerjoin(_CAT, _CAT.c.id == _I.c.category_id))
    if open_only:
        query = query.where(_I.c.status.in_([IncidentStatus.OPEN, IncidentStatus.MITIGATED]))
    query = query.order_by(_I.c.detected_at.desc(), _I.c.id.desc())
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
        names: dict[int, list[str]] = {}
        for incident_id, title in conn.execute(
            select(_IU.c.incident_id, _UC.c.title)
            .join(_UC, _UC.c.id == _IU.c.use_case_id)
            .order_by(_UC.c.title)
        ):
            names.setdefault(int(incident_id), []).append(title)
    return [
        records.from_row(
            IncidentSummary, r, category=r.category or "", use_cases=tuple(names.get(r.id, ()))
        )
        for r in rows
    ]


def detail(*, ws: Workspace, incident_id: int) -> IncidentDetail:
    """One incident with its links, timeline (by time) and actions (by time)."""
    with ws.engine.connect() as conn:
        return _detail(conn, incident_id)


def detail_from_session(session: Any, incident_id: int) -> IncidentDetail:
    """:func:`detail` inside an open session (a write, the demo builder)."""
    return _detail(session.connection(), incident_id)


def _detail(conn: Any, incident_id: int) -> IncidentDetail:
    row = records.named_row(
        conn,
        _I,
        incident_id,
        "incident",
        category_name=(_CAT.c.name, _CAT.c.id == _I.c.category_id),
        severity_name=(_SEV.c.name, _SEV.c.severity == _I.c.severity),
        release_name=(_REL.c.name, _REL.c.id == _I.c.release_id),
    )
    timeline = conn.execute(
        select(_TL.c.id, _TL.c.at, _TL.c.who, _TL.c.what)
        .where(_TL.c.incident_id == incident_id)
        .order_by(_TL.c.at, _TL.c.id)
    ).all()
    actions = conn.execute(
        select(_ACT.c.id, _ACT.c.kind, _ACT.c.at, _ACT.c.who, _ACT.c.notes, _ACT.c.version)
        .where(_ACT.c.incident_id == incident_id)
        .order_by(_ACT.c.at, _ACT.c.id)
    ).all()
    return records.from_row(
        IncidentDetail,
        row,
        category=row.category_name,
        release=row.release_name,
        actions_text=row.actions,
        rolled_back=bool(row.rolled_back),
        use_cases=_linked(conn, _LINKS["use_case_ids"], incident_id),
        kpis=_linked(conn, _LINKS["kpi_ids"], incident_id),
        risks=_linked(conn, _LINKS["risk_ids"], incident_id),
        timeline=tuple(TimelineEntry(int(e.id), e.at, e.who, e.what) for e in timeline),
        actions=tuple(
            ActionEntry(
                int(a.id),
                a.kind,
                ACTION_LABELS.get(IncidentActionKind(a.kind), a.kind),
                a.at,
                a.who,
                a.notes,
                a.version,
            )
            for a in actions
        ),
    )


def _linked(conn: Any, link: _Link, incident_id: int) -> tuple[tuple[int, str], ...]:
    """(id, name) of the records ``link`` ties to the incident, by name."""
    name = link.target.c[link.name_column]
    rows = conn.execute(
        select(link.target.c.id, name)
        .join(link.table, link.table.c[link.column] == link.target.c.id)
        .where(link.table.c.incident_id == incident_id)
        .order_by(name)
    ).all()
    return tuple((int(i), str(n)) for i, n in rows)


# -- writes ------------------------------------------------------------------------------------


def _split_links(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[int] | None]]:
    fields = {k: v for k, v in data.items() if k not in _LINK_FIELDS}
    links: dict[str, list[int] | None] = {}
    for name in _LINK_FIELDS:
        if name in data:
            value = data[name]
            if value is None:
                links[name] = []
                continue
            if isinstance(value, str | bytes) or not isinstance(value, Iterable):
                raise ValidationError(
                    f"Invalid incident: {name}: a list of ids is expected", [(name, "not a list")]
                )
            try:
                links[name] = sorted({int(v) for v in value})
            except (TypeError, ValueError) as error:
                raise ValidationError(
                    f"Invalid incident: {name}: ids are whole numbers", [(name, "not an id")]
                ) from error
    return fields, links


def _set_links(session: Any, incident: Incident, links: Mapping[str, list[int] | None]) -> None:
    incident_id = incident.id
    assert incident_id is not None
    for name, wanted in links.items():
        if wanted is None:
            continue
        table, column, target, _name_column, noun = _LINKS[name]
        found = {
            int(i)
            for i in session.execute(select(target.c.id).where(target.c.id.in_(wanted))).scalars()
        }
        missing = [i for i in wanted if i not in found]
        if missing:
            raise ValidationError(
                f"Invalid incident: {name}: no {noun} with id {missing[0]}",
                [(name, "unknown id")],
            )
        current = {
            int(i)
            for i in session.execute(
                select(table.c[column]).where(table.c.incident_id == incident_id)
            ).scalars()
        }
        gone = current - set(wanted)
        new = [i for i in wanted if i not in current]
        if gone:
            session.execute(
                delete(table).where(
                    (table.c.incident_id == incident_id) & table.c[column].in_(sorted(gone))
                )
            )
        if new:
            session.execute(insert(table), [{"incident_id": incident_id, column: i} for i in new])


#: An incident's writes: its fields, and its links to use cases, KPIs and risks.
_WRITES = records.WithChildren(Incident, _split_links, _set_links)


def create_incident(
    *, ws: Workspace, data: Mapping[str, Any], who: str | None = None
) -> tuple[int, Changes]:
    """Open an incident (one operation). ``data`` holds the incident's fields and
    optionally ``use_case_ids``, ``kpi_ids`` and ``risk_ids``; ``detected_at`` defaults
    to now."""
    return _WRITES.create(ws, {"detected_at": utcnow(), **data}, "Open", who=who)


def update_incident(
    *,
    ws: Workspace,
    incident_id: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    who: str | None = None,
) -> Changes:
    """Change an incident's fields and links (one operation); the merged incident is
    validated as a whole (timestamps in order)."""
    return _WRITES.update(ws, incident_id, data, expected_version, who)


def delete_incident(*, ws: Workspace, incident_id: int, who: str | None = None) -> Changes:
    """Delete an incident with its timeline, actions and links (one operation)."""
    return records.delete(ws=ws, model=Incident, id=incident_id, who=who)


def set_status(
    *,
    ws: Workspace,
    incident_id: int,
    status: str,
    at: dt.datetime | None = None,
    who: str | None = None,
) -> Changes:
    """Move an incident to ``status`` (one operation), stamping the timestamps the move
    implies when they are empty (at ``at``, default now; see the module docstring).

    Going back (e.g. resolved -> open, a regression reopened) keeps the timestamps. A
    timestamp before an earlier one is refused with a :class:`ValidationError`.
    """
    target = records.choice_of(
        IncidentStatus, status, what="incident status", field="status", options=STATUS_ORDER
    )
    moment = aware(at) or utcnow()
    with records.editing(
        ws, Incident, incident_id, lambda obj: f"Incident {obj.title}: {target.value}", who=who
    ) as (_session, obj):
        data: dict[str, Any] = {"status": target}
        rank = STATUS_ORDER.index(target)
        if rank >= 1 and obj.acknowledged_at is None:
            data["acknowledged_at"] = min(moment, _earliest_after_detection(obj, moment))
        for reached in STATUS_ORDER[1 : rank + 1]:
            stamp = STATUS_STAMP[reached]
            if getattr(obj, stamp) is None:
                data[stamp] = moment
        if target == IncidentStatus.RESOLVED and obj.mitigated_at is None:
            data["mitigated_at"] = moment
        records.update(ws=ws, model=Incident, id=incident_id, data=data, who=who)
    return Changes("incident", (incident_id,), "update")


def _earliest_after_detection(obj: Incident, moment: dt.datetime) -> dt.datetime:
    """The moment to stamp as acknowledged: ``moment``, never after a later stamp."""
    later = [
        aware(getattr(obj, name))
        for name in ("mitigated_at", "resolved_at", "reviewed_at")
        if getattr(obj, name) is not None
    ]
    return min([moment, *(v for v in later if v is not None)])


def acknowledge(
    *, ws: Workspace, incident_id: int, at: dt.datetime | None = None, who: str | None = None
) -> Changes:
    """Stamp ``acknowledged_at`` (one operation); refused when it is already set."""
    moment = aware(at) or utcnow()
    with records.editing(
        ws, Incident, incident_id, lambda obj: f"Acknowledge incident {obj.title}", who=who
    ) as (_session, obj):
        if obj.acknowledged_at is not None:
            raise UserError(f"Incident {obj.title!r} is already acknowledged.")
        records.update(
            ws=ws, model=Incident, id=incident_id, data={"acknowledged_at": moment}, who=who
        )
    return Changes("incident", (incident_id,), "update")


def add_timeline_entry(
    *,
    ws: Workspace,
    incident_id: int,
    what: str,
    who: str = "",
    at: dt.datetime | None = None,
    actor: str | None = None,
) -> tuple[int, Changes]:
    """Add a line to an incident's timeline (one operation); ``at`` defaults to now."""
    entry = records.validate_create(
        IncidentTimelineEntry,
        {"incident_id": incident_id, "what": what, "who": who, "at": at or utcnow()},
    )
    with ws.write(label="Add incident timeline entry", who=actor) as session:
        records.existing(session, Incident, incident_id, what="incident")
        return records.add_row(session, entry)


def add_action(
    *,
    ws: Workspace,
    incident_id: int,
    kind: str,
    who: str = "",
    at: dt.datetime | None = None,
    notes: str = "",
    actor: str | None = None,
) -> tuple[int, Changes]:
    """Record a mitigation action (one operation). A feature-flag rollback also marks
    the incident as rolled back."""
    action = records.validate_create(
        IncidentAction,
        {
            "incident_id": incident_id,
            "kind": _action_kind(kind),
            "who": who,
            "at": at or utcnow(),
            "notes": notes,
        },
    )
    with ws.write(label=f"Add incident action: {_label(action)}", who=actor) as session:
        obj = records.existing(session, Incident, incident_id, what="incident")
        _mark_rolled_back(obj, action.kind)
        return records.add_row(session, action)


def _action_kind(value: Any) -> IncidentActionKind:
    """``Feature-flag rollback`` / ``feature-flag-rollback`` as the stored kind; a
    ValidationError naming the kinds otherwise."""
    return records.choice_of(
        IncidentActionKind,
        str(value).strip().lower().replace("-", "_").replace(" ", "_"),
        what="action kind",
        field="kind",
        problem="unknown action",
    )


def _mark_rolled_back(incident: Incident, kind: str) -> None:
    """A feature-flag rollback marks its incident as rolled back."""
    if kind == IncidentActionKind.FEATURE_FLAG_ROLLBACK and not incident.rolled_back:
        incident.rolled_back = True
        records.touch(incident)


def _unmark_rolled_back(session: Session, incident: Incident, kind: str) -> None:
    """A feature-flag rollback taken back (deleted, or changed into another action)
    clears the mark it set, unless another rollback of the incident is still recorded."""
    if kind != IncidentActionKind.FEATURE_FLAG_ROLLBACK or not incident.rolled_back:
        return
    left = session.connection().execute(
        select(_ACT.c.id).where(_ACT.c.incident_id == incident.id, _ACT.c.kind == kind).limit(1)
    )
    if left.first() is None:
        incident.rolled_back = False
        records.touch(incident)


def update_action(
    *, ws: Workspace, action_id: int, data: Mapping[str, Any], actor: str | None = None
) -> Changes:
    """Change what an action was, who took it, when, or its notes (one operation; the
    action is checked as a whole). Changing it into a feature-flag rollback marks the
    incident as rolled back, as adding one does."""
    values = dict(data)
    if "incident_id" in values:
        raise ValidationError(
            "An action stays with its incident.", [("incident_id", "not editable")]
        )
    if "kind" in values:
        values["kind"] = _action_kind(values["kind"])
    with records.editing(
        ws, IncidentAction, action_id, lambda a: "Edit incident action", who=actor
    ) as (session, action):
        before = action.kind
        records.update(ws=ws, model=IncidentAction, id=action_id, data=values, who=actor)
        incident = records.existing(session, Incident, action.incident_id, what="incident")
        _mark_rolled_back(incident, action.kind)
        if action.kind != before:
            session.flush()
            _unmark_rolled_back(session, incident, before)
    return Changes("incident_action", (action_id,), "update")


def delete_timeline_entry(*, ws: Workspace, entry_id: int, who: str | None = None) -> Changes:
    return records.delete(ws=ws, model=IncidentTimelineEntry, id=entry_id, who=who)


def delete_action(*, ws: Workspace, action_id: int, who: str | None = None) -> Changes:
    """Delete an action (one operation). Deleting an incident's last feature-flag
    rollback also takes back the rolled-back mark that rollback set."""
    with records.editing(
        ws, IncidentAction, action_id, lambda a: f"Delete incident action: {_label(a)}", who=who
    ) as (session, action):
        incident = records.existing(session, Incident, action.incident_id, what="incident")
        session.delete(action)
        session.flush()
        _unmark_rolled_back(session, incident, action.kind)
    return Changes("incident_action", (action_id,), "delete")


def _label(action: IncidentAction) -> str:
    kind = IncidentActionKind(action.kind)
    return ACTION_LABELS.get(kind, kind.value)
