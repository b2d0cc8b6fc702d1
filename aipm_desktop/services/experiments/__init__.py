"""Experiments: design with power and duration, readouts that survive scrutiny, decisions.

The package, by concern (every public name is importable from here; all load on first
use, so the package costs nothing at start-up -- the statistics need scipy):

- :mod:`.design`: planning (:func:`plan_proportion`, :func:`plan_mean` -> :class:`Plan`;
  :func:`detectable_effect`, :func:`mde_curve`; formulas and sources in its docstring);
- :mod:`.stats`: :func:`compare` -> :class:`Comparison` (z-test, Welch, delta-method
  relative lift, CUPED), :func:`adjust` (Holm, Bonferroni), :func:`srm_check`,
  :func:`guardrail_check`, :func:`can_stop` (mSPRT, O'Brien-Fleming); sources in its
  docstring and :mod:`.stats_sequential`'s;
- :mod:`.data`: reading (:func:`summaries`, :func:`detail`, :func:`find_experiment`,
  :func:`experiment_list_spec`);
- :mod:`.edits`: writes (experiments, variants, guardrails, status moves,
  :func:`record_decision`; each one undoable operation);
- :mod:`.imports`: results from CSV/XLSX, daily aggregates or per-unit rows
  (:func:`preview_results`, :func:`apply_results`, :func:`import_results`);
- :mod:`.readout`: :func:`readout_of` -> :class:`Readout` (every metric x treatment,
  SRM, guardrails, peeking, the per-arm inputs), :func:`cumulative` (day by day, for the
  chart), :func:`plan_of` (the plan of the stored inputs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_NAMES = {
    "data": (
        "DECISION_LABELS",
        "MOVES",
        "STATUS_ORDER",
        "ExperimentDetail",
        "ExperimentSummary",
        "GuardrailInfo",
        "MetricInfo",
        "VariantInfo",
        "detail",
        "experiment_list_spec",
        "find_experiment",
        "summaries",
    ),
    "edits": (
        "DecisionOutcome",
        "add_guardrail",
        "add_variant",
        "clear_results",
        "create_experiment",
        "delete_experiment",
        "delete_guardrail",
        "delete_variant",
        "record_decision",
        "reorder_guardrails",
        "reorder_variants",
        "set_status",
        "update_experiment",
        "update_guardrail",
        "update_variant",
    ),
    "imports": ("ResultsPreview", "apply_results", "import_results", "preview_results"),
    "readout": (
        "ArmInput",
        "ArmSeries",
        "CumulativeReadout",
        "LiftSeries",
        "MetricReadout",
        "Readout",
        "TreatmentReadout",
        "cumulative",
        "kpi_value_of",
        "plain",
        "plan_of",
        "readout_of",
    ),
    "design": (
        "Plan",
        "TestSettings",
        "detectable_effect",
        "mde_curve",
        "plan_mean",
        "plan_proportion",
    ),
    "stats": (
        "ArmTotals",
        "Comparison",
        "GuardrailResult",
        "SrmResult",
        "StopDecision",
        "adjust",
        "adjust_comparisons",
        "can_stop",
        "compare",
        "guardrail_check",
        "guardrail_verdict",
        "srm_check",
    ),
}

__getattr__ = lazy_exports(
    __name__, {name: module for module, names in _NAMES.items() for name in names}
)

if TYPE_CHECKING:
    from .data import (
        DECISION_LABELS,
        MOVES,
        STATUS_ORDER,
        ExperimentDetail,
        ExperimentSummary,
        GuardrailInfo,
        MetricInfo,
        VariantInfo,
        detail,
        experiment_list_spec,
        find_experiment,
        summaries,
    )
    from .design import (
        Plan,
        TestSettings,
        detectable_effect,
        mde_curve,
        plan_mean,
        plan_proportion,
    )
    from .edits import (
        DecisionOutcome,
        add_guardrail,
        add_variant,
        clear_results,
        create_experiment,
        delete_experiment,
        delete_guardrail,
        delete_variant,
        record_decision,
        reorder_guardrails,
        reorder_variants,
        set_status,
        update_experiment,
        update_guardrail,
        update_variant,
    )
    from .imports import ResultsPreview, apply_results, import_results, preview_results
    from .readout import (
        ArmInput,
        ArmSeries,
        CumulativeReadout,
        LiftSeries,
        MetricReadout,
        Readout,
        TreatmentReadout,
        cumulative,
        kpi_value_of,
        plain,
        plan_of,
        readout_of,
    )
    from .stats import (
        ArmTotals,
        Comparison,
        GuardrailResult,
        SrmResult,
        StopDecision,
        adjust,
        adjust_comparisons,
        can_stop,
        compare,
        guardrail_check,
        guardrail_verdict,
        srm_check,
    )

__all__ = sorted(name for names in _NAMES.values() for name in names)
