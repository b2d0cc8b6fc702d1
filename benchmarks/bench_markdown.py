"""Markdown rendering of hostile and normal input (issue 12): every input up to 1 MB
should render in under a second.

    python benchmarks/bench_markdown.py

Prints one JSON object of milliseconds (median of :data:`RUNS` runs) per input. Nothing
here runs in CI.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

RUNS = 3
MIXED_UNIT = "*a* `b` [c](d) <e> &amp; _f_ [[( ** __ ``` ~~ \\ # - > | 1. "


def inputs() -> dict[str, str]:
    from bench_documents import document_20kb

    return {
        "brackets_30kb": "[" * 30_000,
        "brackets_parens_8kb": "[(" * 4_000,
        "links_open_8kb": "[](" * 2_700,
        "nested_list_2000": "".join("    " * i + f"- level {i}\n" for i in range(2_000)),
        "nested_quote_2000": "".join(">" * i + f" q{i}\n" for i in range(1, 2_000)),
        "mixed_1mb": "\n\n".join([MIXED_UNIT * 10] * 1_700),
        "brackets_1mb": "[" * 1_000_000,
        "emphasis_1mb": "*a" * 500_000,
        "headings_1mb": "# h\n" * 250_000,
        "normal_20kb": document_20kb(),
    }


def run(large_path: Path | None = None) -> dict[str, float]:
    from aipm_desktop.services import rendering

    rendering.render_html("# warm-up\n\n- a")  # import markdown and nh3 once
    results: dict[str, float] = {}
    for name, text in inputs().items():
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            rendering.render_html(text)
            times.append((time.perf_counter() - start) * 1000)
        results[f"render_{name}_ms"] = round(statistics.median(times), 1)
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
