"""Looking at a running experiment without inflating the false-positive rate ("peeking").

Two methods; the experiment's design records which one its readouts use.

*Always-valid inference (mSPRT).* Johari, Koomen, Pekelis & Walsh, "Peeking at A/B
Tests: Why it matters, and what to do about it" (KDD 2017; in full as "Always Valid
Inference: Continuous Monitoring of A/B Tests", Operations Research 2022). With θ̂ the
observed difference (treatment - control), V its variance (Σ var_arm / n_arm, plugged in
from the data; unpooled for proportions) and a normal mixing distribution N(θ0, τ²) over
the alternative, the mixture likelihood ratio against θ = θ0 is::

    Λ(θ0) = sqrt(V / (V + τ²)) · exp( τ² (θ̂ - θ0)² / (2 V (V + τ²)) )

For two arms of n units with per-unit variance s² each, V = 2 s² / n and this is the
paper's two-sample formula. The always-valid p-value is min(1, 1/Λ(0)) and the
always-valid (1 - alpha) interval is every θ0 with Λ(θ0) < 1/alpha::

    θ̂ ± sqrt( V (V + τ²) / τ² · (log((V + τ²) / V) - 2 log alpha) )

It may be computed after every new unit and the chance that it *ever* excludes the true
difference is at most alpha.

*Choice of τ.* The paper fits τ to the effects seen in past experiments; an offline app
has none, so τ is tuned for the experiment's planned size instead: with V_N the variance
of the difference at the planned units N (same split between the arms as now, per-unit
variances from the data), the half-width at N is smallest for τ² = u* · V_N where u*
solves u = log(1 + u) - 2 log alpha (u* ≈ 8.21 at alpha = 0.05). Without a planned size,
N = :data:`DEFAULT_PLANNED_UNITS`. Pass the plan's size (both arms together) so τ stays
the same from look to look; a τ given explicitly is used as is (the difference's units).

*Alpha spending with an O'Brien-Fleming-type boundary.* Lan & DeMets, "Discrete
sequential boundaries for clinical trials" (Biometrika 1983): by information fraction t
(units so far / units planned) a one-sided level a has spent 2 - 2Φ(z_{1-a/2} / √t).
A two-sided test at level alpha spends a = alpha/2 on each side with that function (as
gsDesign's ``sfLDOF`` and rpact's ``asOF`` do for a symmetric two-sided design), in total
4 - 4Φ(z_{1-alpha/4} / √t). (Putting the whole two-sided alpha into the function instead,
2 - 2Φ(z_{1-alpha/2} / √t), spends more early: a first look at t = 0.5 would then stop at
|z| >= 2.772 rather than 2.963.) The boundary at each look is the z value such that the
chance of first crossing ±z there, with no difference, equals the alpha spent since the
previous look, computed by numerical integration over the earlier looks (Jennison &
Turnbull, *Group Sequential Methods with Applications to Clinical Trials*, 2000, ch. 19).
At alpha = 0.05 with looks at t = 0.5 and 1 the boundaries are 2.963 and 1.969; a single
look at t = 1 gives 1.960.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Required, TypedDict, Unpack

import numpy as np
from scipy import optimize, special, stats  # type: ignore[import-untyped]

from .stats_arms import ArmTotals, moments
from .stats_common import finite, invalid, open_unit, positive, whole

#: Units (both arms together) τ is tuned for when no planned size is given.
DEFAULT_PLANNED_UNITS = 10_000
#: Earlier looks an O'Brien-Fleming boundary takes into account at most.
MAX_LOOKS = 1000

# Boundary integration: lattice nodes per sd of the smallest increment between looks, the
# coarsest and the finest lattice step, the kernel's reach in sds, and the |z| past which
# nothing is integrated (its probability is below 1e-18). Halving the step and widening
# the reach moves no boundary by more than 2e-6 (365 equal looks included).
_POINTS_PER_SD = 6
_MAX_STEP = 0.02
_MIN_STEP = 0.001
_BAND = 7.0
_Z_CAP = 9.0


def difference(control: ArmTotals, treatment: ArmTotals, metric: str) -> tuple[float, float]:
    """The observed difference (treatment - control) and its variance V (unpooled)."""
    c, t = moments(control, metric), moments(treatment, metric)
    return t.mean - c.mean, c.var / c.n + t.var / t.n


def optimal_mixing_ratio(alpha: float) -> float:
    """u* = τ² / V that makes the always-valid interval narrowest at variance V: the root
    of u = log(1 + u) - 2 log alpha."""
    alpha = open_unit("alpha", "The significance level (alpha)", alpha)
    floor = -2 * math.log(alpha)
    return float(optimize.brentq(lambda u: u - math.log1p(u) - floor, floor, 10 * floor + 10))


def mixing_tau(
    control: ArmTotals,
    treatment: ArmTotals,
    *,
    metric: str,
    alpha: float = 0.05,
    planned_units: int | None = None,
) -> float:
    """The default τ of :func:`always_valid_interval` (see the module docstring)."""
    c, t = moments(control, metric), moments(treatment, metric)
    planned = whole(
        "planned_units",
        "The planned units",
        DEFAULT_PLANNED_UNITS if planned_units is None else planned_units,
        low=2,
    )
    share = c.n / (c.n + t.n)
    v_planned = c.var / (planned * share) + t.var / (planned * (1 - share))
    return math.sqrt(optimal_mixing_ratio(alpha) * v_planned)


class MixtureOptions(TypedDict, total=False):
    """What :func:`always_valid_interval` and :func:`always_valid_p_value` take beside
    the two arms: the ``metric`` ("proportion" or "mean"; required), ``alpha`` (default
    0.05), the mixing standard deviation ``tau`` in the difference's units (default: tuned
    for ``planned_units``) and ``planned_units``, both arms together (default
    :data:`DEFAULT_PLANNED_UNITS`); see the module docstring."""

    metric: Required[str]
    alpha: float
    tau: float | None
    planned_units: int | None


def _mixture(
    control: ArmTotals, treatment: ArmTotals, options: MixtureOptions
) -> tuple[float, float, float, float]:
    """The observed difference, its variance V, the mixing variance τ² and alpha."""
    metric = options["metric"]
    alpha = open_unit("alpha", "The significance level (alpha)", options.get("alpha", 0.05))
    diff, v = difference(control, treatment, metric)
    tau = options.get("tau")
    if tau is not None:
        tau = positive("tau", "The mixing standard deviation (tau)", tau)
    else:
        tau = mixing_tau(
            control,
            treatment,
            metric=metric,
            alpha=alpha,
            planned_units=options.get("planned_units"),
        )
    return diff, v, tau * tau, alpha


def always_valid_interval(
    control: ArmTotals, treatment: ArmTotals, **options: Unpack[MixtureOptions]
) -> tuple[float, float]:
    """The always-valid (1 - alpha) interval of the absolute difference treatment - control
    (mSPRT with a normal mixing distribution; see the module docstring, also for τ and
    ``planned_units``). Wider than the fixed-horizon interval: the price of looking at
    any time. An interval of zero width when neither arm varies."""
    diff, v, t2, alpha = _mixture(control, treatment, options)
    if v <= 0:
        return diff, diff
    half = math.sqrt(v * (v + t2) / t2 * (math.log((v + t2) / v) - 2 * math.log(alpha)))
    return diff - half, diff + half


def always_valid_p_value(
    control: ArmTotals, treatment: ArmTotals, **options: Unpack[MixtureOptions]
) -> float:
    """min(1, 1 / Λ(0)) at this look: below alpha exactly when :func:`always_valid_interval`
    excludes zero. (Over a series of looks the always-valid p-value is the running
    minimum of these.) ``alpha`` only tunes the default τ."""
    diff, v, t2, _alpha = _mixture(control, treatment, options)
    if v <= 0:
        return 1.0 if diff == 0 else 0.0
    log_ratio = 0.5 * math.log(v / (v + t2)) + t2 * diff * diff / (2 * v * (v + t2))
    return math.exp(-log_ratio) if log_ratio > 0 else 1.0


def alpha_spent(times: Sequence[float] | np.ndarray, alpha: float = 0.05) -> np.ndarray:
    """Two-sided type I error spent by each information fraction t (O'Brien-Fleming
    type, each side alpha/2): 4 - 4Φ(z_{1-alpha/4} / √t); alpha at t = 1."""
    t = np.asarray(times, dtype=float)
    return np.asarray(4 * stats.norm.sf(stats.norm.isf(alpha / 4) / np.sqrt(t)))


def _kernel(offsets: np.ndarray, sd: float, step: float) -> np.ndarray:
    """The N(0, sd²) density at ``offsets``; averaged over a lattice cell when the
    increment is narrower than two cells (then a point value would miss its mass)."""
    if sd >= 2 * step:
        return np.asarray(stats.norm.pdf(offsets, scale=sd))
    half = step / 2
    return np.asarray(
        (special.ndtr((offsets + half) / sd) - special.ndtr((offsets - half) / sd)) / step
    )


# Weights of the extended Simpson rule, exact to O(h⁴) on a uniform lattice (Press et
# al., *Numerical Recipes*, 3rd ed., eq. 4.1.14): the first and last four nodes'.
_ENDS = np.array([17, 59, 43, 49]) / 48
# Gauss-Legendre nodes and weights on (-1, 1): two for the short end pieces, 24 for a
# region too narrow for the lattice.
_GAUSS = {n: np.polynomial.legendre.leggauss(n) for n in (2, 24)}


@dataclass(frozen=True)
class _Region:
    """The sub-density of the score S over the continuation region (-b, b) after a look,
    as probability masses (density x quadrature weight): on the lattice points j·step
    strictly inside, from index ``first`` (extended Simpson), and on a few ``extra``
    nodes between the lattice's ends and ±b (Gauss-Legendre), or on Gauss-Legendre nodes
    alone when the region holds too few lattice points."""

    first: int
    lattice: np.ndarray  # masses on the lattice points
    extra: np.ndarray  # positions of the other nodes
    extra_mass: np.ndarray

    def nodes(self, step: float) -> np.ndarray:
        inside = (self.first + np.arange(len(self.lattice))) * step
        return np.concatenate((inside, self.extra))

    def masses(self) -> np.ndarray:
        return np.concatenate((self.lattice, self.extra_mass))


def _gauss(low: float, high: float, count: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = _GAUSS[count]
    half = (high - low) / 2
    return low + half * (x + 1), half * w


def _layout(bound: float, step: float) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Lattice points strictly inside (-bound, bound): first index and count with their
    extended-Simpson weights' shape, and the extra nodes and weights."""
    first = math.floor(-bound / step) + 1
    count = math.ceil(bound / step) - first
    if count < 8:
        nodes, weights = _gauss(-bound, bound, 24)
        return first, 0, nodes, weights
    left, left_w = _gauss(-bound, first * step, 2)
    right, right_w = _gauss((first + count - 1) * step, bound, 2)
    return first, count, np.concatenate((left, right)), np.concatenate((left_w, right_w))


def _lattice_weights(count: int, step: float) -> np.ndarray:
    weights = np.ones(count)
    weights[:4], weights[-4:] = _ENDS, _ENDS[::-1]
    return weights * step


def _start(bound: float, time: float, step: float) -> _Region:
    first, count, extra, extra_w = _layout(bound, step)
    scale = math.sqrt(time)
    lattice = (first + np.arange(count)) * step
    return _Region(
        first,
        _lattice_weights(count, step) * stats.norm.pdf(lattice, scale=scale),
        extra,
        extra_w * stats.norm.pdf(extra, scale=scale),
    )


def _carry(old: _Region, bound: float, sd: float, step: float) -> _Region:
    """``old`` moved on by an increment N(0, sd²) and cut to (-bound, bound). Lattice to
    lattice is a convolution (the kernel depends on the index difference only); the few
    other nodes are summed directly."""
    first, count, extra, extra_w = _layout(bound, step)
    lattice = (first + np.arange(count)) * step
    old_nodes, old_mass = old.nodes(step), old.masses()
    # to the new extra nodes: from every old node
    extra_density = _kernel(extra[:, None] - old_nodes[None, :], sd, step) @ old_mass
    # to the new lattice: from the old extra nodes directly ...
    density = _kernel(lattice[:, None] - old.extra[None, :], sd, step) @ old.extra_mass
    # ... and from the old lattice by convolution
    if len(old.lattice) and count:
        reach = math.ceil(_BAND * sd / step)
        full = np.convolve(old.lattice, _kernel(np.arange(-reach, reach + 1) * step, sd, step))
        index = (
            np.arange(count) + first - old.first + reach
        )  # full[p]: lattice index old.first + p - reach
        valid = (index >= 0) & (index < len(full))
        density[valid] += full[index[valid]]
    return _Region(first, _lattice_weights(count, step) * density, extra, extra_w * extra_density)


def boundaries(times: Sequence[float], alpha: float = 0.05) -> list[float]:
    """The O'Brien-Fleming-type z boundaries of looks at information fractions ``times``
    (increasing, the last at most 1): reject "no difference" at look k when |z| is at or
    past the k-th value. Works on the score S_k = Z_k √t_k, a Brownian motion in t, whose
    sub-density over the continuation region is carried from look to look on a lattice
    (Armitage, McPherson & Rowe 1969; Jennison & Turnbull ch. 19). Cached."""
    return list(_boundaries(tuple(float(x) for x in times), float(alpha)))


@functools.lru_cache(maxsize=256)
def _boundaries(times: tuple[float, ...], alpha: float) -> tuple[float, ...]:
    t = np.asarray(times)
    spend = np.diff(alpha_spent(t, alpha), prepend=0.0)
    # the narrowest thing to resolve: the first look's density or the smallest increment
    smallest = float(np.sqrt(np.diff(t, prepend=0.0).min()))
    step = min(_MAX_STEP, max(_MIN_STEP, smallest / _POINTS_PER_SD))
    # |Z| past _Z_CAP has no measurable probability: no need to integrate out there.
    first = float(stats.norm.isf(spend[0] / 2))
    result = [first]
    region = _start(min(first, _Z_CAP) * math.sqrt(times[0]), times[0], step)
    for k in range(1, len(times)):
        sd = math.sqrt(times[k] - times[k - 1])
        bound = _bound(region.nodes(step), region.masses(), sd, float(spend[k]))
        result.append(bound / math.sqrt(times[k]))
        if k + 1 < len(times):
            region = _carry(region, min(bound, _Z_CAP * math.sqrt(times[k])), sd, step)
    return tuple(result)


def _bound(nodes: np.ndarray, mass: np.ndarray, sd: float, spend: float) -> float:
    """The score bound b at which the chance of first crossing ±b at this look is
    ``spend``: 0 when more is to be spent than remains, inf when nothing measurable is."""

    def excess(b: float) -> float:
        crossing = special.ndtr((-b - nodes) / sd) + special.ndtr((nodes - b) / sd)
        return float(mass @ crossing) - spend

    if excess(1e-12) <= 0:
        return 0.0
    if excess(_Z_CAP) >= 0:
        return math.inf
    return float(optimize.brentq(excess, 1e-12, _Z_CAP, xtol=1e-10))


def obf_boundary(
    *,
    information_fraction: float,
    alpha: float = 0.05,
    looks: Sequence[float] | None = None,
) -> float:
    """The z boundary of a look at ``information_fraction`` (0 < t <= 1) under
    O'Brien-Fleming-type alpha spending at two-sided level ``alpha``, given the earlier
    ``looks`` (their information fractions, increasing, each below t; None or empty for a
    first look). Stop for a difference when |z| >= the boundary."""
    alpha = open_unit("alpha", "The significance level (alpha)", alpha)
    fraction = finite("information_fraction", "The information fraction", information_fraction)
    if not 0 < fraction <= 1:
        raise invalid(
            "information_fraction",
            f"The information fraction must be above 0 and at most 1, not {fraction:g} "
            "(past the planned size, look at 1).",
        )
    earlier = [finite("looks", "An earlier look", x) for x in (looks or ())]
    if len(earlier) > MAX_LOOKS:
        raise invalid("looks", f"At most {MAX_LOOKS} earlier looks are supported.")
    times = [*earlier, fraction]
    if any(not a < b for a, b in zip([0.0, *times], times, strict=False)):
        raise invalid(
            "looks",
            "The earlier looks must be information fractions above 0, increasing, and "
            "before this look.",
        )
    return boundaries(times, alpha)[-1]
