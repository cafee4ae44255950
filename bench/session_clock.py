"""Answer -> next question on screen, for every prompt of a whole session in a pty.

Ours: `troubleshoot run login-failure` answered as its "Caps Lock was on" scenario, intake and
wrap-up included. The floor: bare questionary prompts of the same kinds in the same order
(`floors/bare_prompts.py`). Each latency runs from sending the answer's keys to the next
question's text appearing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from pty_clock import Screen, environment

ROOT = Path(__file__).resolve().parent.parent
TREES = ROOT / "decision_trees"
FLOORS = Path(__file__).resolve().parent / "floors"
DOWN, ENTER = "\x1b[B", "\r"
INTAKE = [
    ("Ticket reference", "t", "T-1" + ENTER),
    ("In the customer's own words", "t", "I cannot log in with my password" + ENTER),
    ("Did the customer confirm?", "c", ENTER),
    ("The customer's tone:", "s", ENTER),
    ("What outcome does the customer want?", "t", ENTER),
]
WRAPUP = [
    ("Case note (optional):", "t", ENTER),
    ("Follow-up date", "t", ENTER),
    ("Customer satisfaction", "s", ENTER),
]
Prompt = tuple[str, str, str]  # question start, kind (t/c/s), keys to answer


def _question(node: dict[str, Any]) -> tuple[str, str]:
    """The kind (t/c/s) of a node's prompt and the start of its question as shown."""
    if "ask" in node:
        kind = {"text": "t", "number": "t", "confirm": "c"}.get(node.get("type", "select"), "s")
        question = str(node["ask"])
    elif "info" in node:
        return "s", "Ready to go on?"
    else:
        kind, question = "c", str(node.get("verify") or "Did that fix it?")
    return kind, " ".join(question.split()).split("{{")[0][:40].rstrip()


def _keys(node: dict[str, Any], kind: str, value: Any) -> str:
    if isinstance(value, list):
        value = value[0]
    if kind == "t":
        return f"{value}{ENTER}"
    if kind == "c":
        yes = value is True or str(value).lower() in ("yes", "true")
        return ENTER if yes else DOWN + ENTER
    values = [str(c["value"]) for c in node.get("choices", [])]
    return DOWN * (values.index(str(value)) if str(value) in values else 0) + ENTER


def session_prompts(tree_id: str = "login-failure", scenario: str = "Caps Lock") -> list[Prompt]:
    tree = yaml.safe_load((TREES / f"{tree_id}.tree.yaml").read_text(encoding="utf-8"))
    plans = yaml.safe_load((TREES / f"{tree_id}.scenarios.yaml").read_text(encoding="utf-8"))
    plan = next(s for s in plans["scenarios"] if s["name"].startswith(scenario))
    steps: list[Prompt] = []
    for node_id in plan["expect"]["path"]:
        node = tree["nodes"][node_id]
        if node_id not in plan["answers"] and "info" not in node:
            continue
        kind, question = _question(node)
        steps.append((question, kind, _keys(node, kind, plan["answers"].get(node_id))))
    return [*INTAKE, *steps, *WRAPUP]


def _drive(screen: Screen, prompts: list[Prompt], *, numbered: bool) -> list[float]:
    """Answer every prompt; the latencies from each answer to the next question."""
    latencies = []
    sent = None
    step = 0
    for question, _kind, keys in prompts:
        if numbered and question not in {p[0] for p in (*INTAKE, *WRAPUP)}:
            step += 1
            screen.wait(f" - step {step} ")
        shown = screen.wait("? " + question)
        if sent is not None:
            latencies.append(shown - sent)
        sent = screen.send(keys)
    return latencies


def ours(db: Path, cwd: Path, troubleshoot: list[str]) -> list[float]:
    prompts = session_prompts()
    argv = [*troubleshoot, "--db", str(db), "run", "login-failure", "--agent", "bench"]
    screen = Screen(argv, environment(), cwd)
    try:
        latencies = _drive(screen, prompts, numbered=True)
        screen.wait("closed: resolved")
        return latencies
    finally:
        screen.close()


def floor(cwd: Path) -> list[float]:
    prompts = session_prompts()
    kinds = ",".join(kind for _, kind, _ in prompts)
    bare = [(f"Bench question {n:03d}", kind, keys) for n, (_, kind, keys) in enumerate(prompts, 1)]
    bare = [(q, k, ENTER if k != "t" else "x" + ENTER) for q, k, _ in bare]
    screen = Screen([sys.executable, str(FLOORS / "bare_prompts.py"), kinds], environment(), cwd)
    try:
        latencies = _drive(screen, bare, numbered=False)
        screen.wait("Bench done")
        return latencies
    finally:
        screen.close()


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
