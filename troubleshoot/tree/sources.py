"""Where the loader reads tree files from: a folder on disk, or texts held in memory.

A stored tree revision (the `{path: text}` the case log keeps) loads through `MemoryReader`
without touching the disk: nothing is written, and a stored path never leaves its virtual
folder.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Protocol

STORED_ROOT = Path("stored-tree")
"""The virtual folder a stored revision's files are shown in (messages, `Tree.path`)."""


class TreeReader(Protocol):
    """Reads tree files; paths are those the loader builds from the main file and imports."""

    def read(self, path: Path) -> bytes:
        """The file's bytes; raises `OSError` when it cannot be read."""
        ...

    def resolve(self, path: Path) -> Path:
        """The canonical form of `path`, to check imports stay inside the trees folder."""
        ...


class FolderReader:
    """Tree files on disk."""

    def read(self, path: Path) -> bytes:
        from troubleshoot.tree.yamlsafe import MAX_BYTES

        with path.open("rb") as file:  # never more than a tree may be: it may be /dev/zero
            return file.read(MAX_BYTES + 1)

    def resolve(self, path: Path) -> Path:
        return path.resolve()


def _normal(path: Path) -> Path:
    return Path(os.path.normpath(path))


class MemoryReader:
    """Tree files given as `{path relative to the trees folder: text}`, under `STORED_ROOT`.

    A path that is absolute or climbs out of the folder is kept under its file name only.
    """

    def __init__(self, files: Mapping[str, str], root: Path = STORED_ROOT) -> None:
        self.root = root
        self.files: dict[Path, str] = {}
        for name, text in files.items():
            self.files.setdefault(self.place(name), text)

    def place(self, name: str) -> Path:
        """Where a stored file name lives in the virtual folder."""
        inside = _normal(self.root / name)
        if PurePosixPath(name).is_absolute() or not inside.is_relative_to(self.root):
            return self.root / (PurePosixPath(name).name or "tree.tree.yaml")
        return inside

    def read(self, path: Path) -> bytes:
        text = self.files.get(_normal(path))
        if text is None:
            raise FileNotFoundError(errno.ENOENT, "not among the stored tree files")
        return text.encode("utf-8")

    def resolve(self, path: Path) -> Path:
        return _normal(path)
