"""Where a workspace lives: a file path, or a PostgreSQL server named by a URL.

Everything that takes a workspace path takes a location: :func:`as_location` turns what a
person typed (``team.aipm``, ``postgresql://ana@db.example.com/portfolio``) into a
:class:`~pathlib.Path` or a :class:`ServerLocation`. A server location answers the few
things code asks of a workspace's path (``name``, ``stem``, ``parent``, ``expanduser()``,
``resolve()``, ``str()``) so messages and defaults read sensibly, and it never names a
file: there is nothing to stat, lock or back up beside it (backups of a server are the
database administrator's job).

The password is never part of what is shown or kept: :func:`str` of a location leaves it
out. libpq finds it in its usual places (``~/.pgpass``, ``PGPASSWORD``, a service file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ..errors import WorkspaceError

#: The URL schemes of a PostgreSQL workspace.
SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


@dataclass(frozen=True)
class ServerLocation:
    """A workspace on a PostgreSQL server (see the module docstring)."""

    url: URL = field(compare=False)
    #: The URL without its password: what is shown, compared and remembered.
    shown: str = ""

    @classmethod
    def parse(cls, text: str) -> ServerLocation:
        raw = text.strip()
        if raw.startswith("postgres://"):
            raw = "postgresql://" + raw.removeprefix("postgres://")
        try:
            url = make_url(raw)
        except ArgumentError as error:
            raise WorkspaceError(f"{text!r} is not a valid server address ({error}).") from None
        url = url.set(drivername="postgresql+psycopg")
        return cls(url=url, shown=cls._hide(url))

    @staticmethod
    def _hide(url: URL) -> str:
        shown = url.set(drivername="postgresql", password=None)
        return shown.render_as_string(hide_password=True)

    @property
    def database(self) -> str:
        return str(self.url.database or "")

    @property
    def host(self) -> str:
        host = self.url.host or self.url.query.get("host") or "localhost"
        return str(host if isinstance(host, str) else host[0])

    @property
    def user_name(self) -> str:
        """The database user (as given; libpq's default, the login name, otherwise)."""
        import getpass

        return str(self.url.username or os.environ.get("PGUSER") or getpass.getuser())

    @property
    def name(self) -> str:
        """How messages name the workspace ("portfolio on db.example.com")."""
        return f"{self.database} on {self.host}"

    @property
    def stem(self) -> str:
        return self.database

    @property
    def parent(self) -> Path:
        """Where files made from this workspace go by default: the home folder."""
        return Path.home()

    def expanduser(self) -> ServerLocation:
        return self

    def resolve(self) -> ServerLocation:
        return self

    def __str__(self) -> str:
        return self.shown


#: A workspace location: a file, or a server.
Location: TypeAlias = Path | ServerLocation


def is_server(text: object) -> bool:
    """Whether ``text`` names a server (a PostgreSQL URL) rather than a file."""
    if isinstance(text, ServerLocation):
        return True
    return isinstance(text, str) and text.strip().lower().startswith(SCHEMES)


def as_location(value: str | Path | ServerLocation) -> Location:
    """A location from what a person typed or code passed: a URL, or a file path."""
    if isinstance(value, ServerLocation):
        return value
    if isinstance(value, str) and is_server(value):
        return ServerLocation.parse(value)
    return Path(value).expanduser()
