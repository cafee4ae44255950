"""Benchmark: each figure of the CLI against its floor or its nearest peer, in one run.

    .venv/bin/python bench/run.py [--quick] [--json] [--only WORD]

Generates its data (trees of 1,000 and 4,000 nodes, case logs of 10,000 and 100,000 sessions;
cached in bench/.data/), runs ours and its floor alternately (order rotated each round, one
warm-up round), and reports medians and the median of the per-round ratios. Columns: what,
ours, floor, ratio, goal; the unit is named in `what`. `--json` prints a list of objects with
exactly the keys what, ours, floor, ratio, goal (ours/floor a number, or a string saying why
there is none; ratio a number or null). `--quick` uses small data and few rounds (a smoke run,
not a measurement).

The copier row needs copier 9 in the bench's own environment (never a project dependency):
    python3 -m venv bench/.venv-peer && bench/.venv-peer/bin/pip install 'copier>=9,<10'
Pseudo-terminal timings set PROMPT_TOOLKIT_NO_CPR=1 (a pty never answers the cursor-position
request, and every prompt would wait a second for it). Not part of the test run: ratios on a
shared machine are noisy; `tests/test_bench_smoke.py` only checks that this runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import data
import measure
import session_clock
from pty_clock import environment, until_visible

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
FLOORS = BENCH / "floors"
PY = sys.executable
PEER = BENCH / ".venv-peer" / "bin" / "copier"
NOT_BUILT = "n/a (not built)"


@dataclass(frozen=True)
class Size:
    """How big the data is and how often each pair runs."""

    small_tree: int
    big_tree: int
    small_log: int
    big_log: int
    walked: int
    rounds: int
    session_rounds: int
    durable_events: int
    log_rounds: int
    warm_up: bool


FULL = Size(1_000, 4_000, 10_000, 100_000, 1_000, 9, 5, 100, 3, warm_up=True)
QUICK = Size(20, 40, 12, 30, 6, 1, 1, 10, 1, warm_up=False)


@dataclass(frozen=True)
class Goal:
    """`ratio <= limit` (or `< limit` when strict); None: no goal, shown for context."""

    limit: float | None
    strict: bool = False

    def __str__(self) -> str:
        if self.limit is None:
            return "-"
        return f"{'<' if self.strict else '≤'} {self.limit:g}×"

    def met(self, ratio: float | None) -> bool | None:
        if self.limit is None or ratio is None:
            return None
        return ratio < self.limit if self.strict else ratio <= self.limit


def row(what: str, ours: Any, floor: Any, goal: Goal, ratio: float | None = None) -> dict[str, Any]:
    if ratio is None and isinstance(ours, float) and isinstance(floor, float):
        ratio = ours / floor
    return {
        "what": what,
        "ours": round(ours, 4) if isinstance(ours, float) else ours,
        "floor": round(floor, 4) if isinstance(floor, float) else floor,
        "ratio": None if ratio is None else round(ratio, 3),
        "goal": str(goal),
        "_goal": goal,
    }


def paired(what: str, ours: list[float], floor: list[float], goal: Goal) -> dict[str, Any]:
    return row(
        what,
        statistics.median(ours),
        statistics.median(floor),
        goal,
        measure.ratio(ours, floor),
    )


def troubleshoot() -> list[str]:
    script = Path(PY).parent / "troubleshoot"
    return [str(script)] if script.exists() else [PY, "-m", "troubleshoot"]


class Bench:
    """One benchmark run: its data, a scratch folder, and the rows measured so far."""

    def __init__(self, size: Size, scratch: Path) -> None:
        self.size = size
        self.tmp = scratch
        self.cli = troubleshoot()
        self.rows: list[dict[str, Any]] = []

    def alternate(self, probes: dict[str, measure.Probe], rounds: int) -> dict[str, list[float]]:
        return measure.alternate(probes, rounds, warm_up=self.size.warm_up)

    def log(self, sessions: int) -> Path:
        return data.case_log(sessions, walked=self.size.walked)

    # -- start-up ------------------------------------------------------------------------------

    def help(self) -> None:
        got = self.alternate(
            {
                "ours": measure.wall([*self.cli, "--help"], cwd=self.tmp),
                "floor": measure.wall([PY, "-c", "import typer"], cwd=self.tmp),
            },
            self.size.rounds,
        )
        self.rows.append(
            paired(
                "`troubleshoot --help` vs `python -c 'import typer'`, s",
                got["ours"],
                got["floor"],
                Goal(1.2),
            )
        )

    def first_prompt(self) -> None:
        db = self.log(self.size.big_log)
        env = environment()
        template = self._copier_template()
        copies = iter(range(10_000))
        probes = {
            "ours": lambda: until_visible(
                [*self.cli, "--db", str(db), "run", "login-failure"],
                "Ticket reference",
                env=env,
                cwd=self.tmp,
            ),
            "typer": lambda: until_visible(
                [PY, str(FLOORS / "typer_select.py"), "run", "login-failure"],
                "Which problem is it?",
                env=env,
                cwd=self.tmp,
            ),
            "bare": lambda: until_visible(
                [PY, str(FLOORS / "bare_select.py")],
                "Which problem is it?",
                env=env,
                cwd=self.tmp,
            ),
        }
        if PEER.exists():
            probes["copier"] = lambda: until_visible(
                [str(PEER), "copy", str(template), str(self.tmp / f"copy{next(copies)}")],
                "Which problem is it?",
                env=env,
                cwd=self.tmp,
            )
        got = self.alternate(probes, self.size.rounds)
        what = "first prompt visible in a pty, `run login-failure`, s, vs "
        self.rows.append(
            paired(
                what + "a minimal Typer app with one questionary select",
                got["ours"],
                got["typer"],
                Goal(1.15),
            )
        )
        if PEER.exists():
            self.rows.append(
                paired(
                    what + "copier 9 `copy` of a one-question template",
                    got["ours"],
                    got["copier"],
                    Goal(1.0, strict=True),
                )
            )
        else:
            self.rows.append(
                row(
                    what + "copier 9 `copy` of a one-question template",
                    statistics.median(got["ours"]),
                    "n/a (copier not installed in bench/.venv-peer)",
                    Goal(1.0, strict=True),
                )
            )
        self.rows.append(
            paired(what + "a bare questionary select script", got["ours"], got["bare"], Goal(None))
        )

    def _copier_template(self) -> Path:
        template = self.tmp / "template"
        template.mkdir(exist_ok=True)
        (template / "copier.yml").write_text(
            "problem:\n  type: str\n  help: Which problem is it?\n", encoding="utf-8"
        )
        (template / "README.md.jinja").write_text("{{ problem }}\n", encoding="utf-8")
        return template

    # -- a session -----------------------------------------------------------------------------

    def answer_to_next(self) -> None:
        db = data.copy_of(self.log(self.size.big_log), self.tmp)  # sessions are added to it
        got = self.alternate(
            {
                "ours": lambda: session_clock.p95(session_clock.ours(db, self.tmp, self.cli)),
                "floor": lambda: session_clock.p95(session_clock.floor(self.tmp)),
            },
            self.size.session_rounds,
        )
        sessions = data.summary(db)["sessions"]
        self.rows.append(
            paired(
                f"answer -> next question visible, p95 over a whole session, "
                f"{sessions:,}-session log, s, vs bare questionary prompts",
                got["ours"],
                got["floor"],
                Goal(1.5),
            )
        )

    def durable_answer(self) -> None:
        from durable import ours_per_event, raw_per_event

        db = self.tmp / "durable.db"
        count = self.size.durable_events
        rounds = iter(range(10_000))
        got = self.alternate(
            {
                "ours": lambda: ours_per_event(db, count),
                "floor": lambda: raw_per_event(db, f"raw-{next(rounds)}", count),
            },
            self.size.rounds,
        )
        self.rows.append(
            paired(
                "one answer recorded durably (case-log API), ms, vs raw sqlite3 insert + "
                "commit, same pragmas",
                [v * 1000 for v in got["ours"]],
                [v * 1000 for v in got["floor"]],
                Goal(1.5),
            )
        )

    # -- trees ---------------------------------------------------------------------------------

    def validate(self) -> None:
        for nodes in (self.size.small_tree, self.size.big_tree):
            tree = data.tree_file(nodes)
            got = self.alternate(
                {
                    "ours": measure.wall([*self.cli, "validate", str(tree)], cwd=self.tmp),
                    "floor": measure.wall(
                        [PY, str(FLOORS / "yaml_parse.py"), str(tree)], cwd=self.tmp
                    ),
                },
                self.size.rounds,
            )
            goal = Goal(1.5) if nodes == self.size.big_tree else Goal(None)
            self.rows.append(
                paired(
                    f"`validate` of a {nodes:,}-node tree, s, vs PyYAML C loader parse (process)",
                    got["ours"],
                    got["floor"],
                    goal,
                )
            )

    # -- the log -------------------------------------------------------------------------------

    def log_queries(self) -> None:
        from queries import log_rows

        self.rows += log_rows(
            cli=self.cli,
            big=self.log(self.size.big_log),
            small=self.log(self.size.small_log),
            rounds=self.size.log_rounds,
            warm_up=self.size.warm_up,
            cwd=self.tmp,
        )


STAGES = ("help", "first_prompt", "answer_to_next", "validate", "durable_answer", "log_queries")


def table(rows: list[dict[str, Any]]) -> str:
    heads = ("what", "ours", "floor", "ratio", "goal")
    cells = []
    for r in rows:
        met = r["_goal"].met(r["ratio"])
        mark = "" if met is None else (" met" if met else " MISSED")
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        cells.append((r["what"], _num(r["ours"]), _num(r["floor"]), ratio, r["goal"] + mark))
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    return "\n".join(lines)


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, few rounds")
    parser.add_argument("--json", action="store_true", help="a JSON list instead of a table")
    parser.add_argument("--only", action="append", choices=STAGES, help="run only these")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    scratch = Path(tempfile.mkdtemp(prefix="troubleshoot-bench-"))
    try:
        bench = Bench(size, scratch)
        for stage in args.only or STAGES:
            getattr(bench, stage)()
            if not args.json:
                print(f"... {stage} done", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = bench.rows
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "_goal"} for r in rows], indent=2))
    else:
        print(table(rows))


if __name__ == "__main__":
    main()
