"""The crosswalk between catalogs: many-to-many lines with a strength, editable.

A line links two controls of different catalogs and reads both ways. ``equivalent``
means evidence for one satisfies the other (gap analysis counts it); ``related`` means
it helps (listed, not counted). Each add or remove is one undoable operation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ...errors import ValidationError
from ...models import Control, ControlMapping, MappingStrength
from ...store import Workspace
from .. import records
from ..changes import Changes
from .catalogs import CATALOG_T, CONTROL_T, MAPPING_T


@dataclass(frozen=True)
class MappingInfo(records.AsDict):
    id: int
    from_control: str
    from_title: str
    to_control: str
    to_title: str
    strength: str
    note: str


def mappings(*, ws: Workspace, control_id: int | None = None) -> list[MappingInfo]:
    """The crosswalk lines (those touching ``control_id`` when given), in stored order."""
    a, b = CONTROL_T.alias("a"), CONTROL_T.alias("b")
    ca, cb = CATALOG_T.alias("ca"), CATALOG_T.alias("cb")
    query = (
        select(
            MAPPING_T.c.id,
            (ca.c.key + ":" + a.c.ref).label("from_control"),
            a.c.title.label("from_title"),
            (cb.c.key + ":" + b.c.ref).label("to_control"),
            b.c.title.label("to_title"),
            MAPPING_T.c.strength,
            MAPPING_T.c.note,
        )
        .join(a, a.c.id == MAPPING_T.c.from_control_id)
        .join(b, b.c.id == MAPPING_T.c.to_control_id)
        .join(ca, ca.c.id == a.c.catalog_id)
        .join(cb, cb.c.id == b.c.catalog_id)
        .order_by(MAPPING_T.c.id)
    )
    if control_id is not None:
        query = query.where(
            or_(MAPPING_T.c.from_control_id == control_id, MAPPING_T.c.to_control_id == control_id)
        )
    with ws.engine.connect() as conn:
        return [records.from_row(MappingInfo, row) for row in conn.execute(query)]


def add_mapping(
    *,
    ws: Workspace,
    from_control_id: int,
    to_control_id: int,
    strength: str = MappingStrength.RELATED,
    note: str = "",
    who: str | None = None,
) -> Changes:
    """Add a crosswalk line (refused when the two controls are already linked, either
    way round, or belong to the same catalog)."""
    chosen = records.choice_of(
        MappingStrength, strength, what="strength", field="strength", problem="unknown strength"
    )
    with ws.write(who=who) as session:
        first = records.existing(session, Control, from_control_id)
        second = records.existing(session, Control, to_control_id)
        if first.catalog_id == second.catalog_id:
            raise ValidationError(
                f"{first.ref} and {second.ref} are in the same catalog; the crosswalk links "
                "controls of different catalogs."
            )
        pairs = ((from_control_id, to_control_id), (to_control_id, from_control_id))
        clash = session.execute(
            select(MAPPING_T.c.id).where(
                or_(
                    *(
                        (MAPPING_T.c.from_control_id == x) & (MAPPING_T.c.to_control_id == y)
                        for x, y in pairs
                    )
                )
            )
        ).first()
        if clash is not None:
            raise ValidationError(f"{first.ref} and {second.ref} are already linked.")
        session.info["label"] = f"Link {first.ref} and {second.ref}"
        obj = records.validate_create(
            ControlMapping,
            {
                "from_control_id": from_control_id,
                "to_control_id": to_control_id,
                "strength": chosen,
                "note": note,
            },
        )
        _new_id, changes = records.add_row(session, obj)
    return changes


def remove_mapping(*, ws: Workspace, mapping_id: int, who: str | None = None) -> Changes:
    """Remove one crosswalk line."""
    return records.delete(ws=ws, model=ControlMapping, id=mapping_id, who=who)
