"""Two app instances on one team server: the other's edit shows the moment the server
notifies it (LISTEN/NOTIFY), polling stays the fallback, and a dropped connection —
the listener's or the whole server's — is survived.

These tests need a PostgreSQL server (tests/pg_cluster.py starts one when it can).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import exc

from aipm_desktop.models import UseCase
from aipm_desktop.services import records
from aipm_desktop.store import Workspace, open_workspace
from aipm_desktop.ui import live


@pytest.fixture
def server_url(pg_server: Any) -> Iterator[str]:
    url = pg_server.new_database(template=pg_server.template())
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def other(server_url: str) -> Iterator[Workspace]:
    """The other instance: another process, on the same server database."""
    ws = open_workspace(server_url)
    yield ws
    ws.close()


@pytest.fixture
def page(qtbot, app_ctx, server_url: str):
    """The Use cases area of a main window over the server workspace (one use case)."""
    from aipm_desktop.ui.main_window import MainWindow

    seeding = open_workspace(server_url)
    records.create(ws=seeding, model=UseCase, data={"title": "Summaries"})
    seeding.close()
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    assert window.open_path(server_url)  # as File ▸ Connect to team server… does
    window.show()
    qtbot.waitExposed(window)
    _wait_listening(qtbot, app_ctx)
    return window.show_area("usecases")


def _titles(page) -> list[str]:
    model = page.list_pane.model
    column = model.spec.index_of("title")
    return sorted(model.index(row, column).data() for row in range(model.rowCount()))


def _wait_listening(qtbot, app_ctx) -> None:
    """Until the window's listener listens (it connects in a thread of its own)."""
    qtbot.waitUntil(lambda: app_ctx.live.listener.listening.is_set(), timeout=30_000)


def test_the_other_instances_edit_shows_on_the_servers_notification(
    qtbot, page, app_ctx, other
) -> None:
    assert app_ctx.live.poll_timer.interval() == live.LISTENING_POLL_MS
    app_ctx.live.poll_timer.stop()  # no polling at all: only the notification can wake it
    records.create(ws=other, model=UseCase, data={"title": "Churn alerts"}, who="bob")
    with qtbot.waitSignal(app_ctx.changed, timeout=30_000) as blocker:
        pass
    assert blocker.args[0].touches("use_case")
    assert _titles(page) == ["Churn alerts", "Summaries"]


def test_a_dropped_listener_falls_back_to_polling_and_nothing_is_missed(
    qtbot, page, app_ctx, other, pg_server, server_url
) -> None:
    banner = page.window().connection_banner
    assert pg_server.cut_connections(server_url, "aipm-desktop-listen") == 1
    qtbot.waitUntil(lambda: app_ctx.live.listener is None, timeout=30_000)
    assert app_ctx.live.listener_error  # why it stopped is kept ...
    assert app_ctx.live.poll_timer.interval() == live.POLL_MS  # ... and polling took over
    assert not app_ctx.live.lost and banner.isHidden()  # the server itself is still there
    records.create(ws=other, model=UseCase, data={"title": "Ticket triage"})
    with qtbot.waitSignal(app_ctx.changed, timeout=30_000):
        pass  # the poll timer finds it
    assert _titles(page) == ["Summaries", "Ticket triage"]


def test_a_lost_server_stops_listening_and_the_reconnect_listens_again(
    qtbot, page, app_ctx, other, monkeypatch
) -> None:
    banner = page.window().connection_banner

    def unreachable(*_args: Any, **_kwargs: Any) -> None:
        raise exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Workspace, "ping", unreachable)
    monkeypatch.setattr(live.Watch, "poll", unreachable)
    with qtbot.waitSignal(app_ctx.live.availability_changed) as lost:
        app_ctx.live.poll()
    assert lost.args == [False] and not banner.isHidden() and app_ctx.readonly
    assert app_ctx.live.listener is None  # edits and notifications wait for the server

    monkeypatch.undo()
    records.create(ws=other, model=UseCase, data={"title": "While away"})
    with qtbot.waitSignal(app_ctx.changed, timeout=30_000):
        banner.reconnect_button.click()
    assert banner.isHidden() and not app_ctx.readonly
    assert _titles(page) == ["Summaries", "While away"]
    assert app_ctx.live.listener is not None and app_ctx.live.listener.alive
    assert app_ctx.live.poll_timer.interval() == live.LISTENING_POLL_MS
    _wait_listening(qtbot, app_ctx)
    app_ctx.live.poll_timer.stop()
    records.create(ws=other, model=UseCase, data={"title": "Back again"})
    with qtbot.waitSignal(app_ctx.changed, timeout=30_000):
        pass  # woken by the new listener
    assert "Back again" in _titles(page)


def test_closing_the_workspace_stops_the_listener(qtbot, page, app_ctx) -> None:
    listener = app_ctx.live.listener
    assert listener is not None and listener.alive
    app_ctx.close_workspace()
    assert not listener.alive
    assert app_ctx.live.listener is None
    assert listener.closed.wait(timeout=30)  # its connection closed by its own thread


def test_a_server_workspace_set_on_the_window_is_a_recent_connection(
    qtbot, app_ctx, server_url: str
) -> None:
    from aipm_desktop.locations import without_password
    from aipm_desktop.ui.main_window import MainWindow

    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    ws = open_workspace(server_url)
    window.set_workspace(ws)  # not a file: no recent file, no last directory
    assert app_ctx.workspace is ws
    assert app_ctx.settings.recent_connections() == [without_password(server_url)]
    assert app_ctx.settings.recent_files() == []
    window.close()  # saving the layout with a server open does not fail


def test_a_screenshot_of_a_server_workspace_opens_the_url(server_url: str, other, tmp_path):
    """``aipm-desktop URL --screenshot OUT`` renders the server workspace (the URL was
    once taken for a file name)."""
    from PySide6.QtGui import QImage

    from aipm_desktop import app

    records.create(ws=other, model=UseCase, data={"title": "Shown from the server"})
    out = tmp_path / "server.png"
    assert app.main([server_url, "--view", "usecases", "--screenshot", str(out)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
