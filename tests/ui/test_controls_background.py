"""The Gaps and Traceability tabs compute off the UI thread: while a slow computation
runs, the tab shows "Computing…" with its progress and the rest of the page still
works; Cancel stops the worker and says so, Compute again starts over; a workspace
change during a run starts a new one and the stale result is never shown."""

from __future__ import annotations

import threading

import pytest

from aipm_desktop.models import UseCase
from aipm_desktop.services import controls as ctl
from aipm_desktop.services import records
from aipm_desktop.services.changes import Changes
from aipm_desktop.ui.controls.background import Cancelled
from aipm_desktop.ui.controls.page import TAB_GAPS, TAB_TRACE


class Gated:
    """A stand-in for a slow service call: each call reports progress and waits for its
    gate (opened by the test), then returns what the real function returns (or
    ``result`` when given). ``ends`` records how each call ended."""

    def __init__(self, real, *, listen: bool = True, result=None) -> None:
        self.real, self.listen, self.result = real, listen, result
        self.gates: list[threading.Event] = []
        self.ends: list[str] = []

    def __call__(self, *, progress, **kwargs):
        gate = threading.Event()
        self.gates.append(gate)
        first = len(self.gates) == 1
        step = 0
        try:
            while not gate.wait(0.005):
                if self.listen or not first:
                    progress(min(step, 9), 10)  # raises Cancelled once the run is stopped
                step += 1
        except Cancelled:
            self.ends.append("cancelled")
            raise
        self.ends.append("returned")
        if self.result is not None and first:
            return self.result
        return self.real(progress=progress, **kwargs)

    def open_all(self) -> None:
        for gate in self.gates:
            gate.set()


@pytest.fixture
def scoring(ws) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Claims scoring"})
    iso = ctl.find_control(ws=ws, ref="iso_42001:A.6.2.8")
    ctl.set_status(ws=ws, control_id=iso, use_case_id=obj.id, values={"status": "verified"})
    return int(obj.id)


@pytest.fixture
def gated(monkeypatch):
    """Installs :class:`Gated` stand-ins; every gate is opened at the end."""
    made: list[Gated] = []

    def install(name: str, **options) -> Gated:
        stand_in = Gated(getattr(ctl, name), **options)
        monkeypatch.setattr(ctl, name, stand_in)
        made.append(stand_in)
        return stand_in

    yield install
    for stand_in in made:
        stand_in.open_all()


def _iso(tab) -> None:
    tab.catalog_combo.setCurrentIndex(
        tab.catalog_combo.findText("ISO/IEC 42001:2023 Annex A (2023)")
    )


def _opened_slow(qtbot, page, scoring, gated, service: str, index: int):
    """The tab ``index`` opened for the use case with ``service`` slowed down: its
    :class:`Gated` stand-in and the tab, once "Computing…" shows."""
    page.show_level(scoring)
    slow = gated(service)
    page.tabs.setCurrentIndex(index)
    tab = page.tabs.currentWidget()
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.busy)
    return slow, tab


def test_gaps_show_progress_stay_usable_cancel_and_compute_again(
    qtbot, controls_page, ws, scoring, gated
):
    page = controls_page
    slow, tab = _opened_slow(qtbot, page, scoring, gated, "gap_overview", TAB_GAPS)
    assert tab is page.gaps
    assert tab.busy.label.text() == "Computing the gap analysis…"
    qtbot.waitUntil(lambda: tab.busy.bar.maximum() == 10 and tab.busy.bar.value() > 0)
    assert tab.busy.cancel_button.isVisible() and not tab.busy.again_button.isVisible()
    # the page still answers while the worker runs: another tab opens and comes back
    page.tabs.setCurrentIndex(TAB_TRACE)
    qtbot.waitUntil(lambda: page.trace.isVisible())
    page.tabs.setCurrentIndex(TAB_GAPS)
    assert tab.busy.running
    qtbot.mouseClick(tab.busy.cancel_button, qtbot_left())
    assert tab.busy.label.text() == "Cancelled: the gap analysis was not computed."
    assert tab.busy.again_button.isVisible() and not tab.busy.bar.isVisible()
    qtbot.waitUntil(lambda: slow.ends == ["cancelled"])  # the worker stopped
    assert tab.reports == []
    # compute again: this time it runs to the end and the figures show
    qtbot.mouseClick(tab.busy.again_button, qtbot_left())
    qtbot.waitUntil(lambda: len(slow.gates) == 2)
    _iso(tab)  # another catalog chosen meanwhile: the run starts over for it
    qtbot.waitUntil(lambda: len(slow.gates) == 3)
    slow.open_all()
    qtbot.waitUntil(lambda: not tab.busy.running)
    assert tab.stack.currentIndex() == 1
    report = tab.current()
    assert (report.use_case, report.applicable, report.covered) == ("Claims scoring", 1, 0)
    assert tab.missing_model.rows[0].ref == "A.6.2.8"


def test_a_change_while_computing_starts_over_and_drops_the_stale_result(
    qtbot, controls_page, ws, scoring, gated
):
    page = controls_page
    page.show_level(scoring)
    page.tabs.setCurrentIndex(TAB_GAPS)
    tab = page.gaps
    _iso(tab)
    qtbot.waitUntil(lambda: not tab.busy.running)
    assert tab.current().covered == 0
    # the first run does not listen for a stop and would return an empty analysis
    slow = gated("gap_overview", listen=False, result=[])
    until = ctl.About(use_case_id=scoring, control_ids=(ctl.find_control(
        ws=ws, ref="iso_42001:A.6.2.8"),))  # fmt: skip
    ctl.add_reference(ws=ws, kind="ticket", target="SEC-12", about=until)
    page.ctx.notify(Changes("evidence_item"))  # the workspace changed (another window)
    qtbot.waitUntil(lambda: len(slow.gates) == 1)
    first = tab.busy.task
    page.ctx.notify(Changes("evidence_item"))  # and again, while the first still runs
    qtbot.waitUntil(lambda: len(slow.gates) == 2)
    with qtbot.waitSignal(first.done):  # its (empty) result reaches the main thread ...
        slow.gates[0].set()
    assert slow.ends == ["returned"]
    assert tab.busy.running and tab.current().covered == 0  # ... and is dropped
    slow.gates[1].set()
    qtbot.waitUntil(lambda: not tab.busy.running)
    # the newest run's figures: A.6.2.8 verified with current evidence, covered
    assert (tab.current().applicable, tab.current().covered) == (1, 1)
    assert "100 % covered (1 of 1); 0 missing" in tab.level_label.text()


def test_traceability_computes_in_the_background_and_can_be_cancelled(
    qtbot, controls_page, ws, scoring, gated
):
    slow, tab = _opened_slow(qtbot, controls_page, scoring, gated, "trace_rows", TAB_TRACE)
    assert tab is controls_page.trace
    assert tab.busy.label.text() == "Computing the traceability matrix…"
    assert not tab.export_button.isEnabled()
    tab.filter_box.setText("A.6")  # typing still works while it computes
    tab.filter_box.flush()
    assert tab.stack.currentWidget() is tab.busy
    qtbot.mouseClick(tab.busy.cancel_button, qtbot_left())
    qtbot.waitUntil(lambda: slow.ends == ["cancelled"])
    assert "Cancelled" in tab.busy.label.text()
    qtbot.mouseClick(tab.busy.again_button, qtbot_left())
    qtbot.waitUntil(lambda: len(slow.gates) == 2)
    slow.open_all()
    qtbot.waitUntil(lambda: not tab.busy.running)
    assert tab.stack.currentWidget() is tab.table
    assert [r.control for r in tab.model.rows] == ["iso_42001:A.6.2.8"]  # the filter holds
    assert tab.export_button.isEnabled()


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
