"""Ranking stability: what it means on worked examples, the figures a fixed seed gives
(recorded before the numpy rewrite), a plain-Python tally of the same draws, and the
ranking after a score edit against a full re-read."""

from __future__ import annotations

import numpy as np
import pytest

from aipm_desktop.models import UseCase
from aipm_desktop.services import records, scoring
from aipm_desktop.store import open_workspace

from .test_scoring import _portfolio

# Default model, in order: business_value 20, marginal_value 15, reach 10 (value);
# data_availability 15, technical_feasibility 10, time_to_value 10 (feasibility);
# safety_compliance 12, cost_to_serve 8 (risk, cost: a high level counts against).


def _complete_portfolio(ws) -> dict[str, int]:
    """test_scoring's five scored use cases (Dominant, Close A/B/C, Weak), by title."""
    return {t: uc for t, uc in _portfolio(ws).items() if t != "Incomplete"}


def _scored(ws, levels: dict[str, list[int]]) -> dict[str, int]:
    criteria = scoring.model_criteria(ws=ws)
    ids = {}
    for title, values in levels.items():
        obj, _changes = records.create(ws=ws, model=UseCase, data={"title": title})
        ids[title] = obj.id
        for crit, level in zip(criteria, values, strict=True):
            scoring.set_score(ws=ws, use_case_id=obj.id, criterion_id=crit.id, value=level)
    return ids


def _by_title(result: scoring.StabilityResult, ids: dict[str, int]) -> dict[str, tuple]:
    return {
        title: (
            result.rank_counts[uc],
            result.p_top_n[uc],
            result.mean_rank[uc],
            result.best_rank[uc],
            result.worst_rank[uc],
        )
        for title, uc in ids.items()
    }


def test_a_use_case_better_on_every_criterion_always_wins(ws) -> None:
    # Utilities 1, 1/2 and 0 on every criterion: scores 100, 50 and 0 whatever the
    # weights, so no perturbation can change the order.
    ids = _scored(
        ws,
        {"Leader": [5] * 6 + [1] * 2, "Middle": [3] * 8, "Trailer": [1] * 6 + [5] * 2},
    )
    result = scoring.stability(ws=ws, draws=300, spread=0.5, top_n=1)
    assert _by_title(result, ids) == {
        "Leader": ([300, 0, 0], 1.0, 1.0, 1, 1),
        "Middle": ([0, 300, 0], 0.0, 2.0, 2, 2),
        "Trailer": ([0, 0, 300], 0.0, 3.0, 3, 3),
    }
    assert result.use_case_ids == (ids["Leader"], ids["Middle"], ids["Trailer"])


def test_equal_use_cases_tie_in_every_draw_and_keep_the_baseline_order(ws) -> None:
    # "Alpha" and "Beta" have the same levels: equal in every draw, so the baseline
    # order (title) decides, every time; "Gamma" is better on value, worse on
    # feasibility and moves around them.
    ids = _scored(
        ws,
        {"Beta": [3] * 8, "Alpha": [3] * 8, "Gamma": [4] * 3 + [2] * 3 + [3] * 2},
    )
    result = scoring.stability(ws=ws, draws=400, spread=0.4, top_n=1)
    alpha, beta, gamma = (result.rank_counts[ids[t]] for t in ("Alpha", "Beta", "Gamma"))
    assert result.baseline_rank[ids["Alpha"]] < result.baseline_rank[ids["Beta"]]
    assert beta[0] == 0  # never ahead of its twin
    assert [a + b + g for a, b, g in zip(alpha, beta, gamma, strict=True)] == [400] * 3
    assert gamma[0] > 0 and gamma[2] > 0  # Gamma leads in some draws, trails in others
    assert alpha[0] == 400 - gamma[0] and beta[2] == 400 - gamma[2]


def test_fixed_seed_gives_the_recorded_figures(ws) -> None:
    # Recorded with the chunked argsort implementation this replaced.
    ids = _complete_portfolio(ws)
    uniform = _by_title(scoring.stability(ws=ws, draws=250, top_n=2), ids)
    dirichlet = _by_title(
        scoring.stability(ws=ws, draws=250, top_n=1, method="dirichlet", seed=7), ids
    )
    # Per use case: (uniform ±20%, seed 1234, top 2), (dirichlet, seed 7, top 1), each as
    # (draws at rank 1..5, share in the top N, mean rank, best rank, worst rank).
    assert {title: (uniform[title], dirichlet[title]) for title in ids} == {
        "Dominant": (([250, 0, 0, 0, 0], 1.0, 1.0, 1, 1), ([250, 0, 0, 0, 0], 1.0, 1.0, 1, 1)),
        "Close A": (([0, 125, 115, 10, 0], 0.5, 2.54, 2, 4), ([0, 97, 131, 22, 0], 0.0, 2.7, 2, 4)),
        "Close B": (
            ([0, 0, 14, 236, 0], 0.0, 3.944, 3, 4),
            ([0, 15, 32, 203, 0], 0.0, 3.752, 2, 4),
        ),
        "Close C": (
            ([0, 125, 121, 4, 0], 0.5, 2.516, 2, 4),
            ([0, 138, 87, 25, 0], 0.0, 2.548, 2, 4),
        ),
        "Weak": (([0, 0, 0, 0, 250], 0.0, 5.0, 5, 5), ([0, 0, 0, 0, 250], 0.0, 5.0, 5, 5)),
    }


def _plain_tally(ws, draws: int, spread: float, seed: int, top_n: int) -> dict[int, tuple]:
    """The uniform method draw by draw in plain Python: weights times U(1 - spread,
    1 + spread) drawn 100 draws at a time from the same generator, a weighted sum of
    utilities per use case, a sort on (score to 9 decimals descending, baseline rank)."""
    criteria = scoring.model_criteria(ws=ws)
    ranked = [r for r in scoring.rank(ws=ws) if r.complete]
    total = sum(c.weight for c in criteria)
    base = [c.weight / total for c in criteria]
    utilities = [[c.utility(r.values[c.id]) for c in criteria] for r in ranked]
    rng = np.random.default_rng(seed)
    factors: list[list[float]] = []
    while len(factors) < draws:
        size = min(100, draws - len(factors))
        factors += rng.uniform(1 - spread, 1 + spread, size=(size, len(criteria))).tolist()
    n = len(ranked)
    counts = [[0] * n for _ in range(n)]
    ranks: list[list[int]] = [[] for _ in range(n)]
    for draw in factors:
        raw = [w * f for w, f in zip(base, draw, strict=True)]
        weights = [w / sum(raw) for w in raw]
        scores = [sum(w * u for w, u in zip(weights, row, strict=True)) for row in utilities]
        order = sorted(range(n), key=lambda j: (round((1 - scores[j]) * 1e9), j))
        for position, j in enumerate(order):
            counts[j][position] += 1
            ranks[j].append(position + 1)
    return {
        r.use_case_id: (
            counts[j],
            sum(1 for p in ranks[j] if p <= top_n) / draws,
            sum(ranks[j]) / draws,
            min(ranks[j]),
            max(ranks[j]),
        )
        for j, r in enumerate(ranked)
    }


@pytest.mark.parametrize(("draws", "spread", "seed"), [(250, 0.2, 1234), (120, 0.6, 5)])
def test_numpy_draws_match_a_plain_python_tally(ws, draws, spread, seed) -> None:
    ids = _complete_portfolio(ws)
    result = scoring.stability(ws=ws, draws=draws, spread=spread, seed=seed, top_n=2)
    got = _by_title(result, ids)
    expected = _plain_tally(ws, draws, spread, seed, 2)
    assert got == {title: expected[uc] for title, uc in ids.items()}


def test_ranking_after_a_score_edit_equals_a_full_reread(ws) -> None:
    ids = _complete_portfolio(ws)
    crit = scoring.model_criteria(ws=ws)[0]
    before = [r.title for r in scoring.rank(ws=ws)]
    scoring.set_score(ws=ws, use_case_id=ids["Close B"], criterion_id=crit.id, value=5)
    after = scoring.rank(ws=ws)
    assert [r.title for r in after] != before
    assert after[1].title == "Close B"  # 3 -> 5 on the heaviest criterion: +10 points
    fresh = open_workspace(ws.path, readonly=True)
    try:
        again = scoring.rank(ws=fresh)
    finally:
        fresh.close()
    assert [(r.use_case_id, r.score, r.rank, r.values) for r in after] == [
        (r.use_case_id, r.score, r.rank, r.values) for r in again
    ]
    # And each score is the weighted sum worked out from the stored levels.
    criteria = scoring.model_criteria(ws=ws)
    for row in after:
        assert row.score == pytest.approx(scoring.score_value(row.values, criteria)[0])


def test_level_matrix_reads_shared_tables_and_plain_rows_alike(ws) -> None:
    ids = _complete_portfolio(ws)
    criteria = scoring.model_criteria(ws=ws)
    crit_ids = [c.id for c in criteria]
    ranked = scoring.rank(ws=ws)
    expected = [[r.values.get(c, 0) for c in crit_ids] for r in ranked]
    assert scoring.level_matrix(ranked, crit_ids).tolist() == expected
    # Rows built by hand (no shared table) give the same; a missing score is 0.
    plain = [
        scoring.RankedUseCase(
            use_case_id=r.use_case_id,
            title=r.title,
            status=r.status,
            score=r.score,
            rank=r.rank,
            complete=r.complete,
            missing=r.missing,
            values=dict(r.values),
        )
        for r in ranked
    ]
    del plain[0].values[crit_ids[2]]
    expected[0][2] = 0
    assert scoring.level_matrix(plain, crit_ids).tolist() == expected
    assert ranked[0].use_case_id == ids["Dominant"]


@pytest.mark.parametrize("digits", [6, 9])
def test_round_places_gives_what_round_gives(digits) -> None:
    # Exact halves (1/128 = 0.0078125: half to even), values a float step either side
    # of a half, thirds, whole numbers, scores near 100 and a spread of others.
    tricky = [0.0078125, 0.0234375, 12.5, 2.0000005, 2.0000015, 99.9999995, 100 / 3, 50.0]
    tricky += [0.0, 99.9999999995, 12.3456789005, 0.1 + 0.2, 87.5000000005, 1 / 3]
    tricky += [1.0000000005, 1.2500000005, 2.0000000005]
    tricky += [x + d for x in (2.0000005, 1.2345675, 0.1234567895) for d in (-1e-13, 1e-13)]
    rng = np.random.default_rng(digits)
    values = np.array(tricky + (rng.random(20_000) * 100).tolist())
    assert scoring.round_places(values, digits) == [round(float(x), digits) for x in values]
    # A plain rint(x * 10**digits) / 10**digits gets at least one of these wrong.
    naive = (np.rint(values * 10.0**digits) / 10.0**digits).tolist()
    assert naive != [round(float(x), digits) for x in values]
