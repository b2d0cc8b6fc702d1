"""The heat-map chart: counts, colours, titles, movement arrows, use-case filter, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import FancyArrowPatch, Rectangle

from aipm_desktop.errors import NotFoundError
from aipm_desktop.models import Risk, UseCase
from aipm_desktop.services import records, risks
from aipm_desktop.services.charts import save_figure
from aipm_desktop.services.charts.heatmap import AXES_LABEL, build_figure, cell_at
from aipm_desktop.store import Workspace


def _add(ws: Workspace, model: type, **data) -> int:
    obj, _ = records.create(ws=ws, model=model, data=data)
    return obj.id


@pytest.fixture
def register(ws: Workspace) -> dict[str, int]:
    bot = _add(ws, UseCase, title="Answer bot")
    other = _add(ws, UseCase, title="Reply drafts")
    ids = {
        "a": _add(ws, Risk, title="A", likelihood=4, impact=5, residual_likelihood=2,
                  residual_impact=4, status="mitigating"),
        "b": _add(ws, Risk, title="B", likelihood=4, impact=5, residual_likelihood=2,
                  residual_impact=4, status="mitigating"),
        "c": _add(ws, Risk, title="C", likelihood=1, impact=1),
        "d": _add(ws, Risk, title="D", likelihood=3, impact=3, residual_likelihood=1,
                  residual_impact=3, status="mitigating"),
    }  # fmt: skip
    risks.set_links(ws=ws, risk_id=ids["a"], use_case_ids=[bot])
    risks.set_links(ws=ws, risk_id=ids["d"], use_case_ids=[other])
    return {"bot": bot, **ids}


def _axes(figure):
    return next(ax for ax in figure.axes if ax.get_label() == AXES_LABEL)


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_inherent_map_shows_counts_colours_and_labels(ws: Workspace, register) -> None:
    figure = build_figure(ws=ws)
    ax = _axes(figure)
    assert ax.get_title(loc="left").startswith("Inherent risk")
    assert sorted(t for t in _texts(ax) if t.isdigit()) == ["1", "1", "2"]
    assert any("4 live risks" in t for t in _texts(ax))
    assert ax.get_yticklabels()[0].get_text() == "Rare 1"
    assert ax.get_xticklabels()[-1].get_text() == "5\nSevere"
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 25
    corner = next(p for p in cells if p.get_xy() == (4.5, 4.5))  # likelihood 5, impact 5
    assert to_hex(corner.get_facecolor()) == "#c62828"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Low (1-4)", "Medium (5-9)", "High (10-16)", "Critical (17-25)"]


def test_residual_map_and_use_case_filter(ws: Workspace, register) -> None:
    ax = _axes(build_figure(ws=ws, residual=True))
    assert ax.get_title(loc="left").startswith("Residual risk")
    data = risks.heatmap(ws=ws, residual=True)
    assert data.counts[1][3] == 2 and data.counts[0][2] == 1
    filtered = _axes(build_figure(ws=ws, use_case_id=register["bot"]))
    assert [t for t in _texts(filtered) if t.isdigit()] == ["1"]
    assert any(t.startswith("Answer bot · 1 live risk") for t in _texts(filtered))
    with pytest.raises(NotFoundError):
        build_figure(ws=ws, use_case_id=999)


def test_movement_draws_one_arrow_per_move(ws: Workspace, register) -> None:
    ax = _axes(build_figure(ws=ws, movement=True))
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 2  # (4,5)->(2,4) twice, (3,3)->(1,3) once
    assert any("2 moves drawn" in t for t in _texts(ax))
    widths = sorted(a.get_linewidth() for a in arrows)
    assert widths[0] < widths[1]  # the move two risks make is drawn thicker
    assert not [p for p in _axes(build_figure(ws=ws)).patches if isinstance(p, FancyArrowPatch)]


def test_empty_register_says_what_to_do(ws: Workspace) -> None:
    ax = _axes(build_figure(ws=ws, movement=True))
    assert any("add risks to see them here" in t for t in _texts(ax))
    assert any("No risk has moved" in t for t in _texts(ax))


def test_cell_at_maps_data_points_to_cells() -> None:
    assert cell_at(5.0, 1.0) == (1, 5)
    assert cell_at(0.6, 5.4) == (5, 1)
    assert cell_at(0.4, 3.0) is None and cell_at(3.0, 5.6) is None and cell_at(None, 1) is None


def test_selected_cell_is_outlined(ws: Workspace, register) -> None:
    ax = _axes(build_figure(ws=ws, selected=(4, 5)))
    outlined = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    assert [p.get_xy() for p in outlined] == [(4.5, 3.5)]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_exports(ws: Workspace, register, tmp_path: Path, suffix: str) -> None:
    out = save_figure(build_figure(ws=ws, residual=True, movement=True), tmp_path / f"h{suffix}")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:500]
