"""The quick reading of plain tree files agrees with the careful one, value for value.

`read_yaml` reads a plain file (no alias, tag, merge, key written twice or deep nesting) in one
pass over the document libyaml composed, and anything else the careful way (nesting and aliases
counted on the events first). These tests read every bundled tree, every test fixture and
generated YAML both ways and compare the values with their positions, the problems, and the
models `check_file` builds; and check that files the quick reading must not take still get
their located messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from troubleshoot.tree import yamlsafe
from troubleshoot.tree.loader import check_file
from troubleshoot.tree.located import LocatedDict, LocatedList
from troubleshoot.tree.yamlplain import plain_value

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BUNDLED = REPO / "decision_trees"
FIXTURES = (TESTS / "broken_trees", TESTS / "good_trees", TESTS / "hostile")
YAML_FILES = sorted(
    {
        *BUNDLED.rglob("*.yaml"),
        *(path for folder in FIXTURES for path in folder.rglob("*.yaml")),
    }
)
TREE_FILES = [path for path in YAML_FILES if path.name.endswith(".tree.yaml")]

needs_quick = pytest.mark.skipif(
    not yamlsafe._QUICK, reason="the quick reading needs PyYAML with libyaml 0.2.6 or later"
)


def shape(value: Any) -> Any:
    """A located value as plain data with every position, to compare two readings."""
    if isinstance(value, LocatedDict):
        return (
            "mapping",
            value.mark,
            [
                (key, value.key_mark(key), value.value_mark(key), shape(v))
                for key, v in value.items()
            ],
        )
    if isinstance(value, LocatedList):
        return ("list", value.mark, list(value.item_marks), [shape(item) for item in value])
    return (type(value).__name__, value)


def both_readings(text: str, path: str = "x.tree.yaml") -> tuple[Any, Any]:
    """(what `read_yaml` gives, what the careful reading alone gives), as comparable data."""
    quick_value, quick_problems = yamlsafe.read_yaml(text, path)
    careful_value, careful_problems = yamlsafe._checked_document(text, path)
    return (
        (shape(quick_value), quick_problems),
        (shape(careful_value), careful_problems),
    )


def read_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # not UTF-8: refused before any YAML is read


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_file_reads_the_same_both_ways(path: Path) -> None:
    text = read_text(path)
    if text is None:
        pytest.skip("not UTF-8 text")
    quick, careful = both_readings(text, str(path))
    assert quick == careful


@pytest.mark.parametrize("path", TREE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_tree_checks_the_same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same model (nodes with their positions) and the same problems, in the same order."""
    root = BUNDLED if path.is_relative_to(BUNDLED) else path.parent
    quick = check_file(path, root)
    monkeypatch.setattr(yamlsafe, "_QUICK", False)
    careful = check_file(path, root)
    assert quick == careful


@needs_quick
@pytest.mark.parametrize(
    "path", sorted(BUNDLED.rglob("*.tree.yaml")), ids=lambda p: str(p.relative_to(REPO))
)
def test_bundled_trees_are_read_the_quick_way(path: Path) -> None:
    """Not vacuous: the agreement above compares two different readings of these files."""
    text = path.read_text(encoding="utf-8")
    loader = yamlsafe._TreeLoader(text, str(path))
    try:
        value = plain_value(loader, text=text, max_depth=yamlsafe.MAX_DEPTH)
        assert isinstance(value, LocatedDict)
    finally:
        loader.dispose()


NOT_PLAIN = {
    "alias": "a: &x [1, 2]\nb: *x\n",
    "alias of text": "a: &x one\nb: *x\n",
    "merge": "base: {a: 1}\nnode:\n  <<: {a: 2}\n  b: 3\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate key, other spelling": "1: a\n1.0: b\n",
    "python tag": "a: !!python/object:os.system ls\n",
    "custom tag": "a: !custom {b: 1}\n",
    "set tag": "a: !!set {b: null}\n",
    "binary": "a: !!binary aGk=\n",
    "key that is a list": "? [a, b]\n: c\n",
    "empty document": "",
    "two documents": "a: 1\n---\nb: 2\n",
    "deep flow": "a: " + "[" * 70 + "]" * 70 + "\n",
    "deep block": "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "v\n",
    "bad int": "a: !!int abc\n",
    "syntax error": "a: [1, 2\nb: 3\n",
}


@needs_quick
@pytest.mark.parametrize("text", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_anything_unusual_is_left_to_the_careful_reading(text: str) -> None:
    loader = yamlsafe._TreeLoader(text, "x.tree.yaml")
    try:
        with pytest.raises(yamlsafe._NOT_QUICK):
            plain_value(loader, text=text, max_depth=yamlsafe.MAX_DEPTH)
    finally:
        loader.dispose()
    quick, careful = both_readings(text)
    assert quick == careful


def test_a_duplicate_key_is_reported_where_it_is_written() -> None:
    _, problems = yamlsafe.read_yaml("a: 1\nb: 2\na: 3\n", "x.tree.yaml")
    assert [(p.line, p.col) for p in problems] == [(3, 1)]
    assert problems[0].message.startswith("duplicate key 'a' (first written on line 1)")


def test_an_alias_bomb_is_reported_at_the_alias() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    value, problems = yamlsafe.read_yaml("\n".join(lines) + "\n", "x.tree.yaml")
    assert value is None
    assert [(p.line, p.col) for p in problems] == [(5, 45)]
    assert problems[0].message.startswith(
        "the alias '*a3' brings the values repeated by aliases over 100,000"
    )


@pytest.mark.parametrize("name", ["deep flow", "deep block"])
def test_deep_nesting_is_reported_as_today(name: str) -> None:
    value, problems = yamlsafe.read_yaml(NOT_PLAIN[name], "x.tree.yaml")
    assert value is None
    assert [(p.line, p.col, p.message) for p in problems] == [(1, 1, yamlsafe.TOO_DEEP)]


def test_nesting_at_the_limit_is_read_the_quick_way() -> None:
    depth = yamlsafe.MAX_DEPTH
    text = "a: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n"
    quick, careful = both_readings(text)
    assert quick == careful
    assert quick[1] == []


TEXT_SCALARS = st.sampled_from(
    [
        "a",
        "yes",
        "No",
        "on",
        "null",
        "~",
        "true",
        "1",
        "-2",
        "0x1f",
        "1.5",
        ".inf",
        "1:30",
        "2024-01-01",
        "'quoted'",
        '"q"',
        "''",
        "x y",
        "é",
        "<<",
        "=",
        "*",
        "&",
    ]
)


@st.composite
def yaml_documents(draw: st.DrawFn, depth: int = 0) -> str:
    """Small block/flow YAML documents of mappings, lists and scalars (sometimes repeated keys,
    anchors and aliases)."""
    kind = draw(st.sampled_from(["scalar", "flow", "mapping", "list"] if depth < 4 else ["scalar"]))
    pad = "  " * depth
    if kind == "scalar":
        return draw(TEXT_SCALARS)
    if kind == "flow":
        items = draw(st.lists(TEXT_SCALARS, max_size=3))
        return "[" + ", ".join(items) + "]"
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        child = draw(yaml_documents(depth + 1))
        anchor = draw(st.sampled_from(["", "", "", "&n "]))
        scalar = child.count("\n") == 0
        body = f" {anchor}{child}" if scalar else f" {anchor}\n{child}"
        if kind == "mapping":
            key = draw(st.sampled_from(["a", "b", "c", "1", "true", "~", "a"]))
            lines.append(f"{pad}{key}:{body}")
        else:
            lines.append(f"{pad}-{body}")
    if draw(st.booleans()) and depth > 0:
        lines.append(f"{pad}{'- ' if kind == 'list' else 'z: '}*n")
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=yaml_documents())
def test_generated_yaml_reads_the_same_both_ways(text: str) -> None:
    quick, careful = both_readings(text + "\n")
    assert quick == careful
