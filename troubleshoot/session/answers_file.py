"""Scripted answers: the `answers:` mapping of answers and scenarios files, keyed by node id.

A node asked more than once (a `try` item by item, a `fix` attempt by attempt, a revisited
question) takes a list, one answer per time it is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from troubleshoot.errors import AnswersError
from troubleshoot.session.step import Step, StepKind
from troubleshoot.tree.fields import did_you_mean
from troubleshoot.tree.located import LocatedDict
from troubleshoot.tree.model import Tree


class ScriptedAnswers:
    """Hands out the scripted answer for each step, in order, per node."""

    def __init__(self, answers: dict[str, Any], source: str) -> None:
        self.answers = answers
        self.source = source
        self.used: dict[str, int] = {}
        self.asked: set[str] = set()

    def check_against(self, tree: Tree) -> None:
        for key in self.answers:
            if key not in tree.nodes:
                raise AnswersError(
                    f"{self.source}: '{key}' is not a node of the tree "
                    f"'{tree.id}'{did_you_mean(str(key), tree.nodes)}"
                )

    def never_asked(self) -> list[str]:
        """Nodes given an answer that the walk never asked (a misspelt id, a changed path)."""
        return [key for key in self.answers if key not in self.asked]

    def take(self, step: Step) -> Any:
        """The next answer for this step; raises `AnswersError` if there is none left."""
        node_id = step.node.id
        self.asked.add(node_id)
        if node_id not in self.answers:
            if step.kind in (StepKind.INFO, StepKind.ACTION):
                return None
            if step.default is not None:
                return step.default
            raise AnswersError(
                f"{self.source}: no answer for '{node_id}' ({step.question!r}); "
                f"add '{node_id}: <answer>' under 'answers'"
            )
        given = self.answers[node_id]
        per_visit = isinstance(given, list) and (
            step.kind != StepKind.MULTISELECT or any(isinstance(g, list) for g in given)
        )
        if not per_visit:
            return given
        index = self.used.get(node_id, 0)
        if index >= len(given):
            raise AnswersError(
                f"{self.source}: '{node_id}' is asked {index + 1} times, but "
                f"only {len(given)} answer(s) are given for it"
            )
        self.used[node_id] = index + 1
        return given[index]


def read_mapping(path: Path) -> LocatedDict:
    """A YAML file that must be a mapping; problems become one readable `AnswersError`."""
    from troubleshoot.tree.yamlsafe import MAX_BYTES, read_yaml

    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)  # never more: the path may be /dev/zero or a pipe
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"cannot read {path}: {exc}") from None
    if len(raw) > MAX_BYTES:
        raise AnswersError(
            f"{path} is over {MAX_BYTES // 1_000_000} MB: an answers or scenarios file is "
            "much smaller; check that this is the file you meant"
        )
    data, problems = read_yaml(text, str(path))
    if problems:
        raise AnswersError("\n".join(str(p) for p in problems))
    if not isinstance(data, LocatedDict):
        raise AnswersError(f"{path}: expected a mapping with 'answers:' (see the README)")
    return data


def section(data: LocatedDict, key: str, path: Path) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        line, col = data.value_mark(key)
        raise AnswersError(f"{path}:{line}:{col}: '{key}' must be a mapping")
    return {str(k): v for k, v in value.items()}


@dataclass(frozen=True)
class AnswersFile:
    """The sections of a `--answers` file."""

    answers: dict[str, Any]
    intake: dict[str, Any]
    wrapup: dict[str, Any]
    vars: dict[str, Any]
    """Declared variables known before the start (like `run --set`)."""


SECTIONS = ("answers", "intake", "wrapup", "vars")


def read_answers_file(path: Path) -> AnswersFile:
    """The `answers`, `intake`, `wrapup` and `vars` sections of a `--answers` file."""
    data = read_mapping(path)
    unknown = [k for k in data if k not in (*SECTIONS, "tree")]
    if unknown:
        line, col = data.key_mark(unknown[0])
        raise AnswersError(
            f"{path}:{line}:{col}: unknown section '{unknown[0]}' (use {', '.join(SECTIONS)})"
        )
    if "answers" not in data:
        raise AnswersError(f"{path}: no 'answers:' mapping of node ids to answers")
    return AnswersFile(**{name: section(data, name, path) for name in SECTIONS})
