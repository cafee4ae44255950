"""Variables known before a walk starts: `run --set name=value`, the `vars:` section of answers
files and scenarios. Only variables a tree declares under `vars` can be given, each as its type."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from troubleshoot.cases.records import Event, EventKind
from troubleshoot.errors import AnswersError
from troubleshoot.tree.fields import did_you_mean
from troubleshoot.tree.model import Tree
from troubleshoot.tree.vartypes import WrongType, typed_value


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """`name=value` texts (as given to `--set`) as a mapping."""
    found: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise AnswersError(f"--set takes name=value (a variable of the tree), not {item!r}")
        found[name.strip()] = value
    return found


def preset_variables(tree: Tree, given: Mapping[str, Any], source: str) -> dict[str, Any]:
    """`given` checked against the tree's declared variables and turned into their types."""
    values: dict[str, Any] = {}
    for name, raw in given.items():
        spec = tree.vars.get(str(name))
        if spec is None:
            declared = ", ".join(tree.vars) or "none"
            raise AnswersError(
                f"{source}: '{name}' is not a variable of the tree '{tree.id}'"
                f"{did_you_mean(str(name), tree.vars)} (its variables: {declared})"
            )
        try:
            values[str(name)] = typed_value(spec.type, raw)
        except WrongType as exc:
            raise AnswersError(f"{source}: variable '{name}' ({spec.type}): {exc}") from None
    return values


def known_lines(values: Mapping[str, Any]) -> list[str]:
    """How the variables given before the start are shown to the agent."""
    return [f"Known before the start: {name} = {value}" for name, value in values.items()]


def logged_presets(tree: Tree, events: list[Event]) -> dict[str, Any]:
    """The variables a session was given before its start, from its `set` event without a node
    (as the log keeps them: dates as text, so they are typed again)."""
    for event in events:
        if event.kind is EventKind.SET and event.node is None and isinstance(event.value, dict):
            return preset_variables(tree, event.value, "the case log")
    return {}
