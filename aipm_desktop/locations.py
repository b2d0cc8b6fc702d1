"""Where a workspace lives: a file path, or the URL of a team server (PostgreSQL).

Pure text handling (no Qt, no network): telling a server URL from a file name, building
the URL File ▸ Connect to team server… opens, and taking any password out of a URL before
it is shown or remembered. The password itself is never the app's to keep: libpq reads it
from ``~/.pgpass``, ``PGPASSWORD`` or a service file.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

#: URL schemes of a team server.
SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
#: The SSL modes the connect dialog offers (libpq's ``sslmode``), the default first.
SSL_MODES = ("prefer", "disable", "require", "verify-full")
DEFAULT_PORT = 5432
#: Query parameters that carry a secret, dropped with the password.
_SECRET_PARAMS = frozenset({"password", "sslpassword"})


def is_server_url(text: str | object) -> bool:
    """True when ``text`` is a team server's URL (``postgresql://…``), not a file name."""
    if not isinstance(text, str) or "://" not in text:
        return False
    return text.split("://", 1)[0].lower() in SERVER_SCHEMES


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


def describe(url: str) -> str:
    """How a server URL is named in menus and titles: ``db on host (user)``."""
    parts = urlsplit(without_password(url))
    database = unquote(parts.path.lstrip("/")) or "(default database)"
    host = parts.hostname or "local socket"
    user = unquote(parts.username) if parts.username else ""
    return f"{database} on {host}" + (f" ({user})" if user else "")
