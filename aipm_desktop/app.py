"""``aipm-desktop``: the desktop application entry point.

``aipm-desktop [FILE] [--demo] [--view NAME] [--screenshot OUT.png] [--version]``

Without FILE the embedded default workspace opens (created on first run); ``--demo``
opens the sample workspace. ``--screenshot`` renders the main window at 1400x900 on
``--view`` to a PNG and exits (works with ``QT_QPA_PLATFORM=offscreen``).

Only the argument parser is imported at module level, so ``--help`` and ``--version`` are
fast; Qt, the services and the main window load in :func:`main`. matplotlib and markdown
are never imported here: views that need them import them when first shown.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import APP_NAME, __version__
from .ui.areas import AREAS, area_names

#: How long after the first page is set up the rest of the entity classes are built.
_PRELOAD_DELAY_MS = 300

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from .store import Workspace
    from .ui.main_window import MainWindow

SCREENSHOT_SIZE = (1400, 900)
ORGANIZATION = "AIPM"


def build_parser() -> argparse.ArgumentParser:
    views = ", ".join(f"{a.name} ({a.label})" for a in AREAS)
    parser = argparse.ArgumentParser(
        prog="aipm-desktop",
        description=f"{APP_NAME}: an offline workbench for AI product managers.",
        epilog=f"Views: {views}.",
    )
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=(
            "workspace file, or team server URL (postgresql://user@host/db), to open "
            "(default: the embedded default workspace)"
        ),
    )
    parser.add_argument("--demo", action="store_true", help="open the sample workspace")
    parser.add_argument(
        "--view",
        metavar="NAME",
        choices=area_names(),
        default=AREAS[0].name,
        help=f"area to show first: {', '.join(area_names())} (default: %(default)s)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="OUT.png",
        help="render the main window to OUT.png (at --size) and exit",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=_size,
        default=SCREENSHOT_SIZE,
        help="the window size of --screenshot, e.g. 1280x720 (default: 1400x900)",
    )
    parser.add_argument("--version", action="version", version=f"aipm-desktop {__version__}")
    return parser


def _size(text: str) -> tuple[int, int]:
    """``1280x720`` -> (1280, 720)."""
    width, sep, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        size = (0, 0)
    if not sep or not (320 <= size[0] <= 7680 and 240 <= size[1] <= 4320):
        raise argparse.ArgumentTypeError(f"{text!r} is not a window size like 1280x720")
    return size


def load_stylesheet() -> str:
    """The app's QSS from the package resources ("" when it cannot be read)."""
    from importlib import resources

    try:
        return (resources.files("aipm_desktop.resources") / "style.qss").read_text("utf-8")
    except OSError:
        return ""


def _application() -> QApplication:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # Qt's raster engine splits big fills (a tall scroll bar, a large viewport) across a
        # thread pool; on a 2-core laptop the hand-off costs more than it saves (timeline
        # repaint 25 ms with it, 11 ms without, measured). Set before the app exists.
        os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
        app = QApplication(sys.argv[:1])
        app.setStyle("Fusion")
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    stylesheet = load_stylesheet()
    if stylesheet and app.styleSheet() != stylesheet:
        app.setStyleSheet(stylesheet)
    return app  # type: ignore[return-value]


def start_path(file: str | None, demo: bool) -> Path | str:
    """The file the app starts on: FILE (or a server URL), the sample, or the default
    workspace."""
    from . import paths
    from .locations import is_server_url
    from .ui.main_window import sample_workspace_path

    if is_server_url(file):
        return str(file)
    if file:
        return Path(file).expanduser()
    if demo:
        return sample_workspace_path()
    return paths.default_workspace_path()


def open_start_workspace(file: str | None, demo: bool) -> Workspace:
    """The workspace to start on: FILE, the sample, or the default (raises UserError)."""
    from . import paths
    from .services.workspace import create_sample_workspace, open_or_create_default
    from .store import open_workspace
    from .ui.main_window import sample_workspace_path

    if file:
        return open_workspace(start_path(file, demo))
    if demo:
        path = sample_workspace_path()
        if not path.exists():
            create_sample_workspace(path)
        return open_workspace(path)
    return open_or_create_default(paths.default_workspace_path())


def _settle(app: QApplication, rounds: int = 10) -> None:
    for _ in range(rounds):
        app.sendPostedEvents()
        app.processEvents()


def _screenshot(args: argparse.Namespace) -> int:
    from .errors import UserError
    from .ui.context import AppContext
    from .ui.errors import setup_logging
    from .ui.main_window import MainWindow

    app = _application()
    setup_logging()
    try:
        ws = open_start_workspace(args.file, args.demo)
    except UserError as err:
        print(f"aipm-desktop: {err.message}", file=sys.stderr)
        return 1
    ctx = AppContext()
    window = MainWindow(ctx, persist=False)
    try:
        ctx.set_workspace(ws)
        window.show_area(args.view)
        size = tuple(args.size)
        window.resize(*size)
        window.show()
        _settle(app)
        window.repaint()
        _settle(app)
        pixmap = window.grab()
        image = pixmap.toImage()
        if (image.width(), image.height()) != size:
            from PySide6.QtCore import Qt

            print(
                f"aipm-desktop: the {args.view} view needs at least "
                f"{image.width()}x{image.height()}; the screenshot is scaled to "
                f"{size[0]}x{size[1]}",
                file=sys.stderr,
            )
            image = image.scaled(
                *size,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        out = Path(args.screenshot).expanduser()
        if not out.parent.is_dir() or not image.save(str(out), "PNG"):
            print(f"aipm-desktop: cannot write the screenshot to {out}", file=sys.stderr)
            return 1
    finally:
        window.close()
        ctx.close_workspace()
        window.deleteLater()
        ctx.deleteLater()
        _settle(app, 2)
    return 0


def start_gui(args: argparse.Namespace, *, persist: bool = True) -> MainWindow:
    """Show the main window and paint it now; open the start workspace right after.

    The workspace and the first page's data load on the first turn of the event loop, so
    the window paints before them. Python's cyclic garbage collector is held off until
    that workspace is shown: start-up allocates some 170,000 long-lived objects (modules,
    classes, Qt wrappers) and stopped for collections of them for ~0.1-0.15 s (2 cores).
    Then the objects alive at that moment are frozen (:func:`gc.freeze`), so later full
    collections skip them too (a full collection of them takes ~90 ms).
    """
    gc.disable()
    try:
        _import_models_before_qt()
        from PySide6.QtCore import QTimer

        from . import models
        from .errors import UserError
        from .locations import is_server_url
        from .ui.context import AppContext
        from .ui.errors import show_user_error
        from .ui.main_window import MainWindow, sample_workspace_path

        _application()
        ctx = AppContext()
        window = MainWindow(ctx, persist=persist)
        window.show_area(args.view)
        build_sample = args.demo and not args.file and not sample_workspace_path().exists()
    except BaseException:
        gc.enable()
        raise

    def open_start() -> None:
        # After the first paint: the first page reads its data here.
        try:
            if is_server_url(args.file):  # the same path as File > Connect to team server
                if not window.open_path(args.file):
                    window.show_welcome()
            else:
                window.set_workspace(open_start_workspace(args.file, args.demo))
            # Once the page has painted, build the entity classes it did not need, so
            # the first edit or area switch does not pay for them.
            QTimer.singleShot(_PRELOAD_DELAY_MS, models.load_all)
        except UserError as err:
            window.show_welcome()
            show_user_error(window, err)
        finally:
            _end_start_up()

    def open_sample() -> None:
        _end_start_up()  # the sample is built in a worker: collect its garbage as usual
        window.open_sample()

    if not build_sample:
        window.show_opening(start_path(args.file, args.demo))
    window.show()
    window.repaint()  # paint now, before the workspace (and its models) load
    QTimer.singleShot(0, open_sample if build_sample else open_start)
    return window


def _import_models_before_qt() -> None:
    """Import the models package, and with it sqlmodel, SQLAlchemy and pydantic (~300
    modules), before PySide6: once PySide6 is imported, its import hook reads the source
    of every module imported after it (looking for its ``__feature__`` switches), which
    cost ~50 ms of start-up for these. The entity modules themselves load as pages need
    them (see :mod:`aipm_desktop.models`)."""
    from . import models  # noqa: F401


def _end_start_up() -> None:
    """Keep what start-up built out of later collections and collect garbage again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _run_gui(args: argparse.Namespace) -> int:
    gc.disable()  # as start_gui does, but from here on
    try:
        _import_models_before_qt()
        from .ui.errors import install_excepthook

        window: MainWindow | None = None
        hook = install_excepthook(lambda: window)
        try:
            window = start_gui(args)
            return _application().exec()
        finally:
            hook.uninstall()
    finally:
        _end_start_up()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.file and args.demo:
        print("aipm-desktop: give either FILE or --demo, not both", file=sys.stderr)
        return 2
    if args.screenshot:
        return _screenshot(args)
    return _run_gui(args)


if __name__ == "__main__":
    raise SystemExit(main())
