"""Inter-rater reliability: Krippendorff's alpha and the intraclass correlations (no Qt).

Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability")
for reliability data with missing values: each unit's values are paired within the unit
(a unit rated once is not pairable and drops out); the coincidence matrix ``o[c, k]``
sums, over units, the number of c-k pairs divided by ``m_u - 1``; with ``n_c`` its row
sums and ``n`` their total,

    alpha = 1 - (n - 1) * sum(o[c, k] * d2[c, k]) / sum(n_c * n_k * d2[c, k])

where ``d2`` is the difference function of the level of measurement: nominal (0 when
equal, else 1), ordinal ((sum of n_g for g from c to k) - (n_c + n_k) / 2) squared,
interval ((c - k) squared) or ratio (((c - k) / (c + k)) squared). Its confidence
interval comes from a seeded bootstrap over units (percentiles of the resampled alphas).

The intraclass correlations of Shrout and Fleiss (1979) for ``n`` targets each rated by
the same ``k`` judges, from the two-way ANOVA mean squares: between targets (BMS),
between judges (JMS), residual (EMS) and within targets (WMS):

    ICC(1,1) = (BMS - WMS) / (BMS + (k - 1) WMS)
    ICC(2,1) = (BMS - EMS) / (BMS + (k - 1) EMS + k (JMS - EMS) / n)
    ICC(3,1) = (BMS - EMS) / (BMS + (k - 1) EMS)

ICC(2,1) (two-way random, absolute agreement, single rater) gets the confidence interval
of McGraw and Wong (1996, case 2A) with Satterthwaite's degrees of freedom; ICC(1,1) and
ICC(3,1) the F-test intervals of Shrout and Fleiss. Distributions come from scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Interval = tuple[float, float]
#: One unit's values, one per coder; None (or NaN) where a coder gave none.
Unit = Sequence[float | None]

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20250125


# --------------------------------------------------------------------------- alpha


@dataclass(frozen=True)
class _Coincidences:
    """The pairable units of reliability data as per-unit coincidence matrices."""

    values: NDArray[np.float64]  # the distinct values, ascending
    per_unit: NDArray[np.float64]  # units x values x values

    @property
    def units(self) -> int:
        return int(self.per_unit.shape[0])


def _coincidences(data: Sequence[Unit]) -> _Coincidences:
    units = []
    for unit in data:
        found = [float(v) for v in unit if v is not None and not math.isnan(float(v))]
        if len(found) >= 2:
            units.append(found)
    values = np.array(sorted({v for unit in units for v in unit}), dtype=float)
    index = {v: i for i, v in enumerate(values)}
    per_unit = np.zeros((len(units), len(values), len(values)))
    for u, found in enumerate(units):
        counts = np.zeros(len(values))
        for v in found:
            counts[index[v]] += 1
        per_unit[u] = (np.outer(counts, counts) - np.diag(counts)) / (len(found) - 1)
    return _Coincidences(values, per_unit)


def _differences(level: Level, values: NDArray[np.float64], n: NDArray[np.float64]) -> NDArray:
    """The squared differences ``d2[..., c, k]`` for the marginals ``n`` (``[..., V]``:
    one row per bootstrap sample, or a single one)."""
    c, k = np.meshgrid(values, values, indexing="ij")
    if level == "nominal":
        return np.broadcast_to(c != k, n.shape[:-1] + c.shape).astype(float)
    if level == "interval":
        return np.broadcast_to((c - k) ** 2, n.shape[:-1] + c.shape)
    if level == "ratio":
        total = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(total == 0, 0.0, (c - k) / total)
        return np.broadcast_to(ratio**2, n.shape[:-1] + c.shape)
    if level != "ordinal":
        raise ValueError(f"unknown level of measurement: {level!r}")
    cum = np.cumsum(n, axis=-1)
    size = len(values)
    low = np.minimum.outer(np.arange(size), np.arange(size))
    high = np.maximum.outer(np.arange(size), np.arange(size))
    # sum of n_g for g from c to k = cum[high] - cum[low] + n[low]
    between = cum[..., high] - cum[..., low] + n[..., low]
    return (between - (n[..., :, None] + n[..., None, :]) / 2.0) ** 2


def _alpha(coinc: NDArray, level: Level, values: NDArray[np.float64]) -> NDArray:
    """Alpha of coincidence matrices ``coinc`` (``[..., V, V]``); NaN where undefined."""
    n_c = coinc.sum(axis=-1)
    n = n_c.sum(axis=-1)
    d2 = _differences(level, values, n_c)
    observed = (coinc * d2).sum(axis=(-2, -1))
    expected = (n_c[..., :, None] * n_c[..., None, :] * d2).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


def krippendorff_alpha(data: Sequence[Unit], level: Level = "ordinal") -> float | None:
    """Krippendorff's alpha of ``data`` (units, each its coders' values; None missing);
    None when undefined (fewer than two pairable values, or no variation at all)."""
    coinc = _coincidences(data)
    if coinc.units == 0:
        return None
    value = float(_alpha(coinc.per_unit.sum(axis=0), level, coinc.values))
    return None if math.isnan(value) else value


def alpha_interval(
    data: Sequence[Unit],
    level: Level = "ordinal",
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = 0.95,
) -> Interval | None:
    """A bootstrap confidence interval for alpha: ``resamples`` samples of the pairable
    units drawn with replacement (generator seeded with ``seed``), the alpha of each, and
    their percentiles; None when fewer than two units are pairable or no sample has one."""
    coinc = _coincidences(data)
    units = coinc.units
    if units < 2:
        return None
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, units, size=(resamples, units))
    offsets = (np.arange(resamples) * units)[:, None]
    weights = np.bincount((picks + offsets).ravel(), minlength=resamples * units)
    weights = weights.reshape(resamples, units).astype(float)
    size = len(coinc.values)
    sampled = (weights @ coinc.per_unit.reshape(units, size * size)).reshape(-1, size, size)
    alphas = _alpha(sampled, level, coinc.values)
    if np.all(np.isnan(alphas)):
        return None
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.nanpercentile(alphas, [tail, 100.0 - tail])
    return float(low), float(high)


# --------------------------------------------------------------------------- ICC


@dataclass(frozen=True)
class IccResult:
    """Shrout and Fleiss's single-rater ICCs of a complete targets x judges table, with
    the mean squares they come from and 95 % (or ``confidence``) intervals."""

    targets: int
    judges: int
    bms: float
    wms: float
    jms: float
    ems: float
    icc1: float | None
    icc2: float | None
    icc3: float | None
    icc1_ci: Interval | None
    icc2_ci: Interval | None
    icc3_ci: Interval | None


def _f_ppf(q: float, df1: float, df2: float) -> float:
    """The ``q`` quantile of the F distribution with (``df1``, ``df2``) degrees of freedom."""
    from scipy import stats  # type: ignore[import-untyped]

    return float(stats.f.ppf(q, df1, df2))


def _ratio(top: float, bottom: float) -> float | None:
    return top / bottom if bottom != 0 and math.isfinite(bottom) else None


def _f_interval(
    f_value: float | None, df1: float, df2: float, k: int, confidence: float
) -> Interval | None:
    """Shrout and Fleiss's interval for ICC(1,1) (F = BMS/WMS) and ICC(3,1) (BMS/EMS)."""
    if f_value is None or not math.isfinite(f_value):
        return None
    q = 1.0 - (1.0 - confidence) / 2.0
    f_low = f_value / _f_ppf(q, df1, df2)
    f_high = f_value * _f_ppf(q, df2, df1)
    return (f_low - 1.0) / (f_low + k - 1.0), (f_high - 1.0) / (f_high + k - 1.0)


def _icc2_interval(
    icc2: float | None, n: int, k: int, bms: float, jms: float, ems: float, confidence: float
) -> Interval | None:
    """McGraw and Wong's (1996) interval for ICC(A,1) = ICC(2,1)."""
    if icc2 is None or icc2 >= 1.0 or ems <= 0:
        return None
    a = k * icc2 / (n * (1.0 - icc2))
    b = 1.0 + k * icc2 * (n - 1) / (n * (1.0 - icc2))
    denominator = (a * jms) ** 2 / (k - 1) + (b * ems) ** 2 / ((n - 1) * (k - 1))
    if denominator <= 0:
        return None
    v = (a * jms + b * ems) ** 2 / denominator
    q = 1.0 - (1.0 - confidence) / 2.0
    f_upper = _f_ppf(q, n - 1, v)
    f_lower = _f_ppf(q, v, n - 1)
    spread = k * jms + (k * n - k - n) * ems
    low = n * (bms - f_upper * ems) / (f_upper * spread + n * bms)
    high = n * (f_lower * bms - ems) / (spread + n * f_lower * bms)
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    return float(low), float(high)


def icc(table: ArrayLike, *, confidence: float = 0.95) -> IccResult | None:
    """The ICCs of ``table`` (rows: targets, columns: judges, every cell filled); None
    with fewer than two targets or two judges."""
    x = np.asarray(table, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2 or np.isnan(x).any():
        return None
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((x - grand) ** 2).sum())
    ss_error = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    wms = (ss_cols + ss_error) / (n * (k - 1))
    icc1 = _ratio(bms - wms, bms + (k - 1) * wms)
    icc2 = _ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n)
    icc3 = _ratio(bms - ems, bms + (k - 1) * ems)
    return IccResult(
        targets=n,
        judges=k,
        bms=bms,
        wms=wms,
        jms=jms,
        ems=ems,
        icc1=icc1,
        icc2=icc2,
        icc3=icc3,
        icc1_ci=_f_interval(_ratio(bms, wms), n - 1, n * (k - 1), k, confidence),
        icc2_ci=_icc2_interval(icc2, n, k, bms, jms, ems, confidence),
        icc3_ci=_f_interval(_ratio(bms, ems), n - 1, (n - 1) * (k - 1), k, confidence),
    )
