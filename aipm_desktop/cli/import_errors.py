"""Import refusals on the command line: the summary on stderr, the full list to a file."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import common
from .common import fail

if TYPE_CHECKING:
    from ..services.problems import Problem
    from ..services.record_import import ImportPreview
    from ..store import Workspace

ErrorsOption = Annotated[
    Path | None,
    typer.Option(
        "--errors",
        help="When rows are rejected, write every problem (row, column, problem) to this "
        "CSV or XLSX file.",
    ),
]

#: ``--dry-run``, ``--match`` and ``--on-unknown-id`` of the imports.
DryRunFlag = Annotated[
    bool, typer.Option("--dry-run", help="Only check the file and print what would happen.")
]
MatchOption = Annotated[str, typer.Option("--match", help=common.MATCH_HELP)]
UnknownIdOption = Annotated[str, typer.Option("--on-unknown-id", help=common.UNKNOWN_ID_HELP)]


def refuse(
    headline: str, lines: Sequence[str], problems: Sequence[Problem], errors: Path | None
) -> typer.Exit:
    """Print the summary lines, write the full list to ``errors``; returns the Exit."""
    from ..services.problems import write_problems

    for line in lines:
        typer.echo(f"  {line}", err=True)
    if errors is not None:
        written = write_problems(errors, problems)
        typer.echo(f"  The full list of {len(problems):,} problem(s) is in {written}", err=True)
    return fail(f"{headline}.")


@contextlib.contextmanager
def reported(errors: Path | None) -> Iterator[None]:
    """Turn an :class:`~aipm_desktop.services.problems.ImportRefused` into one error line
    (its summary) and the full list in ``errors`` when given."""
    from ..services.problems import ImportRefused, write_problems

    try:
        yield
    except ImportRefused as refusal:
        if errors is None:
            raise
        written = write_problems(errors, refusal.problems)
        raise fail(
            f"{refusal.message} (the full list of {len(refusal.problems):,} problem(s) is "
            f"in {written})"
        ) from None


def dry_run_ends(preview: Any, dry_run: bool, errors: Path | None) -> bool:
    """After a results preview was printed: refuse it (the problems listed, every one
    in ``errors``; exit 1) unless it is clean; True when a dry run ends here."""
    if not preview.ok:
        refusal = preview.refusal()
        raise refuse(refusal.headline, preview.lines(), list(preview.problems), errors)
    if dry_run:
        typer.echo("Dry run: nothing written.")
    return dry_run


def apply_preview(
    ws: Any,
    preview: ImportPreview,
    apply: Callable[..., Any],
    *,
    dry_run: bool,
    errors: Path | None,
) -> bool:
    """Print a record import's preview summary, then write it with ``apply`` (or, on a dry
    run, only refuse rejected rows). Returns whether anything was applied."""
    from ..services.record_import import refuse_rejected

    typer.echo(f"{preview.source}: {preview.summary()}")
    with reported(errors):
        if dry_run:
            refuse_rejected(preview)
            typer.echo("Dry run: nothing written.")
            return False
        apply(ws=ws, preview=preview)
    return True


def import_records(
    file: Path,
    preview_of: Callable[[Workspace], ImportPreview],
    apply: Callable[..., Any],
    word: str,
    *,
    dry_run: bool,
    errors: Path | None,
) -> None:
    """A record import command: ``preview_of`` the workspace (opened read-only on a dry
    run), then :func:`apply_preview` and the one-line result (``word``: "risk" ...)."""
    with common.reading(file) if dry_run else common.writing(file) as ws:
        preview = preview_of(ws)
        applied = apply_preview(ws, preview, apply, dry_run=dry_run, errors=errors)
    if applied:
        typer.echo(common.import_result(preview, word, file))
