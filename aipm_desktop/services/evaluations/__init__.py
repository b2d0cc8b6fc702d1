"""Evaluations: suites of test examples per use case, metrics with thresholds, runs of a
model/prompt/system version scored on a suite, reports with confidence intervals,
comparisons with regressions, and the launch gate.

The package, by concern (every public name is importable from here and loads on first
use, so the package costs nothing at start-up; the statistics need numpy):

- :mod:`.results`: a run's per-example results as arrays, stored as one blob per run;
- :mod:`.reading`: reading CSV / XLSX / JSONL results files and the column mapping;
- :mod:`.imports`: :func:`preview_import`, :func:`apply_import` (one undoable operation),
  :func:`import_results`, :func:`load_results`, :func:`export_results`;
- :mod:`.stats`: cells, bootstrap intervals, paired differences, McNemar's exact test;
- :mod:`.metrics`: :class:`MetricSpec`, :func:`run_metrics` -> :class:`MetricResult`;
- :mod:`.compare`: :func:`compare_runs` -> :class:`Comparison` (differences, flips,
  regressions), :func:`export_flips`;
- :mod:`.data`: reading (:func:`suites`, :func:`runs`, :func:`find_run`,
  :func:`run_report`, :func:`failing_blocking`);
- :mod:`.edits`: writes (suites, metrics, runs, :func:`record_kpi_snapshot`);
- :mod:`.gate`: the launch checklist's computed evaluation item (:func:`evaluation_item`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...lazy import lazy_exports

_NAMES = {
    "compare": (
        "ALPHA",
        "Comparison",
        "Difference",
        "Flip",
        "compare_results",
        "compare_runs",
        "export_flips",
    ),
    "data": (
        "FailingMetric",
        "RunInfo",
        "SuiteInfo",
        "Trend",
        "TrendPoint",
        "failing_blocking",
        "find_metric",
        "find_run",
        "find_suite",
        "metric_specs",
        "run_report",
        "runs",
        "suite_row",
        "suites",
        "trend",
    ),
    "edits": (
        "RUN_FIELDS",
        "add_metric",
        "create_suite",
        "delete_metric",
        "delete_run",
        "delete_suite",
        "kind_label",
        "metric_row",
        "parse_metric",
        "record_kpi_snapshot",
        "update_metric",
        "update_run",
        "update_suite",
    ),
    "gate": ("EvaluationItem", "evaluation_item"),
    "imports": (
        "ImportPreview",
        "apply_import",
        "export_results",
        "import_results",
        "load_results",
        "preview_import",
    ),
    "metrics": (
        "MetricResult",
        "ReliabilityBin",
        "RunReport",
        "SliceResult",
        "reliability",
        "run_metrics",
    ),
    "spec": ("MetricSpec",),
    "reading": ("guess_mapping", "parse_field", "parse_mapping", "read_source"),
    "results": ("Column", "Results"),
}

__getattr__ = lazy_exports(__name__, {n: m for m, names in _NAMES.items() for n in names})
if TYPE_CHECKING:
    from .compare import (
        ALPHA,
        Comparison,
        Difference,
        Flip,
        compare_results,
        compare_runs,
        export_flips,
    )
    from .data import (
        FailingMetric,
        RunInfo,
        SuiteInfo,
        Trend,
        TrendPoint,
        failing_blocking,
        find_metric,
        find_run,
        find_suite,
        metric_specs,
        run_report,
        runs,
        suite_row,
        suites,
        trend,
    )
    from .edits import (
        RUN_FIELDS,
        add_metric,
        create_suite,
        delete_metric,
        delete_run,
        delete_suite,
        kind_label,
        metric_row,
        parse_metric,
        record_kpi_snapshot,
        update_metric,
        update_run,
        update_suite,
    )
    from .gate import EvaluationItem, evaluation_item
    from .imports import (
        ImportPreview,
        apply_import,
        export_results,
        import_results,
        load_results,
        preview_import,
    )
    from .metrics import (
        MetricResult,
        ReliabilityBin,
        RunReport,
        SliceResult,
        reliability,
        run_metrics,
    )
    from .reading import guess_mapping, parse_field, parse_mapping, read_source
    from .results import Column, Results
    from .spec import MetricSpec

__all__ = sorted(name for names in _NAMES.values() for name in names)
