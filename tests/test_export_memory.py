"""Export streams: its peak memory stays flat from 1,000 to 20,000 sessions.

The log is generated through the `CaseLog` API (`bench/make_log.py`); each export runs in its
own process, which reports its peak resident memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SESSIONS = 20_000
EXPORT = """
import resource, sys
from troubleshoot.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    sys.stderr.write(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n")
"""


def _run(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def peak_kib(db: Path, *args: str) -> int:
    err = _run("-c", EXPORT, "--db", str(db), "cases", "export", *args, cwd=db.parent)
    return int(err.rsplit("PEAK ", 1)[1])


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    shm = Path("/dev/shm")  # no fsync per event: the log is made ten times faster
    folder = tmp_path_factory.mktemp("memory")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(os.path.realpath(shm)) / f"troubleshoot-memory-{os.getpid()}"
        folder.mkdir(exist_ok=True)
    db = folder / "cases.db"
    _run(str(REPO / "bench" / "make_log.py"), str(db), str(SESSIONS), "1", cwd=folder)
    yield db
    for file in folder.glob("cases.db*"):
        file.unlink()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_memory_is_flat(big_log: Path, fmt: str) -> None:
    small = peak_kib(big_log, "--format", fmt, "--limit", "1000")
    large = peak_kib(big_log, "--format", fmt, *(["--events"] if fmt == "csv" else []))
    # 20x the sessions: a list of them all would add far more than 25 MB
    assert large < small + 25_000, (small, large)
