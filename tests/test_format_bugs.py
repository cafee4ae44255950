"""Regression tests for the five bugs found while converting real guidelines (issue 14)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from troubleshoot.session.answers_file import ScriptedAnswers
from troubleshoot.session.engine import Engine, WalkError
from troubleshoot.session.scenarios import run_file, walk
from troubleshoot.tree.loader import check_file, load_tree
from troubleshoot.tree.problems import Severity
from troubleshoot.tree.yamlsafe import read_yaml


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(path: Path) -> list[str]:
    _, problems = check_file(path, path.parent)
    return [f"{p.line}:{p.col}: {p.message}" for p in problems if p.severity is Severity.ERROR]


LIBRARY = """\
    format: 1
    id: acct
    library: true
    vars: {mode: {type: str, default: strict}}
    nodes:
      verify:
        route:
          - {when: mode == "strict", then: strict}
          - else: lenient
      strict: {return: {checked: '"strict"'}}
      lenient: {return: {checked: '"lenient"'}}
    """

IMPORTER = """\
    format: 1
    id: main
    title: Main
    imports: {acct: acct.tree.yaml}
    start: check
    nodes:
      check: {call: acct.verify, next: done}
      done: {resolve: "Checked {{ checked }}"}
    """


def test_an_imported_librarys_var_defaults_apply(tmp_path: Path) -> None:
    write(tmp_path, "acct.tree.yaml", LIBRARY)
    tree = load_tree(write(tmp_path, "main.tree.yaml", IMPORTER), tmp_path)
    state = Engine(tree).start()
    assert state.end is not None and state.end.summary == "Checked strict"


def test_the_importers_own_declaration_wins_over_the_librarys(tmp_path: Path) -> None:
    write(tmp_path, "acct.tree.yaml", LIBRARY)
    text = IMPORTER.replace("start: check", "vars: {mode: {default: relaxed}}\n    start: check")
    tree = load_tree(write(tmp_path, "main.tree.yaml", text), tmp_path)
    state = Engine(tree).start()
    assert state.end is not None and state.end.summary == "Checked lenient"


def test_next_on_a_resolve_node_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.tree.yaml",
        """\
        format: 1
        id: t
        title: T
        start: done
        nodes:
          done: {resolve: Fixed, next: more}
          more: {escalate: tier2}
        """,
    )
    found = errors(path)
    assert found == [
        "6:26: resolve node 'done' takes no 'next': a session never goes on from it "
        "(remove 'next', or add a 'when' to skip the node)"
    ]


def test_next_with_when_on_a_resolve_node_is_the_skip_target(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.tree.yaml",
        """\
        format: 1
        id: t
        title: T
        start: done
        nodes:
          done: {resolve: Fixed, when: 'agent == "x"', next: more}
          more: {escalate: tier2}
        """,
    )
    assert errors(path) == []


def test_a_missing_attribute_of_a_text_answer_is_found_by_validate(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.tree.yaml",
        """\
        format: 1
        id: t
        title: T
        start: code
        nodes:
          code: {ask: Code?, type: text, save_as: code, next: check}
          check:
            route:
              - {when: code.valid, then: done}
              - else: done
          done: {resolve: "Done {{ code.upper() }}"}
        """,
    )
    assert errors(path) == [
        "9:16: 'code' is text, which has no 'valid': 'code.valid' cannot be evaluated"
    ]


def test_a_missing_attribute_in_when_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.tree.yaml",
        """\
        format: 1
        id: t
        title: T
        start: code
        nodes:
          code: {ask: Code?, type: text, save_as: code, next: check}
          check:
            set: {found: code}
            route:
              - {when: found.valid, then: done}
              - else: done
          done: {resolve: Done}
        """,
    )
    # `found` is set by an expression, so its type is only known when the session runs
    engine = Engine(load_tree(path, tmp_path))
    with pytest.raises(WalkError) as caught:
        engine.answer(engine.start(), "123")
    message = str(caught.value)
    assert message.startswith(f"{path}:7: node 'check': cannot evaluate 'found.valid': ")
    assert "valid" in message.split(": ", 3)[-1]


def test_scenario_answers_for_nodes_never_asked_are_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "t.tree.yaml",
        """\
        format: 1
        id: t
        title: T
        start: ok
        nodes:
          ok: {ask: OK?, type: confirm, on_yes: done, on_no: why}
          why: {ask: Why?, type: text, next: done}
          done: {resolve: Done}
        """,
    )
    scenarios = write(
        tmp_path,
        "t.scenarios.yaml",
        """\
        scenarios:
          - name: typo
            answers: {ok: yes, why: no idea}
            expect: {outcome: resolved}
        """,
    )
    [result] = run_file(scenarios, [tmp_path])
    assert result.failures == [
        "line 2: answers for node(s) this scenario never asks: why "
        "(a misspelt node id, or the path changed: remove them)"
    ]


def test_all_answers_used_leaves_nothing_unasked(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.tree.yaml",
        """\
        format: 1
        id: t
        title: T
        start: ok
        nodes:
          ok: {ask: OK?, type: confirm, on_yes: done, on_no: done}
          done: {resolve: Done}
        """,
    )
    script = ScriptedAnswers({"ok": "yes"}, "x")
    walk(Engine(load_tree(path, tmp_path)), script)
    assert script.never_asked() == []


def test_merge_key_overrides_are_not_duplicates() -> None:
    text = textwrap.dedent(
        """\
        shared: &shared {a: 1, b: 2}
        one:
          <<: *shared
          b: 3
        """
    )
    data, problems = read_yaml(text, "x.yaml")
    assert problems == []
    assert data["one"] == {"a": 1, "b": 3}


def test_a_key_written_twice_beside_a_merge_is_still_a_duplicate() -> None:
    text = "shared: &s {a: 1}\none:\n  <<: *s\n  b: 2\n  b: 3\n"
    _, problems = read_yaml(text, "x.yaml")
    assert [(p.line, p.col) for p in problems] == [(5, 3)]
    assert "duplicate key 'b'" in problems[0].message


def test_the_first_merged_mapping_wins_over_later_ones() -> None:
    text = "x: &x {a: 1}\ny: &y {a: 2, b: 2}\nz:\n  <<: [*x, *y]\n"
    data, problems = read_yaml(text, "x.yaml")
    assert problems == []
    assert data["z"] == {"a": 1, "b": 2}


def test_scenarios_can_override_shared_answers(tmp_path: Path) -> None:
    write(
        tmp_path,
        "t.tree.yaml",
        """\
        format: 1
        id: t
        title: T
        start: ok
        nodes:
          ok: {ask: OK?, type: confirm, on_yes: done, on_no: bad}
          done: {resolve: Done}
          bad: {escalate: tier2}
        """,
    )
    scenarios = write(
        tmp_path,
        "t.scenarios.yaml",
        """\
        shared: &yes {ok: yes}
        scenarios:
          - name: shared
            answers: *yes
            expect: {outcome: resolved}
          - name: overridden
            answers: {<<: *yes, ok: no}
            expect: {outcome: escalated}
        """,
    )
    assert [r.failures for r in run_file(scenarios, [tmp_path])] == [[], []]
