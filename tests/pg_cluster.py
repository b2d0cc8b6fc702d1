"""The tests' PostgreSQL server: the one in ``AIPM_TEST_PG_URL``, or a throwaway cluster.

Which back ends run (for tests marked ``backends``): ``--backend sqlite|postgresql|both``,
else ``AIPM_TEST_BACKEND``, else both when a server is at hand (a URL is given, or
``initdb`` is on PATH or in ``/usr/lib/postgresql/*/bin``) and SQLite alone otherwise.

A throwaway cluster lives in a temporary folder, listens only on a Unix socket there
(its own port number), runs without fsync, and is stopped and removed at the end of the
run. Run as root, it runs as the ``postgres`` user (PostgreSQL refuses root).

Each test gets a database of its own; one holding a new workspace (schema, reference
data) is made once per run and copied with ``CREATE DATABASE ... TEMPLATE``.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE = "aipm_test_template"


def _tools() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A PostgreSQL server the tests may create and drop databases on."""

    url: str  # a URL of a database the user may connect to (to create others)
    stop: list[str] = field(default_factory=list)  # how to stop it (a throwaway cluster)
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    _templates: set[str] = field(default_factory=set)

    def _admin(self) -> object:
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def url_of(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(database=database).render_as_string(hide_password=False)

    def new_database(self, template: str | None = None) -> str:
        name = f"aipm_t{os.getpid()}_{next(self._counter)}"
        with self._admin() as conn:  # type: ignore[attr-defined]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            extra = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{extra}')
        return self.url_of(name)

    def drop_database(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        for attempt in range(20):
            try:
                with self._admin() as conn:  # type: ignore[attr-defined]
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except psycopg.errors.InsufficientPrivilege:
                # FORCE cannot end a session of another role: an autovacuum worker that
                # happened to be working on the database. It finishes within moments.
                if attempt == 19:
                    raise
                time.sleep(0.25)

    def cut_connections(self, url: str, application: str) -> int:
        """Terminate the sessions ``application`` has on the database of ``url``, as a
        server restart or a dropped network would; how many there were."""
        from sqlalchemy.engine import make_url

        with self._admin() as conn:  # type: ignore[attr-defined]
            found = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = %s",
                (application, make_url(url).database),
            ).fetchall()
        return len(found)

    def template(self, *, demo: bool = False) -> str:
        """A database holding a new workspace ("Test workspace", reference data), or
        (``demo``) the sample workspace; made once per run, copied for each test."""
        # One per test process: parallel workers (pytest -n) share the server.
        name = f"{TEMPLATE}_{os.getpid()}" + ("_demo" if demo else "")
        if name not in self._templates:
            from aipm_desktop.services.workspace import new_workspace

            with self._admin() as conn:  # type: ignore[attr-defined]
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            title = None if demo else "Test workspace"
            new_workspace(self.url_of(name), name=title, demo=demo).close()
            self._templates.add(name)
        return name

    def close(self) -> None:
        if self.stop:
            subprocess.run(self.stop, check=False, capture_output=True)
            self.stop = []


def start_cluster() -> Server:
    """initdb in a temporary folder and start it on a socket there (see the docstring)."""
    tools = _tools()
    if tools is None:
        raise RuntimeError("initdb not found")
    folder = Path(tempfile.mkdtemp(prefix="aipm-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = _free_port()
    subprocess.run(
        [
            *run_as,
            str(tools / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        [
            *run_as,
            str(tools / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "-l",
            str(folder / "log.txt"),
            "start",
        ],
        check=True,
        capture_output=True,
    )
    stop = [*run_as, str(tools / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
    atexit.register(shutil.rmtree, folder, True)
    return Server(url=f"postgresql://postgres@/postgres?host={folder}&port={port}", stop=stop)


@dataclass
class Backends:
    """Which back ends the run uses, and its server (started on first use)."""

    chosen: tuple[str, ...]
    given_url: str | None
    why_not: str = ""
    _server: Server | None = None

    @classmethod
    def from_config(cls, option: str | None) -> Backends:
        url = os.environ.get("AIPM_TEST_PG_URL") or None
        choice = option or os.environ.get("AIPM_TEST_BACKEND") or ""
        at_hand = url is not None or _tools() is not None
        if choice == "sqlite" or (not choice and not at_hand):
            return cls(("sqlite",), url, "the run is on SQLite only")
        chosen = ("postgresql",) if choice == "postgresql" else ("sqlite", "postgresql")
        return cls(chosen, url)

    def server(self) -> Server | None:
        if self._server is None and not self.why_not:
            try:
                self._server = Server(self.given_url) if self.given_url else start_cluster()
            except (OSError, RuntimeError, subprocess.CalledProcessError, KeyError) as error:
                self.why_not = f"no PostgreSQL server ({error})"
                return None
            atexit.register(self._server.close)
        return self._server
