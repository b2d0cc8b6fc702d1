"""The roadmap timeline as a user works it: drag, resize, undo, arrows, zoom, links, export."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from aipm_desktop.models import RoadmapItem
from aipm_desktop.services import clock, records, roadmap

TODAY = clock.today()


def _item(ws, title, start_offset, days, lane="Product and UX", kind="work"):
    start = TODAY + dt.timedelta(days=start_offset)
    end = start if kind != "work" else start + dt.timedelta(days=days - 1)
    obj, _changes = records.create(
        ws=ws,
        model=RoadmapItem,
        data={
            "title": title,
            "lane": lane,
            "kind": kind,
            "start": start,
            "end": end,
            "planned_start": start,
            "planned_end": end,
        },
    )
    return obj.id


def _dates(ws, item_id):
    with ws.session() as session:
        item = session.get(RoadmapItem, item_id)
        return item.start, item.end


@pytest.fixture
def page(qtbot, app_ctx, ws):
    from aipm_desktop.ui.roadmap.page import RoadmapPage

    ids = {
        "data": _item(ws, "Golden evaluation set", -10, 20, lane="Data readiness"),
        "model": _item(ws, "Fine-tune v2", 15, 10, lane="Model iteration"),
        "launch": _item(ws, "Beta launch", 30, 1, lane="Launch and GTM", kind="milestone"),
    }
    roadmap.add_dependency(ws=ws, predecessor_id=ids["data"], successor_id=ids["model"])
    app_ctx.set_workspace(ws)
    widget = RoadmapPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(20)
    widget.ids = ids
    return widget


def _centre(view, item_id) -> QPoint:
    return view.viewport_rect(item_id).center().toPoint()


def _drag(view, start: QPoint, end: QPoint) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    middle = QPoint((start.x() + end.x()) // 2, start.y())
    QTest.mouseMove(viewport, middle)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def test_dragging_a_bar_moves_its_dates_and_undo_restores_them(page, ws, app_ctx):
    timeline = page.timeline
    timeline.set_zoom("weeks")
    item_id = page.ids["model"]
    before = _dates(ws, item_id)
    start = _centre(timeline.view, item_id)
    days = 4
    _drag(timeline.view, start, start + QPoint(round(days * timeline.scene.ppd), 0))

    assert _dates(ws, item_id) == (
        before[0] + dt.timedelta(days=days),
        before[1] + dt.timedelta(days=days),
    )
    # The bar sits at its new dates on screen.
    rect = timeline.view.viewport_rect(item_id)
    assert abs(rect.center().x() - (start.x() + days * timeline.scene.ppd)) <= 2
    assert app_ctx.undo_stack.undoText().startswith("move")

    app_ctx.undo_stack.undo()
    assert _dates(ws, item_id) == before


def test_a_drag_that_pushes_dependents_is_one_undo_step(page, ws, app_ctx):
    timeline = page.timeline
    timeline.set_zoom("weeks")
    timeline.shift_check.setChecked(True)
    data, model = page.ids["data"], page.ids["model"]
    data_before, model_before = _dates(ws, data), _dates(ws, model)
    depth = app_ctx.undo_stack.count()
    start = _centre(timeline.view, data)
    days = 14  # the data item now ends after "Fine-tune v2" starts
    _drag(timeline.view, start, start + QPoint(round(days * timeline.scene.ppd), 0))

    data_after, model_after = _dates(ws, data), _dates(ws, model)
    assert data_after == tuple(d + dt.timedelta(days=days) for d in data_before)
    assert model_after != model_before and model_after[0] >= data_after[1]  # pushed along
    assert model_after[1] - model_after[0] == model_before[1] - model_before[0]
    assert app_ctx.undo_stack.count() == depth + 1

    app_ctx.undo_stack.undo()
    assert _dates(ws, data) == data_before and _dates(ws, model) == model_before
    app_ctx.undo_stack.redo()
    assert _dates(ws, data) == data_after and _dates(ws, model) == model_after


def test_removing_a_dependency_and_undo_brings_back_the_same_link(page, ws, app_ctx):
    timeline = page.timeline
    [dep] = roadmap.timeline(ws=ws)[1]
    timeline.scene.select(None, dep.id)
    assert timeline.delete_selected()
    assert roadmap.timeline(ws=ws)[1] == []
    assert dep.id not in timeline.scene.deps
    assert app_ctx.undo_stack.undoText() == "remove roadmap dependency"

    app_ctx.undo_stack.undo()
    [back] = roadmap.timeline(ws=ws)[1]
    assert (back.id, back.predecessor_id, back.successor_id) == (
        dep.id,
        page.ids["data"],
        page.ids["model"],
    )
    assert dep.id in timeline.scene.deps
    app_ctx.undo_stack.redo()
    assert roadmap.timeline(ws=ws)[1] == []


def test_dragging_the_right_edge_changes_only_the_end(page, ws):
    timeline = page.timeline
    timeline.set_zoom("weeks")
    item_id = page.ids["model"]
    before = _dates(ws, item_id)
    rect = timeline.view.viewport_rect(item_id)
    edge = QPoint(round(rect.right()) - 2, round(rect.center().y()))
    _drag(timeline.view, edge, edge + QPoint(round(3 * timeline.scene.ppd), 0))
    assert _dates(ws, item_id) == (before[0], before[1] + dt.timedelta(days=3))


def test_a_violated_dependency_is_drawn_red(page, ws):
    scene = page.timeline.scene
    (ok_dep,) = scene.deps
    assert scene.arrows[ok_dep].pen().color().name() == "#8a96a3"
    # The model work now starts before the data work ends: a violation, drawn red.
    page.timeline.move_item(page.ids["model"], TODAY - dt.timedelta(days=5), TODAY)
    assert scene.deps[ok_dep].violated
    assert scene.arrows[ok_dep].pen().color().name() == "#d64545"


def test_zoom_levels_keep_the_today_line(page):
    timeline = page.timeline
    scene = timeline.scene
    for name in ("weeks", "quarters", "months"):
        timeline.set_zoom(name)
        assert timeline.zoom_buttons[name].isChecked()
        line = scene.today_line.line()
        assert scene.today_line.scene() is scene and scene.today_line.isVisible()
        assert line.x1() == pytest.approx(scene.x_of(scene.today) + scene.ppd / 2)
        assert line.y2() == pytest.approx(scene.sceneRect().height())
    # Ctrl+wheel zooms around the cursor: the date under the mouse stays there.
    timeline.set_zoom("weeks")
    timeline.scroll_to_today()
    view = timeline.view
    pos = QPoint(300, 40)
    day_before = scene.date_at(view.mapToScene(pos).x())
    ppd = scene.ppd
    timeline.zoom_to(ppd * 1.25, pos.x())
    assert scene.ppd == pytest.approx(ppd * 1.25)
    assert abs((scene.date_at(view.mapToScene(pos).x()) - day_before).days) <= 1


def test_add_dependency_mode_refuses_a_cycle_with_a_message(page, ws, app_ctx, qtbot):
    timeline = page.timeline
    errors = []
    app_ctx.user_error.connect(errors.append)
    timeline.link_button.click()
    assert timeline.view.link_mode
    # data -> model exists; model -> launch is fine; launch -> data would close a cycle.
    QTest.mouseClick(
        timeline.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=_centre(timeline.view, page.ids["model"]),
    )
    QTest.mouseClick(
        timeline.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=_centre(timeline.view, page.ids["launch"]),
    )
    assert len(timeline.scene.deps) == 2
    QTest.mouseClick(
        timeline.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=_centre(timeline.view, page.ids["launch"]),
    )
    QTest.mouseClick(
        timeline.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=_centre(timeline.view, page.ids["data"]),
    )
    assert len(errors) == 1 and "cycle" in errors[0].message
    assert "cycle" in timeline.hint.text()
    assert len(roadmap.timeline(ws=ws)[1]) == 2
    QTest.keyClick(timeline, Qt.Key.Key_Escape)
    assert not timeline.view.link_mode


def test_delete_key_removes_the_selected_item_undoably(page, ws, app_ctx):
    timeline = page.timeline
    item_id = page.ids["launch"]
    QTest.mouseClick(
        timeline.view.viewport(), Qt.MouseButton.LeftButton, pos=_centre(timeline.view, item_id)
    )
    assert timeline.selected_id() == item_id
    timeline.view.setFocus()
    QTest.keyClick(timeline.view, Qt.Key.Key_Delete)
    assert item_id not in timeline.scene.items_by_id
    app_ctx.undo_stack.undo()
    assert item_id in timeline.scene.items_by_id


def test_export_writes_a_png_of_the_visible_range(page, tmp_path, qtbot):
    out = tmp_path / "roadmap.png"
    with qtbot.waitSignal(page.timeline.export_finished, timeout=20000):
        page.timeline.export_to(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- legend and export footer ---------------------------------------------------------------


def test_the_legend_says_what_outlines_mean_and_fits_a_laptop_window(qtbot, page):
    from aipm_desktop.ui.roadmap.timeline_headers import LEGEND_ENTRIES

    legend = page.timeline.legend
    assert legend.isVisible()
    texts = legend.texts()
    for meaning in ("Critical path", "Blocked", "Selected", "Planned dates", "Violated"):
        assert meaning in texts
    assert len(texts) == len(LEGEND_ENTRIES)
    # Narrow enough never to widen the window; at a 1280-wide window the entries fit the
    # legend's width (wrapping onto more rows if needed) and the rows are all shown.
    assert legend.minimumSizeHint().width() < 300
    page.resize(1280 - 220, 720 - 110)  # the page beside the navigation, under the menu
    qtbot.wait(20)
    rects = legend.entry_rects()
    assert all(rect.right() <= legend.width() + 0.5 for rect in rects)
    assert legend.height() >= max(rect.bottom() for rect in rects) - 0.5
    assert page.minimumSizeHint().width() <= 1280 - 220
    image = legend.grab().toImage()
    assert image.width() == legend.width()


def test_the_legend_wraps_on_a_narrow_window(qtbot, page):
    legend = page.timeline.legend
    one_row = legend.heightForWidth(4000)
    assert legend.heightForWidth(300) > one_row
    page.resize(700, 700)
    qtbot.waitUntil(lambda: legend.height() == legend.heightForWidth(legend.width()))
    assert legend.height() > one_row


def test_export_carries_the_footer(page, tmp_path, qtbot, ws):
    from aipm_desktop.services.workspace import get_settings, update_settings

    update_settings(ws=ws, data={"client": "Acme Bank"})
    out = tmp_path / "roadmap.svg"
    with qtbot.waitSignal(page.timeline.export_finished, timeout=20000):
        page.timeline.export_to(out)
    svg = out.read_text(encoding="utf-8")
    assert "Client: Acme Bank" in svg and get_settings(ws=ws).name in svg
    assert page.timeline.scene.today.isoformat() in svg


def test_item_tooltip_dates_use_the_date_format(page):
    from aipm_desktop.services import dates
    from aipm_desktop.ui.roadmap.timeline_view import item_tooltip

    item = page.timeline.scene.items_by_id[page.ids["model"]]
    text = item_tooltip(item)
    assert dates.format_range(item.start, item.end) in text
    milestone = page.timeline.scene.items_by_id[page.ids["launch"]]
    assert dates.format_date(milestone.start) in item_tooltip(milestone)
