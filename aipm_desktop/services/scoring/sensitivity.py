"""Ranking stability: :func:`stability` perturbs the weights many times with numpy and
reports how often each use case keeps its place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import UserError
from .models import LEVELS, CriterionInfo, model_criteria
from .ranking import RankedUseCase, level_matrix, rank

if TYPE_CHECKING:
    from ...store import Workspace


STABILITY_METHODS = ("uniform", "dirichlet")
#: Rank positions counted per use case in :attr:`StabilityResult.rank_counts`.
MAX_RANK_POSITIONS = 100
_CHUNK = 100  # perturbation draws per numpy chunk (and per progress call)
#: Scores are multiplied in row blocks of about this many multiply-adds (rows x use cases
#: x criteria): OpenBLAS runs a product this small on one thread, while a larger one wakes
#: its threads, which then spin beside the sorts that follow (0.7 s of CPU in 2,000 draws
#: over 10,000 use cases, on a 2-core machine). Row blocks give the same bits as one
#: product.
_GEMM_WORK = 640_000


# ranking stability --------------------------------------------------------------------


@dataclass(frozen=True)
class StabilityResult:
    """How a ranking holds up when the weights move.

    ``use_case_ids`` are the complete use cases in baseline order. ``rank_counts`` maps a
    use case to how many draws put it at rank 1, 2, ... up to
    ``min(len(use_case_ids), MAX_RANK_POSITIONS)`` (draws placing it lower are not in the
    list). ``p_top_n`` is the share of draws in which it ranks within the top ``top_n``;
    ``mean_rank``, ``best_rank`` and ``worst_rank`` summarise every draw.
    """

    draws: int
    top_n: int
    use_case_ids: tuple[int, ...]
    rank_counts: dict[int, list[int]]
    p_top_n: dict[int, float]
    baseline_rank: dict[int, int]
    method: str = "uniform"
    spread: float = 0.2
    seed: int = 1234
    mean_rank: dict[int, float] = field(default_factory=dict)
    best_rank: dict[int, int] = field(default_factory=dict)
    worst_rank: dict[int, int] = field(default_factory=dict)


def _dirichlet_concentration(weights: Any, spread: float) -> float:
    """The Dirichlet total concentration giving a mean coefficient of variation ~ spread.

    For component ``i`` with mean ``p_i``, ``CV_i^2 = (1 - p_i) / (p_i (a0 + 1))``.
    """
    import numpy as np

    p = np.asarray(weights, dtype=float)
    ratio = float(np.mean((1.0 - p) / p))
    return max(ratio / (spread * spread) - 1.0, 1e-3)


def _utilities(ranked: Sequence[RankedUseCase], criteria: Sequence[CriterionInfo]) -> Any:
    """The ``(criteria, use cases)`` matrix of utilities of ``ranked``'s levels."""
    import numpy as np

    levels = level_matrix(ranked, [c.id for c in criteria])
    utilities = np.empty((len(criteria), len(ranked)), dtype=np.float64)
    for i, crit in enumerate(criteria):
        by_level = np.array([0.0, *(crit.utility(v) for v in LEVELS)], dtype=np.float64)
        utilities[i] = by_level[levels[:, i]]
    return utilities


def stability(
    *,
    ws: Workspace,
    model_id: int | None = None,
    draws: int = 2000,
    spread: float = 0.2,
    method: str = "uniform",
    seed: int = 1234,
    top_n: int = 3,
    progress: Callable[[int, int], None] | None = None,
    risk_from_register: bool = False,
) -> StabilityResult:
    """Rank the complete use cases under ``draws`` random perturbations of the weights.

    ``uniform`` multiplies each weight by a factor from U(1 - spread, 1 + spread);
    ``dirichlet`` draws the weight shares from a Dirichlet centred on the model's shares
    with a coefficient of variation of about ``spread``. Ties within a draw keep the
    baseline order. The same seed gives the same result. ``progress(done, draws)`` is
    called after every chunk of draws. ``risk_from_register`` as in :func:`rank`.
    """
    import numpy as np

    if method not in STABILITY_METHODS:
        raise UserError(f"unknown perturbation method {method!r}; use uniform or dirichlet.")
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1 or draws > 1_000_000:
        raise UserError("the number of draws must be a whole number from 1 to 1,000,000.")
    if not isinstance(top_n, int) or top_n < 1:
        raise UserError("top N must be a whole number of at least 1.")
    if not (math.isfinite(spread) and 0 <= spread < 1) or (method == "dirichlet" and spread <= 0):
        raise UserError("the spread must be a fraction from 0 to below 1 (e.g. 0.2 for ±20%).")
    criteria = model_criteria(ws=ws, model_id=model_id)
    ranked = [
        r
        for r in rank(ws=ws, model_id=model_id, risk_from_register=risk_from_register)
        if r.complete
    ]
    ids = tuple(r.use_case_id for r in ranked)
    n, k = len(ids), len(criteria)
    baseline = {r.use_case_id: int(r.rank) for r in ranked if r.rank is not None}
    options = {"method": method, "spread": spread, "seed": seed}
    if n == 0 or k == 0:
        if progress is not None:
            progress(draws, draws)
        return StabilityResult(draws, top_n, (), {}, {}, {}, **options)  # type: ignore[arg-type]

    utilities = _utilities(ranked, criteria)
    weights = np.array([c.weight for c in criteria], dtype=np.float64)
    weights /= weights.sum()
    rng = np.random.default_rng(seed)
    alpha = weights * _dirichlet_concentration(weights, spread) if method == "dirichlet" else None

    positions = min(n, MAX_RANK_POSITIONS)
    idx_bits = max(1, int(n - 1).bit_length())
    column = np.arange(n, dtype=np.int64)
    counts = np.zeros(n * positions, dtype=np.int64)
    in_top = np.zeros(n, dtype=np.int64)
    rank_sum = np.zeros(n, dtype=np.float64)
    best = np.full(n, n, dtype=np.int64)
    worst = np.zeros(n, dtype=np.int64)
    top = min(top_n, n)
    gemm_rows = max(2, _GEMM_WORK // (n * k))
    # Reused buffers: the scores then keys of a chunk, its ranks, and the flat index of
    # each draw's first cell (ranks are scattered into the flat buffer).
    scores = np.empty((_CHUNK, n), dtype=np.float64)
    ranks = np.empty(_CHUNK * n, dtype=np.int64)
    row_start = (np.arange(_CHUNK, dtype=np.int64) * n)[:, None]
    position = np.tile(column, _CHUNK)
    head_cell = np.arange(positions, dtype=np.int64)
    done = 0
    while done < draws:
        size = min(_CHUNK, draws - done)
        if alpha is not None:
            w = rng.dirichlet(alpha, size=size)
        else:
            w = weights * rng.uniform(1.0 - spread, 1.0 + spread, size=(size, k))
            w /= w.sum(axis=1, keepdims=True)
        chunk = scores[:size]
        for start in range(0, size, gemm_rows):  # (size, n) in [0, 1]
            stop = min(start + gemm_rows, size)
            np.matmul(w[start:stop], utilities, out=chunk[start:stop])
        # Unique integer keys: the score (to 1e-9, so float noise makes ties) then the
        # baseline position, so an ordinary sort orders ties exactly as the baseline does
        # and the sorted keys name the column at each rank position (no argsort needed).
        np.subtract(1.0, chunk, out=chunk)
        chunk *= 1e9
        np.rint(chunk, out=chunk)
        order = chunk.astype(np.int64)
        order <<= idx_bits
        order |= column
        order.sort(axis=1)
        order &= (1 << idx_bits) - 1  # (size, n): column at each rank position
        flat = ranks[: size * n]
        flat[(order + row_start[:size]).ravel()] = position[: size * n]
        chunk_ranks = flat.reshape(size, n)  # (size, n): rank position of each column
        head = order[:, :positions]
        counts += np.bincount((head * positions + head_cell).ravel(), minlength=n * positions)
        in_top += np.bincount(order[:, :top].ravel(), minlength=n)
        rank_sum += chunk_ranks.sum(axis=0)
        np.minimum(best, chunk_ranks.min(axis=0), out=best)
        np.maximum(worst, chunk_ranks.max(axis=0), out=worst)
        done += size
        if progress is not None:
            progress(done, draws)

    table = counts.reshape(n, positions)
    return StabilityResult(
        draws=draws,
        top_n=top_n,
        use_case_ids=ids,
        rank_counts={uc: table[j].tolist() for j, uc in enumerate(ids)},
        p_top_n={uc: float(in_top[j]) / draws for j, uc in enumerate(ids)},
        baseline_rank=baseline,
        mean_rank={uc: float(rank_sum[j]) / draws + 1.0 for j, uc in enumerate(ids)},
        best_rank={uc: int(best[j]) + 1 for j, uc in enumerate(ids)},
        worst_rank={uc: int(worst[j]) + 1 for j, uc in enumerate(ids)},
        **options,  # type: ignore[arg-type]
    )
