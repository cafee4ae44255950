"""Measuring pairs fairly: alternate the runs of ours and its floors, report the median ratio."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

Probe = Callable[[], float]


def alternate(
    probes: dict[str, Probe], rounds: int, *, warm_up: bool = True
) -> dict[str, list[float]]:
    """Run every probe once per round, the order rotated each round; all values per probe."""
    names = list(probes)
    values: dict[str, list[float]] = {name: [] for name in names}
    if warm_up:  # one warm-up round, not counted (disk cache, .pyc files)
        for name in names:
            probes[name]()
    for turn in range(rounds):
        shift = turn % len(names)
        for name in names[shift:] + names[:shift]:
            values[name].append(probes[name]())
    return values


def ratio(ours: list[float], floor: list[float]) -> float:
    """The median of the per-round ratios (each round ran both close together)."""
    return statistics.median(o / f for o, f in zip(ours, floor, strict=True))


def wall(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Probe:
    """Seconds one run of `argv` takes (output discarded; a failure stops the benchmark)."""

    def probe() -> float:
        start = time.perf_counter()
        done = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode()[-1000:]}")
        return elapsed

    return probe


def peak_rss_mib(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Probe:
    """The peak resident memory (MiB) of one run of `argv`."""

    def probe() -> float:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed with exit code {proc.returncode}")
        return usage.ru_maxrss / 1024

    return probe


def available(argv: list[str], *, cwd: Path) -> bool:
    """Whether a command exists (its --help succeeds)."""
    done = subprocess.run([*argv, "--help"], cwd=cwd, capture_output=True, check=False)
    return done.returncode == 0
