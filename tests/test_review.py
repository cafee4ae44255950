"""`diff` and `test --coverage`: what a team lead reviews before publishing a tree change.

The pair of trees in tests/fixtures/review is the bundled login-failure tree (old) and a modified
copy (new): a renamed node (security-check), a new branch (to escalate-operations, from a new
choice and a new route case), a removed choice (Edge) and a changed outcome.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from troubleshoot.cli import app

runner = CliRunner()
REVIEW = Path(__file__).parent / "fixtures" / "review"
OLD = REVIEW / "old" / "login-failure.tree.yaml"
NEW = REVIEW / "new" / "login-failure.tree.yaml"

DIFF = """\
## Tree `login-failure`: revision 1 → 2

### Nodes added (1)

- `escalate-operations` (escalate)

### Nodes renamed (1)

- `security-check` → `takeover-check`

### Nodes changed (3)

- `check-status`: choices (added status-down)
- `which-browser`: choices (removed edge)
- `route-symptom`: route

### Edges added (2)

- `check-status` (`The status page does not load`) → `escalate-operations`
- `route-symptom` (`scope == "others-too"`) → `escalate-operations`

### Outcomes changed (1)

- `lock-expires`: works-as-designed → resolved
"""


def test_diff_reports_the_change_in_terms_of_the_tree() -> None:
    result = runner.invoke(app, ["diff", str(OLD), str(NEW)])
    assert result.exit_code == 0, result.output
    assert result.output == DIFF


def test_diff_as_json() -> None:
    result = runner.invoke(app, ["diff", str(OLD), str(NEW), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["old"]["revision"] == 1 and found["new"]["revision"] == 2
    assert found["nodes_added"] == ["escalate-operations"]
    assert found["nodes_removed"] == []
    assert found["nodes_renamed"] == [{"old": "security-check", "new": "takeover-check"}]
    assert found["nodes_changed"] == [
        {"node": "check-status", "keys": ["choices"]},
        {"node": "which-browser", "keys": ["choices"]},
        {"node": "route-symptom", "keys": ["route"]},
    ]
    assert found["edges_added"] == [
        {
            "from": "check-status",
            "label": "The status page does not load",
            "to": "escalate-operations",
        },
        {"from": "route-symptom", "label": 'scope == "others-too"', "to": "escalate-operations"},
    ]
    assert found["edges_removed"] == []
    assert found["outcomes_changed"] == [
        {"node": "lock-expires", "old": "works-as-designed", "new": "resolved"}
    ]


def test_diff_of_a_tree_with_itself_says_so() -> None:
    result = runner.invoke(app, ["diff", str(OLD), str(OLD)])
    assert result.output.splitlines()[-1] == (
        "No change to nodes, edges, outcomes, escalations or phases."
    )


def test_diff_names_removed_nodes_edges_escalations_and_phases(tmp_path: Path) -> None:
    text = OLD.read_text()
    changed = (
        text.replace("escalate: tier2", "escalate: tier3")
        .replace("escalation: {default: escalate-tier2}", "escalation: {default: escalate-2fa}")
        .replace("  code-basics:\n", "  code-basics:\n    phase: fix\n")
        .replace("      - {label: Text message (SMS), value: sms}\n", "")
    )
    new = tmp_path / "login-failure.tree.yaml"
    new.write_text(changed.replace("$schema=../../../../troubleshoot/tree/", "$schema="))
    result = runner.invoke(app, ["diff", str(OLD), str(new)])
    assert result.exit_code == 0, result.output
    assert "### Escalation targets changed (2)\n\n" in result.output
    assert "- default escalation: escalate-tier2 → escalate-2fa\n" in result.output
    assert "- `escalate-tier2`: tier2 → tier3\n" in result.output
    assert "### Phases moved (1)\n\n- `code-basics`: isolate → fix\n" in result.output
    assert "- `twofa-method`: choices (removed sms)\n" in result.output


def test_diff_of_a_missing_file_is_an_error() -> None:
    result = runner.invoke(app, ["diff", str(OLD), "nowhere.tree.yaml"])
    assert result.exit_code == 1
    assert "Error: no tree file nowhere.tree.yaml" in result.output


# -- test --coverage ----------------------------------------------------------------------------

COVERAGE_SCENARIOS = """\
tree: login-failure
scenarios:
  - name: Locked, someone else tried - account security
    answers: {what-happens: locked, since-when: recently, others-affected: only-them,
              error-shown: no, check-status: "none", which-browser: chrome,
              account-status: locked, security-check: yes}
    expect: {outcome: escalated, end: escalate-security}
  - name: Known incident
    answers: {what-happens: sso, since-when: recently, others-affected: others-too,
              error-shown: no, check-status: incident}
    expect: {outcome: unresolved, end: known-outage}
"""


def test_coverage_lists_what_no_scenario_reaches(tmp_path: Path) -> None:
    (tmp_path / "login-failure.tree.yaml").write_text(OLD.read_text())
    scenarios = tmp_path / "login-failure.scenarios.yaml"
    scenarios.write_text(COVERAGE_SCENARIOS)
    result = runner.invoke(app, ["test", str(scenarios), "--coverage"])
    assert result.exit_code == 1, result.output  # most outcomes are not expected by a scenario
    lines = result.output.splitlines()
    report = lines[lines.index(next(x for x in lines if x.startswith("coverage "))) :]
    assert report[0] == "coverage login-failure: 12/34 nodes, 11/43 edges (30%)"
    assert report[1].startswith("    nodes no scenario reaches: error-message, lock-options,")
    assert "    edge no scenario takes: security-check (no) -> lock-options" in report
    assert "    edge no scenario takes: security-check (yes) -> escalate-security" not in report
    assert "    edge no scenario takes: error-shown (yes) -> error-message" in report
    assert "    edge no scenario takes: error-shown (no) -> restate" not in report
    assert report[-1].endswith(" scenario(s) passed, 1 failed")


def test_min_coverage_fails_under_the_figure() -> None:
    bundled = Path(__file__).parents[1] / "decision_trees" / "wifi-no-internet.scenarios.yaml"
    low = runner.invoke(app, ["test", str(bundled), "--min-coverage", "100"])
    assert low.exit_code == 1
    assert "coverage of wifi-no-internet is under 100%" in low.output
    ok = runner.invoke(app, ["test", str(bundled), "--min-coverage", "50"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[-1].endswith(" scenario(s) passed, 0 failed")


# -- replay -------------------------------------------------------------------------------------

CAPS_LOCK = {
    "what-happens": "wrong-password",
    "since-when": "recently",
    "others-affected": "only-them",
    "error-shown": "yes",
    "error-message": "Incorrect email or password",
    "check-status": "none",
    "which-browser": "chrome",
    "account-status": "active",
    "login-basics": ["yes"],
}
LOCKED = {
    "what-happens": "locked",
    "since-when": "recently",
    "others-affected": "only-them",
    "error-shown": "no",
    "check-status": "none",
    "which-browser": "chrome",
    "account-status": "locked",
    "security-check": "yes",
}
CASES = [
    CAPS_LOCK,  # routes the same
    {**CAPS_LOCK, "others-affected": "others-too"},  # the new route case sends it elsewhere
    {**CAPS_LOCK, "which-browser": "edge"},  # the removed choice
    LOCKED,  # the renamed question
]


def logged_cases(tmp_path: Path) -> tuple[Path, list[str]]:
    """A case log of scripted sessions (`run --answers`) on the old tree; the case ids."""
    import yaml

    from troubleshoot.cases.log import open_case_log
    from troubleshoot.cases.records import SessionFilter

    db = tmp_path / "cases.db"
    for index, answers in enumerate(CASES):
        file = tmp_path / f"answers-{index}.yaml"
        file.write_text(yaml.safe_dump({"answers": answers}))
        result = runner.invoke(
            app,
            [
                "--db",
                str(db),
                "--trees",
                str(OLD.parent),
                "run",
                "login-failure",
                "--answers",
                str(file),
                "--agent",
                "bot",
            ],
        )
        assert result.exit_code == 0, result.output
    with open_case_log(str(db)) as log:
        ids = [s.id for s in reversed(log.list_sessions(SessionFilter()))]
    return db, ids


def test_replay_reports_each_case_on_the_new_revision(tmp_path: Path) -> None:
    db, (same, elsewhere, no_fit, renamed) = logged_cases(tmp_path)
    result = runner.invoke(
        app, ["--db", str(db), "replay", "login-failure", "--tree-file", str(NEW)]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Replaying login-failure cases on revision 2 ({NEW}):\n"
        f"{same}  r1  same       resolved-basics\n"
        f"{elsewhere}  r1  elsewhere  resolved-basics -> escalate-operations\n"
        f"{no_fit}  r1  stops      at which-browser: the stored answer 'Edge' no longer fits: "
        "'edge' is not one of the choices (chrome, safari, firefox, ios-app, android-app)\n"
        f"{renamed}  r1  stops      at takeover-check: a question the case never answered "
        "('security-check' is no longer in the tree)\n"
        "4 case(s): 1 the same, 1 end elsewhere, 2 stop\n"
    )


def test_replay_as_json_and_with_filters(tmp_path: Path) -> None:
    import json as json_module

    db, ids = logged_cases(tmp_path)
    base = ["--db", str(db), "replay", "login-failure", "--tree-file", str(NEW)]
    found = json_module.loads(runner.invoke(app, [*base, "--format", "json"]).output)
    assert (found["tree"], found["revision"]) == ("login-failure", 2)
    assert [(c["case"], c["verdict"], c["old"], c["new"]) for c in found["cases"]] == [
        (ids[0], "same", "resolved-basics", "resolved-basics"),
        (ids[1], "elsewhere", "resolved-basics", "escalate-operations"),
        (ids[2], "stops", "resolved-basics", "which-browser"),
        (ids[3], "stops", "escalate-security", "takeover-check"),
    ]
    assert found["summary"] == "4 case(s): 1 the same, 1 end elsewhere, 2 stop"
    none = runner.invoke(app, [*base, "--revision", "2"])
    assert none.output.splitlines()[-1] == "0 case(s): 0 the same, 0 end elsewhere, 0 stop"
    later = runner.invoke(app, [*base, "--since", "2999-01-01"])
    assert later.output.splitlines()[-1] == "0 case(s): 0 the same, 0 end elsewhere, 0 stop"
    bad = runner.invoke(app, [*base, "--since", "yesterday"])
    assert bad.exit_code == 1
    assert "Error: --since 'yesterday': give a date as YYYY-MM-DD" in bad.output


def test_diff_reads_a_revision_from_the_case_log(tmp_path: Path) -> None:
    db, _ = logged_cases(tmp_path)
    result = runner.invoke(app, ["--db", str(db), "diff", "login-failure@1", str(NEW)])
    assert result.exit_code == 0, result.output
    assert result.output == DIFF
    missing = runner.invoke(app, ["--db", str(db), "diff", "login-failure@2", str(NEW)])
    assert missing.exit_code == 1
    assert (
        f"Error: no case in {db} ran on revision 2 of 'login-failure' (revisions in the log: 1)"
        in missing.output
    )
