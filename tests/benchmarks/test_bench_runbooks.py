"""bench_runbooks on a small generated workspace: it reports its keys and leaves the
given file unchanged (the runbooks are added to a copy)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", ROOT / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_runbook_check_benchmark_runs_on_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "large.aipm"
    _load("generate").generate(path, scale=0.02)  # 10 KPIs x 104 snapshots
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    bench = _load("bench_runbooks")
    bench.RUNS = 3
    result = bench.run(path)
    assert result["runbook_criteria"] == 10
    assert 0 <= result["runbook_check_met"] <= 10
    assert result["runbook_check_ms"] > 0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
