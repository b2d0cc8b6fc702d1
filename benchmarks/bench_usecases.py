"""Use case and scoring timings on the large workspace (10,000 use cases x 8 criteria).

    python benchmarks/bench_usecases.py LARGE.aipm

Keys (milliseconds, median of several runs; targets from the issue):

- ``ranking_ms``: rank every use case on the active model (target 100);
- ``matrix_ms``: build the matrix figure and draw it on an Agg canvas (target 500);
- ``stability_ms``: ranking stability, 2,000 uniform draws at ±20% (target 2,000);
- ``score_edit_ms``: change one score and re-rank (target 100), as the scoring grid does
  it: the cell's score read for the edit (``score_slot``), the edit expecting it, and the
  ranking with the scores marks the grid is filled with. The edit runs on a temporary
  copy, so the large workspace is left as it was;
- ``list_by_rank_ms``: the use-case list sorted by rank, its first page of 200 rows read
  (score and rank beside each), as a list view reads it after a click on the Rank header.

Each key but ``list_by_rank_ms`` has a ``_cpu_ms`` twin: the median CPU time
(``time.process_time``) of the same runs. The machine is shared, so wall time on a busy
machine overstates the work; the CPU time shows what the code itself costs.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

try:
    import aipm_desktop  # noqa: F401
except ImportError:  # run as a script from a source checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 5


#: CPU time (ms) of the runs of each timed call, by the order of the calls (see _median_ms).
_CPU: list[float] = []


def _median_ms(func, runs: int = RUNS) -> float:
    """The median wall time of ``runs`` calls (ms); their median CPU time goes to _CPU."""
    times, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        times.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    _CPU.append(round(statistics.median(cpus), 1))
    return round(statistics.median(times), 1)


def run(large_path: Path) -> dict[str, float]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from aipm_desktop.services import scoring
    from aipm_desktop.services.charts.matrix import build_figure
    from aipm_desktop.services.list_reader import ListReader
    from aipm_desktop.services.listing import use_case_list_spec
    from aipm_desktop.store import open_workspace, save_copy

    _CPU.clear()
    ws = open_workspace(Path(large_path), readonly=True)
    try:
        scoring.rank(ws=ws)  # warm the file cache and imports
        ranking_ms = _median_ms(lambda: scoring.rank(ws=ws))

        def matrix() -> None:
            figure = build_figure(ws=ws)
            FigureCanvasAgg(figure).draw()

        matrix()
        matrix_ms = _median_ms(matrix)
        stability_ms = _median_ms(lambda: scoring.stability(ws=ws, draws=2000), runs=3)

        def by_rank() -> None:
            reader = ListReader(ws, use_case_list_spec())
            reader.rows(reader.ids(sort_key="rank")[:200])

        list_by_rank_ms = _median_ms(by_rank)
        with tempfile.TemporaryDirectory() as tmp:
            copy_path = Path(tmp) / "edit.aipm"
            save_copy(ws, copy_path)
            edit_ws = open_workspace(copy_path)
            try:
                target = scoring.rank(ws=edit_ws)[len(scoring.rank(ws=edit_ws)) // 2]
                crit = scoring.model_criteria(ws=edit_ws)[0]
                levels = iter([1, 5] * RUNS)

                shown = [scoring.rank(ws=edit_ws, use_case_ids=[target.use_case_id], marks=True)]

                def edit() -> None:
                    row = shown[0][0]
                    cell = {"use_case_id": row.use_case_id, "criterion_id": crit.id}
                    slot = scoring.score_slot(
                        ws=edit_ws, **cell, mark=row.scores_mark, shown=row.values.get(crit.id)
                    )
                    scoring.set_score(ws=edit_ws, **cell, value=next(levels), expect=slot)
                    ranking = scoring.rank(ws=edit_ws, marks=True)
                    shown[0] = [r for r in ranking if r.use_case_id == row.use_case_id]

                score_edit_ms = _median_ms(edit)
            finally:
                edit_ws.close()
    finally:
        ws.close()
    ranking_cpu, matrix_cpu, stability_cpu, _by_rank_cpu, edit_cpu = _CPU
    return {
        "ranking_ms": ranking_ms,
        "ranking_cpu_ms": ranking_cpu,
        "matrix_ms": matrix_ms,
        "matrix_cpu_ms": matrix_cpu,
        "stability_ms": stability_ms,
        "stability_cpu_ms": stability_cpu,
        "score_edit_ms": score_edit_ms,
        "score_edit_cpu_ms": edit_cpu,
        "list_by_rank_ms": list_by_rank_ms,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/bench_usecases.py LARGE.aipm")
    print(json.dumps(run(Path(sys.argv[1]))))
