"""The loader never crashes: whatever is in a tree file, `check_file` returns problems.

`check_file` must never raise; `load_tree` may only raise `TroubleshootError` (which the CLI
shows as ``Error: ...``). Inputs: arbitrary text and bytes, YAML-looking noise, and bundled trees
with random edits of the kind a team lead makes by accident.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from troubleshoot.errors import TroubleshootError
from troubleshoot.tree.loader import check_file, load_tree
from troubleshoot.tree.problems import Problem, Severity

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "decision_trees"
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for one fuzzed file at a time (module-scoped, so @given may use it)."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def trees_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the bundled trees, so mutated files keep their imports."""
    folder = tmp_path_factory.mktemp("trees") / "decision_trees"
    shutil.copytree(BUNDLED, folder)
    return folder


def assert_well_formed(problems: list[Problem], *paths: Path) -> None:
    names = {str(p) for p in paths}
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.line >= 1 and problem.col >= 1, problem
        assert problem.message.strip(), problem
        assert "Traceback" not in problem.message
        assert problem.severity in (Severity.ERROR, Severity.WARNING)
        assert problem.path in names or problem.path.endswith(".tree.yaml"), problem


def check_never_raises(path: Path, root: Path | None = None) -> None:
    tree, problems = check_file(path, root)
    assert isinstance(problems, list)
    assert_well_formed(problems, path)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    event("not loaded" if tree is None else "loaded with errors" if errors else "clean")
    if tree is not None and not errors:
        # A file that checks clean is one that can be run.
        assert load_tree(path, root).id == tree.id


# -- (a) arbitrary text and bytes ---------------------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab-_:{}[],!&*#|>'\"?%@` \t\n0123456789.~\\")), max_size=200
)
TREEISH = st.lists(
    st.sampled_from(
        [
            "format: 1\n",
            "format: 2\n",
            "id: fuzz\n",
            "title: t\n",
            "start: a\n",
            "nodes:\n",
            "  a:\n",
            "  b:\n",
            "    ask: q\n",
            "    type: confirm\n",
            "    on_yes: b\n",
            "    on_no: a\n",
            "    next: b\n",
            "    resolve: '{{ x }}'\n",
            "    escalate: t2\n",
            "    choices: [yes, no]\n",
            "    when: x ==\n",
            "    try: [a, b]\n",
            "    call: a\n",
            "    return: {x: 'true'}\n",
            "vars: {x: {type: bool}}\n",
            "imports: {n: a.tree.yaml}\n",
            "library: true\n",
            "escalation: {default: b}\n",
            "  - x\n",
            "\t\n",
            "&a x\n",
            "*a\n",
        ]
    ),
    max_size=25,
).map("".join)


@FUZZ
@given(text=st.text() | YAMLISH | TREEISH)
def test_any_text_gives_problems_not_exceptions(scratch: Path, text: str) -> None:
    path = scratch / "fuzz.tree.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    check_never_raises(path)


@FUZZ
@given(
    data=st.binary(max_size=300)
    | YAMLISH.map(lambda s: s.encode("utf-16"))
    | st.binary(max_size=100).map(lambda b: b"\xef\xbb\xbfformat: 1\nid: " + b)
)
def test_any_bytes_give_problems_not_exceptions(scratch: Path, data: bytes) -> None:
    path = scratch / "fuzz.tree.yaml"
    path.write_bytes(data)
    check_never_raises(path)


# -- (b), (c) bundled trees with random edits ---------------------------------------------------

TREE_FILES = sorted(p.relative_to(BUNDLED).as_posix() for p in BUNDLED.rglob("*.tree.yaml"))


@st.composite
def mutated_tree(draw: st.DrawFn) -> tuple[str, str]:
    """(relative path of a bundled tree, its text after 1-4 random edits)."""
    rel = draw(st.sampled_from(TREE_FILES))
    lines = (BUNDLED / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "swap", "word", "indent", "truncate"]))
        if edit == "delete":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "word":
            words = sorted(set(re.findall(r"[A-Za-z_][\w-]*", "".join(lines))))
            in_line = re.findall(r"[A-Za-z_][\w-]*", lines[i])
            if words and in_line:
                old, new = draw(st.sampled_from(in_line)), draw(st.sampled_from(words))
                lines[i] = lines[i].replace(old, new, 1)
        elif edit == "indent":
            change = draw(st.sampled_from([" ", "  ", "\t", "-", "unindent"]))
            lines[i] = lines[i][2:] if change == "unindent" else change + lines[i]
        else:
            text = "".join(lines)
            cut = draw(st.integers(0, len(text)))
            lines = text[:cut].splitlines(keepends=True)
    return rel, "".join(lines)


def write_mutation(trees_copy: Path, rel: str, text: str) -> Path:
    path = trees_copy / rel
    path.write_text(text, encoding="utf-8")
    return path


def restore(trees_copy: Path, rel: str) -> None:
    shutil.copyfile(BUNDLED / rel, trees_copy / rel)


@FUZZ
@given(case=mutated_tree())
def test_edited_bundled_tree_gives_problems_not_exceptions(
    trees_copy: Path, case: tuple[str, str]
) -> None:
    rel, text = case
    path = write_mutation(trees_copy, rel, text)
    try:
        check_never_raises(path, trees_copy)
    finally:
        restore(trees_copy, rel)


@FUZZ
@given(case=mutated_tree())
def test_loading_an_edited_tree_raises_only_troubleshoot_errors(
    trees_copy: Path, case: tuple[str, str]
) -> None:
    rel, text = case
    path = write_mutation(trees_copy, rel, text)
    try:
        try:
            tree = load_tree(path, trees_copy)
        except TroubleshootError as exc:
            assert str(exc).strip()
        else:
            assert tree.nodes
    finally:
        restore(trees_copy, rel)


def test_unedited_bundled_trees_check_clean(trees_copy: Path) -> None:
    for rel in TREE_FILES:
        tree, problems = check_file(trees_copy / rel, trees_copy)
        assert tree is not None
        assert [str(p) for p in problems] == []


# -- (d) huge and deeply nested files, in a subprocess so a hard crash is caught -----------------


def validate_in_subprocess(path: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    report: dict[str, object] = json.loads(result.stdout)
    return report


def nested_mapping(depth: int) -> str:
    """Block mappings nested `depth` deep, one more space of indentation per level."""
    return "".join(" " * level + "k:\n" for level in range(depth))


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        pytest.param(
            "deep-10mb", lambda: nested_mapping(4_500), "over 2 MB", id="10MB-mapping-4500-deep"
        ),
        pytest.param(
            "flow-10mb",
            lambda: "[" * 5_000_000 + "]" * 5_000_000,
            "over 2 MB",
            id="10MB-flow-list-5000000-deep",
        ),
        pytest.param(
            "deep-1mb",
            lambda: nested_mapping(1_500),
            "nested too deeply",
            id="1MB-mapping-1500-deep",
        ),
        pytest.param(
            "flow-list", lambda: "[" * 200_000, "nested too deeply", id="200000-open-brackets"
        ),
        pytest.param(
            "flow-map", lambda: "{a: " * 100_000, "nested too deeply", id="100000-open-braces"
        ),
        pytest.param(
            "block-list",
            lambda: "".join("  " * i + "-\n" for i in range(1_000)),
            "nested too deeply",
            id="1000-nested-block-lists",
        ),
    ],
)
def test_huge_or_deep_yaml_is_a_problem_not_a_crash(
    tmp_path: Path, name: str, make: Callable[[], str], message: str
) -> None:
    path = tmp_path / f"{name}.tree.yaml"
    path.write_text(make(), encoding="utf-8")

    report = validate_in_subprocess(path)

    problems = report["problems"]
    assert isinstance(problems, list)
    assert any(message in p["message"] for p in problems), problems


def test_deeply_nested_expression_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep-expression.tree.yaml"
    path.write_text(
        "format: 1\nid: deep-expression\ntitle: t\nstart: done\nnodes:\n"
        f"  done:\n    resolve: '{{{{ {'(' * 150}1{')' * 150} }}}}'\n",
        encoding="utf-8",
    )

    report = validate_in_subprocess(path)

    assert report["errors"] == 1
