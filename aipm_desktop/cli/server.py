"""``aipm server init URL`` and ``aipm copy SRC DST``: a workspace on a team's server.

``server init`` sets up a PostgreSQL database for a team (idempotent: run it again after
updating the app to upgrade the schema): the tables, the journal's triggers, the
reference data and the roles ``aipm_viewer`` (read) and ``aipm_editor`` (read and write).
``copy`` moves a whole workspace between a file and a server, either way.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .common import closed_summary, command, new_app

app = new_app("A workspace on a team's PostgreSQL server.", name="server")

UrlArgument = Annotated[
    str, typer.Argument(help="The server database: postgresql://user@host[:port]/database.")
]


@command(app, "init")
def init(
    url: UrlArgument,
    name: Annotated[
        str, typer.Option("--name", help="Workspace name (default: the database name).")
    ] = "",
) -> None:
    """Set up (or upgrade) the workspace in a server database and its roles."""
    from ..locations import ServerLocation
    from ..services.workspace import new_workspace
    from ..store import remote

    location = ServerLocation.parse(url)
    if remote.holds_workspace(location):
        revision = remote.upgrade_server(location)
        typer.echo(f"{location.name}: the workspace is at schema {revision}")
    else:
        ws = new_workspace(location, name=name or None)
        revision = ws.revision
        ws.close()
        typer.echo(f"{location.name}: created the workspace (schema {revision})")
    for note in remote.grant_roles(location):
        typer.echo(f"{location.name}: {note}")


def copy(
    source: Annotated[str, typer.Argument(help="The workspace to copy: a file or a URL.")],
    dest: Annotated[str, typer.Argument(help="Where to: a new file, or an empty server database.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the workspace already at DEST.")
    ] = False,
) -> None:
    """Copy a whole workspace file <-> server (validated first, all or nothing)."""
    from ..locations import as_location
    from ..services.transfer import copy_workspace

    ws = copy_workspace(source=source, dest=dest, overwrite=force)
    shown = str(ws.path)
    typer.echo(f"Copied {as_location(source)} to {shown} ({closed_summary(ws)})")


def register(root: typer.Typer) -> None:
    """Add ``server`` and ``copy`` to the ``aipm`` command."""
    root.add_typer(app, name="server")
    command(root, "copy")(copy)
