"""Comparing two runs of a suite on the examples both hold (matched by id).

Per metric, overall and per slice: the value in A and in B, the difference B - A with a
95 % paired bootstrap interval (:mod:`.stats`), a p-value -- McNemar's exact test for
boolean outcomes (accuracy: right or wrong; pass rate: the flag as the metric's direction
wants it), else the paired bootstrap's -- and the examples behind it: for boolean
outcomes and label metrics the examples that flipped (pass -> fail, fail -> pass); for a
score, latency or cost the examples that got worse, worst first.

A **regression** (``aipm evals compare`` exits 1 on one) is a blocking metric whose value
in B misses its threshold, or a significant change for the worse (p < 0.05) of any metric
overall or on any slice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...models.evaluations import EvalMetricKind
from ..records import AsDict, record_dict
from . import stats
from .metrics import (
    QUANTILES,
    MetricSpec,
    Progress,
    cells_of,
    outcome,
    slice_groups,
    usable,
)
from .results import Results

if TYPE_CHECKING:
    from ...store import Workspace

ALPHA = 0.05
#: Examples listed behind one difference (the export lists every flip).
LISTED = 200
K = EvalMetricKind


@dataclass(frozen=True)
class Flip(AsDict):
    """An example whose outcome changed between the runs."""

    metric: str
    example_id: str
    change: str  # "pass→fail" or "fail→pass"
    #: The example's slice values, in the order of the comparison's ``slice_columns``.
    slices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Difference:
    """One metric on one group of examples (``group`` "" overall, else ``column=label``)."""

    spec: MetricSpec
    group: str
    n: int
    a: float | None
    b: float | None
    diff: float | None
    low: float | None
    high: float | None
    p_value: float | None
    test: str  # "mcnemar", "bootstrap" or ""
    worse: bool
    regression: bool
    reason: str = ""
    #: Examples behind it: pass→fail flips (boolean/label metrics) or the examples that
    #: got worse, worst first (at most :data:`LISTED`).
    examples: tuple[str, ...] = ()
    improved: tuple[str, ...] = ()

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric_id": self.spec.id,
            "metric": self.spec.name,
            "kind": self.spec.kind,
            "columns": list(self.spec.reads),
            "group": self.group or "overall",
            "n": self.n,
            "a": self.a,
            "b": self.b,
            "diff": self.diff,
            "ci_low": self.low,
            "ci_high": self.high,
            "p_value": self.p_value,
            "test": self.test,
            "worse": self.worse,
            "significant": self.significant,
            "regression": self.regression,
            "reason": self.reason,
            "examples": list(self.examples),
            "improved": list(self.improved),
        }


@dataclass(frozen=True)
class Comparison:
    """Two runs of a suite compared on their common examples."""

    suite_id: int
    suite: str
    run_a: str
    run_b: str
    paired: int
    only_a: int
    only_b: int
    resamples: int
    seed: int
    differences: tuple[Difference, ...]
    flips: tuple[Flip, ...]
    slice_columns: tuple[str, ...] = ()

    @property
    def regressions(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.regression)

    def overall(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if not d.group)

    def as_dict(self) -> dict[str, Any]:
        head = record_dict(self, differences=None, flips=None)
        for key in ("differences", "flips"):
            head.pop(key)
        return {
            **head,
            "confidence": stats.LEVEL,
            "alpha": ALPHA,
            "regression": bool(self.regressions),
            "regressions": [d.as_dict() for d in self.regressions],
            "differences": [d.as_dict() for d in self.differences],
            "flips": [
                {**f.as_dict(), "slices": dict(zip(self.slice_columns, f.slices, strict=True))}
                for f in self.flips
            ],
        }


def align(a: Results, b: Results) -> tuple[Results, Results, int, int]:
    """Both runs on their common example ids (in A's order), and how many ids only A and
    only B hold."""
    if len(a) == len(b) and np.array_equal(a.ids, b.ids):
        return a, b, 0, 0
    where = {key: i for i, key in enumerate(b.ids.tolist())}
    index_b = np.fromiter(map(where.get, a.ids.tolist(), [-1] * len(a)), np.intp, len(a))
    index_a = np.flatnonzero(index_b >= 0)
    index_b = index_b[index_a]
    return a.take(index_a), b.take(index_b), len(a) - len(index_a), len(b) - len(index_b)


def _reseat(a: Results, b: Results) -> Results:
    """``b`` with its label and slice codes in A's categories (the runs may have seen
    different label or slice values)."""
    values = dict(b.values)
    categories = dict(b.categories)
    for key in {"label", *b.named("slice")}:
        if key not in a.categories or key not in b.categories:
            continue
        mine, theirs = a.categories[key], b.categories[key]
        if mine == theirs:
            continue
        merged = list(mine) + [c for c in theirs if c not in mine]
        index = np.array([merged.index(c) for c in theirs] + [-1], dtype=np.int32)
        columns = ["expected", "predicted"] if key == "label" else [key]
        for column in columns:
            if column in values:
                values[column] = index[values[column]]
        categories[key] = merged
    return Results(ids=b.ids, columns=list(b.columns), values=values, categories=categories)


def _merged_categories(a: Results, b: Results) -> Results:
    return Results(ids=a.ids, columns=list(a.columns), values=a.values, categories=b.categories)


def _difference(
    spec: MetricSpec,
    a: Results,
    b: Results,
    mask: np.ndarray,
    group: str,
    rng: np.random.Generator,
    resamples: int,
) -> Difference:
    n = int(mask.sum())
    kind = EvalMetricKind(spec.kind)
    test = ""
    p_value: float | None = None
    if kind in QUANTILES:
        q = QUANTILES[kind]
        xa, xb = a.values["latency"][mask], b.values["latency"][mask]
        va, vb = stats.nearest_rank(xa, q), stats.nearest_rank(xb, q)
        samples = stats.percentile_resamples(xb, q, rng, resamples) - stats.percentile_resamples(
            xa, q, rng, resamples
        )
        point = None if va is None or vb is None else vb - va
    elif kind in (K.MEAN_SCORE, K.COST_PER_ITEM):
        column = spec.reads[0]
        xa, xb = a.values[column][mask], b.values[column][mask]
        va = float(xa.mean()) if n else None
        vb = float(xb.mean()) if n else None
        cells = stats.mean_cells(xb - xa)
        point = cells.point()
        samples = stats.resample(cells, rng, resamples)
    else:
        ca, cb = cells_of(spec, a, mask), cells_of(spec, b, mask)
        assert ca is not None and cb is not None
        va, vb = ca.point(), cb.point()
        samples, point = stats.paired_resamples(ca, cb, rng, resamples)
    low, high = stats.interval(samples) if point is not None else (None, None)
    good_a, good_b = outcome(spec, a, mask), outcome(spec, b, mask)
    ids = np.asarray(a.ids)[mask]
    if good_a is not None and good_b is not None:
        lost, gained = good_a & ~good_b, ~good_a & good_b
        examples = tuple(str(i) for i in ids[lost][:LISTED])
        improved = tuple(str(i) for i in ids[gained][:LISTED])
        if kind in (K.ACCURACY, K.PASS_RATE):
            test, p_value = "mcnemar", stats.mcnemar_exact(int(lost.sum()), int(gained.sum()))
    else:
        column = "latency" if kind in QUANTILES else spec.reads[0]
        change = b.values[column][mask] - a.values[column][mask]
        harm = change if spec.lower_is_better else -change
        examples = _most(ids, harm)
        improved = _most(ids, -harm)
    if not test and point is not None:
        test, p_value = "bootstrap", stats.bootstrap_p(samples)
    worse = point is not None and va is not None and vb is not None and spec.worse(va, vb)
    reasons = []
    if worse and p_value is not None and p_value < ALPHA:
        reasons.append(f"significant drop (p = {p_value:.3g})")
    if not group and spec.blocking and spec.meets(vb) is False:
        reasons.append(f"blocking metric misses its threshold {spec.threshold:g}")
    return Difference(
        spec,
        group,
        n,
        va,
        vb,
        point,
        low,
        high,
        p_value,
        test,
        worse,
        bool(reasons),
        "; ".join(reasons),
        examples,
        improved,
    )


def _most(ids: np.ndarray, amount: np.ndarray) -> tuple[str, ...]:
    """The ids of up to :data:`LISTED` examples with the largest positive ``amount``,
    largest first."""
    positive = np.flatnonzero(amount > 0)
    if positive.size > LISTED:
        positive = positive[np.argpartition(-amount[positive], LISTED)[:LISTED]]
    positive = positive[np.argsort(-amount[positive], kind="stable")]
    return tuple(str(i) for i in ids[positive])


def compare_results(
    specs: Sequence[MetricSpec],
    a: Results,
    b: Results,
    *,
    suite_id: int = 0,
    suite: str = "",
    run_a: str = "A",
    run_b: str = "B",
    resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int = stats.DEFAULT_SEED,
    progress: Progress | None = None,
) -> Comparison:
    """Compare two results tables (see the module docstring)."""
    a, b, only_a, only_b = align(a, b)
    b = _reseat(a, b)
    a = _merged_categories(a, b)
    differences: list[Difference] = []
    flips: list[Flip] = []
    slice_columns = a.named("slice")
    for position, spec in enumerate(specs):
        mask_a, _note = usable(spec, a)
        mask_b, _note = usable(spec, b)
        if mask_a is not None and mask_b is not None:
            mask = mask_a & mask_b
            rng = np.random.default_rng([seed, spec.id, 0])
            differences.append(_difference(spec, a, b, mask, "", rng, resamples))
            for index, (column, label, group) in enumerate(
                slice_groups(a, mask, spec.slice_column), start=1
            ):
                rng = np.random.default_rng([seed, spec.id, index])
                differences.append(
                    _difference(spec, a, b, group, f"{column}={label}", rng, resamples)
                )
            flips.extend(_flips(spec, a, b, mask, slice_columns))
        if progress:
            progress(position + 1, len(specs))
    return Comparison(
        suite_id,
        suite,
        run_a,
        run_b,
        len(a),
        only_a,
        only_b,
        resamples,
        seed,
        tuple(differences),
        tuple(flips),
        tuple(slice_columns),
    )


def _flips(
    spec: MetricSpec, a: Results, b: Results, mask: np.ndarray, slice_columns: Sequence[str]
) -> list[Flip]:
    """Every flip of an accuracy or pass-rate metric (the other label metrics flip with
    accuracy; each difference lists its own examples)."""
    kind = EvalMetricKind(spec.kind)
    if kind not in (K.ACCURACY, K.PASS_RATE):
        return []
    good_a, good_b = outcome(spec, a, mask), outcome(spec, b, mask)
    assert good_a is not None and good_b is not None
    positions = np.flatnonzero(mask)
    changed = np.flatnonzero(good_a != good_b)
    texts = {c: a.text_of(c) for c in slice_columns}
    out = []
    for i in changed:
        row = positions[i]
        out.append(
            Flip(
                spec.name,
                str(a.ids[row]),
                "pass→fail" if good_a[i] else "fail→pass",
                tuple(str(texts[c][row]) for c in slice_columns),
            )
        )
    return out


def compare_runs(*, ws: Workspace, run_a: int, run_b: int, **options: Any) -> Comparison:
    """Compare two stored runs of one suite (A the baseline, B the candidate); ``options``
    as :func:`compare_results` takes them (``resamples``, ``seed``, ``progress``; None
    for the defaults)."""
    from ...errors import UserError
    from ...models import EvalRun
    from .data import metric_specs, suite_row
    from .imports import load_results

    with ws.session() as session:
        first, second = session.get(EvalRun, run_a), session.get(EvalRun, run_b)
        if first is None or second is None:
            raise UserError("Choose two runs of the suite to compare.")
        if first.suite_id != second.suite_id:
            raise UserError("The two runs belong to different suites; compare runs of one suite.")
        names = (first.name, second.name)
    suite = suite_row(ws=ws, suite_id=first.suite_id)
    return compare_results(
        metric_specs(ws=ws, suite_id=suite.id),  # type: ignore[arg-type]
        load_results(ws=ws, run_id=run_a),
        load_results(ws=ws, run_id=run_b),
        suite_id=int(suite.id),  # type: ignore[arg-type]
        suite=suite.name,
        run_a=names[0],
        run_b=names[1],
        **{k: v for k, v in options.items() if v is not None},
    )


def export_flips(comparison: Comparison, out: Path | str) -> Path:
    """Write the flipped examples to CSV or XLSX: metric, id, change, slices."""
    from ..tabular import write_rows

    header = ["metric", "id", "change", *comparison.slice_columns]
    rows = ([f.metric, f.example_id, f.change, *f.slices] for f in comparison.flips)
    return write_rows(out, header, rows)
