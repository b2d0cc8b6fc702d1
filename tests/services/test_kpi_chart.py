"""KPI charts: the drawn series matches the snapshots; bands, lines, markers, sparklines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import matplotlib.dates as mdates
import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.models import Incident, Kpi, Release, UseCase
from aipm_desktop.services import kpis, records
from aipm_desktop.services.charts import new_figure, save_figure
from aipm_desktop.services.charts.kpi import (
    BAND_COLORS,
    STATUS_COLORS,
    build_figure,
    build_grid_figure,
    draw_kpi,
    draw_sparklines,
)

TODAY = dt.date(2025, 6, 30)


def _kpi(ws, name: str, **fields) -> int:
    obj, _ = records.create(ws=ws, model=Kpi, data={"name": name, **fields})
    return obj.id


def _fill(ws, kpi_id: int, values: list[float]) -> list[dt.date]:
    days = [TODAY - dt.timedelta(weeks=len(values) - 1 - i) for i in range(len(values))]
    for day, value in zip(days, values, strict=True):
        kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=day, value=value)
    return days


@pytest.fixture
def charted(ws):
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"})
    hall = _kpi(
        ws,
        "Hallucination rate",
        unit="%",
        direction="lower_is_better",
        baseline=9.0,
        target=2.0,
        warning=4.0,
        critical=6.0,
        use_case_id=uc.id,
    )
    adoption = _kpi(ws, "Adoption", unit="%", target=70.0, warning=50.0, critical=35.0)
    days = _fill(ws, hall, [8.0, 6.5, 5.0, 4.2, 3.1, 2.8, 2.5, 2.4])
    _fill(ws, adoption, [30.0, 45.0, 60.0, 72.0])
    records.create(
        ws=ws,
        model=Release,
        data={"name": "Drafts 2.0", "use_case_id": uc.id, "target_date": days[3]},
    )
    records.create(
        ws=ws,
        model=Incident,
        data={
            "title": "Vendor upgrade",
            "severity": "sev2",
            "detected_at": dt.datetime.combine(days[5], dt.time(10), tzinfo=dt.UTC),
        },
    )
    return ws, hall, adoption, days


def _spans(ax) -> dict[str, tuple[float, float]]:
    """Shaded bands by label prefix: (low, high) in data units."""
    found = {}
    for patch in ax.patches:
        label = patch.get_label()
        y, h = patch.get_y(), patch.get_height()
        found[label.split(" ")[0]] = (min(y, y + h), max(y, y + h))
    return found


def _hlines(ax) -> dict[str, float]:
    return {
        line.get_label().split(" ")[0]: line.get_ydata()[0]
        for line in ax.lines
        if line.get_label().startswith(("Target", "Baseline"))
    }


def test_chart_line_matches_the_snapshots_with_target_baseline_and_bands(charted) -> None:
    ws, _hall, _adoption, days = charted
    figure = build_figure(ws=ws, kpi="Hallucination rate", today=TODAY)
    ax = figure.axes[0]
    assert ax.get_title(loc="left") == "Hallucination rate (%)"
    series = next(line for line in ax.lines if line.get_label() == "Hallucination rate")
    assert list(series.get_ydata()) == [8.0, 6.5, 5.0, 4.2, 3.1, 2.8, 2.5, 2.4]
    assert list(series.get_xdata()) == [mdates.date2num(d) for d in days]
    # Status colour: 2.4 % is worse than the 2 % target, below the warning threshold.
    assert series.get_color() == STATUS_COLORS["off_target"]
    assert _hlines(ax) == {"Target": 2.0, "Baseline": 9.0}
    baseline = next(line for line in ax.lines if line.get_label().startswith("Baseline"))
    assert baseline.get_linestyle() == "--"
    # Lower is better: the bands lie above their thresholds, critical up to the top.
    low, high = ax.get_ylim()
    spans = _spans(ax)
    assert spans["Warning"] == (4.0, 6.0)
    assert spans["Critical"] == (6.0, high)
    assert low < 2.0 and high > 9.0
    warning = next(p for p in ax.patches if p.get_label().startswith("Warning"))
    assert warning.get_facecolor()[:3] == pytest.approx(
        tuple(int(BAND_COLORS["warning"][i : i + 2], 16) / 255 for i in (1, 3, 5))
    )
    # The latest value is written beside the last point.
    assert any(t.get_text() == "2.4%" for t in ax.texts)


def test_higher_is_better_bands_lie_below_their_thresholds(charted) -> None:
    ws, _hall, adoption, _days = charted
    ax = build_figure(ws=ws, kpi=adoption, today=TODAY).axes[0]
    low, _high = ax.get_ylim()
    spans = _spans(ax)
    assert spans["Warning"] == (35.0, 50.0)
    assert spans["Critical"] == (low, 35.0)
    assert _hlines(ax) == {"Target": 70.0}
    series = next(line for line in ax.lines if line.get_label() == "Adoption")
    assert series.get_color() == STATUS_COLORS["on_target"]


def test_release_and_incident_markers_and_date_range(charted) -> None:
    ws, _hall, _adoption, days = charted
    ax = build_figure(ws=ws, kpi="hallucination rate", today=TODAY).axes[0]
    verticals = sorted(
        line.get_xdata()[0]
        for line in ax.lines
        if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
    )
    assert verticals == [mdates.date2num(days[3]), mdates.date2num(days[5])]
    labels = {t.get_text().strip() for t in ax.texts}
    assert {"Drafts 2.0", "SEV2: Vendor upgrade"} <= labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Release" in legend and "Incident" in legend

    ranged = build_figure(
        ws=ws, kpi="Hallucination rate", start=days[4].isoformat(), end=days[6], today=TODAY
    )
    ax = ranged.axes[0]
    series = next(line for line in ax.lines if line.get_label() == "Hallucination rate")
    assert list(series.get_ydata()) == [3.1, 2.8, 2.5]
    texts = {t.get_text().strip() for t in ax.texts}
    assert "SEV2: Vendor upgrade" in texts and "Drafts 2.0" not in texts


def test_unknown_kpi_and_bad_dates_are_user_errors(charted) -> None:
    ws, *_ = charted
    with pytest.raises(UserError, match=r"name the KPI to chart.*'Adoption'"):
        build_figure(ws=ws)
    with pytest.raises(UserError, match="did you mean 'Hallucination rate'"):
        build_figure(ws=ws, kpi="Halucination")
    with pytest.raises(UserError, match="not a date"):
        build_figure(ws=ws, kpi="Adoption", start="last week")
    with pytest.raises(UserError, match="end date"):
        build_figure(ws=ws, kpi="Adoption", start="2025-06-01", end="2025-01-01")


def test_empty_series_says_so_and_still_saves(ws, tmp_path: Path) -> None:
    _kpi(ws, "Coverage", unit="%", target=95.0)
    figure = build_figure(ws=ws, kpi="Coverage")
    ax = figure.axes[0]
    assert any("No snapshots" in t.get_text() for t in ax.texts)
    series = next(line for line in ax.lines if line.get_label() == "Coverage")
    assert len(series.get_ydata()) == 0
    out = save_figure(figure, tmp_path / "coverage.svg")
    assert out.read_text().lstrip().startswith("<?xml")


def test_draw_kpi_returns_hover_points(charted) -> None:
    ws, hall, *_ = charted
    status = kpis.kpi_status(ws=ws, kpi_id=hall, today=TODAY)
    dates, values = kpis.series(ws=ws, kpi_id=hall)
    figure = new_figure()
    drawn = draw_kpi(figure, dates=dates, values=values, status=status, markers=[])
    x, y = drawn["points"]
    assert list(y) == values and list(x) == [mdates.date2num(d) for d in dates]
    assert drawn["line"] in drawn["axes"].lines


def test_a_narrow_chart_keeps_its_plot_and_lays_the_legend_out_again_when_resized(
    charted,
) -> None:
    """Squeezed beside other panes, the legend takes fewer columns, the dates thin out
    and the title is cut with an ellipsis; widened again, all three come back."""
    from matplotlib.backend_bases import ResizeEvent

    ws, hall, *_ = charted
    status = kpis.kpi_status(ws=ws, kpi_id=hall, today=TODAY)
    dates, values = kpis.series(ws=ws, kpi_id=hall)
    status = dataclasses.replace(status, name="Hallucination rate in drafted replies to customers")
    figure = new_figure(3.4, 3.0)  # 340 px at 100 dpi
    drawn = draw_kpi(figure, dates=dates, values=values, status=status, markers=[])
    ax = drawn["axes"]
    assert ax.get_legend()._ncols == 2
    assert ax.get_title(loc="left").endswith("…")
    figure.set_size_inches(9, 4)
    ResizeEvent("resize_event", figure.canvas)._process()
    assert ax.get_legend()._ncols == 3
    assert ax.get_title(loc="left") == f"{status.name} (%)"
    # Every entry is still in the legend laid out again.
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "Target 2%" in labels and status.name in labels


def test_sparklines_grid_with_status_colours(charted, tmp_path: Path) -> None:
    ws, hall, adoption, _days = charted
    items = []
    for kpi_id in (hall, adoption):
        status = kpis.kpi_status(ws=ws, kpi_id=kpi_id, today=TODAY)
        items.append((status, *kpis.series(ws=ws, kpi_id=kpi_id)))
    figure = new_figure(6, 2)
    axes = draw_sparklines(figure, items)
    assert len(axes) == 2
    first, second = axes
    assert first.lines[0].get_color() == STATUS_COLORS["off_target"]
    assert list(first.lines[0].get_ydata()) == [8.0, 6.5, 5.0, 4.2, 3.1, 2.8, 2.5, 2.4]
    assert second.lines[0].get_color() == STATUS_COLORS["on_target"]
    assert {t.get_text() for t in second.texts} == {"Adoption", "72%  On target"}

    grid = build_grid_figure(ws=ws, today=TODAY)
    names = [ax.texts[0].get_text() for ax in grid.axes]
    assert names == ["Hallucination rate", "Adoption"]  # off target before on target
    save_figure(grid, tmp_path / "grid.png")
    assert (tmp_path / "grid.png").stat().st_size > 1000

    empty = new_figure()
    assert draw_sparklines(empty, []) == []
    assert "No KPIs tracked yet" in empty.texts[0].get_text()
