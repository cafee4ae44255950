"""`--help` and `--version` stay fast: the heavy libraries are only imported by the commands
that need them (prompts, the case database, templates)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = {"questionary", "sqlite_utils", "jinja2", "prompt_toolkit", "psycopg"}


def imported_modules(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``python -X importtime -m troubleshoot ARGS``; the top-level packages it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "troubleshoot", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                modules.add(name.split(".")[0])
    return result, modules


def test_importtime_output_is_understood() -> None:
    # Guards the parsing below: if it found nothing, the real tests would pass vacuously.
    _, modules = imported_modules("--version")

    assert {"troubleshoot", "typer"} <= modules


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"]], ids=" ".join)
def test_help_and_version_do_not_import_heavy_libraries(args: list[str]) -> None:
    result, modules = imported_modules(*args)

    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    expected = "troubleshoot 0.1.0" if args == ["--version"] else "validate"
    assert expected in result.stdout
    assert not modules & HEAVY, f"{' '.join(args)} imported {sorted(modules & HEAVY)}"
