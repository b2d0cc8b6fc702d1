"""Where a workspace lives: a file path, or a PostgreSQL server named by a URL.

The one place that reads locations, for the app, the command line and the store alike.
Everything that takes a workspace path takes a location: :func:`as_location` turns what a
person typed (``team.aipm``, ``postgresql://ana@db.example.com/portfolio``) into a
:class:`~pathlib.Path` or a :class:`ServerLocation`. A server location answers the few
things code asks of a workspace's path (``name``, ``stem``, ``parent``, ``expanduser()``,
``resolve()``, ``str()``) so messages and defaults read sensibly, and it never names a
file: there is nothing to stat, lock or back up beside it (backups of a server are the
database administrator's job). :func:`server_url` builds the URL File ▸ Connect to team
server… opens; :func:`describe` names one in menus and titles.

The password is never part of what is shown or kept: :func:`str` of a location and
:func:`without_password` leave it out. libpq finds it in its usual places
(``~/.pgpass``, ``PGPASSWORD``, a service file).

Light to import (the standard library only; no Qt, no network): SQLAlchemy's URL of a
server location is made when the store first asks for it (:attr:`ServerLocation.url`).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .errors import WorkspaceError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

#: URL schemes of a team server.
SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
#: The SSL modes the connect dialog offers (libpq's ``sslmode``), the default first.
SSL_MODES = ("prefer", "disable", "require", "verify-full")
DEFAULT_PORT = 5432
#: Query parameters that carry a secret, dropped with the password.
_SECRET_PARAMS = frozenset({"password", "sslpassword"})


def is_server_url(text: object) -> bool:
    """True when ``text`` names a team server (a ``postgresql://…`` URL, or a
    :class:`ServerLocation`), not a file."""
    if isinstance(text, ServerLocation):
        return True
    if not isinstance(text, str) or "://" not in text:
        return False
    return text.strip().split("://", 1)[0].lower() in SERVER_SCHEMES


def server_url(
    *, host: str, database: str, user: str, port: int = DEFAULT_PORT, sslmode: str = "prefer"
) -> str:
    """``postgresql://user@host:port/database?sslmode=…`` (names quoted as URLs need;
    an IPv6 address in brackets). A ``ValueError`` names a missing or wrong part."""
    host, database, user = host.strip(), database.strip(), user.strip()
    missing = [name for name, value in (("host", host), ("database", database)) if not value]
    if missing:
        raise ValueError(f"Enter the {' and the '.join(missing)}.")
    if not 0 < int(port) < 65536:
        raise ValueError(f"The port must be between 1 and 65535, not {port}.")
    if sslmode not in SSL_MODES:
        raise ValueError(f"Unknown SSL mode {sslmode!r}; choose one of {', '.join(SSL_MODES)}.")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    who = f"{quote(user, safe='')}@" if user else ""
    return f"postgresql://{who}{host}:{int(port)}/{quote(database, safe='')}?sslmode={sslmode}"


def without_password(url: str) -> str:
    """``url`` with any password taken out (``user:secret@`` and ``?password=``); other
    text is returned as it is."""
    if not is_server_url(url):
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{hostport}" if user else hostport
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in query if k.lower() not in _SECRET_PARAMS]
    text = urlencode(kept) if len(kept) != len(query) else parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, text, parts.fragment))


def _place(url: str) -> tuple[str, str, str]:
    """The database, host and user a server URL names (the host of a Unix socket from
    ``?host=``; "local socket" when none is given, as libpq then uses one)."""
    parts = urlsplit(url)
    database = unquote(parts.path.lstrip("/")) or "(default database)"
    hosts = parse_qs(parts.query).get("host")
    host = parts.hostname or (hosts[0] if hosts else "") or "local socket"
    return database, host, unquote(parts.username) if parts.username else ""


def describe(url: str) -> str:
    """How a server URL is named in menus and titles: ``db on host (user)``."""
    database, host, user = _place(without_password(url))
    return f"{database} on {host}" + (f" ({user})" if user else "")


@dataclass(frozen=True)
class ServerLocation:
    """A workspace on a PostgreSQL server (see the module docstring)."""

    #: The URL without its password: what is shown, compared and remembered.
    shown: str
    #: The URL as given (with a password, when one was typed): for the driver only.
    given: str = field(compare=False, repr=False)

    @classmethod
    def parse(cls, text: str) -> ServerLocation:
        raw = text.strip()
        scheme, _, rest = raw.partition("://")
        if not rest or scheme.lower() not in SERVER_SCHEMES:
            raise WorkspaceError(
                f"{text!r} is not a valid server address (postgresql://user@host/database)."
            )
        raw = f"postgresql://{rest}"
        try:
            parts = urlsplit(raw)
            parts.port  # noqa: B018 - a port that is no number raises here
        except ValueError as error:
            raise WorkspaceError(f"{text!r} is not a valid server address ({error}).") from None
        return cls(shown=without_password(raw), given=raw)

    @functools.cached_property
    def url(self) -> URL:
        """The URL the store connects with (psycopg 3 driver, password included)."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(self.given)
        except ArgumentError as error:
            raise WorkspaceError(
                f"{self.shown!r} is not a valid server address ({error})."
            ) from None
        return url.set(drivername="postgresql+psycopg")

    @property
    def database(self) -> str:
        """The database's name ("" when the URL names none)."""
        return unquote(urlsplit(self.shown).path.lstrip("/"))

    @property
    def host(self) -> str:
        return _place(self.shown)[1]

    @property
    def user_name(self) -> str:
        """The database user (as given; libpq's default, the login name, otherwise)."""
        import getpass

        return _place(self.shown)[2] or os.environ.get("PGUSER") or getpass.getuser()

    @property
    def name(self) -> str:
        """How messages name the workspace ("portfolio on db.example.com")."""
        database, host, _user = _place(self.shown)
        return f"{database} on {host}"

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


def as_location(value: str | Path | ServerLocation) -> Location:
    """A location from what a person typed or code passed: a URL, or a file path."""
    if isinstance(value, ServerLocation):
        return value
    if isinstance(value, str) and is_server_url(value):
        return ServerLocation.parse(value)
    return Path(value).expanduser()
