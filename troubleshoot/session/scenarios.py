"""`*.scenarios.yaml`: scripted answers walked through the engine, checked against expectations."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from troubleshoot.errors import AnswersError, TroubleshootError
from troubleshoot.session.answers_file import ScriptedAnswers, read_mapping
from troubleshoot.session.coerce import InvalidAnswer
from troubleshoot.session.engine import End, Engine, State
from troubleshoot.session.presets import preset_variables
from troubleshoot.tree import catalog
from troubleshoot.tree import model as m
from troubleshoot.tree.lint import reachable
from troubleshoot.tree.loader import load_tree
from troubleshoot.tree.located import LocatedDict
from troubleshoot.tree.model import Tree

SUFFIX = ".scenarios.yaml"
MAX_STEPS = 1_000
TEXT_CHECKS = {  # expect key -> (End attribute, whether the texts must be present)
    "reply_contains": ("reply", True),
    "reply_excludes": ("reply", False),
    "summary_contains": ("summary", True),
    "summary_excludes": ("summary", False),
}
EXPECT_KEYS = ("outcome", "end", "path", "fixed_by", "variables", "actions", *TEXT_CHECKS)


@dataclass
class Result:
    """One scenario's run: `failures` is empty when it passed."""

    file: Path
    name: str
    failures: list[str] = field(default_factory=list)
    end: str | None = None
    tree: Tree | None = None
    state: State | None = None
    """The finished walk (for coverage); None when the scenario could not run."""

    @property
    def passed(self) -> bool:
        return not self.failures


def scenario_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob(f"*{SUFFIX}"))
        elif path.is_file():
            files.append(path)
        else:
            raise TroubleshootError(f"no such file or folder: {path}")
    return files


def _tree_for(path: Path, data: LocatedDict, folders: list[Path]) -> Tree:
    tree_id = data.get("tree") or path.name.removesuffix(SUFFIX)
    beside = path.parent / f"{tree_id}.tree.yaml"
    if beside.is_file():  # a library of sub-trees too, which `run` refuses
        return load_tree(beside, catalog.root_for(beside, folders))
    return catalog.load(str(tree_id), folders)


def run_file(path: Path, folders: list[Path]) -> list[Result]:
    """Run every scenario of one file; a file that cannot be read is one failed result."""
    try:
        data = read_mapping(path)
        tree = _tree_for(path, data, folders)
        scenarios = data.get("scenarios")
        if not isinstance(scenarios, list) or not scenarios:
            raise AnswersError(f"{path}: expected 'scenarios:' with a list of scenarios")
    except TroubleshootError as exc:
        return [Result(path, "(file)", [str(exc)])]
    results = [
        _run_one(path=path, tree=tree, index=index, item=item)
        for index, item in enumerate(scenarios)
    ]
    results.append(
        _coverage(path=path, tree=tree, scenarios=scenarios, ends={r.end for r in results})
    )
    return [r for r in results if r.name]


def _run_one(*, path: Path, tree: Tree, index: int, item: Any) -> Result:
    if not isinstance(item, LocatedDict):
        return Result(path, f"scenario {index + 1}", ["a scenario must be a mapping"])
    result = Result(path, str(item.get("name") or f"scenario {index + 1}"))
    line = item.mark[0]
    answers = item.get("answers") or {}
    expect = item.get("expect") or {}
    if not isinstance(answers, dict) or not isinstance(expect, dict):
        result.failures.append(f"line {line}: 'answers' and 'expect' must be mappings")
        return result
    problem = _expect_problem(expect)
    if problem:
        result.failures.append(f"line {line}: {problem}")
        return result
    entry = item.get("start")
    if tree.library and entry is None:
        result.failures.append(
            f"line {line}: '{tree.id}' is a library of sub-trees: give the "
            "scenario 'start: <entry node>'"
        )
        return result
    script = ScriptedAnswers(dict(answers), f"{path.name}, scenario '{result.name}'")
    try:
        script.check_against(tree)
        presets = preset_variables(tree, item.get("vars") or {}, script.source)
        context = {**(item.get("intake") or {}), **presets}
        state = walk(Engine(tree, context, entry=entry), script)
    except TroubleshootError as exc:
        result.failures.append(str(exc))
        return result
    result.failures += _compare(expect, state)
    result.tree, result.state = tree, state
    unasked = script.never_asked()
    if unasked:
        result.failures.append(
            f"line {line}: answers for node(s) this scenario never asks: {', '.join(unasked)} "
            "(a misspelt node id, or the path changed: remove them)"
        )
    result.end = state.end.node.id if state.end and state.end.node else None
    return result


def walk(engine: Engine, script: ScriptedAnswers) -> State:
    """Answer every step from the script until the walk ends."""
    state = engine.start()
    for _ in range(MAX_STEPS):
        step = state.step
        if step is None:
            return state
        try:
            state = engine.answer(state, script.take(step))
        except InvalidAnswer as exc:
            raise AnswersError(f"{script.source}: '{step.node.id}': {exc}") from None
    raise AnswersError(
        f"{script.source}: still asking after {MAX_STEPS} answers: the answers go round a loop"
    )


def _compare(expect: dict[str, Any], state: State) -> list[str]:
    end = state.end
    assert end is not None
    failures = []
    if "outcome" in expect and str(expect["outcome"]) != end.outcome:
        failures.append(f"outcome: expected {expect['outcome']}, got {end.outcome}")
    end_node = end.node.id if end.node else None
    if "end" in expect and expect["end"] != end_node:
        failures.append(f"end: expected {expect['end']}, got {end_node}")
    fixed_by = state.variables.get(m.LAST_FIX)
    if "fixed_by" in expect and expect["fixed_by"] != fixed_by:
        failures.append(f"fixed_by: expected {expect['fixed_by']!r}, got {fixed_by!r}")
    if "path" in expect and [str(p) for p in expect["path"] or []] != state.path:
        diff = difflib.unified_diff(
            [str(p) for p in expect["path"] or []],
            state.path,
            fromfile="expected path",
            tofile="actual path",
            lineterm="",
            n=2,
        )
        failures.append("path differs:\n" + "\n".join(diff))
    if "actions" in expect:
        failures += _compare_actions(expect["actions"] or [], state.actions)
    for name, value in (expect.get("variables") or {}).items():
        if state.variables.get(name) != value:
            failures.append(
                f"variable {name}: expected {value!r}, got {state.variables.get(name)!r}"
            )
    return failures + _text_failures(expect, end)


def _text_failures(expect: dict[str, Any], end: End) -> list[str]:
    """`reply_contains` and the like: texts looked for, ignoring case and line breaks, in the
    reply draft and the summary as the session renders them at its end."""
    failures = []
    for key, (attribute, wanted) in TEXT_CHECKS.items():
        texts = _texts(expect.get(key, [])) or []
        rendered = getattr(end, attribute) or ""
        wrong = [t for t in texts if (_plain(t) in _plain(rendered)) != wanted]
        if not wrong:
            continue
        missing = "missing from" if wanted else "present in"
        shown = "\n".join(f"  | {line}" for line in rendered.splitlines()) or "  (empty)"
        failures += [f"{key}: {text!r} {missing} the {attribute}" for text in wrong]
        failures.append(f"the {attribute} was:\n{shown}")
    return failures


def _compare_actions(expected: list[Any], done: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """`actions: [name, {name: arguments}]`: the actions ticked, in order; arguments are
    compared when given (text as written: `{Offer refund: {amount: 64}}`)."""
    names = [name for name, _ in done]
    wanted = [next(iter(e)) if isinstance(e, dict) and e else str(e) for e in expected]
    if wanted != names:
        return [f"actions: expected {wanted}, got {names}"]
    failures = []
    for item, (name, arguments) in zip(expected, done, strict=True):
        given = item.get(name) if isinstance(item, dict) else None
        if isinstance(given, dict) and any(arguments.get(k) != v for k, v in given.items()):
            failures.append(f"action {name}: expected arguments {dict(given)}, got {arguments}")
    return failures


def _expect_problem(expect: dict[str, Any]) -> str | None:
    """What is wrong with the keys of an `expect:` mapping, if anything."""
    for key in expect:
        if key not in EXPECT_KEYS:
            close = difflib.get_close_matches(str(key), EXPECT_KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"use {', '.join(EXPECT_KEYS)}"
            return f"unknown expectation '{key}' ({hint})"
        if key in TEXT_CHECKS and _texts(expect[key]) is None:
            return f"'{key}' takes a text or a list of texts"
    return None


def _plain(text: str) -> str:
    """Text compared the way a reader sees it: any run of spaces and line breaks is one space."""
    return " ".join(text.lower().split())


def _texts(value: Any) -> list[str] | None:
    """A text or a list of texts as a list; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return list(value)
    return None


def _coverage(*, path: Path, tree: Tree, scenarios: list[Any], ends: set[str | None]) -> Result:
    """A failed result naming the outcomes (for a library: the returns) no scenario reaches."""
    if tree.library:
        returns = [n.id for n in tree.nodes.values() if isinstance(n, m.Return)]
        missing = [r for r in returns if r not in ends]
        what = "no scenario ends at the return node(s)"
    else:
        expected = {
            str(s.get("expect", {}).get("outcome"))
            for s in scenarios
            if isinstance(s, dict) and isinstance(s.get("expect"), dict)
        }
        missing = [o for o in tree.outcomes(only=reachable(tree)) if o not in expected]
        what = "no scenario expects the outcome(s)"
    if not missing:
        return Result(path, "")
    return Result(path, "every outcome is covered", [f"{what}: {', '.join(missing)}"])
