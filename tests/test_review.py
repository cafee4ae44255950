"""`diff` and `test --coverage`: what a team lead reviews before publishing a tree change.

The pair of trees in tests/fixtures/review is the bundled login-failure tree (old) and a modified
copy (new): a renamed node, a new branch, a removed choice and a changed outcome.
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

- `escalate-status-page` (escalate)

### Nodes renamed (1)

- `security-check` → `takeover-check`

### Nodes changed (3)

- `check-status`: choices (added status-down)
- `which-browser`: choices (removed edge)
- `route-symptom`: route

### Edges added (1)

- `check-status` (`The status page does not load`) → `escalate-status-page`

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
    assert found["nodes_added"] == ["escalate-status-page"]
    assert found["nodes_removed"] == []
    assert found["nodes_renamed"] == [{"old": "security-check", "new": "takeover-check"}]
    assert found["nodes_changed"] == [
        {"node": "check-status", "keys": ["choices"]},
        {"node": "which-browser", "keys": ["choices"]},
        {"node": "route-symptom", "keys": ["route"]},
    ]
    assert found["edges_added"] == [
        {"from": "check-status", "label": "The status page does not load",
         "to": "escalate-status-page"}
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
    report = lines[lines.index(next(x for x in lines if x.startswith("coverage "))):]
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
