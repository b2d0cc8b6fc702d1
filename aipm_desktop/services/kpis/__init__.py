"""KPIs: status against thresholds, trend, staleness, snapshots, import and export.

Status of a KPI is its latest snapshot against its thresholds, in the KPI's direction
(for ``lower_is_better`` KPIs such as hallucination rate or latency a smaller value is
better; thresholds then rise from target through warning to critical):

- ``critical``: at or past the critical threshold;
- ``on_target``: at or better than the target (checked before warning, so a target
  equal to the warning threshold counts as on target);
- ``warning``: at or past the warning threshold;
- ``off_target``: worse than the target but no threshold crossed;
- ``no_target``: no target set and no threshold crossed;
- ``no_data``: no snapshot yet.

Trend is the least-squares slope over the last ``window`` points (x in weeks), as a
change over the window relative to the series' level (``|mean|``): within
``FLAT_TOLERANCE`` (5 %) it is ``flat``; otherwise ``improving`` or ``worsening`` in the
KPI's direction. Fewer than :data:`MIN_TREND_POINTS` points give ``unknown``.

A KPI is stale when its latest snapshot is older than its frequency's period plus a grace
period (:data:`FREQUENCY_DAYS` + :data:`GRACE_DAYS`): daily 1 + 1 days, weekly 7 + 3,
biweekly 14 + 3, monthly 31 + 5, quarterly 92 + 10, per release 180 + 0. A KPI with no
snapshot at all is ``no_data``, not stale.

Reading uses SQLAlchemy Core: :func:`status_all` reads only the last ``window`` points of
every KPI (one indexed query) and computes in Python. Imports validate every row first
(:func:`preview_import`) and write all-or-nothing (:func:`apply_import`).

The package, by concern (every public name is importable from here):

- :mod:`.status`: status, trend, staleness, number formatting;
- :mod:`.definitions`: finding KPIs, KPI rows, the KPI catalog;
- :mod:`.snapshots`: series, markers, before/after, setting one snapshot;
- :mod:`.imports`: snapshot import (preview, apply) and export.
"""

from __future__ import annotations

from .definitions import (
    add_from_catalog,
    catalog,
    find_kpi,
    get_kpi,
    kpi_rows,
    tracked_catalog_keys,
)
from .imports import (
    DUPLICATE_CHOICES,
    EXPORT_HEADER,
    IMPORT_COLUMNS,
    MAX_REPORTED_ERRORS,
    ImportPreview,
    ImportRow,
    apply_import,
    export_snapshots,
    parse_day,
    parse_value,
    preview_import,
)
from .snapshots import (
    BeforeAfter,
    Marker,
    before_after,
    markers,
    series,
    set_snapshot,
    snapshot_key,
    snapshot_rows,
    snapshot_values,
)
from .status import (
    DEFAULT_WINDOW,
    FLAT_TOLERANCE,
    FREQUENCY_DAYS,
    FREQUENCY_LABELS,
    GRACE_DAYS,
    MIN_TREND_POINTS,
    STATUS_LABELS,
    STATUS_ORDER,
    TREND_LABELS,
    KpiStatus,
    classify,
    format_number,
    format_value,
    is_stale,
    kpi_status,
    stale_after_days,
    status_all,
    trend_of,
)

__all__ = [
    "DEFAULT_WINDOW",
    "DUPLICATE_CHOICES",
    "EXPORT_HEADER",
    "FLAT_TOLERANCE",
    "FREQUENCY_DAYS",
    "FREQUENCY_LABELS",
    "GRACE_DAYS",
    "IMPORT_COLUMNS",
    "MAX_REPORTED_ERRORS",
    "MIN_TREND_POINTS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "TREND_LABELS",
    "BeforeAfter",
    "ImportPreview",
    "ImportRow",
    "KpiStatus",
    "Marker",
    "add_from_catalog",
    "apply_import",
    "before_after",
    "catalog",
    "classify",
    "export_snapshots",
    "find_kpi",
    "format_number",
    "format_value",
    "get_kpi",
    "is_stale",
    "kpi_rows",
    "kpi_status",
    "markers",
    "parse_day",
    "parse_value",
    "preview_import",
    "series",
    "set_snapshot",
    "snapshot_key",
    "snapshot_rows",
    "snapshot_values",
    "stale_after_days",
    "status_all",
    "tracked_catalog_keys",
    "trend_of",
]
