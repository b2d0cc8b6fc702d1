"""``aipm incidents edit | severities | categories | action | review | risk``: an
incident's fields changed, the workspace's incident reference lists (what SEV1-SEV4
mean; the failure-category triage list) shown and edited, a mitigation action recorded
on an incident, its post-incident review written, and the incident added to the risk
register. Each edit is one undoable step
(``aipm undo``); a refused edit says why, exits 1 and writes nothing.

The commands join the ``aipm incidents`` group when this module is imported (the
command line's ``app`` imports it with the other groups).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import UserError
from . import common
from .common import JsonFlag, WhoOption, WorkspaceFile, command
from .incidents import (
    AT_OPTION,
    CATEGORY_OPTION,
    INCIDENT_ARG,
    KPI_OPTION,
    RELEASE_OPTION,
    ROOT_CAUSE_OPTION,
    USE_CASE_OPTION,
    add_to_incident,
    app,
    incident_fields,
)

_Pairs = list[str] | None


def _pairs(values: _Pairs, option: str, example: str) -> list[tuple[str, str]]:
    """``["SEV2=text", ...]`` as ``[("SEV2", "text"), ...]``; a value without ``=`` is
    refused naming the option."""
    pairs = []
    for value in values or []:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise UserError(f"{option} takes {example}, not {value!r}.")
        pairs.append((key.strip(), text))
    return pairs


def _hours(text: str, key: str) -> float | None:
    if not text.strip() or text.strip() == "-":
        return None
    try:
        return float(text)
    except ValueError:
        raise UserError(
            f"--ack-within {key}= takes hours (e.g. 0.25 or 4), or - for none; not {text!r}."
        ) from None


@command(app, "severities")
def severities_command(
    file: WorkspaceFile,
    set_: Annotated[
        _Pairs,
        typer.Option(
            "--set", help='A definition: SEV2="Major quality regression ..." (repeatable).'
        ),
    ] = None,
    name: Annotated[
        _Pairs, typer.Option("--name", help="A short name: SEV4=Cosmetic (repeatable).")
    ] = None,
    ack_within: Annotated[
        _Pairs,
        typer.Option(
            "--ack-within",
            help="Hours to acknowledge: SEV1=0.25 (repeatable; SEV4=- for none).",
        ),
    ] = None,
    as_json: JsonFlag = False,
    who: WhoOption = None,
) -> None:
    """Show what SEV1-SEV4 mean in this workspace; with --set, --name or --ack-within,
    change them first (all given changes are one undoable step)."""
    from ..services import incidents

    changes: dict[str, dict[str, Any]] = {}
    given = (
        (set_, "--set", 'SEV2="definition"', "definition", str.strip),
        (name, "--name", "SEV4=Cosmetic", "name", str),
        (ack_within, "--ack-within", "SEV1=0.25", "acknowledge_within_hours", None),
    )
    for values, option, example, field, convert in given:
        for key, text in _pairs(values, option, example):
            level = incidents.severity_of(key).value
            value = _hours(text, key) if convert is None else convert(text)
            changes.setdefault(level, {})[field] = value
    if changes:
        with common.writing(file) as ws:
            incidents.update_severity_definitions(ws=ws, changes=changes, who=who)
            found = incidents.severity_definitions(ws=ws)
    else:
        with common.reading(file) as ws:
            found = incidents.severity_definitions(ws=ws)
    if as_json:
        common.echo_json(
            [
                {
                    "severity": str(d.severity),
                    **{f: getattr(d, f) for f in incidents.SEVERITY_FIELDS},
                }
                for d in found
            ]
        )
        return
    lines = []
    for d in found:
        hours = d.acknowledge_within_hours
        within = "" if hours is None else f"  (acknowledge within {hours:g} h)"
        lines += [f"{d.severity.upper()}  {d.name}{within}", f"      {d.definition or '-'}"]
    if changes:
        word = "severity" if len(changes) == 1 else "severities"
        lines += ["", f"Changed {len(changes)} {word} (aipm undo takes it back)"]
    typer.echo("\n".join(lines))


_CATEGORY_EDITS = ("--add", "--rename", "--describe", "--remove", "--up", "--down")


@command(app, "categories")
def categories_command(
    file: WorkspaceFile,
    add: Annotated[
        str | None, typer.Option("--add", help="Add a category at the end of the list.")
    ] = None,
    description: Annotated[
        str, typer.Option("--description", help="With --add: what the category means.")
    ] = "",
    rename: Annotated[
        str | None, typer.Option("--rename", help='Rename one: "Old name=New name".')
    ] = None,
    describe: Annotated[
        str | None, typer.Option("--describe", help='Describe one: "Name=What it means".')
    ] = None,
    remove: Annotated[
        str | None,
        typer.Option(
            "--remove",
            help="Remove one (name or id); refused while incidents use it, unless "
            "--move-to or --clear says where they go.",
        ),
    ] = None,
    move_to: Annotated[
        str | None,
        typer.Option("--move-to", help="With --remove: the category its incidents move to."),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="With --remove: its incidents keep no category.")
    ] = False,
    up: Annotated[str | None, typer.Option("--up", help="Move one up the list.")] = None,
    down: Annotated[str | None, typer.Option("--down", help="Move one down the list.")] = None,
    as_json: JsonFlag = False,
    who: WhoOption = None,
) -> None:
    """Show the failure-category triage list with how many incidents are in each; with
    one of --add, --rename, --describe, --remove, --up or --down, change it first (one
    undoable step)."""
    from ..services import incidents

    given = [
        option
        for option, value in zip(
            _CATEGORY_EDITS, (add, rename, describe, remove, up, down), strict=True
        )
        if value is not None
    ]
    if len(given) > 1:
        raise UserError(f"one change at a time: {' and '.join(given)} were given.")
    if (move_to is not None or clear) and remove is None:
        raise UserError("--move-to and --clear go with --remove.")
    if description and add is None:
        raise UserError('--description goes with --add; use --describe "Name=text" for one.')
    done = ""
    if given:
        with common.writing(file) as ws:
            done = _edit_categories(
                ws,
                add=add,
                description=description,
                rename=rename,
                describe=describe,
                remove=remove,
                move_to=move_to,
                clear=clear,
                step=(up, -1) if up is not None else (down, 1) if down is not None else None,
                who=who,
            )
            uses = incidents.category_uses(ws=ws)
    else:
        with common.reading(file) as ws:
            uses = incidents.category_uses(ws=ws)
    if as_json:
        common.echo_json(uses)
        return
    rows = [
        [str(u.id), u.name, str(u.incidents), common.clip(u.description or "-", 60)] for u in uses
    ]
    typer.echo(common.table(["ID", "Category", "Incidents", "Description"], rows, right={0, 2}))
    if done:
        typer.echo("")
        typer.echo(f"{done} (aipm undo takes it back)")


def _edit_categories(
    ws: Any,
    *,
    add: str | None,
    description: str,
    rename: str | None,
    describe: str | None,
    remove: str | None,
    move_to: str | None,
    clear: bool,
    step: tuple[str, int] | None,
    who: str | None,
) -> str:
    """Apply the one change the options ask for; what was done, in words."""
    from ..services import incidents

    if add is not None:
        new_id, _ = incidents.add_category(ws=ws, name=add, description=description, who=who)
        return f"Added category {new_id}: {' '.join(add.split())}"
    if rename is not None or describe is not None:
        option, value = ("--rename", rename) if rename is not None else ("--describe", describe)
        ((ref, text),) = _pairs([value or ""], option, '"Name=text"')
        field = "name" if option == "--rename" else "description"
        category_id = incidents.find_category(ws=ws, ref=ref)
        incidents.rename_category(ws=ws, category_id=category_id, data={field: text}, who=who)
        return f"{'Renamed' if field == 'name' else 'Described'} category {category_id}"
    if remove is not None:
        category_id = incidents.find_category(ws=ws, ref=remove)
        target = None if move_to is None else incidents.find_category(ws=ws, ref=move_to)
        try:
            incidents.delete_category(
                ws=ws, category_id=category_id, move_to=target, clear=clear, who=who
            )
        except incidents.CategoryInUseError as error:
            raise UserError(
                f"{error.summary} Say where they go: --move-to CATEGORY, or --clear to "
                "leave them without a category."
            ) from None
        return f"Removed category {category_id}"
    assert step is not None
    ref, direction = step
    category_id = incidents.find_category(ws=ws, ref=ref)
    incidents.move_category(ws=ws, category_id=category_id, step=direction, who=who)
    return f"Moved category {category_id} {'up' if direction < 0 else 'down'}"


@command(app, "action")
def action_command(
    file: WorkspaceFile,
    incident: INCIDENT_ARG,
    kind: Annotated[
        str,
        typer.Argument(
            help="feature-flag-rollback, safe-mode, prompt-update, policy-filter, hotfix, "
            "data-exclusion, vendor-escalation or other."
        ),
    ],
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who took the action (default: who makes the change)."),
    ] = None,
    at: AT_OPTION = None,
    notes: Annotated[str, typer.Option("--notes", help="What exactly was done.")] = "",
    who: WhoOption = None,
) -> None:
    """Record a mitigation action on an incident, with who and when (one undoable step);
    a feature-flag rollback also marks the incident as rolled back."""
    from ..services import incidents

    action_id, incident_id = add_to_incident(
        file, incident, incidents.add_action, kind=kind, notes=notes, by=by, at=at, who=who
    )
    typer.echo(f"Recorded action {action_id} on incident {incident_id}")


@command(app, "review")
def review_command(
    file: WorkspaceFile,
    incident: INCIDENT_ARG,
    title: Annotated[
        str | None,
        typer.Option("--title", help='The document\'s title (default "Post-incident review: …").'),
    ] = None,
    who: WhoOption = None,
) -> None:
    """Write the incident's post-incident review: a document in Documents from its
    template, filled with the incident's facts, timeline and actions (one undoable step;
    an incident that has its review already is refused)."""
    from ..services import incidents

    with common.writing(file) as ws:
        incident_id = incidents.find_incident(ws=ws, ref=incident)
        document_id, _changes = incidents.post_incident_review(
            ws=ws, incident_id=incident_id, title=title, who=who
        )
    typer.echo(
        f"Wrote the post-incident review of incident {incident_id} as document {document_id} "
        f"(aipm docs export {file} {document_id} to read it)"
    )


@command(app, "risk")
def risk_command(
    file: WorkspaceFile,
    incident: INCIDENT_ARG,
    link: Annotated[
        int | None,
        typer.Option("--link", help="Link this risk (its id) instead of creating a new one."),
    ] = None,
    who: WhoOption = None,
) -> None:
    """Add the incident to the risk register: a new risk made from it, or (--link) a risk
    already in the register linked to it, with what to review next (one undoable step)."""
    from ..services import incidents

    with common.writing(file) as ws:
        incident_id = incidents.find_incident(ws=ws, ref=incident)
        result = incidents.add_to_risk_register(
            ws=ws, incident_id=incident_id, risk_id=link, who=who
        )
    verb = "Created risk" if result.created else "Linked risk"
    typer.echo(f"{verb} {result.risk_id} for incident {incident_id}. {result.prompt}")


_TIME_HELP = "e.g. 2026-11-24 09:10 (local time unless it says its zone)"


@command(app, "edit")
def edit_command(
    file: WorkspaceFile,
    incident: INCIDENT_ARG,
    title: Annotated[str | None, typer.Option("--title", help="What failed, in a line.")] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="sev1 to sev4.")] = None,
    category: CATEGORY_OPTION = None,
    root_cause: ROOT_CAUSE_OPTION = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Who leads the response.")] = None,
    impact: Annotated[str | None, typer.Option("--impact", help="The customer impact.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="What happened, as it was seen.")
    ] = None,
    cause: Annotated[str | None, typer.Option("--cause", help="Why it happened.")] = None,
    response: Annotated[
        str | None, typer.Option("--response", help="What was done, in words (for the review).")
    ] = None,
    rolled_back: Annotated[
        bool | None,
        typer.Option("--rolled-back/--not-rolled-back", help="Whether it was rolled back."),
    ] = None,
    use_case: USE_CASE_OPTION = None,
    kpi: KPI_OPTION = None,
    release: RELEASE_OPTION = None,
    detected: Annotated[str | None, typer.Option("--detected", help=_TIME_HELP)] = None,
    acknowledged: Annotated[str | None, typer.Option("--acknowledged", help=_TIME_HELP)] = None,
    mitigated: Annotated[str | None, typer.Option("--mitigated", help=_TIME_HELP)] = None,
    resolved: Annotated[str | None, typer.Option("--resolved", help=_TIME_HELP)] = None,
    reviewed: Annotated[str | None, typer.Option("--reviewed", help=_TIME_HELP)] = None,
    who: WhoOption = None,
) -> None:
    """Change an incident's fields: only the options given, all as one undoable step
    (--use-case and --kpi replace the linked ones; "none" clears a category, root cause
    or release). The times must follow each other, else nothing is written."""
    from ..services import incidents

    with common.writing(file) as ws:
        incident_id = incidents.find_incident(ws=ws, ref=incident)
        data = incident_fields(
            ws,
            title=title,
            severity=severity,
            category_id=category,
            root_cause_class=root_cause,
            owner=owner,
            customer_impact=impact,
            description=description,
            root_cause=cause,
            actions=response,
            rolled_back=rolled_back,
            use_case_ids=use_case,
            kpi_ids=kpi,
            release_id=release,
            detected_at=detected,
            acknowledged_at=acknowledged,
            mitigated_at=mitigated,
            resolved_at=resolved,
            reviewed_at=reviewed,
        )
        if not data:
            raise UserError("say what to change, e.g. --owner NAME or --category NAME.")
        incidents.update_incident(ws=ws, incident_id=incident_id, data=data, who=who)
    words = {"actions": "response", "root_cause": "cause", "customer_impact": "impact"}
    changed = [
        words.get(name, name.removesuffix("_ids").removesuffix("_id").replace("_", " "))
        for name in data
    ]
    typer.echo(f"Changed incident {incident_id}: {', '.join(changed)}")
