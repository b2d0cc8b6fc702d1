"""Lists over one table: which ids match a filter in which order, and a page of their values.

Every list view of the app is described by a :class:`ListSpec` (what to select from,
which columns, the default order) and read through two queries:

* :func:`query_ids` - the ids matching a text filter and exact per-column filters, in
  the order of a sort column (ties by id, so the order is stable). Only ids come back,
  so 100k rows cost one integer each.
* :func:`fetch_rows` - the display values of a page of those ids (one ``IN`` query).

Filtering and sorting happen in SQL, never in Python lists. All SQL here is portable
SQLAlchemy Core (``LIKE`` through ``ilike``, ``CASE``, ``COALESCE``), no SQLite dialect.

Adding a list for another area is a spec of a few lines::

    def risk_list_spec() -> ListSpec:
        t = Risk.__table__
        return ListSpec(
            kind="risk", source=t, id_column=t.c.id, noun=("risk", "risks"),
            columns=(
                ListColumn("title", "Title", t.c.title, width=40),
                ListColumn("status", "Status", t.c.status, formatter="enum",
                           sort_expr=enum_order(t.c.status, RiskStatus)),
                ListColumn("review", "Review", t.c.review_date, formatter="date",
                           filterable=False),
            ),
            default_sort="title",
        )
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    String,
    TypeDecorator,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.sql.expression import Select
from sqlalchemy.sql.util import find_tables

from ..errors import ValidationError
from ..models import ChangeLog, UseCase, kind_of_table
from ..models.common import table_of
from ..models.enums import Decision, UseCaseStatus
from ..store import Workspace
from ..store.bulk import CHUNK as BULK_BLOCK
from . import dates
from .ranking_sql import use_case_ranking_sql

#: Ids per ``IN (...)`` query in :func:`fetch_rows`; well under every database's limit.
_IN_CHUNK = 500

ALIGNMENTS = ("left", "right", "center")


# --- display formatters (named in a ListColumn, so specs stay declarative) -------------


def _fmt_text(value: Any) -> str:
    return "" if value is None else str(value)


def _fmt_enum(value: Any) -> str:
    if value is None:
        return ""
    text = str(value.value if isinstance(value, enum.Enum) else value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _local(value: dt.datetime) -> dt.datetime:
    """Stored timestamps are UTC; show them in local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone()


def _fmt_date(value: Any) -> str:
    """A day in the app's date style (:mod:`.dates`); a timestamp's local day."""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    if isinstance(value, dt.date):
        return dates.format_date(value)
    return "" if value is None else str(value)


def _fmt_datetime(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return dates.format_datetime(value)
    return _fmt_date(value)


def _fmt_number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, int | float):
        if float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _fmt_float(value: Any, render: Callable[[float], str]) -> str:
    """``render`` of the value as a float; "" for None, the value's text if not a number."""
    if value is None:
        return ""
    try:
        return render(float(value))
    except (TypeError, ValueError):
        return str(value)


def _fmt_integer(value: Any) -> str:
    return _fmt_float(value, lambda v: f"{round(v):,}")


def _fmt_decimal1(value: Any) -> str:
    return _fmt_float(value, lambda v: f"{v:,.1f}")


def _fmt_percent(value: Any) -> str:
    return _fmt_float(value, lambda v: f"{v * 100:.0f}%")


def _fmt_hours(value: Any) -> str:
    """A duration in hours: minutes below two hours (``45 min``), else ``3.5 h``."""
    return _fmt_float(value, lambda v: f"{v * 60:.0f} min" if v < 2 else f"{v:,.1f} h")


def _fmt_upper(value: Any) -> str:
    """A code in capitals (``sev2`` -> ``SEV2``)."""
    return _fmt_enum(value).upper()


def _fmt_bool(value: Any) -> str:
    if value is None:
        return ""
    return "Yes" if value else "No"


#: Formatter names a :class:`ListColumn` may use, each turning a stored value into text.
FORMATTERS: dict[str, Callable[[Any], str]] = {
    "text": _fmt_text,
    "enum": _fmt_enum,
    "date": _fmt_date,
    "datetime": _fmt_datetime,
    "number": _fmt_number,
    "integer": _fmt_integer,
    "decimal1": _fmt_decimal1,
    "percent": _fmt_percent,
    "bool": _fmt_bool,
    "hours": _fmt_hours,
    "upper": _fmt_upper,
}


def enum_order(expr: ColumnElement[Any], enum_cls: type[enum.Enum]) -> ColumnElement[Any]:
    """A sort expression putting an enum column in declaration order (lifecycle order)."""
    return case({member.value: i for i, member in enumerate(enum_cls)}, value=expr, else_=-1)


# --- specs --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ListJoin:
    """A table or subquery holding figures of the rows of a list, at most one row per row
    of the list, ``key`` its id: LEFT OUTER JOINed by the queries that need one of its
    columns, and only by them.

    A figure computed over the whole table (a ranking) is read this way once per query;
    as a correlated subquery in the column it would be computed again for every row. A
    view reading page after page reads it for every row once instead
    (:class:`~aipm_desktop.services.list_reader.ListReader`). Columns sharing one
    :class:`ListJoin` object share one join."""

    target: FromClause
    key: ColumnElement[int]
    #: The same figures (columns of the same names, rows with none left out) written to be
    #: read whole, when that is quicker another way; None: ``target``.
    whole: FromClause | None = None


@dataclass(frozen=True, eq=False)
class ListColumn:
    """One column of a list.

    ``expr`` is what is shown (a table column or any SQL expression, e.g. a column of a
    joined table); ``sort_expr`` overrides what the column sorts by (e.g.
    :func:`enum_order`). ``width`` is a hint in average character widths (0: the view
    decides); ``align`` is ``"left"``, ``"right"`` or ``"center"``; ``formatter`` names
    an entry of :data:`FORMATTERS`. ``tooltip`` explains the column in its header;
    ``empty_tooltip`` is the tooltip of an empty cell (why it is empty, e.g. "incomplete").
    ``colors`` maps stored values (before formatting) to ``#rrggbb`` colours the view
    shows as a chip beside the text (e.g. a risk level in its heat-map colour);
    ``labels`` maps stored values to the words shown for them (``not_ai`` -> "Not AI"),
    other values go through the formatter. ``join``: what ``expr`` reads beside the
    list's source (a :class:`ListJoin`), or None.
    """

    key: str
    label: str
    expr: ColumnElement[Any]
    sortable: bool = True
    filterable: bool = True
    width: int = 0
    align: str = "left"
    formatter: str = "text"
    sort_expr: ColumnElement[Any] | None = None
    tooltip: str = ""
    empty_tooltip: str = ""
    colors: Mapping[Any, str] = field(default_factory=dict)
    labels: Mapping[Any, str] = field(default_factory=dict)
    join: ListJoin | None = None

    def __post_init__(self) -> None:
        if self.align not in ALIGNMENTS:
            raise ValueError(f"align must be one of {ALIGNMENTS}, not {self.align!r}")
        if self.formatter not in FORMATTERS:
            raise ValueError(f"unknown formatter {self.formatter!r}")

    @property
    def order_expr(self) -> ColumnElement[Any]:
        return self.expr if self.sort_expr is None else self.sort_expr

    def format(self, value: Any) -> str:
        return self.format_value(value)

    @functools.cached_property
    def format_value(self) -> Callable[[Any], str]:
        """What turns a stored value into its text: the ``labels``, else the formatter."""
        formatter = FORMATTERS[self.formatter]
        labels = self.labels
        if not labels:
            return formatter
        return lambda value: labels[value] if value in labels else formatter(value)

    def color_of(self, value: Any) -> str | None:
        """The chip colour of a stored value, or None."""
        if not self.colors or value is None:
            return None
        key = value.value if isinstance(value, enum.Enum) else value
        return self.colors.get(key)


def moment_column(
    key: str, label: str, expr: ColumnElement[Any], *, tooltip: str = ""
) -> ListColumn:
    """A column of moments (a record's timestamps), shown as date and time: sortable, with
    no text filter."""
    return ListColumn(
        key, label, expr, width=16, formatter="datetime", filterable=False, tooltip=tooltip
    )


def updated_column(table: Any) -> ListColumn:
    """The "Updated" column of a list of stored records (``table`` has ``updated_at``):
    when each was last changed (a :func:`moment_column`)."""
    return moment_column("updated", "Updated", table.c.updated_at)


def updated_by_sql(table: Any) -> ColumnElement[str]:
    """Who last changed each record of ``table``: the actor of the newest change-log entry
    naming it. A bulk import logs one entry per block of records (naming the block's
    first record, its ``last`` id in ``changes``), so a record without an entry of its
    own takes its block's. One index seek per record (``ix_change_log_entity_record``)."""
    log = table_of(ChangeLog)
    row = table.c.id
    in_block = and_(
        log.c.entity_id < row,
        log.c.entity_id > row - BULK_BLOCK,
        log.c.changes["last"].as_integer() >= row,
    )
    return (
        select(log.c.who)
        .where(log.c.entity == kind_of_table(table.name).value)
        .where(or_(log.c.entity_id == row, in_block))
        .order_by(log.c.id.desc())
        .limit(1)
        .correlate(table)
        .scalar_subquery()
    )


def change_columns(table: Any) -> tuple[ListColumn, ListColumn]:
    """The "Updated" and "Updated by" columns of a list of stored records. Who is read
    only for the rows shown (neither sorted nor searched by, which would read the
    change log for every row)."""
    return (
        updated_column(table),
        ListColumn(
            "updated_by",
            "Updated by",
            updated_by_sql(table),
            sortable=False,
            filterable=False,
            width=14,
            tooltip="Who last changed it: on a team server the database user, on a file "
            "the name in Settings",
        ),
    )


def figure_column(
    key: str,
    label: str,
    expr: ColumnElement[Any],
    *,
    formatter: str,
    width: int,
    tooltip: str = "",
    empty_tooltip: str = "",
    join: ListJoin | None = None,
) -> ListColumn:
    """A column of figures (counts, amounts, scores): right-aligned and sortable, with no
    text filter (``join``: what ``expr`` reads beside the list's source)."""
    return ListColumn(
        key,
        label,
        expr,
        width=width,
        align="right",
        formatter=formatter,
        filterable=False,
        tooltip=tooltip,
        empty_tooltip=empty_tooltip,
        join=join,
    )


def enum_column(
    key: str, label: str, expr: ColumnElement[Any], enum_cls: type[enum.Enum], *, width: int = 0
) -> ListColumn:
    """A column showing an enum as words ("in_review" -> "In review"), sorted in the
    enum's declaration (lifecycle) order."""
    return ListColumn(
        key, label, expr, width=width, formatter="enum", sort_expr=enum_order(expr, enum_cls)
    )


@dataclass(frozen=True, eq=False)
class ListSpec:
    """A list over one table (or a join): what to select, the columns, the default order.

    ``kind`` is the :class:`~aipm_desktop.services.changes.Changes` kind whose writes
    make the list refresh; ``where`` holds conditions every row of the list meets (e.g.
    the risks of one use case); ``noun`` is the (singular, plural) name of a row for
    counts and empty states; ``empty_text`` tells a user what to do when there is nothing
    to show yet; ``depends_on`` names further kinds whose writes change what the list
    shows but that its SQL does not read (e.g. ``("settings",)`` when the workspace's
    risk bands were baked into a column); the tables the SQL reads are found by
    :attr:`kinds` itself. ``search``, when given, turns the filter box's text into the
    condition rows must meet (e.g. through a full-text index) instead of LIKE over the
    filterable columns, and ``count_search``, when given, counts the rows a search alone
    finds faster than the list's SQL would (None: it cannot). ``window``, when not 0, is
    how many ids a view reads at a time (the rest as the user scrolls: a list of 200,000
    items need not read them all).
    """

    kind: str
    source: FromClause
    id_column: ColumnElement[int]
    columns: tuple[ListColumn, ...]
    where: tuple[ColumnElement[bool], ...] = ()
    default_sort: str | None = None
    default_descending: bool = False
    noun: tuple[str, str] = ("row", "rows")
    empty_text: str = ""
    depends_on: tuple[str, ...] = ()
    search: Callable[[str], ColumnElement[bool] | None] | None = None
    count_search: Callable[[Workspace, str], int | None] | None = None
    window: int = 0
    _by_key: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def of(
        cls, table: Any, *columns: ListColumn, source: FromClause | None = None, **options: Any
    ) -> ListSpec:
        """The list of the records of ``table`` in ``columns``: its kind and id column are
        the table's, a row is named after the kind ("cost_model": "cost model", "cost
        models"); the rows are read from ``source`` (default: the table alone, e.g. it
        joined to the tables the columns show). ``options`` are the other fields."""
        kind = kind_of_table(table.name).value
        noun = kind.replace("_", " ")
        return cls(
            kind=kind,
            source=table if source is None else source,
            id_column=table.c.id,
            columns=columns,
            noun=(noun, f"{noun}s"),
            **options,
        )

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys in list spec {self.kind!r}")
        self._by_key.update({k: i for i, k in enumerate(keys)})
        if self.default_sort is not None and self.default_sort not in self._by_key:
            raise ValueError(f"default sort {self.default_sort!r} is not a column")

    @functools.cached_property
    def kinds(self) -> frozenset[str]:
        """Every entity kind whose writes can change what the list shows: its own kind,
        the tables its source, conditions and columns read, and ``depends_on``."""
        names: set[str] = set()
        clauses = [self.source, *self.where]
        for column in self.columns:
            clauses.append(column.expr)
            if column.sort_expr is not None:
                clauses.append(column.sort_expr)
            if column.join is not None:
                clauses.append(column.join.target)
        for clause in clauses:
            for table in find_tables(clause, include_joins=True, include_aliases=True):
                name = getattr(getattr(table, "element", table), "name", None)
                if isinstance(name, str):
                    names.add(name)
        found: set[str] = set()
        for name in names:
            try:
                found.add(kind_of_table(name).value)
            except ValueError:
                continue
        return frozenset({self.kind, *self.depends_on, *found})

    def source_for(self, columns: Iterable[ListColumn]) -> FromClause:
        """What a query reading ``columns`` selects from: the source, with the joins of
        those columns (each once)."""
        source = self.source
        joined: list[ListJoin] = []
        for column in columns:
            join = column.join
            if join is not None and not any(join is seen for seen in joined):
                joined.append(join)
                source = source.outerjoin(join.target, join.key == self.id_column)
        return source

    def index_of(self, key: str) -> int:
        """Position of the column ``key``; raises KeyError for an unknown key."""
        return self._by_key[key]

    def column(self, key: str) -> ListColumn:
        return self.columns[self._by_key[key]]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def with_where(self, *conditions: ColumnElement[bool]) -> ListSpec:
        """The same list narrowed by more conditions (e.g. one use case's risks)."""
        return dataclasses.replace(self, where=(*self.where, *conditions))

    def count_text(self, count: int) -> str:
        """``"1 use case"``, ``"12,345 use cases"``."""
        return f"{count:,} {self.noun[0] if count == 1 else self.noun[1]}"

    def no_rows_text(self) -> str:
        return self.empty_text or f"No {self.noun[1]} yet."


#: The tooltip of a use case's empty Score and Rank cells.
INCOMPLETE_TOOLTIP = (
    "Incomplete: not every criterion of the active scoring model is scored, so it has no "
    "score and is ranked apart (after the ranked ones). Score it in the Scoring grid tab."
)


def use_case_list_spec() -> ListSpec:
    """The use-case list: title, score and rank (active scoring model), status, area,
    owner, decision, tags, last update. Score and rank come from one ranking, computed
    once per query that shows or sorts by them (:func:`.ranking_sql.use_case_ranking_sql`)."""
    t = UseCase.__table__  # type: ignore[attr-defined]
    ranking = use_case_ranking_sql(every=True)
    ranked = ListJoin(ranking, ranking.c.use_case_id, whole=use_case_ranking_sql())
    return ListSpec(
        kind="use_case",
        source=t,
        id_column=t.c.id,
        noun=("use case", "use cases"),
        empty_text=(
            "No use cases yet. Add your first AI use case to start scoring and "
            "comparing your portfolio."
        ),
        columns=(
            ListColumn("title", "Title", t.c.title, width=34),
            figure_column(
                "score",
                "Score",
                ranking.c.score,
                width=6,
                formatter="decimal1",
                tooltip="Score (0-100) by the active scoring model, from the stored scores; "
                "blank: incomplete",
                empty_tooltip=INCOMPLETE_TOOLTIP,
                join=ranked,
            ),
            figure_column(
                "rank",
                "Rank",
                ranking.c.rank,
                width=5,
                formatter="integer",
                tooltip="Rank by the active scoring model (1 = best), from the stored scores; "
                "blank: incomplete",
                empty_tooltip=INCOMPLETE_TOOLTIP,
                join=ranked,
            ),
            enum_column("status", "Status", t.c.status, UseCaseStatus, width=11),
            ListColumn("area", "Area", t.c.area, width=16),
            ListColumn("owner", "Owner", t.c.owner, width=16),
            enum_column("decision", "Decision", t.c.decision, Decision, width=10),
            ListColumn("tags", "Tags", t.c.tags, width=20),
            *change_columns(t),
        ),
        default_sort="title",
    )


# --- queries ------------------------------------------------------------------------------


def _is_text(expr: ColumnElement[Any]) -> bool:
    type_ = expr.type
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    return isinstance(type_, String)


def _nullable(expr: ColumnElement[Any]) -> bool:
    """False only for a table column declared NOT NULL (expressions may be NULL)."""
    return bool(getattr(expr, "nullable", True))


def _searchable(expr: ColumnElement[Any]) -> ColumnElement[str]:
    """The column as text for LIKE (numbers and dates cast; NULL as empty)."""
    nullable = _nullable(expr)
    if not _is_text(expr):
        expr = cast(expr, String)
    return func.coalesce(expr, literal("")) if nullable else expr


def _text_condition(spec: ListSpec, text: str) -> ColumnElement[bool] | None:
    """Every word of ``text`` must occur (case-insensitively) in some filterable column
    (or the spec's own ``search`` condition).

    The columns are searched as one text, joined by spaces: a word holds no white space,
    so it occurs in the joined text exactly when it occurs in one of the columns, and one
    LIKE per row and word costs half of one per column (a server's ILIKE above all)."""
    if spec.search is not None:
        return spec.search(text) if text.split() else None
    words = text.split()
    columns = [c.expr for c in spec.columns if c.filterable]
    if not words or not columns:
        return None
    searchable = [_searchable(expr) for expr in columns]
    joined = searchable[0]
    for column in searchable[1:]:
        joined = joined + literal(" ") + column
    return and_(*(joined.icontains(word, autoescape=True) for word in words))


def _filter_condition(spec: ListSpec, key: str, value: Any) -> ColumnElement[bool]:
    try:
        expr = spec.column(key).expr
    except KeyError:
        raise ValidationError(
            f"Cannot filter the {spec.noun[1]} by unknown column {key!r}."
        ) from None
    if value is None:
        return expr.is_(None)
    if isinstance(value, enum.Enum):
        return expr == value.value
    if isinstance(value, list | tuple | set | frozenset):
        values = [v.value if isinstance(v, enum.Enum) else v for v in value]
        return expr.in_(values)
    return expr == value


def build_ids_query(
    *,
    spec: ListSpec,
    text: str = "",
    filters: Mapping[str, Any] | None = None,
    sort_key: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
    ordered: bool = True,
) -> Select[Any]:
    """The SELECT behind :func:`query_ids` (exposed for EXPLAIN and tests); not
    ``ordered``: the matching ids in no order (no sort, no join for the sort column)."""
    conditions: list[ColumnElement[bool]] = list(spec.where)
    # The columns the query reads: their joins (and only theirs) are made.
    used: list[ListColumn] = []
    text_cond = _text_condition(spec, text or "")
    if text_cond is not None:
        conditions.append(text_cond)
        if spec.search is None:
            used += [c for c in spec.columns if c.filterable]
    for key, value in (filters or {}).items():
        conditions.append(_filter_condition(spec, key, value))
        used.append(spec.column(key))
    if sort_key is None:
        sort_key, descending = spec.default_sort, spec.default_descending
    order: list[ColumnElement[Any]] = []
    if sort_key is not None and ordered:
        try:
            column = spec.column(sort_key)
        except KeyError:
            raise ValidationError(
                f"Cannot sort the {spec.noun[1]} by unknown column {sort_key!r}."
            ) from None
        if column.sortable:
            used.append(column)
            expr = column.order_expr
            if _nullable(expr):
                # Empty values last in both directions (portable: no NULLS LAST).
                order.append(case((expr.is_(None), 1), else_=0))
            if column.sort_expr is None and _is_text(expr):
                expr = func.lower(expr)
            order.append(expr.desc() if descending else expr.asc())
    stmt = select(spec.id_column).select_from(spec.source_for(used))
    if conditions:
        stmt = stmt.where(and_(*conditions))
    if ordered:
        stmt = stmt.order_by(*order, spec.id_column.asc())
    if offset:
        stmt = stmt.offset(offset)
    return stmt if limit is None else stmt.limit(limit)


def query_ids(
    *,
    ws: Workspace,
    spec: ListSpec,
    text: str = "",
    filters: Mapping[str, Any] | None = None,
    sort_key: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[int]:
    """Ids of the rows matching ``text`` and ``filters``, in display order (``limit`` of
    them from the ``offset``-th on, when given).

    ``text``: each white-space separated word must occur, case-insensitively, in at least
    one filterable column. ``filters``: exact match per column key (a list or tuple means
    any of those values, ``None`` means empty). ``sort_key``: a column key (``None``: the
    spec's default column and direction, ``descending`` ignored); ties are ordered by id
    ascending, so the order is stable.
    """
    stmt = build_ids_query(
        spec=spec,
        text=text,
        filters=filters,
        sort_key=sort_key,
        descending=descending,
        offset=offset,
        limit=limit,
    )
    with ws.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def match_ids(
    *, ws: Workspace, spec: ListSpec, text: str = "", filters: Mapping[str, Any] | None = None
) -> set[int]:
    """The ids :func:`query_ids` would list for ``text`` and ``filters``, in no order."""
    stmt = build_ids_query(spec=spec, text=text, filters=filters, ordered=False)
    with ws.engine.connect() as conn:
        return set(conn.execute(stmt).scalars())


def count_ids(
    *, ws: Workspace, spec: ListSpec, text: str = "", filters: Mapping[str, Any] | None = None
) -> int:
    """How many rows :func:`query_ids` would list for ``text`` and ``filters``."""
    if spec.count_search is not None and text.split() and not filters and not spec.where:
        found = spec.count_search(ws, text)
        if found is not None:
            return found
    ids = build_ids_query(spec=spec, text=text, filters=filters, ordered=False).subquery()
    with ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ids)).scalar_one())


def count_rows(*, ws: Workspace, spec: ListSpec) -> int:
    """How many rows the list holds without any filter."""
    stmt = select(func.count()).select_from(spec.source)
    if spec.where:
        stmt = stmt.where(and_(*spec.where))
    with ws.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def fetch_rows(
    *, ws: Workspace, spec: ListSpec, ids: Iterable[int], raw: bool = False
) -> dict[int, tuple[Any, ...]]:
    """Values of the rows ``ids``, in column order, keyed by id.

    Values are display text (each column's formatter applied) unless ``raw`` is true.
    Ids that no longer exist are absent from the result.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    exprs = [c.expr for c in spec.columns]
    formatters = [c.format_value for c in spec.columns]
    source = spec.source_for(spec.columns)
    result: dict[int, tuple[Any, ...]] = {}
    with ws.engine.connect() as conn:
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            stmt = select(spec.id_column, *exprs).select_from(source)
            stmt = stmt.where(spec.id_column.in_(chunk), *spec.where)
            for row in conn.execute(stmt):
                values = tuple(row[1:])
                if not raw:
                    values = tuple(f(v) for f, v in zip(formatters, values, strict=True))
                result[row[0]] = values
    return result
