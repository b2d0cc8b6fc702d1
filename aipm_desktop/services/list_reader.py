"""One list read again and again as its user filters and sorts it, without recomputing
what has not changed: what a list view asks of the database.

A :class:`ListReader` answers the two questions of a view (the ids in order, the values
of a page of them) for one workspace and :class:`~.listing.ListSpec`, and keeps two
things between them:

* the columns read through a :class:`~.listing.ListJoin` (the use cases' ranking) for
  every row, read once: a page then reads its own table's columns alone, where each page
  would otherwise compute the ranking again;
* the ids in the current order without a text filter: a text filter then asks the
  database only which rows match (no sort, no join for the sort) and keeps the ids held
  that do, in the order held (a total order, ties by id, so a subset's order is the
  order of the whole).

Both hold only while the rows do not change: a view makes a new reader whenever it reads
the list again after a write (and for another workspace or spec). Nothing here branches on
the back end; the answers are those of :func:`~.listing.query_ids` and
:func:`~.listing.fetch_rows`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict, Unpack

from sqlalchemy import select

from ..store import Workspace
from .listing import ListJoin, ListSpec, fetch_rows, match_ids, query_ids


class IdsQuery(TypedDict, total=False):
    """The keywords of :func:`~.listing.query_ids` but the workspace and the spec."""

    text: str
    filters: Mapping[str, Any] | None
    sort_key: str | None
    descending: bool
    offset: int
    limit: int | None


class ListReader:
    """The ids and values of the list ``spec`` on ``ws`` (see the module docstring)."""

    def __init__(self, ws: Workspace, spec: ListSpec) -> None:
        self.ws = ws
        self.spec = spec
        joins: list[ListJoin] = []
        #: Per column: where its value is, (-1, place among the own columns) or (the
        #: join's number, place among that join's columns).
        self._places: list[tuple[int, int]] = []
        own = 0
        for column in spec.columns:
            if column.join is None:
                self._places.append((-1, own))
                own += 1
                continue
            number = next((n for n, j in enumerate(joins) if j is column.join), len(joins))
            if number == len(joins):
                joins.append(column.join)
            taken = sum(1 for j, _at in self._places if j == number)
            self._places.append((number, taken))
        self._joins = tuple(joins)
        #: The spec narrowed to the columns of its own table (None: it has no join).
        self._own = (
            dataclasses.replace(
                spec, columns=tuple(c for c in spec.columns if c.join is None), default_sort=None
            )
            if joins
            else None
        )
        self._joined: dict[int, dict[int, tuple[Any, ...]]] = {}
        #: (sort key, descending, filters) and the ids in that order without a text filter.
        self._order: tuple[tuple[Any, ...], list[int]] | None = None

    def ids(self, **query: Unpack[IdsQuery]) -> list[int]:
        """As :func:`~.listing.query_ids` with the same keywords."""
        text, sort_key = query.get("text", ""), query.get("sort_key")
        descending, filters = query.get("descending", False), dict(query.get("filters") or {})
        windowed = bool(query.get("offset")) or query.get("limit") is not None
        order = (sort_key, descending, filters)
        if windowed or (text.split() and not self._holds(order)):
            # A window of a long list, or a filter with no order held: as asked.
            return query_ids(ws=self.ws, spec=self.spec, **query)
        if not self._holds(order):
            found = query_ids(
                ws=self.ws,
                spec=self.spec,
                filters=filters,
                sort_key=sort_key,
                descending=descending,
            )
            self._order = (order, found)
        assert self._order is not None
        held = self._order[1]
        if not text.split():
            return list(held)
        matching = match_ids(ws=self.ws, spec=self.spec, text=text, filters=filters)
        return [i for i in held if i in matching]

    def _holds(self, order: tuple[Any, ...]) -> bool:
        """Whether the ids held are in ``order`` (sort key, descending, filters)."""
        return self._order is not None and self._order[0] == order

    def rows(self, ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
        """As :func:`~.listing.fetch_rows` with ``raw``: raw values in column order."""
        if self._own is None:
            return fetch_rows(ws=self.ws, spec=self.spec, ids=ids, raw=True)
        own = fetch_rows(ws=self.ws, spec=self._own, ids=ids, raw=True)
        tables = [self._joined_values(number, join) for number, join in enumerate(self._joins)]
        result: dict[int, tuple[Any, ...]] = {}
        for row_id, values in own.items():
            found = [table.get(row_id) for table in tables]
            result[row_id] = tuple(
                values[at] if j < 0 else _at(found[j], at) for j, at in self._places
            )
        return result

    def _joined_values(self, number: int, join: ListJoin) -> dict[int, tuple[Any, ...]]:
        """The values of the columns reading ``join`` for every row, by id (read once)."""
        values = self._joined.get(number)
        if values is None:
            source = join.target if join.whole is None else join.whole
            names = [
                str(join.key.key),
                *(str(c.expr.key) for c in self.spec.columns if c.join is join),
            ]
            with self.ws.engine.connect() as conn:
                found = conn.execute(select(*(source.c[name] for name in names)))
                values = self._joined[number] = {row[0]: tuple(row[1:]) for row in found}
        return values


def _at(values: tuple[Any, ...] | None, at: int) -> Any:
    """The ``at``-th of a joined row's values; None when the row has none (LEFT JOIN)."""
    return None if values is None else values[at]
