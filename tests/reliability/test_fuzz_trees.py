"""Fuzzing the tree loader with generated and mutated trees: whatever is in the files, checking
them gives the project's own problems (never another exception), each naming a file and a line
in it, and a tree that checks clean loads and runs.

Trees are generated from scratch (every node kind, right and wrong keys, values of the wrong
type, dangling references, broken templates, imports between the generated files, some of them
missing or outside the folder), written with PyYAML, then mutated as text (lines deleted, moved,
duplicated, re-indented, truncated; tags, anchors, tabs, control characters and invalid UTF-8
inserted). Nothing here depends on the wording of PyYAML's or libyaml's messages.
`FUZZ_TREES` sets the count (default 300; the `long` variant at least 10,000), `FUZZ_SEED` the
seed.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from troubleshoot.errors import TroubleshootError
from troubleshoot.tree.loader import check_file, load_tree
from troubleshoot.tree.problems import Problem, Severity

SEED = int(os.environ.get("FUZZ_SEED", "11"))
KINDS = ("ask", "info", "route", "try", "fix", "call", "goto", "return", "escalate", "resolve")
TYPES = ("select", "confirm", "text", "number", "multiselect", "date", 7)
WORDS = (
    "x",
    "ok",
    "a b",
    "{{ x }}",
    "{{ ",
    "{% if %}",
    "[b]bold[/b]",
    "\u202eevil",
    "日本",
    "yes",
    "no",
    "on",
    "~",
    "null",
    "1e999",
    "-0",
    "0x1F",
    "é" * 50,
    "\x1b[2J",
    "",
)
NAMES = ("start", "n1", "n2", "n3", "n-4", "N5", "sub.n1", "missing", "done", "")


class Generator:
    """Random trees (as Python data) and random edits of their text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, items: Any) -> Any:
        return self.rng.choice(items)

    def value(self, depth: int = 0) -> Any:
        roll = self.rng.random()
        if depth > 2 or roll < 0.5:
            return self.pick((*WORDS, *NAMES, 0, 1, 2.5, True, None))
        if roll < 0.75:
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 3))]
        return {
            self.pick((*NAMES, *KINDS, "when", "then", "else")): self.value(depth + 1)
            for _ in range(self.rng.randint(0, 3))
        }

    def node(self, names: list[str]) -> dict[str, Any]:
        kind = self.pick(KINDS)
        node: dict[str, Any] = {kind: self.pick(WORDS) if kind != "route" else self.branches(names)}
        extra = {
            "ask": lambda: {
                "type": self.pick(TYPES),
                "choices": self.choices(names),
                "next": self.pick(names),
                "save_as": self.pick(("v", "bad-name")),
            },
            "try": lambda: {
                "try": [self.pick(WORDS)],
                "on_fixed": self.pick(names),
                "on_not_fixed": self.pick(names),
                "verify": self.pick(WORDS),
            },
            "fix": lambda: {
                "on_fixed": self.pick(names),
                "max_attempts": self.pick((0, 1, 3, "2")),
            },
            "resolve": lambda: {
                "outcome": self.pick(("resolved", "bogus", "workaround")),
                "follow_up": self.pick(("2d", "soon", "1w")),
            },
            "call": lambda: {
                "call": self.pick(("sub.n1", "n1", "nope.x")),
                "next": self.pick(names),
            },
            "return": lambda: {"return": {"v": self.pick(("true", "1 +", "x"))}},
        }.get(kind, lambda: {"next": self.pick(names)})()
        for key, value in extra.items():
            if self.rng.random() < 0.7:
                node[key] = value
        for _ in range(self.rng.randint(0, 2)):
            node[self.pick(("phase", "say", "body", "help", "links", "when", "nxt", *KINDS))] = (
                self.value()
            )
        return node

    def choices(self, names: list[str]) -> list[Any]:
        return [
            {"label": self.pick(WORDS), "value": self.pick(WORDS), "next": self.pick(names)}
            if self.rng.random() < 0.8
            else self.value()
            for _ in range(self.rng.randint(0, 4))
        ]

    def branches(self, names: list[str]) -> list[Any]:
        cases: list[Any] = [
            {
                "when": self.pick(("x", "v == 1", "1 +", "visits['n1'] > 1")),
                "then": self.pick(names),
            }
            for _ in range(self.rng.randint(0, 3))
        ]
        if self.rng.random() < 0.7:
            cases.append({"else": self.pick(names)})
        return cases

    def tree(self, tree_id: str, library: bool) -> dict[str, Any]:
        names = [n for n in NAMES if n and "." not in n][: self.rng.randint(1, 7)]
        tree: dict[str, Any] = {
            "format": self.pick((1, 1, 1, 2, "1")),
            "id": tree_id,
            "title": self.pick(WORDS),
            "start": self.pick(names),
        }
        if library:
            tree["library"] = True
        if self.rng.random() < 0.4:
            tree["imports"] = {"sub": self.pick(("sub.tree.yaml", "../out.tree.yaml", "no.yaml"))}
        if self.rng.random() < 0.3:
            tree["vars"] = {"v": {"type": self.pick(("str", "bool", "int", "list"))}}
        if self.rng.random() < 0.2:
            tree[self.pick(("revison", "phases", "tags", "escalation"))] = self.value()
        tree["nodes"] = {name: self.node(names) for name in names}
        return tree

    def mutate(self, text: str) -> bytes:
        lines = text.splitlines(keepends=True)
        for _ in range(self.rng.randint(0, 3)):
            if not lines:
                break
            i = self.rng.randrange(len(lines))
            edit = self.rng.randrange(10)
            if edit == 0:
                del lines[i]
            elif edit == 1:
                lines.insert(i, lines[i])
            elif edit == 2:
                j = self.rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
            elif edit == 3:
                lines[i] = self.pick(("  ", "\t", "- ", "")) + lines[i][self.rng.randint(0, 2) :]
            elif edit == 4:
                lines = [*lines[:i], lines[i][: self.rng.randint(0, len(lines[i]))]]
            elif edit == 5:
                lines.insert(
                    i,
                    self.pick(
                        (
                            "x: !!python/object:os.system ls\n",
                            "a: &a [1]\n",
                            "b: *a\n",
                            "c: *nope\n",
                            "<<: {k: v}\n",
                            "%TAG\n",
                            "--- \n",
                            "k: 'unclosed\n",
                            "{[\n",
                            "\x07: \x00\n",
                        )
                    ),
                )
            elif edit == 6:
                pos = self.rng.randint(0, len(lines[i]))
                lines[i] = lines[i][:pos] + self.pick(":-?[]{},#&*!|>'\"%@`\t\r") + lines[i][pos:]
        data = "".join(lines).encode("utf-8")
        if self.rng.random() < 0.05:
            pos = self.rng.randint(0, len(data))
            data = data[:pos] + self.pick((b"\xff", b"\xc3", b"\x00", b"\xef\xbb\xbf")) + data[pos:]
        return data


def check_one(folder: Path, gen: Generator) -> str:
    """Write a main tree and a sub-tree, mutate them, check the main one; what happened."""
    main = folder / "main.tree.yaml"
    sub = folder / "sub.tree.yaml"
    for path, library in ((main, False), (sub, True)):
        text = yaml.safe_dump(
            gen.tree(path.name.split(".")[0], library),
            allow_unicode=True,
            sort_keys=gen.rng.random() < 0.5,
        )
        path.write_bytes(gen.mutate(text) if gen.rng.random() < 0.8 else text.encode())
    tree, problems = check_file(main, folder)
    for problem in problems:
        assert isinstance(problem, Problem), problem
        assert problem.path.endswith(".tree.yaml") and problem.line >= 1 and problem.col >= 1, str(
            problem
        )
        assert problem.message.strip() and "Traceback" not in problem.message, str(problem)
        assert str(problem).startswith(f"{problem.path}:{problem.line}:{problem.col}: ")
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if tree is not None and not errors:
        assert load_tree(main, folder).id == "main"
        return "clean"
    try:
        load_tree(main, folder)
    except TroubleshootError as exc:
        assert str(exc).strip()
    else:
        raise AssertionError(f"loaded despite errors: {[str(p) for p in errors]}")
    return "errors"


def fuzz(folder: Path, count: int) -> dict[str, int]:
    gen = Generator(random.Random(SEED))
    seen = {"clean": 0, "errors": 0}
    for _ in range(count):
        seen[check_one(folder, gen)] += 1
    assert seen["errors"] > 0
    return seen


def test_generated_and_mutated_trees_give_only_located_problems(tmp_path: Path) -> None:
    fuzz(tmp_path, int(os.environ.get("FUZZ_TREES", "300")))


@pytest.mark.long
def test_ten_thousand_generated_and_mutated_trees(tmp_path: Path) -> None:
    fuzz(tmp_path, max(10_000, int(os.environ.get("FUZZ_TREES", "10000"))))
