"""Tree files -> `Tree`: reads a file and its imports, checks references and expressions, lints.

`check_file` never raises for anything wrong with a file; it returns every problem found, each as
``path:line:col``. `load_tree` is for running: it raises `TreeError` when a file has errors.
Files come from a `TreeReader` (the disk by default); `load_stored_tree` loads a revision kept in
the case log from memory.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from troubleshoot.errors import TreeError
from troubleshoot.tree import model as m
from troubleshoot.tree.attributes import check_attributes
from troubleshoot.tree.build import FileBuilder, FileParts
from troubleshoot.tree.fields import Reporter, did_you_mean, type_name
from troubleshoot.tree.located import LocatedDict, Mark
from troubleshoot.tree.problems import Problem, Severity
from troubleshoot.tree.sources import FolderReader, MemoryReader, TreeReader

BUILT_INS = (*m.BUILTIN_VARIABLES, m.VISITS)
"""Names every condition and template may use, offered in "did you mean" too."""


@dataclass
class _File:
    path: Path
    prefix: str
    parts: FileParts
    source: m.Source
    exported: set[str] = field(default_factory=set)
    imported: list[_File] = field(default_factory=list)


class _Assembly:
    """Loads one tree file and, recursively, the files it imports."""

    def __init__(self, root: Path, reader: TreeReader) -> None:
        self.reader = reader
        self.root = reader.resolve(root)
        self.problems: list[Problem] = []
        self.files: list[_File] = []

    def load(
        self,
        *,
        path: Path,
        prefix: str,
        chain: tuple[Path, ...],
        mark: tuple[str, Mark] | None = None,
    ) -> _File | None:
        report = Reporter(str(path))
        text = self._read(path, report, mark)
        data = None
        if text is not None:
            from troubleshoot.tree.yamlsafe import read_yaml

            data, problems = read_yaml(text, str(path))
            report.problems.extend(_in_authors_terms(text, str(path), data, problems))
        if text is not None and not isinstance(data, LocatedDict) and not report.problems:
            what = "the file is empty" if data is None else f"the file holds {type_name(data)}"
            report.error(
                (1, 1),
                f"{what}: a tree file is a mapping with id, title, start and "
                "nodes ('troubleshoot new ID' writes a starter tree)",
            )
        self.problems.extend(report.problems)
        if not isinstance(data, LocatedDict) or text is None:
            return None
        report.problems = []
        parts = FileBuilder(data, report, prefix).build()
        self.problems.extend(report.problems)
        digest = hashlib.sha256(text.encode()).hexdigest()
        source = m.Source(self._relative(path), digest, text)
        loaded = _File(
            path=path, prefix=prefix, parts=parts, source=source, exported=set(parts.names)
        )
        self.files.append(loaded)
        for alias, (rel, rel_mark) in parts.imports.items():
            child = self._import(
                importer=path, rel=rel, mark=rel_mark, prefix=prefix + alias + ".", chain=chain
            )
            if child is not None:
                loaded.imported.append(child)
                loaded.exported |= child.exported
        return loaded

    def _read(self, path: Path, report: Reporter, mark: tuple[str, Mark] | None) -> str | None:
        try:
            raw = self.reader.read(path)
        except OSError as exc:
            where, (line, col) = mark if mark else (str(path), (1, 1))
            self.problems.append(
                Problem(
                    path=where,
                    line=line,
                    col=col,
                    message=f"cannot read {path}: {exc.strerror or exc}",
                )
            )
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            report.error(
                (line, col), f"the file is not UTF-8 text (byte {exc.start}): save it as UTF-8"
            )
            return None

    def _relative(self, path: Path) -> str:
        resolved = self.reader.resolve(path)
        return (
            str(resolved.relative_to(self.root))
            if resolved.is_relative_to(self.root)
            else str(path)
        )

    def _import(
        self, *, importer: Path, rel: str, mark: Mark, prefix: str, chain: tuple[Path, ...]
    ) -> _File | None:
        target = self.reader.resolve(importer.parent / rel)
        where = str(importer)
        if not target.is_relative_to(self.root):
            self.problems.append(
                Problem(
                    where,
                    *mark,
                    f"import '{rel}' points outside the trees "
                    f"folder {self.root}: keep sub-trees inside it",
                )
            )
            return None
        cycle = (*chain, self.reader.resolve(importer))
        if target in cycle:
            names = " -> ".join(p.name for p in (*cycle[cycle.index(target) :], target))
            self.problems.append(Problem(where, *mark, f"import cycle: {names}"))
            return None
        return self.load(path=target, prefix=prefix, chain=cycle, mark=(where, mark))


def _in_authors_terms(text: str, path: str, data: object, problems: list[Problem]) -> list[Problem]:
    """A parse error caused by a mis-indented key, told as that (see `indentation`)."""
    if data is not None or not problems or not problems[-1].message.startswith("invalid YAML"):
        return problems
    from troubleshoot.tree.indentation import explain

    better = explain(text, path, problems[-1])
    return problems if better is None else [*problems[:-1], better]


def _failed_imports(file: _File) -> set[str]:
    """The prefixes (``alias.``) of the imports of `file` that could not be loaded."""
    loaded = {child.prefix for child in file.imported}
    return {f"{file.prefix}{alias}." for alias in file.parts.imports} - loaded


def _check_references(
    files: list[_File], nodes: dict[str, m.Node], problems: list[Problem]
) -> None:
    for file in files:
        local = [
            node_id[len(file.prefix) :] for node_id in nodes if node_id.startswith(file.prefix)
        ]
        failed = _failed_imports(file)
        for ref in file.parts.references:
            if ref.target.startswith(tuple(failed)):
                continue  # the import itself is reported
            if ref.target not in nodes and ref.target not in file.parts.broken:
                written = ref.target[len(file.prefix) :]
                problems.append(
                    Problem(
                        ref.path,
                        *ref.mark,
                        f"unknown node '{written}'{did_you_mean(written, local)}",
                    )
                )


def _check_arguments(files: list[_File], problems: list[Problem]) -> None:
    """Each `with` name of a `call` must be a variable the called file declares in `vars`
    (its parameters, with their defaults)."""
    for file in files:
        for ref in file.parts.arguments:
            target, name = ref.target.rsplit("/", 1)
            callee = _file_of(files, target)
            if callee is None:
                continue  # the unknown node is reported already
            declared = callee.parts.header.get("vars", {})
            if name not in declared:
                problems.append(
                    Problem(
                        ref.path,
                        *ref.mark,
                        f"'{name}' is not a variable of {callee.path.name} (a called sub-tree "
                        "takes as arguments the variables it declares under 'vars')"
                        f"{did_you_mean(name, declared)}",
                    )
                )


def _file_of(files: list[_File], node_id: str) -> _File | None:
    """The file whose nodes include `node_id` (the longest matching prefix)."""
    owners = [f for f in files if node_id in f.parts.nodes]
    return owners[0] if owners else None


def _check_expressions(files: list[_File], problems: list[Problem]) -> None:
    from troubleshoot.tree.expr import ExpressionError, names_in_expression, names_in_template

    for file in files:
        known = file.exported
        for expr in file.parts.expressions:
            try:
                names = (names_in_template if expr.is_template else names_in_expression)(
                    expr.source
                )
            except ExpressionError as exc:
                problems.append(Problem(expr.path, *expr.mark, f"invalid expression: {exc}"))
                continue
            for name in sorted(names - known):
                problems.append(
                    Problem(
                        expr.path,
                        *expr.mark,
                        f"unknown variable '{name}'{did_you_mean(name, [*known, *BUILT_INS])} "
                        "(declare it under 'vars' or save it with 'save_as')",
                    )
                )


def _all_vars(files: list[_File]) -> dict[str, m.VarSpec]:
    """The `vars` of the file and of every file it imports (variables are shared by name, so an
    imported library's defaults apply too); the importing file's own declaration wins."""
    found: dict[str, m.VarSpec] = {}
    for file in files:  # the importing file first
        for name, spec in file.parts.header.get("vars", {}).items():
            found.setdefault(name, spec)
    return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading a tree makes a few hundred thousand objects and no garbage cycles: CPython's
    cycle collector would walk them over and over as they are made (half the time of reading a
    4,000-node file), so it waits until the tree is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_file(
    path: Path, root: Path | None = None, reader: TreeReader | None = None
) -> tuple[m.Tree | None, list[Problem]]:
    """Load and lint one tree file; every problem found, errors and warnings, sorted."""
    with _collector_paused():
        return _check_file(path, root or path.parent, reader or FolderReader())


def _check_file(path: Path, root: Path, reader: TreeReader) -> tuple[m.Tree | None, list[Problem]]:
    from troubleshoot.tree.lint import lint

    assembly = _Assembly(root, reader)
    main = assembly.load(path=path, prefix="", chain=())
    problems = assembly.problems
    if main is None:
        return None, sorted(set(problems))
    nodes: dict[str, m.Node] = {}
    for file in assembly.files:
        nodes.update(file.parts.nodes)
    known = len(problems)
    _check_references(assembly.files, nodes, problems)
    graph_sound = len(problems) == known and not any(
        f.parts.broken or f.parts.unsure or _failed_imports(f) for f in assembly.files
    )
    _check_expressions(assembly.files, problems)
    _check_arguments(assembly.files, problems)
    problems.extend(check_attributes([f.parts for f in assembly.files]))
    header = main.parts.header
    if "id" not in header:  # the format was refused before anything else was read
        return None, sorted(set(problems))
    tree = m.Tree(
        id=header["id"],
        title=header["title"],
        path=path,
        sha256=main.source.sha256,
        revision=header["revision"],
        format=header["format"],
        description=header["description"],
        tags=header["tags"],
        phases=header["phases"],
        library=header["library"],
        start=header["start"],
        escalation=header["escalation"],
        vars=_all_vars(assembly.files),
        imports={alias: rel for alias, (rel, _) in main.parts.imports.items()},
        nodes=nodes,
        sources=tuple(f.source for f in assembly.files),
    )
    if path.name.endswith(".tree.yaml") and tree.id and path.name != f"{tree.id}.tree.yaml":
        problems.append(
            Problem(
                path=str(path),
                line=header.get("id_mark", (1, 1))[0],
                col=header.get("id_mark", (1, 1))[1],
                message=f"tree id '{tree.id}' does not match the file "
                f"name: rename the file to {tree.id}.tree.yaml or change the id",
            )
        )
    # Every problem at once, but not the graph's consequences of a broken way on.
    problems.extend(lint(tree, graph=graph_sound))
    return tree, sorted(set(problems))


def load_tree(path: Path, root: Path | None = None, reader: TreeReader | None = None) -> m.Tree:
    """A tree ready to run; raises `TreeError` listing every error if it is not."""
    tree, problems = check_file(path, root, reader)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if tree is None or errors:
        shown = "\n".join(f"  {p}" for p in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise TreeError(
            f"the tree {path} has {len(errors)} error(s); fix them and run "
            f"'troubleshoot validate {path}':\n{shown}{more}",
            errors,
        )
    return tree


def load_stored_tree(files: Mapping[str, str]) -> m.Tree:
    """A tree from `{path: text}` (main file first), as the case log keeps a revision; read
    from memory only, so a stored path never decides where anything is read or written."""
    if not files:
        raise TreeError("no tree files were given to load")
    reader = MemoryReader(files)
    tree, problems = check_file(reader.place(next(iter(files))), reader.root, reader)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if tree is None or errors:
        shown = "\n".join(f"  {p}" for p in errors[:20])
        raise TreeError(
            f"the copy of the tree kept in the case log has {len(errors)} error(s):\n{shown}",
            errors,
        )
    return tree
