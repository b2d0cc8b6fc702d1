"""The responsible-AI risk register: scoring, banding, lists, heat map, links, appetite,
taxonomies, and spreadsheet import/export.

Scores, levels and overdue are derived in one place, :mod:`.scoring` (in Python for one
risk and as SQL expressions for lists), so lists, the heat map, dashboards and exports
always agree.

The package, by concern (every public name is importable from here):

- :mod:`.scoring`: levels, scoring methods, bands and appetite, :func:`assess` and
  its SQL twins;
- :mod:`.register`: the register list spec, heat-map cell filters, risk-use case links,
  owner choices;
- :mod:`.exposure`: heat map, inherent-to-residual movements, exposure per use case;
- :mod:`.taxonomy`: risk taxonomies and the category and framework choices;
- :mod:`.imports`: spreadsheet import and export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .register import (
    ACTIVE_STATUSES,
    cell_filters,
    ids_in_cell,
    linked_titles_sql,
    linked_use_cases,
    links_by_risk,
    owner_choices,
    risk_list_spec,
    set_links,
)
from .scoring import (
    DEFAULT_METHOD,
    IMPACT_LEVELS,
    IMPACT_NAMES,
    LIKELIHOOD_LEVELS,
    LIKELIHOOD_NAMES,
    METHODS,
    Band,
    RiskAssessment,
    ScoringMethod,
    assess,
    bands,
    bands_from_settings,
    cell_sql,
    level_of,
    level_sql,
    method_of,
    overdue_sql,
    risk_score,
    score_sql,
    scoring_method,
    set_appetite,
    validate_appetite,
)

# The spreadsheet import/export loads on first use (see services/lazy.py).
__getattr__ = lazy_exports(
    __name__,
    {
        "DERIVED_COLUMNS": "imports",
        "EXPORT_COLUMNS": "imports",
        "IMPORT_COLUMNS": "imports",
        "apply_risk_import": "imports",
        "export_risks": "imports",
        "export_rows": "imports",
        "import_risks": "imports",
        "preview_risk_import": "imports",
        "HeatmapData": "exposure",
        "Movement": "exposure",
        "heatmap": "exposure",
        "movements": "exposure",
        "residual_exposure_by_use_case": "exposure",
        "FRAMEWORK_TAXONOMY_KEYS": "taxonomy",
        "Taxonomy": "taxonomy",
        "add_taxonomy": "taxonomy",
        "category_choices": "taxonomy",
        "framework_choices": "taxonomy",
        "set_taxonomy_enabled": "taxonomy",
        "taxonomies": "taxonomy",
    },
)

if TYPE_CHECKING:
    from .exposure import HeatmapData, Movement, heatmap, movements, residual_exposure_by_use_case
    from .imports import (
        DERIVED_COLUMNS,
        EXPORT_COLUMNS,
        IMPORT_COLUMNS,
        apply_risk_import,
        export_risks,
        export_rows,
        import_risks,
        preview_risk_import,
    )
    from .taxonomy import (
        FRAMEWORK_TAXONOMY_KEYS,
        Taxonomy,
        add_taxonomy,
        category_choices,
        framework_choices,
        set_taxonomy_enabled,
        taxonomies,
    )

__all__ = [
    "ACTIVE_STATUSES",
    "DEFAULT_METHOD",
    "DERIVED_COLUMNS",
    "EXPORT_COLUMNS",
    "FRAMEWORK_TAXONOMY_KEYS",
    "IMPACT_LEVELS",
    "IMPACT_NAMES",
    "IMPORT_COLUMNS",
    "LIKELIHOOD_LEVELS",
    "LIKELIHOOD_NAMES",
    "METHODS",
    "Band",
    "HeatmapData",
    "Movement",
    "RiskAssessment",
    "ScoringMethod",
    "Taxonomy",
    "add_taxonomy",
    "apply_risk_import",
    "assess",
    "bands",
    "bands_from_settings",
    "category_choices",
    "cell_filters",
    "cell_sql",
    "export_risks",
    "export_rows",
    "framework_choices",
    "heatmap",
    "ids_in_cell",
    "import_risks",
    "level_of",
    "level_sql",
    "linked_titles_sql",
    "linked_use_cases",
    "links_by_risk",
    "method_of",
    "movements",
    "overdue_sql",
    "owner_choices",
    "preview_risk_import",
    "residual_exposure_by_use_case",
    "risk_list_spec",
    "risk_score",
    "score_sql",
    "scoring_method",
    "set_appetite",
    "set_links",
    "set_taxonomy_enabled",
    "taxonomies",
    "validate_appetite",
]
