"""File ▸ Connect to team server…, recent connections and server URLs (open path faked:
the store's PostgreSQL back end opens the URL for real)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from aipm_desktop import locations
from aipm_desktop.errors import WorkspaceError
from aipm_desktop.ui import connect

URL = "postgresql://ann@db.example.org:5432/aipm?sslmode=require"


def test_server_url_is_built_from_its_parts_with_names_quoted() -> None:
    assert locations.server_url(host="db.example.org", database="aipm", user="ann") == (
        "postgresql://ann@db.example.org:5432/aipm?sslmode=prefer"
    )
    assert locations.server_url(
        host=" ::1 ", port=6543, database="team ai", user="a@b", sslmode="verify-full"
    ) == ("postgresql://a%40b@[::1]:6543/team%20ai?sslmode=verify-full")
    with pytest.raises(ValueError, match="Enter the host and the database"):
        locations.server_url(host="", database=" ", user="ann")
    with pytest.raises(ValueError, match="SSL mode"):
        locations.server_url(host="h", database="d", user="u", sslmode="allow-all")


def test_passwords_never_survive_in_a_remembered_url() -> None:
    assert locations.without_password("postgresql://ann:s3cret@h:5432/db?sslmode=require") == (
        "postgresql://ann@h:5432/db?sslmode=require"
    )
    assert locations.without_password("postgres://h/db?password=x&sslmode=disable") == (
        "postgres://h/db?sslmode=disable"
    )
    assert locations.without_password("/tmp/a:b@c.aipm") == "/tmp/a:b@c.aipm"
    assert locations.is_server_url("postgresql://h/db")
    assert not locations.is_server_url("notes/postgresql.aipm")
    assert locations.describe(URL) == "aipm on db.example.org (ann)"


def test_recent_connections_are_kept_without_password(app_ctx) -> None:
    settings = app_ctx.settings
    settings.add_recent_connection("postgresql://ann:s3cret@h/db")
    settings.add_recent_connection(URL)
    settings.add_recent_connection("postgresql://ann:other@h/db")
    assert settings.recent_connections() == ["postgresql://ann@h/db", URL]
    settings.sync()
    assert "s3cret" not in settings.path.read_text()
    assert "other" not in settings.path.read_text()


@pytest.fixture
def window(qtbot, app_ctx):
    from aipm_desktop.ui.main_window import MainWindow

    main = MainWindow(app_ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_connect_dialog_builds_the_url_and_opens_it_like_a_file(
    qtbot, window, app_ctx, ws, monkeypatch
):
    opened: list[str] = []

    def fake_open(url):
        opened.append(url)
        return ws

    monkeypatch.setattr(connect, "open_workspace", fake_open)
    window.actions["connect"].trigger()
    dialog = window.connect_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.port_spin.value() == 5432
    assert not [e for e in dialog.findChildren(QLineEdit) if e.echoMode() != QLineEdit.Normal]
    assert "~/.pgpass" in dialog.note.text() and "PGPASSWORD" in dialog.note.text()
    dialog.user_edit.clear()
    qtbot.keyClicks(dialog.user_edit, "ann")
    qtbot.keyClicks(dialog.host_edit, "db.example.org")
    assert not dialog.connect_button.isEnabled()  # no database yet
    assert "Enter the database" in dialog.url_label.text()
    qtbot.keyClicks(dialog.database_edit, "aipm")
    dialog.ssl_combo.setCurrentIndex(dialog.ssl_combo.findData("require"))
    assert dialog.url_label.text() == f"Opens {URL}"
    dialog.connect_button.click()

    assert opened == [URL]
    assert app_ctx.workspace is ws
    assert window.connect_dialog is None
    assert app_ctx.settings.recent_connections() == [URL]
    assert app_ctx.settings.recent_files() == []  # a server is not a recent file
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert "aipm on db.example.org (ann)" in texts


def test_a_recent_connection_reopens_and_a_failure_keeps_the_current_workspace(
    qtbot, window, app_ctx, ws, monkeypatch, message_boxes
):
    app_ctx.settings.add_recent_connection(URL)
    window.set_workspace(ws)

    def refuse(url):
        raise WorkspaceError(f"Cannot connect to {url}: password authentication failed.")

    monkeypatch.setattr(connect, "open_workspace", refuse)
    window._fill_recent_menu()
    action = next(a for a in window.recent_menu.actions() if a.data() == URL)
    action.trigger()
    boxes = message_boxes()
    assert boxes and "password authentication failed" in boxes[0].text()
    assert app_ctx.workspace is ws


def test_open_path_and_the_command_line_take_a_server_url(qtbot, app_ctx, ws, monkeypatch):
    from aipm_desktop.app import build_parser, start_gui, start_path

    monkeypatch.setattr(connect, "open_workspace", lambda url: ws if url == URL else None)
    assert start_path(URL, False) == URL
    window = start_gui(build_parser().parse_args([URL]), persist=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.ctx.workspace is ws, timeout=5000)
    window.ctx.close_workspace()


def test_the_welcome_page_lists_recent_servers_beside_files(
    qtbot, app_ctx, ws, monkeypatch, tmp_path
):
    from aipm_desktop.ui.main_window import MainWindow
    from aipm_desktop.ui.welcome import PATH_ROLE

    app_ctx.settings.add_recent_file(ws.path)
    app_ctx.settings.add_recent_connection("postgresql://ann:s3cret@db.example.org/aipm")
    monkeypatch.setattr(connect, "open_workspace", lambda url: ws)
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    listed = window.welcome.recent
    texts = [listed.item(row).text() for row in range(listed.count())]
    assert texts[0].startswith("test    —    ")
    assert texts[1] == "aipm on db.example.org (ann)    —    team server"
    server = listed.item(1)
    assert server.data(PATH_ROLE) == "postgresql://ann@db.example.org/aipm"
    listed.itemClicked.emit(server)
    assert app_ctx.workspace is ws
