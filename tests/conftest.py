"""Shared fixtures: offscreen Qt, a temporary AIPM_HOME and a fresh workspace per test.

Also a small plugin (qutebrowser's ``logfail``): a test fails when anything is logged
with Python ``logging`` at ERROR or above while it runs (setup, call or teardown).
pytest-qt's ``qt_log_level_fail`` does the same for Qt messages. A test that provokes
a logged error on purpose (the crash dialog, a failing worker) says so with
``@pytest.mark.allow_log_errors``; it can still check the records with ``caplog``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the tests' helper modules (importlib mode)
from pg_cluster import Backends

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True, scope="session")
def pinned_day() -> Iterator[dt.date]:
    """One day for the whole run (``services.clock``): a run that crosses midnight judges
    every date against the day it started, in the app and in the tests alike."""
    from aipm_desktop.services import clock

    day = clock.today()
    clock.pin(day)
    yield day
    clock.pin(None)


@pytest.fixture(autouse=True)
def aipm_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own AIPM_HOME: settings, logs and data never leak between tests."""
    home = tmp_path_factory.mktemp("aipm_home")
    monkeypatch.setenv("AIPM_HOME", str(home))
    from aipm_desktop.services import dates

    dates.set_style(dates.ISO)  # the process-wide date style never leaks between tests
    return home


@pytest.fixture
def ws(workspace_location: Any) -> Iterator:
    """A fresh workspace with the built-in reference data (a file; on every selected back
    end in the modules marked ``backends``)."""
    from aipm_desktop.services.workspace import new_workspace
    from aipm_desktop.store import open_workspace

    if isinstance(workspace_location, Path):
        workspace = new_workspace(workspace_location, name="Test workspace")
    else:
        workspace = open_workspace(workspace_location)
    yield workspace
    workspace.close()


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample (demo) workspace, built once per run: copy it before writing to it."""
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("sample") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def sample_path(sample_template: Path, tmp_path: Path) -> Path:
    """A copy of the sample workspace of this test's own."""
    path = tmp_path / "demo.aipm"
    path.write_bytes(sample_template.read_bytes())
    return path


@pytest.fixture
def sample_ws(sample_path: Path) -> Iterator:
    """The sample workspace (a copy of this test's own), open."""
    from aipm_desktop.store import open_workspace

    workspace = open_workspace(sample_path)
    yield workspace
    workspace.close()


@pytest.fixture
def sample_on_backend(backend: str, sample_path: Path, request: pytest.FixtureRequest) -> Iterator:
    """The sample workspace, open, on this test's back end (``backend``): a copy of the
    file, or a database of this test's own holding it."""
    from aipm_desktop.store import open_workspace

    location: Any = sample_path
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        location = server.new_database(template=server.template(demo=True))
        request.addfinalizer(lambda: server.drop_database(location))
    workspace = open_workspace(location)
    yield workspace
    workspace.close()


# -- back ends: SQLite files, and PostgreSQL databases ----------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("sqlite", "postgresql", "both"),
        default=None,
        help="Back ends of the tests marked `backends` (default: AIPM_TEST_BACKEND, else "
        "both when a PostgreSQL server is at hand: AIPM_TEST_PG_URL, or initdb to start one).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[BACKENDS] = Backends.from_config(config.getoption("--backend"))


BACKENDS = pytest.StashKey[Backends]()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("backends"):
        chosen = metafunc.config.stash[BACKENDS].chosen
        metafunc.parametrize("backend", chosen, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The back end this test runs on: ``sqlite`` unless the test is marked ``backends``."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The PostgreSQL server of the run (skips the test when there is none)."""
    backends = request.config.stash[BACKENDS]
    server = backends.server()
    if server is None:
        pytest.skip(backends.why_not or "no PostgreSQL server")
    yield server


@pytest.fixture
def pg_url(pg_server: Any) -> Iterator[str]:
    """The URL of a new, empty database of this test's own (dropped afterwards)."""
    url = pg_server.new_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def workspace_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    """Where this test's workspace goes: a file, or (``postgresql``) a URL of a database
    already holding a new workspace with the reference data (a copy of a template)."""
    if backend == "sqlite":
        return tmp_path / "test.aipm"
    server = request.getfixturevalue("pg_server")
    url = server.new_database(template=server.template())
    request.addfinalizer(lambda: server.drop_database(url))
    return url


@pytest.fixture
def team_roles(pg_server: Any) -> Iterator[dict[str, str]]:
    """A workspace on the server with the team roles set up, and the URLs of a login in
    each (``viewer``, ``editor``) and of a login in neither (``outsider``)."""
    from sqlalchemy import create_engine

    from aipm_desktop.store import ServerLocation, remote

    url = pg_server.new_database(template=pg_server.template())
    location = ServerLocation.parse(url)
    remote.grant_roles(location)
    tag = f"{os.getpid()}_{next(_LOGINS)}"
    logins = {kind: f"aipm_{kind[0]}_{tag}" for kind in ("viewer", "editor", "outsider")}
    engine = create_engine(location.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for kind, name in logins.items():
            member = "" if kind == "outsider" else f" IN ROLE aipm_{kind}"
            conn.exec_driver_sql(f"CREATE ROLE {name} LOGIN{member}")
    engine.dispose()
    yield {
        kind: location.url.set(drivername="postgresql", username=name).render_as_string(
            hide_password=False
        )
        for kind, name in logins.items()
    }
    pg_server.drop_database(url)
    engine = create_engine(ServerLocation.parse(pg_server.url).url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name in logins.values():
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {name}")
    engine.dispose()


_LOGINS = itertools.count()


# -- fail on logged errors ---------------------------------------------------------------

ALLOW_LOG_ERRORS = "allow_log_errors"


class ErrorLogHandler(logging.Handler):
    """Keeps the records at ERROR or above that reach the root logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _describe(record: logging.LogRecord) -> str:
    text = f"{record.levelname} {record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        text += f" ({type(error).__name__}: {error})"
    return text


def _fail_on_logged_errors(item: pytest.Item, when: str) -> Generator[None, object, object]:
    handler = ErrorLogHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        result = yield
    finally:
        root.removeHandler(handler)
    if handler.records and item.get_closest_marker(ALLOW_LOG_ERRORS) is None:
        lines = "\n".join(f"  {_describe(record)}" for record in handler.records)
        pytest.fail(
            f"Logged {len(handler.records)} error(s) during {when} (mark the test "
            f"@pytest.mark.{ALLOW_LOG_ERRORS} if it expects them):\n{lines}",
            pytrace=False,
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _fail_on_logged_errors(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _fail_on_logged_errors(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _fail_on_logged_errors(item, "teardown"))


@pytest.fixture
def edited_ws(ws):
    """``ws`` after three edits by two people: Dana adds the use cases "Reply drafts" and
    "Ticket triage", then Lee the risk "Prompt injection" (the audit trail's tests)."""
    from aipm_desktop.models import Risk, UseCase
    from aipm_desktop.services import records

    records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"}, who="Dana")
    records.create(ws=ws, model=UseCase, data={"title": "Ticket triage"}, who="Dana")
    records.create(ws=ws, model=Risk, data={"title": "Prompt injection"}, who="Lee")
    return ws
