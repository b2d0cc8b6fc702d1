"""Evaluations: suites of test examples per use case, their metrics with acceptance
thresholds, and runs (one model/prompt/system version scored on the suite).

An :class:`EvalSuite` belongs to a use case and describes its data set (purpose, size,
provenance and licence, labelling, refresh cadence, owner), its slice columns (e.g.
``language, tier``), the label classes its examples may carry, and the column mapping last
used to import results (remembered for the next import). Its :class:`EvalMetric` rows say
what is measured -- a :class:`EvalMetricKind` over a column, a direction, an acceptance
threshold, whether it blocks a launch, optionally restricted to one slice value.

An :class:`EvalRun` records the version scored, when, where, notes, and the results file
it came from (name, SHA-256, rows). Its per-example results are one
:class:`EvalRunResults` row: every column as a compressed array (see
:mod:`aipm_desktop.services.evaluations.results`), so a 100,000-example run is one row to
store, journal for undo and delete.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re

from pydantic import field_validator, model_validator
from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field

from . import common as c
from . import validators as v
from .common import Schema, TableMixin, partial_model
from .enums import KpiDirection


class EvalMetricKind(enum.StrEnum):
    """What a metric computes (see ``services.evaluations.metrics`` for the formulas)."""

    ACCURACY = "accuracy"
    PRECISION = "precision"
    RECALL = "recall"
    F1 = "f1"
    MACRO_PRECISION = "macro_precision"
    MACRO_RECALL = "macro_recall"
    MACRO_F1 = "macro_f1"
    ECE = "ece"
    PASS_RATE = "pass_rate"
    MEAN_SCORE = "mean_score"
    LATENCY_P50 = "latency_p50"
    LATENCY_P95 = "latency_p95"
    COST_PER_ITEM = "cost_per_item"


#: Kinds that read the expected label and the prediction.
LABEL_KINDS = frozenset(
    {
        EvalMetricKind.ACCURACY,
        EvalMetricKind.PRECISION,
        EvalMetricKind.RECALL,
        EvalMetricKind.F1,
        EvalMetricKind.MACRO_PRECISION,
        EvalMetricKind.MACRO_RECALL,
        EvalMetricKind.MACRO_F1,
        EvalMetricKind.ECE,
    }
)
#: Kinds that name the column they read (a boolean flag, a numeric score).
COLUMN_KINDS = frozenset({EvalMetricKind.PASS_RATE, EvalMetricKind.MEAN_SCORE})
#: Kinds where less is better unless the metric says otherwise.
LOWER_IS_BETTER_KINDS = frozenset(
    {
        EvalMetricKind.ECE,
        EvalMetricKind.LATENCY_P50,
        EvalMetricKind.LATENCY_P95,
        EvalMetricKind.COST_PER_ITEM,
    }
)
#: Kinds whose value is a share in [0, 1].
SHARE_KINDS = frozenset(
    {*LABEL_KINDS, EvalMetricKind.PASS_RATE},
)

_SPLIT = re.compile(r"[,;\n]+")
_NAME = re.compile(r"^[a-z0-9_]+$")


def name_list(text: str | None) -> list[str]:
    """Names from a comma/semicolon/line separated text, stripped, blanks and repeats
    (case-blind) dropped, in order."""
    out: list[str] = []
    for piece in _SPLIT.split(text or ""):
        name = " ".join(piece.split())
        if name and name.casefold() not in {n.casefold() for n in out}:
            out.append(name)
    return out


def column_key(name: str) -> str:
    """A column name as results store it: lower case, runs of other characters as ``_``
    (``"Customer tier"`` -> ``customer_tier``)."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


class EvalSuiteBase(Schema):
    """A test set for one use case and how it was made."""

    name: str = Field(max_length=200)
    use_case_id: int | None = c.use_case_ref()
    purpose: str = ""
    dataset: str = ""
    size: int | None = Field(default=None, ge=0)
    provenance: str = Field(default="", max_length=500)
    licence: str = Field(default="", max_length=200)
    labelling: str = ""
    refresh_cadence: str = Field(default="", max_length=100)
    owner: str = c.person_field()
    #: Slice columns of the results, comma separated (``language, tier``).
    slices: str = Field(default="", max_length=500)
    #: The label classes an expected label or a prediction may take, comma separated
    #: (empty: any label).
    classes: str = Field(default="", max_length=2000)
    #: The positive class of binary precision / recall / F1.
    positive_label: str = Field(default="", max_length=200)
    #: The column mapping last used to import results, as JSON ``{file column: field}``.
    mapping: str = Field(default="", max_length=10_000)

    _name = v.validate_required("name", label="Suite name")
    _strip = v.validate_stripped("owner", "refresh_cadence", "licence", "positive_label")

    @field_validator("slices")
    @classmethod
    def _slice_names(cls, value: str) -> str:
        names = [column_key(n) for n in name_list(value)]
        bad = [n for n in name_list(value) if not column_key(n)]
        if bad:
            raise ValueError(f"slice column names need a letter or digit: {bad!r}")
        return ", ".join(dict.fromkeys(names))

    @field_validator("classes")
    @classmethod
    def _class_names(cls, value: str) -> str:
        return ", ".join(name_list(value))

    @field_validator("mapping")
    @classmethod
    def _mapping_json(cls, value: str) -> str:
        if value:
            try:
                parsed = json.loads(value)
            except ValueError as error:
                raise ValueError("the column mapping is not valid JSON") from error
            if not isinstance(parsed, dict):
                raise ValueError("the column mapping is a JSON object {column: field}")
        return value

    @model_validator(mode="after")
    def _positive_is_a_class(self) -> EvalSuiteBase:
        classes = name_list(self.classes)
        if self.positive_label and classes and self.positive_label not in classes:
            raise ValueError(
                f"the positive label {self.positive_label!r} is not one of the classes "
                f"({', '.join(classes)})"
            )
        return self


EvalSuiteUpdate = partial_model(EvalSuiteBase)


class EvalSuite(EvalSuiteBase, TableMixin, table=True): ...


class EvalMetricBase(Schema):
    """One measured quantity of a suite, its acceptance threshold and whether it blocks a
    launch. ``column`` is the flag (pass rate) or score (mean) column read; ``slice_column``
    and ``slice_value`` restrict the metric to the examples of one slice."""

    suite_id: int = c.parent_ref("eval_suite")
    name: str = Field(max_length=200)
    kind: EvalMetricKind = c.enum_field(EvalMetricKind.ACCURACY)
    column: str = Field(default="", max_length=100)
    direction: KpiDirection = c.enum_field(KpiDirection.HIGHER_IS_BETTER)
    threshold: float | None = None
    blocking: bool = False
    slice_column: str = Field(default="", max_length=100)
    slice_value: str = Field(default="", max_length=200)
    position: int = Field(default=0, ge=0)

    _name = v.validate_required("name", label="Metric name")
    _strip = v.validate_stripped("slice_value")
    _finite = v.validate_finite("threshold")

    @field_validator("column", "slice_column")
    @classmethod
    def _column_key(cls, value: str) -> str:
        return column_key(value) if value else ""

    @model_validator(mode="after")
    def _consistent(self) -> EvalMetricBase:
        if self.kind in COLUMN_KINDS and not self.column:
            what = "a boolean flag" if self.kind == EvalMetricKind.PASS_RATE else "a score"
            raise ValueError(f"a {self.kind.value} metric names the column it reads ({what})")
        if self.kind not in COLUMN_KINDS and self.column:
            raise ValueError(f"a {self.kind.value} metric reads fixed columns; leave column empty")
        if bool(self.slice_column) != bool(self.slice_value):
            raise ValueError("a slice restriction gives both the slice column and its value")
        if self.threshold is not None and self.kind in SHARE_KINDS and not 0 <= self.threshold <= 1:
            raise ValueError(
                f"a {self.kind.value} threshold is a share between 0 and 1 (0.9 for 90 %), "
                f"not {self.threshold:g}"
            )
        if self.threshold is not None and self.threshold < 0:
            raise ValueError("a threshold is not negative")
        return self


EvalMetricUpdate = partial_model(EvalMetricBase)


class EvalMetric(EvalMetricBase, TableMixin, table=True):
    __table_args__ = c.enum_checks("eval_metric", kind=EvalMetricKind, direction=KpiDirection)


class EvalRunBase(Schema):
    """One version scored on a suite, and the results file it came from."""

    suite_id: int = c.parent_ref("eval_suite")
    #: The model / prompt / system version scored (unique within the suite).
    name: str = Field(max_length=200)
    run_date: dt.date | None = None
    environment: str = Field(default="", max_length=200)
    notes: str = ""
    source_file: str = Field(default="", max_length=300)
    source_sha256: str = Field(default="", max_length=64)
    source_rows: int = Field(default=0, ge=0)
    imported_at: dt.datetime | None = None
    #: The KPI snapshot this run recorded (offline quality beside online quality).
    kpi_snapshot_id: int | None = c.optional_ref("kpi_snapshot")
    #: Each metric's point value on this run, JSON ``{metric id: [value, note]}``: kept
    #: by the service (at import, and when the suite's metrics change) so the Overview
    #: and the launch gate read them without the statistics.
    metric_values: str = Field(default="{}")

    _name = v.validate_required("name", label="Version")
    _strip = v.validate_stripped("environment")
    _stamps = v.validate_aware("imported_at")


EvalRunUpdate = partial_model(EvalRunBase)


class EvalRun(EvalRunBase, TableMixin, table=True):
    __table_args__ = (UniqueConstraint("suite_id", "name", name="uq_eval_run_suite_name"),)


class EvalRunResults(TableMixin, table=True):
    """The per-example results of one run: ``columns`` (JSON) lists each stored column
    with its field and type; ``payload`` holds the arrays (compressed ``.npz``)."""

    run_id: int = c.parent_ref("eval_run", unique=True)
    rows: int = Field(default=0, ge=0)
    columns: str = Field(default="[]")
    payload: bytes = Field(sa_type=LargeBinary, nullable=False)


__all__ = [
    "COLUMN_KINDS",
    "LABEL_KINDS",
    "LOWER_IS_BETTER_KINDS",
    "SHARE_KINDS",
    "EvalMetric",
    "EvalMetricBase",
    "EvalMetricKind",
    "EvalMetricUpdate",
    "EvalRun",
    "EvalRunBase",
    "EvalRunResults",
    "EvalRunUpdate",
    "EvalSuite",
    "EvalSuiteBase",
    "EvalSuiteUpdate",
    "column_key",
    "name_list",
]
