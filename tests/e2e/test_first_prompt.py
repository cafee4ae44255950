"""The first intake question is on screen before the tree, Jinja, YAML and the case log are
loaded (they load while the agent types), and nothing about that changes what the agent sees:
an unknown tree is refused before it, a broken tree, a wrong --set value or an unusable
database end it at once with the usual `Error:` and exit 1, before anything is recorded, and
the first answer is recorded when it is given.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect

from troubleshoot.session.early import TICKET_QUESTION

NOT_BEFORE_THE_FIRST_QUESTION = {
    "sqlite_utils",
    "jinja2",
    "yaml",
    "rich",
    "troubleshoot.cases.sqlite",
    "troubleshoot.tree.loader",
    "troubleshoot.tree.model",
    "troubleshoot.session.runner",
}
BROKEN = """\
format: 1
id: broken
title: Broken
start: first
nodes:
  first:
    ask: Which one?
    choices:
      - {label: A, value: a, next: nowhere}
"""


def spawn(e2e: Any, *args: str, python: tuple[str, ...] = ()) -> Any:
    return pexpect.spawn(
        sys.executable,
        [*python, "-m", "troubleshoot", "--db", str(e2e.db), *args],
        env=e2e.env(),
        cwd=str(e2e.tmp),
        dimensions=(50, 300),
        encoding="utf-8",
        codec_errors="replace",
        timeout=30,
    )


def scripted_error(e2e: Any, *args: str, db: Path | None = None) -> str:
    """The `Error:` line the same problem gets without a terminal (`--answers`)."""
    answers = e2e.tmp / "answers.yaml"
    answers.write_text("answers: {}\n")
    done: subprocess.CompletedProcess[str] = e2e.no_terminal(*args, db=db)
    assert done.returncode == 1, done.stderr
    return done.stderr.strip()


def test_the_first_question_needs_no_tree_template_or_database_library(e2e: Any) -> None:
    child = spawn(e2e, "run", "login-failure", python=("-X", "importtime"))
    try:
        child.expect_exact(TICKET_QUESTION)
        before = child.before.replace("\r", "")
        imported = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", before, re.M))
        assert {"typer", "questionary", "troubleshoot.session.early"} <= imported
        assert not imported & NOT_BEFORE_THE_FIRST_QUESTION
        assert not any(name.startswith(("jinja2.", "yaml.", "sqlite_utils.")) for name in imported)
        child.send("T-42\r")
        child.expect_exact("In the customer's own words")
        [session] = e2e.case.sessions()
        assert (session["ticket"], session["status"]) == ("T-42", "active")
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


def test_an_unknown_tree_is_refused_before_the_first_question(e2e: Any) -> None:
    term = e2e.cli("run", "login-failur")
    term.expect("Error: no tree 'login-failur'")
    assert term.finish() == 1
    assert TICKET_QUESTION not in term.text
    assert "Traceback" not in term.text


def test_a_broken_tree_ends_the_first_question_with_the_usual_error(e2e: Any) -> None:
    trees = e2e.tmp / "trees"
    trees.mkdir()
    (trees / "broken.tree.yaml").write_text(BROKEN)
    expected = scripted_error(
        e2e, "--trees", str(trees), "run", "broken", "--answers", "answers.yaml"
    )
    term = e2e.cli("--trees", str(trees), "run", "broken", "--agent", e2e.AGENT)
    term.expect(TICKET_QUESTION)  # shown at once; the error follows without an answer
    term.expect("Error: ")
    assert term.finish() == 1
    shown = " ".join(term.text[term.text.index("Error: ") :].split())
    assert shown == " ".join(expected.split())
    assert "Traceback" not in term.text
    assert e2e.case.sessions() == []


def test_a_wrong_set_value_ends_the_first_question_with_the_usual_error(e2e: Any) -> None:
    term = e2e.cli("run", "login-failure", "--set", "colour=red")
    term.expect("Error: --set: 'colour' is not a variable of the tree 'login-failure'")
    assert term.finish() == 1
    assert e2e.case.sessions() == []


def test_a_damaged_database_ends_the_first_question_and_is_left_as_it_was(e2e: Any) -> None:
    e2e.db.write_bytes(b"this is not a database" * 200)
    damaged = e2e.db.read_bytes()
    expected = scripted_error(e2e, "run", "login-failure", "--answers", "answers.yaml")
    term = e2e.cli("run", "login-failure", "--agent", e2e.AGENT)
    term.expect("Error: ")
    assert term.finish() == 1
    shown = " ".join(term.text[term.text.index("Error: ") :].split())
    assert shown == " ".join(expected.split())
    assert "Traceback" not in term.text
    assert e2e.db.read_bytes() == damaged


def test_ctrl_c_while_the_session_loads_records_nothing(e2e: Any) -> None:
    term = e2e.cli("run", "login-failure", "--agent", e2e.AGENT)
    term.expect(TICKET_QUESTION)
    term.send("T-7")
    term.child.sendintr()
    term.expect("nothing was recorded")
    assert term.finish() == 130
    assert e2e.case.sessions() == []
