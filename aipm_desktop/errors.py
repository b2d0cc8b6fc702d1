"""Error kinds. A :class:`UserError` is shown as a plain message; anything else is a bug."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can understand and fix: bad file, invalid value, disk full."""

    title = "Cannot complete the action"

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class WorkspaceError(UserError):
    """A workspace file cannot be opened, created or written."""

    title = "Cannot open the workspace"


class NotAWorkspaceError(WorkspaceError):
    """The file is not SQLite, or is an SQLite file of another application."""


class CorruptWorkspaceError(WorkspaceError):
    """The file is an SQLite database that fails its integrity check."""


class NewerWorkspaceError(WorkspaceError):
    """The file was written by a newer version of the app."""


class BusyError(WorkspaceError):
    """Another process holds the file's write lock longer than the busy timeout."""

    title = "The workspace is busy"


class WorkspaceGoneError(WorkspaceError):
    """The open file was replaced or removed by another program."""

    title = "The workspace file was replaced"


class ReadOnlyError(UserError):
    """An edit was attempted on a workspace opened read-only."""

    title = "The workspace is read-only"


class ValidationError(UserError):
    """Input failed validation; ``errors`` lists ``(field, message)`` pairs."""

    title = "Invalid value"

    def __init__(self, message: str, errors: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class NotFoundError(UserError):
    """A record that was asked for does not exist (any more)."""

    title = "Not found"


class ConflictError(UserError):
    """The record changed since it was read (its version moved on).

    ``conflict`` (when known) says which record: an object with ``kind``, ``record_id``,
    ``expected`` (the version read) and ``current`` (the version stored now, None when
    the record is gone); the GUI offers to merge the edit with the stored values.
    """

    title = "Edit conflict"

    def __init__(self, message: str, *, detail: str = "", conflict: object = None) -> None:
        super().__init__(message, detail=detail)
        self.conflict = conflict


class UnavailableError(WorkspaceError):
    """The workspace cannot be reached now (server down, file system gone away)."""

    title = "The workspace is unavailable"
