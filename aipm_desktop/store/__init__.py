"""Storage: engine and sessions, SQLite pragmas, Alembic migrations, workspace files."""

from .engine import APPLICATION_ID
from .migrate import head_revision, known_revisions
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
