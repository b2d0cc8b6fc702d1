"""Two windows, one workspace: live refresh and the lost connection, for any back end.

:class:`LiveWorkspace` (``ctx.live``) polls the open workspace every
:data:`POLL_MS` through :class:`~aipm_desktop.store.watch.Watch`: one cheap query says
whether anything was committed; the operations other windows or processes committed are
then announced on ``ctx.changed`` like the app's own edits, so every view refreshes what
they touched (views keep the selection and the text being typed, as after an own edit).
They are not put on this window's undo stack. A poll waits while this process writes.

On a server the poll also runs the moment the server notifies a commit: a
:class:`~aipm_desktop.store.watch.CommitListener` (its own thread and connection) wakes
the GUI thread through a queued signal, and while it listens the timer polls only every
:data:`LISTENING_POLL_MS` as a fallback. When the listener's connection drops, polling
goes back to every :data:`POLL_MS` (which then finds the lost connection, if it is one);
the listener starts again once the workspace is back.

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

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from ..errors import UnavailableError
from ..services.changes import Changes
from ..store import Workspace
from ..store.watch import (
    LISTENING_POLL_INTERVAL_S,
    POLL_INTERVAL_S,
    CommitListener,
    ExternalOperation,
    Watch,
    is_connection_error,
    listen,
    writing,
)
from .widgets.page_header import named_label

if TYPE_CHECKING:
    from .context import AppContext

#: How often (ms) the open workspace is asked whether another window committed.
POLL_MS = round(POLL_INTERVAL_S * 1000)
#: How often (ms) the timer still polls while the server's notifications wake the poll.
LISTENING_POLL_MS = round(LISTENING_POLL_INTERVAL_S * 1000)
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
    #: From the listener's thread: an operation committed; the listener's connection failed.
    _committed = Signal()
    _listener_failed = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.watch: Watch | None = None
        #: The server's notifications of commits (None on a file, or after it failed).
        self.listener: CommitListener | None = None
        #: Why the last listener ended ("" while it listens or none was started).
        self.listener_error = ""
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
        self.wake_timer = QTimer(self)  # one poll for a burst of notifications
        self.wake_timer.setObjectName("liveWakeTimer")
        self.wake_timer.setSingleShot(True)
        self.wake_timer.setInterval(0)
        self.wake_timer.timeout.connect(self.poll)
        queued = Qt.ConnectionType.QueuedConnection
        self._committed.connect(self.wake_timer.start, queued)
        self._listener_failed.connect(self._on_listener_failed, queued)
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
        self._listen(ws)

    def _listen(self, ws: Workspace) -> None:
        """Poll from now on, woken by the server's notifications when there are any."""
        self._stop_listening()
        self.listener = listen(
            ws,
            lambda _op_id: self._committed.emit(),
            lambda error: self._listener_failed.emit(_reason(error)),
        )
        self.poll_timer.start(POLL_MS if self.listener is None else LISTENING_POLL_MS)

    def _stop_listening(self) -> None:
        if self.listener is not None:
            self.listener.stop(wait=False)  # the GUI goes on; its thread ends by itself
            self.listener = None
        self.wake_timer.stop()

    @Slot(str)
    def _on_listener_failed(self, reason: str) -> None:
        """The notifications stopped: poll as often as without them, and once at once (it
        finds the lost connection when that is why)."""
        self.listener_error = reason
        self._stop_listening()
        if self.watch is None or self.lost:
            return
        self.poll_timer.start(POLL_MS)
        self.poll()

    def stop(self) -> None:
        self._stop_listening()
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
        first = not self.lost
        self.lost_reason = _reason(error)
        if not first:
            return
        self._stop_listening()
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
            self.lost_reason = _reason(error)
            self.retry_in = min(self.retry_in * 2, LAST_RETRY_S)
            self.retry_timer.start(self.retry_in * 1000)
            self.availability_changed.emit(False)
            return False
        self.watch = watch
        self.lost_reason = ""
        self._listen(ws)
        self.availability_changed.emit(True)
        self.ctx.notify(Changes("workspace"))
        return True


def _reason(error: BaseException) -> str:
    """What an error says, on one line (the driver's own message when it has one)."""
    text = " ".join(str(getattr(error, "orig", None) or error).split())[:200]
    return text or type(error).__name__


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
