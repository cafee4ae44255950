"""The bundled trees travel in the wheel and are found there, as from a source checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("troubleshoot-*.whl"))


def test_wheel_holds_every_bundled_tree(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for tree in (ROOT / "decision_trees").rglob("*.yaml"):
        rel = tree.relative_to(ROOT / "decision_trees").as_posix()
        assert f"troubleshoot/_trees/{rel}" in names


def test_trees_are_found_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "trees", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(out.stdout)
    assert {"login-failure", "wifi-no-internet", "double-charge"} <= {r["id"] for r in rows}
    assert all(str(site / "troubleshoot" / "_trees") in r["file"] for r in rows)
    check = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "validate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_editable_checkout_finds_decision_trees() -> None:
    from troubleshoot.paths import bundled_trees

    assert bundled_trees() == ROOT / "decision_trees"
