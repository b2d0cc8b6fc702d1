"""Feedback triage: customer feedback and tickets imported into an inbox, classified from
the keyboard (UX, data, model, policy, not AI), grouped into failure clusters and linked
to use cases, risks, incidents and roadmap items. (``services.feedback`` is something
else: the interview candidate feedback PDF.)

The package, by concern (every public name is importable from here):

- :mod:`.data`: the classes, their labels and keys; the inbox list spec with its
  full-text search (:func:`inbox_spec`), one item (:func:`item`), :func:`list_ids`,
  :func:`first_untriaged`, :func:`cluster_names` for completion;
- :mod:`.edits`: :func:`classify` one item, :func:`reclassify` a selection,
  :func:`set_cluster`, :func:`update_item` (links), :func:`delete_items`; each one
  undoable operation;
- :mod:`.imports`: :func:`preview_import` (every row checked, duplicates skipped) and
  :func:`apply_import` (all or nothing, one operation);
- :mod:`.stats`: :func:`counts_by_class`, :func:`counts_by_cluster` per week or month,
  :func:`top_clusters` this month against last, :func:`feedback_stats` (all of them).
"""

from __future__ import annotations

from .data import (
    CLASS_KEYS,
    CLASS_LABELS,
    CLASS_MEANINGS,
    EMPTY_TEXT,
    LINK_FIELDS,
    FeedbackInfo,
    class_label,
    cluster_names,
    count_items,
    first_untriaged,
    inbox_spec,
    item,
    items,
    link_choices,
    list_ids,
    parse_class,
    search_condition,
    source_names,
)
from .edits import classify, delete_items, reclassify, set_cluster, update_item
from .imports import (
    IMPORT_COLUMNS,
    REQUIRED,
    FeedbackPreview,
    apply_import,
    import_batches,
    preview_import,
)
from .stats import (
    PERIODS,
    ClusterChange,
    FeedbackStats,
    Series,
    TimeCounts,
    TopClusters,
    counts_by_class,
    counts_by_cluster,
    feedback_stats,
    period_label,
    period_start,
    top_clusters,
)

__all__ = [
    "CLASS_KEYS",
    "CLASS_LABELS",
    "CLASS_MEANINGS",
    "EMPTY_TEXT",
    "IMPORT_COLUMNS",
    "LINK_FIELDS",
    "PERIODS",
    "REQUIRED",
    "ClusterChange",
    "FeedbackInfo",
    "FeedbackPreview",
    "FeedbackStats",
    "Series",
    "TimeCounts",
    "TopClusters",
    "apply_import",
    "class_label",
    "classify",
    "cluster_names",
    "count_items",
    "counts_by_class",
    "counts_by_cluster",
    "delete_items",
    "feedback_stats",
    "first_untriaged",
    "import_batches",
    "inbox_spec",
    "item",
    "items",
    "link_choices",
    "list_ids",
    "parse_class",
    "period_label",
    "period_start",
    "reclassify",
    "search_condition",
    "set_cluster",
    "source_names",
    "top_clusters",
    "update_item",
]
