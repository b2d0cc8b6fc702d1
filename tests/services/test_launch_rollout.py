"""A release's own state once launched, and finished rollout stages judged on the KPI
snapshots of their own window (or what their status records), never today's values."""

from __future__ import annotations

import datetime as dt

import pytest

from aipm_desktop.models import ChangeLog, Kpi, LaunchCheck, Release, RolloutStage
from aipm_desktop.services import clock, kpis, launch, records

D = dt.date
TODAY = clock.today()


def _kpi(ws, name="Hallucination rate", unit="%") -> int:
    obj, _ = records.create(ws=ws, model=Kpi, data={"name": name, "unit": unit})
    return int(obj.id)


def _release(ws, *, target=None, statuses=("pending",)) -> tuple[int, list[int]]:
    release, _ = records.create(
        ws=ws, model=Release, data={"name": "Bot GA", "target_date": target}
    )
    ids = []
    for position, status in enumerate(statuses):
        stage, _ = records.create(
            ws=ws,
            model=RolloutStage,
            data={
                "release_id": release.id,
                "position": position,
                "name": f"Stage {position + 1}",
                "exit_criteria": "hallucination rate <= 3%",
                "rollback_criteria": "hallucination rate > 5%",
                "status": status,
            },
        )
        ids.append(int(stage.id))
    return int(release.id), ids


def _log_move(ws, stage_id: int, day: dt.date, old: str, new: str) -> None:
    """A status change of a stage as the change log records it, on ``day``."""
    with ws.write(who="pm") as session:
        session.add(
            ChangeLog(
                at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
                who="pm",
                entity="rollout_stage",
                entity_id=stage_id,
                action="update",
                label="stage",
                changes={"status": [old, new]},
            )
        )


def test_a_finished_stage_is_judged_on_its_own_window_not_today(ws) -> None:
    kpi = _kpi(ws)
    for day, value in ((D(2026, 3, 2), 6.0), (D(2026, 3, 9), 2.5), (D(2026, 3, 16), 2.8)):
        kpis.set_snapshot(ws=ws, kpi_id=kpi, day=day, value=value)
    kpis.set_snapshot(ws=ws, kpi_id=kpi, day=D(2026, 5, 4), value=7.0)  # "today": bad
    release_id, (stage,) = _release(ws, statuses=("complete",))
    _log_move(ws, stage, D(2026, 3, 5), "pending", "active")
    _log_move(ws, stage, D(2026, 3, 17), "active", "complete")

    exit_, rollback = launch.criteria_status(ws=ws, release_id=release_id)
    assert exit_.basis == "window" and (exit_.window_start, exit_.window_end) == (
        D(2026, 3, 5),
        D(2026, 3, 17),
    )
    # the last snapshot of the window (2.8 on 16 March), not today's 7.0
    assert (exit_.latest, exit_.latest_date, exit_.met) == (2.8, D(2026, 3, 16), True)
    # no snapshot inside the window crossed 5%: the 6.0 was before the stage started
    assert (rollback.met, rollback.latest_date) == (False, D(2026, 3, 16))

    # a running stage is judged on the latest snapshot
    records.update(ws=ws, model=RolloutStage, id=stage, data={"status": "active"})
    running = launch.criteria_status(ws=ws, release_id=release_id)
    assert running[0].basis == "latest" and (running[0].latest, running[0].met) == (7.0, False)
    assert running[1].met is True  # the rollback trigger fires on today's value


def test_a_rollback_that_fired_inside_the_window_is_reported(ws) -> None:
    kpi = _kpi(ws)
    for day, value in ((D(2026, 3, 9), 5.6), (D(2026, 3, 16), 2.8)):
        kpis.set_snapshot(ws=ws, kpi_id=kpi, day=day, value=value)
    release_id, (stage,) = _release(ws, statuses=("rolled_back",))
    _log_move(ws, stage, D(2026, 3, 5), "pending", "active")
    _log_move(ws, stage, D(2026, 3, 17), "active", "rolled_back")
    rollback = launch.criteria_status(ws=ws, release_id=release_id)[1]
    assert (rollback.met, rollback.latest, rollback.latest_date) == (True, 5.6, D(2026, 3, 9))


def test_a_stage_entered_as_complete_shows_what_its_status_records(ws) -> None:
    kpi = _kpi(ws)
    kpis.set_snapshot(ws=ws, kpi_id=kpi, day=D(2026, 5, 4), value=9.0)  # today's: bad
    release_id, _ = _release(ws, statuses=("complete",))  # no dated status change
    exit_, rollback = launch.criteria_status(ws=ws, release_id=release_id)
    assert exit_.basis == rollback.basis == "recorded"
    assert exit_.latest is None and exit_.met is True  # complete: its exit was met
    assert rollback.met is False  # and it was not rolled back


def test_a_release_with_every_stage_complete_has_launched(ws) -> None:
    release_id, stages = _release(ws, target=D(2026, 3, 20), statuses=("complete", "complete"))
    launch.ensure_checklist(ws=ws, release_id=release_id)
    ready = launch.readiness(ws=ws, release_id=release_id)
    assert ready.state == "launched" and ready.launch.launched_on == D(2026, 3, 20)
    assert ready.state_text == "Launched on 2026-03-20"
    assert ready.reasons[0] == "Launched on 2026-03-20: all 2 rollout stages complete."
    assert ready.reason_kinds[0] == "launched"
    assert all(r.startswith("Still open: ") for r in ready.reasons[1:])
    assert ready.as_dict()["state"] == "launched"
    assert ready.as_dict()["launched_on"] == "2026-03-20"
    [info] = launch.release_list(ws=ws)
    assert (info.state, info.state_text, info.launched_on) == (
        "launched",
        "Launched",
        D(2026, 3, 20),
    )
    # the day the final stage started, when the change log knows it
    _log_move(ws, stages[-1], D(2026, 3, 18), "pending", "active")
    assert launch.readiness(ws=ws, release_id=release_id).launch.launched_on == D(2026, 3, 18)
    # one stage still to run: not launched, a go / no-go again
    records.update(ws=ws, model=RolloutStage, id=stages[-1], data={"status": "active"})
    ready = launch.readiness(ws=ws, release_id=release_id)
    assert ready.state == "no-go" and ready.state_text == "NO-GO"


def test_a_release_without_stages_is_not_launched(ws) -> None:
    release_id, _ = _release(ws, target=D(2026, 1, 5), statuses=())
    assert launch.readiness(ws=ws, release_id=release_id).state == "no-go"


def test_blocking_items_are_a_reason_of_their_own_kind(ws) -> None:
    release_id, _ = _release(ws)
    launch.ensure_checklist(ws=ws, release_id=release_id)
    ready = launch.readiness(ws=ws, release_id=release_id)
    assert "blocking" in ready.reason_kinds
    others = ready.reasons_except("blocking")
    assert len(others) == len(ready.reasons) - 1
    assert not any("blocking item" in r for r in others)


def test_risk_counts_read_as_levels_not_plurals(ws) -> None:
    from aipm_desktop.models import Risk, UseCase
    from aipm_desktop.services import risks

    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Bot"})
    release, _ = records.create(ws=ws, model=Release, data={"name": "GA", "use_case_id": uc.id})
    for title in ("Leak", "Drift"):
        risk, _ = records.create(
            ws=ws,
            model=Risk,
            data={"title": title, "category": "Privacy", "likelihood": 4, "impact": 4},
        )
        risks.set_links(ws=ws, risk_id=risk.id, use_case_ids=[uc.id])
    ready = launch.readiness(ws=ws, release_id=int(release.id))
    assert any(": 2 high (" in r for r in ready.reasons)
    assert not any("highs" in r for r in ready.reasons)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(tmp_path_factory.mktemp("rollout") / "demo.aipm", demo=True)
    yield ws
    ws.close()


def test_demo_shipped_release_has_launched_on_its_target_date(demo) -> None:
    rid = launch.resolve_release(ws=demo, ref="Reply drafts 2.0")
    ready = launch.readiness(ws=demo, release_id=rid)
    release = records.get(ws=demo, model=Release, id=rid)
    assert ready.state == "launched" and ready.launch.launched_on == release.target_date
    assert ready.percent == 100 and not ready.blocking
    # its finished stages are judged in their windows, all before today
    checks = launch.criteria_status(ws=demo, release_id=rid)
    assert checks and all(c.basis == "window" for c in checks)
    assert all(c.latest_date is not None and c.latest_date < TODAY for c in checks)
    assert all(c.met is (c.which != "rollback") for c in checks)  # met, never triggered


def test_demo_criteria_name_tracked_kpis(demo) -> None:
    for release in launch.release_list(ws=demo):
        checks = launch.criteria_status(ws=demo, release_id=release.id)
        unmatched = [c.text for c in checks if c.kpi_id is None]
        assert not unmatched, unmatched
        assert len(checks) >= 15
    upcoming = launch.resolve_release(ws=demo, ref="Answer bot GA")
    checks = launch.criteria_status(ws=demo, release_id=upcoming)
    assert {c.basis for c in checks} == {"window", "latest"}  # one stage done, one running
    assert {c.met for c in checks if c.basis == "latest"} == {True, False}  # evaluated both ways
    demo_checks = [c for c in launch.checks(ws=demo, release_id=upcoming)]
    assert any(c.status != "done" for c in demo_checks)
    assert records.get(ws=demo, model=LaunchCheck, id=demo_checks[0].id) is not None
