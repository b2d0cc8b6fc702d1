"""``aipm``: the command line over the services (no Qt), one module per area.

:mod:`.app` holds the root typer app and the workspace commands (``new``, ``info``,
``check``, ``export``, ``import``, ``chart``); the area groups live beside it
(:mod:`.usecases`, :mod:`.risks`, :mod:`.docs`, ...), their shared helpers in :mod:`.common`.
"""

from .app import app, main

__all__ = ["app", "main"]
