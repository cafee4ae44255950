"""`troubleshoot new`: write a starter tree and its scenarios, refusing to overwrite."""

from __future__ import annotations

import os
from pathlib import Path

from troubleshoot.errors import TroubleshootError
from troubleshoot.tree.fields import KEBAB
from troubleshoot.tree.schema import SCHEMA_FILE
from troubleshoot.tree.starter import starter


def write_starter(tree_id: str, title: str | None, folder: Path) -> tuple[Path, Path]:
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
    schema = Path(__file__).with_name(SCHEMA_FILE)
    try:
        schema_ref = os.path.relpath(schema, folder.resolve())
    except ValueError:  # another drive on Windows
        schema_ref = schema.as_uri()
    tree_text, scenarios_text = starter(
        tree_id, title or tree_id.replace("-", " ").capitalize(), schema_ref
    )
    tree_file.write_text(tree_text, encoding="utf-8")
    scenarios_file.write_text(scenarios_text, encoding="utf-8")
    return tree_file, scenarios_file
