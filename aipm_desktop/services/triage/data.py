"""Reading the feedback inbox: the classes and their keys, the inbox list spec (with the
full-text search), one item with its links, cluster names, and the next untriaged item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from ...errors import NotFoundError, UserError
from ...models import (
    FeedbackClass,
    FeedbackItem,
    Incident,
    Risk,
    RoadmapItem,
    UseCase,
)
from ...store import Workspace, fulltext
from ..listing import ListColumn, ListSpec, enum_order, query_ids
from ..records import record_dict

FEEDBACK = FeedbackItem.__table__  # type: ignore[attr-defined]

#: How each class is called, in the order the keys 1-5 pick them (untriaged: key 0).
CLASS_LABELS: dict[str, str] = {
    FeedbackClass.UX.value: "UX",
    FeedbackClass.DATA.value: "Data",
    FeedbackClass.MODEL.value: "Model",
    FeedbackClass.POLICY.value: "Policy",
    FeedbackClass.NOT_AI.value: "Not AI",
    FeedbackClass.UNTRIAGED.value: "Untriaged",
}
#: A colour per class (the inbox's chips, the charts); untriaged grey: the work left.
CLASS_COLOURS: dict[str, str] = {
    FeedbackClass.UX.value: "#3b7ddd",
    FeedbackClass.DATA.value: "#00897b",
    FeedbackClass.MODEL.value: "#d84315",
    FeedbackClass.POLICY.value: "#7b1fa2",
    FeedbackClass.NOT_AI.value: "#90a4ae",
    FeedbackClass.UNTRIAGED.value: "#cfd8dc",
}
#: The key that classifies the current item in the inbox, per class.
CLASS_KEYS: dict[str, str] = {
    FeedbackClass.UX.value: "1",
    FeedbackClass.DATA.value: "2",
    FeedbackClass.MODEL.value: "3",
    FeedbackClass.POLICY.value: "4",
    FeedbackClass.NOT_AI.value: "5",
    FeedbackClass.UNTRIAGED.value: "0",
}
#: What each class means (tooltips, help).
CLASS_MEANINGS: dict[str, str] = {
    FeedbackClass.UX.value: "the experience around the AI: flow, controls, explanations, trust",
    FeedbackClass.DATA.value: "the data the AI used: wrong, stale or missing source records",
    FeedbackClass.MODEL.value: "the model's output: wrong answer, hallucination, irrelevant "
    "suggestion, latency",
    FeedbackClass.POLICY.value: "what the AI may say or do: unsafe response, PII, refusals",
    FeedbackClass.NOT_AI.value: "not about the AI feature (billing, a bug elsewhere)",
    FeedbackClass.UNTRIAGED.value: "not triaged yet",
}
#: The link fields of an item and the record kind each names.
LINK_FIELDS: dict[str, str] = {
    "use_case_id": "use case",
    "risk_id": "risk",
    "incident_id": "incident",
    "roadmap_item_id": "roadmap item",
}
_LINK_TABLES: dict[str, tuple[Any, str]] = {
    "use_case_id": (UseCase.__table__, "title"),  # type: ignore[attr-defined]
    "risk_id": (Risk.__table__, "title"),  # type: ignore[attr-defined]
    "incident_id": (Incident.__table__, "title"),  # type: ignore[attr-defined]
    "roadmap_item_id": (RoadmapItem.__table__, "title"),  # type: ignore[attr-defined]
}
EMPTY_TEXT = (
    "No feedback yet. Import a CSV or XLSX of tickets (File columns: text, date, source, "
    "customer, tags) with Import…, then triage each item with one key: 1 UX, 2 data, "
    "3 model, 4 policy, 5 not AI."
)
_IN_CHUNK = 500
#: Ids the inbox reads at a time (more as the user scrolls).
INBOX_WINDOW = 1_000


def parse_class(value: str) -> FeedbackClass:
    """A class from its value, label or key (``model``, ``Model``, ``3``, ``not ai``)."""
    text = " ".join(str(value).strip().casefold().replace("_", " ").replace("-", " ").split())
    for klass in FeedbackClass:
        names = {klass.value.replace("_", " "), CLASS_LABELS[klass.value].casefold()}
        if text in names or text == CLASS_KEYS[klass.value]:
            return klass
    choices = ", ".join(CLASS_LABELS[k.value] for k in FeedbackClass)
    raise UserError(f"Unknown feedback class {value!r}; choose one of {choices}.")


def search_condition(ws: Workspace | None, words: str) -> ColumnElement[bool] | None:
    """The condition "contains every word of ``words``" (full-text index when the
    workspace has it, else LIKE over text, customer, source, tags and cluster)."""
    if not words.split():
        return None
    if ws is None or fulltext.available(ws.engine):
        return fulltext.feedback_match(FEEDBACK.c.id, words)
    columns = (FEEDBACK.c.text, FEEDBACK.c.customer, FEEDBACK.c.source, FEEDBACK.c.tags)
    from sqlalchemy import or_

    return and_(
        *(
            or_(*(c.icontains(word, autoescape=True) for c in (*columns, FEEDBACK.c.cluster)))
            for word in words.split()
        )
    )


def search_count(ws: Workspace, words: str) -> int | None:
    """How many items contain every word of ``words``, read from the full-text index
    alone (None when the workspace has none)."""
    if not fulltext.available(ws.engine):
        return None
    return fulltext.count_matches(ws.engine, words)


def inbox_spec(workspace: Callable[[], Workspace | None] = lambda: None) -> ListSpec:
    """The inbox: newest first; the filter box searches the full-text index of the
    workspace ``workspace()`` returns when it searches (LIKE when it has none)."""
    t = FEEDBACK
    return ListSpec(
        kind="feedback_item",
        source=t,
        id_column=t.c.id,
        noun=("item", "items"),
        empty_text=EMPTY_TEXT,
        columns=(
            ListColumn("date", "Date", t.c.date, width=10, formatter="date", filterable=False),
            ListColumn(
                "triage_class",
                "Class",
                t.c.triage_class,
                width=9,
                labels=CLASS_LABELS,
                colors=CLASS_COLOURS,
                sort_expr=enum_order(t.c.triage_class, FeedbackClass),
                tooltip="UX, data, model, policy or not AI (keys 1-5; 0: untriaged)",
            ),
            ListColumn("text", "Feedback", t.c.text, width=32),
            ListColumn("cluster", "Cluster", t.c.cluster, width=16),
            ListColumn("source", "Source", t.c.source, width=9),
            ListColumn("customer", "Customer", t.c.customer, width=12),
            ListColumn("tags", "Tags", t.c.tags, width=14),
        ),
        default_sort="date",
        default_descending=True,
        search=lambda words: search_condition(workspace(), words),
        count_search=search_count,
        window=INBOX_WINDOW,
    )


def class_label(value: str | None) -> str:
    return CLASS_LABELS.get(value or "", value or "")


@dataclass(frozen=True)
class FeedbackInfo:
    """One feedback item as the detail pane and ``aipm feedback list`` show it."""

    id: int
    version: int
    text: str
    date: dt.date
    source: str
    customer: str
    tags: str
    triage_class: str
    cluster: str
    use_case_id: int | None
    risk_id: int | None
    incident_id: int | None
    roadmap_item_id: int | None
    triaged_at: dt.datetime | None
    triaged_by: str
    import_id: int | None
    links: Mapping[str, str]

    @property
    def class_label(self) -> str:
        return class_label(self.triage_class)

    def as_dict(self) -> dict[str, Any]:
        return record_dict(self, links=dict(self.links))


def _link_titles(conn: Any, rows: Iterable[Mapping[str, Any]]) -> dict[tuple[str, int], str]:
    wanted: dict[str, set[int]] = {}
    for row in rows:
        for name in LINK_FIELDS:
            if row[name] is not None:
                wanted.setdefault(name, set()).add(int(row[name]))
    titles: dict[tuple[str, int], str] = {}
    for name, ids in wanted.items():
        table, column = _LINK_TABLES[name]
        query = select(table.c.id, table.c[column]).where(table.c.id.in_(sorted(ids)))
        for record_id, title in conn.execute(query):
            titles[(name, int(record_id))] = str(title)
    return titles


def _info(row: Mapping[str, Any], titles: Mapping[tuple[str, int], str]) -> FeedbackInfo:
    links = {
        name: titles.get((name, int(row[name])), f"#{row[name]}")
        for name in LINK_FIELDS
        if row[name] is not None
    }
    values = {k: row[k] for k in FeedbackInfo.__dataclass_fields__ if k != "links"}
    return FeedbackInfo(**values, links=links)


def items(*, ws: Workspace, ids: Sequence[int]) -> list[FeedbackInfo]:
    """The items ``ids`` (those that exist), in the order given."""
    found: dict[int, Mapping[str, Any]] = {}
    with ws.engine.connect() as conn:
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = list(ids[start : start + _IN_CHUNK])
            for row in conn.execute(select(FEEDBACK).where(FEEDBACK.c.id.in_(chunk))).mappings():
                found[int(row["id"])] = dict(row)
        titles = _link_titles(conn, found.values())
    return [_info(found[i], titles) for i in ids if i in found]


def item(*, ws: Workspace, item_id: int) -> FeedbackInfo:
    """One feedback item (``NotFoundError`` when it is gone)."""
    for found in items(ws=ws, ids=[item_id]):
        return found
    raise NotFoundError(f"No feedback item with id {item_id}; it may have been deleted.")


def list_ids(
    *,
    ws: Workspace,
    triage_class: str | None = None,
    source: str | None = None,
    search: str = "",
    limit: int | None = None,
) -> list[int]:
    """Ids of the items in a class (and source) containing every word of ``search``,
    newest first (as the inbox lists them)."""
    filters: dict[str, Any] = {}
    if triage_class is not None:
        filters["triage_class"] = parse_class(triage_class).value
    if source is not None:
        filters["source"] = source
    ids = query_ids(ws=ws, spec=inbox_spec(lambda: ws), text=search, filters=filters)
    return ids if limit is None else ids[:limit]


def first_untriaged(*, ws: Workspace, candidates: Sequence[int]) -> int | None:
    """The first of ``candidates`` (in their order) still untriaged, or None. Reads a
    chunk at a time, so the next one a few rows down costs one small query."""
    with ws.engine.connect() as conn:
        for start in range(0, len(candidates), _IN_CHUNK):
            chunk = list(candidates[start : start + _IN_CHUNK])
            # Read by id (the class index would walk every untriaged item) and kept here.
            query = select(FEEDBACK.c.id, FEEDBACK.c.triage_class).where(FEEDBACK.c.id.in_(chunk))
            untriaged = FeedbackClass.UNTRIAGED.value
            open_ids = {int(i) for i, klass in conn.execute(query) if klass == untriaged}
            for candidate in chunk:
                if candidate in open_ids:
                    return candidate
    return None


def cluster_names(*, ws: Workspace, prefix: str = "", limit: int = 200) -> list[str]:
    """The failure clusters in use, most used first (for completion)."""
    count = func.count().label("n")
    query = (
        select(FEEDBACK.c.cluster, count)
        .where(FEEDBACK.c.cluster != "")
        .group_by(FEEDBACK.c.cluster)
        .order_by(count.desc(), FEEDBACK.c.cluster)
        .limit(limit)
    )
    if prefix.strip():
        query = query.where(FEEDBACK.c.cluster.istartswith(prefix.strip(), autoescape=True))
    with ws.engine.connect() as conn:
        return [str(name) for name, _n in conn.execute(query)]


def source_names(*, ws: Workspace) -> list[str]:
    """The sources the items came from (for the inbox's source filter)."""
    query = select(FEEDBACK.c.source).where(FEEDBACK.c.source != "").distinct()
    with ws.engine.connect() as conn:
        return sorted((str(s) for (s,) in conn.execute(query)), key=str.casefold)


def link_choices(*, ws: Workspace) -> dict[str, list[tuple[int, str]]]:
    """Per link field, the records an item may link to: ``(id, title)`` by title."""
    out: dict[str, list[tuple[int, str]]] = {}
    with ws.engine.connect() as conn:
        for name, (table, column) in _LINK_TABLES.items():
            query = select(table.c.id, table.c[column]).order_by(func.lower(table.c[column]))
            out[name] = [(int(i), str(t)) for i, t in conn.execute(query)]
    return out


def count_items(*, ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(FEEDBACK)).scalar_one())
