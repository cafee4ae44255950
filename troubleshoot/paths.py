"""Where things live: the case database, the tree search path, the bundled trees."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "TROUBLESHOOT_DB"
TREES_ENV = "TROUBLESHOOT_TREES"


def bundled_trees() -> Path:
    """The bundled `decision_trees/` folder, from a wheel or from a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "_trees"
    if installed.is_dir():
        return installed
    return package.parent / "decision_trees"


def tree_folders(extra: list[Path] | None = None) -> list[Path]:
    """Folders to look for trees in, first match wins: --trees, TROUBLESHOOT_TREES, bundled."""
    folders = list(extra or [])
    folders += [Path(p) for p in os.environ.get(TREES_ENV, "").split(os.pathsep) if p]
    folders.append(bundled_trees())
    return folders


def default_db() -> Path:
    """The case database: TROUBLESHOOT_DB, or cases.db in the user data folder."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    from platformdirs import user_data_path

    return user_data_path("troubleshoot", appauthor=False) / "cases.db"
