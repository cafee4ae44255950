"""Safe YAML reading for tree files: positions kept, duplicate keys caught, yes/no kept as text.

This is the one module that imports PyYAML. It never constructs Python objects from tags, and turns
every way a file can fail to parse into a `Problem` instead of an exception.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from troubleshoot.tree.located import LocatedDict, LocatedList, Mark
from troubleshoot.tree.problems import Problem
from troubleshoot.tree.yamlplain import NotPlain, composes_safely, plain_value

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_DROPPED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
MAX_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_ALIASED = 100_000  # values that aliases (`*name`) may repeat in one file


class _TreeLoader(_BaseLoader):
    """SafeLoader recording marks, reporting duplicate keys, reading only true/false as booleans."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML reads this class attribute
        first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_TAGS]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str, path: str) -> None:
        super().__init__(stream)
        self.path = path
        self.problems: list[Problem] = []
        self.refused_tag = False

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """PyYAML's tag resolution, answered at once for text whose first character starts no
        implicit type (most of a tree: words), as PyYAML itself would answer."""
        if _QUICK_RESOLVE and kind is yaml.ScalarNode and value and value[0] not in _TYPED_STARTS:
            return self.DEFAULT_SCALAR_TAG
        tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


_TreeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_TYPED_STARTS = frozenset(
    first for first, found in _TreeLoader.yaml_implicit_resolvers.items() if found
)
"""First characters some implicit resolver of `_TreeLoader` looks at (numbers, null, true...)."""
_QUICK_RESOLVE = None not in _TYPED_STARTS and not _TreeLoader.yaml_path_resolvers
"""Whether a scalar starting with any other character is text whatever it says."""


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _construct_mapping(loader: _TreeLoader, node: yaml.MappingNode) -> LocatedDict:
    """A mapping with its marks. A key written twice is a problem; a key brought in by a merge
    (`<<: *shared`) is overridden by the same key written in the mapping itself, as YAML says."""
    own = {id(key_node) for key_node, _ in node.value}
    loader.flatten_mapping(node)
    merged: set[Any] = set()  # keys whose value so far came from a merge
    result = LocatedDict(_mark(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line, col = _mark(key_node)
        try:
            hash(key)
        except TypeError:
            loader.problems.append(
                Problem(path=loader.path, line=line, col=col, message="a key must be plain text")
            )
            continue
        if key in result and key not in merged:
            first = result.key_mark(key)[0]
            loader.problems.append(
                Problem(
                    path=loader.path,
                    line=line,
                    col=col,
                    message=f"duplicate key '{key}' (first written on line {first}): YAML "
                    "would keep only one of them; rename or remove one",
                )
            )
            continue
        merged.discard(key)
        if id(key_node) not in own:
            merged.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_marks[key] = (line, col)
        result.value_marks[key] = _mark(value_node)
    return result


def _construct_sequence(loader: _TreeLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(_mark(node))
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_marks.append(_mark(item))
    return result


def _refuse_tag(loader: _TreeLoader, node: yaml.Node) -> None:
    """Any tag we do not know (`!!python/object`, `!custom`) is a located problem, never code."""
    line, col = _mark(node)
    loader.refused_tag = True
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    loader.problems.append(
        Problem(
            path=loader.path,
            line=line,
            col=col,
            message=f"the tag '{tag}' is not allowed in a tree: write plain text, numbers, "
            "lists and mappings only",
        )
    )


_TreeLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_TreeLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_TreeLoader.add_constructor(None, _refuse_tag)


def _structure_problem(text: str, path: str) -> Problem | None:
    """Collections nested deeper than a tree ever needs (libyaml's composer recurses in C), or
    aliases that repeat more values than a tree ever needs ("billion laughs": each alias stands
    for everything its anchor holds, so ten levels of nine make a billion values from 1 KB)."""
    sizes: dict[str, int] = {}  # anchor -> how many values it stands for
    open_: list[list[Any]] = []  # [values so far, anchor] of each collection being read
    repeated = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        count = 0
        if isinstance(event, yaml.CollectionStartEvent):
            open_.append([1, event.anchor])
            if len(open_) > MAX_DEPTH:
                return Problem(path=path, line=1, col=1, message=TOO_DEEP)
        elif isinstance(event, yaml.ScalarEvent):
            count = 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            count = sizes.get(event.anchor or "", 1)
            repeated += count
            if repeated > MAX_ALIASED:
                mark = event.start_mark
                line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                return Problem(
                    path=path, line=line, col=col, message=_too_many_aliased(event.anchor or "")
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            count, anchor = open_.pop()
            if anchor:
                sizes[anchor] = count
        if open_:
            open_[-1][0] += count
    return None


def _too_many_aliased(anchor: str) -> str:
    return (
        f"the alias '*{anchor}' brings the values repeated by aliases over {MAX_ALIASED:,} "
        "(each alias repeats everything its anchor holds): write the values out, or use "
        "fewer aliases"
    )


def _flow_depth(text: str, end: int) -> int:
    """Unclosed `[` and `{` before `end`: how deep flow collections nest where parsing stopped.

    Our own measure, so a deep file gets our message whichever layer (ours or libyaml's own
    nesting limit) stops first.
    """
    head = text[:end]
    return head.count("[") + head.count("{") - head.count("]") - head.count("}")


_NOT_QUICK = (NotPlain, yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError)
"""What stops the quick reading (a file it does not take, or an error the careful one reports)."""
_QUICK = composes_safely(_TreeLoader)
"""Whether plain files may be composed before their nesting is checked (see `yamlplain`)."""
TOO_DEEP = "the YAML is nested too deeply to be a decision tree"


def read_yaml(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; returns the value (None if unreadable) and the problems found.

    A plain file (the common case: no aliases, no tags, no problems) is read in one pass over
    the document libyaml composed (`yamlplain`); anything else is read by `_checked_document`,
    which refuses deep nesting and alias bombs before composing, so every message is the same
    whichever way a file is read.
    """
    if len(text) > MAX_BYTES:
        return None, [
            Problem(
                path=path,
                line=1,
                col=1,
                message=f"the file is over {MAX_BYTES // 1_000_000} MB; a tree "
                "that large should be split into sub-trees with `imports`",
            )
        ]
    if _QUICK:
        loader = _TreeLoader(text, path)
        try:
            return plain_value(loader, text=text, max_depth=MAX_DEPTH), []
        except _NOT_QUICK:
            pass  # read again, carefully, to report it
        finally:
            loader.dispose()
    return _checked_document(text, path)


def _checked_document(text: str, path: str) -> tuple[Any, list[Problem]]:
    """The careful reading: nesting and aliases counted on the events first, then composed and
    constructed by PyYAML, every failure turned into a located problem."""
    loader = _TreeLoader(text, path)
    try:
        problem = _structure_problem(text, path)
        if problem is not None:
            return None, [problem]
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if mark is not None and _flow_depth(text, mark.index) > MAX_DEPTH:
            return None, [Problem(path=path, line=1, col=1, message=TOO_DEEP)]
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        return None, [
            *loader.problems,
            Problem(path=path, line=line, col=col, message=f"invalid YAML: {what}"),
        ]
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        return None, [
            Problem(
                path=path,
                line=line,
                col=col,
                message=f"invalid character {char}: {exc.reason}; "
                "delete it (it often comes from pasting from a word processor)",
            )
        ]
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        return None, [
            *loader.problems,
            Problem(path=path, line=1, col=1, message=f"invalid YAML: {message}"),
        ]
    except RecursionError:
        return None, [Problem(path=path, line=1, col=1, message=TOO_DEEP)]
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML's own constructors raise these for values such as `!!int abc`.
        return None, [
            *loader.problems,
            Problem(path=path, line=1, col=1, message=f"invalid YAML value: {exc}"),
        ]
    finally:
        loader.dispose()
    if loader.refused_tag:
        return None, loader.problems
    return data, loader.problems
