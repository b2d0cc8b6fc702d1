"""Unit economics of AI features: cost per request and per successful task, scenarios,
options compared, sensitivity, the model price table, and what cost models feed.

The package, by concern (every public name is importable from here):

- :mod:`.inputs`: :class:`CostInputs` (one model's inputs, prices resolved, no database),
  :data:`INPUT_SPECS` (label, unit, group of each input), :func:`make_inputs` (validated
  inputs from a form's values), :func:`inputs_of`;
- :mod:`.calc`: :func:`compute` -> :class:`CostOutputs` (the formulas are in its module
  docstring), :func:`compare` -> :class:`Comparison`, :func:`break_even`;
- :mod:`.sensitivity`: :func:`sensitivity` -> :class:`Sensitivity` (tornado rows; the
  user's low / high values travel in ``CostInputs.sensitivity_ranges``);
- :mod:`.data`: reading (:func:`load_inputs`, :func:`model_sensitivity`,
  :func:`all_inputs`, :func:`summaries`,
  :func:`compare_use_case`, :func:`price_rows`), writes (cost models and prices, each one
  undoable operation) and list specs;
- :mod:`.links`: :func:`feed_ownership` (the use case's build / partner / buy costs),
  :func:`record_kpi_snapshot`, :func:`envelope_breaches`.

A view recalculates without the database: load the inputs once, change them with
``dataclasses.replace`` (or :func:`make_inputs`) as the user types, and call
:func:`compute` and :func:`sensitivity` (well under a millisecond together).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .calc import (
    MAX_COMPARED,
    BreakEven,
    ComparedOption,
    Comparison,
    CostOutputs,
    Margin,
    ScenarioFigures,
    break_even,
    compare,
    compute,
    cost_per_successful_task,
    variable_cost,
)
from .inputs import (
    INPUT_SPECS,
    MONTHS,
    ROLES,
    SCENARIOS,
    SPEC_BY_FIELD,
    CostInputs,
    InputSpec,
    PriceRef,
    format_amount,
    format_count,
    format_input,
    format_share,
    inputs_of,
    make_inputs,
    ranges_of,
    ranges_record,
)
from .links import (
    EnvelopeBreach,
    Ownership,
    envelope_breaches,
    feed_ownership,
    ownership_of,
    record_kpi_snapshot,
)
from .sensitivity import (
    DEFAULT_SWING,
    SENSITIVE_FIELDS,
    Sensitivity,
    TornadoRow,
    default_bounds,
    sensitivity,
    tornado_value,
)

# Reading and writing stored cost models loads on first use (see services/lazy.py).
__getattr__ = lazy_exports(
    __name__,
    {
        "CostModelSummary": "data",
        "PriceRow": "data",
        "all_inputs": "data",
        "compare_use_case": "data",
        "cost_model_list_spec": "data",
        "create_model": "data",
        "create_price": "data",
        "delete_model": "data",
        "delete_price": "data",
        "find_model": "data",
        "find_price": "data",
        "load_inputs": "data",
        "model_sensitivity": "data",
        "price_list_spec": "data",
        "price_rows": "data",
        "summaries": "data",
        "update_model": "data",
        "update_price": "data",
    },
)

if TYPE_CHECKING:
    from .data import (
        CostModelSummary,
        PriceRow,
        all_inputs,
        compare_use_case,
        cost_model_list_spec,
        create_model,
        create_price,
        delete_model,
        delete_price,
        find_model,
        find_price,
        load_inputs,
        model_sensitivity,
        price_list_spec,
        price_rows,
        summaries,
        update_model,
        update_price,
    )

__all__ = [
    "DEFAULT_SWING",
    "INPUT_SPECS",
    "MAX_COMPARED",
    "MONTHS",
    "ROLES",
    "SCENARIOS",
    "SENSITIVE_FIELDS",
    "SPEC_BY_FIELD",
    "BreakEven",
    "ComparedOption",
    "Comparison",
    "CostInputs",
    "CostModelSummary",
    "CostOutputs",
    "EnvelopeBreach",
    "InputSpec",
    "Margin",
    "Ownership",
    "PriceRef",
    "PriceRow",
    "ScenarioFigures",
    "Sensitivity",
    "TornadoRow",
    "all_inputs",
    "break_even",
    "compare",
    "compare_use_case",
    "compute",
    "cost_model_list_spec",
    "cost_per_successful_task",
    "create_model",
    "create_price",
    "default_bounds",
    "delete_model",
    "delete_price",
    "envelope_breaches",
    "feed_ownership",
    "find_model",
    "find_price",
    "format_amount",
    "format_count",
    "format_input",
    "format_share",
    "inputs_of",
    "load_inputs",
    "make_inputs",
    "model_sensitivity",
    "ownership_of",
    "price_list_spec",
    "price_rows",
    "ranges_of",
    "ranges_record",
    "record_kpi_snapshot",
    "sensitivity",
    "summaries",
    "tornado_value",
    "update_model",
    "update_price",
    "variable_cost",
]
