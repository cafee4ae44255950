"""Format 1.1 in the case log: `set` and `action` as structured events, and sensitive answers
masked everywhere the log keeps text (events, variables, summaries, FTS, the file itself)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from troubleshoot.cases.log import CaseLog, open_case_log
from troubleshoot.cases.records import MASKED, EventKind, Intake, SessionFilter, SessionRecord
from troubleshoot.errors import Paused
from troubleshoot.session.engine import End, State
from troubleshoot.session.history import handoff, history_lines
from troubleshoot.session.prompts import Action, Frame, Give, Pause, WrapUp
from troubleshoot.session.runner import Runner
from troubleshoot.session.step import Step
from troubleshoot.tree.loader import load_tree

SECRET = "7391"
TREE = """\
    format: 1.1
    id: verify-refund
    title: Verify the account, then refund
    escalation: {default: tier2}
    start: pin
    nodes:
      pin:
        ask: The customer's 4-digit PIN?
        type: text
        save_as: pin
        sensitive: true
        pattern: '[0-9]{4}'
        next: check
      check:
        set: {refund: 64, note: '"checked " ~ pin'}
        route:
          - {when: 'pin[0] == "7"', then: refund}
          - else: tier2
      refund:
        action: Offer refund
        with: {amount: "{{ refund }}", reason: damaged item, code: "PIN {{ pin }}"}
        next: done
      done:
        resolve: "Refunded {{ refund }} (pin {{ pin }})"
        reply: Your refund of {{ refund }} is on its way.
      tier2: {escalate: tier2, reason: "wrong PIN {{ pin }}"}
    """


class Prompter:
    """Answers each step with the next value; remembers the steps it was shown."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.steps: list[Step] = []
        self.handoffs: list[str | None] = []
        self.problems: list[str] = []

    given = Intake(ticket="T-1", customer="I want my money back", tone="", desired_outcome="")

    def ask_intake(self, name: str, so_far: Intake) -> str:
        return str(getattr(self.given, name))

    def show_intake(self, intake: Intake) -> None:
        pass

    def show_done(self, message: str) -> None:
        pass

    def show_similar(self, cases: list[SessionRecord]) -> None:
        pass

    def show_history(self, lines: list[str]) -> None:
        pass

    def ask(self, step: Step, frame: Frame) -> Action:
        self.steps.append(step)
        given = self.answers.pop(0)
        return given if isinstance(given, Pause) else Give(given)

    def show_problem(self, message: str) -> None:
        self.problems.append(message)

    def show_end(self, end: End, state: State, handoff: str | None) -> None:
        self.handoffs.append(handoff)

    def wrapup(self, end: End, suggested_follow_up: str | None) -> WrapUp:
        return WrapUp(note="done")

    def pick(self, question: str, options: list[tuple[str, str]]) -> str:
        raise AssertionError(question)


@pytest.fixture
def tree_path(tmp_path: Path) -> Path:
    path = tmp_path / "trees" / "verify-refund.tree.yaml"
    path.parent.mkdir()
    path.write_text(textwrap.dedent(TREE), encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cases.db"


@pytest.fixture
def case_log(db: Path) -> Iterator[CaseLog]:
    with open_case_log(str(db)) as log:
        yield log


def run(case_log: CaseLog, tree_path: Path, *answers: Any) -> tuple[Runner, Prompter]:
    tree = load_tree(tree_path, tree_path.parent)
    prompter = Prompter(*answers)
    runner = Runner(tree=tree, case_log=case_log, prompter=prompter, agent="ann")
    runner.run(Intake())
    return runner, prompter


def test_set_and_action_are_structured_events(case_log: CaseLog, tree_path: Path) -> None:
    runner, prompter = run(case_log, tree_path, SECRET, "done")
    events = case_log.events(runner.session_id)
    [assigned] = [e for e in events if e.kind is EventKind.SET]
    assert (assigned.node, assigned.value) == ("check", {"refund": 64, "note": f"checked {MASKED}"})
    [action] = [e for e in events if e.kind is EventKind.ACTION]
    assert action.node == "refund"
    assert action.value == {
        "name": "Offer refund",
        "arguments": {"amount": 64, "reason": "damaged item", "code": f"PIN {MASKED}"},
    }
    assert action.prompt == f"Offer refund (amount: 64, reason: damaged item, code: PIN {MASKED})"
    assert (action.step, action.answer, action.text) == ("refund", "done", action.prompt)
    assert prompter.steps[1].question == (
        f"Offer refund (amount: 64, reason: damaged item, code: PIN {SECRET})"
    )


def test_a_sensitive_answer_routes_but_is_logged_masked(case_log: CaseLog, tree_path: Path) -> None:
    runner, _ = run(case_log, tree_path, SECRET, "done")
    session = case_log.get_session(runner.session_id)
    assert session.outcome == "resolved"
    assert session.summary == f"Refunded 64 (pin {MASKED})"
    assert session.variables["pin"] == MASKED
    [answer] = [e for e in case_log.events(runner.session_id) if e.node == "pin"]
    assert (answer.answer, answer.value) == (MASKED, {"masked": True})


def test_the_clear_value_is_nowhere_in_the_database(
    case_log: CaseLog, tree_path: Path, db: Path
) -> None:
    run(case_log, tree_path, SECRET, "done")
    run(case_log, tree_path, "0862")  # a wrong PIN: escalated, its reason masked too
    escalated = [s for s in case_log.list_sessions(SessionFilter()) if s.status == "escalated"]
    assert escalated[0].escalation_reason == f"wrong PIN {MASKED}"
    case_log.close()
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            assert SECRET.encode() not in path.read_bytes(), path.name
            assert b"0862" not in path.read_bytes(), path.name
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert {"events_fts", "sessions_fts"} <= set(tables)
        for table in tables:
            for row in conn.execute(f"SELECT * FROM [{table}]"):
                assert SECRET not in repr(row), table
        for fts in ("events_fts", "sessions_fts"):
            hits = conn.execute(f"SELECT COUNT(*) FROM {fts} WHERE {fts} MATCH ?", (SECRET,))
            assert hits.fetchone()[0] == 0


def test_the_handoff_and_history_show_it_masked(case_log: CaseLog, tree_path: Path) -> None:
    runner, prompter = run(case_log, tree_path, "0862")
    assert prompter.handoffs[0] is not None and "0862" not in prompter.handoffs[0]
    assert f"-> {MASKED}" in prompter.handoffs[0]
    session = case_log.get_session(runner.session_id)
    events = case_log.events(runner.session_id)
    lines = "\n".join(history_lines(session, events))
    assert "0862" not in lines and MASKED in lines
    text = handoff(
        session=session, events=events, state=State(variables={}), tier=None, reason=None
    )
    assert "0862" not in text


def test_resume_asks_a_sensitive_question_again(case_log: CaseLog, tree_path: Path) -> None:
    tree = load_tree(tree_path, tree_path.parent)
    first = Runner(tree=tree, case_log=case_log, prompter=Prompter(SECRET, Pause()), agent="ann")
    with pytest.raises(Paused):
        first.run(Intake())
    later = Prompter(SECRET, "done")
    end = Runner(tree=tree, case_log=case_log, prompter=later, agent="bob").resume(first.session_id)
    assert [s.node.id for s in later.steps] == ["pin", "refund"]
    assert end.outcome == "resolved"
    kinds = [str(e.kind) for e in case_log.events(first.session_id)]
    assert kinds[:4] == ["start", "answer", "set", "pause"]
    assert kinds[4:6] == ["resume", "back"]


def test_scenarios_check_actions_and_may_leave_them_out(tree_path: Path) -> None:
    from troubleshoot.session.scenarios import run_file

    scenarios = tree_path.parent / "verify-refund.scenarios.yaml"
    scenarios.write_text(
        textwrap.dedent(
            """\
            scenarios:
              - name: refund
                answers: {pin: "7391"}
                expect:
                  outcome: resolved
                  actions: [{Offer refund: {amount: 64, reason: damaged item}}]
              - name: wrong arguments
                answers: {pin: "7391"}
                expect: {outcome: resolved, actions: [{Offer refund: {amount: 65}}]}
              - name: wrong pin
                answers: {pin: "0862"}
                expect: {outcome: escalated, actions: []}
            """
        ),
        encoding="utf-8",
    )
    results = run_file(scenarios, [tree_path.parent])
    assert [r.failures for r in results] == [
        [],
        [
            "action Offer refund: expected arguments {'amount': 65}, got "
            "{'amount': 64, 'reason': 'damaged item', 'code': 'PIN 7391'}"
        ],
        [],
    ]


def test_variables_given_before_the_start_are_logged_and_kept_on_resume(
    case_log: CaseLog, tmp_path: Path
) -> None:
    path = tmp_path / "trees" / "greet.tree.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        textwrap.dedent(
            """\
            format: 1.1
            id: greet
            title: Greet
            vars: {since: {type: date}}
            start: ok
            nodes:
              ok: {ask: "Ordered {{ since }}?", type: confirm, on_yes: done, on_no: done}
              done: {resolve: "Since {{ since }}"}
            """
        ),
        encoding="utf-8",
    )
    tree = load_tree(path, path.parent)
    first = Runner(
        tree=tree,
        case_log=case_log,
        prompter=Prompter(Pause()),
        agent="ann",
        presets={"since": date(2026, 11, 2)},
    )
    with pytest.raises(Paused):
        first.run(Intake())
    [given] = [e for e in case_log.events(first.session_id) if e.kind is EventKind.SET]
    assert (given.node, given.value, given.text) == (
        None,
        {"since": "2026-11-02"},
        "since = 2026-11-02",
    )
    later = Prompter("yes")
    end = Runner(tree=tree, case_log=case_log, prompter=later, agent="bob").resume(first.session_id)
    assert later.steps[0].question == "Ordered 2026-11-02?"
    assert end.summary == "Since 2026-11-02"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("TROUBLESHOOT_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "troubleshoot", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


EXPORTS = (("csv", False), ("csv", True), ("json", False), ("jsonl", False), ("md", False))


def test_no_case_output_shows_the_clear_value(case_log: CaseLog, tree_path: Path, db: Path) -> None:
    """Every way the case log is read back (show, export in each format, stats)."""
    runner, _ = run(case_log, tree_path, SECRET, "done")
    run(case_log, tree_path, "0862")
    case_log.close()
    if cli(db, "cases", "export", "--help").returncode != 0:
        pytest.skip("this build has no 'cases export' command")
    outputs = {
        f"export {fmt}{' --events' if events else ''}": cli(
            db, "cases", "export", "--format", fmt, *(["--events"] if events else [])
        )
        for fmt, events in EXPORTS
    }
    for fmt in ("md", "json"):
        outputs[f"show {fmt}"] = cli(db, "cases", "show", runner.session_id, "--format", fmt)
    outputs["stats"] = cli(db, "stats", "--format", "json")
    for name, result in outputs.items():
        assert result.returncode == 0, (name, result.stderr)
        assert SECRET not in result.stdout and "0862" not in result.stdout, name
    assert MASKED in outputs["export json"].stdout


def test_a_ticked_action_stands_as_the_steps_answer_on_resume(
    case_log: CaseLog, tmp_path: Path
) -> None:
    path = tmp_path / "trees" / "act.tree.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        textwrap.dedent(
            """\
            format: 1.1
            id: act
            title: Act
            start: reset
            nodes:
              reset: {action: Reset password, with: {user: "{{ customer }}"}, next: works}
              works: {ask: Can they log in?, type: confirm, on_yes: done, on_no: done}
              done: {resolve: Done}
            """
        ),
        encoding="utf-8",
    )
    tree = load_tree(path, path.parent)
    first = Runner(tree=tree, case_log=case_log, prompter=Prompter("done", Pause()), agent="ann")
    with pytest.raises(Paused):
        first.run(Intake())
    later = Prompter("yes")
    end = Runner(tree=tree, case_log=case_log, prompter=later, agent="bob").resume(first.session_id)
    assert [s.node.id for s in later.steps] == ["works"]
    assert end.outcome == "resolved"
    events = case_log.events(first.session_id)
    assert [str(e.kind) for e in events] == [
        "start",
        "action",
        "pause",
        "resume",
        "answer",
        "resolve",
        "wrapup",
    ]
    assert events[1].value == {
        "name": "Reset password",
        "arguments": {"user": "I want my money back"},
    }


def test_dates_are_logged_as_text(tree_path: Path) -> None:
    from troubleshoot.session.masking import Masker

    masker = Masker(load_tree(tree_path, tree_path.parent))
    assert masker.value({"since": date(2026, 1, 2), "items": [date(2026, 1, 3)]}) == {
        "since": "2026-01-02",
        "items": ["2026-01-03"],
    }
