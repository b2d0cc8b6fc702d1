"""The explicit app context handed to every view: no global registries.

A view gets an :class:`AppContext` in its constructor and finds there the open workspace,
the settings, the undo stack and the task runner. It edits through
``ctx.run_edit(SomeCommand(ctx, ...))`` and refreshes itself on ``ctx.changed``; views
never call each other.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..errors import UserError
from ..services import dates
from ..services.changes import Changes
from ..store import Workspace
from .settings import Settings
from .tasks import TaskRunner


class AppContext(QObject):
    """The open workspace and the app-wide services of the GUI.

    Signals:
        changed(object): a :class:`~aipm_desktop.services.changes.Changes` after every
            write, undo and redo.
        workspace_opened(object): the :class:`~aipm_desktop.store.Workspace` now open.
        workspace_closed(): the workspace was closed (before another one opens).
        user_error(object): a :class:`~aipm_desktop.errors.UserError` to show the user as a
            plain message (the main window shows it).
    """

    changed = Signal(object)
    workspace_opened = Signal(object)
    workspace_closed = Signal()
    user_error = Signal(object)

    def __init__(
        self,
        settings: Settings | None = None,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else Settings()
        dates.set_style(self.settings.date_style())
        self.tasks = tasks if tasks is not None else TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self._workspace: Workspace | None = None
        from .live import LiveWorkspace

        #: Live refresh from other windows and the lost-connection state (:mod:`.live`).
        self.live = LiveWorkspace(self)
        #: The conflict dialog open now (see :mod:`.conflicts`), else None.
        self.conflict_dialog: QObject | None = None

    # -- workspace ------------------------------------------------------------------------

    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    @property
    def readonly(self) -> bool:
        """True when no workspace is open, the open one is read-only, or it cannot be
        reached now (see :mod:`.live`)."""
        return self._workspace is None or self._workspace.readonly or self.live.lost

    def require_workspace(self) -> Workspace:
        """The open workspace; a plain error when there is none."""
        if self._workspace is None:
            raise UserError("No workspace is open. Open or create one first.")
        return self._workspace

    def set_workspace(self, ws: Workspace | None) -> None:
        """Close the current workspace (if any) and make ``ws`` the open one."""
        if ws is self._workspace:
            return
        self.undo_stack.clear()
        old = self._workspace
        if old is not None:
            self._workspace = None
            self.workspace_closed.emit()
            old.close()
        self._workspace = ws
        if ws is not None:
            self._restore_undo_steps(ws)
            self.workspace_opened.emit(ws)

    #: How many of the file's recorded operations come back as undo steps on opening.
    RESTORED_STEPS = 200

    def _restore_undo_steps(self, ws: Workspace) -> None:
        """Put the file's applied operations back on the undo stack (oldest first), so
        Edit ▸ Undo after reopening undoes the last edit, as ``aipm undo`` would."""
        if ws.readonly:
            return
        from .undo import OperationCommand

        entries = ws.history(limit=self.RESTORED_STEPS)
        for entry in reversed(entries):
            if entry["kind"] in ("do", "redo") and entry["state"] == "active":
                self.undo_stack.push(OperationCommand.recorded(self, entry["label"], entry["id"]))
        self.undo_stack.setClean()

    def close_workspace(self) -> None:
        self.set_workspace(None)

    # -- edits ----------------------------------------------------------------------------

    def author(self) -> str | None:
        """Name for the change log: the configured author, else None (the login name)."""
        return self.settings.author_name() or None

    def run_edit(self, command: QUndoCommand) -> bool:
        """Push an undo command (which performs the edit). False when the edit failed.

        A command that fails with a ``UserError`` reports it through :attr:`user_error`
        and marks itself obsolete, so it is not left on the stack. An edit of a record
        that changed since the user read it (the command's ``intent``) writes nothing and
        opens the conflict dialog instead (:mod:`.conflicts`).
        """
        self.undo_stack.push(command)
        error = getattr(command, "error", None)
        if getattr(command, "conflict_pending", False):
            from .conflicts import offer_merge

            offer_merge(self, command.intent, error)  # type: ignore[attr-defined]
        return error is None

    def watch(self, owner: QObject, kinds: tuple[str, ...], slot: Callable[[], None]) -> QObject:
        """Call ``slot`` after every write, undo or redo that touches one of ``kinds``, for
        as long as ``owner`` lives. Returns the watcher (delete it to stop watching)."""
        return _Watcher(self, owner, kinds, slot)

    def set_date_style(self, name: str) -> None:
        """Show dates in style ``name`` from now on (saved), and redraw every view."""
        self.settings.set_date_style(name)
        dates.set_style(name)
        self.notify(Changes("workspace"))

    def notify(self, changes: Changes) -> None:
        """Tell every view what a write changed."""
        self.changed.emit(changes)

    def show_error(self, err: UserError) -> None:
        self.user_error.emit(err)


class _Watcher(QObject):
    """One :meth:`AppContext.watch`: a child of the watching widget, so the connection
    ends with it."""

    def __init__(
        self, ctx: AppContext, owner: QObject, kinds: tuple[str, ...], slot: Callable[[], None]
    ) -> None:
        super().__init__(owner)
        self._kinds = kinds
        self._slot = slot
        ctx.changed.connect(self._on_changed)

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(*self._kinds):
            self._slot()
