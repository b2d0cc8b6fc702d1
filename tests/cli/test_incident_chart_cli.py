"""``aipm chart FILE incidents``: the incident figures per quarter written as PNG, SVG and
PDF with the workspace footer; the bars are the counts and hours worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services import charts, incidents
from aipm_desktop.services.charts import CHARTS
from aipm_desktop.services.charts import incidents as incident_chart

T0 = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 30)


def _run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm")


def test_incidents_is_a_registered_chart_kind() -> None:
    assert "incidents" in CHARTS


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml"),
                                               (".pdf", b"%PDF")])  # fmt: skip
def test_the_chart_is_written_in_each_format(
    sample_path: Path, tmp_path: Path, suffix: str, magic: bytes
) -> None:
    out = tmp_path / f"incidents{suffix}"
    result = _run("chart", sample_path, "incidents", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)
    if suffix == ".svg":
        svg = out.read_text(encoding="utf-8")
        assert "Tidewell" in svg  # the footer names the workspace


def test_quarters_is_checked_and_belongs_to_the_incidents_chart(
    sample_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x.png"
    bad = _run("chart", sample_path, "incidents", "--quarters", "0", "--out", out)
    assert bad.exit_code == 1 and "--quarters takes 1 to 16" in bad.output
    misplaced = _run("chart", sample_path, "matrix", "--quarters", "2", "--out", out)
    assert misplaced.exit_code == 1 and "--quarters does not apply" in misplaced.output
    assert not out.exists()


def test_bars_show_the_quarters_counts_and_median_hours(ws) -> None:
    wrong = incidents.find_category(ws=ws, ref="Wrong answer")
    # Two incidents in 2026Q4: acknowledged after 1 h and 3 h, mitigated after 2 h and 6 h.
    for ack, mitigate, severity in ((1, 2, "sev2"), (3, 6, "sev3")):
        incidents.create_incident(
            ws=ws,
            data={
                "title": f"Incident acknowledged after {ack} h",
                "severity": severity,
                "category_id": wrong,
                "detected_at": T0,
                "acknowledged_at": T0 + dt.timedelta(hours=ack),
                "mitigated_at": T0 + dt.timedelta(hours=mitigate),
            },
        )
    figure = charts.build(ws=ws, kind="incidents", quarters=2, today=TODAY)
    sev_ax, cat_ax, time_ax, review_ax = figure.axes[:4]
    # the quarters start at the first incident's
    assert [t.get_text() for t in sev_ax.get_xticklabels()] == ["2026Q4"]
    assert [p.get_height() for p in sev_ax.patches] == [1, 1]  # SEV2, then SEV3 on it
    assert [p.get_height() for p in cat_ax.patches] == [2]
    # medians by hand: acknowledge (1 + 3) / 2 = 2 h, mitigate (2 + 6) / 2 = 4 h
    assert [p.get_height() for p in time_ax.patches] == [2.0, 4.0]
    assert [p.get_height() for p in review_ax.patches] == [0]
    assert incident_chart.build_figure(ws=ws, quarters=None, today=TODAY).axes
