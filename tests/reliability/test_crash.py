"""SIGKILL the CLI at random points of whole sessions: no answered step is lost, the database
passes `PRAGMA integrity_check`, and every killed session resumes to the end.

Scripted sessions (`run --answers`) of every bundled scenario are killed right after the k-th
step is printed (a step is printed before its answer is recorded, so step k printed means the
k-1 answers before it were acknowledged), or at a random time. Interactive sessions are killed in
a pty at the intake, mid-walk and at the wrap-up. `KILL_SESSIONS` (default 50, the `long` variant
200) sets how many scripted sessions; `KILL_SEED` the random seed.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    AGENT,
    answered,
    answers_file,
    finish_in_process,
    integrity,
    reference,
    scenarios,
)
from reliability_helpers import e2e as e2e  # the pty fixture

from troubleshoot.cases.log import open_case_log
from troubleshoot.cases.records import EventKind

STEP_LINE = re.compile(r"^\d+\. \(")
SEED = int(os.environ.get("KILL_SEED", "20261201"))


def kill_one(tmp: Path, db: Path, plan_index: int, rng: random.Random) -> dict[str, Any]:
    """Start a scripted session, kill it at a random point; what was printed before."""
    tree_id, plan = scenarios()[plan_index % len(scenarios())]
    file = answers_file(tmp, plan["answers"], f"answers-{plan_index}.yaml")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("TROUBLESHOOT_DB", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "troubleshoot",
            "--db",
            str(db),
            "run",
            tree_id,
            "--answers",
            str(file),
            "--agent",
            AGENT,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    steps = len(reference(tree_id, plan["name"])[0])
    printed = 0
    if rng.random() < 0.2:
        time.sleep(rng.uniform(0.0, 1.5))
    else:
        target = rng.randint(1, steps)
        for line in proc.stdout:
            printed += bool(STEP_LINE.match(line))
            if printed >= target:
                break
        time.sleep(rng.choice([0.0, 0.0, rng.uniform(0.0, 0.02)]))
    proc.send_signal(signal.SIGKILL)
    rest = proc.stdout.read()
    proc.wait()
    printed += sum(bool(STEP_LINE.match(line)) for line in rest.splitlines())
    return {"tree": tree_id, "plan": plan, "printed": printed, "code": proc.returncode}


def check_after_kill(db: Path, killed: dict[str, Any], known: set[str]) -> str | None:
    """The checks after one kill; the new session's id, if the kill left one."""
    assert integrity(db) == "ok"
    with open_case_log(str(db)) as log:
        new = [s for s in log.list_sessions(_all()) if s.id not in known]
        assert len(new) <= 1
        if not new:
            assert killed["printed"] <= 1, killed  # a step was shown: the session existed
            return None
        session = new[0]
        logged = answered(log, session.id)
        kinds = [e.kind for e in log.events(session.id)]
    expected, status = reference(killed["tree"], killed["plan"]["name"])
    assert logged == list(expected[: len(logged)]), (killed["plan"]["name"], logged)
    assert len(logged) >= killed["printed"] - 1, (killed["printed"], len(logged))
    ended = EventKind.RESOLVE in kinds or EventKind.ESCALATE in kinds
    if not ended:
        # also a session killed between its last answer and its end event: resume ends it
        finish_in_process(db, session.id, killed["plan"]["answers"])
    with open_case_log(str(db)) as log:
        assert answered(log, session.id) == list(expected)
        assert str(log.get_session(session.id).status) == status
    return session.id


def _all() -> Any:
    from troubleshoot.cases.records import SessionFilter

    return SessionFilter()


def kill_many(tmp_path: Path, count: int) -> None:
    rng = random.Random(SEED)
    db = tmp_path / "cases.db"
    known: set[str] = set()
    for index in range(count):
        killed = kill_one(tmp_path, db, rng.randrange(10_000), rng)
        assert killed["code"] == -signal.SIGKILL or killed["code"] == 0
        sid = check_after_kill(db, killed, known)
        if sid:
            known.add(sid)
        assert len(known) <= index + 1
    assert len(known) >= count // 2  # most kills landed inside a session


def test_sigkill_scripted_sessions(tmp_path: Path) -> None:
    kill_many(tmp_path, int(os.environ.get("KILL_SESSIONS", "50")))


@pytest.mark.long
def test_sigkill_scripted_sessions_long(tmp_path: Path) -> None:
    kill_many(tmp_path, max(200, int(os.environ.get("KILL_SESSIONS", "200"))))


# -- interactive sessions in a pty --------------------------------------------------------------


def _killed(e2e: Any, term: Any) -> dict[str, Any]:
    term.kill()
    assert integrity(e2e.db) == "ok"
    [session] = e2e.case.sessions()
    return session


def test_sigkill_during_the_intake_keeps_the_customers_words(e2e: Any) -> None:
    term = e2e.cli("run", "login-failure", "--agent", AGENT)
    term.type_answer("Ticket reference (optional):", "T-9")
    term.type_answer("In the customer's own words, what is the problem?", "the app eats my files")
    term.expect("? Did the customer confirm?")
    term.send("\r")
    term.expect("? The customer's tone:")
    session = _killed(e2e, term)
    assert session["customer"] == "the app eats my files"


def test_sigkill_at_a_note_prompt_keeps_the_answers_and_resumes(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    plan = e2e.scenario("login-failure", "Caps Lock was on")
    term = e2e.run(login)
    done = []
    for _ in range(3):
        term.step()
        node = e2e.case.current_node(e2e.case.session()["id"])
        term.answer(login, node, plan["answers"][node])
        done.append(node)
    term.step()
    _, question = login.kind(e2e.case.current_node(e2e.case.session()["id"]))
    term.choose(question, "+ Add a note")
    term.type_answer("Note for the case log:", "customer calls from a phone")
    term.choose(question, "+ Add a note")  # the step is asked again after the note
    term.expect("? Note for the case log:")
    term.send("typed but not sent")
    session = _killed(e2e, term)
    sid = session["id"]
    assert [n for n, _ in e2e.case.answers(sid)] == done
    assert e2e.case.kinds(sid).count("note") == 1

    term = e2e.cli("resume", sid, "--agent", AGENT)
    term.expect("The session so far")
    e2e.drive(term, login, plan["answers"], sid)
    term.wrapup()
    assert term.finish() == 0
    assert e2e.case.session(sid)["status"] == "resolved"


def test_sigkill_at_the_wrap_up_keeps_the_closed_case(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    plan = e2e.scenario("login-failure", "Caps Lock was on")
    term = e2e.run(login)
    done = e2e.drive(term, login, plan["answers"])
    term.type_answer("Case note (optional):", "all good")
    term.expect("? Follow-up date")
    session = _killed(e2e, term)
    assert session["status"] == "resolved"
    assert session["outcome"] == plan["expect"]["outcome"]
    assert [n for n, _ in e2e.case.answers(session["id"])] == done
