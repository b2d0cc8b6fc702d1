"""One location module for the app, the command line and the store (aipm_desktop/locations.py):
a file path or a server URL, the same answers whoever asks, never a password shown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aipm_desktop import locations
from aipm_desktop.errors import WorkspaceError
from aipm_desktop.locations import ServerLocation, as_location, describe, is_server_url


@pytest.mark.parametrize(
    "typed",
    [
        "postgresql://ann:s3cret@db.example.org:5433/portfolio?sslmode=require",
        "postgres://ann:s3cret@db.example.org:5433/portfolio?sslmode=require",
        "postgresql+psycopg://ann:s3cret@db.example.org:5433/portfolio?sslmode=require",
        "  postgresql://ann@db.example.org:5433/portfolio?sslmode=require&password=s3cret ",
    ],
)
def test_every_spelling_of_a_server_url_names_the_same_workspace(typed: str) -> None:
    assert is_server_url(typed)
    location = as_location(typed)
    assert isinstance(location, ServerLocation)
    assert location == as_location("postgresql://ann@db.example.org:5433/portfolio?sslmode=require")
    shown = {str(location), repr(location), location.name, describe(typed)}
    assert not any("s3cret" in text for text in shown)
    assert str(location) == "postgresql://ann@db.example.org:5433/portfolio?sslmode=require"
    assert location.name == "portfolio on db.example.org"
    assert describe(typed) == describe(str(location)) == "portfolio on db.example.org (ann)"
    assert (location.database, location.host, location.user_name) == (
        "portfolio",
        "db.example.org",
        "ann",
    )
    assert location.url.drivername == "postgresql+psycopg"  # what the store connects with
    assert location.url.port == 5433 and location.url.database == "portfolio"


def test_the_password_given_reaches_the_driver_only() -> None:
    location = ServerLocation.parse("postgresql://ann:s3cret@db/portfolio")
    assert location.url.password == "s3cret"
    assert "s3cret" not in str(location) and "s3cret" not in repr(location)


def test_a_socket_url_is_named_by_its_folder_and_a_bare_one_by_the_local_socket() -> None:
    on_socket = "postgresql://ann@/team?host=/run/postgresql&port=5432"
    assert as_location(on_socket).name == "team on /run/postgresql"  # type: ignore[union-attr]
    assert describe(on_socket) == "team on /run/postgresql (ann)"
    assert describe("postgresql:///team") == "team on local socket"
    assert ServerLocation.parse("postgresql://db.example.org").database == ""


def test_files_stay_files_whatever_their_name() -> None:
    for name in ("notes/postgresql.aipm", "postgresql.aipm", "~/a:b@c.aipm"):
        assert not is_server_url(name)
        assert isinstance(as_location(name), Path)
    assert as_location("~/x.aipm") == Path.home() / "x.aipm"
    assert not is_server_url(Path("postgresql://x"))  # a Path is a file, even so named
    assert is_server_url(ServerLocation.parse("postgresql://h/db"))


def test_a_malformed_server_url_is_refused_with_a_message() -> None:
    with pytest.raises(WorkspaceError, match="not a valid server address"):
        ServerLocation.parse("postgresql://ann@db.example.org:port/portfolio")
    with pytest.raises(WorkspaceError, match="not a valid server address"):
        ServerLocation.parse("mysql://ann@db/portfolio")


def test_the_connect_dialogs_url_opens_as_the_location_it_describes() -> None:
    url = locations.server_url(host="db.example.org", database="AI pm", user="ann", port=5433)
    location = as_location(url)
    assert isinstance(location, ServerLocation)
    assert location.database == "AI pm" and location.url.database == "AI pm"
    assert describe(url) == "AI pm on db.example.org (ann)"


def test_reading_a_location_imports_no_database_library() -> None:
    """The command line's start-up and the app's recent-connections list stay light."""
    code = (
        "import sys; from aipm_desktop import locations as l; "
        "l.as_location('postgresql://a@h/db').name; l.describe('postgresql://a@h/db'); "
        "print(sorted(m for m in ('sqlalchemy', 'psycopg', 'PySide6') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert done.stdout.strip() == "[]"
