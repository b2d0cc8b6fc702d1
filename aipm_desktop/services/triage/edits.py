"""Triage writes, each one undoable operation: classify one item (with its cluster),
re-classify a selection, set the cluster of a selection, change an item's links.

Classifying stamps who triaged the item and when; moving it back to untriaged clears
both. A selection is written with one UPDATE per chunk (50,000 items re-classify in well
under a second of SQL), journaled by the operation layer like any other write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import update

from ...errors import ValidationError
from ...models import FeedbackClass, FeedbackItem, utcnow
from ...store import Workspace
from .. import records
from ..changes import Changes
from .data import CLASS_LABELS, FEEDBACK, LINK_FIELDS, parse_class

KIND = "feedback_item"
#: Items per UPDATE of a bulk write.
_CHUNK = 500


def _triage_values(triage_class: FeedbackClass, who: str | None) -> dict[str, Any]:
    if triage_class is FeedbackClass.UNTRIAGED:
        return {"triage_class": triage_class.value, "triaged_at": None, "triaged_by": ""}
    return {
        "triage_class": triage_class.value,
        "triaged_at": utcnow(),
        "triaged_by": who if who is not None else records.default_author(),
    }


def _clean_cluster(cluster: str) -> str:
    text = " ".join(str(cluster).split())
    if len(text) > 200:
        raise ValidationError(
            "Invalid feedback item: cluster: at most 200 characters", [("cluster", "too long")]
        )
    return text


def classify(
    *,
    ws: Workspace,
    item_id: int,
    triage_class: str,
    cluster: str | None = None,
    expected_version: int | None = None,
    who: str | None = None,
) -> Changes:
    """Put one item in ``triage_class`` (value, label or key 1-5, 0 untriaged), and in
    ``cluster`` when given; one operation."""
    klass = parse_class(triage_class)
    data = _triage_values(klass, who)
    if cluster is not None:
        data["cluster"] = _clean_cluster(cluster)
    label = f"classify feedback #{item_id} as {CLASS_LABELS[klass.value]}"
    return _update_one(ws, item_id, data, label, expected_version, who)


def _update_one(
    ws: Workspace,
    item_id: int,
    data: Mapping[str, Any],
    label: str,
    expected_version: int | None,
    who: str | None,
) -> Changes:
    """Change fields of one item (validated as a whole) as one operation named ``label``."""
    with ws.operation(label, who=who):
        records.update(
            ws=ws,
            model=FeedbackItem,
            id=item_id,
            data=data,
            expected_version=expected_version,
            who=who,
        )
    return Changes(KIND, (item_id,), "update")


def _bulk_update(
    ws: Workspace, item_ids: Sequence[int], values: Mapping[str, Any], label: str, who: str | None
) -> Changes:
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    if not ids:
        return Changes(KIND, (), "update")
    now = utcnow()
    statement = (
        update(FEEDBACK)
        .values(**values, updated_at=now, version=FEEDBACK.c.version + 1)
        .execution_options(synchronize_session=False)
    )
    with ws.write(label=label, who=who) as session:
        conn = session.connection()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            conn.execute(statement.where(FEEDBACK.c.id.in_(chunk)))
    return Changes(KIND, tuple(ids), "update")


def reclassify(
    *,
    ws: Workspace,
    item_ids: Sequence[int],
    triage_class: str,
    cluster: str | None = None,
    who: str | None = None,
) -> Changes:
    """Put every item of ``item_ids`` in ``triage_class`` (and ``cluster`` when given),
    as one operation: one undo step however many items."""
    klass = parse_class(triage_class)
    values = _triage_values(klass, who)
    if cluster is not None:
        values["cluster"] = _clean_cluster(cluster)
    count = len(set(item_ids))
    noun = "item" if count == 1 else "items"
    label = f"re-classify {count:,} feedback {noun} as {CLASS_LABELS[klass.value]}"
    return _bulk_update(ws, item_ids, values, label, who)


def set_cluster(
    *, ws: Workspace, item_ids: Sequence[int], cluster: str, who: str | None = None
) -> Changes:
    """Put the items in the failure cluster ``cluster`` ("" takes them out of any)."""
    name = _clean_cluster(cluster)
    count = len(set(item_ids))
    what = f"cluster '{name}'" if name else "no cluster"
    label = f"put {count:,} feedback item{'s' if count != 1 else ''} in {what}"
    return _bulk_update(ws, item_ids, {"cluster": name}, label, who)


def update_item(
    *,
    ws: Workspace,
    item_id: int,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    who: str | None = None,
) -> Changes:
    """Change an item's links (``use_case_id``, ``risk_id``, ``incident_id``,
    ``roadmap_item_id``), cluster, tags or text, validated as a whole; one operation."""
    values = dict(data)
    if "cluster" in values:
        values["cluster"] = _clean_cluster(values["cluster"] or "")
    if "triage_class" in values:
        values.update(_triage_values(parse_class(values["triage_class"]), who))
    words = ", ".join(LINK_FIELDS.get(k, k.replace("_", " ")) for k in values)
    return _update_one(
        ws, item_id, values, f"edit feedback #{item_id} {words}", expected_version, who
    )


def delete_items(*, ws: Workspace, item_ids: Sequence[int], who: str | None = None) -> Changes:
    """Delete the items (one undo step brings them all back)."""
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    count = len(ids)
    label = f"delete {count:,} feedback item{'s' if count != 1 else ''}"
    with ws.write(label=label, who=who) as session:
        conn = session.connection()
        for start in range(0, len(ids), _CHUNK):
            conn.execute(FEEDBACK.delete().where(FEEDBACK.c.id.in_(ids[start : start + _CHUNK])))
    return Changes(KIND, tuple(ids), "delete")
