"""File ▸ Connect to team server…: open a workspace kept on a PostgreSQL server.

:class:`ConnectDialog` asks for the host, port, database, user and SSL mode (no password:
libpq reads it from ``~/.pgpass``, ``PGPASSWORD`` or a service file) and shows the URL it
builds. :func:`open_server` opens that URL through the same ``open_workspace`` as a
file, remembers it (without any password) among the recent connections listed beside
the recent files, and makes it the open workspace. ``aipm-desktop postgresql://…`` on
the command line takes the same path.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import locations
from ..errors import UnavailableError, UserError
from ..store import open_workspace
from ..store.watch import is_connection_error
from .errors import show_user_error
from .widgets.builders import LABELS_RIGHT, dialog_buttons, form_layout, line_edit, open_dialog
from .widgets.dialog_parts import dialog_heading
from .widgets.page_header import named_label

if TYPE_CHECKING:
    from .main_window import MainWindow

PASSWORD_NOTE = (
    "No password is asked for or stored here. PostgreSQL's client library reads it from "
    "~/.pgpass, the PGPASSWORD environment variable or a service file (pg_service.conf)."
)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user database (containers)
        return ""


class ConnectDialog(QDialog):
    """The server's host, port, database, user and SSL mode; :meth:`url` builds the URL.

    Connect is enabled once the host and the database are given; accepting opens it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to team server")
        heading, intro = dialog_heading(
            "Connect to a team server",
            "Open a workspace kept in a PostgreSQL database your team shares. Everyone "
            "connected sees the others' edits within a second.",
        )
        self.host_edit = line_edit("hostEdit", "db.example.org")
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("portSpin")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(locations.DEFAULT_PORT)
        self.database_edit = line_edit("databaseEdit", "aipm")
        self.user_edit = line_edit("userEdit", "your database user")
        self.user_edit.setText(_login_name())
        self.ssl_combo = QComboBox()
        self.ssl_combo.setObjectName("sslCombo")
        for mode in locations.SSL_MODES:
            self.ssl_combo.addItem(mode, mode)
        fields = (self.host_edit, self.port_spin, self.database_edit, self.user_edit)
        labels = ("Host", "Port", "Database", "User", "SSL mode")
        form = form_layout(*zip(labels, (*fields, self.ssl_combo), strict=True))
        form.setLabelAlignment(LABELS_RIGHT)
        from .widgets.field_editors import FIELD_HEIGHT  # the forms' module, when needed

        for field in fields:
            field.setMinimumHeight(FIELD_HEIGHT)
        self.port_spin.setMaximumWidth(120)
        self.note = named_label(PASSWORD_NOTE, "mutedLabel", wrap=True)
        self.url_label = named_label("", "connectUrl", wrap=True)
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = dialog_buttons(self)
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("Connect")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        for widget in (heading, intro):
            layout.addWidget(widget)
        layout.addLayout(form)
        for widget in (self.note, self.url_label):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        for edit in (self.host_edit, self.database_edit, self.user_edit):
            edit.textChanged.connect(self._on_field_changed)
        self.port_spin.valueChanged.connect(self._on_field_changed)
        self.ssl_combo.currentIndexChanged.connect(self._on_field_changed)
        self._on_field_changed()

    def url(self) -> str:
        """The URL the fields give; a ``ValueError`` says what is missing."""
        return locations.server_url(
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            database=self.database_edit.text(),
            user=self.user_edit.text(),
            sslmode=str(self.ssl_combo.currentData()),
        )

    def _on_field_changed(self, *_args: object) -> None:
        try:
            url = self.url()
        except ValueError as error:
            self.url_label.setText(str(error))
            self.connect_button.setEnabled(False)
            return
        self.url_label.setText(f"Opens {url}")
        self.connect_button.setEnabled(True)


def open_server(window: MainWindow, url: str) -> bool:
    """Open the workspace at server ``url`` in ``window``; on failure say why and keep the
    current one. Remembered among the recent connections (without any password)."""
    url = url.strip()
    try:
        ws = open_workspace(url)  # a URL: the store knows it from a path
    except UserError as err:
        show_user_error(window, err)
        return False
    except Exception as error:
        if not is_connection_error(error):
            raise
        show_user_error(
            window,
            UnavailableError(
                f"Cannot reach {locations.describe(url)}: {getattr(error, 'orig', error)}"
            ),
        )
        return False
    if window.persist:
        window.ctx.settings.add_recent_connection(url)
    window.ctx.set_workspace(ws)
    return True


def ask_connection(window: MainWindow) -> ConnectDialog:
    """Open the connect dialog (as ``window.connect_dialog``); Connect opens the URL."""
    dialog = ConnectDialog(window)
    dialog.accepted.connect(lambda: open_server(window, dialog.url()))
    return open_dialog(window, "connect_dialog", dialog)


def add_recent_connections(window: MainWindow, menu: QMenu) -> int:
    """List the recent team servers in ``menu`` (opening one opens it); how many."""
    urls = window.ctx.settings.recent_connections()
    if urls:
        menu.addSection("Team servers")
    for url in urls:
        action = menu.addAction(locations.describe(url))
        action.setToolTip(url)
        action.setData(url)
        action.triggered.connect(lambda _c=False, u=url: open_server(window, u))
    return len(urls)
