"""Writes of applicability and status: one control for one use case (or the workspace),
a use case's EU AI Act role, and the risks, mitigation actions and launch checks linked to
a control's status. Each call is one undoable operation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlmodel import Session, col

from ...errors import ValidationError
from ...models import (
    AiActRole,
    Applicability,
    Control,
    ControlProfile,
    ControlScope,
    ControlState,
    ControlStatus,
    ControlStatusLaunchCheckLink,
    ControlStatusMitigationActionLink,
    ControlStatusRiskLink,
    LaunchCheck,
    MitigationAction,
    Risk,
    UseCase,
)
from ...models.common import table_of
from ...store import Workspace
from .. import records
from ..changes import Changes

#: Link kind -> (link table, its target column, the target model).
LINKS: dict[str, tuple[Any, str, Any]] = {
    "risks": (table_of(ControlStatusRiskLink), "risk_id", Risk),
    "mitigations": (
        table_of(ControlStatusMitigationActionLink),
        "mitigation_action_id",
        MitigationAction,
    ),
    "launch_checks": (table_of(ControlStatusLaunchCheckLink), "launch_check_id", LaunchCheck),
}
_FIELDS = ("applicability", "justification", "status", "owner", "due_date", "notes")


def _status_row(session: Session, control_id: int, use_case_id: int | None) -> Any:
    query = select(ControlStatus).where(col(ControlStatus.control_id) == control_id)
    if use_case_id is None:
        query = query.where(col(ControlStatus.use_case_id).is_(None))
    else:
        query = query.where(col(ControlStatus.use_case_id) == use_case_id)
    return session.execute(query).scalar_one_or_none()


def set_status(
    *,
    ws: Workspace,
    control_id: int,
    use_case_id: int | None,
    values: Mapping[str, Any],
    links: Mapping[str, Iterable[int]] | None = None,
    who: str | None = None,
) -> Changes:
    """Set a control's applicability, status, owner, due date, justification or notes for
    a use case (None: the workspace), creating its status row on first use; ``links``
    (``risks``, ``mitigations``, ``launch_checks``: ids) replace the linked records of
    the kinds given. "Not applicable" needs a justification."""
    unknown = set(values) - set(_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown control status field(s): {', '.join(sorted(unknown))}.")
    for kind in links or {}:
        if kind not in LINKS:
            raise ValidationError(f"Unknown link kind {kind!r}; choose one of: {', '.join(LINKS)}.")
    given = dict(values)
    if "applicability" in given:
        given["applicability"] = records.choice_of(
            Applicability,
            given["applicability"],
            what="applicability",
            field="applicability",
            problem="unknown applicability",
        )
    if "status" in given:
        given["status"] = records.choice_of(
            ControlState, given["status"], what="status", field="status"
        )
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        control = records.existing(session, Control, control_id)
        if use_case_id is not None:
            records.existing(session, UseCase, use_case_id)
            if control.scope == ControlScope.ORGANISATION:
                raise ValidationError(
                    f"Control {control.ref} is organisation-wide: set its status for the "
                    "workspace, not for a use case."
                )
        row = _status_row(session, control_id, use_case_id)
        where = f" for use case #{use_case_id}" if use_case_id else " for the workspace"
        session.info["label"] = f"Set control {control.ref}{where}"
        if row is None:
            obj = records.validate_create(
                ControlStatus, {"control_id": control_id, "use_case_id": use_case_id, **given}
            )
            status_id, _changes = records.add_row(session, obj)
            action = "create"
        else:
            status_id = row.id
            records._update_row(session, ControlStatus, row.id, given, None)
            action = "update"
        for kind, ids in (links or {}).items():
            _replace_links(session, status_id, kind, ids)
    return Changes("control_status", (status_id,), action)


def _replace_links(session: Session, status_id: int, kind: str, ids: Iterable[int]) -> None:
    table, column, model = LINKS[kind]
    wanted = list(dict.fromkeys(int(i) for i in ids))
    for target in wanted:
        records.existing(session, model, target)
    session.execute(delete(table).where(table.c.control_status_id == status_id))
    if wanted:
        session.execute(
            insert(table), [{"control_status_id": status_id, column: target} for target in wanted]
        )


def clear_status(
    *, ws: Workspace, control_id: int, use_case_id: int | None, who: str | None = None
) -> Changes:
    """Forget what was set for a control and use case: it falls back to what the tier
    check derives (its links go with it)."""
    with ws.write(who=who) as session:
        row = _status_row(session, control_id, use_case_id)
        if row is None:
            return Changes("control_status", (), "delete")
        status_id = row.id
        session.info["label"] = "Clear control status"
        session.delete(row)
    return Changes("control_status", (status_id,), "delete")


def set_role(*, ws: Workspace, use_case_id: int, role: str, who: str | None = None) -> Changes:
    """A use case's EU AI Act role: provider, deployer or both."""
    chosen = records.choice_of(AiActRole, role, what="role", field="role", problem="unknown role")
    with ws.write(who=who) as session:
        use_case = records.existing(session, UseCase, use_case_id)
        session.info["label"] = f"Set AI Act role of {use_case.title}"
        row = session.execute(
            select(ControlProfile).where(col(ControlProfile.use_case_id) == use_case_id)
        ).scalar_one_or_none()
        if row is None:
            row = records.validate_create(
                ControlProfile, {"use_case_id": use_case_id, "role": chosen}
            )
            session.add(row)
        elif row.role != chosen:
            row.role = chosen
            records.touch(row)
        session.flush()
        profile_id = int(row.id or 0)
    return Changes("control_profile", (profile_id,), "update")


@dataclass(frozen=True)
class LinkedRecords(records.AsDict):
    risks: tuple[tuple[int, str], ...] = ()
    mitigations: tuple[tuple[int, str], ...] = ()
    launch_checks: tuple[tuple[int, str], ...] = ()


def linked_records(*, ws: Workspace, status_id: int) -> LinkedRecords:
    """The risks, mitigation actions and launch checks linked to one status row."""
    found: dict[str, tuple[tuple[int, str], ...]] = {}
    names = {"risks": "title", "mitigations": "action", "launch_checks": "item"}
    with ws.engine.connect() as conn:
        for kind, (table, column, model) in LINKS.items():
            target = table_of(model)
            rows = conn.execute(
                select(target.c.id, target.c[names[kind]])
                .join(table, table.c[column] == target.c.id)
                .where(table.c.control_status_id == status_id)
                .order_by(target.c.id)
            )
            found[kind] = tuple((int(r[0]), str(r[1])) for r in rows)
    return LinkedRecords(**found)


def due_label(due: dt.date | None) -> str:
    return due.isoformat() if due else "-"


def link_choices(*, ws: Workspace, use_case_id: int | None) -> LinkedRecords:
    """What a control's status may be linked to at this level: the risks of the use case
    (every risk for the workspace level), the mitigation actions of those risks and every
    launch check, each ``(id, label)``."""
    from ...models import RiskUseCaseLink

    risk, action, check = (table_of(m) for m in (Risk, MitigationAction, LaunchCheck))
    risks = select(risk.c.id, risk.c.title).order_by(risk.c.id)
    if use_case_id is not None:
        link = table_of(RiskUseCaseLink)
        risks = risks.join(link, link.c.risk_id == risk.c.id).where(
            link.c.use_case_id == use_case_id
        )
    with ws.engine.connect() as conn:
        found = tuple((int(r[0]), str(r[1])) for r in conn.execute(risks))
        ids = [r[0] for r in found]
        actions = conn.execute(
            select(action.c.id, action.c.action)
            .where(action.c.risk_id.in_(ids))
            .order_by(action.c.id)
        )
        checks = conn.execute(
            select(check.c.id, check.c.function, check.c.item).order_by(check.c.id)
        )
        return LinkedRecords(
            risks=found,
            mitigations=tuple((int(r[0]), str(r[1])) for r in actions),
            launch_checks=tuple((int(r[0]), f"{r[1]}: {r[2]}") for r in checks),
        )


def role_of(*, ws: Workspace, use_case_id: int) -> str:
    """A use case's EU AI Act role (``both`` until one is set)."""
    profile = table_of(ControlProfile)
    with ws.engine.connect() as conn:
        role = conn.execute(
            select(profile.c.role).where(profile.c.use_case_id == use_case_id)
        ).scalar()
    return str(role or AiActRole.BOTH.value)
