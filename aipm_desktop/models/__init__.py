"""SQLModel entities, enums and validation. No Qt, no I/O.

Every public name is importable from here. The entity modules load on first use of one
of their names (the names are listed once, in ``__init__.pyi``; see
:mod:`aipm_desktop.lazy`): building ~150 pydantic and SQLAlchemy classes is the larger
part of start-up, and the overview needs only some of them. :func:`load_all` builds
them all, for the code that walks every table (the operation journal, the schema check, JSON
export).
"""

from ..lazy import attach_stub
from .common import TableMixin, partial_model, utcnow
from .enums import *
from .history import (
    UNJOURNALED_TABLES,
    EntityKind,
    Operation,
    OperationKind,
    OperationRow,
    OperationState,
    kind_of_table,
)
from .workspace import (
    DEFAULT_RISK_BANDS,
    ChangeLog,
    WorkspaceSettings,
    WorkspaceSettingsBase,
    WorkspaceSettingsUpdate,
)

__getattr__, load_all = attach_stub(__name__, __file__)
