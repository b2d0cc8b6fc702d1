"""Krippendorff's alpha and the ICCs against their published worked examples.

* Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. The example of
  4 observers x 12 units with missing values: nominal alpha = 0.743, ordinal 0.815,
  interval 0.849, ratio 0.797 (nominal and interval are also computed by hand here,
  pair by pair, independently of the module).
* Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
  reliability. Table 2: 6 targets x 4 judges; Table 4: ICC(1,1) = 0.17, ICC(2,1) = 0.29,
  ICC(3,1) = 0.71 (from the mean squares of Table 3: BMS 11.24, WMS 6.26, JMS 32.49,
  EMS 1.02). The 95 % intervals are those of McGraw & Wong (1996) for ICC(2,1) and of
  Shrout & Fleiss for ICC(1,1) and ICC(3,1), as R's psych::ICC prints them for these
  data: [-0.133, 0.72], [0.019, 0.76], [0.342, 0.95].
"""

from __future__ import annotations

from collections import defaultdict
from itertools import permutations

import pytest

from aipm_desktop.services.interviews.reliability import alpha_interval, icc, krippendorff_alpha

N = None
#: Krippendorff (2011), section C: observers A-D (rows) x units 1-12 (columns).
OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
UNITS = [list(unit) for unit in zip(*OBSERVERS, strict=True)]

#: Shrout & Fleiss (1979), Table 2: targets (rows) x judges 1-4 (columns).
TABLE_2 = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def _alpha_by_hand(units, difference) -> tuple[float, float]:
    """Alpha and n the long way: every ordered pair of values within a unit adds
    1 / (m_u - 1) to the coincidence of its two values."""
    o: dict[tuple[int, int], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        if len(values) < 2:
            continue
        for a, b in permutations(range(len(values)), 2):
            o[values[a], values[b]] += 1 / (len(values) - 1)
    n_c: dict[int, float] = defaultdict(float)
    for (c, _k), count in o.items():
        n_c[c] += count
    n = sum(n_c.values())
    observed = sum(count * difference(c, k) for (c, k), count in o.items())
    expected = sum(n_c[c] * n_c[k] * difference(c, k) for c in n_c for k in n_c)
    return 1 - (n - 1) * observed / expected, n


def test_krippendorff_nominal_and_interval_match_the_paper_and_a_hand_computation() -> None:
    nominal, n = _alpha_by_hand(UNITS, lambda c, k: 0.0 if c == k else 1.0)
    interval, _ = _alpha_by_hand(UNITS, lambda c, k: float((c - k) ** 2))
    assert n == pytest.approx(40)  # the pairable values of the example
    assert round(nominal, 3) == 0.743
    assert round(interval, 3) == 0.849
    assert krippendorff_alpha(UNITS, "nominal") == pytest.approx(nominal, abs=1e-12)
    assert krippendorff_alpha(UNITS, "interval") == pytest.approx(interval, abs=1e-12)


def test_krippendorff_ordinal_and_ratio_match_the_paper() -> None:
    assert round(krippendorff_alpha(UNITS, "ordinal"), 3) == 0.815  # type: ignore[arg-type]
    assert round(krippendorff_alpha(UNITS, "ratio"), 3) == 0.797  # type: ignore[arg-type]


def test_alpha_ignores_unpairable_units_and_is_undefined_without_variation() -> None:
    assert krippendorff_alpha([*UNITS, [N, N, 7, N]], "ordinal") == pytest.approx(
        krippendorff_alpha(UNITS, "ordinal")
    )
    assert krippendorff_alpha([[3, 3], [3, 3, 3]]) is None  # everyone agrees on one value
    assert krippendorff_alpha([[1, N], [N, 2]]) is None  # nothing pairable
    assert krippendorff_alpha([[1, 1], [4, 4]]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha(UNITS, "circular")  # type: ignore[arg-type]


def test_the_alpha_interval_is_a_seeded_bootstrap_around_the_estimate() -> None:
    first = alpha_interval(UNITS, "ordinal", resamples=1000, seed=7)
    assert first == alpha_interval(UNITS, "ordinal", resamples=1000, seed=7)
    assert first != alpha_interval(UNITS, "ordinal", resamples=1000, seed=8)
    assert first is not None
    low, high = first
    assert -1.0 <= low < 0.815 < high <= 1.0
    assert alpha_interval([[1, 2]]) is None  # one unit: nothing to resample
    assert alpha_interval([[2, 2], [2, 2]]) is None  # alpha undefined in every sample


def _mean_squares_by_hand(table) -> tuple[float, float, float, float]:
    n, k = len(table), len(table[0])
    grand = sum(map(sum, table)) / (n * k)
    rows = [sum(r) / k for r in table]
    cols = [sum(r[j] for r in table) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in rows)
    ss_cols = n * sum((m - grand) ** 2 for m in cols)
    ss_total = sum((x - grand) ** 2 for r in table for x in r)
    ss_error = ss_total - ss_rows - ss_cols
    return (
        ss_rows / (n - 1),
        (ss_cols + ss_error) / (n * (k - 1)),
        ss_cols / (k - 1),
        ss_error / ((n - 1) * (k - 1)),
    )


def test_shrout_fleiss_table_2() -> None:
    result = icc(TABLE_2)
    assert result is not None and (result.targets, result.judges) == (6, 4)
    bms, wms, jms, ems = _mean_squares_by_hand(TABLE_2)
    # Table 3 of the paper, to its two decimals
    assert (round(bms, 2), round(wms, 2), round(jms, 2), round(ems, 2)) == (
        11.24,
        6.26,
        32.49,
        1.02,
    )
    assert (result.bms, result.wms, result.jms, result.ems) == pytest.approx((bms, wms, jms, ems))
    n, k = 6, 4
    by_hand = {
        "icc1": (bms - wms) / (bms + (k - 1) * wms),
        "icc2": (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n),
        "icc3": (bms - ems) / (bms + (k - 1) * ems),
    }
    assert round(by_hand["icc1"], 3) == round(result.icc1, 3) == 0.166  # type: ignore[arg-type]
    assert round(by_hand["icc2"], 3) == round(result.icc2, 3) == 0.290  # type: ignore[arg-type]
    assert round(by_hand["icc3"], 3) == round(result.icc3, 3) == 0.715  # type: ignore[arg-type]
    # Table 4 prints two decimals
    assert (round(result.icc1, 2), round(result.icc2, 2), round(result.icc3, 2)) == (  # type: ignore[arg-type]
        0.17,
        0.29,
        0.71,
    )


def test_shrout_fleiss_confidence_intervals() -> None:
    result = icc(TABLE_2)
    assert result is not None
    assert result.icc2_ci == pytest.approx((0.019, 0.761), abs=1e-3)  # McGraw & Wong, 2A
    assert result.icc3_ci == pytest.approx((0.342, 0.946), abs=1e-3)
    assert result.icc1_ci == pytest.approx((-0.133, 0.723), abs=1e-3)


def test_icc_needs_a_complete_table_of_two_by_two() -> None:
    assert icc([[1, 2]]) is None
    assert icc([[1], [2]]) is None
    assert icc([[1, 2], [3, float("nan")]]) is None
    perfect = icc([[1, 1], [2, 2], [4, 4]])
    assert perfect is not None and perfect.icc2 == pytest.approx(1.0)
    assert perfect.icc2_ci is None  # no residual variance: no interval
    flat = icc([[2, 2], [2, 2]])
    assert flat is not None and flat.icc2 is None  # no variance at all: undefined
