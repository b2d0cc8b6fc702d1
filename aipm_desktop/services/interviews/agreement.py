"""How consistently a panel scores: agreement per dimension and overall (no Qt).

The data are the *submitted* ratings of hiring evaluations (never practice ones) of the
candidates whose panel is complete or was revealed by a lead (:mod:`.blind`: figures
never show what the blind rules hide). A unit is one candidate on one case (the
performance the interviewers watched); it counts when two or more interviewers rated it.

Per scorecard dimension (matched by key) and overall (every candidate x case x
dimension as one unit):

* Krippendorff's alpha for ordinal data, with missing values, and a 95 % interval from a
  seeded bootstrap over units (:mod:`.reliability`);
* ICC(2,1) -- two-way random effects, absolute agreement, single rater (Shrout and Fleiss
  1979) -- with the 95 % interval of McGraw and Wong (1996). The ICC needs every unit
  rated by the same interviewers: it is computed on the largest complete block (the
  interviewers and units it used are given);
* a flag when alpha is below :data:`POOR_ALPHA` (0.667, the lowest value Krippendorff
  accepts for tentative conclusions).

Each interviewer's offset from the panel: the mean, over the units they rated with at
least one other interviewer, of their rating minus the mean of the others' ratings
(positive: rates high).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .evaluations import EvaluationScore
from .library import _scorecards
from .reliability import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    Interval,
    alpha_interval,
    icc,
    krippendorff_alpha,
)
from .summaries import comparison, withheld

if TYPE_CHECKING:
    from ...store import Workspace

#: Alpha below this is poor agreement (Krippendorff: 0.667 for tentative conclusions).
POOR_ALPHA = 0.667
#: An offset of at least this many levels from the panel reads as "rates high / low".
NOTABLE_OFFSET = 0.5
#: Above this many interviewers the complete block for the ICC is found greedily.
_EXHAUSTIVE_RATERS = 12
OVERALL_KEY = "overall"


@dataclass(frozen=True)
class DimensionAgreement:
    """Agreement on one dimension (or :data:`OVERALL_KEY`)."""

    key: str
    name: str
    units: int  # units rated by two or more interviewers
    ratings: int  # the ratings of those units
    alpha: float | None
    alpha_ci: Interval | None
    icc: float | None
    icc_ci: Interval | None
    icc_units: int = 0
    icc_raters: tuple[str, ...] = ()

    @property
    def poor(self) -> bool:
        return self.alpha is not None and self.alpha < POOR_ALPHA


@dataclass(frozen=True)
class InterviewerOffset:
    """How far an interviewer's ratings sit from the rest of the panel's, on average."""

    interviewer: str
    offset: float | None
    comparisons: int
    by_dimension: dict[str, float | None] = field(default_factory=dict)

    @property
    def tendency(self) -> str:
        if self.offset is None:
            return "no shared candidates"
        if self.offset >= NOTABLE_OFFSET:
            return "rates high"
        if self.offset <= -NOTABLE_OFFSET:
            return "rates low"
        return "in line with the panel"


@dataclass
class Agreement:
    dimensions: list[DimensionAgreement]
    overall: DimensionAgreement
    offsets: list[InterviewerOffset]
    #: The units used (candidate, and the case when a candidate had several).
    units: list[str]
    interviewers: list[str]
    #: Candidates left out because their panel has not submitted: (name, waiting for).
    withheld: list[tuple[str, list[str]]]
    resamples: int = BOOTSTRAP_RESAMPLES
    seed: int = BOOTSTRAP_SEED

    @property
    def empty(self) -> bool:
        return not self.units

    @property
    def poor(self) -> list[DimensionAgreement]:
        return [d for d in self.dimensions if d.poor]


# --------------------------------------------------------------------------- data


@dataclass
class _Panel:
    """Ratings as units x raters per dimension key."""

    raters: list[str]
    units: list[str]
    dimensions: list[tuple[str, str]]
    # dimension key -> units x raters (NaN: not rated)
    tables: dict[str, np.ndarray]
    withheld: list[tuple[str, list[str]]]


def _collect(ws: Workspace) -> _Panel:
    data = comparison(ws=ws)
    evaluations: list[tuple[str, EvaluationScore]] = []
    for summary in data.candidates:
        if not summary.open:
            continue
        cases = {e.exercise_id for e in summary.evaluations}
        for ev in summary.evaluations:
            if not ev.submitted:
                continue  # a draft a lead revealed: seen, but not a figure
            unit = summary.name if len(cases) == 1 else f"{summary.name} ({ev.exercise_title})"
            evaluations.append((f"{summary.id}:{ev.exercise_id}\t{unit}", ev))
    cards = _scorecards(ws=ws, ids={ev.scorecard_id for _u, ev in evaluations})
    names: dict[str, str] = {}
    for _unit, ev in evaluations:
        names.setdefault(" ".join(ev.interviewer.split()).casefold(), ev.interviewer.strip())
    raters = sorted(names, key=lambda r: names[r].casefold())
    unit_keys = list(dict.fromkeys(u for u, _ev in evaluations))
    dims = [(key, name) for key, name, _w in data.dimensions]
    tables = {key: np.full((len(unit_keys), len(raters)), np.nan) for key, _n in dims}
    for unit, ev in evaluations:
        row = unit_keys.index(unit)
        col = raters.index(" ".join(ev.interviewer.split()).casefold())
        keys = {d.id: d.key for d in cards[ev.scorecard_id].dimensions}
        for dim_id, rating in ev.ratings.items():
            key = keys.get(dim_id)
            if key in tables:
                tables[key][row, col] = rating.rating
    return _Panel(
        raters=[names[r] for r in raters],
        units=[u.split("\t", 1)[1] for u in unit_keys],
        dimensions=dims,
        tables=tables,
        withheld=withheld(data.candidates),
    )


def complete_block(table: np.ndarray) -> tuple[list[int], list[int]]:
    """(rows, columns) of the largest complete part of ``table`` (NaN: missing): the
    columns (two or more) whose fully rated rows (two or more) give the most cells, ties
    to more rows; ([], []) when there is none."""
    rated = ~np.isnan(table)
    columns = range(table.shape[1])
    best: tuple[int, int, tuple[int, ...]] = (0, 0, ())

    def consider(cols: tuple[int, ...]) -> None:
        nonlocal best
        rows = int(rated[:, list(cols)].all(axis=1).sum())
        if rows >= 2 and (rows * len(cols), rows) > best[:2]:
            best = (rows * len(cols), rows, cols)

    if table.shape[1] <= _EXHAUSTIVE_RATERS:
        for size in range(2, table.shape[1] + 1):
            for cols in itertools.combinations(columns, size):
                consider(cols)
    else:
        cols = tuple(columns)
        while len(cols) >= 2:
            consider(cols)
            cols = max(
                (tuple(c for c in cols if c != drop) for drop in cols),
                key=lambda kept: int(rated[:, list(kept)].all(axis=1).sum()),
            )
    if not best[2]:
        return [], []
    chosen = list(best[2])
    return [int(r) for r in np.flatnonzero(rated[:, chosen].all(axis=1))], chosen


def _figures(
    key: str, name: str, table: np.ndarray, raters: Sequence[str], resamples: int, seed: int
) -> DimensionAgreement:
    pairable = table[(~np.isnan(table)).sum(axis=1) >= 2]
    units = [[None if np.isnan(v) else float(v) for v in row] for row in pairable]
    rows, cols = complete_block(table)
    result = icc(table[np.ix_(rows, cols)]) if rows else None
    return DimensionAgreement(
        key=key,
        name=name,
        units=len(units),
        ratings=int((~np.isnan(pairable)).sum()),
        alpha=krippendorff_alpha(units, "ordinal"),
        alpha_ci=alpha_interval(units, "ordinal", resamples=resamples, seed=seed),
        icc=None if result is None else result.icc2,
        icc_ci=None if result is None else result.icc2_ci,
        icc_units=len(rows),
        icc_raters=tuple(raters[c] for c in cols),
    )


def _offsets(table: np.ndarray) -> list[list[float]]:
    """Per rater: their rating minus the mean of the others', for every unit of
    ``table`` they rated together with at least one other rater."""
    found: list[list[float]] = [[] for _ in range(table.shape[1])]
    rated = ~np.isnan(table)
    for row, mask in zip(table, rated, strict=True):
        if mask.sum() < 2:
            continue
        total = row[mask].sum()
        others = mask.sum() - 1
        for col in np.flatnonzero(mask):
            found[col].append(float(row[col] - (total - row[col]) / others))
    return found


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def agreement(
    *, ws: Workspace, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> Agreement:
    """The panel's agreement figures (see the module docstring)."""
    panel = _collect(ws)
    dims = [
        _figures(key, name, panel.tables[key], panel.raters, resamples, seed)
        for key, name in panel.dimensions
    ]
    stacked = (
        np.vstack([panel.tables[key] for key, _n in panel.dimensions])
        if panel.dimensions
        else np.empty((0, len(panel.raters)))
    )
    overall = _figures(OVERALL_KEY, "Overall", stacked, panel.raters, resamples, seed)
    per_dim = {key: _offsets(panel.tables[key]) for key, _n in panel.dimensions}
    offsets = []
    for index, rater in enumerate(panel.raters):
        pooled = [v for key in per_dim for v in per_dim[key][index]]
        offsets.append(
            InterviewerOffset(
                interviewer=rater,
                offset=_mean(pooled),
                comparisons=len(pooled),
                by_dimension={key: _mean(per_dim[key][index]) for key in per_dim},
            )
        )
    used = [
        unit
        for row, unit in enumerate(panel.units)
        if any((~np.isnan(table[row])).sum() >= 2 for table in panel.tables.values())
    ]
    return Agreement(dims, overall, offsets, used, panel.raters, panel.withheld, resamples, seed)


# --------------------------------------------------------------------------- text


def figure_text(value: float | None, ci: Interval | None = None) -> str:
    """``0.81 [0.55, 0.95]``; "n/a" when undefined."""
    if value is None:
        return "n/a"
    text = f"{value:.2f}"
    if ci is not None:
        text += f" [{ci[0]:.2f}, {ci[1]:.2f}]"
    return text


def offset_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _interval(ci: Interval | None) -> list[float] | None:
    return None if ci is None else [round(ci[0], 4), round(ci[1], 4)]


def _dimension_dict(d: DimensionAgreement) -> dict[str, Any]:
    return {
        "key": d.key,
        "name": d.name,
        "units": d.units,
        "ratings": d.ratings,
        "alpha_ordinal": _rounded(d.alpha),
        "alpha_ci95": _interval(d.alpha_ci),
        "icc_2_1": _rounded(d.icc),
        "icc_ci95": _interval(d.icc_ci),
        "icc_units": d.icc_units,
        "icc_interviewers": list(d.icc_raters),
        "poor": d.poor,
    }


def agreement_dict(result: Agreement) -> dict[str, Any]:
    """The figures as plain JSON-able data (for ``--json``)."""
    return {
        "units": result.units,
        "interviewers": result.interviewers,
        "poor_alpha_below": POOR_ALPHA,
        "bootstrap": {"resamples": result.resamples, "seed": result.seed},
        "overall": _dimension_dict(result.overall),
        "dimensions": [_dimension_dict(d) for d in result.dimensions],
        "poor_dimensions": [d.key for d in result.poor],
        "offsets": [
            {
                "interviewer": o.interviewer,
                "mean_offset": _rounded(o.offset),
                "comparisons": o.comparisons,
                "tendency": o.tendency,
                "by_dimension": {k: _rounded(v) for k, v in o.by_dimension.items()},
            }
            for o in result.offsets
        ],
        "withheld": [{"candidate": name, "waiting_for": who} for name, who in result.withheld],
    }
