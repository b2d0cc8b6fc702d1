"""A run's report: every metric of its suite with a 95 % bootstrap interval, overall and
per slice, pass/fail against its threshold, and the worst slice.

:func:`metric_report` works on a results table alone (:mod:`.results`), so a report can be
recomputed from an export; :func:`~.data.run_report` reads the suite and run first. The
formulas and the bootstrap are in :mod:`.stats`. What each kind reads (a report names it,
so anyone can recompute it):

- accuracy, precision, recall, f1, macro_precision, macro_recall, macro_f1: ``expected``,
  ``predicted`` (binary kinds: the suite's positive label is the positive class);
- ece: ``expected``, ``predicted``, ``probability`` (the confidence in the prediction);
- pass_rate: the flag ``column`` (the share of examples where it is true);
- mean_score: the score ``column``; cost_per_item: ``cost``;
- latency_p50 / latency_p95: ``latency`` (nearest-rank percentiles).

An example with an empty cell in a column a metric reads is left out of that metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...models.evaluations import LABEL_KINDS, EvalMetricKind
from ..records import AsDict, record_dict
from . import stats
from .results import Results
from .spec import QUANTILES, MetricSpec, Progress

K = EvalMetricKind
_BINARY = {K.PRECISION: "precision", K.RECALL: "recall", K.F1: "f1"}
_MACRO = {K.MACRO_PRECISION: "precision", K.MACRO_RECALL: "recall", K.MACRO_F1: "f1"}
_POSITIVE_WORDS = ("1", "true", "yes", "positive", "pos")


@dataclass(frozen=True)
class SliceResult(AsDict):
    """A metric on the examples of one slice value (``column`` = ``label``)."""

    column: str
    label: str
    n: int
    value: float | None
    low: float | None
    high: float | None
    passed: bool | None


@dataclass(frozen=True)
class MetricResult:
    """One metric of a run: value and interval overall (within its restriction), per
    slice, pass/fail and the worst slice (``column=label``, "" when there are none)."""

    spec: MetricSpec
    n: int
    value: float | None
    low: float | None
    high: float | None
    passed: bool | None
    slices: tuple[SliceResult, ...] = ()
    worst_slice: str = ""
    note: str = ""

    @property
    def failing_blocking(self) -> bool:
        return self.spec.blocking and self.passed is False

    def as_dict(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "metric_id": spec.id,
            "name": spec.name,
            "kind": spec.kind,
            "columns": list(spec.reads),
            "direction": spec.direction,
            "threshold": spec.threshold,
            "blocking": spec.blocking,
            "restriction": spec.restriction,
            "positive_label": spec.positive_label if spec.kind in _BINARY else "",
            "n": self.n,
            "value": self.value,
            "ci_low": self.low,
            "ci_high": self.high,
            "passed": self.passed,
            "worst_slice": self.worst_slice,
            "slices": [s.as_dict() for s in self.slices],
            "note": self.note,
        }


@dataclass(frozen=True)
class RunReport:
    """Every metric of a suite on one run."""

    suite_id: int
    suite: str
    run_id: int
    run: str
    examples: int
    resamples: int
    seed: int
    metrics: tuple[MetricResult, ...] = field(default_factory=tuple)

    @property
    def failing(self) -> tuple[MetricResult, ...]:
        """The blocking metrics that miss their threshold."""
        return tuple(m for m in self.metrics if m.failing_blocking)

    def as_dict(self) -> dict[str, Any]:
        head = record_dict(self, metrics=None)
        head.pop("metrics")
        return {
            **head,
            "confidence": stats.LEVEL,
            "failing_blocking": [m.spec.name for m in self.failing],
            "metrics": [m.as_dict() for m in self.metrics],
        }


# -- cells of a metric on a group of examples ----------------------------------------------------


def positive_index(data: Results, positive: str) -> int | None:
    """The label code of the positive class: the suite's positive label, else a label
    that reads as positive (``1``, ``true``, ``yes``, ``positive``)."""
    labels = data.categories.get("label", [])
    if positive:
        return labels.index(positive) if positive in labels else None
    for word in _POSITIVE_WORDS:
        for i, label in enumerate(labels):
            if label.casefold() == word:
                return i
    return None


def usable(spec: MetricSpec, data: Results) -> tuple[np.ndarray | None, str]:
    """The examples the metric can read (a mask) or None and why not."""
    missing = [c for c in spec.reads if c != "predicted" and not data.has(c)]
    if missing:
        return None, f"the results have no {', '.join(missing)} column"
    mask = np.ones(len(data), dtype=bool)
    if spec.slice_column:
        labels = data.categories.get(spec.slice_column, [])
        if spec.slice_value not in labels:
            return None, f"no example has {spec.restriction}"
        mask &= data.values[spec.slice_column] == labels.index(spec.slice_value)
    kind = EvalMetricKind(spec.kind)
    if kind in LABEL_KINDS:
        mask &= data.values["expected"] >= 0
        if kind == K.ECE:
            mask &= np.isfinite(data.values["probability"])
        if kind in _BINARY and positive_index(data, spec.positive_label) is None:
            return None, "set the suite's positive label (binary precision, recall and F1)"
    else:
        mask &= np.isfinite(data.values[spec.reads[0]])
    return mask, ""


def _predicted(data: Results) -> np.ndarray:
    if data.has("predicted"):
        return data.values["predicted"]
    return np.full(len(data), -1, dtype=np.int32)


def outcome(spec: MetricSpec, data: Results, mask: np.ndarray) -> np.ndarray | None:
    """Per example of ``mask``, whether it is *good* for a boolean-outcome metric (label
    kinds: the prediction is right; pass rate: the flag is as the direction wants), or
    None for numeric kinds."""
    kind = EvalMetricKind(spec.kind)
    if kind in LABEL_KINDS:
        return (data.values["expected"][mask] == _predicted(data)[mask]).astype(bool)
    if kind == K.PASS_RATE:
        flag = data.values[spec.column][mask] == 1.0
        return ~flag if spec.lower_is_better else flag
    return None


def cells_of(spec: MetricSpec, data: Results, mask: np.ndarray) -> stats.Cells | None:
    """The metric's cells on the examples of ``mask`` (None for a percentile kind)."""
    kind = EvalMetricKind(spec.kind)
    if kind in QUANTILES:
        return None
    if kind == K.PASS_RATE:
        return stats.share_cells(data.values[spec.column][mask] == 1.0)
    if kind in (K.MEAN_SCORE, K.COST_PER_ITEM):
        return stats.mean_cells(data.values[spec.reads[0]][mask])
    expected = data.values["expected"][mask]
    predicted = _predicted(data)[mask]
    if kind == K.ACCURACY:
        return stats.share_cells(expected == predicted)
    if kind in _BINARY:
        pos = positive_index(data, spec.positive_label)
        return stats.binary_cells(expected == pos, predicted == pos, _BINARY[kind])
    if kind in _MACRO:
        labels = len(data.categories.get("label", []))
        return stats.macro_cells(expected, predicted, labels, _MACRO[kind])
    confidence = data.values["probability"][mask]
    return stats.ece_cells(confidence, expected == predicted)


def estimate(
    spec: MetricSpec, data: Results, mask: np.ndarray, rng: np.random.Generator, resamples: int
) -> tuple[float | None, float | None, float | None, int]:
    """Value, interval and count of the metric on the examples of ``mask``."""
    n = int(mask.sum())
    kind = EvalMetricKind(spec.kind)
    if kind in QUANTILES:
        values = data.values["latency"][mask]
        point = stats.nearest_rank(values, QUANTILES[kind])
        samples = stats.percentile_resamples(values, QUANTILES[kind], rng, resamples)
    else:
        cells = cells_of(spec, data, mask)
        assert cells is not None
        point = cells.point()
        samples = stats.resample(cells, rng, resamples)
    low, high = stats.interval(samples) if point is not None else (None, None)
    return point, low, high, n


def slice_groups(
    data: Results, base: np.ndarray, skip: str = ""
) -> list[tuple[str, str, np.ndarray]]:
    """``(column, label, mask)`` for every value of every slice column, within ``base``
    (the column a metric is restricted to is ``skip``-ped)."""
    groups = []
    for column in data.named("slice"):
        if column == skip:
            continue
        codes = data.values[column]
        present = np.unique(codes[base & (codes >= 0)])
        labels = data.categories.get(column, [])
        for code in present:
            groups.append((column, labels[int(code)], base & (codes == code)))
    return groups


def metric_report(
    spec: MetricSpec,
    data: Results,
    *,
    resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int = stats.DEFAULT_SEED,
    position: int = 0,
    slices: bool = True,
) -> MetricResult:
    """One metric on a results table (``position`` keeps each metric's random stream
    apart, so adding a metric does not change the others' intervals)."""
    mask, note = usable(spec, data)
    if mask is None:
        return MetricResult(spec, 0, None, None, None, None, note=note)
    rng = np.random.default_rng([seed, spec.id, 0])
    value, low, high, n = estimate(spec, data, mask, rng, resamples)
    found: list[SliceResult] = []
    if slices:
        for index, (column, label, group) in enumerate(
            slice_groups(data, mask, spec.slice_column), start=1
        ):
            rng = np.random.default_rng([seed, spec.id, index])
            v, lo, hi, count = estimate(spec, data, group, rng, resamples)
            found.append(SliceResult(column, label, count, v, lo, hi, spec.meets(v)))
    return MetricResult(
        spec,
        n,
        value,
        low,
        high,
        spec.meets(value),
        tuple(found),
        worst_of(spec, found),
        note if n else "no example has a value for this metric",
    )


def worst_of(spec: MetricSpec, found: Sequence[SliceResult]) -> str:
    """``column=label`` of the slice with the worst value (the lowest, or the highest for
    a lower-is-better metric; ties: the larger slice)."""
    scored = [s for s in found if s.value is not None]
    if not scored:
        return ""
    sign = 1.0 if spec.lower_is_better else -1.0
    worst = max(scored, key=lambda s: (sign * float(s.value or 0.0), s.n))
    return f"{worst.column}={worst.label}"


def run_metrics(
    specs: Sequence[MetricSpec],
    data: Results,
    *,
    resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int = stats.DEFAULT_SEED,
    slices: bool = True,
    progress: Progress | None = None,
) -> tuple[MetricResult, ...]:
    """Every metric of ``specs`` on ``data`` (``progress(done, total)`` after each)."""
    out = []
    for position, spec in enumerate(specs):
        out.append(
            metric_report(
                spec, data, resamples=resamples, seed=seed, position=position, slices=slices
            )
        )
        if progress:
            progress(position + 1, len(specs))
    return tuple(out)


@dataclass(frozen=True)
class ReliabilityBin(AsDict):
    """One confidence bin of a reliability diagram: its range, examples, their mean
    confidence and their accuracy (None when empty)."""

    low: float
    high: float
    n: int
    confidence: float | None
    accuracy: float | None


def reliability(data: Results, bins: int = stats.ECE_BINS) -> tuple[ReliabilityBin, ...]:
    """The reliability diagram of a run: per equal-width confidence bin, the mean
    confidence and the share of right predictions (the bins ECE weighs)."""
    if not data.has("probability") or not data.has("expected"):
        return ()
    confidence = data.values["probability"]
    mask = np.isfinite(confidence) & (data.values["expected"] >= 0)
    conf = confidence[mask]
    right = (data.values["expected"][mask] == _predicted(data)[mask]).astype(np.float64)
    index = np.minimum((conf * bins).astype(np.intp), bins - 1)
    counts = np.bincount(index, minlength=bins)
    conf_sum = np.bincount(index, weights=conf, minlength=bins)
    right_sum = np.bincount(index, weights=right, minlength=bins)
    out = []
    for b in range(bins):
        n = int(counts[b])
        out.append(
            ReliabilityBin(
                b / bins,
                (b + 1) / bins,
                n,
                float(conf_sum[b] / n) if n else None,
                float(right_sum[b] / n) if n else None,
            )
        )
    return tuple(out)


def point_values(specs: Sequence[MetricSpec], data: Results) -> dict[str, list[Any]]:
    """Each metric's point value on ``data`` and why it has none: ``{id: [value, note]}``
    (what a run stores in ``metric_values``)."""
    out: dict[str, list[Any]] = {}
    for spec in specs:
        result = metric_report(spec, data, resamples=0, slices=False)
        out[str(spec.id)] = [result.value, result.note]
    return out
