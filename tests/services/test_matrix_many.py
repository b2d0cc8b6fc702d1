"""The matrix with many use cases: one collection of bubbles in the right colours and
sizes, a handful of labels, and axes worked out as by hand."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from sqlalchemy import insert

from aipm_desktop.models import Score, UseCase
from aipm_desktop.services import scoring
from aipm_desktop.services.charts.matrix import (
    LABEL_TOP,
    QUADRANTS,
    RISK_COLORS,
    build_figure,
    draw_on,
    matrix_data,
)

COUNT = 240  # over 200: no bubble edges, half transparent


def _levels(i: int) -> list[int]:
    """A deterministic spread of levels 1-5 over the 8 default criteria."""
    return [1 + (i * 7919 + j * 104729 + i * j * 31) % 5 for j in range(8)]


@pytest.fixture
def many(ws) -> dict[int, list[int]]:
    criteria = scoring.model_criteria(ws=ws)
    with ws.write() as session:
        session.execute(
            insert(UseCase.__table__),  # type: ignore[attr-defined]
            [{"title": f"Use case {i:03d}"} for i in range(COUNT)],
        )
        ids = [r[0] for r in session.execute(UseCase.__table__.select()).all()]  # type: ignore[attr-defined]
        session.execute(
            insert(Score.__table__),  # type: ignore[attr-defined]
            [
                {"use_case_id": uc, "criterion_id": crit.id, "value": level}
                for i, uc in enumerate(ids)
                for crit, level in zip(criteria, _levels(i), strict=True)
            ],
        )
    return {uc: _levels(i) for i, uc in enumerate(ids)}


def test_axes_are_the_weighted_levels_worked_by_hand(ws, many) -> None:
    # Value: business 20, marginal 15, reach 10; feasibility: data 15, technical 10,
    # time 10; risk: safety 12, cost to serve 8 (cost criteria: level 5 is riskiest).
    bubbles = {b.use_case_id: b for b in matrix_data(ws=ws)}
    assert len(bubbles) == COUNT
    for uc, lv in many.items():
        b = bubbles[uc]
        value = (20 * (lv[0] - 1) + 15 * (lv[1] - 1) + 10 * (lv[2] - 1)) / 4 / 45 * 100
        feasibility = (15 * (lv[3] - 1) + 10 * (lv[4] - 1) + 10 * (lv[5] - 1)) / 4 / 35 * 100
        risk = (12 * (lv[6] - 1) + 8 * (lv[7] - 1)) / 4 / 20 * 100
        assert (b.value, b.feasibility, b.risk) == pytest.approx((value, feasibility, risk))
        assert b.size == lv[2]  # reach
        assert b.risk_level == ("low" if risk < 100 / 3 else "medium" if risk < 200 / 3 else "high")
    first = bubbles[next(iter(many))]
    # Levels 1,5,4,3,2,1,5,4: value (0*20 + 4*15 + 3*10) / 4 / 45 = 50 (upper half),
    # feasibility (2*15 + 1*10 + 0*10) / 4 / 35 = 28.571429 (6 places), risk
    # (4*12 + 3*8) / 4 / 20 = 90.
    assert (first.value, first.feasibility, first.risk) == (50.0, 28.571429, 90.0)
    assert (first.quadrant, first.risk_level) == ("Strategic bets", "high")


def test_many_bubbles_are_one_collection_and_few_labels(ws, many) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from aipm_desktop.services.charts import new_figure

    bubbles = {b.use_case_id: b for b in matrix_data(ws=ws)}
    figure = new_figure(9.5, 6.5)
    drawn = draw_on(figure, list(bubbles.values()), title="Many")
    FigureCanvasAgg(figure).draw()
    ax = figure.axes[0]
    (collection,) = ax.collections
    assert collection is drawn["collection"]
    points = drawn["points"]  # in drawing order
    assert [tuple(xy) for xy in collection.get_offsets()] == [(p[1], p[2]) for p in points]
    sizes = collection.get_sizes()
    for (uc, _x, _y, _r), colour, size in zip(
        points, collection.get_facecolors(), sizes, strict=True
    ):
        bubble = bubbles[uc]
        assert tuple(colour) == pytest.approx(to_rgba(RISK_COLORS[bubble.risk_level], 0.5))
        assert (size == sizes.max()) == (bubble.size == 5)
    # Drawn big first: the areas never grow along the drawing order.
    assert (np.diff(sizes) <= 0).all()
    labels = [t for t in ax.texts if t.get_text() not in QUADRANTS]
    assert 0 < len(labels) <= LABEL_TOP
    assert set(drawn["labels"]) <= set(bubbles)


def test_highlight_adds_one_ring_and_names_its_bubble(ws, many) -> None:
    target = list(many)[COUNT // 2]
    figure = build_figure(ws=ws, highlight=target)
    ax = figure.axes[0]
    assert len(ax.collections) == 2
    bubble = next(b for b in matrix_data(ws=ws) if b.use_case_id == target)
    assert tuple(ax.collections[1].get_offsets()[0]) == (bubble.value, bubble.feasibility)
    assert bubble.title in [t.get_text().replace("\n", " ") for t in ax.texts]
