"""Everything linked to one entity, in both directions, from the schema's foreign keys.

:func:`related` answers "what else is about this?" for any entity the search index knows
(:data:`aipm_desktop.services.search.SOURCES`): the records it refers to (a risk's use
cases, an incident's release) and the records that refer to it (a use case's documents,
KPIs, experiments…). Nothing here lists links by hand; they are read off the foreign keys
of the tables, so a new table with a reference shows up by itself:

* a reference from this row to an indexed entity: that entity (``out``);
* a row of an indexed entity referring to this one: that entity (``in``);
* a row of any other table referring to this one (a link table such as
  ``risk_use_case``, or a detail row such as a control's status for a use case or a
  release's launch check): the indexed entities that row refers to; a reference to a
  detail row (a control status, a launch check) is followed once more to the entity that
  owns it (its required references), and link tables pointing at the detail row are
  followed too (the risks a control's status treats).

Feedback items are left out: they are many and are opened from their own inbox.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, ForeignKey, Table, select

from ..errors import NotFoundError
from ..models import load_all
from ..store import Workspace
from .search import SOURCE_BY_KIND, SOURCES, Record

#: Tables never followed: the history, and the feedback inbox (many rows per record).
SKIPPED = frozenset(
    {"operation", "operation_row", "change_log", "feedback_item", "feedback_import"}
)
_ORDER = {source.kind: i for i, source in enumerate(SOURCES)}


@dataclass(frozen=True)
class Link(Record):
    """One related entity. ``direction``: ``out`` when the entity asked about refers to
    it, ``in`` when it (or a link or detail row of it) refers to the entity asked about."""

    direction: str

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "direction": self.direction}


def _references(table: Table) -> list[tuple[Column[Any], str]]:
    """The (column, target table) of each foreign key of ``table`` to an ``id``."""
    result = []
    for fk in table.foreign_keys:
        assert isinstance(fk, ForeignKey)
        if fk.column.name == "id":
            result.append((fk.parent, fk.column.table.name))
    return result


def _referrers(tables: Iterable[Table], target: str) -> list[tuple[Table, Column[Any]]]:
    """Each (table, column) holding a reference to a row of ``target``."""
    return [
        (table, column)
        for table in tables
        if table.name not in SKIPPED
        for column, to in _references(table)
        if to == target
    ]


class _Collector:
    """The links found so far, first direction wins, the entity itself excluded."""

    def __init__(self, kind: str, id: int) -> None:
        self.own = (kind, id)
        self.found: dict[tuple[str, int], str] = {}

    def add(self, kind: str, id: Any, direction: str) -> None:
        if id is None or kind not in SOURCE_BY_KIND:
            return
        key = (kind, int(id))
        if key != self.own:
            self.found.setdefault(key, direction)


def _is_link_table(table: Table) -> bool:
    """A table whose primary key is made of references (``risk_use_case``)."""
    keys = list(table.primary_key.columns)
    return bool(keys) and all(column.foreign_keys for column in keys)


@functools.cache
def _detail_routes(
    table: Table,
) -> tuple[list[tuple[Column[Any], str]], list[tuple[Column[Any], Column[Any], str]]]:
    """How a detail row of ``table`` leads to indexed entities: its required references
    to them, and (link column, other column, entity) of each link table pointing at it."""
    owners = [(c, to) for c, to in _references(table) if not c.nullable and to in SOURCE_BY_KIND]
    linked = [
        (column, other, to)
        for link, column in _referrers(table.metadata.tables.values(), table.name)
        if _is_link_table(link)
        for other, to in _references(link)
        if other is not column and to in SOURCE_BY_KIND
    ]
    return owners, linked


def _through_detail(
    conn: Connection, table: Table, ids: list[int], links: _Collector, *, owners: bool
) -> None:
    """The indexed entities the detail rows ``ids`` of ``table`` lead to: the entities
    that own them (when ``owners``) and those link tables pointing at them name."""
    required, linked = _detail_routes(table)
    if not ids:
        return
    if owners and required:
        for row in conn.execute(select(*(c for c, _ in required)).where(table.c.id.in_(ids))):
            for (_column, to), value in zip(required, row, strict=True):
                links.add(to, value, "in")
    for column, other, to in linked:
        for (value,) in conn.execute(select(other).where(column.in_(ids))):
            links.add(to, value, "in")


def related(*, ws: Workspace, kind: str, id: int) -> list[Link]:
    """The entities linked to the ``kind`` record ``id``, grouped by kind (in the order
    of the search index), then by title."""
    source = SOURCE_BY_KIND.get(kind)
    if source is None:
        raise NotFoundError(f"Nothing is linked to records of kind {kind!r}.")
    load_all()  # every table, so every reference to this one is seen
    table = source.table()
    tables = table.metadata.tables
    links = _Collector(kind, id)
    with ws.engine.connect() as conn:
        outgoing = _references(table)
        row = conn.execute(select(table.c.id, *(c for c, _ in outgoing)).where(table.c.id == id))
        found = row.first()
        if found is None:
            raise NotFoundError(f"There is no {source.label.lower()} with id {id}.")
        for (_column, to), value in zip(outgoing, found[1:], strict=True):
            links.add(to, value, "out")
        for referrer, column in _referrers(tables.values(), table.name):
            _incoming(conn, referrer, column, id, links)
        return _titled(conn, links)


def _incoming(
    conn: Connection, referrer: Table, column: Column[Any], id: int, links: _Collector
) -> None:
    """The rows of ``referrer`` whose ``column`` names ``id``, as links."""
    if referrer.name in SOURCE_BY_KIND:
        for (value,) in conn.execute(select(referrer.c.id).where(column == id)):
            links.add(referrer.name, value, "in")
        return
    others = [(c, to) for c, to in _references(referrer) if c is not column and to not in SKIPPED]
    follow_rows = "id" in referrer.c and bool(_detail_routes(referrer)[1])
    wanted = [c for c, _ in others] + ([referrer.c.id] if follow_rows else [])
    if not wanted:
        return
    details: dict[str, set[int]] = defaultdict(set)
    rows: list[int] = []
    for row in conn.execute(select(*wanted).where(column == id)):
        for (_other, to), value in zip(others, row, strict=False):
            if value is None:
                continue
            if to in SOURCE_BY_KIND:
                links.add(to, value, "in")
            else:
                details[to].add(int(value))
        if follow_rows:
            rows.append(int(row[-1]))
    for name, ids in details.items():
        _through_detail(conn, referrer.metadata.tables[name], sorted(ids), links, owners=True)
    _through_detail(conn, referrer, rows, links, owners=False)


def _titled(conn: Connection, links: _Collector) -> list[Link]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, id in links.found:
        by_kind[kind].append(id)
    result = []
    for kind, ids in by_kind.items():
        source = SOURCE_BY_KIND[kind]
        query = source.query().where(source.table().c.id.in_(ids))
        for row in conn.execute(query):
            context = source.context_text(row[2])
            result.append(Link(kind, row[0], str(row[1]), context, links.found[(kind, row[0])]))
    result.sort(key=lambda link: (_ORDER[link.kind], link.title.casefold(), link.id))
    return result
