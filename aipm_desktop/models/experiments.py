"""Experiments: the design (hypothesis, metrics, variants, planning inputs), the daily
results per arm, and the decision.

An :class:`Experiment` names its primary metric (``primary_metric``, of kind
``primary_kind``) and owns :class:`ExperimentVariant` rows (the control is the variant at
the lowest ``position``, then 1..4 treatments, each with an allocation weight),
:class:`ExperimentGuardrail` rows (metrics that must not get worse than a
non-inferiority margin) and :class:`ExperimentResult` rows: one per day, arm and metric,
the aggregates a readout needs (units, conversions or the sum and sum of squares of the
metric, optional pre-period covariate sums). Results name their metric by name (the
primary metric's or a guardrail's), so a readout can be recomputed from them alone.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from typing import Any

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    TitledSchema,
    enum_check,
    enum_checks,
    enum_field,
    optional_ref,
    parent_ref,
    partial_model,
    person_field,
    range_check,
    use_case_ref,
    weight_check,
    weight_field,
)
from .enums import ExperimentStatus
from .validators import (
    validate_aware,
    validate_date_order,
    validate_finite,
    validate_required,
    validate_stripped,
)


class MetricKind(enum.StrEnum):
    """A binary conversion (a rate per unit) or a continuous metric (a mean per unit)."""

    PROPORTION = "proportion"
    MEAN = "mean"


class PeekingMethod(enum.StrEnum):
    """How a running experiment may be looked at before its planned end: not at all (a
    fixed-horizon test read once), an always-valid mSPRT interval, or group-sequential
    O'Brien-Fleming boundaries."""

    NONE = "none"
    MSPRT = "msprt"
    OBF = "obf"


class Correction(enum.StrEnum):
    """The multiple-comparison correction over the treatments."""

    NONE = "none"
    BONFERRONI = "bonferroni"
    HOLM = "holm"


class ExperimentDecision(enum.StrEnum):
    SHIP = "ship"
    ITERATE = "iterate"
    STOP = "stop"


#: The most variants an experiment has: the control and four treatments.
MAX_VARIANTS = 5
#: The largest count or sum a result row may hold (far above any real experiment).
MAX_AGGREGATE = 1e15
#: Relative slack allowed when checking a sum of squares against its sum (float rounding).
_SQ_TOLERANCE = 1e-9


_GUARDRAIL_SPLIT = re.compile(r"[;\n]+")


def guardrail_names(text: str | None) -> list[str]:
    """The guardrail metrics a free-text list names (``"CSAT; handle time"``), split on
    semicolons and line breaks, white space collapsed, blanks and repeats dropped, each
    cut to 200 characters."""
    names: list[str] = []
    for piece in _GUARDRAIL_SPLIT.split(text or ""):
        name = " ".join(piece.split())[:200]
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def from_schema_0007(row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """An experiment as schema 0007 stored it, in today's fields, and the names of its
    guardrail metrics: ``end`` is the planned end, *concluded* is *decided*, the old
    free-text decision is the rationale (the decision itself stays empty: the text does
    not say it reliably), and the free-text guardrails become names (the text is kept in
    the design notes when a name had to be cut). Used by migration 0008 and by the import
    of older JSON dumps alike; fields it does not know pass through."""
    row = dict(row)
    text = row.pop("guardrails", "") or ""
    names = guardrail_names(text)
    if "end" in row:
        row.setdefault("planned_end", row.pop("end"))
    if "decision" in row:
        old = row.pop("decision")
        row.setdefault("rationale", old or "")
    if row.get("status") == "concluded":
        row["status"] = ExperimentStatus.DECIDED.value
    pieces = [" ".join(p.split()) for p in _GUARDRAIL_SPLIT.split(text)]
    if any(len(p) > 200 for p in pieces):
        design = str(row.get("design") or "")
        row["design"] = f"{design}\n\nGuardrails (as written before): {text}".strip()
    return row, names


class ExperimentBase(TitledSchema):
    """An A/B (or A/B/n) test: what it tests, on whom, how it is read, and its decision.

    Planning inputs: ``baseline`` is the control's rate (a share in (0, 1)) for a
    proportion metric or its mean for a mean metric (then ``sd`` is the metric's standard
    deviation per unit); ``mde`` the minimum detectable effect, absolute or, with
    ``mde_relative``, a share of the baseline; ``alpha`` two-sided; ``daily_units`` the
    eligible units a day the experiment can expect (all arms together).
    """

    hypothesis: str = ""
    use_case_id: int | None = use_case_ref()
    owner: str = person_field()
    status: ExperimentStatus = enum_field(ExperimentStatus.DRAFT)
    randomisation_unit: str = Field(default="user", max_length=100)
    eligibility: str = ""
    start: dt.date | None = None
    planned_end: dt.date | None = None
    primary_metric: str = Field(default="", max_length=200)
    primary_kind: MetricKind = enum_field(MetricKind.PROPORTION)
    primary_higher_is_better: bool = True
    peeking: PeekingMethod = enum_field(PeekingMethod.NONE)
    baseline: float | None = None
    sd: float | None = Field(default=None, gt=0)
    mde: float | None = Field(default=None, gt=0)
    mde_relative: bool = False
    alpha: float = Field(default=0.05, gt=0, lt=1)
    power: float = Field(default=0.8, gt=0, lt=1)
    correction: Correction = enum_field(Correction.HOLM)
    daily_units: float | None = Field(default=None, gt=0)
    kpi_id: int | None = optional_ref("kpi", index=True)
    roadmap_item_id: int | None = optional_ref("roadmap_item", index=True)
    design: str = ""
    result: str = ""
    decision: ExperimentDecision | None = enum_field(None, nullable=True)
    rationale: str = ""
    decided_by: str = person_field()
    decided_at: dt.datetime | None = None
    #: The results file last imported: its name, SHA-256, data rows and when.
    results_file: str = Field(default="", max_length=300)
    results_sha256: str = Field(default="", max_length=64)
    results_rows: int = Field(default=0, ge=0)
    results_imported_at: dt.datetime | None = None

    _strip = validate_stripped("owner", "randomisation_unit", "primary_metric", "decided_by")
    _dates = validate_date_order(
        "start", "planned_end", "the planned end must not be before the start"
    )
    _numbers = validate_finite("baseline", "sd", "mde", "daily_units")
    _stamps = validate_aware("decided_at", "results_imported_at")

    @field_validator("daily_units")
    @classmethod
    def _some_traffic(cls, value: float | None) -> float | None:
        if value is not None and value > MAX_AGGREGATE:
            raise ValueError(f"must be at most {MAX_AGGREGATE:,.0f} units a day")
        return value

    @model_validator(mode="after")
    def _planning_inputs(self) -> ExperimentBase:
        if (
            self.primary_kind == MetricKind.PROPORTION
            and self.baseline is not None
            and not 0 < self.baseline < 1
        ):
            raise ValueError(
                f"the baseline of a proportion metric is a rate between 0 and 1 (exclusive), "
                f"e.g. 0.12 for 12 %, not {self.baseline:g}"
            )
        if self.mde is not None and self.mde_relative and self.mde >= 10:
            raise ValueError(
                f"a relative minimum detectable effect is a share of the baseline (0.05 for "
                f"5 %), not {self.mde:g}"
            )
        if (
            self.primary_kind == MetricKind.PROPORTION
            and self.baseline is not None
            and self.mde is not None
        ):
            effect = self.mde * self.baseline if self.mde_relative else self.mde
            if not (0 < self.baseline + effect < 1 or 0 < self.baseline - effect < 1):
                raise ValueError(
                    "the minimum detectable effect takes the rate outside 0-1 in both "
                    f"directions (baseline {self.baseline:g}, effect {effect:g})"
                )
        return self


class ExperimentCreate(ExperimentBase): ...


ExperimentUpdate = partial_model(ExperimentBase)


class Experiment(ExperimentBase, TableMixin, table=True):
    __table_args__ = (
        *enum_checks(
            "experiment",
            status=ExperimentStatus,
            primary_kind=MetricKind,
            peeking=PeekingMethod,
            correction=Correction,
        ),
        enum_check("decision", ExperimentDecision, "ck_experiment_decision", nullable=True),
    )


class ExperimentVariantBase(Schema):
    """One arm of an experiment: the control (lowest ``position``) or a treatment, with
    its allocation weight (the arms' weights are relative: 1 and 1 is 50/50)."""

    experiment_id: int = parent_ref("experiment")
    name: str = Field(max_length=100)
    weight: float = weight_field()
    position: int = Field(default=0, ge=0)
    description: str = ""

    _name = validate_required("name", label="Variant name")


class ExperimentVariantCreate(ExperimentVariantBase): ...


ExperimentVariantUpdate = partial_model(ExperimentVariantBase)


class ExperimentVariant(ExperimentVariantBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("experiment_id", "name", name="uq_experiment_variant_name"),
        weight_check(),
    )


class ExperimentGuardrailBase(Schema):
    """A metric that must not get worse: judged by its non-inferiority ``margin`` (the
    worst acceptable change in the bad direction; a share of the control's value with
    ``relative``, else in the metric's units). No margin: reported, not judged."""

    experiment_id: int = parent_ref("experiment")
    name: str = Field(max_length=200)
    kind: MetricKind = enum_field(MetricKind.PROPORTION)
    margin: float | None = Field(default=None, ge=0)
    relative: bool = False
    higher_is_better: bool = True
    position: int = Field(default=0, ge=0)

    _name = validate_required("name", label="Guardrail name")
    _margin = validate_finite("margin")


class ExperimentGuardrailCreate(ExperimentGuardrailBase): ...


ExperimentGuardrailUpdate = partial_model(ExperimentGuardrailBase)


class ExperimentGuardrail(ExperimentGuardrailBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("experiment_id", "name", name="uq_experiment_guardrail_name"),
        *enum_checks("experiment_guardrail", kind=MetricKind),
    )


#: The aggregate columns of a result row, in file order.
RESULT_SUMS = ("conversions", "total", "total_sq", "pre_total", "pre_total_sq", "cross_total")


def check_result(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The problems of one day's aggregates of one arm and metric, as ``(field, message)``
    pairs (empty when sound): counts are whole and not negative, conversions at most the
    units, a sum of squares not below what its sum implies (``sum² / units``), every
    number finite. Used by the model's validator and by the results import alike."""
    problems: list[tuple[str, str]] = []
    units = values.get("units")
    if units is None or isinstance(units, bool):
        return [("units", "the number of units is required")]
    if not math.isfinite(units) or units != int(units):
        problems.append(("units", f"a whole number of units, not {units!r}"))
        return problems
    if units < 0:
        problems.append(("units", f"cannot be negative ({units:g})"))
    if units > MAX_AGGREGATE:
        problems.append(("units", f"must be at most {MAX_AGGREGATE:,.0f}"))
    numbers: dict[str, float] = {}
    for name in RESULT_SUMS:
        value = values.get(name)
        if value is None:
            continue
        if not math.isfinite(value):
            problems.append((name, "must be a finite number"))
        elif abs(value) > MAX_AGGREGATE:
            problems.append((name, f"must be at most {MAX_AGGREGATE:,.0f} in size"))
        else:
            numbers[name] = float(value)
    if problems:
        return problems
    conversions = numbers.get("conversions")
    if conversions is None and numbers.get("total") is None:
        problems.append(("conversions", "give the conversions, or the sum of the metric"))
    if conversions is not None:
        if conversions < 0:
            problems.append(("conversions", f"cannot be negative ({conversions:g})"))
        elif conversions > units:
            problems.append(
                ("conversions", f"{conversions:g} conversions is more than the {units:g} units")
            )
    for total, square, label in (
        ("total", "total_sq", "sum"),
        ("pre_total", "pre_total_sq", "pre-period sum"),
    ):
        if numbers.get(square) is not None and numbers[square] < 0:
            problems.append((square, f"a sum of squares cannot be negative ({numbers[square]:g})"))
        elif numbers.get(total) is not None and numbers.get(square) is not None and units > 0:
            floor = numbers[total] ** 2 / units
            if numbers[square] < floor * (1 - _SQ_TOLERANCE) - _SQ_TOLERANCE:
                problems.append(
                    (
                        square,
                        f"the sum of squares {numbers[square]:g} is below {label}\u00b2 / units "
                        f"= {floor:g}, so it is not the sum of squares of these values",
                    )
                )
    if units == 0 and any(abs(v) > 0 for v in numbers.values()):
        problems.append(("units", "no units, yet conversions or sums that are not 0"))
    return problems


class ExperimentResultBase(Schema):
    """One day's aggregates of one arm for one metric: ``units`` exposed that day (first
    exposure), ``conversions`` (proportion metrics), ``total`` / ``total_sq`` (sum and sum
    of squares of the metric per unit; mean metrics), and the pre-period covariate's
    ``pre_total`` / ``pre_total_sq`` and ``cross_total`` (sum of metric x covariate) for
    CUPED."""

    experiment_id: int = parent_ref("experiment")
    variant_id: int = parent_ref("experiment_variant")
    metric: str = Field(max_length=200)
    day: dt.date
    units: int = Field(ge=0)
    conversions: float | None = None
    total: float | None = None
    total_sq: float | None = None
    pre_total: float | None = None
    pre_total_sq: float | None = None
    cross_total: float | None = None

    _metric = validate_required("metric", label="Metric")

    @model_validator(mode="after")
    def _sound_aggregates(self) -> ExperimentResultBase:
        found = check_result({"units": self.units, **{n: getattr(self, n) for n in RESULT_SUMS}})
        if found:
            raise ValueError("; ".join(f"{name}: {message}" for name, message in found))
        return self


class ExperimentResultCreate(ExperimentResultBase): ...


class ExperimentResult(ExperimentResultBase, table=True):
    """Stored without timestamps or version (rows are written only by imports, whole)."""

    __tablename__ = "experiment_result"  # no TableMixin: named as migration 0008 names it
    __table_args__ = (
        UniqueConstraint(
            "experiment_id", "day", "variant_id", "metric", name="uq_experiment_result_key"
        ),
        range_check("units", 0, MAX_AGGREGATE),
    )

    id: int | None = Field(default=None, primary_key=True)


__all__ = [
    "MAX_AGGREGATE",
    "MAX_VARIANTS",
    "RESULT_SUMS",
    "Correction",
    "Experiment",
    "ExperimentCreate",
    "ExperimentDecision",
    "ExperimentGuardrail",
    "ExperimentGuardrailCreate",
    "ExperimentGuardrailUpdate",
    "ExperimentResult",
    "ExperimentResultCreate",
    "ExperimentUpdate",
    "ExperimentVariant",
    "ExperimentVariantCreate",
    "ExperimentVariantUpdate",
    "MetricKind",
    "PeekingMethod",
    "check_result",
    "from_schema_0007",
    "guardrail_names",
]
