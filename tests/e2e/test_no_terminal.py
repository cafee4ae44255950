"""`troubleshoot run` without a terminal: stdin closed, output captured, like a CI job or a script.

With `--answers FILE` a session runs to the end and prints a transcript; without one, and with a
bad answers file or an unusable case database, the command exits 1 with a clear `Error:` on
stderr and no traceback.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

DOUBLE_CHARGE = "Forgotten subscription renewal"  # a try node answered [no, yes], then a refund


def troubleshoot(e2e: Any, *args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    done: subprocess.CompletedProcess[str] = e2e.no_terminal(*args, db=db)
    return done


def answers_file(e2e: Any, answers: dict[str, Any], name: str = "answers.yaml") -> Path:
    path: Path = e2e.tmp / name
    data = {
        "intake": {
            "ticket": "T-2002",
            "customer": "I was charged for something I did not buy",
            "tone": "confused",
            "desired_outcome": "money back",
        },
        "answers": answers,
        "wrapup": {"note": "refunded the renewal", "follow_up": "1w", "satisfaction": 4},
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def plan(e2e: Any) -> dict[str, Any]:
    return dict(e2e.scenario("double-charge", DOUBLE_CHARGE))


def assert_clean_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("Error: "), result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_answers_file_runs_a_whole_session(e2e: Any, plan: dict[str, Any]) -> None:
    tree = e2e.tree("double-charge")
    file = answers_file(e2e, plan["answers"])
    result = troubleshoot(e2e, "run", "double-charge", "--answers", str(file), "--agent", "bot")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert 'Customer: "I was charged for something I did not buy"' in out
    assert f"Outcome: {plan['expect']['outcome']}" in out
    assert "Reply draft:" in out
    # the transcript: one numbered line per step, with the answer given
    first_question = tree.kind("what-happened")[1]
    assert f"1. (diagnose) {first_question}" in out
    assert "-> unrecognised" in out

    session = e2e.case.session()
    sid = session["id"]
    assert f"Session {sid} closed: {plan['expect']['outcome']}" in out
    assert session["status"] == "resolved"
    assert session["outcome"] == plan["expect"]["outcome"]
    assert session["current_node"] == plan["expect"]["end"]
    assert session["agent"] == "bot"
    assert (session["ticket"], session["tone"]) == ("T-2002", "confused")
    assert session["satisfaction"] == 4
    assert session["note"] == "refunded the renewal"
    assert session["follow_up"]

    # the answer events follow the scenario: a list is one answer per time the node asks
    # (a try node asks once per item), and this scenario enters each node once
    expected: list[tuple[str, Any]] = []
    for node in dict.fromkeys(plan["expect"]["path"]):
        given = plan["answers"].get(node)
        if given is not None:
            expected += [(node, v) for v in (given if isinstance(given, list) else [given])]
    got = e2e.case.answers(sid)
    assert [n for n, _ in got] == [n for n, _ in expected]
    for (node, value), (_, want) in zip(got, expected, strict=True):
        kind = tree.kind(node)[0]
        if kind in ("confirm", "verify"):
            assert value is bool(want), node
        elif kind == "number":
            assert float(value) == float(want), node
        else:
            assert str(value) == str(want), node
    kinds = e2e.case.kinds(sid)
    assert kinds == ["start", *["answer"] * len(expected), "resolve", "wrapup"]


def test_run_without_a_terminal_or_answers_says_what_to_do(e2e: Any) -> None:
    result = troubleshoot(e2e, "run", "login-failure")
    assert_clean_error(result, "--answers")
    assert e2e.case.sessions() == []


def test_answers_for_an_unknown_node(e2e: Any, plan: dict[str, Any]) -> None:
    file = answers_file(e2e, {**plan["answers"], "what-hapened": "duplicate"}, "unknown-node.yaml")
    result = troubleshoot(e2e, "run", "double-charge", "--answers", str(file))
    assert_clean_error(result, "unknown-node.yaml", "what-hapened", "what-happened")
    assert e2e.case.sessions() == []


def test_an_answer_that_is_not_a_choice(e2e: Any, plan: dict[str, Any]) -> None:
    file = answers_file(e2e, {**plan["answers"], "what-happened": "twice"}, "bad-choice.yaml")
    result = troubleshoot(e2e, "run", "double-charge", "--answers", str(file))
    assert_clean_error(result, "bad-choice.yaml", "twice", "what-happened")
    assert "unrecognised" in result.stderr  # the valid choices are listed


def test_an_answers_file_that_is_not_yaml(e2e: Any) -> None:
    file = e2e.tmp / "broken.yaml"
    file.write_text("answers:\n  what-happened: [duplicate\n  desired: refund\n", encoding="utf-8")
    result = troubleshoot(e2e, "run", "double-charge", "--answers", str(file))
    assert_clean_error(result, "broken.yaml")
    assert e2e.case.sessions() == []


def test_a_database_path_that_is_a_folder(e2e: Any, plan: dict[str, Any]) -> None:
    folder = e2e.tmp / "cases-folder"
    folder.mkdir()
    file = answers_file(e2e, plan["answers"])
    result = troubleshoot(e2e, "run", "double-charge", "--answers", str(file), db=folder)
    assert_clean_error(result, str(folder), "folder", "--db")


def test_a_corrupt_database_file(e2e: Any, plan: dict[str, Any]) -> None:
    corrupt = e2e.tmp / "corrupt.db"
    corrupt.write_bytes(random.Random(7).randbytes(8192))
    file = answers_file(e2e, plan["answers"])
    result = troubleshoot(e2e, "run", "double-charge", "--answers", str(file), db=corrupt)
    assert_clean_error(result, str(corrupt), "--db")
    assert corrupt.read_bytes() == random.Random(7).randbytes(8192)  # left as it was


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make `path` unwritable, also for root (which ignores the mode bits) where possible."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], check=False).returncode:
        pytest.skip("running as root without chattr +i: a read-only file cannot be made")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def test_a_read_only_database(e2e: Any, plan: dict[str, Any]) -> None:
    file = answers_file(e2e, plan["answers"])
    first = troubleshoot(e2e, "run", "double-charge", "--answers", str(file))
    assert first.returncode == 0, first.stderr
    con = sqlite3.connect(e2e.db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for extra in ("-wal", "-shm"):
        Path(f"{e2e.db}{extra}").unlink(missing_ok=True)
    with read_only(e2e.db):
        result = troubleshoot(e2e, "run", "double-charge", "--answers", str(file))
    assert_clean_error(result, str(e2e.db), "read-only")
    assert len(e2e.case.sessions()) == 1
