"""The main window: sidebar of areas, one page per area, menus, title, read-only banner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QWidget,
)

from .. import APP_NAME, paths
from ..errors import UserError, WorkspaceError, WorkspaceGoneError
from ..locations import is_server_url
from ..services.changes import Changes
from ..store import EXTENSION, Workspace, open_workspace, save_copy
from . import connect
from .areas import AREAS, Area
from .context import AppContext
from .dialogs import (
    AREA_CONVENTIONS,
    AboutDialog,
    ShortcutsDialog,
    menu_shortcuts,
    widget_shortcuts,
)
from .errors import show_user_error
from .go_anywhere import GoAnywhere
from .live import ConnectionBanner
from .tasks import Task
from .welcome import WelcomePage
from .widgets.builders import NO_MARGINS, panel, vbox
from .widgets.task_progress import (
    TaskProgressDialog,
    close_progress,
    run_with_progress,
    show_task_error,
)


def _workspace_service():
    """``services.workspace``, imported when first needed: it pulls in every entity model
    (~0.2 s), which must not delay the first paint of the window."""
    from ..services import workspace

    return workspace


FILE_FILTER = f"AIPM workspaces (*{EXTENSION});;All files (*)"
SAMPLE_FILE_NAME = "demo.aipm"
SPLITTER_NAME = "main"
SIDEBAR_WIDTH = 220
#: The first window's size when the screen has room (a 1280x720 laptop gets less).
DEFAULT_SIZE = (1280, 800)
#: The smallest screen every area is made to fit (a test checks each area at this size).
SMALLEST_WINDOW = (1280, 720)
READONLY_TEXT = (
    "This workspace is read-only: edits are disabled. "
    "To change it, use File ▸ Save a Copy As… and open the copy."
)
GONE_TEXT = (
    "This workspace file was replaced or removed by another program: edits are disabled. "
    "Close it (File ▸ Close) and open the file again."
)
#: How often (ms) an open, writable workspace checks that its file is still the one opened.
WATCH_INTERVAL_MS = 3000


def sample_workspace_path() -> Path:
    """Where the sample (demo) workspace lives: the user data folder."""
    return paths.data_dir() / SAMPLE_FILE_NAME


def _with_extension(path: str) -> Path:
    result = Path(path).expanduser()
    return result if result.suffix else result.with_suffix(EXTENSION)


#: Areas past the ninth with a key of their own, wherever they stand: the settings have
#: Ctrl+, (the usual "preferences" key), the Controls area Ctrl+0 (the one digit left).
NAMED_SHORTCUTS = {"settings": "Ctrl+,", "controls": "Ctrl+0"}


def _area_shortcut(index: int, name: str) -> str | None:
    """Ctrl+1..9 for the first nine areas, then :data:`NAMED_SHORTCUTS`."""
    if index < 9:
        return f"Ctrl+{index + 1}"
    return NAMED_SHORTCUTS.get(name)


def first_window_size() -> tuple[int, int]:
    """:data:`DEFAULT_SIZE`, shrunk to the primary screen's available area (without the
    taskbar and the window frame) so the first window never opens taller or wider
    than the screen."""
    width, height = DEFAULT_SIZE
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return width, height
    room = screen.availableGeometry()
    frame = 40  # title bar and borders the window manager adds
    return max(640, min(width, room.width())), max(480, min(height, room.height() - frame))


class MainWindow(QMainWindow):
    """The application window over an :class:`AppContext`.

    With ``persist=False`` (screenshots) the window neither restores nor saves its
    geometry and does not touch the recent-files list.

    While a writable workspace is open, the window checks every few seconds (and when the
    application becomes active again) that its file was not replaced or removed by another
    program; if it was, it says so once and turns read-only (:meth:`check_workspace_file`).
    """

    def __init__(
        self,
        ctx: AppContext,
        *,
        areas: tuple[Area, ...] = AREAS,
        persist: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.areas = areas
        self.persist = persist
        self.pages: dict[str, QWidget] = {}
        self.actions: dict[str, QAction] = {}
        self.sample_task: Task | None = None
        self.connect_dialog: QDialog | None = None
        self._progress: TaskProgressDialog | None = None
        self._current_area = areas[0].name
        self._closing = False
        #: The open workspace's file was replaced or removed (edits disabled).
        self.workspace_gone = False
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(*first_window_size())

        # Welcome page (no workspace) and workspace view share the central stack.
        self.welcome = WelcomePage()
        self.welcome.new_requested.connect(self._on_welcome_new_requested)
        self.welcome.open_requested.connect(self._on_welcome_open_requested)
        self.welcome.sample_requested.connect(self._on_welcome_sample_requested)
        self.welcome.recent_activated.connect(self._on_welcome_recent_activated)

        self.banner = QFrame()
        self.banner.setObjectName("readonlyBanner")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(16, 8, 16, 8)
        self.banner_label = QLabel(READONLY_TEXT)
        self.banner_label.setObjectName("readonlyBannerText")
        self.banner_label.setWordWrap(True)
        banner_layout.addWidget(self.banner_label)
        self.banner.setVisible(False)

        self.sidebar_panel = QFrame()
        self.sidebar_panel.setObjectName("sidebarPanel")
        self.sidebar_title = QLabel(APP_NAME)
        self.sidebar_title.setObjectName("sidebarTitle")
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        # At its narrowest a long name is cut with "…", never scrolled sideways.
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        style = self.style()
        for area in areas:
            item = QListWidgetItem(area.label)
            item.setData(Qt.ItemDataRole.UserRole, area.name)
            if area.icon:
                pixmap = getattr(QStyle.StandardPixmap, area.icon, None)
                if pixmap is not None:
                    item.setIcon(style.standardIcon(pixmap))
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)
        vbox(
            self.sidebar_title,
            (self.sidebar, 1),
            margins=NO_MARGINS,
            spacing=0,
            parent=self.sidebar_panel,
        )

        self.page_stack = QStackedWidget()
        self._page_policies: dict[str, QSizePolicy] = {}
        self.page_stack.setObjectName("pageStack")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar_panel)
        self.splitter.addWidget(self.page_stack)
        self.splitter.setCollapsible(1, False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([SIDEBAR_WIDTH, self.width() - SIDEBAR_WIDTH])

        self.connection_banner = ConnectionBanner(ctx)
        self.workspace_view = panel(
            self.banner, self.connection_banner, (self.splitter, 1), spacing=0
        )

        self.root = QStackedWidget()
        self.root.addWidget(self.welcome)
        self.root.addWidget(self.workspace_view)
        self.setCentralWidget(self.root)

        self._build_menus()
        self.go_anywhere = GoAnywhere(self, self.view_menu)
        self.statusBar().setSizeGripEnabled(True)

        ctx.workspace_opened.connect(self._on_ctx_workspace_opened)
        ctx.workspace_closed.connect(self._on_ctx_workspace_closed)
        ctx.changed.connect(self._on_ctx_changed)
        ctx.user_error.connect(self._on_ctx_user_error)

        self.watch_timer = QTimer(self)
        self.watch_timer.setObjectName("workspaceWatchTimer")
        self.watch_timer.setInterval(WATCH_INTERVAL_MS)
        self.watch_timer.timeout.connect(self._on_watch_timer_timeout)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_app_application_state_changed)

        if persist:
            self._restore_layout()
        if ctx.workspace is not None:
            self._on_ctx_workspace_opened(ctx.workspace)
        else:
            self._show_welcome()

    # -- construction ---------------------------------------------------------------------

    def _action(
        self,
        key: str,
        text: str,
        slot: Callable[[], object] | None = None,
        shortcut: QKeySequence | str | list | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        self.actions[key] = action
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(
            self._action(
                "new",
                "&New Workspace…",
                self._on_new_action_triggered,
                QKeySequence.StandardKey.New,
                "Create a new workspace file",
            )
        )
        file_menu.addAction(
            self._action(
                "open",
                "&Open…",
                self._on_open_action_triggered,
                QKeySequence.StandardKey.Open,
                "Open a workspace file",
            )
        )
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        file_menu.addMenu(self.recent_menu)
        self._fill_recent_menu()
        file_menu.addAction(
            self._action(
                "connect",
                "Connect to &Team Server…",
                lambda: connect.ask_connection(self),
                tip="Open a workspace kept on your team's PostgreSQL server",
            )
        )
        file_menu.addAction(
            self._action(
                "open_sample",
                "Open &Sample Workspace",
                self._on_open_sample_action_triggered,
                tip="Open a workspace full of realistic example content",
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(
                "save_copy",
                "Save a &Copy As…",
                self._on_save_copy_action_triggered,
                "Ctrl+Shift+S",
                "Write a copy of this workspace to another file",
            )
        )
        file_menu.addAction(
            self._action(
                "export_report",
                "Export &Report…",
                self._on_export_report_action_triggered,
                "Ctrl+Shift+E",
                "Write a client-ready report (PDF, HTML) of this workspace",
            )
        )
        file_menu.addAction(
            self._action("close", "&Close", self._on_close_action_triggered, "Ctrl+W")
        )
        file_menu.addSeparator()
        quit_action = self._action("quit", "&Quit", self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu("&Edit")
        undo = self.ctx.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = self.ctx.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.actions["undo"] = undo
        self.actions["redo"] = redo
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)

        view_menu = self.view_menu = bar.addMenu("&View")
        for index, area in enumerate(self.areas):
            action = self._action(
                f"view_{area.name}",
                area.label,
                lambda _checked=False, name=area.name: self.show_area(name),
                _area_shortcut(index, area.name),
            )
            action.setCheckable(True)
            view_menu.addAction(action)
        view_menu.addSeparator()
        toggle = self._action(
            "toggle_sidebar", "Show &Sidebar", self._on_toggle_sidebar_action_triggered, "F9"
        )
        toggle.setCheckable(True)
        toggle.setChecked(True)
        view_menu.addAction(toggle)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(
            self._action(
                "shortcuts",
                "&Keyboard Shortcuts",
                self._on_shortcuts_action_triggered,
                QKeySequence.StandardKey.HelpContents,
            )
        )
        about = self._action("about", f"&About {APP_NAME}", self._on_about_action_triggered)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    def _restore_layout(self) -> None:
        settings = self.ctx.settings
        geometry = settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.window_state()
        if state is not None:
            self.restoreState(state)
        splitter = settings.splitter_state(SPLITTER_NAME)
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self._set_sidebar_visible(settings.sidebar_visible())

    def save_layout(self) -> None:
        settings = self.ctx.settings
        settings.set_window_geometry(self.saveGeometry())
        settings.set_window_state(self.saveState())
        settings.set_splitter_state(SPLITTER_NAME, self.splitter.saveState())
        settings.set_sidebar_visible(self.actions["toggle_sidebar"].isChecked())
        settings.sync()

    # -- areas ----------------------------------------------------------------------------

    def area_names(self) -> list[str]:
        return [area.name for area in self.areas]

    def current_area(self) -> str:
        return self._current_area

    def show_area(self, name: str) -> QWidget | None:
        """Switch to the area ``name`` (building its page on first use)."""
        index = next((i for i, a in enumerate(self.areas) if a.name == name), None)
        if index is None:
            raise ValueError(f"Unknown view {name!r}; choose one of {', '.join(self.area_names())}")
        self._current_area = name
        for area in self.areas:
            self.actions[f"view_{area.name}"].setChecked(area.name == name)
        if self.sidebar.currentRow() != index:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(index)
            self.sidebar.blockSignals(False)
        if self.ctx.workspace is None:
            return None
        page = self.pages.get(name)
        if page is None:
            page = self.areas[index].build(self.ctx)
            page.setProperty("area", name)
            navigate = getattr(page, "navigate_requested", None)
            if navigate is not None:
                navigate.connect(self._on_page_navigate_requested)
            self.pages[name] = page
            self._page_policies[name] = page.sizePolicy()
            self.page_stack.addWidget(page)
        self.page_stack.setCurrentWidget(page)
        self._size_by_current_page()
        return page

    def _size_by_current_page(self) -> None:
        """Only the page shown sets the window's minimum size: a stack asks for the
        largest of all its pages, so one wide page visited once would keep every other
        area (and the Related panel beside it) from the room it can have."""
        ignored = QSizePolicy.Policy.Ignored
        for name, page in self.pages.items():
            if page is self.page_stack.currentWidget():
                page.setSizePolicy(self._page_policies[name])
            else:
                page.setSizePolicy(ignored, ignored)

    def _on_page_navigate_requested(self, area: str, entity_id: int) -> None:
        """A page (the overview) asks to open ``area``, showing ``entity_id`` if it can."""
        if area not in self.area_names():
            return
        page = self.show_area(area)
        show_entity = getattr(page, "show_entity", None)
        if entity_id and show_entity is not None:
            show_entity(entity_id)

    def _drop_pages(self) -> None:
        for page in self.pages.values():
            self.page_stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._page_policies.clear()

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.areas):
            self.show_area(self.areas[row].name)

    # -- workspace ------------------------------------------------------------------------

    def open_path(self, path: Path | str) -> bool:
        """Open the workspace at ``path`` (or a team server's URL); on a bad file, say why
        and keep the current one."""
        if is_server_url(path):
            return connect.open_server(self, str(path))
        path = Path(path).expanduser()
        current = self.ctx.workspace
        if current is not None and current.path.resolve() == path.resolve():
            return True
        try:
            ws = open_workspace(path)
        except UserError as err:
            show_user_error(self, err)
            return False
        self.set_workspace(ws)
        return True

    def set_workspace(self, ws: Workspace | None) -> None:
        """Make ``ws`` the open workspace and remember it: a file in the recent files, a
        team server in the recent connections (never with a password)."""
        if ws is not None and self.persist:
            if is_server_url(ws.path):  # where it is, as open_path tells them apart
                self.ctx.settings.add_recent_connection(ws.path.shown)  # type: ignore[attr-defined]
            else:
                self.ctx.settings.add_recent_file(ws.path)
                self.ctx.settings.set_last_directory(ws.path.parent)
        self.ctx.set_workspace(ws)

    def open_sample(self) -> Task | None:
        """Open the sample workspace, building it in a worker first if needed."""
        path = sample_workspace_path()
        if path.exists():
            self.open_path(path)
            return None
        if self.sample_task is not None:
            return self.sample_task
        task = self.ctx.tasks.run(_workspace_service().create_sample_workspace, path, progress=True)
        self.sample_task = task
        self._progress = run_with_progress(
            task,
            "Creating the sample workspace…",
            self,
            self._on_sample_task_finished,
            self._on_sample_task_failed,
            title=APP_NAME,
            name="sampleProgress",
        )
        self.statusBar().showMessage("Creating the sample workspace…")
        return task

    def _end_sample_task(self) -> None:
        self.sample_task = None
        close_progress(self._progress)
        self._progress = None
        self.statusBar().clearMessage()

    def _on_sample_task_finished(self, path: object) -> None:
        self._end_sample_task()
        if not self._closing:
            self.open_path(Path(str(path)))

    def _on_sample_task_failed(self, error: object) -> None:
        self._end_sample_task()
        show_task_error(self, error)

    def update_title(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            self.setWindowTitle(APP_NAME)
            return
        from ..services.dashboard import settings_summary

        name = settings_summary(ws=ws).name
        title = f"{name} — {ws.path} — {APP_NAME}"
        self.setWindowTitle(title + (" [read-only]" if ws.readonly else ""))

    def show_opening(self, path: Path | str) -> None:
        """Show the workspace layout while ``path`` opens, so the window paints at once."""
        self.root.setCurrentWidget(self.workspace_view)
        self.statusBar().showMessage(f"Opening {path}…")

    def show_welcome(self) -> None:
        """The welcome page (New, Open, Open sample, recent files)."""
        self.statusBar().clearMessage()
        self._show_welcome()

    def _show_welcome(self) -> None:
        settings = self.ctx.settings
        self.welcome.set_recent_files(settings.recent_files(), settings.recent_connections())
        self.root.setCurrentWidget(self.welcome)
        self._update_actions()

    def _update_actions(self) -> None:
        has_ws = self.ctx.workspace is not None
        for key in ("save_copy", "export_report", "close", "toggle_sidebar"):
            self.actions[key].setEnabled(has_ws)
        for area in self.areas:
            self.actions[f"view_{area.name}"].setEnabled(has_ws)

    def _on_ctx_workspace_opened(self, ws: Workspace) -> None:
        self.workspace_gone = False
        self.banner_label.setText(READONLY_TEXT)
        self.banner.setVisible(ws.readonly)
        if ws.readonly:
            self.watch_timer.stop()
        else:
            self.watch_timer.start()
        self.update_title()
        self.root.setCurrentWidget(self.workspace_view)
        self._update_actions()
        self.show_area(self._current_area)
        if ws.migrated_from:
            backup = ws.backup_path.name if ws.backup_path else "a backup file"
            self.statusBar().showMessage(
                f"{ws.path.name} was upgraded from schema {ws.migrated_from}; "
                f"the original was kept as {backup}."
            )
        else:
            self.statusBar().showMessage(f"Opened {ws.path}", 5000)

    def _on_ctx_workspace_closed(self) -> None:
        self.watch_timer.stop()
        self.workspace_gone = False
        self._drop_pages()
        self.banner.setVisible(False)
        self.setWindowTitle(APP_NAME)
        self.statusBar().clearMessage()
        self._show_welcome()

    def _on_ctx_changed(self, changes: Changes) -> None:
        if changes.touches("settings"):
            self.update_title()

    def _on_ctx_user_error(self, err: UserError) -> None:
        show_user_error(self, err)

    # -- the file under the open workspace ------------------------------------------------

    def check_workspace_file(self) -> bool:
        """False when the open workspace's file was replaced or removed by another program.

        The first time that is noticed, the user is told once (a plain message) and the
        window turns read-only: the workspace refuses edits (before touching any file),
        the undo history is dropped and a banner says to close and reopen the file. Nothing
        is read from the path again, since it now names another file or none.
        """
        ws = self.ctx.workspace
        if self.workspace_gone:
            return False
        if ws is None or ws.readonly or ws.still_there():
            return True
        self.workspace_gone = True
        self.watch_timer.stop()
        ws.readonly = True  # ctx.readonly now says so; every edit is refused up front
        self.ctx.undo_stack.clear()
        self.actions["undo"].setEnabled(False)
        self.actions["redo"].setEnabled(False)
        self.banner_label.setText(GONE_TEXT)
        self.banner.setVisible(True)
        if not self.windowTitle().endswith(" [read-only]"):
            self.setWindowTitle(self.windowTitle() + " [read-only]")
        self.statusBar().showMessage(f"{ws.path.name} was replaced or removed; edits are disabled.")
        self.ctx.show_error(
            WorkspaceGoneError(
                f"{ws.path.name} was replaced or removed by another program since it was "
                "opened here. Edits are now disabled, so nothing is written into the wrong "
                "file. Close it and open the file again."
            )
        )
        return False

    def _on_watch_timer_timeout(self) -> None:
        self.check_workspace_file()

    def _on_app_application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_workspace_file()

    # -- file menu ------------------------------------------------------------------------

    def _start_dir(self) -> str:
        return str(self.ctx.settings.last_directory())

    def _on_new_action_triggered(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            "New workspace",
            str(Path(self._start_dir()) / f"workspace{EXTENSION}"),
            FILE_FILTER,
        )
        if not chosen:
            return
        path = _with_extension(chosen)
        current = self.ctx.workspace
        try:
            if current is not None and current.path.resolve() == path.resolve():
                raise WorkspaceError(
                    f"{path.name} is the workspace that is open now; choose another file name."
                )
            ws = _workspace_service().new_workspace(path, overwrite=path.exists())
        except UserError as err:
            show_user_error(self, err)
            return
        self.set_workspace(ws)

    def _on_open_action_triggered(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Open workspace", self._start_dir(), FILE_FILTER
        )
        if chosen:
            self.open_path(chosen)

    def _on_open_sample_action_triggered(self) -> None:
        self.open_sample()

    def _on_save_copy_action_triggered(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        suggestion = Path(self._start_dir()) / f"{ws.path.stem} copy{EXTENSION}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save a copy as", str(suggestion), FILE_FILTER
        )
        if not chosen:
            return
        try:
            dest = save_copy(ws, _with_extension(chosen))
        except UserError as err:
            show_user_error(self, err)
            return
        if self.persist:
            self.ctx.settings.set_last_directory(dest.parent)
        self.statusBar().showMessage(f"Saved a copy as {dest}", 8000)

    def _on_export_report_action_triggered(self) -> None:
        self.open_report_dialog()

    def open_report_dialog(self) -> QDialog | None:
        """File ▸ Export report… (the dialog loads the report services when opened)."""
        if self.ctx.workspace is None:
            return None
        from .reports.export_dialog import ExportReportDialog

        dialog = ExportReportDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_close_action_triggered(self) -> None:
        self.ctx.close_workspace()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.ctx.settings.recent_files()
        for path in files:
            action = self.recent_menu.addAction(f"{path.name}  —  {path.parent}")
            action.setData(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        servers = connect.add_recent_connections(self, self.recent_menu)
        if not files and not servers:
            empty = self.recent_menu.addAction("No recent workspaces")
            empty.setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("Clear List")
        clear.setObjectName("clearRecent")
        clear.setEnabled(bool(files or servers))
        clear.triggered.connect(self._on_clear_recent_triggered)

    def _on_recent_menu_about_to_show(self) -> None:
        self._fill_recent_menu()

    def _on_clear_recent_triggered(self) -> None:
        self.ctx.settings.clear_recent_files()
        self.ctx.settings.clear_recent_connections()
        self._fill_recent_menu()
        self.welcome.set_recent_files([])

    # -- view and help menus --------------------------------------------------------------

    def _set_sidebar_visible(self, visible: bool) -> None:
        self.sidebar_panel.setVisible(visible)
        self.actions["toggle_sidebar"].setChecked(visible)

    def _on_toggle_sidebar_action_triggered(self, checked: bool) -> None:
        self._set_sidebar_visible(checked)

    def _on_shortcuts_action_triggered(self) -> ShortcutsDialog:
        extra = list(AREA_CONVENTIONS)
        for area in self.areas:
            page = self.pages.get(area.name)
            if page is not None:
                extra.extend(widget_shortcuts(area.label, page))
        dialog = ShortcutsDialog(menu_shortcuts(self.menuBar()), extra, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_about_action_triggered(self) -> AboutDialog:
        dialog = AboutDialog(self.ctx.workspace, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- welcome page ---------------------------------------------------------------------

    def _on_welcome_new_requested(self) -> None:
        self._on_new_action_triggered()

    def _on_welcome_open_requested(self) -> None:
        self._on_open_action_triggered()

    def _on_welcome_sample_requested(self) -> None:
        self.open_sample()

    def _on_welcome_recent_activated(self, path: str) -> None:
        if not is_server_url(path) and not Path(path).exists():
            self.ctx.settings.remove_recent_file(path)
            self._show_welcome()
            show_user_error(self, WorkspaceError(f"No such file: {path}"))
            return
        self.open_path(path)

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        if self.persist:
            self.save_layout()
        self.ctx.tasks.wait()
        self.ctx.close_workspace()
        super().closeEvent(event)
