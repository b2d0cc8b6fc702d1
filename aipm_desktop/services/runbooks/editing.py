"""What the Operations area's runbook editor writes beyond :mod:`.data`, and its list.

- :func:`runbook_list_spec`: the runbooks as a lazy list (title, use case, release,
  owner, the steps of the escalation path and the number of rollback criteria);
- :func:`update_criterion`: change one rollback criterion's fields (KPI, operator,
  threshold, unit, consecutive snapshots) in place, keeping its id and position;
- :func:`set_template`: write (or, with neither subject nor body, remove) the template of
  one channel, leaving the others as they are.

Each write is one undoable operation and returns :class:`~..changes.Changes`; a bad
value is a :class:`~...errors.ValidationError` and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from ...errors import ValidationError
from ...models import CommunicationChannel, CommunicationTemplate, RollbackCriterion, Runbook
from .. import conflicts, records
from ..changes import Changes
from ..listing import ListColumn, ListSpec, figure_column
from .data import _CONTACT, _CRIT, _RB, _REL, _TPL, _UC

if TYPE_CHECKING:
    from ...store import Workspace

#: The fields of a rollback criterion the editor changes; changing one drops the words
#: the criterion was first written in (its condition is read from the fields).
CRITERION_FIELDS = ("kpi_id", "op", "threshold", "unit", "consecutive")
OPERATORS = (">", ">=", "<", "<=")


def _count(table: Any) -> Any:
    return (
        select(func.count())
        .select_from(table)
        .where(table.c.runbook_id == _RB.c.id)
        .correlate(_RB)
        .scalar_subquery()
    )


def runbook_list_spec() -> ListSpec:
    """The runbooks, by use case then title (see the module docstring)."""
    return ListSpec.of(
        _RB,
        ListColumn("title", "Runbook", _RB.c.title, width=24),
        ListColumn("use_case", "Use case", _UC.c.title, width=16),
        ListColumn("release", "Release", _REL.c.name, width=12),
        ListColumn("owner", "Owner", _RB.c.owner, width=12),
        figure_column(
            "contacts",
            "Escalation",
            _count(_CONTACT),
            width=6,
            formatter="integer",
            tooltip="Steps of the escalation path",
        ),
        figure_column(
            "criteria",
            "Criteria",
            _count(_CRIT),
            width=6,
            formatter="integer",
            tooltip="Rollback criteria checked against the KPIs",
        ),
        source=_RB.outerjoin(_UC, _UC.c.id == _RB.c.use_case_id).outerjoin(
            _REL, _REL.c.id == _RB.c.release_id
        ),
        empty_text=(
            "No runbooks yet. Press \u201cNew runbook\u201d to write one per use case (or "
            "release): who to call, when to roll back, what safe mode does and what to tell "
            "customers."
        ),
        default_sort="use_case",
        depends_on=("runbook_contact", "rollback_criterion"),
    )


def update_criterion(
    *, ws: Workspace, criterion_id: int, data: Mapping[str, Any], who: str | None = None
) -> Changes:
    """Change fields of rollback criterion ``criterion_id`` (one operation): any of
    :data:`CRITERION_FIELDS`; the criterion is validated as a whole (a finite threshold,
    1 to 52 consecutive snapshots, a comparison of >, >=, < or <=)."""
    unknown = sorted(set(data) - set(CRITERION_FIELDS))
    if unknown:
        raise ValidationError(
            f"Invalid rollback criterion: {', '.join(unknown)} cannot be changed here.",
            [(name, "not editable") for name in unknown],
        )
    values = dict(data)
    if "op" in values and str(values["op"]) not in OPERATORS:
        raise ValidationError(
            "Invalid rollback criterion: a rollback criterion compares with >, >=, < or <=.",
            [("op", "bad operator")],
        )
    if values:
        values["text"] = ""
    records.update(ws=ws, model=RollbackCriterion, id=criterion_id, data=values, who=who)
    return Changes("rollback_criterion", (criterion_id,), "update")


def set_template(
    *,
    ws: Workspace,
    runbook_id: int,
    channel: str,
    subject: str | None = "",
    body: str | None = "",
    absent: bool = False,
    who: str | None = None,
) -> Changes:
    """Write the runbook's ``channel`` template (one operation); with neither a subject
    nor a body the template is removed. Nothing is written when nothing changes.

    A ``subject`` or ``body`` of None keeps the one stored. With ``absent`` (the caller
    read no template of the channel) a template stored meanwhile is not replaced: a
    :class:`~...errors.ConflictError` names it and nothing is written."""
    channel_value = str(channel).strip().lower().replace("-", "_")
    where = (_TPL.c.runbook_id == runbook_id) & (_TPL.c.channel == channel_value)
    with ws.engine.connect() as conn:
        found = conn.execute(
            select(_TPL.c.id, _TPL.c.subject, _TPL.c.body, _TPL.c.version).where(where)
        ).first()
    if absent and found is not None:
        kind = "communication_template"
        raise conflicts.conflict_error(
            conflicts.RecordConflict(kind, int(found.id), 0, found.version)
        )
    stored = (found.subject, found.body) if found is not None else ("", "")
    subject = (stored[0] if subject is None else subject).strip()
    body = (stored[1] if body is None else body).rstrip()
    template = records.validate_create(  # the channel is checked here, before any write
        CommunicationTemplate,
        {"runbook_id": runbook_id, "channel": channel_value, "subject": subject, "body": body},
    )
    wanted = CommunicationChannel(template.channel)
    changes = Changes("communication_template", (found.id,) if found else (), "update")
    if found is not None and stored == (subject, body):
        return changes
    if found is None and not (subject or body):
        return changes
    if found is not None and (subject or body):
        records.update(
            ws=ws,
            model=CommunicationTemplate,
            id=int(found.id),
            data={"subject": subject, "body": body},
            who=who,
        )
        return changes
    words = wanted.value.replace("_", " ")
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        runbook = records.existing(session, Runbook, runbook_id, what="runbook")
        session.info["label"] = f"Edit the {words} template of {runbook.title}"
        session.execute(delete(_TPL).where(where))
        if subject or body:
            session.add(template)
            session.flush()
    return Changes("communication_template", (template.id,) if template.id else (), "update")
