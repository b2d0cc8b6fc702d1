"""Spreadsheet import and export of the risk register (CSV or XLSX), with the derived
scores and levels of :func:`~aipm_desktop.services.risks.scoring.assess` in exports.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from pathlib import Path
from typing import Any

import pydantic
from sqlalchemy import insert, select

from ...errors import UserError, ValidationError
from ...models import Risk, RiskCreate, RiskUseCaseLink, UseCase
from ...models.enums import RiskSource, RiskStatus, Treatment
from ...store import Workspace
from .. import tabular
from ..changes import Changes
from .register import links_by_risk
from .scoring import assess, bands, method_of, risk_table

# --------------------------------------------------------------------------- import/export

#: Columns a risk spreadsheet may have (normalised header -> what it holds).
IMPORT_COLUMNS: dict[str, str] = {
    "title": "Short name of the risk (required)",
    "description": "What could go wrong and for whom",
    "category": "A category from a taxonomy, e.g. Confabulation",
    "source": "review, red team, incident, customer feedback or vendor change",
    "owner": "Who owns the risk",
    "likelihood": "1 (rare) to 5 (almost certain)",
    "impact": "1 (negligible) to 5 (severe)",
    "treatment": "mitigate, accept, avoid or transfer",
    "residual_likelihood": "1-5 after treatment (with residual impact, or both empty)",
    "residual_impact": "1-5 after treatment",
    "status": "open, mitigating, accepted or closed",
    "acceptance_rationale": "Why the risk is accepted (accepted risks)",
    "approver": "Who accepted the risk (accepted risks)",
    "acceptance_expiry": "Date the acceptance ends, YYYY-MM-DD",
    "review_cadence_days": "Days between reviews",
    "next_review": "Next review date, YYYY-MM-DD",
    "framework_refs": "Framework references, e.g. NIST AI RMF MEASURE 2.5",
    "use_cases": "Linked use cases: ids or titles separated by ';'",
}
#: Derived columns an export adds; an import accepts and ignores them.
DERIVED_COLUMNS = (
    "id",
    "inherent_score",
    "inherent_level",
    "residual_score",
    "residual_level",
    "overdue",
)
EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "description",
    "category",
    "source",
    "owner",
    "likelihood",
    "impact",
    "inherent_score",
    "inherent_level",
    "treatment",
    "residual_likelihood",
    "residual_impact",
    "residual_score",
    "residual_level",
    "status",
    "acceptance_rationale",
    "approver",
    "acceptance_expiry",
    "review_cadence_days",
    "next_review",
    "overdue",
    "framework_refs",
    "use_cases",
)
_ALIASES = {"use_case": "use_cases", "linked_use_cases": "use_cases", "use_case_ids": "use_cases"}
_ENUM_FIELDS = {"source": RiskSource, "treatment": Treatment, "status": RiskStatus}
_MAX_LISTED = 20


def _enum_value(text: str, enum_cls: type[enum.Enum]) -> str:
    value = "_".join(text.strip().lower().replace("-", " ").split())
    return value if value in {m.value for m in enum_cls} else text


def import_risks(
    *, ws: Workspace, source: Path | str, who: str | None = None
) -> tuple[Changes, int]:
    """Import risks from a CSV or XLSX file, all or nothing.

    Every row is validated first (the same rules as the risk form); any problem raises a
    :class:`ValidationError` listing the rows and fields, and nothing is written. Linked
    use cases are given by id or title. Returns the changes and the number imported.
    """
    source = Path(source).expanduser()
    rows = tabular.read_rows(source, required=("title",))
    if not rows:
        raise UserError(f"{source.name} has no risks to import (only a header row).")
    header = set(rows[0].cells)
    for row in rows[1:]:
        header |= set(row.cells)
    known = set(IMPORT_COLUMNS) | set(DERIVED_COLUMNS) | set(_ALIASES)
    unknown = sorted(header - known)
    if unknown:
        raise UserError(
            f"{source.name}: unknown column(s) {', '.join(unknown)}; the columns are "
            f"{', '.join(IMPORT_COLUMNS)}."
        )
    uc = UseCase.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        use_cases = [(row[0], row[1]) for row in conn.execute(select(uc.c.id, uc.c.title))]
    by_id = {uc_id for uc_id, _ in use_cases}
    by_title: dict[str, list[int]] = {}
    for uc_id, title in use_cases:
        by_title.setdefault(title.strip().lower(), []).append(uc_id)

    errors: list[tuple[str, str]] = []
    prepared: list[tuple[dict[str, Any], list[int]]] = []
    for row in rows:
        cells = {_ALIASES.get(k, k): v for k, v in row.cells.items()}
        payload: dict[str, Any] = {}
        for key, value in cells.items():
            if key in DERIVED_COLUMNS or key == "use_cases" or value == "":
                continue
            payload[key] = _enum_value(value, _ENUM_FIELDS[key]) if key in _ENUM_FIELDS else value
        links: list[int] = []
        for token in re.split(r"[;\n]", cells.get("use_cases", "")):
            token = token.strip()
            if not token:
                continue
            if token.isdigit() and int(token) in by_id:
                links.append(int(token))
                continue
            matches = by_title.get(token.lower(), [])
            if len(matches) == 1:
                links.append(matches[0])
            elif matches:
                errors.append(
                    (f"row {row.number}, use_cases", f"{token!r} names several use cases; use ids")
                )
            else:
                errors.append((f"row {row.number}, use_cases", f"no use case {token!r}"))
        try:
            checked = Risk.model_validate(RiskCreate.model_validate(payload))
        except pydantic.ValidationError as error:
            for item in error.errors():
                loc = ".".join(str(p) for p in item.get("loc", ()))
                msg = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
                errors.append((f"row {row.number}, {loc}" if loc else f"row {row.number}", msg))
            continue
        values = checked.model_dump()
        values.pop("id", None)
        prepared.append((values, sorted(set(links))))
    if errors:
        bad_rows = len({where.split(",")[0] for where, _ in errors})
        shown = "; ".join(f"{where}: {msg}" for where, msg in errors[:_MAX_LISTED])
        more = f" (first {_MAX_LISTED} of {len(errors)} problems)" if len(errors) > 20 else ""
        raise ValidationError(
            f"{source.name}: {bad_rows} of {len(rows)} rows cannot be imported; nothing was "
            f"imported{more}. {shown}",
            errors,
        )
    t = risk_table()
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        result = session.execute(
            insert(t).returning(t.c.id, sort_by_parameter_order=True),
            [values for values, _ in prepared],
        )
        ids = [row[0] for row in result]
        link_rows = [
            {"risk_id": risk_id, "use_case_id": uc_id}
            for risk_id, (_values, links) in zip(ids, prepared, strict=True)
            for uc_id in links
        ]
        if link_rows:
            session.execute(insert(link), link_rows)
    return Changes("risk", tuple(ids), "create"), len(ids)


def export_rows(*, ws: Workspace, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every risk, by id, as a dict of :data:`EXPORT_COLUMNS` plus ``use_case_ids`` and
    ``days_overdue`` (derived values from :func:`assess`)."""
    today = today or dt.date.today()
    band_list, method = bands(ws=ws), method_of(ws=ws)
    t = risk_table()
    uc = UseCase.__table__  # type: ignore[attr-defined]
    links = links_by_risk(ws=ws)
    with ws.engine.connect() as conn:
        titles: dict[int, str] = {
            row[0]: row[1] for row in conn.execute(select(uc.c.id, uc.c.title))
        }
        risks = conn.execute(select(t).order_by(t.c.id)).mappings().all()
    result = []
    for risk in risks:
        derived = assess(risk, bands=band_list, method=method, today=today)
        row = {key: risk.get(key) for key in EXPORT_COLUMNS if key in risk}
        row.update(
            inherent_score=derived.inherent_score,
            inherent_level=derived.inherent_level.name,
            residual_score=derived.residual_score,
            residual_level=derived.residual_level.name,
            overdue="yes" if derived.overdue else "no",
            use_cases="; ".join(titles[i] for i in links.get(risk["id"], ()) if i in titles),
            use_case_ids=list(links.get(risk["id"], ())),
            days_overdue=derived.days_overdue,
        )
        result.append(row)
    return result


def export_risks(*, ws: Workspace, out: Path | str, overwrite: bool = True) -> Path:
    """Write the register to a CSV or XLSX file (formula-safe); returns the path."""
    rows = export_rows(ws=ws)
    return tabular.write_rows(
        out,
        EXPORT_COLUMNS,
        ([row.get(key) for key in EXPORT_COLUMNS] for row in rows),
        overwrite=overwrite,
    )
