"""Folding two operations into one undo step (typing in one field, saved twice)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select, update

from ..models import OperationKind
from . import bulk
from .history import _ACTIVE, _OP, _ROWS


def merge(conn: Connection, first: int, second: int) -> bool:
    """Fold operation ``second`` into ``first`` (one undo step); False when not allowed.

    Allowed when both are applied edits and nothing was recorded between them.
    """
    ops = {
        row["id"]: row
        for row in conn.execute(select(_OP).where(_OP.c.id.in_([first, second]))).mappings()
    }
    if len(ops) != 2 or second <= first or bulk.ranges_in(conn, [first, second]):
        return False
    conn.info[_ACTIVE] = True  # bookkeeping of the history itself, not a user edit
    try:
        return _merge(conn, ops, first, second)
    finally:
        conn.info.pop(_ACTIVE, None)


def _merge(conn: Connection, ops: Mapping[int, Any], first: int, second: int) -> bool:
    for row in ops.values():
        if row["kind"] != OperationKind.DO.value or row["state"] != "active":
            return False
    between = conn.execute(
        select(_OP.c.id).where(_OP.c.id > first, _OP.c.id < second).limit(1)
    ).first()
    if between is not None:
        return False
    offset = int(ops[first]["row_count"])
    # A record both touched: the merged step leaves it as the second left it.
    heads = {
        (r.tbl, r.pk): r
        for r in conn.execute(
            select(_ROWS.c.id, _ROWS.c.op_id, _ROWS.c.tbl, _ROWS.c.pk, _ROWS.c.after).where(
                _ROWS.c.op_id.in_([first, second]), _ROWS.c.head.is_(True)
            )
        )
        if r.op_id == first
    }
    for r in conn.execute(
        select(_ROWS.c.id, _ROWS.c.tbl, _ROWS.c.pk, _ROWS.c.after).where(
            _ROWS.c.op_id == second, _ROWS.c.head.is_(True)
        )
    ).all():
        earlier = heads.get((r.tbl, r.pk))
        if earlier is not None:
            conn.execute(update(_ROWS).where(_ROWS.c.id == earlier.id).values(after=r.after))
            conn.execute(update(_ROWS).where(_ROWS.c.id == r.id).values(head=False, after=None))
    conn.execute(
        update(_ROWS).where(_ROWS.c.op_id == second).values(op_id=first, seq=_ROWS.c.seq + offset)
    )
    kinds = sorted(set(ops[first]["kinds"] or []) | set(ops[second]["kinds"] or []))
    conn.execute(
        update(_OP)
        .where(_OP.c.id == first)
        .values(kinds=kinds, row_count=offset + int(ops[second]["row_count"]))
    )
    conn.execute(delete(_OP).where(_OP.c.id == second))
    return True
