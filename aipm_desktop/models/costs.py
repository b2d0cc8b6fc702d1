"""AI unit-economics cost models and the model price table."""

from __future__ import annotations

import datetime as dt
import math
import re

from pydantic import field_validator, model_validator
from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    enum_checks,
    enum_field,
    optional_ref,
    partial_model,
    range_check,
    use_case_ref,
)
from .enums import CostRole
from .validators import check_finite, validate_required, validate_stripped

#: The largest number a cost input may hold: far above any real volume, token count or
#: amount of money, and small enough that no figure computed from it overflows.
MAX_INPUT = 1e12

#: Currency codes: three capital letters (ISO 4217 style, e.g. USD, EUR).
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _check_currency(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if not _CURRENCY.match(value):
        raise ValueError("a currency is a three-letter code such as USD or EUR")
    return value


def _check_number(value: float | None) -> float | None:
    value = check_finite(value)
    if value is None:
        return None
    if value > MAX_INPUT:
        raise ValueError(f"must be at most {MAX_INPUT:,.0f}")
    return value


class ModelPriceBase(Schema):
    """One row of the workspace's model price table: what a provider charges per million
    input, cached input and output tokens, as of a date, and where that was read."""

    provider: str = Field(max_length=100)
    model: str = Field(max_length=200)
    price_input_per_m: float = Field(default=0, ge=0)
    #: None: the provider has no cached-input price (cached input costs the input price).
    price_cached_input_per_m: float | None = Field(default=None, ge=0)
    price_output_per_m: float = Field(default=0, ge=0)
    currency: str = Field(default="USD", max_length=3)
    as_of: dt.date | None = None
    source: str = Field(default="", max_length=500)
    notes: str = ""

    _provider = validate_required("provider", label="Provider")
    _model = validate_required("model", label="Model")
    _strip = validate_stripped("source")
    _currency = field_validator("currency")(_check_currency)
    _numbers = field_validator(
        "price_input_per_m", "price_cached_input_per_m", "price_output_per_m"
    )(_check_number)


ModelPriceUpdate = partial_model(ModelPriceBase)


class ModelPrice(ModelPriceBase, TableMixin, table=True):
    __table_args__ = (UniqueConstraint("provider", "model", name="uq_model_price_provider_model"),)


#: The numeric inputs of a cost model (each may carry a source note in ``sources``).
COST_INPUT_FIELDS = (
    "requests_per_month_low",
    "requests_per_month",
    "requests_per_month_high",
    "input_tokens_per_request",
    "output_tokens_per_request",
    "cached_input_share",
    "retries_per_request",
    "price_input_per_m",
    "price_cached_input_per_m",
    "price_output_per_m",
    "retrieval_cost_per_request",
    "guardrail_calls_per_request",
    "guardrail_cost_per_call",
    "fixed_monthly_cost",
    "build_cost_oneoff",
    "review_share",
    "review_minutes",
    "review_hourly_cost",
    "success_rate",
    "price_per_task",
    "price_per_seat",
    "tasks_per_seat",
    "human_cost_per_task",
    "target_cost_per_task",
)

#: The inputs a tornado chart leaves alone: the volume's low and high (it varies the
#: scenario's volume), the one-off build cost and the pricing and benchmark figures.
_NOT_VARIED = frozenset(
    {
        "requests_per_month_low",
        "requests_per_month_high",
        "build_cost_oneoff",
        "price_per_task",
        "price_per_seat",
        "tasks_per_seat",
        "human_cost_per_task",
        "target_cost_per_task",
    }
)
#: The inputs a tornado chart varies, one at a time, and so the inputs a cost model may
#: store a sensitivity range for.
SENSITIVE_FIELDS = tuple(name for name in COST_INPUT_FIELDS if name not in _NOT_VARIED)
#: Inputs that are shares (0-1, shown as %).
SHARE_FIELDS = frozenset({"cached_input_share", "review_share", "success_rate"})


def _range_bound(name: str, which: str, value: object) -> float | None:
    where = f"the {which} value of {name.replace('_', ' ')}"
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(str(value))
        except ValueError:
            raise ValueError(f"{where} must be a number, not {value!r}") from None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where} must be a finite number")
    if number < 0:
        raise ValueError(f"{where} cannot be negative")
    if name in SHARE_FIELDS and number > 1:
        raise ValueError(f"{where} is a share between 0 and 1 (0-100 %), not {number:g}")
    if number > MAX_INPUT:
        raise ValueError(f"{where} must be at most {MAX_INPUT:,.0f}")
    return number


def check_sensitivity_ranges(
    value: object,
) -> dict[str, list[float | None]] | None:
    """The user's sensitivity ranges cleaned: input field -> [low, high], each a number in
    the input's valid range or None (the tornado's ±swing default for that side), low not
    above high; entries with neither side set are dropped. ValueError names the input."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("sensitivity ranges map an input to its [low, high] values")
    unknown = sorted(str(k) for k in value if k not in SENSITIVE_FIELDS)
    if unknown:
        raise ValueError(
            f"sensitivity ranges name unknown input(s): {', '.join(unknown)}; a range may be "
            f"set for {', '.join(SENSITIVE_FIELDS)}"
        )
    cleaned: dict[str, list[float | None]] = {}
    for name in SENSITIVE_FIELDS:
        if name not in value:
            continue
        pair = value[name]
        if isinstance(pair, dict):
            pair = [pair.get("low"), pair.get("high")]
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(
                f"the range of {name.replace('_', ' ')} is two values, [low, high] "
                "(null for the default)"
            )
        low = _range_bound(name, "low", pair[0])
        high = _range_bound(name, "high", pair[1])
        if low is not None and high is not None and low > high:
            raise ValueError(
                f"the range of {name.replace('_', ' ')}: the low value ({low:g}) is above "
                f"the high value ({high:g})"
            )
        if low is not None or high is not None:
            cleaned[name] = [low, high]
    return cleaned


class CostModelBase(Schema):
    """Unit economics of one option of an AI feature: what a successful task costs.

    Volumes are requests a month (low / base / high scenarios; a missing low or high is
    the base); tokens are per request (one model call); prices are per million tokens in
    ``currency`` and come from the price table row ``price_id`` when one is set;
    ``retries_per_request`` are extra model calls per request; the human review cost is
    ``review_share`` of requests x ``review_minutes`` at ``review_hourly_cost`` per hour;
    ``target_cost_per_task`` is the envelope for the cost per successful task.
    ``sources`` maps an input's field name to where its value comes from;
    ``sensitivity_ranges`` maps some of the :data:`SENSITIVE_FIELDS` to the low and high
    values the tornado chart tries for them (see :func:`check_sensitivity_ranges`).
    """

    name: str = Field(max_length=200)
    use_case_id: int | None = use_case_ref()
    option_label: str = Field(default="", max_length=100)
    role: CostRole = enum_field(CostRole.NONE)
    currency: str = Field(default="USD", max_length=3)
    requests_per_month: float = Field(default=0, ge=0)
    requests_per_month_low: float | None = Field(default=None, ge=0)
    requests_per_month_high: float | None = Field(default=None, ge=0)
    input_tokens_per_request: float = Field(default=0, ge=0)
    output_tokens_per_request: float = Field(default=0, ge=0)
    cached_input_share: float = Field(default=0, ge=0, le=1)
    retries_per_request: float = Field(default=0, ge=0)
    price_id: int | None = optional_ref("model_price", index=True)
    price_input_per_m: float = Field(default=0, ge=0)
    price_cached_input_per_m: float | None = Field(default=None, ge=0)
    price_output_per_m: float = Field(default=0, ge=0)
    retrieval_cost_per_request: float = Field(default=0, ge=0)
    guardrail_calls_per_request: float = Field(default=0, ge=0)
    guardrail_cost_per_call: float = Field(default=0, ge=0)
    fixed_monthly_cost: float = Field(default=0, ge=0)
    build_cost_oneoff: float = Field(default=0, ge=0)
    review_share: float = Field(default=0, ge=0, le=1)
    review_minutes: float = Field(default=0, ge=0)
    review_hourly_cost: float = Field(default=0, ge=0)
    success_rate: float = Field(default=1.0, ge=0, le=1)
    price_per_task: float | None = Field(default=None, ge=0)
    price_per_seat: float | None = Field(default=None, ge=0)
    tasks_per_seat: float | None = Field(default=None, ge=0)
    human_cost_per_task: float | None = Field(default=None, ge=0)
    target_cost_per_task: float | None = Field(default=None, ge=0)
    kpi_id: int | None = optional_ref("kpi", index=True)
    sources: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    #: The user's low / high values of some inputs for the tornado chart: input field ->
    #: [low, high] (None on one side: that side is the input -/+ the swing).
    sensitivity_ranges: dict[str, list[float | None]] = Field(default_factory=dict, sa_type=JSON)
    notes: str = ""

    _name = validate_required("name", label="Name")
    _strip = validate_stripped("option_label")
    _currency = field_validator("currency")(_check_currency)
    _numbers = field_validator(*COST_INPUT_FIELDS)(_check_number)

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        unknown = sorted(set(value) - set(COST_INPUT_FIELDS))
        if unknown:
            raise ValueError(f"source notes name unknown input(s): {', '.join(unknown)}")
        cleaned = {k: str(v).strip() for k, v in value.items() if str(v or "").strip()}
        return {k: cleaned[k] for k in COST_INPUT_FIELDS if k in cleaned}

    @field_validator("sensitivity_ranges", mode="before")
    @classmethod
    def _valid_ranges(cls, value: object) -> dict[str, list[float | None]] | None:
        return check_sensitivity_ranges(value)

    @model_validator(mode="after")
    def _scenarios_and_seats(self) -> CostModelBase:
        base = self.requests_per_month
        low, high = self.requests_per_month_low, self.requests_per_month_high
        if base is not None:
            if low is not None and low > base:
                raise ValueError("the low volume must not be above the base volume")
            if high is not None and high < base:
                raise ValueError("the high volume must not be below the base volume")
        if self.price_per_seat is not None and not self.tasks_per_seat:
            raise ValueError(
                "a price per seat needs the successful tasks per seat a month (above 0)"
            )
        return self


CostModelUpdate = partial_model(CostModelBase)


class CostModel(CostModelBase, TableMixin, table=True):
    __table_args__ = (
        *enum_checks("cost_model", role=CostRole),
        range_check("success_rate", 0, 1),
        range_check("cached_input_share", 0, 1),
        range_check("review_share", 0, 1),
    )
