"""The launch checklist: the workspace's editable default checklist
(:class:`LaunchChecklistTemplate`, seeded from ``resources/data/launch_checklist.json``)
and copying it into a release's checks (:func:`ensure_checklist`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
from sqlalchemy import func, select, update

from ...errors import NotFoundError, UserError, ValidationError
from ...models import CheckStatus, LaunchCheck, LaunchChecklistTemplate, Release, utcnow
from ...store import Workspace
from .. import records
from ..changes import Changes

_CHECK = LaunchCheck.__table__  # type: ignore[attr-defined]
_TEMPLATE = LaunchChecklistTemplate.__table__  # type: ignore[attr-defined]


TEMPLATE_KIND = "launch_checklist_template"


# --------------------------------------------------------------------------- checklist


@dataclass(frozen=True)
class TemplateItem:
    id: int
    function: str
    item: str
    description: str
    position: int


def template(*, ws: Workspace) -> list[TemplateItem]:
    """The workspace's default launch checklist, in order."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(_TEMPLATE).order_by(_TEMPLATE.c.position, _TEMPLATE.c.id))
        return [
            TemplateItem(r.id, r.function, r.item, r.description or "", r.position) for r in rows
        ]


class TemplateItemInput(pydantic.BaseModel):
    function: str = pydantic.Field(max_length=100)
    item: str = pydantic.Field(max_length=300)
    description: str = ""

    @pydantic.field_validator("function", "item")
    @classmethod
    def _required(cls, v: str) -> str:
        v = (v or "").strip()
        if not v:
            raise ValueError("must not be empty")
        return v


def _template_input(data: Mapping[str, Any]) -> TemplateItemInput:
    try:
        return TemplateItemInput.model_validate(dict(data))
    except pydantic.ValidationError as error:
        raise records.validation_error(error, "checklist item") from error


def add_template_item(
    *,
    ws: Workspace,
    function: str,
    item: str,
    description: str = "",
    who: str | None = None,
) -> tuple[int, Changes]:
    """Add an item at the end of the default checklist."""
    checked = _template_input({"function": function, "item": item, "description": description})
    with ws.write(who=who) as session:
        conn = session.connection()
        position = conn.execute(
            select(func.coalesce(func.max(_TEMPLATE.c.position), -1))
        ).scalar_one()
        item_id = records.insert_row(
            conn, _TEMPLATE, {**checked.model_dump(), "position": int(position) + 1}
        )
    return item_id, Changes(TEMPLATE_KIND, (item_id,), "create")


def update_template_item(
    *, ws: Workspace, item_id: int, data: Mapping[str, Any], who: str | None = None
) -> tuple[Changes, dict[str, Any]]:
    """Change an item of the default checklist; returns the changes and the OLD values."""
    unknown = set(data) - {"function", "item", "description"}
    if unknown:
        raise ValidationError(f"Invalid checklist item: unknown field(s) {', '.join(unknown)}")
    with ws.write(who=who) as session:
        conn = session.connection()
        row = conn.execute(select(_TEMPLATE).where(_TEMPLATE.c.id == item_id)).first()
        if row is None:
            raise NotFoundError(f"No checklist item with id {item_id}; it may have been removed.")
        current = {"function": row.function, "item": row.item, "description": row.description}
        checked = _template_input({**current, **data}).model_dump()
        old = {k: current[k] for k in data if current[k] != checked[k]}
        if old:
            conn.execute(
                update(_TEMPLATE)
                .where(_TEMPLATE.c.id == item_id)
                .values({k: checked[k] for k in old})
            )
    return Changes(TEMPLATE_KIND, (item_id,), "update"), old


def delete_template_item(*, ws: Workspace, item_id: int, who: str | None = None) -> Changes:
    """Remove an item from the default checklist (existing releases keep their checks)."""
    return records.delete(ws=ws, model=LaunchChecklistTemplate, id=item_id, who=who)


def ensure_checklist(
    *, ws: Workspace, release_id: int, who: str | None = None
) -> tuple[Changes, int]:
    """Copy the default checklist into the release's checks when it has none yet.

    Returns the changes (the new check ids) and how many checks were created (0 when the
    release already had a checklist).
    """
    with ws.write(who=who) as session:
        records.existing(session, Release, release_id)
        conn = session.connection()
        has = conn.execute(
            select(func.count()).select_from(_CHECK).where(_CHECK.c.release_id == release_id)
        ).scalar()
        if has:
            return Changes("launch_check", (), "create"), 0
        rows = conn.execute(
            select(_TEMPLATE.c.function, _TEMPLATE.c.item).order_by(
                _TEMPLATE.c.position, _TEMPLATE.c.id
            )
        ).all()
        if not rows:
            raise UserError(
                "The default launch checklist is empty: add items to it first "
                "(Edit default checklist…)."
            )
        now = utcnow()
        ids: list[int] = []
        for function, item in rows:
            values = {
                "release_id": release_id,
                "function": function,
                "item": item,
                "owner": "",
                "status": CheckStatus.OPEN.value,
                "blocking": True,
                "evidence_url": "",
                "evidence_document_id": None,
                "signed_off_by": "",
                "signed_off_on": None,
            }
            ids.append(records.insert_row(conn, _CHECK, records.new_row(values, now)))
    return Changes("launch_check", tuple(ids), "create"), len(ids)


def delete_checks(*, ws: Workspace, check_ids: Sequence[int], who: str | None = None) -> Changes:
    """Remove checks (the undo of :func:`ensure_checklist`)."""
    ids = [int(i) for i in check_ids]
    if not ids:
        return Changes("launch_check", (), "delete")
    with ws.write(who=who) as session:
        conn = session.connection()
        conn.execute(_CHECK.delete().where(_CHECK.c.id.in_(ids)))
    return Changes("launch_check", tuple(ids), "delete")
