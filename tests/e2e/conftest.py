"""Helpers for end-to-end tests that drive the real `troubleshoot` CLI in a pseudo-terminal.

`Term` wraps a `pexpect.spawn` child and keeps a plain-text copy of everything the program drew
(escape sequences stripped), so tests wait for the texts a person would read on the screen.
`Term.choose` reads a rendered questionary list and moves to an option with the arrow keys, the
way a person does; `Term.answer` answers a tree node given its scenario value (a choice value,
yes/no, or text), looking the labels up in the tree file so the tests follow tree edits.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TREES = REPO / "decision_trees"
TIMEOUT = 20
AGENT = "agent-e2e"

DOWN, UP, ENTER, CTRL_U = "\x1b[B", "\x1b[A", "\r", "\x15"
CURSOR_UP = "\ue000"  # stands in for a "cursor up" sequence: questionary's list is fully drawn
ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[()][0-9A-Za-z]"  # charset
    r"|\x1b[@-Z\\-_=>]"  # two-character sequences
)
INCOMPLETE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[()])?$")
SEPARATOR = "-" * 15
STEP_HEADER = re.compile(r" - step (\d+) ")
ENVIRONMENT = {
    "PROMPT_TOOLKIT_NO_CPR": "1",
    "NO_COLOR": "1",
    "TERM": "xterm",
    "COLUMNS": "120",
    "LINES": "50",
}


def clean(raw: str) -> str:
    """What a person reads: escape sequences removed, cursor-up kept as a marker."""
    raw = re.sub(r"\x1b\[\d*A", CURSOR_UP, raw)
    return ESCAPES.sub("", raw).replace("\r", "")


class Term:
    """A CLI process in a pseudo-terminal, read as plain text."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.text = ""  # everything shown so far, cleaned
        self.raw = ""  # everything the program wrote, escape sequences included
        self.pos = 0  # where the next `expect` starts looking
        self._pending = ""  # a trailing, not yet complete escape sequence
        self.eof = False

    # -- reading -------------------------------------------------------------------------------

    def _read(self, timeout: float) -> None:
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            self.eof = True
            data = ""
        self.raw += data
        data = self._pending + data
        tail = INCOMPLETE.search(data[-64:]) if not self.eof else None
        cut = len(data) - len(tail.group()) if tail and tail.group() else len(data)
        self._pending = data[cut:]
        self.text += clean(data[:cut])

    def expect(self, *patterns: str | re.Pattern[str], timeout: float = TIMEOUT) -> re.Match[str]:
        """Wait until one of `patterns` (literal text or a regex) appears after the last match."""
        compiled = [p if isinstance(p, re.Pattern) else re.compile(re.escape(p)) for p in patterns]
        deadline = _now() + timeout
        while True:
            found = [m for m in (p.search(self.text, self.pos) for p in compiled) if m]
            if found:
                match = min(found, key=lambda m: m.start())
                self.pos = match.end()
                return match
            if self.eof or _now() > deadline:
                why = "the program ended" if self.eof else f"{timeout}s passed"
                raise AssertionError(
                    f"{why} before {[p.pattern for p in compiled]} appeared; the screen ended "
                    f"with:\n{self.text[-3000:]}"
                )
            self._read(min(0.2, max(0.01, deadline - _now())))

    def shown_since(self, start: int) -> str:
        return self.text[start:]

    def panel(self, title: str) -> str:
        """Wait for a Rich panel titled `title` to be drawn in full; its text."""
        self.expect(title)
        start = self.pos
        self.expect("╰")
        return self.text[start : self.pos]

    # -- typing --------------------------------------------------------------------------------

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def type_answer(self, question: str, text: str, *, clear: bool = False) -> None:
        """Wait for a text prompt and type `text` + Enter (`clear` empties a default first)."""
        self.expect("? " + question)
        self.send((CTRL_U if clear else "") + text + ENTER)

    def options(self, question: str) -> tuple[list[str], int]:
        """Wait for the select `question` to be drawn; its options and the highlighted one."""
        self.expect("? " + question)
        start = self.pos
        self.expect(CURSOR_UP)
        lines = self.text[start : self.pos - 1].split("\n")[1:]
        options: list[str] = []
        pointer = 0
        for line in lines:
            if not line.startswith((" » ", "   ")) or line.strip() == SEPARATOR:
                continue  # the wrapped end of the question, or the separator
            if line.startswith(" » "):
                pointer = len(options)
            options.append(line[3:].rstrip())
        assert options, f"no options drawn for {question!r}:\n{self.text[start:]}"
        return options, pointer

    def choose(self, question: str, label: str) -> str:
        """Answer the select `question` with the option showing `label` (exact, else the only
        option containing it), with arrow keys and Enter; returns the option's text."""
        options, pointer = self.options(question)
        return self.pick(question, options, pointer, label)

    def pick(self, question: str, options: list[str], pointer: int, label: str) -> str:
        """Move from the highlighted option to the one showing `label`, and press Enter."""
        exact = [i for i, o in enumerate(options) if o == label]
        partial = [i for i, o in enumerate(options) if label in o]
        matches = exact or partial
        assert len(matches) == 1, f"{label!r} matches {len(matches)} of the options {options}"
        target = matches[0]
        moves = DOWN * (target - pointer) if target >= pointer else UP * (pointer - target)
        self.send(moves + ENTER)
        # questionary prints the question again with the picked option once Enter is taken
        picked = options[target]
        self.expect(
            re.compile(re.escape("? " + question) + r"[^\ue000]{0,400}?" + re.escape(picked[:30]))
        )
        return picked

    def escalate(self, reason: str, target: str | None = None) -> str:
        """After "Escalate now": pick the target showing `target` (None: the preselected
        default) when there is a choice, and type the reason; returns the target shown."""
        found = self.expect("? Escalate to:", "? Why escalate?")
        picked = ""
        if found.group(0) == "? Escalate to:":
            self.pos = found.start()
            options, pointer = self.options("Escalate to:")
            picked = self.pick("Escalate to:", options, pointer, target or options[pointer])
            self.expect("? Why escalate?")
        self.send(reason + ENTER)
        return picked

    # -- whole screens -------------------------------------------------------------------------

    def intake(
        self,
        ticket: str = "T-1001",
        customer: str = "I cannot log in to my account",
        tone: str = "calm",
        desired: str = "",
    ) -> None:
        self.type_answer("Ticket reference (optional):", ticket)
        self.type_answer("In the customer's own words, what is the problem?", customer)
        self.expect("? Did the customer confirm?")
        self.send(ENTER)  # the default is Yes
        self.choose("The customer's tone:", tone)
        self.type_answer("What outcome does the customer want? (optional)", desired)

    def wrapup(self, note: str = "", follow_up: str | None = None, score: str = "skip") -> None:
        self.type_answer("Case note (optional):", note)
        if follow_up is None:
            self.type_answer("Follow-up date", "")  # keep the suggested date
        else:
            self.type_answer("Follow-up date", follow_up, clear=True)
        self.choose("Customer satisfaction (1-5):", score)

    def step(self) -> int:
        """Wait for the next step header; its number."""
        return int(self.expect(STEP_HEADER).group(1))

    def answer(self, tree: Tree, node: str, value: Any) -> None:
        """Answer the step of `node` with a scenario-style value."""
        kind, question = tree.kind(node)
        if kind in ("text", "number"):
            self.type_answer(question, str(value))
        else:
            self.choose(question, tree.label(node, value))

    def finish(self, timeout: float = TIMEOUT) -> int:
        """Read to the end of the output; the exit status (128 + N if killed by signal N)."""
        deadline = _now() + timeout
        while not self.eof:
            assert _now() < deadline, f"the program did not end:\n{self.text[-3000:]}"
            self._read(0.2)
        self.child.wait()
        self.child.close()
        if self.child.signalstatus is not None:
            return 128 + int(self.child.signalstatus)
        return int(self.child.exitstatus)

    def kill(self) -> None:
        self.child.kill(signal.SIGKILL)
        self.finish()


def _now() -> float:
    return time.monotonic()


class Tree:
    """The bundled tree file, read as plain YAML, for labels and question texts."""

    def __init__(self, tree_id: str) -> None:
        self.id = tree_id
        self.data = yaml.safe_load((TREES / f"{tree_id}.tree.yaml").read_text(encoding="utf-8"))
        self.nodes: dict[str, dict[str, Any]] = self.data["nodes"]

    def kind(self, node_id: str) -> tuple[str, str]:
        """The prompt kind of a node (select, confirm, text, number, info, verify) and the start
        of its question as shown."""
        node = self.nodes[node_id]
        if "ask" in node:
            kind, question = node.get("type", "select"), node["ask"]
        elif "info" in node:
            kind, question = "info", "Ready to go on?"
        elif "try" in node or "fix" in node:
            kind, question = "verify", node.get("verify") or "Did that fix it?"
        else:
            raise AssertionError(f"{node_id} is not a node that asks anything")
        question = " ".join(str(question).split())
        return kind, question.split("{{")[0][:60].rstrip()

    def label(self, node_id: str, value: Any) -> str:
        """The option a person picks for a scenario value."""
        kind, _ = self.kind(node_id)
        if kind == "info":
            return "Continue"
        if kind in ("confirm", "verify"):
            yes = value is True or str(value).lower() in ("yes", "y", "true", "fixed")
            if kind == "verify":
                return "Yes, that fixed it" if yes else "No, still not working"
            return "Yes" if yes else "No"
        for choice in self.nodes[node_id]["choices"]:
            if str(choice["value"]) == str(value):
                return str(choice["label"])
        raise AssertionError(f"{value!r} is not a choice of {node_id}")


def scenario(tree_id: str, name_start: str) -> dict[str, Any]:
    """The answers of a bundled scenario, by the start of its name."""
    data = yaml.safe_load((TREES / f"{tree_id}.scenarios.yaml").read_text(encoding="utf-8"))
    for item in data["scenarios"]:
        if item["name"].startswith(name_start):
            return dict(item)
    raise AssertionError(f"no scenario starting {name_start!r} in {tree_id}.scenarios.yaml")


class Case:
    """Read-only access to the case database, as a separate program would have."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in con.execute(sql, args)]
        finally:
            con.close()

    def sessions(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return self._query("SELECT * FROM sessions ORDER BY started")

    def session(self, session_id: str | None = None) -> dict[str, Any]:
        rows = self.sessions()
        if session_id is None:
            assert len(rows) == 1, f"expected one session, found {len(rows)}"
            return rows[0]
        found = [r for r in rows if r["id"] == session_id]
        assert found, f"no session {session_id}"
        return found[0]

    def events(self, session_id: str) -> list[dict[str, Any]]:
        rows = self._query("SELECT * FROM events WHERE session_id = ? ORDER BY seq", (session_id,))
        for row in rows:
            row["value"] = json.loads(row["value"]) if row["value"] is not None else None
        return rows

    def kinds(self, session_id: str) -> list[str]:
        return [e["kind"] for e in self.events(session_id)]

    def answers(self, session_id: str) -> list[tuple[str, Any]]:
        """(node, value) of every answer event, superseded ones included."""
        return [(e["node"], e["value"]) for e in self.events(session_id) if e["kind"] == "answer"]

    def current_node(self, session_id: str) -> str:
        return str(self.session(session_id)["current_node"])


def drive(
    term: Term, case: Case, tree: Tree, answers: dict[str, Any], session_id: str | None = None
) -> list[str]:
    """Answer each step the program shows until the outcome appears, looking up in the case log
    which node the step is (the session's current node is written before the step is drawn).
    A list value is one answer per visit. Returns the node ids answered, in order."""
    used: dict[str, int] = {}
    done: list[str] = []
    while True:
        match = term.expect(STEP_HEADER, "Outcome: ")
        if match.group(0) == "Outcome: ":
            return done
        node = case.current_node(session_id or case.session()["id"])
        if node not in answers and tree.kind(node)[0] == "info":
            answers = {**answers, node: None}  # "Continue", as in scenarios
        assert node in answers, f"the session asks {node!r}, which the test has no answer for"
        value = answers[node]
        if isinstance(value, list):
            value = value[used.get(node, 0)]
            used[node] = used.get(node, 0) + 1
        term.answer(tree, node, value)
        done.append(node)


_TREES: dict[str, Tree] = {}


class E2E:
    """What a test needs: the CLI in a terminal, the case log, the bundled trees."""

    AGENT = AGENT
    STEP_HEADER = STEP_HEADER

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.db = tmp_path / "cases.db"
        self.case = Case(self.db)
        self.started: list[Term] = []

    def env(self) -> dict[str, str]:
        env = {**os.environ, **ENVIRONMENT}
        env.pop("TROUBLESHOOT_DB", None)
        env.pop("TROUBLESHOOT_TREES", None)
        return env

    def cli(self, *args: str) -> Term:
        """`python -m troubleshoot --db DB ARGS...` in a 120x50 pseudo-terminal."""
        child = pexpect.spawn(
            sys.executable,
            ["-m", "troubleshoot", "--db", str(self.db), *args],
            env=self.env(),
            cwd=str(self.tmp),
            dimensions=(50, 120),
            encoding="utf-8",
            codec_errors="replace",
            timeout=TIMEOUT,
        )
        term = Term(child)
        self.started.append(term)
        return term

    def no_terminal(self, *args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
        """`python -m troubleshoot --db DB ARGS...` with no terminal: stdin empty, output kept."""
        return subprocess.run(
            [sys.executable, "-m", "troubleshoot", "--db", str(db or self.db), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=self.env(),
            cwd=self.tmp,
            timeout=60,
            check=False,
        )

    def run(self, tree: Tree, **intake: str) -> Term:
        """A new session on `tree`, through the intake screens."""
        term = self.cli("run", tree.id, "--agent", AGENT)
        term.intake(**intake)
        return term

    def drive(
        self, term: Term, tree: Tree, answers: dict[str, Any], session_id: str | None = None
    ) -> list[str]:
        return drive(term, self.case, tree, answers, session_id)

    def tree(self, tree_id: str) -> Tree:
        """A bundled tree, read once per test run."""
        if tree_id not in _TREES:
            _TREES[tree_id] = Tree(tree_id)
        return _TREES[tree_id]

    def scenario(self, tree_id: str, name_start: str) -> dict[str, Any]:
        return scenario(tree_id, name_start)

    def close(self) -> None:
        for term in self.started:
            if term.child.isalive():
                term.child.kill(signal.SIGKILL)
            term.child.close(force=True)


@pytest.fixture
def e2e(tmp_path: Path) -> Iterator[E2E]:
    helper = E2E(tmp_path)
    yield helper
    helper.close()
