"""Roadmap scheduling: dependencies (violation, cycle refusal), critical path, moving with
and without dependents and undo, predictability per quarter, the board and the lanes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import ChangeLog, Kpi, KpiSnapshot, RoadmapItem
from aipm_desktop.models.roadmap import DEFAULT_LANES
from aipm_desktop.services import records, roadmap

D = dt.date


def _item(ws, title, start, end, **extra) -> int:
    data = {"title": title, "start": start, "end": end, **extra}
    obj, _changes = records.create(ws=ws, model=RoadmapItem, data=data)
    return int(obj.id)


def _dates(ws, item_id):
    item = roadmap.get_item(ws=ws, item_id=item_id)
    return item.start, item.end


def test_violated_dependency_is_flagged(ws) -> None:
    a = _item(ws, "Data export", D(2026, 1, 5), D(2026, 1, 30))
    b = _item(ws, "Model retrain", D(2026, 1, 20), D(2026, 2, 20))
    c = _item(ws, "Beta", D(2026, 3, 2), D(2026, 3, 2), kind="milestone")
    dep_ab, changes = roadmap.add_dependency(ws=ws, predecessor_id=a, successor_id=b)
    assert changes.kind == "roadmap_dependency" and changes.ids == (dep_ab,)
    roadmap.add_dependency(ws=ws, predecessor_id=b, successor_id=c)
    _items, deps = roadmap.timeline(ws=ws)
    assert {(d.predecessor_id, d.successor_id): d.violated for d in deps} == {
        (a, b): True,  # b starts on Jan 20, before a ends on Jan 30
        (b, c): False,
    }


def test_cycle_self_link_and_duplicate_are_refused_naming_the_items(ws) -> None:
    a = _item(ws, "Alpha", D(2026, 1, 1), D(2026, 1, 10))
    b = _item(ws, "Bravo", D(2026, 1, 11), D(2026, 1, 20))
    c = _item(ws, "Charlie", D(2026, 1, 21), D(2026, 1, 30))
    roadmap.add_dependency(ws=ws, predecessor_id=a, successor_id=b)
    roadmap.add_dependency(ws=ws, predecessor_id=b, successor_id=c)
    with pytest.raises(ValidationError) as cycle:
        roadmap.add_dependency(ws=ws, predecessor_id=c, successor_id=a)
    message = str(cycle.value)
    assert "cycle" in message and "'Alpha'" in message and "'Charlie'" in message
    assert "'Alpha' → 'Bravo' → 'Charlie'" in message
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        roadmap.add_dependency(ws=ws, predecessor_id=a, successor_id=a)
    with pytest.raises(ValidationError, match="already depends on"):
        roadmap.add_dependency(ws=ws, predecessor_id=a, successor_id=b)
    assert len(roadmap.timeline(ws=ws)[1]) == 2  # nothing was written


def test_remove_dependency_returns_the_pair_for_undo(ws) -> None:
    a = _item(ws, "Alpha", D(2026, 1, 1), D(2026, 1, 10))
    b = _item(ws, "Bravo", D(2026, 1, 11), D(2026, 1, 20))
    dep_id, _ = roadmap.add_dependency(ws=ws, predecessor_id=a, successor_id=b)
    changes, pair = roadmap.remove_dependency(ws=ws, dependency_id=dep_id)
    assert pair == (a, b) and changes.action == "delete"
    assert roadmap.timeline(ws=ws)[1] == []
    roadmap.add_dependency(ws=ws, predecessor_id=pair[0], successor_id=pair[1])
    assert len(roadmap.timeline(ws=ws)[1]) == 1


def test_critical_path_is_the_longest_chain_of_open_items(ws) -> None:
    # a (10 days) -> b (30) -> d (5) = 45 days; a -> c (5) -> d = 20; e alone 40 days
    a = _item(ws, "A", D(2026, 1, 1), D(2026, 1, 10))
    b = _item(ws, "B", D(2026, 1, 11), D(2026, 2, 9))
    c = _item(ws, "C", D(2026, 1, 11), D(2026, 1, 15))
    d = _item(ws, "D", D(2026, 2, 10), D(2026, 2, 14))
    e = _item(ws, "E", D(2026, 1, 1), D(2026, 2, 9))
    for pred, succ in ((a, b), (a, c), (b, d), (c, d)):
        roadmap.add_dependency(ws=ws, predecessor_id=pred, successor_id=succ)
    assert roadmap.critical_path(ws=ws) == [a, b, d]
    items, _ = roadmap.timeline(ws=ws)
    assert {i.id for i in items if i.critical} == {a, b, d}
    # once B is done, the path goes around it: E (40 days) beats A -> C -> D (20 days)
    records.update(ws=ws, model=RoadmapItem, id=b, data={"status": "done"})
    assert roadmap.critical_path(ws=ws) == [e]


def test_move_without_and_with_shifting_dependents_then_restore(ws) -> None:
    a = _item(ws, "Alpha", D(2026, 1, 1), D(2026, 1, 10))
    b = _item(ws, "Bravo", D(2026, 1, 12), D(2026, 1, 20))
    c = _item(ws, "Charlie", D(2026, 1, 25), D(2026, 1, 25), kind="milestone")
    roadmap.add_dependency(ws=ws, predecessor_id=a, successor_id=b)
    roadmap.add_dependency(ws=ws, predecessor_id=b, successor_id=c)

    changes, old = roadmap.move_item(ws=ws, item_id=a, start=D(2026, 1, 6), end=D(2026, 1, 15))
    assert old == [(a, D(2026, 1, 1), D(2026, 1, 10))] and changes.ids == (a,)
    assert _dates(ws, b) == (D(2026, 1, 12), D(2026, 1, 20))  # not shifted
    assert any(d.violated for d in roadmap.timeline(ws=ws)[1])
    roadmap.restore_dates(ws=ws, dates=old)
    assert _dates(ws, a) == (D(2026, 1, 1), D(2026, 1, 10))

    changes, old = roadmap.move_item(
        ws=ws, item_id=a, start=D(2026, 1, 6), end=D(2026, 1, 15), shift_dependents=True
    )
    # Bravo keeps its 9-day length and starts when Alpha ends; Charlie follows Bravo.
    assert _dates(ws, b) == (D(2026, 1, 15), D(2026, 1, 23))
    assert _dates(ws, c) == (D(2026, 1, 25), D(2026, 1, 25))  # still after Bravo: unmoved
    assert sorted(old) == [(a, D(2026, 1, 1), D(2026, 1, 10)), (b, D(2026, 1, 12), D(2026, 1, 20))]
    assert not any(d.violated for d in roadmap.timeline(ws=ws)[1])
    # the planned (baseline) dates never move
    with ws.session() as session:
        assert session.get(RoadmapItem, b).planned_start is None
    roadmap.restore_dates(ws=ws, dates=old)
    assert _dates(ws, a) == (D(2026, 1, 1), D(2026, 1, 10))
    assert _dates(ws, b) == (D(2026, 1, 12), D(2026, 1, 20))
    with ws.session() as session:
        logged = session.execute(
            select(ChangeLog.entity_id).where(ChangeLog.entity == "roadmap_item")
        ).scalars()
        assert list(logged).count(b) >= 3  # create, shift, restore


def test_milestone_moves_keep_one_day_and_bad_dates_are_refused(ws) -> None:
    m = _item(ws, "Gate", D(2026, 2, 2), D(2026, 2, 2), kind="milestone")
    roadmap.move_item(ws=ws, item_id=m, start=D(2026, 2, 9), end=D(2026, 2, 12))
    assert _dates(ws, m) == (D(2026, 2, 9), D(2026, 2, 9))
    with pytest.raises(ValidationError, match="end date"):
        roadmap.move_item(ws=ws, item_id=m, start=D(2026, 2, 9), end=D(2026, 2, 1))


def test_predictability_per_quarter_and_kpi_snapshot(ws) -> None:
    # Q1 2026: three planned, two delivered on plan (one late, one cancelled not counted)
    _item(ws, "On time", D(2026, 1, 5), D(2026, 2, 1), planned_end=D(2026, 2, 1), status="done")
    _item(ws, "Early", D(2026, 1, 5), D(2026, 2, 20), planned_end=D(2026, 3, 1), status="done")
    _item(ws, "Late", D(2026, 1, 5), D(2026, 4, 10), planned_end=D(2026, 3, 20), status="done")
    _item(
        ws, "Dropped", D(2026, 1, 5), D(2026, 3, 1), planned_end=D(2026, 3, 1), status="cancelled"
    )
    # Q2 2026: one planned, not done
    _item(
        ws,
        "Slipping",
        D(2026, 4, 1),
        D(2026, 6, 30),
        planned_end=D(2026, 5, 15),
        status="in_progress",
    )
    # Q3: planned in the future: not counted yet
    _item(ws, "Future", D(2026, 7, 1), D(2026, 8, 1), planned_end=D(2026, 8, 1))
    quarters = roadmap.predictability(ws=ws, today=D(2026, 7, 10))
    assert [(q.quarter, q.planned, q.on_plan) for q in quarters] == [
        ("2026-Q1", 3, 2),
        ("2026-Q2", 1, 0),
    ]
    assert quarters[0].ratio == pytest.approx(2 / 3)

    changes, written = roadmap.record_predictability_kpi(ws=ws, today=D(2026, 7, 10))
    assert written == 1 and changes.kind == "kpi_snapshot"
    with ws.session() as session:
        kpi = session.execute(
            select(Kpi).where(Kpi.catalog_key == "roadmap_predictability")
        ).scalar_one()
        snap = session.execute(select(KpiSnapshot).where(KpiSnapshot.kpi_id == kpi.id)).scalar_one()
    assert (snap.date, snap.value) == (D(2026, 6, 30), 0.0)  # Q2 is the last completed one
    # run again: replaces the same snapshot, no second KPI
    roadmap.record_predictability_kpi(ws=ws, today=D(2026, 7, 10))
    with ws.session() as session:
        assert (
            len(
                session.execute(
                    select(Kpi).where(Kpi.catalog_key == "roadmap_predictability")
                ).all()
            )
            == 1
        )


def test_board_puts_items_in_now_next_later(ws) -> None:
    today = D(2026, 3, 1)
    now = _item(ws, "Running", D(2026, 2, 1), D(2026, 3, 20), status="in_progress")
    started = _item(ws, "Started late", D(2026, 2, 20), D(2026, 3, 20))
    soon = _item(ws, "Soon", D(2026, 4, 1), D(2026, 4, 20))
    later = _item(ws, "Later", D(2026, 9, 1), D(2026, 9, 20))
    _item(ws, "Shipped", D(2026, 1, 1), D(2026, 1, 20), status="done")
    result = roadmap.board(ws=ws, today=today)
    assert [i.id for i in result["now"]] == [now, started]
    assert [i.id for i in result["next"]] == [soon]
    assert [i.id for i in result["later"]] == [later]


def test_lanes_default_edit_and_refuse_dropping_a_used_lane(ws) -> None:
    assert roadmap.lanes(ws=ws) == list(DEFAULT_LANES)
    _item(ws, "Labeling", D(2026, 1, 1), D(2026, 1, 9), lane="Data readiness")
    _item(ws, "Pipeline", D(2026, 1, 1), D(2026, 1, 9), lane="Data readiness")
    changes, old = roadmap.set_lanes(ws=ws, lanes=[*DEFAULT_LANES, " Partnerships "])
    assert old == list(DEFAULT_LANES) and changes.kind == "settings"
    assert roadmap.lanes(ws=ws)[-1] == "Partnerships"
    with pytest.raises(UserError, match=r"'Data readiness' \(2 items\).*Move those items"):
        roadmap.set_lanes(ws=ws, lanes=["Model iteration", "Partnerships"])
    with pytest.raises(ValidationError, match="listed twice"):
        roadmap.set_lanes(ws=ws, lanes=["Data readiness", "data readiness"])
    with pytest.raises(ValidationError, match="at least one lane"):
        roadmap.set_lanes(ws=ws, lanes=[])
    with pytest.raises(ValidationError, match="needs a name"):
        roadmap.set_lanes(ws=ws, lanes=["Data readiness", "  "])
    # an unused lane can go; undo puts the old list back
    roadmap.set_lanes(ws=ws, lanes=["Data readiness"])
    assert roadmap.lanes(ws=ws) == ["Data readiness"]
    roadmap.set_lanes(ws=ws, lanes=old)
    assert roadmap.lanes(ws=ws) == list(DEFAULT_LANES)


def test_renaming_a_lane_moves_its_items_in_one_step_and_renaming_back_undoes_it(ws) -> None:
    labeling = _item(ws, "Labeling", D(2026, 1, 1), D(2026, 1, 9), lane="Data readiness")
    other = _item(ws, "Retrain", D(2026, 1, 1), D(2026, 1, 9), lane="Model iteration")
    settings_changes, item_changes = roadmap.rename_lane(
        ws=ws, old="Data readiness", new=" Data and labels ", who="pm"
    )
    assert settings_changes.kind == "settings"
    assert item_changes.kind == "roadmap_item" and item_changes.ids == (labeling,)
    assert roadmap.lanes(ws=ws) == ["Data and labels", *DEFAULT_LANES[1:]]  # same place
    assert roadmap.get_item(ws=ws, item_id=labeling).lane == "Data and labels"
    assert roadmap.get_item(ws=ws, item_id=other).lane == "Model iteration"
    with ws.session() as session:
        logged = session.exec(
            select(ChangeLog.entity, ChangeLog.entity_id).where(ChangeLog.who == "pm")
        ).all()
    assert sorted(logged) == [("roadmap_item", labeling), ("settings", 1)]
    # onto another lane's name, empty, or a lane that does not exist: refused, unchanged
    with pytest.raises(UserError, match="already a lane 'Model iteration'"):
        roadmap.rename_lane(ws=ws, old="Data and labels", new="model iteration")
    with pytest.raises(ValidationError, match="needs a name"):
        roadmap.rename_lane(ws=ws, old="Data and labels", new="  ")
    with pytest.raises(UserError, match="no roadmap lane 'Partnerships'"):
        roadmap.rename_lane(ws=ws, old="Partnerships", new="Alliances")
    assert roadmap.get_item(ws=ws, item_id=labeling).lane == "Data and labels"
    # renaming back is the undo
    roadmap.rename_lane(ws=ws, old="Data and labels", new="Data readiness")
    assert roadmap.lanes(ws=ws) == list(DEFAULT_LANES)
    assert roadmap.get_item(ws=ws, item_id=labeling).lane == "Data readiness"
    # a lane only items use (not configured) is renamed on its items
    vendor = _item(ws, "Imported", D(2026, 1, 1), D(2026, 1, 9), lane="Vendor work")
    roadmap.rename_lane(ws=ws, old="vendor work", new="Vendors")
    assert roadmap.get_item(ws=ws, item_id=vendor).lane == "Vendors"
    assert roadmap.lanes(ws=ws) == [*DEFAULT_LANES, "Vendors"]


def test_an_item_in_an_unlisted_lane_is_still_shown(ws) -> None:
    _item(ws, "Imported", D(2026, 1, 1), D(2026, 1, 9), lane="Vendor work")
    assert roadmap.lanes(ws=ws) == [*DEFAULT_LANES, "Vendor work"]


def test_demo_roadmap_respects_its_dependencies(tmp_path) -> None:
    from aipm_desktop.services.workspace import new_workspace

    demo = new_workspace(tmp_path / "demo.aipm", demo=True)
    try:
        items, deps = roadmap.timeline(ws=demo)
        assert len(items) == 30 and len(deps) == 13
        assert not any(d.violated for d in deps)
        path = roadmap.critical_path(ws=demo)
        assert len(path) >= 2 and all(i.critical for i in items if i.id in path)
    finally:
        demo.close()


def test_lane_counts_fold_case(ws) -> None:
    import datetime as dt

    from aipm_desktop.models import RoadmapItem
    from aipm_desktop.services import records
    from aipm_desktop.services.roadmap import lane_counts

    day = dt.date(2027, 1, 4)
    for lane in ("Data readiness", "data readiness", "Launch and GTM"):
        records.create(
            ws=ws, model=RoadmapItem, data={"title": "x", "lane": lane, "start": day, "end": day}
        )
    assert lane_counts(ws=ws) == {"data readiness": 2, "launch and gtm": 1}
