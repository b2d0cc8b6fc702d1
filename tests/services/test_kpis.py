"""KPI status, trend, staleness, series, markers, before/after and snapshot edits."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from sqlalchemy import select

from aipm_desktop.errors import NotFoundError, ReadOnlyError, UserError, ValidationError
from aipm_desktop.models import ChangeLog, Incident, Kpi, KpiSnapshot, Release, UseCase
from aipm_desktop.services import clock, kpis, records
from aipm_desktop.services.demo import STALE_KPI_KEY, STALE_WEEKS, this_monday
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends

TODAY = dt.date(2025, 6, 30)  # a Monday
HIGHER = "higher_is_better"
LOWER = "lower_is_better"


def make_kpi(ws, name: str = "Adoption", **fields) -> int:
    data = {"name": name, "unit": "%", "direction": HIGHER, **fields}
    obj, _ = records.create(ws=ws, model=Kpi, data=data, who="test")
    return obj.id


def add_weekly(ws, kpi_id: int, values: list[float], last: dt.date = TODAY) -> list[dt.date]:
    days = [last - dt.timedelta(weeks=len(values) - 1 - i) for i in range(len(values))]
    for day, value in zip(days, values, strict=True):
        kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=day, value=value, who="test")
    return days


# classify ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (80.0, "on_target"),  # better than target
        (70.0, "on_target"),  # exactly at target
        (69.9, "off_target"),  # worse than target, no threshold crossed
        (50.0, "warning"),  # exactly at warning
        (42.0, "warning"),
        (35.0, "critical"),  # exactly at critical
        (0.0, "critical"),
        (None, "no_data"),
    ],
)
def test_classify_higher_is_better(value, expected) -> None:
    status = kpis.classify(value, direction=HIGHER, target=70.0, warning=50.0, critical=35.0)
    assert status == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, "on_target"),
        (2.0, "on_target"),  # at target
        (3.0, "off_target"),
        (4.0, "warning"),  # at warning
        (5.9, "warning"),
        (6.0, "critical"),  # at critical
        (12.0, "critical"),
        (None, "no_data"),
    ],
)
def test_classify_lower_is_better(value, expected) -> None:
    # Hallucination rate: lower is better; thresholds rise from target to critical.
    status = kpis.classify(value, direction=LOWER, target=2.0, warning=4.0, critical=6.0)
    assert status == expected


def test_classify_without_target_or_thresholds() -> None:
    assert kpis.classify(5.0, direction=HIGHER, target=None, warning=None, critical=None) == (
        "no_target"
    )
    # Thresholds still count without a target.
    assert kpis.classify(3.0, direction=LOWER, target=None, warning=2.0, critical=None) == (
        "warning"
    )
    assert kpis.classify(1.0, direction=LOWER, target=None, warning=2.0, critical=None) == (
        "no_target"
    )
    # Only a critical threshold: past it is critical, before it off target.
    assert kpis.classify(9.0, direction=HIGHER, target=10.0, warning=None, critical=5.0) == (
        "off_target"
    )
    # A target equal to the warning threshold: at it counts as on target.
    assert kpis.classify(50.0, direction=HIGHER, target=50.0, warning=50.0, critical=30.0) == (
        "on_target"
    )
    # Float noise at a threshold does not flip the status.
    assert kpis.classify(0.1 + 0.2, direction=LOWER, target=0.3, warning=None, critical=None) == (
        "on_target"
    )


# trend ------------------------------------------------------------------------------


def _weeks(n: int) -> list[dt.date]:
    return [TODAY - dt.timedelta(weeks=n - 1 - i) for i in range(n)]


def test_trend_rising_series_by_direction() -> None:
    values = [50, 52, 54, 56, 58, 60, 62, 64]
    trend, slope = kpis.trend_of(_weeks(8), values, direction=HIGHER)
    assert trend == "improving"
    assert slope == pytest.approx(2.0)  # units per week
    assert kpis.trend_of(_weeks(8), values, direction=LOWER)[0] == "worsening"


def test_trend_falling_series_by_direction() -> None:
    values = [9.0, 8.0, 7.0, 6.0, 5.0]
    assert kpis.trend_of(_weeks(5), values, direction=LOWER) == ("improving", pytest.approx(-1.0))
    assert kpis.trend_of(_weeks(5), values, direction=HIGHER)[0] == "worsening"


def test_trend_flat_within_tolerance_and_unknown_with_few_points() -> None:
    # Noise around 70 with a tiny drift: 0.05 / week over 7 weeks is 0.5 % of the level.
    noisy = [70.2, 69.8, 70.1, 70.0, 70.3, 69.9, 70.4, 70.2]
    assert kpis.trend_of(_weeks(8), noisy, direction=HIGHER)[0] == "flat"
    assert kpis.trend_of(_weeks(8), noisy, direction=LOWER)[0] == "flat"
    # The same drift on a small-valued KPI is not flat: it is relative to the level.
    small = [0.10, 0.12, 0.14, 0.16]
    assert kpis.trend_of(_weeks(4), small, direction=LOWER)[0] == "worsening"
    assert kpis.trend_of(_weeks(2), [1.0, 2.0], direction=HIGHER) == ("unknown", None)
    assert kpis.trend_of(_weeks(3), [0.0, 0.0, 0.0], direction=HIGHER) == ("flat", 0.0)
    # A tolerance wide enough makes a clear rise flat.
    rising = [50, 52, 54, 56]
    assert kpis.trend_of(_weeks(4), rising, direction=HIGHER, flat_tolerance=0.5)[0] == "flat"


def test_trend_slope_uses_the_dates_not_the_point_count() -> None:
    days = [TODAY - dt.timedelta(days=d) for d in (28, 14, 7, 0)]  # uneven spacing
    values = [10.0, 12.0, 13.0, 14.0]  # 1 per week
    trend, slope = kpis.trend_of(days, values, direction=HIGHER)
    assert trend == "improving"
    assert slope == pytest.approx(1.0)


# staleness --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "limit"),
    [
        ("daily", 2),
        ("weekly", 10),
        ("biweekly", 17),
        ("monthly", 36),
        ("quarterly", 102),
        ("per_release", 180),
    ],
)
def test_stale_after_period_plus_grace(frequency: str, limit: int) -> None:
    assert kpis.stale_after_days(frequency) == limit
    on_time = TODAY - dt.timedelta(days=limit)
    late = TODAY - dt.timedelta(days=limit + 1)
    assert not kpis.is_stale(on_time, frequency=frequency, today=TODAY)
    assert kpis.is_stale(late, frequency=frequency, today=TODAY)


def test_no_snapshot_and_future_snapshot_are_not_stale() -> None:
    assert not kpis.is_stale(None, frequency="weekly", today=TODAY)
    assert not kpis.is_stale(TODAY + dt.timedelta(days=3), frequency="daily", today=TODAY)


# status of stored KPIs --------------------------------------------------------------


def test_status_all_reads_latest_value_trend_and_staleness(ws) -> None:
    adoption = make_kpi(ws, "Adoption", baseline=6, target=70, warning=50, critical=35)
    hallucination = make_kpi(
        ws, "Hallucination rate", direction=LOWER, target=2, warning=4, critical=6
    )
    latency = make_kpi(ws, "Latency P95", unit="s", direction=LOWER, target=3, frequency="monthly")
    make_kpi(ws, "Stakeholder satisfaction", unit="score")
    # Twelve weekly points; only the last eight (the window) decide the trend.
    add_weekly(ws, adoption, [80, 78, 76, 74, 40, 41, 42, 43, 44, 45, 46, 47])
    add_weekly(ws, hallucination, [3.0, 3.5, 4.0, 4.5, 5.0], last=TODAY - dt.timedelta(days=11))
    add_weekly(ws, latency, [2.5, 2.5, 2.5], last=TODAY - dt.timedelta(days=36))

    by_name = {s.name: s for s in kpis.status_all(ws=ws, today=TODAY)}
    assert [s.name for s in kpis.status_all(ws=ws, today=TODAY)] == sorted(by_name)

    a = by_name["Adoption"]
    assert (a.kpi_id, a.latest_value, a.latest_date, a.points) == (adoption, 47, TODAY, 12)
    assert (a.status, a.trend, a.stale, a.days_since) == ("warning", "improving", False, 0)
    assert a.slope_per_week == pytest.approx(1.0)
    assert (a.baseline, a.target, a.warning, a.critical) == (6, 70, 50, 35)

    h = by_name["Hallucination rate"]
    assert (h.status, h.trend, h.stale, h.days_since) == ("warning", "worsening", True, 11)
    assert h.latest_value == 5.0 and h.points == 5

    lat = by_name["Latency P95"]
    assert (lat.status, lat.trend, lat.stale) == ("on_target", "flat", False)

    e = by_name["Stakeholder satisfaction"]
    assert (e.status, e.trend, e.stale, e.latest_value, e.points) == (
        "no_data",
        "unknown",
        False,
        None,
        0,
    )

    one = kpis.kpi_status(ws=ws, kpi_id=adoption, today=TODAY, window=3)
    assert one.slope_per_week == pytest.approx(1.0) and one.points == 12
    with pytest.raises(NotFoundError):
        kpis.kpi_status(ws=ws, kpi_id=9999)
    with pytest.raises(UserError, match="window"):
        kpis.status_all(ws=ws, window=0)


def test_status_changes_when_a_snapshot_is_entered(ws) -> None:
    kpi_id = make_kpi(ws, target=70, warning=50, critical=35)
    add_weekly(ws, kpi_id, [60, 62, 64], last=TODAY - dt.timedelta(weeks=1))
    assert kpis.kpi_status(ws=ws, kpi_id=kpi_id, today=TODAY).status == "off_target"
    kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=30)
    status = kpis.kpi_status(ws=ws, kpi_id=kpi_id, today=TODAY)
    assert (status.status, status.latest_value, status.points) == ("critical", 30, 4)


def test_demo_workspace_statuses(tmp_path: Path) -> None:
    day = clock.today()
    ws = new_workspace(tmp_path / "demo.aipm", demo=True, today=day)
    try:
        today = this_monday(day) + dt.timedelta(days=2)
        statuses = {s.name: s for s in kpis.status_all(ws=ws, today=today)}
    finally:
        ws.close()
    assert len(statuses) == 10
    stale = [s for s in statuses.values() if s.stale]
    assert [s.name for s in stale] == ["AI instrumentation coverage"]
    assert stale[0].days_since == STALE_WEEKS * 7 + 2
    assert all(s.points == 104 for s in statuses.values())
    found = {s.status for s in statuses.values()}
    assert {"critical", "warning", "on_target"} <= found
    # The latency KPI (lower is better) has crept past its critical threshold.
    latency = statuses["Reply draft latency P95"]
    assert latency.direction == LOWER and latency.status == "critical"
    assert latency.latest_value >= latency.critical
    assert STALE_KPI_KEY  # the demo names the stale KPI by catalog key


# formatting -------------------------------------------------------------------------


def test_format_value() -> None:
    assert kpis.format_value(4.2, "%") == "4.2%"
    assert kpis.format_value(3.0, "s") == "3 s"
    assert kpis.format_value(0.0312, "USD") == "0.0312 USD"
    assert kpis.format_value(52000, "") == "52,000"
    assert kpis.format_value(123.45, "ms") == "123.5 ms"
    assert kpis.format_value(None, "%") == "\u2013"


# series, markers, before/after ------------------------------------------------------


def test_series_in_date_order_within_range(ws) -> None:
    kpi_id = make_kpi(ws)
    days = add_weekly(ws, kpi_id, [1, 2, 3, 4, 5])
    dates, values = kpis.series(ws=ws, kpi_id=kpi_id)
    assert dates == days and values == [1, 2, 3, 4, 5]
    dates, values = kpis.series(ws=ws, kpi_id=kpi_id, start=days[1], end=days[3])
    assert dates == days[1:4] and values == [2, 3, 4]
    with pytest.raises(NotFoundError):
        kpis.series(ws=ws, kpi_id=999)


def _at(day: dt.date) -> dt.datetime:
    """An incident's detection time on ``day`` (09:30 UTC)."""
    return dt.datetime.combine(day, dt.time(9, 30), tzinfo=dt.UTC)


def test_markers_follow_the_kpis_use_case(ws) -> None:
    uc_a, _ = records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"})
    uc_b, _ = records.create(ws=ws, model=UseCase, data={"title": "Triage"})
    kpi_a = make_kpi(ws, "Draft adoption", use_case_id=uc_a.id)
    kpi_all = make_kpi(ws, "Coverage")
    day = TODAY - dt.timedelta(days=20)
    for name, uc, offset in (("Drafts 2.0", uc_a.id, 0), ("Triage v3", uc_b.id, 5)):
        records.create(
            ws=ws,
            model=Release,
            data={"name": name, "use_case_id": uc, "target_date": day + dt.timedelta(offset)},
        )
    records.create(ws=ws, model=Release, data={"name": "Undated", "use_case_id": uc_a.id})
    records.create(
        ws=ws,
        model=Incident,
        data={
            "title": "Wrong refunds",
            "severity": "sev2",
            "detected_at": _at(day + dt.timedelta(3)),
        },
    )
    mine = kpis.markers(ws=ws, kpi_id=kpi_a)
    assert [(m.kind, m.label, m.date) for m in mine] == [
        ("release", "Drafts 2.0", day),
        ("incident", "SEV2: Wrong refunds", day + dt.timedelta(3)),
    ]
    every = kpis.markers(ws=ws, kpi_id=kpi_all)
    assert [m.label for m in every] == ["Drafts 2.0", "SEV2: Wrong refunds", "Triage v3"]
    ranged = kpis.markers(ws=ws, start=day + dt.timedelta(1), end=day + dt.timedelta(4))
    assert [m.kind for m in ranged] == ["incident"]


def test_before_after_means_and_change(ws) -> None:
    kpi_id = make_kpi(ws, direction=LOWER, unit="s")
    days = add_weekly(ws, kpi_id, [4.0, 4.0, 6.0, 3.0, 3.0, 3.0])
    result = kpis.before_after(ws=ws, kpi_id=kpi_id, pivot=days[3])
    assert (result.n_before, result.n_after) == (3, 3)
    assert result.mean_before == pytest.approx(14 / 3)
    assert result.mean_after == pytest.approx(3.0)
    assert result.change_pct == pytest.approx((3.0 - 14 / 3) / (14 / 3) * 100)
    assert result.better is True  # lower is better and it fell
    # A two-week window on each side.
    near = kpis.before_after(ws=ws, kpi_id=kpi_id, pivot=days[3], weeks=2)
    assert (near.n_before, near.n_after) == (2, 2)
    assert near.mean_before == pytest.approx(5.0) and near.change_pct == pytest.approx(-40.0)
    # Nothing after the pivot: no change, no verdict.
    late = kpis.before_after(ws=ws, kpi_id=kpi_id, pivot=TODAY + dt.timedelta(days=1))
    assert (late.mean_after, late.change_pct, late.better, late.n_after) == (None, None, None, 0)
    with pytest.raises(UserError):
        kpis.before_after(ws=ws, kpi_id=kpi_id, pivot=TODAY, weeks=0)


def test_before_after_from_zero_has_no_percentage(ws) -> None:
    kpi_id = make_kpi(ws)
    days = add_weekly(ws, kpi_id, [0.0, 0.0, 2.0, 4.0])
    result = kpis.before_after(ws=ws, kpi_id=kpi_id, pivot=days[2])
    assert (result.mean_before, result.mean_after, result.change_pct, result.better) == (
        0.0,
        3.0,
        None,
        True,
    )


# snapshot edits ---------------------------------------------------------------------


def _snapshots(ws, kpi_id: int) -> list[tuple[dt.date, float, str]]:
    with ws.session() as session:
        rows = session.execute(
            select(KpiSnapshot.date, KpiSnapshot.value, KpiSnapshot.note)
            .where(KpiSnapshot.kpi_id == kpi_id)
            .order_by(KpiSnapshot.date)
        ).all()
    return [tuple(r) for r in rows]


def _log(ws) -> list[tuple[str, str, str]]:
    with ws.session() as session:
        rows = session.execute(
            select(ChangeLog.entity, ChangeLog.action, ChangeLog.label).order_by(ChangeLog.id)
        ).all()
    return [tuple(r) for r in rows]


def test_set_snapshot_inserts_replaces_and_deletes_returning_the_old_value(ws) -> None:
    kpi_id = make_kpi(ws, "Adoption")
    changes, old = kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=41.5, note="first")
    assert (changes.kind, changes.action, old) == ("kpi_snapshot", "create", None)
    assert _snapshots(ws, kpi_id) == [(TODAY, 41.5, "first")]

    changes, old = kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=43)
    assert (changes.action, old) == ("update", (41.5, "first"))
    assert _snapshots(ws, kpi_id) == [(TODAY, 43.0, "first")]  # note kept

    _, old = kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=43, note="")
    assert old == (43.0, "first")
    assert _snapshots(ws, kpi_id) == [(TODAY, 43.0, "")]

    # Undo is the same call with the old value.
    kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=old[0], note=old[1])
    assert _snapshots(ws, kpi_id) == [(TODAY, 43.0, "first")]

    changes, old = kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=None)
    assert (changes.action, old) == ("delete", (43.0, "first"))
    assert _snapshots(ws, kpi_id) == []
    changes, old = kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=None)
    assert (changes.ids, old) == ((), None)

    label = f"Adoption · {TODAY.isoformat()}"
    assert _log(ws)[-5:] == [
        ("kpi_snapshot", "create", label),
        ("kpi_snapshot", "update", label),
        ("kpi_snapshot", "update", label),
        ("kpi_snapshot", "update", label),
        ("kpi_snapshot", "delete", label),
    ]


def test_set_snapshot_rejects_bad_values_and_unknown_kpis(ws) -> None:
    kpi_id = make_kpi(ws)
    for bad in (math.nan, math.inf, "abc"):
        with pytest.raises(ValidationError):
            kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=bad)
    with pytest.raises(ValidationError, match="500"):
        kpis.set_snapshot(ws=ws, kpi_id=kpi_id, day=TODAY, value=1, note="x" * 501)
    with pytest.raises(NotFoundError):
        kpis.set_snapshot(ws=ws, kpi_id=4242, day=TODAY, value=1.0)
    assert _snapshots(ws, kpi_id) == []


def test_set_snapshot_on_a_read_only_workspace(ws) -> None:
    kpi_id = make_kpi(ws)
    path = ws.path
    ws.close()
    ro = open_workspace(path, readonly=True)
    try:
        with pytest.raises(ReadOnlyError):
            kpis.set_snapshot(ws=ro, kpi_id=kpi_id, day=TODAY, value=1.0)
    finally:
        ro.close()


# catalog ----------------------------------------------------------------------------


def test_catalog_and_add_from_catalog(ws) -> None:
    entries = kpis.catalog(ws=ws)
    keys = [e.key for e in entries]
    assert "hallucination_rate" in keys and "latency_p95" in keys
    hall = next(e for e in entries if e.key == "hallucination_rate")
    assert hall.direction == LOWER and hall.what and hall.why and hall.example_target

    kpi_id, changes = kpis.add_from_catalog(ws=ws, catalog_key="hallucination_rate", who="t")
    assert changes.kind == "kpi" and changes.ids == (kpi_id,)
    kpi = kpis.get_kpi(ws=ws, kpi_id=kpi_id)
    assert (kpi.name, kpi.direction, kpi.unit, kpi.catalog_key) == (
        hall.name,
        LOWER,
        hall.unit,
        "hallucination_rate",
    )
    assert kpi.target is None and kpi.frequency == hall.frequency

    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Answer bot"})
    second, _ = kpis.add_from_catalog(ws=ws, catalog_key="hallucination_rate", use_case_id=uc.id)
    third, _ = kpis.add_from_catalog(ws=ws, catalog_key="hallucination_rate")
    assert kpis.get_kpi(ws=ws, kpi_id=second).name == f"{hall.name} (Answer bot)"
    assert kpis.get_kpi(ws=ws, kpi_id=second).use_case_id == uc.id
    assert kpis.get_kpi(ws=ws, kpi_id=third).name == f"{hall.name} (2)"
    with pytest.raises(NotFoundError):
        kpis.add_from_catalog(ws=ws, catalog_key="nope")
    with pytest.raises(NotFoundError):
        kpis.add_from_catalog(ws=ws, catalog_key="latency_p95", use_case_id=999)


def test_find_kpi_by_id_name_key_and_close_names(ws) -> None:
    kpi_id = make_kpi(ws, "Hallucination rate", catalog_key="hallucination_rate")
    make_kpi(ws, "Latency P95", catalog_key="latency_p95", direction=LOWER)
    assert kpis.find_kpi(ws=ws, ref=kpi_id) == kpi_id
    assert kpis.find_kpi(ws=ws, ref=str(kpi_id)) == kpi_id
    assert kpis.find_kpi(ws=ws, ref="hallucination RATE") == kpi_id
    assert kpis.find_kpi(ws=ws, ref="hallucination_rate") == kpi_id
    with pytest.raises(UserError, match="did you mean 'Hallucination rate'"):
        kpis.find_kpi(ws=ws, ref="Halucination rate")
    make_kpi(ws, "Hallucination (bot)", catalog_key="hallucination_rate")
    with pytest.raises(UserError, match="2 KPIs match"):
        kpis.find_kpi(ws=ws, ref="hallucination_rate")


def test_tracked_catalog_keys_counts_kpis_per_catalog_entry(ws) -> None:
    from aipm_desktop.services.kpis import add_from_catalog, tracked_catalog_keys

    assert tracked_catalog_keys(ws=ws) == {}
    add_from_catalog(ws=ws, catalog_key="hallucination_rate")
    assert tracked_catalog_keys(ws=ws) == {"hallucination_rate": 1}


def test_snapshot_values_and_key(ws) -> None:
    import datetime as dt

    from aipm_desktop.services.kpis import (
        add_from_catalog,
        set_snapshot,
        snapshot_key,
        snapshot_values,
    )

    kpi_id, _ = add_from_catalog(ws=ws, catalog_key="hallucination_rate")
    day = dt.date(2026, 11, 2)
    changes, _old = set_snapshot(ws=ws, kpi_id=kpi_id, day=day, value=2.5, note="after fix")
    assert snapshot_values(ws=ws, kpi_id=kpi_id) == {day: (2.5, "after fix")}
    assert snapshot_key(ws=ws, snapshot_id=changes.ids[0]) == (kpi_id, day)
    assert snapshot_key(ws=ws, snapshot_id=99999) == (None, None)


def test_latest_snapshots_of_some_or_every_kpi_newest_first(ws) -> None:
    from aipm_desktop.services.kpis.status import latest_snapshots

    a, b, c = make_kpi(ws, "A"), make_kpi(ws, "B"), make_kpi(ws, "C")
    for offset in range(4):
        day = TODAY - dt.timedelta(days=offset)
        kpis.set_snapshot(ws=ws, kpi_id=a, day=day, value=float(offset))
    kpis.set_snapshot(ws=ws, kpi_id=b, day=TODAY, value=7)
    with ws.engine.connect() as conn:
        assert latest_snapshots(conn, [a], 2) == {
            a: [(TODAY, 0.0), (TODAY - dt.timedelta(days=1), 1.0)]
        }
        every = latest_snapshots(conn, None, 3)
        assert [v for _, v in every[a]] == [0.0, 1.0, 2.0]
        assert every[b] == [(TODAY, 7.0)] and c not in every  # fewer than 3; none
        assert latest_snapshots(conn, [], 3) == {} and latest_snapshots(conn, [a], 0) == {}
