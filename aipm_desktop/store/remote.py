"""Workspaces on a PostgreSQL server: open, create (``aipm server init``), check.

The file checks of :mod:`.workspace` (magic bytes, application id, locks, backups) have
no meaning for a database on a server; here a workspace is a database holding this app's
Alembic revision. Opening migrates an older schema in one transaction (under an advisory
lock, so two clients never upgrade at once); the copy to keep before that upgrade is the
database administrator's backup, not the app's. A user who may not record operations
(the ``aipm_viewer`` role) gets the workspace read-only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData, exc
from sqlmodel import Session

from ..errors import (
    CorruptWorkspaceError,
    NewerWorkspaceError,
    NotAWorkspaceError,
    WorkspaceError,
)
from ..locations import ServerLocation
from . import history, migrate, server

if TYPE_CHECKING:
    from .workspace import FileInfo, Workspace

#: The advisory lock an upgrade or creation holds (any number; "AIPM").
_UPGRADE_LOCK = 0x4149504D


def _connect_error(location: ServerLocation, error: Exception) -> WorkspaceError:
    detail = " ".join(str(getattr(error, "orig", error)).split())
    if "password" in detail.lower():
        detail += " (the app never stores a password: put it in ~/.pgpass or PGPASSWORD)"
    return WorkspaceError(f"Cannot connect to {location}: {detail}")


def _no_rights_error(location: ServerLocation, error: exc.DBAPIError) -> WorkspaceError:
    return WorkspaceError(
        f"{location.user_name} may not read {location.name} "
        f"({' '.join(str(error.orig).split())}): ask its administrator to grant the role "
        "aipm_viewer (read) or aipm_editor (read and write)."
    )


@contextlib.contextmanager
def _talking_to(
    location: ServerLocation, engine: Engine, refused: Callable[[str], str] | None = None
) -> Iterator[Engine]:
    """Use ``engine`` on ``location``, its errors told as the user can act on them (a
    refusal by ``refused(detail)`` when given), and dispose of it afterwards."""
    try:
        yield engine
    except exc.OperationalError as error:
        raise _connect_error(location, error) from None
    except exc.ProgrammingError as error:
        if refused is None:
            raise _no_rights_error(location, error) from None
        raise WorkspaceError(refused(" ".join(str(error.orig).split()))) from None
    finally:
        engine.dispose()


def _revision(conn: Connection) -> str | None:
    if "alembic_version" not in server.table_names(conn):
        return None
    found = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return None if found is None else str(found)


def _check_revision(location: ServerLocation, revision: str | None) -> None:
    if revision is None:
        raise NotAWorkspaceError(
            f"The database {location.name} holds no AIPM workspace; set it up with "
            f"`aipm server init {location}`."
        )
    if revision not in migrate.known_revisions():
        raise NewerWorkspaceError(
            f"{location.name} was written by a newer version of AIPM Desktop "
            f"(schema {revision}); update the app to open it."
        )


def upgrade(conn: Connection) -> None:
    """Migrate the database on ``conn`` to the head revision and (re)install the
    journal's triggers, in the transaction of ``conn``."""
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
    migrate.upgrade(conn)
    server.install(conn, history.journaled_tables())


def open_server(location: ServerLocation, *, readonly: bool = False) -> Workspace:
    """Open the workspace in the database at ``location`` (see the module docstring)."""
    from .workspace import Workspace

    migrated_from = None
    with _talking_to(location, server.make_engine(location)) as probe:
        with probe.connect() as conn:
            revision = _revision(conn)
            _check_revision(location, revision)
            writer = server.may_write(conn)
            user = server.current_user(conn)
            conn.rollback()
        readonly = readonly or not writer
        if revision != migrate.head_revision():
            if readonly:
                raise WorkspaceError(
                    f"{location.name} has an older schema ({revision}) and must be upgraded "
                    "by a user who owns its tables: run `aipm server init` as that user "
                    "(take a backup of the database first)."
                )
            _upgrade_existing(probe, location, revision)
            migrated_from = revision
        _refuse_damaged_schema(probe, location)
    engine = server.make_engine(location, readonly=readonly)
    if not readonly:
        history.guard_writes(engine)
    return Workspace(
        path=location,  # type: ignore[arg-type]  # a location answers what a path is asked
        engine=engine,
        readonly=readonly,
        migrated_from=migrated_from,
        server_user=user,
    )


def _upgrade_existing(engine: Engine, location: ServerLocation, revision: str | None) -> None:
    try:
        with engine.begin() as conn:
            upgrade(conn)
    except exc.ProgrammingError as error:
        raise WorkspaceError(
            f"Upgrading {location.name} from schema {revision} failed, nothing was changed "
            f"({' '.join(str(error.orig).split())}). Upgrading needs the owner of its "
            "tables; take a backup of the database first."
        ) from None


def _schema_problems(engine: Engine) -> list[str]:
    """What differs between the database's tables and the head revision's."""
    from .schema import expected_columns

    found = []
    with engine.connect() as conn:
        present = server.table_names(conn)
        columns_of = server.columns_by_table(conn)
        for name, columns in expected_columns().items():
            if name not in present:
                found.append(f"table {name} is missing")
                continue
            missing = [c for c in columns if c not in columns_of.get(name, set())]
            if missing:
                found.append(f"table {name} is missing column(s) {', '.join(missing)}")
        conn.rollback()
    return found


def _refuse_damaged_schema(engine: Engine, location: ServerLocation) -> None:
    found = _schema_problems(engine)
    if found:
        raise CorruptWorkspaceError(
            f"{location.name} is damaged: {'; '.join(found[:5])}"
            + (f" (and {len(found) - 5} more)" if len(found) > 5 else "")
            + "."
        )


def inspect_server(location: ServerLocation) -> FileInfo:
    """What :func:`.workspace.inspect_file` tells of a file, of the database at
    ``location``: its revision, whether it needs an upgrade, whether this user may write."""
    from .workspace import FileInfo

    engine = server.make_engine(location, readonly=True)
    with _talking_to(location, engine), engine.connect() as conn:
        revision = _revision(conn)
        _check_revision(location, revision)
        writable = server.may_write(conn)
    assert revision is not None
    return FileInfo(
        path=location,  # type: ignore[arg-type]
        revision=revision,
        needs_migration=revision != migrate.head_revision(),
        writable=writable,
    )


def check_server(location: ServerLocation) -> list[str]:
    """The problems of the workspace at ``location`` (the server keeps its own pages and
    keys sound: this checks the tables and columns against the schema revision)."""
    info = inspect_server(location)
    if info.needs_migration:
        return []
    engine = server.make_engine(location, readonly=True)
    try:
        return [f"schema: {p}" for p in _schema_problems(engine)]
    finally:
        engine.dispose()


def create_server(
    location: ServerLocation,
    *,
    populate: Callable[[Session], None] | None = None,
    overwrite: bool = False,
) -> Workspace:
    """Build a new workspace in the (existing, empty) database at ``location``, in one
    transaction: nothing is left behind when it fails. ``overwrite`` first drops an
    existing workspace there (in the same transaction)."""
    engine = server.make_engine(location)
    with _talking_to(location, engine, _cannot_create(location)), engine.begin() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
        present = server.table_names(conn)
        if present and not overwrite:
            raise WorkspaceError(
                f"The database {location.name} is not empty ({len(present)} tables); "
                "choose an empty database (or replace its workspace with --force)."
            )
        if present:
            _drop_everything(conn)
        upgrade(conn)
        if populate is not None:
            with Session(bind=conn, expire_on_commit=False) as session:
                populate(session)
                session.flush()
        server.sync_sequences(conn, history.all_tables())
        conn.exec_driver_sql("ANALYZE")  # the planner's statistics of what was loaded
    return open_server(location)


def _cannot_create(location: ServerLocation) -> Callable[[str], str]:
    return lambda detail: (
        f"Cannot set up {location.name}: {detail}. The user needs the right to create "
        "tables in the database (its owner, or GRANT CREATE ON SCHEMA public)."
    )


def _drop_everything(conn: Connection) -> None:
    meta = MetaData()
    meta.reflect(bind=conn)
    meta.drop_all(bind=conn)
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {server.FUNCTION}() CASCADE")


def grant_roles(location: ServerLocation) -> list[str]:
    """Create the roles ``aipm_viewer`` and ``aipm_editor`` when missing and grant them
    their rights on the workspace at ``location``; what was done, or why not."""
    with _talking_to(location, server.make_engine(location)) as engine, engine.begin() as conn:
        return server.grant_roles_if_allowed(conn)


def holds_workspace(location: ServerLocation) -> bool:
    """Whether the database at ``location`` has any table (a workspace, or something
    else: :func:`upgrade_server` tells which)."""
    engine = server.make_engine(location)
    with _talking_to(location, engine), engine.connect() as conn:
        return bool(server.table_names(conn))


def upgrade_server(location: ServerLocation) -> str:
    """Bring the workspace at ``location`` to this app's schema and (re)install its
    triggers and index, in one transaction; the revision it is at afterwards."""
    engine = server.make_engine(location)

    def refused(detail: str) -> str:
        return (
            f"Cannot upgrade {location.name} ({detail}); nothing was changed. "
            "Run it as the owner of the workspace's tables."
        )

    with _talking_to(location, engine, refused), engine.begin() as conn:
        _check_revision(location, _revision(conn))
        upgrade(conn)
        return str(_revision(conn))
