"""The inputs of a cost model as one plain, validated value the calculations take.

:class:`CostInputs` carries every input under the field name the cost model stores it by,
with the prices already resolved (from the price table row the model refers to, or the
model's own prices), so the calculations never touch the database and a view can
recalculate on every keystroke: change a field with :func:`dataclasses.replace` (or build
new inputs from a form's values with :func:`make_inputs`) and call ``compute`` again.

:data:`INPUT_SPECS` describes each input for forms and for ``aipm costs show``: label,
unit and group, in the order a person reads them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pydantic

from ...models.costs import COST_INPUT_FIELDS, CostModelBase
from ..records import validation_error

#: Scenario names, low to high volume.
SCENARIOS = ("low", "base", "high")
#: Months in the multi-year cost (three years).
MONTHS = 36
#: Build / partner / buy roles an option can take (``none``: not one of them).
ROLES = ("none", "build", "partner", "buy")


@dataclass(frozen=True)
class InputSpec:
    """One input as a form or a report shows it. ``unit`` may contain ``{cur}`` for the
    model's currency; ``kind`` is ``count``, ``share`` (0-1, shown as %), ``money`` or
    ``money_small`` (per-request amounts, shown with more decimals)."""

    field: str
    label: str
    unit: str
    group: str
    kind: str = "count"
    optional: bool = False

    def unit_for(self, currency: str) -> str:
        return self.unit.replace("{cur}", currency)


INPUT_SPECS: tuple[InputSpec, ...] = (
    InputSpec("requests_per_month_low", "Requests per month, low", "requests / month", "Volume",
              optional=True),
    InputSpec("requests_per_month", "Requests per month, base", "requests / month", "Volume"),
    InputSpec("requests_per_month_high", "Requests per month, high", "requests / month", "Volume",
              optional=True),
    InputSpec("input_tokens_per_request", "Input tokens per request", "tokens", "Model"),
    InputSpec("output_tokens_per_request", "Output tokens per request", "tokens", "Model"),
    InputSpec("cached_input_share", "Share of input tokens cached", "% of input", "Model",
              "share"),
    InputSpec("retries_per_request", "Retries per request", "extra calls / request", "Model"),
    InputSpec("price_input_per_m", "Price of input tokens", "{cur} / million tokens", "Model",
              "money"),
    InputSpec("price_cached_input_per_m", "Price of cached input tokens",
              "{cur} / million tokens", "Model", "money", optional=True),
    InputSpec("price_output_per_m", "Price of output tokens", "{cur} / million tokens", "Model",
              "money"),
    InputSpec("retrieval_cost_per_request", "Embedding and retrieval cost", "{cur} / request",
              "Per request", "money_small"),
    InputSpec("guardrail_calls_per_request", "Guardrail / moderation calls", "calls / request",
              "Per request"),
    InputSpec("guardrail_cost_per_call", "Cost per guardrail call", "{cur} / call",
              "Per request", "money_small"),
    InputSpec("review_share", "Share of requests reviewed by a person", "% of requests",
              "Human review", "share"),
    InputSpec("review_minutes", "Minutes per review", "minutes", "Human review"),
    InputSpec("review_hourly_cost", "Loaded hourly cost of a reviewer", "{cur} / hour",
              "Human review", "money"),
    InputSpec("fixed_monthly_cost", "Fixed infrastructure and licences", "{cur} / month",
              "Fixed", "money"),
    InputSpec("build_cost_oneoff", "One-off build cost", "{cur}", "Fixed", "money"),
    InputSpec("success_rate", "Task success rate", "% of requests", "Outcome", "share"),
    InputSpec("human_cost_per_task", "Human-only cost per task", "{cur} / task", "Outcome",
              "money", optional=True),
    InputSpec("target_cost_per_task", "Envelope: cost per successful task", "{cur} / task",
              "Outcome", "money_small", optional=True),
    InputSpec("price_per_task", "Price charged per task", "{cur} / task", "Revenue", "money",
              optional=True),
    InputSpec("price_per_seat", "Price charged per seat", "{cur} / seat / month", "Revenue",
              "money", optional=True),
    InputSpec("tasks_per_seat", "Successful tasks per seat", "tasks / seat / month", "Revenue",
              optional=True),
)  # fmt: skip

SPEC_BY_FIELD: dict[str, InputSpec] = {spec.field: spec for spec in INPUT_SPECS}
assert set(SPEC_BY_FIELD) == set(COST_INPUT_FIELDS), "every stored input has a spec"


@dataclass(frozen=True)
class PriceRef:
    """The price table row a model takes its prices from (for display)."""

    id: int
    provider: str
    model: str
    currency: str
    as_of: dt.date | None
    source: str

    @property
    def label(self) -> str:
        when = f", as of {self.as_of.isoformat()}" if self.as_of else ""
        return f"{self.provider} {self.model}{when}"


@dataclass(frozen=True)
class CostInputs:
    """Every input of one cost model; prices are the ones in effect (see module doc).

    A missing low or high volume is the base volume; a missing cached-input price is the
    input price. Build with :func:`make_inputs` (validated) or :func:`inputs_of`.
    """

    name: str = ""
    option_label: str = ""
    role: str = "none"
    currency: str = "USD"
    requests_per_month: float = 0.0
    requests_per_month_low: float | None = None
    requests_per_month_high: float | None = None
    input_tokens_per_request: float = 0.0
    output_tokens_per_request: float = 0.0
    cached_input_share: float = 0.0
    retries_per_request: float = 0.0
    price_input_per_m: float = 0.0
    price_cached_input_per_m: float | None = None
    price_output_per_m: float = 0.0
    retrieval_cost_per_request: float = 0.0
    guardrail_calls_per_request: float = 0.0
    guardrail_cost_per_call: float = 0.0
    fixed_monthly_cost: float = 0.0
    build_cost_oneoff: float = 0.0
    review_share: float = 0.0
    review_minutes: float = 0.0
    review_hourly_cost: float = 0.0
    success_rate: float = 1.0
    price_per_task: float | None = None
    price_per_seat: float | None = None
    tasks_per_seat: float | None = None
    human_cost_per_task: float | None = None
    target_cost_per_task: float | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    #: The user's tornado ranges: input field -> (low, high), None on a side left to the
    #: swing (see :func:`~.sensitivity.sensitivity`).
    sensitivity_ranges: Mapping[str, tuple[float | None, float | None]] = field(
        default_factory=dict
    )
    notes: str = ""
    id: int | None = None
    use_case_id: int | None = None
    kpi_id: int | None = None
    price: PriceRef | None = None
    #: Problems found while resolving the inputs (e.g. a price in another currency).
    warnings: tuple[str, ...] = ()

    def volume(self, scenario: str = "base") -> float:
        """Requests a month in ``scenario`` (low / base / high)."""
        if scenario == "base":
            return self.requests_per_month
        if scenario == "low":
            low = self.requests_per_month_low
            return self.requests_per_month if low is None else low
        if scenario == "high":
            high = self.requests_per_month_high
            return self.requests_per_month if high is None else high
        raise ValueError(f"unknown scenario {scenario!r}; use low, base or high")

    @property
    def cached_price(self) -> float:
        """The price of cached input tokens in effect (the input price when none is set)."""
        cached = self.price_cached_input_per_m
        return self.price_input_per_m if cached is None else cached

    @property
    def title(self) -> str:
        """The name a comparison shows: the option label, else the model's name."""
        return self.option_label or self.name

    def value(self, field_name: str) -> float | None:
        value: float | None = getattr(self, field_name)
        return value

    def as_dict(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in COST_INPUT_FIELDS}
        return {
            "id": self.id,
            "name": self.name,
            "option_label": self.option_label,
            "role": self.role,
            "currency": self.currency,
            "use_case_id": self.use_case_id,
            "kpi_id": self.kpi_id,
            "price": None
            if self.price is None
            else {
                "id": self.price.id,
                "provider": self.price.provider,
                "model": self.price.model,
                "currency": self.price.currency,
                "as_of": self.price.as_of.isoformat() if self.price.as_of else None,
                "source": self.price.source,
            },
            **values,
            "sources": dict(self.sources),
            "sensitivity_ranges": {k: list(v) for k, v in self.sensitivity_ranges.items()},
            "notes": self.notes,
            "warnings": list(self.warnings),
        }


_PRICE_FIELDS = ("price_input_per_m", "price_cached_input_per_m", "price_output_per_m")


def inputs_of(model: Any, price: Any = None) -> CostInputs:
    """:class:`CostInputs` of a stored cost model (anything with its attributes) and the
    price table row it refers to (``price``: anything with the row's attributes, or None).

    With a price row, its three prices replace the model's own; a row in another currency
    than the model's is used as it is, with a warning.
    """
    values = {name: getattr(model, name) for name in COST_INPUT_FIELDS}
    warnings: list[str] = []
    ref = None
    currency = str(getattr(model, "currency", "USD") or "USD")
    if price is not None:
        for name in _PRICE_FIELDS:
            values[name] = getattr(price, name)
        ref = PriceRef(
            id=int(price.id),
            provider=str(price.provider),
            model=str(price.model),
            currency=str(price.currency),
            as_of=price.as_of,
            source=str(price.source or ""),
        )
        if ref.currency != currency:
            warnings.append(
                f"The prices of {ref.provider} {ref.model} are in {ref.currency}, but this "
                f"model counts in {currency}; convert them or change the model's currency."
            )
    role = getattr(model, "role", "none")
    numbers: dict[str, Any] = {k: (None if v is None else float(v)) for k, v in values.items()}
    return CostInputs(
        name=str(model.name),
        option_label=str(getattr(model, "option_label", "") or ""),
        role=str(getattr(role, "value", role)),
        currency=currency,
        sources=dict(getattr(model, "sources", None) or {}),
        sensitivity_ranges=ranges_of(getattr(model, "sensitivity_ranges", None)),
        notes=str(getattr(model, "notes", "") or ""),
        id=getattr(model, "id", None),
        use_case_id=getattr(model, "use_case_id", None),
        kpi_id=getattr(model, "kpi_id", None),
        price=ref,
        warnings=tuple(warnings),
        **numbers,
    )


def ranges_of(stored: Any) -> dict[str, tuple[float | None, float | None]]:
    """A stored ``sensitivity_ranges`` value (field -> [low, high]) as tuples of floats."""
    found: dict[str, tuple[float | None, float | None]] = {}
    for name, pair in dict(stored or {}).items():
        low, high = (None if v is None else float(v) for v in pair)
        found[str(name)] = (low, high)
    return found


def ranges_record(
    ranges: Mapping[str, tuple[float | None, float | None]],
) -> dict[str, list[float | None]]:
    """Ranges as a cost model stores them (field -> [low, high])."""
    return {name: [low, high] for name, (low, high) in ranges.items()}


def make_inputs(values: Mapping[str, Any], *, price: Any = None) -> CostInputs:
    """Validated :class:`CostInputs` from a form's values (field name -> value, as the
    cost model stores them; ``name`` may be left out). Invalid values raise a
    :class:`~aipm_desktop.errors.ValidationError` naming the fields, as saving would."""
    payload = {"name": "Unsaved model", **values}
    payload.pop("id", None)
    try:
        checked = CostModelBase.model_validate(payload)
    except pydantic.ValidationError as error:
        raise validation_error(error, "cost model") from error
    inputs = inputs_of(checked, price)
    return dataclasses.replace(inputs, id=values.get("id"))


# -- formatting ------------------------------------------------------------------------------


def format_amount(value: float | None, currency: str = "") -> str:
    """Money as a person checks it: ``1,185,930.24``, ``25.00``, ``0.50``, ``0.0343159``
    (six significant digits below 1); an en dash for None."""
    if value is None:
        return "\u2013"
    if value == 0:
        text = "0"
    elif abs(value) < 1e-4:
        text = f"{value:.3e}"
    elif abs(value) < 1:
        text = f"{value:.6g}"
        if len(text.partition(".")[2]) < 2:
            text = f"{value:.2f}"
    else:
        text = f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


def format_count(value: float | None) -> str:
    """A count (requests, tokens, calls): ``1,000,000``, ``0.04``; an en dash for None."""
    if value is None:
        return "\u2013"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_share(value: float | None) -> str:
    """A share (0-1) as a percentage: ``62 %``, ``66.7 %``; an en dash for None."""
    if value is None:
        return "\u2013"
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text} %"


def format_input(spec: InputSpec, value: float | None) -> str:
    """An input's value by its kind (money without the unit; the unit says it)."""
    if spec.kind == "share":
        return format_share(value)
    if spec.kind in ("money", "money_small"):
        return format_amount(value)
    return format_count(value)
