"""Controls and evidence: catalogs, crosswalk, applicability and status, evidence, gaps,
traceability. No Qt.

Design note (the GUI area, the tamper-evident audit trail and go-anywhere search come
later and sit on this core):

- **Data.** Catalogs are rows (``control_catalog``, ``control``), seeded from the shipped
  reference data (``resources/data/control_catalogs.json``; the EU AI Act articles the
  tier check tracks take their titles from ``ai_act.json``) when a workspace is made and
  by migration ``0013_controls``; users import their own (:mod:`.catalogs`) and load newer
  versions with a diff first (:mod:`.versions`). The crosswalk (``control_mapping``)
  links controls of different catalogs both ways, ``equivalent`` or ``related``
  (:mod:`.crosswalk`).
- **Applicability.** A ``control_status`` row exists only where the user set something
  (per use case, or with no use case for organisation-wide controls); otherwise the EU
  AI Act tier check and the use case's role derive it, or the tier check's obligation
  items stand for the article (no second copy of their status). All of this is read in
  a few queries into :class:`.state.ControlsState`, which the gap analysis, the trace
  matrix and a future GUI model share.
- **Evidence.** Files live in ``evidence_blob`` keyed by SHA-256 (kept once; removed in
  the same operation as the last evidence item naming them, see :mod:`.housekeeping`,
  and brought back by its undo); ``evidence_item`` rows are the files or references,
  linked to controls (``evidence_item_control``). Items with no use case serve every use
  case. The size limit of one file is a workspace setting (``evidence_max_mb``).
- **Writes** go through operations (undoable, in the change log); reads return frozen
  dataclass records with ``as_dict`` (the CLI's ``--json``, a GUI's row models).

Modules: :mod:`.catalogs`, :mod:`.versions`, :mod:`.crosswalk`, :mod:`.state`,
:mod:`.status`, :mod:`.listing`, :mod:`.evidence`, :mod:`.housekeeping`, :mod:`.gaps`,
:mod:`.trace`.
"""

from __future__ import annotations

from .catalogs import (
    CatalogInfo,
    ControlInfo,
    ParsedCatalog,
    builtin_catalogs,
    builtin_crosswalk,
    catalogs,
    controls,
    find_catalog,
    find_control,
    read_catalog_file,
    seed_builtin,
)
from .crosswalk import MappingInfo, add_mapping, mappings, remove_mapping
from .evidence import (
    DEFAULT_MAX_BYTES,
    About,
    Added,
    EvidenceInfo,
    Satisfied,
    add_file,
    add_reference,
    blob,
    evidence_items,
    link_controls,
    satisfied_controls,
    verify_blobs,
)
from .gaps import EXPIRY_WINDOW_DAYS, GapReport, GapRow, gap_overview, gap_report
from .housekeeping import (
    Removed,
    evidence_limit_mb,
    orphan_blobs,
    prune_blobs,
    remove_evidence,
    set_evidence_limit,
)
from .listing import ControlRow, control_rows
from .state import ControlsState, Entry
from .status import (
    LinkedRecords,
    clear_status,
    link_choices,
    linked_records,
    role_of,
    set_role,
    set_status,
)
from .trace import WORKSPACE_SCOPE, TraceRow, export_trace, trace_rows, write_trace
from .versions import (
    CatalogDiff,
    CatalogPreview,
    apply_preview,
    builtin_updates,
    catalog_diff,
    load_catalog,
    preview_catalog,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXPIRY_WINDOW_DAYS",
    "WORKSPACE_SCOPE",
    "About",
    "Added",
    "CatalogDiff",
    "CatalogInfo",
    "CatalogPreview",
    "ControlInfo",
    "ControlRow",
    "ControlsState",
    "Entry",
    "EvidenceInfo",
    "GapReport",
    "GapRow",
    "LinkedRecords",
    "MappingInfo",
    "ParsedCatalog",
    "Removed",
    "Satisfied",
    "TraceRow",
    "add_file",
    "add_mapping",
    "add_reference",
    "apply_preview",
    "blob",
    "builtin_catalogs",
    "builtin_crosswalk",
    "builtin_updates",
    "catalog_diff",
    "catalogs",
    "clear_status",
    "control_rows",
    "controls",
    "evidence_items",
    "evidence_limit_mb",
    "export_trace",
    "find_catalog",
    "find_control",
    "gap_overview",
    "gap_report",
    "link_choices",
    "link_controls",
    "linked_records",
    "load_catalog",
    "mappings",
    "orphan_blobs",
    "preview_catalog",
    "prune_blobs",
    "read_catalog_file",
    "remove_evidence",
    "remove_mapping",
    "role_of",
    "satisfied_controls",
    "seed_builtin",
    "set_evidence_limit",
    "set_role",
    "set_status",
    "trace_rows",
    "verify_blobs",
    "write_trace",
]
