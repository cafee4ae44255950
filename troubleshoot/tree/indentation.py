"""Indentation mistakes told in the author's terms, at the line where they are.

When a tree file does not parse, YAML's own message often names a later line and speaks of
"mapping values". The usual cause is a key indented differently from its neighbours: a key with a
value on one line, followed by keys indented further, cannot be YAML. This module finds the
first such place at or before the line the parser gave up on and says which key to move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from troubleshoot.tree.problems import Problem

_KEY = re.compile(r"^(?P<indent> *)(?:- +)?(?P<key>[A-Za-z0-9_.-]+):(?:\s+(?P<value>\S.*))?$")
_BLOCK_STARTS = ("|", ">", "&", "*", "!", "#")


@dataclass(frozen=True)
class _Line:
    number: int
    indent: int
    key: str
    value: str | None


def _keys(text: str, last: int) -> list[_Line]:
    """The `key:` lines up to line `last` (blank lines, comments and other lines skipped)."""
    found = []
    for number, raw in enumerate(text.splitlines()[:last], 1):
        match = _KEY.match(raw.rstrip())
        if match:
            value = match["value"]
            if value is not None and value.startswith("#"):
                value = None
            key_col = raw.index(match["key"])
            found.append(_Line(number, key_col, match["key"], value))
        elif raw.strip() and not raw.lstrip().startswith("#"):
            found.append(_Line(number, len(raw) - len(raw.lstrip()), "", None))
    return found


def explain(text: str, path: str, problem: Problem) -> Problem | None:
    """A problem naming the mis-indented key, when the parse error at `problem` comes from one."""
    lines = _keys(text, problem.line)
    for index, here in enumerate(lines[:-1]):
        below = lines[index + 1]
        if not here.key or not below.key or below.indent <= here.indent:
            continue
        if here.value is None or here.value.startswith(_BLOCK_STARTS):
            continue
        before = next((x for x in reversed(lines[:index]) if x.indent <= below.indent), None)
        after = lines[index + 2] if index + 2 < len(lines) else None
        if before is not None and before.key and before.indent == below.indent:
            owner = next((x for x in reversed(lines[:index]) if x.indent < below.indent), None)
            whose = f" ('{owner.key}', line {owner.number})" if owner and owner.key else ""
            return Problem(
                path=path,
                line=here.number,
                col=here.indent + 1,
                message=f"'{here.key}' on line {here.number} is indented less than the "
                f"node it belongs to{whose}: indent it like '{before.key}' on line "
                f"{before.number} ({below.indent} spaces)",
            )
        if after is None or after.indent <= here.indent:
            return Problem(
                path=path,
                line=below.number,
                col=below.indent + 1,
                message=f"'{below.key}' on line {below.number} is indented more than "
                f"'{here.key}' above it: line it up with '{here.key}' ({here.indent} spaces)",
            )
    return None
