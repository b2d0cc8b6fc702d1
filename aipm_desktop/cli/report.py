"""``aipm report``: client-ready reports (assessment, executive readout, RAI pack) as PDF,
HTML, DOCX, PPTX or JSON, and a use case's model card as Markdown or CycloneDX ML-BOM JSON,
from options or from a report saved in the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UserError
from .common import (
    ForceFlag,
    WorkspaceFile,
    command,
    open_for_reading,
    open_for_writing,
    parse_date,
)

_Sections = Annotated[
    str | None,
    typer.Option(
        "--sections",
        help="Sections in the order wanted, comma-separated (default: the kind's own).",
        metavar="A,B,...",
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``aipm report`` to the root app."""

    @command(app, "report")
    def report_command(
        file: WorkspaceFile,
        out: Path | None = typer.Option(
            None,
            "--out",
            "-o",
            help="The file to write: .pdf, .html, .docx, .pptx or .json (a model card: "
            ".md or .json).",
        ),
        kind: str = typer.Option(
            "assessment",
            "--kind",
            help="assessment, readout, rai-pack or model-card.",
            metavar="KIND",
        ),
        use_case: list[str] | None = typer.Option(
            None, "--use-case", help="A use case, by title or id (repeatable).", metavar="X"
        ),
        sections: _Sections = None,
        client_safe: bool = typer.Option(
            False, "--client-safe", help="Leave out internal notes and texts marked internal."
        ),
        hide_names: bool = typer.Option(
            False, "--hide-names", help="Withhold people's names (owners, approvers)."
        ),
        as_of: str | None = typer.Option(
            None, "--as-of", help="The report's date, YYYY-MM-DD (default: today).", metavar="DATE"
        ),
        page_size: str = typer.Option("a4", "--page-size", help="a4 or letter."),
        saved: str | None = typer.Option(
            None, "--saved", help="Run the report saved under this name.", metavar="NAME"
        ),
        save_as: str | None = typer.Option(
            None, "--save-as", help="Save these options as a named report.", metavar="NAME"
        ),
        list_saved: bool = typer.Option(False, "--list", help="List the saved reports."),
        force: ForceFlag = False,
    ) -> None:
        """Write a client-ready report of the workspace.

        \b
        Kinds and their default sections:
          assessment  summary, portfolio, risks, ai-act, controls, kpis, roadmap,
                      evaluations, experiments, incidents, feedback, costs,
                      recommendations, appendix
          readout     summary, kpis, releases, incidents, feedback, costs, decisions,
                      appendix
          rai-pack    rai (one section per use case), controls, trace, appendix
          model-card  one use case (--use-case X): Hugging Face model card (.md)
                      or CycloneDX 1.6 ML-BOM (.json); no sections

        The same workspace and options (with --as-of) give byte-identical files. See
        "Client reports" in the README.
        """
        from ..services import reports
        from ..services.reports import saved as saved_reports

        day = parse_date(as_of, "--as-of takes a date as YYYY-MM-DD, not {value!r}.")
        if list_saved:
            ws, _info = open_for_reading(file.expanduser())
            try:
                for info in saved_reports.saved_reports(ws=ws):
                    typer.echo(f"{info.name}\t{info.kind}\t{','.join(info.options.sections)}")
            finally:
                ws.close()
            return
        if saved is None:
            options = reports.ReportOptions(
                kind=kind,
                use_cases=tuple(use_case or ()),
                sections=tuple(s.strip() for s in (sections or "").split(",") if s.strip()),
                client_safe=client_safe,
                hide_names=hide_names,
                as_of=day,
                page_size=page_size.strip().lower(),
            )
        if save_as is not None:
            if saved is not None:
                raise UserError("--save-as saves the options given here; leave out --saved.")
            ws = open_for_writing(file.expanduser())
            try:
                saved_reports.save_report(ws=ws, name=save_as, options=options)
            finally:
                ws.close()
            typer.echo(f"Saved report {save_as!r}")
            if out is None:
                return
        if out is None:
            raise UserError(
                "give the file to write with --out OUT.pdf (or .html, .docx, .pptx, .json; "
                "a model card .md or .json)."
            )
        ws, _info = open_for_reading(file.expanduser())
        try:
            if saved is not None:
                options = saved_reports.options_of(ws=ws, name=saved, as_of=day)
            written = reports.export_report(ws=ws, options=options, out=out, overwrite=force)
        finally:
            ws.close()
        typer.echo(f"Wrote {written}")
