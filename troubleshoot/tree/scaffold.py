"""`troubleshoot new`: write a starter tree and its scenarios, refusing to overwrite.

The tree's ``$schema=`` line points at a `tree.schema.json` by a relative path, so it keeps
working once the folder is committed, cloned or copied elsewhere: the nearest schema file in the
folder or above it (up to the root of its git repository) is used, and when there is none, one is
written beside the new tree.
"""

from __future__ import annotations

import os
from pathlib import Path

from troubleshoot.errors import TroubleshootError
from troubleshoot.tree.fields import KEBAB
from troubleshoot.tree.schema import SCHEMA_FILE, schema_text
from troubleshoot.tree.starter import starter


def write_starter(tree_id: str, title: str | None, folder: Path) -> list[Path]:
    """Write ID.tree.yaml and ID.scenarios.yaml (and the schema if none is near): the files."""
    if not KEBAB.match(tree_id):
        raise TroubleshootError(
            f"'{tree_id}' is not a valid tree id: use lowercase words "
            "joined by '-', like printer-offline"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TroubleshootError(f"cannot create the folder {folder}: {exc.strerror}") from None
    tree_file = folder / f"{tree_id}.tree.yaml"
    scenarios_file = folder / f"{tree_id}.scenarios.yaml"
    for path in (tree_file, scenarios_file):
        if path.exists():
            raise TroubleshootError(f"{path} already exists: pick another id or remove it")
    written = []
    schema = find_schema(folder)
    if schema is None:
        schema = write_schema(folder / SCHEMA_FILE)
        written.append(schema)
    schema_ref = Path(os.path.relpath(schema.resolve(), folder.resolve())).as_posix()
    tree_text, scenarios_text = starter(
        tree_id, title or tree_id.replace("-", " ").capitalize(), schema_ref
    )
    tree_file.write_text(tree_text, encoding="utf-8")
    scenarios_file.write_text(scenarios_text, encoding="utf-8")
    return [tree_file, scenarios_file, *written]


def find_schema(folder: Path) -> Path | None:
    """The nearest `tree.schema.json` in `folder` or above it, within its git repository."""
    start = folder.resolve()
    repo = next((p for p in (start, *start.parents) if (p / ".git").exists()), None)
    for candidate in (start, *start.parents) if repo else (start,):
        if (candidate / SCHEMA_FILE).is_file():
            return candidate / SCHEMA_FILE
        if candidate == repo:
            break
    return None


def write_schema(path: Path) -> Path:
    """Write the JSON Schema of tree files to `path` (for `schema -o` and `new`)."""
    try:
        path.write_text(schema_text(), encoding="utf-8")
    except OSError as exc:
        raise TroubleshootError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
