"""Full-text search over the feedback items: the one place that knows it is SQLite FTS5.

Migration 0010 creates ``feedback_fts``, an external-content FTS5 index over the text,
customer, source, tags and cluster of ``feedback_item``, kept current by triggers (so
imports, edits, undo and redo all keep it right without any code of theirs). A search
finds every word as a word prefix ("refund wind" finds "refund window") in any of those
columns; at 200,000 items that is a few milliseconds, where a LIKE scan reads every text.

A workspace whose SQLite had no FTS5 when it was upgraded has no index:
:func:`available` says so and the services fall back to LIKE.

On PostgreSQL the same functions search a ``tsvector`` expression over the same columns
through its GIN index (built by :func:`.server.install`), each word as a prefix.
"""

from __future__ import annotations

import re
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Engine,
    column,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.compiler import compiles

from . import server

FEEDBACK_FTS = "feedback_fts"
#: Per table with a full-text index kept by triggers: the index and its columns.
_INDEXED = {"feedback_item": (FEEDBACK_FTS, ("text", "customer", "source", "tags", "cluster"))}
#: The index's trigger per journal action (the update trigger is left to run).
_TRIGGERS = {"I": "_ai", "D": "_ad"}

_AVAILABLE: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def is_fulltext_table(name: str) -> bool:
    """True for the FTS index and its shadow tables (not entity tables)."""
    return name == FEEDBACK_FTS or name.startswith(f"{FEEDBACK_FTS}_")


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Alembic's ``include_name`` hook: leave the full-text tables out of comparisons
    with the models (they are not entity tables)."""
    return not (type_ == "table" and name is not None and is_fulltext_table(name))


def available(engine: Engine) -> bool:
    """Whether the workspace on ``engine`` has the feedback full-text index."""
    known = _AVAILABLE.get(engine)
    if known is None:
        if server.is_server(engine):
            sql = "SELECT 1 FROM pg_indexes WHERE indexname = :name"
            name = server.FEEDBACK_INDEX
        else:
            sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"
            name = FEEDBACK_FTS
        with engine.connect() as conn:
            found = conn.execute(text(sql), {"name": name}).first()
        known = _AVAILABLE[engine] = found is not None
    return known


def match_query(words: str) -> str:
    """An FTS5 query finding every word of ``words`` as a prefix; FTS syntax in the
    text ("OR", quotes, ``*``, ``-``) is taken literally. Empty for no words."""
    terms = []
    for word in words.split():
        cleaned = word.replace('"', '""')
        terms.append(f'"{cleaned}"*')
    return " ".join(terms)


def ts_query(words: str) -> str:
    """A PostgreSQL ``tsquery`` finding every word of ``words`` as a prefix (the words'
    letters and digits only, as the ``simple`` configuration splits them)."""
    terms = re.findall(r"\w+", words.lower())
    return " & ".join(f"{t}:*" for t in terms)


def count_matches(engine: Engine, words: str) -> int:
    """How many feedback items contain every word of ``words`` (as :func:`feedback_match`
    finds them), counted in the index alone."""
    query = match_query(words)
    if not query:
        return 0
    if server.is_server(engine):
        with engine.connect() as conn:
            found = conn.execute(
                text(f"SELECT count(*) FROM feedback_item WHERE {_SERVER_MATCH}"),
                {"ts_query": ts_query(words)},
            )
            return int(found.scalar_one())
    with engine.connect() as conn:
        found = conn.execute(
            text(f"SELECT count(*) FROM {FEEDBACK_FTS} WHERE {FEEDBACK_FTS} MATCH :fts_query"),
            {"fts_query": query},
        )
        return int(found.scalar_one())


def feedback_match(id_column: Column[int], words: str) -> ColumnElement[bool] | None:
    """The condition "the item ``id_column`` contains every word of ``words``" through the
    full-text index (None for no words)."""
    query = match_query(words)
    if not query:
        return None
    return _Match(id_column, words)


#: The condition of a match on PostgreSQL (on ``feedback_item`` in scope).
_SERVER_MATCH = f"{server.FEEDBACK_DOCUMENT} @@ to_tsquery('simple', :ts_query)"


class _Match(ColumnElement[bool]):
    """The condition that ``id_column`` is a feedback item containing ``words``, written
    for the database the query runs on (FTS5 on SQLite, the tsvector index on PostgreSQL)."""

    type = Boolean()
    inherit_cache = False

    def __init__(self, id_column: Column[int], words: str) -> None:
        self.id_column = id_column
        self.words = words


@compiles(_Match)
def _match_sqlite(element: _Match, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(_fts_match(element.id_column, element.words), **kw))


@compiles(_Match, "postgresql")
def _match_server(element: _Match, compiler: Any, **kw: Any) -> str:
    inner = text(
        f"SELECT aipm_fts.id FROM feedback_item AS aipm_fts WHERE {_SERVER_MATCH}"
    ).bindparams(ts_query=ts_query(element.words))
    condition = element.id_column.in_(inner.columns(column("id")).scalar_subquery())
    return str(compiler.process(condition, **kw))


def _fts_match(id_column: Column[int], words: str) -> ColumnElement[bool]:
    query = match_query(words)
    fts = table(FEEDBACK_FTS, column("rowid"))
    matching = select(fts.c.rowid).where(
        text(f"{FEEDBACK_FTS} MATCH :fts_query").bindparams(fts_query=query)
    )
    # "+id": SQLite then reads the list in its order (an index) and keeps the matching
    # rows, instead of sorting every match: the first window of a 200,000-item inbox.
    plus: ColumnElement[int] = literal_column(f"+{id_column.table.name}.{id_column.name}")
    return plus.in_(matching)


def index_triggers(raw: Any, table: str, action: str) -> list[tuple[str, str]]:
    """The trigger (name, SQL) that keeps the full-text index of ``table`` current for
    ``action`` (I: insert, D: delete) on the sqlite3 connection ``raw``; none when the
    table has no index. A bulk write drops it, updates the index in one statement
    (:func:`index_range`) and creates it again, in the same transaction."""
    indexed = _INDEXED.get(table)
    if indexed is None or action not in _TRIGGERS:
        return []
    name = indexed[0] + _TRIGGERS[action]
    row = raw.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).fetchone()
    return [] if row is None else [(name, str(row[0]))]


def index_range(raw: Any, table: str, first: int, last: int, *, remove: bool = False) -> None:
    """Add the rows ``first``..``last`` of ``table`` to its full-text index (``remove``:
    take them out, before they are deleted), in one statement."""
    fts, names = _INDEXED[table]
    columns = ", ".join(names)
    command = (
        f"{fts}, rowid, {columns}) SELECT 'delete', " if remove else f"rowid, {columns}) SELECT "
    )
    raw.execute(
        f"INSERT INTO {fts}({command}id, {columns} FROM {table} WHERE id BETWEEN ? AND ?",
        (first, last),
    )
