"""The statistics of evaluation metrics: point values, bootstrap confidence intervals,
paired differences and McNemar's exact test. Pure numpy.

**Metrics on cells.** Every metric but the percentiles is a function of *cell counts*:
each example falls in one cell (accuracy: correct or not; binary precision / recall / F1:
TN, FP, FN, TP of the positive class; macro averages: the confusion-matrix cell; ECE: its
confidence bin x correct; pass rate: the flag; a mean: a group of close values), and some
cells carry the sum of a value (ECE: the confidences; a mean: the values). A bootstrap
resample of *n* examples then puts Multinomial(n, cell shares) examples in the cells, so
the resamples are drawn as one (resamples x cells) matrix -- exactly the nonparametric
bootstrap for the count metrics, without an n-wide index per resample. For a cell carrying
a value the resampled sum is drawn as ``c*mean + sqrt(c*var)*Z`` (its first two moments
exact; exact whenever a cell's values are equal: 0/1 and 1-5 scores, rounded
confidences). Means use the distinct values as cells when there are at most
:data:`VALUE_GROUPS`, else that many equal-count groups of sorted values.

**Percentiles** (latency p50/p95) are nearest-rank: the smallest value with at least the
share *q* of examples at or below it, the m-th smallest with m = ceil(q n). Their
bootstrap is exact and cheap: a resample draws n uniform ranks, its m-th smallest draw is
``ceil(n U)`` with U the m-th order statistic of n uniforms, which is Beta(m, n - m + 1);
so each resample's percentile is one Beta draw.

**Intervals** are bootstrap percentiles (2.5 %, 97.5 %) of :data:`DEFAULT_RESAMPLES`
resamples from a seeded generator (the same data and seed give the same interval).
Paired differences resample *pairs* (the joint cell of each example in both runs); a
percentile difference resamples the two runs independently. The two-sided bootstrap
p-value of a difference is ``2 * min(P(d <= 0), P(d >= 0))`` over the resamples (each
share counted as ``(k + 1) / (B + 1)``).

**McNemar's exact test** (McNemar 1947; exact form: the binomial test of the discordant
pairs) for boolean outcomes: with *b* examples passing in A only and *c* in B only,
``p = min(1, 2 * P(Bin(b + c, 1/2) <= min(b, c)))``.

Conventions (as scikit-learn's): a precision, recall or F1 whose denominator is 0 is 0;
macro averages run over the classes present in the expected labels or the predictions; an
empty prediction is wrong and counts for no class. ECE uses 10 equal-width bins of the
confidence ([0, 0.1), ..., [0.9, 1.0]) and weighs each bin by its share of examples.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DEFAULT_RESAMPLES = 1_000
DEFAULT_SEED = 2_024
VALUE_GROUPS = 128
ECE_BINS = 10
LEVEL = 0.95

#: ``value(counts, sums) -> metric`` over the last axis (cells) of both arrays.
ValueFn = Callable[[np.ndarray, np.ndarray | None], np.ndarray]


@dataclass(frozen=True)
class Cells:
    """The examples of one metric in one group: each example's cell ``codes`` (``K``
    cells), the value each carries (``channel``, or None) and the metric of counts."""

    codes: np.ndarray
    size: int
    value: ValueFn
    channel: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.codes)

    def counts(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.size).astype(np.float64)

    def point(self) -> float | None:
        if self.n == 0:
            return None
        sums = None
        if self.channel is not None:
            sums = np.bincount(self.codes, weights=self.channel, minlength=self.size)[None, :]
        return _finite(self.value(self.counts()[None, :], sums)[0])


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _moments(codes: np.ndarray, channel: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: the mean of ``channel`` and its (population) variance."""
    counts = np.bincount(codes, minlength=size).astype(np.float64)
    safe = np.maximum(counts, 1)
    mean = np.bincount(codes, weights=channel, minlength=size) / safe
    centred = channel - mean[codes]
    var = np.bincount(codes, weights=centred * centred, minlength=size) / safe
    return mean, var


def resample(cells: Cells, rng: np.random.Generator, resamples: int) -> np.ndarray:
    """The metric over ``resamples`` bootstrap resamples of the group's examples."""
    if cells.n == 0 or resamples <= 0:
        return np.empty(0)
    counts = cells.counts()
    drawn = rng.multinomial(cells.n, counts / cells.n, size=resamples).astype(np.float64)
    sums = None
    if cells.channel is not None:
        mean, var = _moments(cells.codes, cells.channel, cells.size)
        noise = rng.standard_normal(drawn.shape)
        sums = drawn * mean + np.sqrt(drawn * var) * noise
    return cells.value(drawn, sums)


def interval(samples: np.ndarray) -> tuple[float | None, float | None]:
    """The central :data:`LEVEL` percentile interval of bootstrap ``samples``."""
    finite = samples[np.isfinite(samples)]
    if finite.size == 0:
        return None, None
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


# -- cells of each kind --------------------------------------------------------------------------


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """``top / bottom`` with 0 where ``bottom`` is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), 0.0)


def share_cells(outcome: np.ndarray) -> Cells:
    """Accuracy, pass rate: the share of examples whose boolean ``outcome`` is true."""

    def value(c: np.ndarray, _s: np.ndarray | None) -> np.ndarray:
        return _ratio(c[..., 1], c.sum(axis=-1))

    return Cells(outcome.astype(np.intp), 2, value)


def binary_cells(expected_pos: np.ndarray, predicted_pos: np.ndarray, which: str) -> Cells:
    """Binary precision, recall or F1 of the positive class (cells TN, FP, FN, TP)."""
    codes = 2 * expected_pos.astype(np.intp) + predicted_pos.astype(np.intp)

    def value(c: np.ndarray, _s: np.ndarray | None) -> np.ndarray:
        fp, fn, tp = c[..., 1], c[..., 2], c[..., 3]
        if which == "precision":
            return _ratio(tp, tp + fp)
        if which == "recall":
            return _ratio(tp, tp + fn)
        return _ratio(2 * tp, 2 * tp + fp + fn)

    return Cells(codes, 4, value)


def macro_cells(expected: np.ndarray, predicted: np.ndarray, labels: int, which: str) -> Cells:
    """Macro precision, recall or F1 over ``labels`` classes (codes 0..labels-1; a
    prediction of -1 is none). Averaged over the classes present in the group."""
    none = labels
    pred = np.where(predicted < 0, none, predicted)
    width = labels + 1
    codes = expected.astype(np.intp) * width + pred.astype(np.intp)
    present = np.union1d(expected, pred[pred != none]).astype(np.intp)

    def value(c: np.ndarray, _s: np.ndarray | None) -> np.ndarray:
        matrix = c.reshape(*c.shape[:-1], labels, width)
        tp = matrix[..., present, present]
        actual = matrix.sum(axis=-1)[..., present]
        chosen = matrix[..., :labels].sum(axis=-2)[..., present]
        if which == "precision":
            per_class = _ratio(tp, chosen)
        elif which == "recall":
            per_class = _ratio(tp, actual)
        else:
            per_class = _ratio(2 * tp, actual + chosen)
        return per_class.mean(axis=-1) if present.size else np.full(c.shape[:-1], np.nan)

    return Cells(codes, labels * width, value)


def ece_cells(confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> Cells:
    """Expected calibration error: sum over bins of |correct - confidence| / n."""
    index = np.minimum((confidence * bins).astype(np.intp), bins - 1)
    codes = index * 2 + correct.astype(np.intp)

    def value(c: np.ndarray, s: np.ndarray | None) -> np.ndarray:
        assert s is not None
        right = c[..., 1::2]
        conf = s[..., 0::2] + s[..., 1::2]
        return _ratio(np.abs(right - conf).sum(axis=-1), c.sum(axis=-1))

    return Cells(codes, bins * 2, value, channel=confidence.astype(np.float64))


def mean_cells(values: np.ndarray, groups: int = VALUE_GROUPS) -> Cells:
    """The mean of ``values`` (cells: the distinct values, or equal-count groups)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1])) if values.size else ordered
    distinct = int(np.count_nonzero(starts))
    codes = np.empty(values.size, dtype=np.intp)
    if distinct <= groups:
        codes[order] = np.cumsum(starts) - 1
        size = distinct
    else:
        codes[order] = np.arange(values.size) * groups // values.size
        size = groups

    def value(c: np.ndarray, s: np.ndarray | None) -> np.ndarray:
        assert s is not None
        return _ratio(s.sum(axis=-1), c.sum(axis=-1)) if size else np.full(c.shape[:-1], np.nan)

    return Cells(codes, max(size, 1), value, channel=values.astype(np.float64))


# -- percentiles ---------------------------------------------------------------------------------


def nearest_rank(values: np.ndarray, q: float) -> float | None:
    """The nearest-rank ``q`` percentile (``q`` in (0, 1])."""
    if values.size == 0:
        return None
    ordered = np.sort(values)
    return float(ordered[_rank(values.size, q) - 1])


def _rank(n: int, q: float) -> int:
    return max(1, math.ceil(q * n - 1e-9))


def percentile_resamples(
    values: np.ndarray, q: float, rng: np.random.Generator, resamples: int
) -> np.ndarray:
    """The nearest-rank percentile of ``resamples`` bootstrap resamples, drawn exactly."""
    n = values.size
    if n == 0 or resamples <= 0:
        return np.empty(0)
    ordered = np.sort(values)
    m = _rank(n, q)
    # The m-th smallest of n uniform draws is Beta(m, n - m + 1); a draw u picks the
    # example of rank ceil(n u), so the resample's m-th value has rank ceil(n U_(m)).
    ranks = np.ceil(n * rng.beta(m, n - m + 1, size=resamples)).astype(np.intp)
    return ordered[np.clip(ranks, 1, n) - 1]


# -- paired differences --------------------------------------------------------------------------


def paired_resamples(
    a: Cells, b: Cells, rng: np.random.Generator, resamples: int
) -> tuple[np.ndarray, float | None]:
    """Bootstrap resamples of ``metric(b) - metric(a)`` over the same examples (``a`` and
    ``b`` hold the cells of the same examples in the same order), and the point value."""
    pa, pb = a.point(), b.point()
    point = None if pa is None or pb is None else pb - pa
    if a.n == 0 or resamples <= 0:
        return np.empty(0), point
    joint, inverse = _joint(a.codes * b.size + b.codes, a.size * b.size)
    cells_a, cells_b = joint // b.size, joint % b.size
    counts = np.bincount(inverse, minlength=joint.size).astype(np.float64)
    drawn = rng.multinomial(a.n, counts / a.n, size=resamples).astype(np.float64)
    noise = rng.standard_normal(drawn.shape) if a.channel is not None else None

    def side(cells: Cells, own: np.ndarray) -> np.ndarray:
        order = np.argsort(own, kind="stable")
        mine = own[order]
        starts = np.flatnonzero(np.concatenate(([True], mine[1:] != mine[:-1])))
        slots = mine[starts]

        def per_cell(per_joint: np.ndarray) -> np.ndarray:
            out = np.zeros((per_joint.shape[0], cells.size))
            out[:, slots] = np.add.reduceat(per_joint[:, order], starts, axis=1)
            return out

        sums = None
        if cells.channel is not None and noise is not None:
            mean, var = _moments(inverse, cells.channel, joint.size)
            sums = per_cell(drawn * mean + np.sqrt(drawn * var) * noise)
        return cells.value(per_cell(drawn), sums)

    return side(b, cells_b) - side(a, cells_a), point


def _joint(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``codes`` (sorted) and each code's index among them; by counting when
    the code space is small (no sort)."""
    if size > 4_000_000:
        return np.unique(codes, return_inverse=True)
    present = np.flatnonzero(np.bincount(codes, minlength=size))
    where = np.empty(size, dtype=np.intp)
    where[present] = np.arange(present.size)
    return present, where[codes]


def bootstrap_p(differences: np.ndarray) -> float | None:
    """Two-sided bootstrap p-value of a difference being 0: ``2 * min`` of the shares of
    resamples at or below and at or above 0, each counted as ``(k + 1) / (B + 1)`` (so
    it is never 0: the resolution of B resamples), at most 1."""
    finite = differences[np.isfinite(differences)]
    if finite.size == 0:
        return None
    total = finite.size + 1
    below = (np.count_nonzero(finite <= 0) + 1) / total
    above = (np.count_nonzero(finite >= 0) + 1) / total
    return float(min(1.0, 2 * min(below, above)))


def mcnemar_exact(b: int, c: int) -> float:
    """McNemar's exact two-sided p-value for ``b`` and ``c`` discordant pairs:
    ``2 * P(Bin(b + c, 1/2) <= min(b, c))``, summed in log space, capped at 1."""
    n, k = b + c, min(b, c)
    if n == 0:
        return 1.0
    steps = np.arange(1, k + 1, dtype=np.float64)
    log_terms = np.concatenate(([0.0], np.cumsum(np.log((n - steps + 1) / steps))))
    top = float(log_terms.max())
    log_tail = top + math.log(float(np.exp(log_terms - top).sum())) - n * math.log(2)
    return float(min(1.0, 2 * math.exp(log_tail)))
