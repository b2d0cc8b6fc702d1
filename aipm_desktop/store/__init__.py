"""Storage: engine and sessions, SQLite pragmas, Alembic migrations, workspace files, and
the PostgreSQL back end (a workspace on a team's server)."""

from ..locations import Location, ServerLocation, as_location
from .engine import APPLICATION_ID
from .migrate import head_revision, known_revisions
from .server import listen_changes
from .workspace import (
    EXTENSION,
    FileInfo,
    Workspace,
    check_workspace,
    create_workspace,
    inspect_file,
    open_workspace,
    save_copy,
)
