"""Finding trees: by id along the search path (first folder wins), or by file path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from troubleshoot.errors import TreeError, TreeNotFound
from troubleshoot.tree.fields import did_you_mean
from troubleshoot.tree.problems import Problem

if TYPE_CHECKING:
    from troubleshoot.tree.model import Tree

SUFFIX = ".tree.yaml"


@dataclass(frozen=True)
class Entry:
    """A tree file found in a folder of the search path."""

    id: str
    path: Path
    root: Path
    twin: Path | None = None
    """Another file with the same id in the same folder: an error to report."""

    def duplicate_error(self) -> str:
        return (
            f"two trees have the id '{self.id}' in {self.root}: {self.path} and "
            f"{self.twin}; ids must be unique in a trees folder, rename one"
        )


def tree_files(folder: Path) -> list[Path]:
    """Every `*.tree.yaml` under `folder`, sorted."""
    return sorted(p for p in folder.rglob(f"*{SUFFIX}") if p.is_file())


def _folder_entries(folder: Path) -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    for path in tree_files(folder):
        tree_id = path.name[: -len(SUFFIX)]
        if tree_id in found:
            found[tree_id] = Entry(tree_id, found[tree_id].path, folder, twin=path)
        else:
            found[tree_id] = Entry(tree_id, path, folder)
    return found


def entries(folders: list[Path]) -> list[Entry]:
    """Every tree id on the search path, the first folder holding an id winning."""
    result: dict[str, Entry] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for tree_id, entry in _folder_entries(folder).items():
            result.setdefault(tree_id, entry)
    return sorted(result.values(), key=lambda e: e.id)


def root_for(path: Path, folders: list[Path]) -> Path:
    """The trees folder a file belongs to (imports must stay inside it)."""
    resolved = path.resolve()
    for folder in folders:
        if folder.is_dir() and resolved.is_relative_to(folder.resolve()):
            return folder
    return path.parent


def find(name: str, folders: list[Path]) -> Entry:
    """The tree with this id (or at this file path)."""
    as_path = Path(name)
    if name.endswith(SUFFIX) or as_path.is_file():
        if not as_path.is_file():
            raise TreeNotFound(f"no tree file {name}")
        return Entry(as_path.name.removesuffix(SUFFIX), as_path, root_for(as_path, folders))
    known = entries(folders)
    for entry in known:
        if entry.id == name:
            if entry.twin is not None:
                raise TreeError(entry.duplicate_error())
            return entry
    hint = did_you_mean(name, [e.id for e in known])
    raise TreeNotFound(f"no tree '{name}'{hint} ('troubleshoot trees' lists the trees you can run)")


def load_any(name: str, folders: list[Path]) -> Tree:
    """Load a tree or a library of sub-trees by id or path."""
    from troubleshoot.tree.loader import load_tree

    entry = find(name, folders)
    return load_tree(entry.path, entry.root)


def load(name: str, folders: list[Path]) -> Tree:
    """Load a runnable tree by id or path; raises a `TroubleshootError` saying what to fix."""
    tree = load_any(name, folders)
    if tree.library:
        raise TreeNotFound(
            f"'{name}' is a library of sub-trees (library: true): it is imported "
            "by other trees, not run on its own"
        )
    return tree


def check_paths(paths: list[Path], folders: list[Path]) -> list[tuple[Path, list[Problem]]]:
    """Check tree files and folders of tree files; each file with its problems."""
    from troubleshoot.tree.loader import check_file

    files: list[tuple[Path, Path]] = []
    twins: list[tuple[Path, Problem]] = []
    for path in paths:
        if path.is_dir():
            files += [(f, path) for f in tree_files(path)]
            twins += [
                (e.twin, Problem(path=str(e.twin), line=1, col=1, message=e.duplicate_error()))
                for e in _folder_entries(path).values()
                if e.twin is not None
            ]
        elif path.is_file():
            files.append((path, root_for(path, folders)))
        else:
            raise TreeNotFound(f"no such file or folder: {path}")
    extra: dict[Path, list[Problem]] = {}
    for twin, problem in twins:
        extra.setdefault(twin, []).append(problem)
    return [(file, check_file(file, root)[1] + extra.get(file, [])) for file, root in files]


@dataclass(frozen=True)
class Summary:
    """One row of `troubleshoot trees`."""

    id: str
    title: str
    revision: int
    nodes: int
    phases: tuple[str, ...]
    path: Path
    problems: str = ""
    duplicate: bool = False
    """Another file in the same folder has this id (an error: `problems` names both)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "revision": self.revision,
            "nodes": self.nodes,
            "phases": list(self.phases),
            "file": str(self.path),
            "problems": self.problems,
        }


def summaries(folders: list[Path]) -> list[Summary]:
    """The runnable trees on the search path; a broken file is listed with its error count."""
    from troubleshoot.tree.loader import check_file
    from troubleshoot.tree.problems import Severity

    rows = []
    for entry in entries(folders):
        tree, problems = check_file(entry.path, entry.root)
        errors = sum(p.severity is Severity.ERROR for p in problems)
        note = f"{errors} error(s): run 'troubleshoot validate {entry.path}'" if errors else ""
        if entry.twin is not None:
            note = entry.duplicate_error()
        twin = entry.twin is not None
        if tree is None:
            rows.append(
                Summary(
                    id=entry.id,
                    title="?",
                    revision=0,
                    nodes=0,
                    phases=(),
                    path=entry.path,
                    problems=note,
                    duplicate=twin,
                )
            )
        elif not tree.library:
            rows.append(
                Summary(
                    id=tree.id,
                    title=tree.title,
                    revision=tree.revision,
                    nodes=len(list(tree.own_nodes())),
                    phases=tree.phases,
                    path=entry.path,
                    problems=note,
                    duplicate=twin,
                )
            )
    return rows
