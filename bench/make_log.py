"""Fill a case log with generated sessions through the `CaseLog` API (for benchmarks and tests).

    python bench/make_log.py FILE SESSIONS

Each session starts on a bundled tree, answers a few questions, tries a fix and ends resolved or
escalated, with the customer's words, notes and a reply: about as much text as a real case.
"""

from __future__ import annotations

import random
import sys
from functools import cache

from troubleshoot.cases.log import CaseLog, open_case_log
from troubleshoot.cases.records import Ending, Event, EventKind, Intake, Status
from troubleshoot.paths import bundled_trees
from troubleshoot.tree.loader import load_tree
from troubleshoot.tree.model import Tree

WORDS = [
    "printer",
    "wifi",
    "password",
    "login",
    "charge",
    "refund",
    "order",
    "late",
    "app",
    "crash",
    "slow",
    "email",
    "bounce",
    "router",
    "screen",
    "error",
    "code",
    "again",
    "twice",
    "since",
    "yesterday",
    "cannot",
    "open",
    "account",
    "locked",
]


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


@cache
def _tree(name: str) -> Tree:
    return load_tree(bundled_trees() / f"{name}.tree.yaml", bundled_trees())


def add_session(
    case_log: CaseLog, rng: random.Random, *, tree_name: str, index: int, answers: int = 6
) -> None:
    tree = _tree(tree_name)
    intake = Intake(ticket=f"T-{index}", customer=_words(rng, 14), tone="calm")
    session = case_log.create_session(tree, intake, "bench")
    case_log.append_event(session, Event(kind=EventKind.START, text=intake.customer))
    nodes = list(tree.nodes)
    for step in range(answers):
        node = rng.choice(nodes)
        case_log.append_event(
            session,
            Event(
                kind=EventKind.ANSWER,
                node=node,
                step=f"{node}#1" if step == answers - 1 else node,
                phase=rng.choice(tree.phases),
                prompt=_words(rng, 12) + "?",
                answer=_words(rng, 3),
                value=step == answers - 1,
                ms=rng.randint(500, 60_000),
            ),
        )
    escalated = rng.random() < 0.2
    ending = Ending(
        status=Status.ESCALATED if escalated else Status.RESOLVED,
        outcome="escalated" if escalated else "resolved",
        summary=_words(rng, 10),
        reply=_words(rng, 60),
        current_node=rng.choice(nodes),
    )
    kind = EventKind.ESCALATE if escalated else EventKind.RESOLVE
    case_log.finish_session(session, Event(kind=kind, text=ending.summary), ending)


def make_log(path: str, sessions: int, answers: int = 6) -> None:
    """Add `sessions` generated sessions to the case log at `path`."""
    rng = random.Random(sessions)
    with open_case_log(path) as case_log:
        for index in range(sessions):
            tree_name = rng.choice(["login-failure", "double-charge"])
            add_session(case_log, rng, tree_name=tree_name, index=index, answers=answers)


if __name__ == "__main__":
    make_log(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 6)
