"""Where the app keeps its files: one place, over platformdirs, with an ``AIPM_HOME`` override.

With ``AIPM_HOME`` set (tests point it at ``tmp_path``), everything lives below it:
``data/``, ``config/``, ``logs/``. Without it, the platform's user directories are used.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

APP_DIR_NAME = "aipm-desktop"
ENV_HOME = "AIPM_HOME"
DEFAULT_WORKSPACE_NAME = "default.aipm"


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_DIR_NAME, appauthor=False)


def _home() -> Path | None:
    value = os.environ.get(ENV_HOME)
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """User data directory: the default workspace, user templates."""
    home = _home()
    return _ensure(home / "data" if home else Path(_dirs().user_data_dir))


def config_dir() -> Path:
    """User configuration directory: settings (QSettings INI file)."""
    home = _home()
    return _ensure(home / "config" if home else Path(_dirs().user_config_dir))


def log_dir() -> Path:
    """User log directory: the rotating log file with crash tracebacks."""
    home = _home()
    return _ensure(home / "logs" if home else Path(_dirs().user_log_dir))


def default_workspace_path() -> Path:
    """The embedded default workspace, created on first run."""
    return data_dir() / DEFAULT_WORKSPACE_NAME


def user_templates_dir() -> Path:
    """Folder of the user's own document templates."""
    return _ensure(data_dir() / "templates")


def log_file() -> Path:
    return log_dir() / "aipm-desktop.log"
