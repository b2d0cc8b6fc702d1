"""Two windows, one workspace: live refresh and the lost connection, for any back end.

:class:`LiveWorkspace` (``ctx.live``) polls the open workspace every
:data:`POLL_MS` through :class:`~aipm_desktop.store.watch.Watch`: one cheap query says
whether anything was committed; the operations other windows or processes committed are
then announced on ``ctx.changed`` like the app's own edits, so every view refreshes what
they touched (views keep the selection and the text being typed, as after an own edit).
They are not put on this window's undo stack. A poll waits while this process writes.

When the workspace cannot be reached (a server down, a file's storage gone: the store's
connection errors), the workspace is *lost*: ``ctx.readonly`` is true, every edit is
refused before it touches anything, the :class:`ConnectionBanner` says so, and
:meth:`LiveWorkspace.reconnect` tries ``Workspace.ping()`` after 1, 2, 4 … 30 seconds
(and at once from the banner's Reconnect now). Once back, every view reads again.

Signals of :class:`LiveWorkspace`:
    availability_changed(bool): False when the workspace was lost, True when it is back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from ..errors import UnavailableError
from ..services.changes import Changes
from ..store import Workspace
from ..store.watch import (
    POLL_INTERVAL_S,
    ExternalOperation,
    Watch,
    is_connection_error,
    writing,
)
from .widgets.page_header import named_label

if TYPE_CHECKING:
    from .context import AppContext

#: How often (ms) the open workspace is asked whether another window committed.
POLL_MS = round(POLL_INTERVAL_S * 1000)
#: Seconds between reconnection attempts: doubling from the first to the last.
FIRST_RETRY_S = 1
LAST_RETRY_S = 30


def changes_of(ops: list[ExternalOperation]) -> Changes:
    """One :class:`Changes` for operations committed elsewhere: every kind they touched;
    the record kind, ids and action of the first one's first kind."""
    first = ops[0]
    kind = sorted(first.kinds, key=lambda k: k.value)[0]
    kinds = frozenset(k for op in ops for k in op.kinds)
    ids = tuple(dict.fromkeys(i for op in ops for i in op.ids.get(kind, ())))
    action = first.actions.get(kind, "update") if len(ops) == 1 else "update"
    return Changes(kind.value, ids, action).with_kinds(kinds, [op.id for op in ops])


class LiveWorkspace(QObject):
    """The poller of the open workspace and its lost / back state (see the module)."""

    availability_changed = Signal(bool)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.watch: Watch | None = None
        #: Why the workspace is unavailable ("" while it is reachable).
        self.lost_reason = ""
        #: Seconds until the next reconnection attempt (while lost).
        self.retry_in = FIRST_RETRY_S
        self.poll_timer = QTimer(self)
        self.poll_timer.setObjectName("livePollTimer")
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        self.retry_timer = QTimer(self)
        self.retry_timer.setObjectName("reconnectTimer")
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.reconnect)
        ctx.workspace_opened.connect(self.start)
        ctx.workspace_closed.connect(self.stop)

    @property
    def lost(self) -> bool:
        return bool(self.lost_reason)

    # -- polling ---------------------------------------------------------------------------

    def start(self, ws: Workspace) -> None:
        """Watch ``ws`` from now on (what was committed before is already shown)."""
        self.stop()
        try:
            self.watch = Watch(ws)
        except Exception as error:
            if not is_connection_error(error):
                raise
            self.connection_lost(error)
            return
        self.poll_timer.start()

    def stop(self) -> None:
        self.poll_timer.stop()
        self.retry_timer.stop()
        self.watch = None
        if self.lost:
            self.lost_reason = ""
            self.availability_changed.emit(True)

    def poll(self) -> list[ExternalOperation]:
        """Announce what other windows committed since the last poll; what was found."""
        watch, ws = self.watch, self.ctx.workspace
        if watch is None or ws is None or watch.ws is not ws or self.lost:
            return []
        if not ws.still_there() or writing(ws):
            return []  # a replaced file is the main window's to report; a write first
        try:
            found = watch.poll()
            if found:  # the views read what changed: the connection may drop meanwhile
                self.ctx.notify(changes_of(found))
        except Exception as error:
            if not is_connection_error(error):
                raise
            self.connection_lost(error)
            return []
        return found

    # -- lost and back ---------------------------------------------------------------------

    def refusal(self) -> UnavailableError:
        """The error an edit gets while the workspace is lost."""
        return UnavailableError(
            "The workspace cannot be reached right now, so edits are disabled and nothing "
            f"was changed ({self.lost_reason}). The app reconnects by itself; try again "
            "once the banner has gone."
        )

    def connection_lost(self, error: BaseException) -> None:
        """The store could not reach the workspace: turn read-only and start retrying."""
        reason = " ".join(str(getattr(error, "orig", None) or error).split())[:200]
        first = not self.lost
        self.lost_reason = reason or type(error).__name__
        if not first:
            return
        self.poll_timer.stop()
        self.retry_in = FIRST_RETRY_S
        self.retry_timer.start(self.retry_in * 1000)
        self.availability_changed.emit(False)

    def reconnect(self) -> bool:
        """Try to reach the workspace now; True when it is back (then every view reads
        again), else the next try is scheduled with a doubled wait (at most 30 s)."""
        ws = self.ctx.workspace
        if not self.lost or ws is None:
            return not self.lost
        self.retry_timer.stop()
        try:
            ws.ping()
            watch = Watch(ws)
        except Exception as error:
            self.lost_reason = " ".join(str(getattr(error, "orig", None) or error).split())[:200]
            self.retry_in = min(self.retry_in * 2, LAST_RETRY_S)
            self.retry_timer.start(self.retry_in * 1000)
            self.availability_changed.emit(False)
            return False
        self.watch = watch
        self.lost_reason = ""
        self.poll_timer.start()
        self.availability_changed.emit(True)
        self.ctx.notify(Changes("workspace"))
        return True


class ConnectionBanner(QFrame):
    """The banner saying the workspace is unavailable, with Reconnect now."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self.live = ctx.live
        self.label = named_label("", "connectionBannerText", wrap=True)
        self.reconnect_button = QPushButton("Reconnect now")
        self.reconnect_button.setObjectName("reconnectButton")
        self.reconnect_button.clicked.connect(self._on_reconnect_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reconnect_button)
        self.setVisible(False)
        self.live.availability_changed.connect(self._on_live_availability_changed)

    def _on_live_availability_changed(self, available: bool) -> None:
        if available:
            self.setVisible(False)
            return
        self.label.setText(
            "The workspace cannot be reached, so edits are disabled (nothing was "
            f"half-written). Reconnecting by itself: next try in {self.live.retry_in} s. "
            f"Reason: {self.live.lost_reason}"
        )
        self.setVisible(True)

    def _on_reconnect_button_clicked(self) -> None:
        self.live.reconnect()
