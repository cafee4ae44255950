"""`troubleshoot validate`, `trees`, `show` and `--version`, run as a team lead runs them.

Every file in tests/broken_trees/ holds one deliberate mistake; its first line says where the
problem must be reported and what the message must say:

    # expect: LINE:COL: SUBSTRING
    # expect: other/file.tree.yaml:LINE:COL: SUBSTRING   (a problem reported in an imported file)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BROKEN = TESTS / "broken_trees"
GOOD = TESTS / "good_trees"
BUNDLED = REPO / "decision_trees"

EXPECT = re.compile(
    r"^# expect: (?:(?P<file>\S+\.yaml):)?(?P<line>\d+):(?P<col>\d+): (?P<text>.+)$"
)

# Mistakes the loader gets wrong today; each case must keep failing until the loader is fixed.
KNOWN_BUGS: dict[str, str] = {}


@dataclass(frozen=True)
class Expected:
    file: Path
    line: int
    col: int
    text: str


def expectations(tree_file: Path) -> list[Expected]:
    head = tree_file.read_bytes().decode("utf-8", errors="replace").split("\n")[:2]
    found = []
    for line in head:
        match = EXPECT.match(line)
        if match:
            where = BROKEN / match["file"] if match["file"] else tree_file
            found.append(Expected(where, int(match["line"]), int(match["col"]), match["text"]))
    return found


def broken_cases() -> list[Any]:
    cases = []
    for path in sorted(BROKEN.glob("*.tree.yaml")):
        case_id = path.name.removesuffix(".tree.yaml")
        marks = (
            [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case_id])]
            if case_id in KNOWN_BUGS
            else []
        )
        cases.append(pytest.param(path, id=case_id, marks=marks))
    return cases


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TROUBLESHOOT_TREES", None)
    env.update(
        {
            "TROUBLESHOOT_DB": str(tmp_path / "cases.db"),
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return env


def troubleshoot(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the real command line; no command may ever show a traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "troubleshoot", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=cli_env(tmp_path),
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    return result


# -- every broken tree is caught, at the right place, with a useful message --------------------


def test_there_are_enough_broken_trees_each_with_an_expectation() -> None:
    files = sorted(BROKEN.glob("*.tree.yaml"))
    assert len(files) >= 30
    for path in files:
        assert expectations(path), f"{path.name} has no '# expect: LINE:COL: TEXT' first line"


@pytest.mark.parametrize("tree_file", broken_cases())
def test_broken_tree_is_reported_where_the_mistake_is(tree_file: Path, tmp_path: Path) -> None:
    result = troubleshoot(tmp_path, "validate", "--format", "json", tree_file)

    report = json.loads(result.stdout)
    assert result.returncode == 1, report
    assert report["errors"] >= 1
    assert report["files"] == [str(tree_file)]
    # One problem per line: `path:line:col: message` must stay parseable.
    assert all("\n" not in p["message"] for p in report["problems"])
    for want in expectations(tree_file):
        matching = [
            p
            for p in report["problems"]
            if Path(p["path"]).resolve() == want.file.resolve()
            and (p["line"], p["col"]) == (want.line, want.col)
            and want.text in p["message"]
        ]
        assert matching, (
            f"expected {want.file.name}:{want.line}:{want.col}: ...{want.text}..., got:\n"
            + "\n".join(
                f"{p['path']}:{p['line']}:{p['col']}: {p['message']}" for p in report["problems"]
            )
        )
        assert all(p["severity"] == "error" for p in matching)


def test_validating_the_broken_folder_checks_every_file(tmp_path: Path) -> None:
    result = troubleshoot(tmp_path, "validate", "--format", "json", BROKEN)

    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert sorted(report["files"]) == sorted(str(p) for p in BROKEN.rglob("*.tree.yaml"))
    flagged = {Path(p["path"]).name for p in report["problems"]}
    assert len(flagged) >= 30


# -- text output --------------------------------------------------------------------------------


def test_text_output_is_one_path_line_col_message_line_per_problem(tmp_path: Path) -> None:
    tree_file = "tests/broken_trees/unknown-next-target.tree.yaml"

    result = troubleshoot(tmp_path, "validate", tree_file)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tree_file}:9:11: unknown node 'chek-cable'; did you mean 'check-cable'?"
    ]
    assert result.stderr.strip() == "1 file(s) checked: 1 error(s), 0 warning(s)"


def test_warnings_are_marked_in_text_output(tmp_path: Path) -> None:
    tree_file = "tests/good_trees/one-item-try.tree.yaml"

    result = troubleshoot(tmp_path, "validate", tree_file)

    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"{tree_file}:8:3: warning: try 'basics' lists one item: use a 'fix' node, or list the "
        "basics to try one at a time"
    ]
    assert result.stderr.strip() == "1 file(s) checked: 0 error(s), 1 warning(s)"


def test_bundled_trees_validate_clean(tmp_path: Path) -> None:
    count = len(list(BUNDLED.rglob("*.tree.yaml")))

    result = troubleshoot(tmp_path, "validate", "decision_trees/")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{count} file(s) checked: ok"


def test_strict_fails_on_a_tree_with_only_warnings(tmp_path: Path) -> None:
    tree_file = GOOD / "one-item-try.tree.yaml"

    lenient = troubleshoot(tmp_path, "validate", "--format", "json", tree_file)
    strict = troubleshoot(tmp_path, "validate", "--strict", "--format", "json", tree_file)

    assert lenient.returncode == 0
    assert strict.returncode == 1
    for result in (lenient, strict):
        report = json.loads(result.stdout)
        assert (report["errors"], report["warnings"]) == (0, 1)
        assert report["problems"][0]["severity"] == "warning"


def test_yes_no_on_off_labels_stay_text(tmp_path: Path) -> None:
    tree_file = GOOD / "yes-no-labels.tree.yaml"

    checked = troubleshoot(tmp_path, "validate", tree_file)
    shown = troubleshoot(tmp_path, "show", tree_file)

    assert checked.returncode == 0
    assert checked.stdout.strip() == "1 file(s) checked: ok"
    assert shown.returncode == 0
    lines = [line.strip(" │├└─") for line in shown.stdout.splitlines()]
    for label_line in (
        "Yes -> fixed",
        "No -> power-switch",
        "on -> escalate-tier2",
        "off -> fixed",
        "Y -> escalate-tier2",
    ):
        assert label_line in lines
    assert "True" not in shown.stdout and "False" not in shown.stdout


def test_yes_no_answers_pick_the_yes_no_choices(tmp_path: Path) -> None:
    trees = tmp_path / "trees"
    trees.mkdir()
    shutil.copy(GOOD / "yes-no-labels.tree.yaml", trees)
    (trees / "yes-no-labels.scenarios.yaml").write_text(
        "scenarios:\n"
        "  - name: the power light is on\n"
        "    answers: {light-on: yes}\n"
        "    expect: {outcome: resolved, end: fixed}\n"
        "  - name: the light is off and the switch is on\n"
        "    answers: {light-on: no, power-switch: on}\n"
        "    expect: {outcome: escalated, path: [light-on, power-switch, escalate-tier2]}\n"
    )

    result = troubleshoot(tmp_path, "--trees", trees, "test", trees)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 scenario(s) passed, 0 failed" in result.stdout


# -- trees, show, --version ---------------------------------------------------------------------


def test_trees_lists_the_bundled_trees_but_not_libraries(tmp_path: Path) -> None:
    result = troubleshoot(tmp_path, "trees", "--format", "json")

    assert result.returncode == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert {"login-failure", "wifi-no-internet", "double-charge"} <= rows.keys()
    assert "network-basics" not in rows
    assert rows["double-charge"]["title"] == "Unexpected or double charge"
    assert rows["double-charge"]["phases"] == ["diagnose", "isolate", "fix"]
    assert all(row["problems"] == "" for row in rows.values())


def test_show_prints_the_title_and_the_phases(tmp_path: Path) -> None:
    result = troubleshoot(tmp_path, "show", "double-charge")

    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Unexpected or double charge")
    text = (BUNDLED / "double-charge.tree.yaml").read_text(encoding="utf-8")
    revision = re.search(r"^revision: (\d+)$", text, re.M)
    assert revision and f"(double-charge, revision {revision.group(1)})" in lines[0]
    phases = [line.strip(" │├└─") for line in lines if re.match(r"^[├└]── \w", line)]
    assert phases == ["Diagnose", "Isolate", "Fix"]


def test_version(tmp_path: Path) -> None:
    result = troubleshoot(tmp_path, "--version")

    assert result.returncode == 0
    assert result.stdout == "troubleshoot 0.1.0\n"


def test_unknown_tree_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    result = troubleshoot(tmp_path, "show", "double-charges")

    assert result.returncode == 1
    assert result.stderr == (
        "Error: no tree 'double-charges'; did you mean 'double-charge'? "
        "('troubleshoot trees' lists the trees you can run)\n"
    )


# -- the --trees search path -----------------------------------------------------------------


@pytest.fixture()
def same_id_twice(tmp_path: Path) -> Path:
    folder = tmp_path / "team-trees"
    for sub in ("printers", "old"):
        (folder / sub).mkdir(parents=True)
        shutil.copy(GOOD / "one-item-try.tree.yaml", folder / sub)
    return folder


def test_a_tree_id_found_twice_in_one_folder_names_both_files(
    tmp_path: Path, same_id_twice: Path
) -> None:
    for args in (("trees",), ("show", "one-item-try")):
        result = troubleshoot(tmp_path, "--trees", same_id_twice, *args)

        assert result.returncode == 1
        assert result.stderr.startswith("Error: two trees have the id 'one-item-try'")
        assert str(same_id_twice / "printers" / "one-item-try.tree.yaml") in result.stderr
        assert str(same_id_twice / "old" / "one-item-try.tree.yaml") in result.stderr


def test_validate_reports_a_tree_id_found_twice_in_one_folder(
    tmp_path: Path, same_id_twice: Path
) -> None:
    result = troubleshoot(tmp_path, "validate", same_id_twice)

    assert result.returncode == 1
    assert "one-item-try" in result.stdout + result.stderr


def test_trees_folder_overrides_a_bundled_tree_of_the_same_id(tmp_path: Path) -> None:
    team = tmp_path / "team-trees"
    team.mkdir()
    text = (BUNDLED / "double-charge.tree.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Unexpected or double charge", "title: Charged twice (team copy)")
    (team / "double-charge.tree.yaml").write_text(text, encoding="utf-8")

    listed = troubleshoot(tmp_path, "--trees", team, "trees", "--format", "json")
    shown = troubleshoot(tmp_path, "--trees", team, "show", "double-charge")

    assert listed.returncode == 0
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert rows["double-charge"]["title"] == "Charged twice (team copy)"
    assert rows["double-charge"]["file"] == str(team / "double-charge.tree.yaml")
    assert rows["wifi-no-internet"]["file"] == str(BUNDLED / "wifi-no-internet.tree.yaml")
    assert shown.returncode == 0
    assert shown.stdout.startswith("Charged twice (team copy)")
