"""Runbooks in the workspace: create, change and delete them with their escalation path,
rollback criteria and communication templates (each write one undoable operation), and
read them back.

A rollback criterion is given either as text (``"Hallucination rate > 4% for 2
consecutive snapshots"``, read by :func:`~..launch.criteria.parse_condition` and matched
to a tracked KPI by :func:`~..launch.criteria.match_kpi`, preferring the runbook's use
case) or as fields (``kpi_id``, ``op``, ``threshold``, ``unit``, ``consecutive``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, delete, select

from ...errors import NotFoundError, ValidationError
from ...models import (
    CommunicationChannel,
    CommunicationTemplate,
    Kpi,
    Release,
    RollbackCriterion,
    Runbook,
    RunbookContact,
    UseCase,
)
from .. import records
from ..changes import Changes
from ..launch.criteria import kpi_refs, match_kpi, parse_condition

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...store import Workspace

_RB = Runbook.__table__  # type: ignore[attr-defined]
_CONTACT = RunbookContact.__table__  # type: ignore[attr-defined]
_CRIT = RollbackCriterion.__table__  # type: ignore[attr-defined]
_TPL = CommunicationTemplate.__table__  # type: ignore[attr-defined]
_KPI = Kpi.__table__  # type: ignore[attr-defined]
_UC = UseCase.__table__  # type: ignore[attr-defined]
_REL = Release.__table__  # type: ignore[attr-defined]

CHANNEL_LABELS = {
    CommunicationChannel.INTERNAL: "Internal update",
    CommunicationChannel.CUSTOMER: "Customer notice",
    CommunicationChannel.STATUS_PAGE: "Status page",
}
_NESTED = ("contacts", "criteria", "templates")


@dataclass(frozen=True)
class ContactInfo:
    id: int
    role: str
    name: str
    reach: str


class ConditionText:
    """The ``condition`` in words of a record with a rollback criterion's fields."""

    kpi_name: str | None
    op: str
    threshold: float
    unit: str
    consecutive: int

    @property
    def condition(self) -> str:
        """The criterion in words: ``Hallucination rate > 4 % for 2 consecutive snapshots``."""
        unit = self.unit
        number = f"{self.threshold:g}{unit if unit in ('%', '') else ' ' + unit}"
        tail = f" for {self.consecutive} consecutive snapshots" if self.consecutive > 1 else ""
        return f"{self.kpi_name or '(no KPI)'} {self.op} {number}{tail}"


@dataclass(frozen=True)
class CriterionInfo(ConditionText):
    id: int
    text: str
    kpi_id: int | None
    kpi_name: str | None
    kpi_unit: str
    op: str
    threshold: float
    unit: str
    consecutive: int
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    channel: str
    subject: str
    body: str
    #: The version read with the rest (an edit of the row expects it: no lost update);
    #: not part of what makes two templates the same.
    version: int = field(default=0, compare=False)


@dataclass(frozen=True)
class RunbookInfo:
    id: int
    title: str
    use_case_id: int | None
    use_case: str
    release_id: int | None
    release: str
    owner: str
    scope: str
    safe_mode: str
    notes: str
    version: int
    contacts: tuple[ContactInfo, ...] = ()
    criteria: tuple[CriterionInfo, ...] = ()
    templates: tuple[TemplateInfo, ...] = ()

    def template(self, channel: str) -> TemplateInfo | None:
        return next((t for t in self.templates if t.channel == channel), None)

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(
            self,
            contacts=[records.record_dict(c) for c in self.contacts],
            criteria=[{**records.record_dict(c), "condition": c.condition} for c in self.criteria],
            templates=[records.record_dict(t) for t in self.templates],
        )


# -- reading -----------------------------------------------------------------------------------


def criteria_query() -> Select[Any]:
    """The rollback criteria, each with its KPI's name and unit (``kpi_name`` and
    ``kpi_unit``; None when the KPI is gone): what the runbooks and their check read."""
    return select(_CRIT, _KPI.c.name.label("kpi_name"), _KPI.c.unit.label("kpi_unit")).select_from(
        _CRIT.outerjoin(_KPI, _KPI.c.id == _CRIT.c.kpi_id)
    )


#: The id of the runbook ``ref`` names: an id or a title (any case).
find_runbook = records.RefFinder(
    _RB, "title", "runbook", id_hint="its id (aipm runbooks list)", list_names=True
)


def runbook_ids(*, ws: Workspace) -> list[int]:
    with ws.engine.connect() as conn:
        return [int(i) for (i,) in conn.execute(select(_RB.c.id).order_by(_RB.c.title, _RB.c.id))]


def load_runbooks(*, ws: Workspace, ids: Sequence[int] | None = None) -> list[RunbookInfo]:
    """Runbooks (all, or ``ids``) with their contacts, criteria and templates, by title."""
    query = (
        select(_RB, _UC.c.title.label("use_case_title"), _REL.c.name.label("release_name"))
        .select_from(
            _RB.outerjoin(_UC, _UC.c.id == _RB.c.use_case_id).outerjoin(
                _REL, _REL.c.id == _RB.c.release_id
            )
        )
        .order_by(_RB.c.title, _RB.c.id)
    )
    if ids is not None:
        query = query.where(_RB.c.id.in_(list(ids)))
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
        wanted = [r.id for r in rows]
        contacts: dict[int, list[ContactInfo]] = {}
        for c in conn.execute(
            select(_CONTACT)
            .where(_CONTACT.c.runbook_id.in_(wanted))
            .order_by(_CONTACT.c.position, _CONTACT.c.id)
        ):
            contacts.setdefault(c.runbook_id, []).append(ContactInfo(c.id, c.role, c.name, c.reach))
        criteria: dict[int, list[CriterionInfo]] = {}
        for c in conn.execute(
            criteria_query()
            .where(_CRIT.c.runbook_id.in_(wanted))
            .order_by(_CRIT.c.position, _CRIT.c.id)
        ):
            criteria.setdefault(c.runbook_id, []).append(
                records.from_row(CriterionInfo, c, kpi_unit=c.kpi_unit or "")
            )
        templates: dict[int, list[TemplateInfo]] = {}
        order = {ch.value: i for i, ch in enumerate(CommunicationChannel)}
        for t in conn.execute(select(_TPL).where(_TPL.c.runbook_id.in_(wanted))):
            templates.setdefault(t.runbook_id, []).append(
                TemplateInfo(t.id, t.channel, t.subject, t.body, t.version)
            )
    return [
        records.from_row(
            RunbookInfo,
            r,
            use_case=r.use_case_title or "",
            release=r.release_name or "",
            contacts=tuple(contacts.get(r.id, ())),
            criteria=tuple(criteria.get(r.id, ())),
            templates=tuple(sorted(templates.get(r.id, ()), key=lambda t: order[t.channel])),
        )
        for r in rows
    ]


def get_runbook(*, ws: Workspace, runbook_id: int) -> RunbookInfo:
    found = load_runbooks(ws=ws, ids=[runbook_id])
    if not found:
        raise NotFoundError(f"No runbook with id {runbook_id}.")
    return found[0]


# -- writes ------------------------------------------------------------------------------------


def _criterion_rows(
    session: Session, runbook: Runbook, specs: Sequence[Any]
) -> list[RollbackCriterion]:
    refs = None
    rows: list[RollbackCriterion] = []
    for position, spec in enumerate(specs):
        where = f"criterion {position + 1}"
        if isinstance(spec, str):
            condition = parse_condition(spec)
            if condition is None:
                raise ValidationError(
                    f"Invalid runbook: {where}: {spec!r} is not a KPI condition; write it "
                    'like "hallucination rate > 4% for 2 consecutive snapshots".',
                    [(where, "not a condition")],
                )
            if refs is None:
                refs = kpi_refs(session.connection())
            ref = match_kpi(condition.metric, refs, runbook.use_case_id)
            if ref is None:
                raise ValidationError(
                    f"Invalid runbook: {where}: no tracked KPI is called {condition.metric!r}.",
                    [(where, "unknown KPI")],
                )
            data: dict[str, Any] = {
                "kpi_id": ref.id,
                "op": condition.op,
                "threshold": condition.threshold,
                "unit": condition.unit,
                "consecutive": condition.consecutive,
                "text": spec.strip(),
            }
        elif isinstance(spec, Mapping):
            data = dict(spec)
        else:
            raise ValidationError(
                f"Invalid runbook: {where}: give a condition as text or fields",
                [(where, "bad criterion")],
            )
        if data.get("op") not in (None, ">", ">=", "<", "<="):
            raise ValidationError(
                f"Invalid runbook: {where}: a rollback criterion compares with >, >=, < or <=",
                [(where, "bad operator")],
            )
        data.update(runbook_id=runbook.id, position=position)
        try:
            rows.append(records.validate_create(RollbackCriterion, data))
        except ValidationError as error:
            raise ValidationError(f"{error} ({where})", error.errors) from error
    return rows


def _apply_nested(session: Session, runbook: Runbook, nested: Mapping[str, Any]) -> None:
    assert runbook.id is not None
    if "contacts" in nested:
        session.execute(delete(_CONTACT).where(_CONTACT.c.runbook_id == runbook.id))
        for position, contact in enumerate(nested["contacts"] or []):
            values = {**dict(contact), "runbook_id": runbook.id, "position": position}
            session.add(records.validate_create(RunbookContact, values))
    if "criteria" in nested:
        rows = _criterion_rows(session, runbook, list(nested["criteria"] or []))
        session.execute(delete(_CRIT).where(_CRIT.c.runbook_id == runbook.id))
        session.add_all(rows)
    if "templates" in nested:
        session.execute(delete(_TPL).where(_TPL.c.runbook_id == runbook.id))
        templates = nested["templates"] or {}
        if not isinstance(templates, Mapping):
            raise ValidationError(
                "Invalid runbook: templates: give them by channel (internal, customer, "
                "status_page)",
                [("templates", "not by channel")],
            )
        for channel, template in templates.items():
            if isinstance(template, str):
                template = {"body": template}
            session.add(
                records.validate_create(
                    CommunicationTemplate,
                    {**dict(template), "channel": channel, "runbook_id": runbook.id},
                )
            )
    session.flush()


def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    fields = {k: v for k, v in data.items() if k not in _NESTED}
    nested = {k: v for k, v in data.items() if k in _NESTED}
    return fields, nested


#: A runbook's writes: its fields, and its contacts, criteria and templates.
_WRITES = records.WithChildren(Runbook, _split, _apply_nested)


def create_runbook(
    *, ws: Workspace, data: Mapping[str, Any], who: str | None = None
) -> tuple[int, Changes]:
    """Add a runbook (one operation). ``data`` holds its fields and optionally
    ``contacts`` (role, name, reach), ``criteria`` (text or fields) and ``templates``
    (``{channel: {subject, body}}`` or ``{channel: body}``)."""
    return _WRITES.create(ws, data, "Add", who=who)


def update_runbook(
    *,
    ws: Workspace,
    runbook_id: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    who: str | None = None,
) -> Changes:
    """Change a runbook (one operation); ``contacts``, ``criteria`` or ``templates``
    given replace the runbook's whole list of them."""
    return _WRITES.update(ws, runbook_id, data, expected_version, who)


def add_criterion(
    *, ws: Workspace, runbook_id: int, criterion: str | Mapping[str, Any], who: str | None = None
) -> tuple[int, Changes]:
    """Append a rollback criterion to a runbook (one operation)."""
    with records.editing(
        ws,
        Runbook,
        runbook_id,
        lambda runbook: f"Add rollback criterion to {runbook.title}",
        who=who,
    ) as (session, runbook):
        count = len(
            session.execute(select(_CRIT.c.id).where(_CRIT.c.runbook_id == runbook_id)).all()
        )
        (row,) = _criterion_rows(session, runbook, [criterion])
        row.position = count
        return records.add_row(session, row)


def delete_criterion(*, ws: Workspace, criterion_id: int, who: str | None = None) -> Changes:
    return records.delete(ws=ws, model=RollbackCriterion, id=criterion_id, who=who)


def delete_runbook(*, ws: Workspace, runbook_id: int, who: str | None = None) -> Changes:
    """Delete a runbook with its contacts, criteria and templates (one operation)."""
    return records.delete(ws=ws, model=Runbook, id=runbook_id, who=who)
