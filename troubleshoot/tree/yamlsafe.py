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

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_DROPPED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
MAX_BYTES = 2_000_000
MAX_DEPTH = 64


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


_TreeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _construct_mapping(loader: _TreeLoader, node: yaml.MappingNode) -> LocatedDict:
    written = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # merged (`<<: *anchor`) pairs first, then the written ones
    merged = len(node.value) - written
    result = LocatedDict(_mark(node))
    from_merge: set[Any] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line, col = _mark(key_node)
        try:
            hash(key)
        except TypeError:
            loader.problems.append(
                Problem(path=loader.path, line=line, col=col, message="a key must be plain text")
            )
            continue
        if index < merged:
            from_merge.add(key)
        elif key in from_merge:  # a written key overrides a merged one: not a duplicate
            from_merge.discard(key)
            del result[key]
        if key in result and index >= merged:
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


def _too_deep(text: str) -> bool:
    """Whether collections nest deeper than a tree ever needs (libyaml's composer recurses in C)."""
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return False


def _flow_depth(text: str, end: int) -> int:
    """Unclosed `[` and `{` before `end`: how deep flow collections nest where parsing stopped.

    Our own measure, so a deep file gets our message whichever layer (ours or libyaml's own
    nesting limit) stops first.
    """
    head = text[:end]
    return head.count("[") + head.count("{") - head.count("]") - head.count("}")


TOO_DEEP = "the YAML is nested too deeply to be a decision tree"


def read_yaml(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; returns the value (None if unreadable) and the problems found."""
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
    loader = _TreeLoader(text, path)
    try:
        if _too_deep(text):
            return None, [Problem(path=path, line=1, col=1, message=TOO_DEEP)]
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
