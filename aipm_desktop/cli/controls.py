"""``aipm controls``: control catalogs (EU AI Act, NIST AI RMF, ISO/IEC 42001 Annex A and
your own), the crosswalk between them, applicability and status per use case, evidence,
gap analysis and the traceability matrix. Every edit is one undoable step."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app
from .import_errors import DryRunFlag

app = new_app(
    "Controls and evidence: catalogs, crosswalk, applicability and status per use case, "
    "evidence files and references, gaps and traceability."
)
evidence_app = new_app("Evidence: files stored in the workspace (by SHA-256) or references.")
crosswalk_app = new_app("The crosswalk between catalogs: equivalent or related controls.")
app.add_typer(evidence_app, name="evidence")
app.add_typer(crosswalk_app, name="crosswalk")

_Who = Annotated[
    str | None, typer.Option("--who", help="Who makes the change (default: your user name).")
]
_Control = Annotated[
    str,
    typer.Argument(help="The control: catalog:ref (eu_ai_act:Art. 9), a unique ref, or its id."),
]
_UseCase = Annotated[
    str | None,
    typer.Option("--use-case", help="The use case (id or title); without it, the workspace level."),
]
_AllowRemovals = Annotated[
    bool, typer.Option("--allow-removals", help="Load a version that drops controls in use.")
]
_CatalogKey = Annotated[str | None, typer.Option("--key", help="Catalog key (CSV/XLSX).")]
_CatalogName = Annotated[str | None, typer.Option("--name", help="Catalog name (CSV/XLSX).")]
_CatalogVersion = Annotated[
    str | None, typer.Option("--version", help="Catalog version (CSV/XLSX).")
]
_Published = Annotated[
    str | None, typer.Option("--published", help="Publication date, YYYY-MM-DD.")
]
_ControlFilter = Annotated[
    str | None, typer.Option("--control", help="Only the lines of this control.")
]
_UseCaseArg = Annotated[str, typer.Argument(help="The use case (id or title).")]
_Catalog = Annotated[
    str | None, typer.Option("--catalog", help="The catalog: key, name or id.", metavar="C")
]


def _use_case(ws: Any, ref: str | None) -> int | None:
    from ..services import ai_act

    return None if ref is None else ai_act.resolve_use_case(ws=ws, ref=ref)


def _control(ws: Any, ref: str, catalog: str | None = None) -> int:
    from ..services import controls

    return controls.find_control(ws=ws, ref=ref, catalog=catalog)


def _set(file: Path, control: str, where: dict[str, str | None], **change: Any) -> None:
    """Set ``change`` (``values``, ``links``, ``who``) of a control for the use case
    ``where["use_case"]`` (None: the workspace); ``where["catalog"]`` narrows the ref."""
    from ..services import controls

    with common.writing(file) as ws:
        control_id = _control(ws, control, where["catalog"])
        use_case_id = _use_case(ws, where["use_case"])
        controls.set_status(ws=ws, control_id=control_id, use_case_id=use_case_id, **change)


# -- catalogs ----------------------------------------------------------------------------------


@command(app, "catalogs")
def catalogs_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """List the control catalogs with their version, date and size."""
    from ..services import controls

    items = common.listed(file, controls.catalogs, as_json=as_json, empty="No catalogs.")
    rows = [
        [
            c.key,
            common.clip(c.name, 40),
            c.catalog_version,
            c.published.isoformat() if c.published else "-",
            str(c.controls),
            "built-in" if c.built_in else "imported",
        ]
        for c in items
    ]
    header = ["Key", "Name", "Version", "Published", "Controls", "Source"]
    typer.echo(common.table(header, rows, right={4}))


@command(app, "list")
def list_command(
    file: WorkspaceFile,
    catalog: _Catalog = None,
    use_case: _UseCase = None,
    as_json: JsonFlag = False,
) -> None:
    """List controls; with --use-case, whether each applies to it, its status and evidence."""
    from ..services import controls

    with common.reading(file) as ws:
        catalog_id = None if catalog is None else controls.find_catalog(ws=ws, ref=catalog)
        uc = _use_case(ws, use_case)
        found = controls.control_rows(ws=ws, use_case_id=uc, catalog_id=catalog_id)
    data = [row.as_dict() for row in found]
    for item in data:
        del item["status_id"]
    if common.echo_json_or_empty(data, as_json=as_json, empty="No controls."):
        return
    rows = [
        [
            f"{d['catalog']}:{d['ref']}",
            common.clip(d["title"], 44),
            d["priority"],
            ("applies" if d["applies"] else "n/a" if d["decided_by"] else "-")
            if d["in_scope"]
            else "(other level)",
            d["status"].replace("_", " ") if d["applies"] else "",
            str(d["evidence"] or ""),
        ]
        for d in data
    ]
    header = ["Control", "Title", "Priority", "Applies", "Status", "Evidence"]
    typer.echo(common.table(header, rows, right={5}))
    typer.echo("")
    typer.echo(common.plural(len(data), "control"))


def _print_diff(diff: Any) -> None:
    if diff.is_new:
        typer.echo(f"New catalog {diff.name} {diff.new_version}: {len(diff.added)} controls.")
        return
    typer.echo(f"{diff.name}: version {diff.old_version} -> {diff.new_version}")
    typer.echo(f"  added:   {', '.join(diff.added) or '-'}")
    changed = [f"{ref} ({', '.join(fields)})" for ref, fields in diff.changed]
    typer.echo(f"  changed: {'; '.join(changed) or '-'}")
    typer.echo(f"  removed: {', '.join(diff.removed) or '-'}")
    for item in diff.affected:
        where = f"{item.use_case}: {item.status.replace('_', ' ')}" if item.use_case else "-"
        typer.echo(
            f"  affects {item.ref} ({item.change}): {where}"
            + (f", {common.plural(item.evidence, 'evidence link')}" if item.evidence else "")
        )


@command(app, "import-catalog")
def import_catalog_command(
    file: WorkspaceFile,
    source: Annotated[Path, typer.Argument(help="The catalog: .json, .csv or .xlsx.")],
    key: _CatalogKey = None,
    name: _CatalogName = None,
    version: _CatalogVersion = None,
    published: _Published = None,
    dry_run: DryRunFlag = False,
    allow_removals: _AllowRemovals = False,
    as_json: JsonFlag = False,
    who: _Who = None,
) -> None:
    """Import your own catalog, or a newer version of a stored one (a diff is shown:
    added, changed and removed controls and the statuses and evidence they affect)."""
    from ..services import controls

    parsed = controls.read_catalog_file(
        source, key=key, name=name, catalog_version=version, published=published
    )
    if dry_run:
        with common.reading(file) as ws:
            diff = controls.catalog_diff(ws=ws, parsed=parsed)
    else:
        with common.writing(file) as ws:
            diff, _changes = controls.load_catalog(
                ws=ws, parsed=parsed, allow_removals=allow_removals, who=who
            )
    if as_json:
        common.echo_json(diff.as_dict())
        return
    _print_diff(diff)
    if not dry_run:
        typer.echo(f"Loaded {diff.name} {diff.new_version} into {file}.")


# -- applicability and status ------------------------------------------------------------------


def _ids(kind: str, refs: list[str] | None) -> list[int]:
    out = []
    for ref in refs or []:
        if not ref.strip().isdigit():
            raise UserError(f"--{kind} takes an id, not {ref!r}.")
        out.append(int(ref))
    return out


@command(app, "apply")
def apply_command(
    file: WorkspaceFile,
    control: _Control,
    use_case: _UseCase = None,
    not_applicable: Annotated[
        bool, typer.Option("--not-applicable", help="Mark it not applicable (needs --why).")
    ] = False,
    why: Annotated[
        str, typer.Option("--why", help="The justification of a not-applicable control.")
    ] = "",
    catalog: _Catalog = None,
    who: _Who = None,
) -> None:
    """Say that a control applies to a use case (or the workspace), or that it does not."""

    applicability = "not_applicable" if not_applicable else "applies"
    values: dict[str, Any] = {"applicability": applicability}
    if why:
        values["justification"] = why
    _set(file, control, {"use_case": use_case, "catalog": catalog}, values=values, who=who)
    typer.echo(f"{control}: {applicability.replace('_', ' ')}")


@command(app, "status")
def status_command(
    file: WorkspaceFile,
    control: _Control,
    status: Annotated[
        str, typer.Argument(help="not_started, in_progress, implemented or verified.")
    ],
    use_case: _UseCase = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Who owns the work.")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Due date, YYYY-MM-DD.")] = None,
    risk: Annotated[
        list[str] | None, typer.Option("--risk", help="A linked risk id; repeatable.")
    ] = None,
    mitigation: Annotated[
        list[str] | None,
        typer.Option("--mitigation", help="A linked mitigation action id; repeatable."),
    ] = None,
    launch_check: Annotated[
        list[str] | None,
        typer.Option("--launch-check", help="A linked launch check id; repeatable."),
    ] = None,
    catalog: _Catalog = None,
    who: _Who = None,
) -> None:
    """Set a control's status (and owner, due date, linked risks, mitigations, launch
    checks) for a use case or the workspace."""

    values: dict[str, Any] = {"status": status}
    if owner is not None:
        values["owner"] = owner
    if due is not None:
        values["due_date"] = common.parse_date(due, "--due takes a date as YYYY-MM-DD.")
    links = {
        kind: _ids(flag, refs)
        for kind, flag, refs in (
            ("risks", "risk", risk),
            ("mitigations", "mitigation", mitigation),
            ("launch_checks", "launch-check", launch_check),
        )
        if refs
    }
    where = {"use_case": use_case, "catalog": catalog}
    _set(file, control, where, values=values, links=links, who=who)
    typer.echo(f"{control}: {status.strip().lower().replace('_', ' ')}")


@command(app, "role")
def role_command(
    file: WorkspaceFile,
    use_case: _UseCaseArg,
    role: Annotated[str, typer.Argument(help="provider, deployer or both.")],
    who: _Who = None,
) -> None:
    """Set a use case's EU AI Act role (which obligations the tier check applies)."""
    from ..services import ai_act, controls

    with common.writing(file) as ws:
        use_case_id = ai_act.resolve_use_case(ws=ws, ref=use_case)
        controls.set_role(ws=ws, use_case_id=use_case_id, role=role, who=who)
    typer.echo(f"Role: {role.strip().lower()}")


# -- gaps and trace ----------------------------------------------------------------------------


@command(app, "gaps")
def gaps_command(
    file: WorkspaceFile,
    catalog: _Catalog = None,
    use_case: Annotated[
        str | None, typer.Option("--use-case", help="Only this use case (id or title).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Gap analysis: coverage %, missing controls by priority, evidence expiring within
    30 days; per use case (and the workspace), for one catalog (default: EU AI Act)."""
    from ..services import controls

    with common.reading(file) as ws:
        catalog_id = controls.find_catalog(ws=ws, ref=catalog or "eu_ai_act")
        if use_case is not None:
            reports = [
                controls.gap_report(
                    ws=ws, catalog_id=catalog_id, use_case_id=_use_case(ws, use_case)
                )
            ]
        else:
            reports = controls.gap_overview(ws=ws, catalog_id=catalog_id)
    if common.echo_json_or_empty(
        reports, as_json=as_json, empty="No control of this catalog applies yet."
    ):
        return
    lines: list[str] = []
    for rep in reports:
        pct = "-" if rep.coverage_pct is None else f"{rep.coverage_pct:.1f}%"
        missing = ", ".join(f"{n} {p}" for p, n in rep.missing_by_priority().items())
        lines.append(
            f"{rep.use_case}: {pct} covered ({rep.covered} of {rep.applicable}); missing {missing}"
        )
        lines += [f"  [{r.priority}] {r.ref} {r.title}: {r.missing}" for r in rep.missing]
        lines += [
            f"  expiring in {e.days_left} d ({e.valid_until.isoformat()}): {e.title} "
            f"({', '.join(e.controls)})"
            for e in rep.expiring
        ]
    typer.echo("\n".join(lines))


@command(app, "trace")
def trace_command(
    file: WorkspaceFile,
    out: Annotated[Path, typer.Option("--out", help="The file to write: .csv or .xlsx.")],
    use_case: Annotated[
        str | None, typer.Option("--use-case", help="Only this use case (id or title).")
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Export the traceability matrix: use case, risks, mitigations, control, status,
    evidence, launch checks, KPIs."""
    from ..services import controls

    with common.reading(file) as ws:
        written = controls.export_trace(
            ws=ws, out=out, use_case_id=_use_case(ws, use_case), overwrite=force
        )
    typer.echo(f"Wrote {written}")


# -- evidence ----------------------------------------------------------------------------------


@command(evidence_app, "add")
def evidence_add_command(
    file: WorkspaceFile,
    target: Annotated[
        str, typer.Argument(help="A file to store, or with --kind the URL, document id or ticket.")
    ],
    control: Annotated[
        list[str] | None, typer.Option("--control", help="A control it satisfies; repeatable.")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="file (default), url, document or ticket.")
    ] = "file",
    use_case: _UseCase = None,
    title: Annotated[str, typer.Option("--title", help="Default: the file name.")] = "",
    valid_from: Annotated[str | None, typer.Option("--valid-from", help="YYYY-MM-DD.")] = None,
    valid_until: Annotated[str | None, typer.Option("--valid-until", help="YYYY-MM-DD.")] = None,
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who reviewed it.")] = "",
    max_mb: Annotated[
        float | None,
        typer.Option(
            "--max-mb",
            help="Size limit of one file, in MB (default: the workspace's, 50 unless set).",
            min=0.001,
        ),
    ] = None,
    who: _Who = None,
) -> None:
    """Add evidence for controls: a file kept in the workspace, or a reference."""
    from ..services import controls

    with common.writing(file) as ws:
        about = controls.About(
            control_ids=tuple(_control(ws, ref) for ref in control or []),
            use_case_id=_use_case(ws, use_case),
            title=title,
            added_by=who or "",
            valid_from=common.parse_date(valid_from, "--valid-from takes YYYY-MM-DD."),
            valid_until=common.parse_date(valid_until, "--valid-until takes YYYY-MM-DD."),
            reviewer=reviewer,
        )
        if kind.strip().lower() == "file":
            limit = None if max_mb is None else int(max_mb * 1024 * 1024)
            added = controls.add_file(ws=ws, path=target, about=about, max_bytes=limit, who=who)
        else:
            added = controls.add_reference(ws=ws, kind=kind, target=target, about=about, who=who)
    if added.reused:
        typer.echo(f"Already stored as evidence {added.id}; linked it to the controls given.")
    else:
        digest = f" (SHA-256 {added.sha256})" if added.sha256 else ""
        typer.echo(f"Added evidence {added.id}{digest}")


@command(evidence_app, "list")
def evidence_list_command(
    file: WorkspaceFile, use_case: _UseCase = None, as_json: JsonFlag = False
) -> None:
    """List evidence items with the controls each satisfies directly."""
    from ..services import controls

    with common.reading(file) as ws:
        items = controls.evidence_items(ws=ws, use_case_id=_use_case(ws, use_case))
    if common.echo_json_or_empty(items, as_json=as_json, empty="No evidence yet."):
        return
    rows = [
        [
            str(i.id),
            common.clip(i.title, 36),
            i.kind,
            common.clip(i.use_case or "(workspace)", 24),
            i.valid_until.isoformat() if i.valid_until else "-",
            common.clip(", ".join(i.controls) or "-", 40),
        ]
        for i in items
    ]
    typer.echo(
        common.table(
            ["ID", "Title", "Kind", "Use case", "Valid until", "Controls"], rows, right={0}
        )
    )


@command(evidence_app, "satisfies")
def evidence_satisfies_command(
    file: WorkspaceFile,
    evidence_id: Annotated[int, typer.Argument(help="The evidence item's id.")],
    as_json: JsonFlag = False,
) -> None:
    """Which controls an evidence item satisfies: directly and through the crosswalk."""
    from ..services import controls

    with common.reading(file) as ws:
        items = controls.satisfied_controls(ws=ws, evidence_id=evidence_id)
    if common.echo_json_or_empty(items, as_json=as_json, empty="No control linked yet."):
        return
    for item in items:
        how = item.how if item.how == "direct" else f"{item.how}, via {item.via}"
        typer.echo(f"{item.control}  {item.title}  ({how})")


@command(evidence_app, "verify")
def evidence_verify_command(file: WorkspaceFile) -> None:
    """Recompute every stored evidence file's SHA-256; exit 1 when one does not match."""
    from ..services import controls

    with common.reading(file) as ws:
        problems = controls.verify_blobs(ws=ws)
    if problems:
        for line in problems:
            typer.echo(line)
        raise typer.Exit(1)
    typer.echo("Every evidence file matches its SHA-256.")


# -- crosswalk ---------------------------------------------------------------------------------


@command(crosswalk_app, "list")
def crosswalk_list_command(
    file: WorkspaceFile,
    control: _ControlFilter = None,
    as_json: JsonFlag = False,
) -> None:
    """List the crosswalk lines."""
    from ..services import controls

    with common.reading(file) as ws:
        control_id = None if control is None else _control(ws, control)
        items = controls.mappings(ws=ws, control_id=control_id)
    if common.echo_json_or_empty(items, as_json=as_json, empty="No crosswalk lines."):
        return
    rows = [[str(m.id), m.from_control, m.strength, m.to_control] for m in items]
    typer.echo(common.table(["ID", "Control", "Strength", "Control"], rows, right={0}))


@command(crosswalk_app, "add")
def crosswalk_add_command(
    file: WorkspaceFile,
    first: _Control,
    second: _Control,
    strength: Annotated[str, typer.Option("--strength", help="equivalent or related.")] = "related",
    note: Annotated[str, typer.Option("--note", help="Why they map.")] = "",
    who: _Who = None,
) -> None:
    """Link two controls of different catalogs."""
    from ..services import controls

    with common.writing(file) as ws:
        pair = {"from_control_id": _control(ws, first), "to_control_id": _control(ws, second)}
        changes = controls.add_mapping(ws=ws, **pair, strength=strength, note=note, who=who)
    typer.echo(f"Added crosswalk line {changes.ids[0]}: {first} {strength} {second}")


@command(crosswalk_app, "remove")
def crosswalk_remove_command(
    file: WorkspaceFile,
    mapping_ids: Annotated[list[int], typer.Argument(help="The crosswalk lines' ids.")],
    who: _Who = None,
) -> None:
    """Remove crosswalk lines (each one undoable step)."""
    from ..services import controls

    with common.writing(file) as ws:
        for mapping_id in mapping_ids:
            controls.remove_mapping(ws=ws, mapping_id=mapping_id, who=who)
    typer.echo(f"Removed {common.plural(len(mapping_ids), 'crosswalk line')}")
