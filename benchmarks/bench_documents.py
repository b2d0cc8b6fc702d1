"""Document timings on the large workspace (1,000 documents of about 5 KB markdown).

    python benchmarks/bench_documents.py LARGE.aipm

Keys: ``review_20kb_ms`` (review a 20 KB AI PRD; target 50), ``render_20kb_ms`` (the
preview's markdown + sanitise of the same text; target 50 after the debounce),
``search_1000_docs_ms`` (full-text search of two words over every document with line
snippets; target 100). Each is the median of a few runs; the large file is never changed.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = 7
TARGET_BYTES = 20_000


def _median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def document_20kb() -> str:
    """An AI PRD of about 20 KB: the demo PRD's sections repeated with numbered copies."""
    from aipm_desktop.services.demo import PRD_ANSWER_BOT

    base = PRD_ANSWER_BOT.format_map({"gate": "2026-03-02", "ga": "2026-04-01"})
    head, _, rest = base.partition("\n## ")
    parts = [head]
    copy = 0
    while sum(len(p) for p in parts) < TARGET_BYTES:
        copy += 1
        section = rest.replace("\n## ", f"\n## Part {copy}: ")
        parts.append(f"\n## Part {copy}: " + section)
    return "".join(parts)


def run(large_path: Path) -> dict[str, float]:
    from aipm_desktop.services import documents, rendering
    from aipm_desktop.services.review import review
    from aipm_desktop.store import open_workspace

    text = document_20kb()
    review(text, kind="ai_prd", high_risk=True)  # load the rules once
    rendering.render_html(text)  # import markdown and nh3 once
    results = {
        "review_20kb_ms": _median_ms(lambda: review(text, kind="ai_prd", high_risk=True)),
        "render_20kb_ms": _median_ms(lambda: rendering.render_html(text)),
    }
    ws = open_workspace(Path(large_path), readonly=True)
    try:
        documents.search(ws=ws, query="rollout guardrail")  # warm the connection pool
        results["search_1000_docs_ms"] = _median_ms(
            lambda: documents.search(ws=ws, query="rollout guardrail")
        )
    finally:
        ws.close()
    return {k: round(v, 1) for k, v in results.items()}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/bench_documents.py LARGE.aipm")
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
