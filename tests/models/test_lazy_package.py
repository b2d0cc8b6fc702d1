"""The models package builds an entity module only when one of its names is used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import aipm_desktop
from aipm_desktop import lazy, models

STUB = Path(models.__file__).with_suffix(".pyi")


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


def test_importing_the_package_builds_no_entity_module_until_a_name_is_used() -> None:
    out = _run(
        "import sys; import aipm_desktop.models as m\n"
        "loaded = lambda: sorted(k.rsplit('.', 1)[1] for k in sys.modules"
        " if k.startswith('aipm_desktop.models.'))\n"
        "print(loaded()); m.Incident; print(loaded())"
    )
    before, after = out.splitlines()
    assert "incidents" not in before and "interviews" not in before
    assert "incidents" in after  # Incident lives there; its neighbours stay unbuilt
    assert "interviews" not in after


def test_load_all_puts_every_table_on_the_metadata() -> None:
    out = _run(
        "import aipm_desktop.models as m; from sqlmodel import SQLModel\n"
        "m.load_all(); print(len(SQLModel.metadata.tables))"
    )
    models.load_all()
    assert int(out) == len(SQLModel.metadata.tables) > 40


def test_every_table_model_is_a_name_of_the_package() -> None:
    models.load_all()
    exported = lazy.stub_names(STUB)
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        cls = mapper.class_
        if cls.__module__.startswith("aipm_desktop.models."):
            assert cls.__name__ in exported or hasattr(models, cls.__name__), cls
            assert getattr(models, cls.__name__) is cls


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchEntity"):
        models.NoSuchEntity  # noqa: B018


def test_a_lazy_name_may_not_be_a_submodule_name() -> None:
    with pytest.raises(ValueError, match="submodule names"):
        lazy.lazy_exports(aipm_desktop.__name__, {"data": "data"})
