"""The large-workspace generator, run at a small scale."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import func, select

from aipm_desktop.models import (
    Criterion,
    Document,
    Kpi,
    KpiCreate,
    KpiSnapshot,
    Risk,
    RiskCreate,
    RiskUseCaseLink,
    RoadmapItem,
    RoadmapItemCreate,
    Score,
    UseCase,
    UseCaseCreate,
    WorkspaceSettings,
)
from aipm_desktop.store import check_workspace, open_workspace

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    """The generator loaded by path, as ``python benchmarks/generate.py`` runs it."""
    spec = importlib.util.spec_from_file_location("benchmarks_generate", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_small_scale_gives_proportional_counts(gen: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "large.aipm"
    result = gen.generate(path, scale=0.01)
    expected = {
        "use_case": 100,
        "risk": 200,
        "risk_use_case": 200,
        "document": 10,
        "kpi": 5,
        "kpi_snapshot": 5 * 104,
        "roadmap_item": 50,
    }
    ws = open_workspace(path)
    try:
        with ws.session() as session:

            def count(model: type) -> int:
                return session.execute(select(func.count()).select_from(model)).scalar_one()

            model_id = session.get(WorkspaceSettings, 1).active_scoring_model_id  # type: ignore[union-attr]
            criteria = count(select(Criterion).where(Criterion.model_id == model_id).subquery())
            assert criteria == 8
            actual = {
                "use_case": count(UseCase),
                "risk": count(Risk),
                "risk_use_case": count(RiskUseCaseLink),
                "document": count(Document),
                "kpi": count(Kpi),
                "kpi_snapshot": count(KpiSnapshot),
                "roadmap_item": count(RoadmapItem),
                "score": count(Score),
            }
    finally:
        ws.close()
    assert actual == {**expected, "score": 100 * criteria}
    assert result["counts"] == actual
    assert result["rows"] == sum(actual.values())
    assert result["rows_per_s"] > 0 and result["seconds"] > 0
    assert check_workspace(path) == []


def test_generated_rows_pass_the_apps_validation(gen: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "valid.aipm"
    gen.generate(path, scale=0.01)
    ws = open_workspace(path)
    try:
        with ws.engine.connect() as conn:
            for model, create in (
                (UseCase, UseCaseCreate),
                (Risk, RiskCreate),
                (Kpi, KpiCreate),
                (RoadmapItem, RoadmapItemCreate),
            ):
                for row in conn.execute(select(model.__table__)).mappings():  # type: ignore[attr-defined]
                    create.model_validate(dict(row))
            sizes = list(conn.execute(select(func.length(Document.body))).scalars())
    finally:
        ws.close()
    assert min(sizes) > 4_000 and max(sizes) < 7_000


def test_same_seed_gives_the_same_workspace(gen: ModuleType, tmp_path: Path) -> None:
    import datetime as dt

    anchor = dt.date(2025, 3, 3)
    contents = []
    for name in ("a.aipm", "b.aipm"):
        gen.generate(tmp_path / name, scale=0.005, anchor=anchor)
        ws = open_workspace(tmp_path / name)
        try:
            with ws.engine.connect() as conn:
                contents.append(
                    [
                        list(conn.execute(select(t.c.title, t.c.status).order_by(t.c.id)))
                        for t in (UseCase.__table__, Risk.__table__, RoadmapItem.__table__)  # type: ignore[attr-defined]
                    ]
                )
        finally:
            ws.close()
    assert contents[0] == contents[1]


def test_command_line_prints_one_json_line(
    gen: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli.aipm"
    assert gen.main([str(out), "--scale", "0.002"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert {"rows", "seconds", "rows_per_s"} <= set(result)

    before = out.read_bytes()
    assert gen.main([str(out), "--scale", "0.002"]) == 1  # exists: refused, file untouched
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0]
    assert out.read_bytes() == before
    assert gen.main([str(tmp_path / "x.aipm"), "--scale", "0"]) == 1
    assert not (tmp_path / "x.aipm").exists()
