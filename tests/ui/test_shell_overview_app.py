"""Settings page, Open Sample, and the ``aipm-desktop`` entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from aipm_desktop import app, paths
from aipm_desktop.services import workspace as workspace_service
from aipm_desktop.services.workspace import get_settings, new_workspace
from aipm_desktop.ui.areas import AREAS, Area, find_area
from aipm_desktop.ui.main_window import MainWindow


def test_open_sample_runs_in_a_worker_with_progress(qtbot, app_ctx, monkeypatch):
    calls: list[tuple[int, int]] = []

    def fake_sample(path: Path, progress=None) -> Path:
        for step in range(1, 4):
            progress(step, 3)
        new_workspace(path, name="Sample portfolio").close()
        return path

    monkeypatch.setattr(workspace_service, "create_sample_workspace", fake_sample)
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    task = window.open_sample()
    assert task is not None
    task.progress.connect(lambda done, total: calls.append((done, total)))
    with qtbot.waitSignal(app_ctx.workspace_opened):
        pass
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert app_ctx.workspace.path == paths.data_dir() / "demo.aipm"
    assert window.windowTitle().startswith("Sample portfolio — ")
    assert window.sample_task is None
    # A second time the existing file opens at once.
    window.ctx.close_workspace()
    assert window.open_sample() is None
    assert app_ctx.workspace.path == paths.data_dir() / "demo.aipm"


def test_area_registry_builds_pages_lazily(qtbot, app_ctx, ws):
    assert [a.name for a in AREAS][:1] == ["overview"]
    assert find_area("settings").label == "Workspace settings"
    built: list[str] = []

    def factory(ctx):
        from PySide6.QtWidgets import QLabel

        built.append(ctx.workspace.path.name)
        return QLabel("Extra area")

    areas = (AREAS[0], find_area("settings"), Area("extra", "Extra", factory))
    app_ctx.set_workspace(ws)
    window = MainWindow(app_ctx, areas=areas, persist=False)
    qtbot.addWidget(window)
    assert built == []
    assert window.sidebar.count() == len(areas)
    window.actions["view_extra"].trigger()
    assert built == ["test.aipm"]
    assert window.page_stack.currentWidget().text() == "Extra area"
    assert window.actions["view_extra"].shortcut().toString() == f"Ctrl+{len(areas)}"


def test_screenshot_writes_png_and_exits_zero(ws, tmp_path):
    ws.close()
    out = tmp_path / "overview.png"
    assert app.main([str(ws.path), "--view", "settings", "--screenshot", str(out)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
    # The settings page (not the overview) was rendered: most pixels are the light theme.
    assert image.pixelColor(700, 450).lightness() > 200


def test_unknown_view_exits_two(ws, tmp_path, capsys):
    out = tmp_path / "x.png"
    assert app.main([str(ws.path), "--view", "nope", "--screenshot", str(out)]) == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err
    assert not out.exists()


def test_bad_file_in_screenshot_mode_exits_one_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.aipm"
    bad.write_text("hello")
    out = tmp_path / "x.png"
    assert app.main([str(bad), "--screenshot", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not an AIPM workspace" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert bad.read_text() == "hello"


def test_help_lists_the_views(capsys):
    assert app.main(["--help"]) == 0
    text = capsys.readouterr().out
    for area in AREAS:
        assert area.name in text
    assert app.main(["--version"]) == 0
    assert "0.1.0" in capsys.readouterr().out


def test_default_workspace_is_created_and_heavy_modules_stay_unloaded(tmp_path, aipm_home):
    """In a fresh process: no FILE uses the default workspace; no matplotlib/markdown."""
    out = tmp_path / "default.png"
    code = (
        "import sys\n"
        "from aipm_desktop import app\n"
        f"rc = app.main(['--screenshot', {str(out)!r}])\n"
        "heavy = [m for m in ('matplotlib', 'markdown') if m in sys.modules]\n"
        "print('heavy=' + ','.join(heavy))\n"
        "sys.exit(rc)\n"
    )
    env = {**os.environ, "AIPM_HOME": str(aipm_home), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "heavy=\n" in result.stdout
    assert out.is_file()
    default = paths.default_workspace_path()
    assert default.is_file()
    from aipm_desktop.store import open_workspace

    ws = open_workspace(default)
    try:
        assert get_settings(ws=ws).name == "My AI portfolio"
    finally:
        ws.close()


def _label_page(ctx):
    from PySide6.QtWidgets import QLabel

    return QLabel("page")


def test_only_the_first_nine_areas_get_a_number_shortcut(qtbot, app_ctx, ws):
    areas = tuple(Area(f"area{i}", f"Area {i}", _label_page) for i in range(1, 11))
    app_ctx.set_workspace(ws)
    window = MainWindow(app_ctx, areas=areas, persist=False)
    qtbot.addWidget(window)
    assert window.actions["view_area9"].shortcut().toString() == "Ctrl+9"
    assert window.actions["view_area10"].shortcut().toString() == ""
