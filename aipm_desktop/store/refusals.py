"""Why an undo or redo is refused: the record that changed since, and who changed it.

:func:`changed_since` words the message :mod:`.history` raises when an operation cannot
be undone (redone) because a later operation — in this window, another window or another
process — touched one of its records: the record, the later operation's actor, time and
label, so the user knows what to undo first (or to leave it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from ..models import Operation, OperationRow, kind_of_table
from .history import label_of

_OP = Operation.__table__  # type: ignore[attr-defined]
_ROWS = OperationRow.__table__  # type: ignore[attr-defined]


def changed_since(
    conn: Connection, op_id: int, verb: str, tbl: str, pk: str, now: Mapping[str, Any] | None
) -> str:
    """Why ``op_id`` cannot be undone (redone): which record changed since, and the later
    operation (who, when, what) that changed it, when the history still holds one."""
    noun = kind_of_table(tbl).value.replace("_", " ")
    state = "was changed" if now is not None else "was deleted"
    own = conn.execute(select(_OP.c.label).where(_OP.c.id == op_id)).scalar()
    title = f" \u201c{own}\u201d" if own else " this"
    later = conn.execute(
        select(_OP.c.actor, _OP.c.at, _OP.c.label, _ROWS.c.before)
        .select_from(_ROWS.join(_OP, _OP.c.id == _ROWS.c.op_id))
        .where(_ROWS.c.tbl == tbl, _ROWS.c.pk == pk, _ROWS.c.op_id > op_id)
        .order_by(_ROWS.c.op_id.desc(), _ROWS.c.seq)
        .limit(1)
    ).first()
    # A deleted record is named by the image the deleting operation kept of it.
    before = later.before if later is not None and isinstance(later.before, dict) else None
    name = label_of(now if now is not None else before)
    what = f" \u201c{name}\u201d" if name and not name.startswith("#") else ""
    if later is None:
        return (
            f"Cannot {verb}{title}: the {noun}{what} {state} since, outside this "
            "workspace's history. Nothing was changed."
        )
    at = later.at
    when = at.strftime("%Y-%m-%d %H:%M UTC") if isinstance(at, dt.datetime) else str(at)[:16]
    who = later.actor or "someone"
    return (
        f"Cannot {verb}{title}: the {noun}{what} {state} since by {who} at {when} "
        f"(\u201c{later.label}\u201d). {verb.capitalize()} that change first, or leave it. "
        "Nothing was changed."
    )
