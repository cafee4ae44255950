"""The hooks in .pre-commit-hooks.yaml, run by the real `pre-commit` on a throwaway tree repo.

The hooks are published with `language: python` (pre-commit installs troubleshoot for them).
To stay offline, the test runs the very same hook definitions as a `repo: local` config with
`language: system`, which uses the troubleshoot installed beside the test's Python.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _tree_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["troubleshoot-validate", "troubleshoot-test"]
    local = [{**hook, "language": "system"} for hook in hooks]
    repo = tmp_path / "trees"
    repo.mkdir()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "TROUBLESHOOT_DB": str(tmp_path / "cases.db"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    config = {"repos": [{"repo": "local", "hooks": local}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    assert _run(repo, env, "git", "init", "-q").returncode == 0
    made = _run(repo, env, sys.executable, "-m", "troubleshoot", "new", "printer-offline")
    assert made.returncode == 0, made.stderr
    assert _run(repo, env, "git", "add", "-A").returncode == 0
    return repo, env


def test_the_hooks_pass_on_good_trees_and_stop_a_commit_of_a_broken_one(tmp_path: Path) -> None:
    repo, env = _tree_repo(tmp_path)
    pre_commit = [sys.executable, "-m", "pre_commit"]
    good = _run(repo, env, *pre_commit, "run", "--all-files")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "validate decision trees" in good.stdout
    assert "run tree scenarios" in good.stdout

    installed = _run(repo, env, *pre_commit, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    tree = repo / "printer-offline.tree.yaml"
    tree.write_text(tree.read_text().replace("next: reproduce\n", "next: reproduse\n"))
    _run(repo, env, "git", "add", "-A")
    commit = _run(repo, env, "git", "commit", "-q", "-m", "typo")
    assert commit.returncode != 0
    shown = commit.stdout + commit.stderr  # git hooks print to stderr
    assert "printer-offline.tree.yaml:23:11: unknown node 'reproduse'; did you mean " in shown
    assert _run(repo, env, "git", "rev-parse", "HEAD").returncode != 0  # nothing committed


def test_the_readme_sample_config_names_the_published_hooks() -> None:
    import re

    readme = (REPO / "README.md").read_text()
    sample = re.search(r"```yaml\n(repos:.*?)```", readme, re.S)
    assert sample, "README has no sample .pre-commit-config.yaml"
    config = yaml.safe_load(sample.group(1))
    published = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert {h["id"] for h in config["repos"][0]["hooks"]} == published
