"""The benchmark's data: generated trees and case logs, cached under bench/.data/.

Trees: a valid tree of N nodes (questions of every phase, chained, each with a shortcut to the
end). Case logs: sessions written through the case-log API by real engine walks (the bundled
trees' scenarios, driven by the runner with scripted answers), with varied customer words for
full-text search. The largest log is made by copying the walked sessions under new ids in SQL
(writing 100,000 sessions event by event, each in its own durable transaction, takes too long
for a benchmark run); every copied row is a row the API wrote.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"
TREES = ROOT / "decision_trees"
PHASES = ("diagnose", "replicate", "isolate", "fix")
WORDS = [
    "login",
    "password",
    "reset",
    "email",
    "printer",
    "offline",
    "wifi",
    "slow",
    "crash",
    "refund",
    "invoice",
    "charge",
    "twice",
    "order",
    "late",
    "damaged",
    "vpn",
    "browser",
    "chrome",
    "safari",
    "cookie",
    "cache",
    "update",
    "error",
    "timeout",
    "account",
    "locked",
    "sso",
    "code",
    "phone",
    "app",
    "screen",
    "blank",
    "frozen",
    "battery",
    "network",
    "router",
    "cable",
]


def tree_text(nodes: int) -> str:
    """A valid tree of `nodes` nodes: a chain of questions, each of which can also end it."""
    body: dict[str, Any] = {}
    asks = nodes - 1
    for i in range(asks):
        last = i == asks - 1
        node: dict[str, Any] = {
            "ask": f"Question {i}: what does the customer see on screen {i}?",
            "say": f"Let's check step {i} together.",
            "choices": [
                {"label": f"Option A{i}", "value": "a", "next": "done" if last else f"q{i + 1}"},
                {"label": f"Option B{i}", "value": "b", "next": "done"},
            ],
        }
        if i % max(1, asks // 4) == 0 and i // max(1, asks // 4) < 4:
            node["phase"] = PHASES[i // max(1, asks // 4)]
        body[f"q{i}"] = node
    body["done"] = {"resolve": "Fixed after {{ visits | length }} steps", "outcome": "resolved"}
    tree = {
        "format": 1,
        "id": f"bench-{nodes}",
        "title": f"Benchmark tree of {nodes} nodes",
        "revision": 1,
        "start": "q0",
        "nodes": body,
    }
    return yaml.safe_dump(tree, sort_keys=False, width=200)


def tree_file(nodes: int) -> Path:
    path = DATA / "trees" / f"bench-{nodes}.tree.yaml"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tree_text(nodes), encoding="utf-8")
    return path


def scenarios() -> list[tuple[str, dict[str, Any]]]:
    """(tree id, scenario) of every bundled scenario that starts at the tree's start."""
    found = []
    for file in sorted(TREES.glob("*.scenarios.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        tree_id = data.get("tree") or file.name.removesuffix(".scenarios.yaml")
        found += [(tree_id, s) for s in data["scenarios"] if "start" not in s]
    return found


def case_log(sessions: int, *, walked: int) -> Path:
    """A case log of `sessions` sessions: `walked` written by the runner, the rest copies."""
    path = DATA / f"cases-{sessions}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        walk_sessions(tmp, min(walked, sessions))
        copy_sessions(tmp, sessions)
        tmp.rename(path)
    return path


def walk_sessions(path: Path, count: int) -> None:
    """`count` sessions of the bundled scenarios, through the runner and the case-log API."""
    from caselog import open_log
    from rich.console import Console

    from troubleshoot.cases.records import Intake
    from troubleshoot.paths import tree_folders
    from troubleshoot.session.answers_file import ScriptedAnswers
    from troubleshoot.session.runner import Runner
    from troubleshoot.session.scripted_prompter import ScriptedPrompter
    from troubleshoot.tree import catalog

    rng = random.Random(7)
    plans = scenarios()
    folders = tree_folders([])
    trees = {tree_id: catalog.load(tree_id, folders) for tree_id, _ in plans}
    quiet = Console(file=open("/dev/null", "w"))  # noqa: SIM115 - lives as long as the run
    with open_log(path, fast=True) as log:
        for n in range(count):
            tree_id, plan = plans[n % len(plans)]
            words = " ".join(rng.choice(WORDS) for _ in range(8))
            intake = {"ticket": f"T-{n}", "customer": words, "tone": "calm"}
            wrapup = {"note": f"note {n}: " + " ".join(rng.choice(WORDS) for _ in range(5))}
            script = ScriptedAnswers(plan["answers"], "bench")
            prompter = ScriptedPrompter(console=quiet, script=script, intake=intake, wrapup=wrapup)
            Runner(
                tree=trees[tree_id], case_log=log, prompter=prompter, agent=f"agent{n % 20}"
            ).run(Intake())


def copy_sessions(path: Path, total: int) -> None:
    """Copy the walked sessions (and their events) under new ids until there are `total`."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous = OFF")
    have = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
    originals = [r[0] for r in con.execute("SELECT id FROM sessions ORDER BY id")]
    columns = [r[1] for r in con.execute("PRAGMA table_info(sessions)")]
    event_columns = [r[1] for r in con.execute("PRAGMA table_info(events)") if r[1] != "id"]
    copy = 0
    with con:
        while have < total:
            copy += 1
            batch = originals[: total - have]
            select = ", ".join("? || id" if c == "id" else c for c in columns)
            marks = ", ".join("?" for _ in batch)
            con.execute(
                f"INSERT INTO sessions ({', '.join(columns)}) SELECT {select} FROM sessions "
                f"WHERE id IN ({marks})",
                (f"c{copy}-", *batch),
            )
            ev = ", ".join("? || session_id" if c == "session_id" else c for c in event_columns)
            con.execute(
                f"INSERT INTO events ({', '.join(event_columns)}) SELECT {ev} FROM events "
                f"WHERE session_id IN ({marks})",
                (f"c{copy}-", *batch),
            )
            have += len(batch)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def copy_of(path: Path, folder: Path) -> Path:
    """A private copy of a cached database, so a benchmark run never changes the cache."""
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def summary(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sessions = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()
    return {"sessions": int(sessions), "events": int(events)}


if __name__ == "__main__":
    print(json.dumps({"tree": str(tree_file(40))}))
