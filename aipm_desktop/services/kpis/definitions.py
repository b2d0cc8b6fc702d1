"""Tracked KPI definitions: finding a KPI by id, name or catalog key, the KPI rows, and
the built-in KPI catalog (tracking a catalog metric).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ...errors import NotFoundError, UserError
from ...models import Kpi, UseCase
from .. import records
from ..changes import Changes

if TYPE_CHECKING:
    from ...models import KpiCatalogEntry
    from ...store import Workspace


# lookups ----------------------------------------------------------------------------


def find_kpi(*, ws: Workspace, ref: int | str) -> int:
    """The id of the KPI ``ref`` names: an id, a name (any case) or a catalog key.

    An unknown or ambiguous reference raises a :class:`UserError` naming close KPIs.
    """
    k = Kpi.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        rows = conn.execute(select(k.c.id, k.c.name, k.c.catalog_key)).all()
    text = str(ref).strip()
    if isinstance(ref, int) or text.isdigit():
        wanted = int(text)
        if any(r.id == wanted for r in rows):
            return wanted
    folded = text.casefold()
    matches = [r.id for r in rows if r.name.casefold() == folded]
    if not matches:
        matches = [r.id for r in rows if r.catalog_key and r.catalog_key.casefold() == folded]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UserError(f"{len(matches)} KPIs match {text!r}; give the KPI's name or id.")
    names = [r.name for r in rows]
    close = difflib.get_close_matches(text, names, n=5, cutoff=0.5)
    if not close:
        close = [n for n in names if folded and folded in n.casefold()][:5]
    if close:
        hint = "; did you mean " + ", ".join(repr(n) for n in close) + "?"
    elif names:
        hint = f"; tracked KPIs include {', '.join(repr(n) for n in names[:5])}."
    else:
        hint = "; this workspace tracks no KPIs yet."
    raise UserError(f"No KPI named {text!r}{hint}")


def get_kpi(*, ws: Workspace, kpi_id: int) -> Kpi:
    return records.get(ws=ws, model=Kpi, id=kpi_id)


def kpi_rows(*, ws: Workspace) -> list[dict[str, Any]]:
    """Every tracked KPI's definition with its use case title, ordered by name."""
    k = Kpi.__table__  # type: ignore[attr-defined]
    u = UseCase.__table__  # type: ignore[attr-defined]
    query = (
        select(
            k.c.id,
            k.c.name,
            k.c.catalog_key,
            k.c.unit,
            k.c.direction,
            k.c.frequency,
            k.c.baseline,
            k.c.target,
            k.c.warning,
            k.c.critical,
            k.c.category,
            k.c.owner,
            k.c.data_source,
            k.c.use_case_id,
            u.c.title.label("use_case"),
        )
        .select_from(k.outerjoin(u, u.c.id == k.c.use_case_id))
        .order_by(k.c.name, k.c.id)
    )
    with ws.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


# catalog and edits ------------------------------------------------------------------


def catalog(*, ws: Workspace) -> list[KpiCatalogEntry]:
    """The built-in KPI framework (what, why, example target, frequency, unit, direction)."""
    from ...models import KpiCatalogEntry  # reference data: not needed at start-up

    with ws.session() as session:
        return list(
            session.execute(
                select(KpiCatalogEntry).order_by(KpiCatalogEntry.__table__.c.id)  # type: ignore[attr-defined]
            ).scalars()
        )


def add_from_catalog(
    *,
    ws: Workspace,
    catalog_key: str,
    use_case_id: int | None = None,
    who: str | None = None,
) -> tuple[int, Changes]:
    """Track a catalog metric: a new KPI with its name, unit, direction and frequency.

    Thresholds start empty. When the catalog name is already taken by a tracked KPI, the
    use case's title (or a number) is appended so names stay unique.
    """
    from ...models import KpiCatalogEntry

    k = Kpi.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        entry = session.execute(
            select(KpiCatalogEntry).where(
                KpiCatalogEntry.__table__.c.key == catalog_key  # type: ignore[attr-defined]
            )
        ).scalar_one_or_none()
        if entry is None:
            raise NotFoundError(f"No KPI {catalog_key!r} in the catalog.")
        taken = {n.casefold() for (n,) in session.execute(select(k.c.name))}
        use_case = session.get(UseCase, use_case_id) if use_case_id is not None else None
    if use_case_id is not None and use_case is None:
        raise NotFoundError(f"No use case with id {use_case_id}.")
    name = entry.name
    if name.casefold() in taken and use_case is not None:
        name = f"{entry.name} ({use_case.title})"[:200]
    number = 2
    base = name
    while name.casefold() in taken:
        name = f"{base} ({number})"
        number += 1
    obj, changes = records.create(
        ws=ws,
        model=Kpi,
        data={
            "catalog_key": entry.key,
            "name": name,
            "description": entry.what,
            "unit": entry.unit,
            "direction": entry.direction,
            "frequency": entry.frequency,
            "category": entry.category,
            "use_case_id": use_case_id,
        },
        who=who,
    )
    assert obj.id is not None
    return int(obj.id), changes


def tracked_catalog_keys(*, ws: Workspace) -> dict[str, int]:
    """Catalog key -> how many tracked KPIs of the workspace come from it."""
    table = Kpi.__table__  # type: ignore[attr-defined]
    stmt = select(table.c.catalog_key, func.count()).group_by(table.c.catalog_key)
    with ws.engine.connect() as conn:
        return {str(key): int(n) for key, n in conn.execute(stmt) if key}
