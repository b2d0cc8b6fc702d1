"""One typed registry of the app's own settings, over ``QSettings`` in an INI file.

The file lives in :func:`aipm_desktop.paths.config_dir` (``settings.ini``), so tests that
point ``AIPM_HOME`` at a temporary folder never see the user's settings. Every key has a
type and a default here; views call the typed getters and setters, never ``QSettings``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from .. import paths
from ..locations import without_password

SETTINGS_FILE_NAME = "settings.ini"
MAX_RECENT_FILES = 10

_RECENT = "files/recent"
_CONNECTIONS = "connections/recent"
_LAST_DIR = "files/last_directory"
_AUTHOR = "user/author_name"
_GEOMETRY = "window/geometry"
_STATE = "window/state"
_SIDEBAR = "window/sidebar_visible"
_RELATED = "window/related_visible"
_SPLITTER = "splitters/"
_HEADER = "columns/"
_DATE_STYLE = "user/date_style"


def _as_list(value: object) -> list[str]:
    """QSettings returns a lone list item as a string and an empty list as None."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v)]
    return []


class Settings:
    """The app settings: recent files, window layout, last directory, author name."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.config_dir() / SETTINGS_FILE_NAME
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    # -- plumbing -------------------------------------------------------------------------

    def sync(self) -> None:
        """Write pending changes to the INI file."""
        self._qs.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes | bytearray) and value:
            return QByteArray(bytes(value))
        return None

    def _set_bytes(self, key: str, value: QByteArray | bytes) -> None:
        self._qs.setValue(key, QByteArray(value))

    # -- recent files ---------------------------------------------------------------------

    def recent_files(self, *, existing_only: bool = True) -> list[Path]:
        """Recently opened workspaces, most recent first; missing files left out."""
        files = [Path(p) for p in _as_list(self._qs.value(_RECENT))]
        if existing_only:
            files = [p for p in files if p.is_file()]
        return files[:MAX_RECENT_FILES]

    def add_recent_file(self, path: Path | str) -> None:
        """Put ``path`` first in the recent list (once), keeping at most ten entries."""
        path = Path(path).expanduser().resolve()
        others = [p for p in self.recent_files(existing_only=False) if p != path]
        self._write_recent([path, *others][:MAX_RECENT_FILES])

    def remove_recent_file(self, path: Path | str) -> None:
        path = Path(path).expanduser().resolve()
        self._write_recent([p for p in self.recent_files(existing_only=False) if p != path])

    def clear_recent_files(self) -> None:
        self._write_recent([])

    def _write_recent(self, files: list[Path]) -> None:
        self._write_list(_RECENT, [str(p) for p in files])

    # -- recent team servers --------------------------------------------------------------

    def recent_connections(self) -> list[str]:
        """Team server URLs opened lately, most recent first (never with a password)."""
        urls = [without_password(u) for u in _as_list(self._qs.value(_CONNECTIONS))]
        return list(dict.fromkeys(urls))[:MAX_RECENT_FILES]

    def add_recent_connection(self, url: str) -> None:
        """Put ``url`` first in the recent connections (once; any password taken out)."""
        url = without_password(url)
        others = [u for u in self.recent_connections() if u != url]
        self._write_list(_CONNECTIONS, [url, *others][:MAX_RECENT_FILES])

    def remove_recent_connection(self, url: str) -> None:
        url = without_password(url)
        self._write_list(_CONNECTIONS, [u for u in self.recent_connections() if u != url])

    def clear_recent_connections(self) -> None:
        self._write_list(_CONNECTIONS, [])

    def _write_list(self, key: str, values: list[str]) -> None:
        if values:
            self._qs.setValue(key, values)
        else:
            self._qs.remove(key)
        self._qs.sync()

    # -- folders and user -----------------------------------------------------------------

    def last_directory(self) -> Path:
        """Folder the last file dialog was in (the home folder at first)."""
        value = self._qs.value(_LAST_DIR)
        if isinstance(value, str) and value and Path(value).is_dir():
            return Path(value)
        return Path.home()

    def set_last_directory(self, path: Path | str) -> None:
        path = Path(path)
        self._qs.setValue(_LAST_DIR, str(path if path.is_dir() else path.parent))

    def author_name(self) -> str:
        """Name written to the change log with each edit ("" = the login name)."""
        value = self._qs.value(_AUTHOR, "")
        return value.strip() if isinstance(value, str) else ""

    def set_author_name(self, name: str) -> None:
        self._qs.setValue(_AUTHOR, name.strip())
        self._qs.sync()

    # -- window layout --------------------------------------------------------------------

    def window_geometry(self) -> QByteArray | None:
        return self._bytes(_GEOMETRY)

    def set_window_geometry(self, value: QByteArray | bytes) -> None:
        self._set_bytes(_GEOMETRY, value)

    def window_state(self) -> QByteArray | None:
        return self._bytes(_STATE)

    def set_window_state(self, value: QByteArray | bytes) -> None:
        self._set_bytes(_STATE, value)

    def splitter_state(self, name: str) -> QByteArray | None:
        return self._bytes(_SPLITTER + name)

    def set_splitter_state(self, name: str, value: QByteArray | bytes) -> None:
        self._set_bytes(_SPLITTER + name, value)

    def _flag(self, key: str, default: bool) -> bool:
        value = self._qs.value(key, default)
        if isinstance(value, str):
            return value.lower() not in ("false", "0", "no")
        return bool(value)

    def sidebar_visible(self) -> bool:
        return self._flag(_SIDEBAR, True)

    def set_sidebar_visible(self, visible: bool) -> None:
        self._qs.setValue(_SIDEBAR, bool(visible))

    def related_visible(self) -> bool:
        """Whether the Related panel was shown when the user last showed or hid it (it
        comes back with the next workspace opened)."""
        return self._flag(_RELATED, False)

    def set_related_visible(self, visible: bool) -> None:
        self._qs.setValue(_RELATED, bool(visible))
        self._qs.sync()

    def header_state(self, name: str) -> QByteArray | None:
        """The saved column layout (order, widths, hidden columns) of the list ``name``."""
        return self._bytes(_HEADER + name)

    def set_header_state(self, name: str, value: QByteArray | bytes) -> None:
        self._set_bytes(_HEADER + name, value)

    def date_style(self) -> str:
        """How dates are shown: ``iso`` (default) or ``locale``
        (see :mod:`aipm_desktop.services.dates`)."""
        from ..services import dates

        value = str(self._qs.value(_DATE_STYLE, dates.ISO) or dates.ISO)
        return value if value in dates.STYLES else dates.ISO

    def set_date_style(self, name: str) -> None:
        self._qs.setValue(_DATE_STYLE, name)
