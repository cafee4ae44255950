"""The quick reading of a plain YAML file: one pass over the document libyaml composed.

Most tree files are plain: mappings, lists, text, numbers and true/false, no aliases, no tags, no
key written twice, not nested deeply. `plain_value` builds their located values straight from the
composed nodes, without PyYAML's general constructor or a separate pass over the events. At the
first thing that is not plain it gives up (`NotPlain`), and `yamlsafe` reads the file the careful
way, which reports it: every message is the same whichever way a file is read.

Composing first is safe only with a libyaml that limits nesting itself (0.2.6 and later refuse
more than 1,000 levels while parsing, before the composer recurses): `composes_safely` says so.
"""

from __future__ import annotations

from typing import Any

import yaml

from troubleshoot.tree.located import LocatedDict, LocatedList

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null"))
"""Tags of scalars built by the loader's own constructors, as the careful reading does."""
_SAFE_LIBYAML = (0, 2, 6)


class NotPlain(Exception):
    """Something the careful reading must handle or report (an alias, a tag, a key written
    twice, a merge, a key that is not a scalar, nesting deeper than the limit)."""


def composes_safely(loader_class: type) -> bool:
    """True when `loader_class` composes in C with a libyaml that refuses deep nesting."""
    if not issubclass(loader_class, yaml.CSafeLoader):
        return False
    from yaml import _yaml

    version: tuple[int, int, int] = _yaml.get_version()
    return version >= _SAFE_LIBYAML


class _PlainBuilder:
    """Builds located values from composed nodes, refusing anything not plain."""

    def __init__(
        self, loader: yaml.constructor.BaseConstructor, *, max_depth: int, aliases: bool
    ) -> None:
        self.constructors = loader.yaml_constructors
        self.loader = loader
        self.max_depth = max_depth
        self.seen: set[int] | None = set() if aliases else None
        """Nodes met so far, when the text may hold an alias (a node met twice)."""

    def value(self, node: yaml.Node, level: int) -> Any:
        """The value of `node`, inside `level` collections."""
        if self.seen is not None:
            if id(node) in self.seen:
                raise NotPlain("an alias")
            self.seen.add(id(node))
        tag = node.tag
        if node.__class__ is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            if tag in _SCALARS:
                return self.constructors[tag](self.loader, node)
            raise NotPlain(tag)
        if level >= self.max_depth:
            raise NotPlain("nested deeper than the limit")
        if tag == _MAP and node.__class__ is yaml.MappingNode:
            return self.mapping(node, level + 1)
        if tag == _SEQ and node.__class__ is yaml.SequenceNode:
            return self.sequence(node, level + 1)
        raise NotPlain(tag)

    def mapping(self, node: yaml.MappingNode, level: int) -> LocatedDict:
        start = node.start_mark
        result = LocatedDict((start.line + 1, start.column + 1))
        key_marks, value_marks = result.key_marks, result.value_marks
        value = self.value
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise NotPlain("a key that is not a scalar")
            key = value(key_node, level)
            if key in result:
                raise NotPlain("a key written twice")
            result[key] = value(value_node, level)
            mark = key_node.start_mark
            key_marks[key] = (mark.line + 1, mark.column + 1)
            mark = value_node.start_mark
            value_marks[key] = (mark.line + 1, mark.column + 1)
        return result

    def sequence(self, node: yaml.SequenceNode, level: int) -> LocatedList:
        start = node.start_mark
        result = LocatedList((start.line + 1, start.column + 1))
        marks = result.item_marks
        value = self.value
        for item in node.value:
            result.append(value(item, level))
            mark = item.start_mark
            marks.append((mark.line + 1, mark.column + 1))
        return result


def plain_value(loader: yaml.CSafeLoader, *, text: str, max_depth: int) -> Any:
    """The located value of the single document `loader` reads from `text`; raises `NotPlain`,
    or the loader's own errors, for anything the careful reading must handle. An empty document
    is not plain (the careful reading says what to write)."""
    node = loader.get_single_node()
    if node is None:
        raise NotPlain("an empty document")
    # An alias is written `*name`: a text without `*` has none, and needs no watching for one.
    builder = _PlainBuilder(loader, max_depth=max_depth, aliases="*" in text)
    return builder.value(node, 0)
