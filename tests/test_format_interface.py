"""Format 1.1 sub-tree interface and prefill: call arguments, variables given before the start
(`run --set`, answers-file and scenario `vars:`), coverage of reachable ends only, `say` at the
end, and the default escalation counted as reachable."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from troubleshoot.session.engine import Engine
from troubleshoot.session.scenarios import run_file
from troubleshoot.tree.loader import check_file, load_tree
from troubleshoot.tree.problems import Severity

LIBRARY = """\
    format: 1.1
    id: acct
    library: true
    vars: {min_items: {type: int, default: 1}}
    nodes:
      verify:
        ask: How many items does the customer name correctly?
        type: number
        save_as: named
        next: [{when: named >= min_items, then: ok}, {else: failed}]
      ok: {return: {verified: 'true'}}
      failed: {return: {verified: 'false'}}
      locked: {resolve: Account locked, outcome: unresolved}
    """

MAIN = """\
    format: 1.1
    id: cancel
    title: Cancel an item
    imports: {acct: acct.tree.yaml}
    vars: {plan: {type: str, default: basic}, order_date: {type: date}}
    escalation: {default: tier2}
    start: check
    nodes:
      check:
        call: acct.verify
        with: {min_items: 3}
        next: [{when: verified, then: plan-is}, {else: tier2}]
      plan-is:
        ask: Which plan?
        save_as: plan
        choices: [basic, plus]
        next: done
      done:
        resolve: "Cancelled on {{ plan }} (ordered {{ order_date }})"
        say: Thanks for your patience today.
      tier2: {escalate: tier2}
    """


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def trees(tmp_path: Path) -> Path:
    folder = tmp_path / "trees"
    folder.mkdir()
    write(folder, "acct.tree.yaml", LIBRARY)
    write(folder, "cancel.tree.yaml", MAIN)
    return folder


def test_call_arguments_set_the_called_files_variables(tmp_path: Path) -> None:
    folder = trees(tmp_path)
    engine = Engine(load_tree(folder / "cancel.tree.yaml", folder))
    two = engine.answer(engine.start(), 2)
    assert two.end is not None and two.end.outcome == "escalated"
    three = engine.answer(engine.start(), 3)
    assert three.step is not None and three.step.node.id == "plan-is"
    assert three.variables["min_items"] == 3


def test_an_argument_the_called_file_does_not_declare_is_an_error(tmp_path: Path) -> None:
    folder = trees(tmp_path)
    path = write(folder, "cancel.tree.yaml", MAIN.replace("min_items: 3", "min_itmes: 3"))
    _, problems = check_file(path, folder)
    assert [str(p) for p in problems] == [
        f"{path}:11:12: 'min_itmes' is not a variable of acct.tree.yaml (a called sub-tree "
        "takes as arguments the variables it declares under 'vars'); did you mean 'min_items'?"
    ]


def test_coverage_counts_only_the_library_ends_the_importer_reaches(tmp_path: Path) -> None:
    folder = trees(tmp_path)
    scenarios = write(
        folder,
        "cancel.scenarios.yaml",
        """\
        scenarios:
          - name: verified
            answers: {acct.verify: 3, plan-is: plus}
            expect: {outcome: resolved}
          - name: not verified
            answers: {acct.verify: 1}
            expect: {outcome: escalated}
        """,
    )
    # the library's `locked` (unresolved) is not reachable from `cancel`: nothing to cover
    assert [(r.name, r.failures) for r in run_file(scenarios, [folder])] == [
        ("verified", []),
        ("not verified", []),
    ]


def test_the_default_escalation_is_reachable_through_escalate_now(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.tree.yaml",
        """\
        format: 1
        id: t
        title: T
        escalation: {default: tier2}
        start: ok
        nodes:
          ok: {ask: OK?, type: confirm, on_yes: done, on_no: done}
          done: {resolve: Done}
          tier2: {escalate: tier2}
        """,
    )
    _, problems = check_file(path, tmp_path)
    assert [p for p in problems if p.severity is Severity.ERROR] == []


def test_scenario_vars_prefill_and_a_known_answer_is_the_default(tmp_path: Path) -> None:
    folder = trees(tmp_path)
    scenarios = write(
        folder,
        "cancel.scenarios.yaml",
        """\
        scenarios:
          - name: plan known before the start
            vars: {plan: plus, order_date: "2026-11-02"}
            answers: {acct.verify: 3}
            expect: {outcome: resolved, variables: {plan: plus}}
          - name: an undeclared variable
            vars: {plna: plus}
            answers: {acct.verify: 1}
            expect: {outcome: escalated}
        """,
    )
    results = run_file(scenarios, [folder])
    assert results[0].failures == []
    assert results[1].failures == [
        "cancel.scenarios.yaml, scenario 'an undeclared variable': 'plna' is not a variable of "
        "the tree 'cancel'; did you mean 'plan'? (its variables: plan, order_date, min_items)"
    ]


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TROUBLESHOOT_DB": str(tmp_path / "cases.db"), "NO_COLOR": "1"}
    env.pop("TROUBLESHOOT_TREES", None)
    return subprocess.run(
        [sys.executable, "-m", "troubleshoot", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_run_set_and_answers_file_vars(tmp_path: Path) -> None:
    folder = trees(tmp_path)
    answers = write(
        tmp_path,
        "answers.yaml",
        """\
        vars: {plan: basic, order_date: "2026-11-02"}
        answers: {acct.verify: 3}
        """,
    )
    result = cli(
        tmp_path,
        "--trees",
        str(folder),
        "run",
        "cancel",
        "--answers",
        str(answers),
        "--set",
        "plan=plus",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Known before the start: plan = plus" in lines
    assert "Outcome: resolved - Cancelled on plus (ordered 2026-11-02)" in lines
    assert "Say to the customer: Thanks for your patience today." in lines


def test_run_set_of_an_unknown_or_mistyped_variable_is_an_error(tmp_path: Path) -> None:
    folder = trees(tmp_path)
    answers = write(tmp_path, "answers.yaml", "answers: {acct.verify: 3}\n")
    base = ("--trees", str(folder), "run", "cancel", "--answers", str(answers))
    unknown = cli(tmp_path, *base, "--set", "plna=plus")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("Error: --set: 'plna' is not a variable of the tree")
    mistyped = cli(tmp_path, *base, "--set", "order_date=yesterday-ish")
    assert mistyped.returncode == 1
    assert mistyped.stderr.startswith(
        "Error: --set: variable 'order_date' (date): expected a date as YYYY-MM-DD"
    )
    shape = cli(tmp_path, *base, "--set", "plan")
    assert shape.returncode == 1
    assert "--set takes name=value" in shape.stderr
