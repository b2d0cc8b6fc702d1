"""The value / feasibility matrix: data, quadrants, sizes and the drawn figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.models import UseCase
from aipm_desktop.services import records, scoring
from aipm_desktop.services.charts import save_figure
from aipm_desktop.services.charts.matrix import (
    EMPTY_HINT,
    QUADRANTS,
    build_figure,
    draw_on,
    matrix_data,
)

# Default model order: business_value, marginal_value, reach (value); data_availability,
# technical_feasibility, time_to_value (feasibility); safety_compliance, cost_to_serve
# (risk, cost direction).
LEVELS = {
    "Quick win": [5, 5, 5, 5, 5, 5, 1, 1],
    "Strategic bet": [5, 5, 2, 1, 1, 1, 5, 5],
    "Fill-in": [1, 1, 1, 5, 5, 5, 3, 3],
    "Deprioritise me": [1, 1, 3, 1, 1, 1, 1, 1],
}


def _add(ws, title: str, levels: list[int] | None, **fields) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title, **fields})
    if levels:
        for crit, level in zip(scoring.model_criteria(ws=ws), levels, strict=True):
            scoring.set_score(ws=ws, use_case_id=obj.id, criterion_id=crit.id, value=level)
    return obj.id


@pytest.fixture
def portfolio(ws) -> dict[str, int]:
    ids = {title: _add(ws, title, levels) for title, levels in LEVELS.items()}
    ids["Unscored"] = _add(ws, "Unscored", None)
    return ids


def test_matrix_data_quadrants_and_risk(ws, portfolio) -> None:
    bubbles = {b.title: b for b in matrix_data(ws=ws)}
    assert set(bubbles) == set(LEVELS)  # incomplete use cases are left out
    assert [bubbles[t].quadrant for t in LEVELS] == list(QUADRANTS)
    quick = bubbles["Quick win"]
    assert quick.value == pytest.approx(100.0) and quick.feasibility == pytest.approx(100.0)
    assert quick.risk == pytest.approx(0.0) and quick.risk_level == "low"
    bet = bubbles["Strategic bet"]
    assert bet.feasibility == pytest.approx(0.0)
    assert bet.risk == pytest.approx(100.0) and bet.risk_level == "high"
    assert bubbles["Fill-in"].risk == pytest.approx(50.0)
    assert bubbles["Fill-in"].risk_level == "medium"
    # Size by reach: the reach criterion's level.
    assert bubbles["Deprioritise me"].size == 3.0
    assert bubbles["Quick win"].size == 5.0


def test_quadrant_boundary_at_exactly_50(ws) -> None:
    # Value criteria 3/3/3 and feasibility 3/3/3 give exactly 50 on both axes.
    _add(ws, "Middle", [3, 3, 3, 3, 3, 3, 3, 3])
    (bubble,) = matrix_data(ws=ws)
    assert bubble.value == 50.0 and bubble.feasibility == 50.0
    assert bubble.quadrant == "Quick wins"


def test_matrix_size_by_cost(ws) -> None:
    cheap = _add(ws, "Cheap", LEVELS["Quick win"], cost_buy_yearly=1000)
    dear = _add(ws, "Dear", LEVELS["Fill-in"], cost_build_oneoff=90000, cost_build_yearly=5000)
    unknown = _add(ws, "No cost", LEVELS["Fill-in"])
    sizes = {b.use_case_id: b.size for b in matrix_data(ws=ws, size_by="cost")}
    assert sizes == {cheap: 3000.0, dear: 105000.0, unknown: 0.0}
    with pytest.raises(UserError, match="reach or cost"):
        matrix_data(ws=ws, size_by="colour")
    with pytest.raises(UserError, match="reach or cost"):
        build_figure(ws=ws, size_by="colour")


def test_build_figure_png_and_svg(ws, portfolio, tmp_path: Path) -> None:
    figure = build_figure(ws=ws, highlight=portfolio["Fill-in"])
    ax = figure.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert set(QUADRANTS) <= texts
    assert set(LEVELS) <= texts  # every bubble labelled when there are few
    assert ax.get_legend() is not None
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {
        "low risk",
        "medium risk",
        "high risk",
    }
    png = save_figure(figure, tmp_path / "matrix.png")
    svg = save_figure(build_figure(ws=ws, size_by="cost"), tmp_path / "matrix.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "<svg" in svg.read_text(encoding="utf-8")
    assert "Quick wins" in svg.read_text(encoding="utf-8")


def test_labels_do_not_overlap(ws) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    # Twelve use cases on the same spot: labels must fan out or be left off, never overlap.
    for i in range(12):
        _add(ws, f"Crowded use case number {i}", LEVELS["Quick win"])
    figure = build_figure(ws=ws)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = figure.axes[0]
    labels = [t for t in ax.texts if t.get_text().startswith("Crowded")]
    assert labels
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_empty_matrix_shows_hint(ws, tmp_path: Path) -> None:
    figure = build_figure(ws=ws)
    assert EMPTY_HINT in [t.get_text() for t in figure.axes[0].texts]
    assert save_figure(figure, tmp_path / "empty.png").stat().st_size > 0


def test_draw_on_returns_hit_test_points(ws, portfolio) -> None:
    from aipm_desktop.services.charts import new_figure

    bubbles = matrix_data(ws=ws)
    figure = new_figure()
    result = draw_on(figure, bubbles, highlight=portfolio["Quick win"])
    points = {p[0]: p[1:] for p in result["points"]}
    assert set(points) == {b.use_case_id for b in bubbles}
    x, y, radius = points[portfolio["Quick win"]]
    assert (x, y) == (100.0, 100.0) and radius > 5
    # Reach 5 draws a bigger bubble than reach 1.
    assert radius > points[portfolio["Fill-in"]][2]
    assert result["axes"] is figure.axes[0]
