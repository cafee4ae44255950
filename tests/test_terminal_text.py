"""Text from trees, agents and customers never reaches the terminal as escape sequences or markup.

tests/hostile/terminal/escapes.tree.yaml holds clear-screen, window-title, OSC 8 hyperlink and
blink sequences and Rich markup in its title, questions, choices, say, help, reason and reply;
tests/hostile/terminal/escapes.answers.yaml holds them in the customer's words and the ticket.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from troubleshoot.printable import printable

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
HOSTILE = TESTS / "hostile" / "terminal"
TREE = HOSTILE / "escapes.tree.yaml"
RAW = ("\x1b", "\x07", "\x9b")


def troubleshoot(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("TROUBLESHOOT_TREES", None)
    env.update({"TROUBLESHOOT_DB": str(tmp_path / "cases.db"), "NO_COLOR": "1",
                "COLUMNS": "250", "PYTHONIOENCODING": "utf-8"})
    result = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "--trees", str(HOSTILE), *map(str, args)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    for raw in RAW:
        assert raw not in result.stdout + result.stderr, f"{raw!r} reached the terminal"
    return result


def test_control_characters_and_bidi_overrides_are_shown_visibly() -> None:
    shown = printable("a\x1b[2J\x1b]0;T\x07b\n\tc\x9b\u202e")
    assert shown == "a\\x1b[2J\\x1b]0;T\\x07b\n\tc\\x9b\\u202e"
    assert printable("one\ntwo\r", one_line=True) == "one\\x0atwo\\x0d"
    plain = "Plain text, accents é and emoji 🙂 stay"
    assert printable(plain) == plain


def test_a_scripted_run_shows_escapes_from_the_tree_and_the_customer_visibly(
        tmp_path: Path) -> None:
    result = troubleshoot(tmp_path, "run", "escapes", "--answers", HOSTILE / "escapes.answers.yaml")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        'Customer: "\\x1b[2J\\x1b]0;TITLE\\x07 my printer '
        '\\x1b]8;;http://evil.example\\x1b\\link\\x1b]8;;\\x1b\\"'
    )
    assert lines[1] == (
        "1. (diagnose) Is it on? \\x1b]8;;http://evil.example\\x1b\\here\\x1b]8;;\\x1b\\ -> on-no"
    )
    assert "Reason: Reason \\x1b[31m" in lines
    assert "Ticket: T-\\x1b[31m1" in lines


@pytest.mark.parametrize("command", [("show", "escapes"), ("graph", "escapes"),
                                     ("graph", "escapes", "--format", "dot"),
                                     ("validate", TREE)])
def test_tree_commands_show_escapes_visibly(tmp_path: Path, command: tuple[str, ...]) -> None:
    result = troubleshoot(tmp_path, *command)

    assert result.returncode == 0, result.stderr
    if command[0] != "validate":
        assert "\\x1b[2J" in result.stdout


def test_trees_shows_titles_as_written_not_as_markup(tmp_path: Path) -> None:
    table = troubleshoot(tmp_path, "trees")
    listed = troubleshoot(tmp_path, "trees", "--format", "json")

    assert table.returncode == 0, table.stderr
    title = next(r["title"] for r in json.loads(listed.stdout) if r["id"] == "escapes")
    lines = table.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if " escapes " in line)
    rows = [lines[first]] + [line for line in lines[first + 1:first + 4]
                             if line.split("│")[1].strip() == ""]  # the title's wrapped lines
    shown = " ".join(row.split("│")[2].strip() for row in rows)
    assert shown == printable(title)  # as written: neither markup nor escape sequences


def test_problems_quoting_tree_text_show_escapes_visibly(tmp_path: Path) -> None:
    tree = tmp_path / "bad.tree.yaml"
    tree.write_text('format: 1\nid: bad\ntitle: Bad\nstart: one\nnodes:\n'
                    '  one: {info: Hello, next: "gone\\e[2J"}\n', encoding="utf-8")

    result = troubleshoot(tmp_path, "validate", tree)

    assert result.returncode == 1
    assert "unknown node 'gone\\x1b[2J'" in result.stdout
