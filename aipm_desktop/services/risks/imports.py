"""Spreadsheet import and export of the risk register (CSV or XLSX), with the derived
scores and levels of :func:`~aipm_desktop.services.risks.scoring.assess` in exports.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from sqlalchemy import bindparam, delete, insert, select

from ...errors import ReadOnlyError, UserError
from ...models import RiskCreate, RiskUseCaseLink, UseCase, utcnow
from ...models.enums import RiskSource, RiskStatus, Treatment
from ...store import Workspace
from .. import clock, tabular
from ..changes import Changes
from ..record_import import (
    ImportPreview,
    Matcher,
    PlannedRow,
    PreviewBuilder,
    changed_fields,
    check_choices,
    header_of,
    import_changes,
    parse_id,
    ready_to_write,
    row_values,
    stored_records,
    write_records,
)
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
    "use_case_ids": "Linked use cases by id, separated by ';' or ',' (a title in use_cases "
    "that one of these ids has needs no other match)",
    "id": "The risk to update (empty: a new risk)",
}
#: Risk fields an import sets (the other import columns are the id and the links).
_FIELDS: tuple[str, ...] = tuple(
    k for k in IMPORT_COLUMNS if k not in ("id", "use_cases", "use_case_ids")
)
#: Derived columns an export adds; an import accepts and ignores them.
DERIVED_COLUMNS = (
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
    "use_case_ids",
)
_ALIASES = {"use_case": "use_cases", "linked_use_cases": "use_cases"}
_ENUM_FIELDS = {"source": RiskSource, "treatment": Treatment, "status": RiskStatus}
_MAX_LISTED = 20


def _enum_value(text: str, enum_cls: type[enum.Enum]) -> str:
    value = "_".join(text.strip().lower().replace("-", " ").split())
    return value if value in {m.value for m in enum_cls} else text


def _convert(name: str, text: str) -> str:
    return _enum_value(text, _ENUM_FIELDS[name]) if name in _ENUM_FIELDS else text


def _tokens(text: str, pattern: str = r"[;\n]") -> list[str]:
    return [t.strip() for t in re.split(pattern, text) if t.strip()]


@dataclass
class _Links:
    """Resolves a row's ``use_case_ids`` and ``use_cases`` cells to use case ids."""

    titles: dict[int, str]
    by_title: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for uc_id, title in self.titles.items():
            self.by_title.setdefault(title.strip().casefold(), []).append(uc_id)

    def resolve(self, ids_text: str, titles_text: str) -> tuple[list[int], list[tuple[str, str]]]:
        """The linked use case ids and the ``(column, problem)`` pairs.

        ``use_case_ids`` holds ids; ``use_cases`` ids or titles. A title that names one of
        the ids already given is satisfied by it (so a title shared by several use cases
        is fine next to their ids); any other title must name exactly one use case.
        """
        links: list[int] = []
        problems: list[tuple[str, str]] = []
        for token in _tokens(ids_text, r"[;,\s]+"):
            try:
                uc_id = parse_id(token)
            except ValueError as exc:
                problems.append(("use_case_ids", str(exc)))
                continue
            if uc_id in self.titles:
                links.append(uc_id)
            else:
                problems.append(("use_case_ids", f"no use case has id {uc_id}"))
        given = {self.titles[i].strip().casefold() for i in links}
        for token in _tokens(titles_text):
            if token.isdigit() and int(token) in self.titles:
                links.append(int(token))
                continue
            key = token.casefold()
            if key in given:
                continue
            matches = self.by_title.get(key, [])
            if len(matches) == 1:
                links.append(matches[0])
            elif matches:
                problems.append(("use_cases", f"{token!r} names several use cases; use ids"))
            else:
                problems.append(("use_cases", f"no use case {token!r}"))
        return sorted(set(links)), problems


def _check_header(source: Path, header: list[str]) -> None:
    if "title" not in header and "id" not in header:
        raise UserError(f"{source.name}: missing column(s): title.")
    known = set(IMPORT_COLUMNS) | set(DERIVED_COLUMNS) | set(_ALIASES)
    unknown = sorted(set(header) - known)
    if unknown:
        raise UserError(
            f"{source.name}: unknown column(s) {', '.join(unknown)}; the columns are "
            f"{', '.join(IMPORT_COLUMNS)}."
        )


def preview_risk_import(
    *, ws: Workspace, source: Path | str, match: str = "id", on_unknown_id: str = "reject"
) -> ImportPreview:
    """Read and check a risk file; classify every row (nothing is written).

    Rows match stored risks as :mod:`..record_import` describes (by ``id``; with
    ``match="title"`` rows without an id by title; an unknown id is rejected unless
    ``on_unknown_id="add"``). An update changes only the columns present in the file;
    with a ``use_cases`` or ``use_case_ids`` column it sets the risk's links to exactly
    the use cases given. Derived columns of an export are ignored.
    """
    check_choices(match, on_unknown_id)
    source = Path(source).expanduser()
    rows = tabular.read_rows(source)
    if not rows:
        raise UserError(f"{source.name} has no risks to import (only a header row).")
    raw_header = header_of(rows)
    _check_header(source, raw_header)
    header = {_ALIASES.get(k, k) for k in raw_header}
    present = [name for name in _FIELDS if name in header]
    with_links = "use_cases" in header or "use_case_ids" in header
    t = risk_table()
    uc = UseCase.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        titles = {int(r[0]): str(r[1]) for r in conn.execute(select(uc.c.id, uc.c.title))}
        stored = stored_records(conn, t, _FIELDS)
    stored_links = {k: sorted(v) for k, v in links_by_risk(ws=ws).items()}
    resolver = _Links(titles)
    matcher = Matcher.of("risk", stored, match=match, on_unknown_id=on_unknown_id)

    built = PreviewBuilder()
    for row in rows:
        cells = {_ALIASES.get(k, k): v for k, v in row.cells.items()}
        target, problem = matcher.find(row.number, cells.get("id", ""), cells.get("title", ""))
        problems: list[tuple[str, str]] = [problem] if problem else []
        links, link_problems = resolver.resolve(
            cells.get("use_case_ids", ""), cells.get("use_cases", "")
        )
        problems.extend(link_problems)
        old = stored.get(target) if target is not None else None
        payload = row_values(RiskCreate, _FIELDS, old, cells, present, _convert)
        checked: dict[str, Any] | None = None
        try:
            checked = RiskCreate.model_validate(payload).model_dump()
        except pydantic.ValidationError as error:
            for item in error.errors():
                loc = ".".join(str(p) for p in item.get("loc", ()))
                msg = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
                problems.append((loc, msg))
        if problems or checked is None:
            built.reject(row.number, problems)
        elif old is None or target is None:
            built.keep(PlannedRow(row.number, None, checked["title"], checked, extra=links))
        else:
            values = changed_fields(checked, old, present)
            old_links = stored_links.get(target, [])
            new_links = links if with_links else old_links
            changed = (*values, *(("use_cases",) if new_links != old_links else ()))
            version, extra = old["version"], (old_links, new_links)
            built.keep(
                PlannedRow(row.number, target, old["title"], values, changed, version, extra)
            )
    return built.finish(source=source.name, row_count=len(rows), matcher=matcher)


def apply_risk_import(
    *, ws: Workspace, preview: ImportPreview, who: str | None = None
) -> tuple[Changes, int]:
    """Write a checked risk import as one operation (one undo step): all or nothing.

    Refuses (``ValidationError``) a preview with rejected rows, and (``UserError``, nothing
    written) when a risk to update changed since the preview. Writes nothing when every
    row is unchanged. Returns the changes and the number of risks added or updated.
    """
    if not ready_to_write(ws, preview):
        return Changes("risk", (), "import"), 0
    t = risk_table()
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    now = utcnow()
    with ws.write(label=preview.undo_label(), who=who) as session:
        new_ids = write_records(session, t, preview, now)
        gone: list[dict[str, int]] = []
        fresh: list[dict[str, int]] = [
            {"risk_id": risk_id, "use_case_id": uc_id}
            for risk_id, item in zip(new_ids, preview.add, strict=True)
            for uc_id in item.extra
        ]
        for item in preview.update:
            old_links, new_links = item.extra
            assert item.record_id is not None
            gone += [{"b_risk": item.record_id, "b_uc": i} for i in set(old_links) - set(new_links)]
            fresh += [
                {"risk_id": item.record_id, "use_case_id": i}
                for i in sorted(set(new_links) - set(old_links))
            ]
        if gone:
            session.execute(
                delete(link).where(
                    link.c.risk_id == bindparam("b_risk"), link.c.use_case_id == bindparam("b_uc")
                ),
                gone,
            )
        if fresh:
            session.execute(insert(link), fresh)
    return import_changes("risk", preview, new_ids)


def import_risks(
    *,
    ws: Workspace,
    source: Path | str,
    who: str | None = None,
    match: str = "id",
    on_unknown_id: str = "reject",
) -> tuple[Changes, int]:
    """Import risks from a CSV or XLSX file, all or nothing.

    :func:`preview_risk_import` then :func:`apply_risk_import`: every row is validated
    first (the same rules as the risk form); any problem raises a
    :class:`ValidationError` listing the rows and fields, and nothing is written. Linked
    use cases are given by id or title. Returns the changes and the number of risks
    added or updated (a re-imported export: 0).
    """
    if ws.readonly:
        raise ReadOnlyError(f"{ws.path.name} is open read-only; edits are disabled.")
    preview = preview_risk_import(ws=ws, source=source, match=match, on_unknown_id=on_unknown_id)
    return apply_risk_import(ws=ws, preview=preview, who=who)


def export_rows(*, ws: Workspace, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every risk, by id, as a dict of :data:`EXPORT_COLUMNS` plus ``use_case_ids`` and
    ``days_overdue`` (derived values from :func:`assess`)."""
    today = today or clock.today()
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
