"""`troubleshoot test`: scenarios pass, and a wrong one fails with a readable diff."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from troubleshoot.cli import app

TREES = Path(__file__).parent / "fixtures" / "trees"
runner = CliRunner()


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def scenario(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "trees"
    folder.mkdir(exist_ok=True)
    for tree in TREES.rglob("*.tree.yaml"):
        target = folder / tree.relative_to(TREES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(tree.read_text())
    return write(folder / "engine-demo.scenarios.yaml", body)


GOOD = """\
scenarios:
  - name: second basic fixes it
    answers: {device: laptop, seen-before: no, net.reachable: yes, basics: [no, yes]}
    expect:
      outcome: resolved
      end: fixed
      fixed_by: Log out and in
      path: [device, seen-before, check-net, net.reachable, net.online, basics, fixed]
  - name: offline
    answers: {device: laptop, seen-before: no, net.reachable: no}
    expect: {outcome: works-as-designed}
  - name: escalated after two attempts
    answers: {device: laptop, seen-before: no, net.reachable: yes, basics: no,
              fix-settings: [no, no]}
    expect: {outcome: escalated, end: escalate-tier2}
"""


def test_passing_scenarios(tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(scenario(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "3 scenario(s) passed, 0 failed"


def test_wrong_path_and_outcome_show_a_diff(tmp_path: Path) -> None:
    bad = GOOD.replace("outcome: resolved", "outcome: workaround").replace(
        "basics, fixed]", "fixed]"
    )
    result = runner.invoke(app, ["test", str(scenario(tmp_path, bad))])
    assert result.exit_code == 1
    assert "FAIL" in result.output and ":: second basic fixes it" in result.output
    assert "outcome: expected workaround, got resolved" in result.output
    assert "path differs:" in result.output and "+basics" in result.output
    assert "no scenario expects the outcome(s): resolved" in result.output
    assert result.output.splitlines()[-1] == "2 scenario(s) passed, 2 failed"


def test_missing_answer_and_misspelt_node(tmp_path: Path) -> None:
    body = """\
scenarios:
  - name: missing
    answers: {device: laptop}
    expect: {outcome: resolved}
  - name: typo
    answers: {devise: laptop}
    expect: {outcome: resolved}
"""
    result = runner.invoke(app, ["test", str(scenario(tmp_path, body))])
    assert result.exit_code == 1
    assert "no answer for 'seen-before' ('Seen this before?')" in result.output
    assert (
        "'devise' is not a node of the tree 'engine-demo'; did you mean 'device'?" in result.output
    )
    assert "no scenario expects the outcome(s): works-as-designed, escalated" in result.output


def test_a_library_is_tested_from_its_entries(tmp_path: Path) -> None:
    scenario(tmp_path, GOOD)
    library = write(
        tmp_path / "trees" / "lib" / "checks.scenarios.yaml",
        """\
scenarios:
  - name: online
    start: reachable
    answers: {reachable: yes}
    expect: {outcome: returned, end: online, variables: {online: true}}
  - name: no entry given
    answers: {reachable: no}
    expect: {outcome: returned}
""",
    )
    result = runner.invoke(app, ["test", str(library)])
    assert result.exit_code == 1
    assert "PASS" in result.output and ":: online" in result.output
    assert (
        "'checks' is a library of sub-trees: give the scenario 'start: <entry node>'"
        in result.output
    )
    assert "no scenario ends at the return node(s): not-online" in result.output


REPLY = """\
scenarios:
  - name: the reply names the fix
    answers: {device: laptop, seen-before: no, net.reachable: yes, basics: [no, yes]}
    expect:
      outcome: resolved
      reply_contains: [we fixed it, LOG OUT AND IN, "log  out\n  and in"]
      reply_excludes: [Restart the app]
      summary_contains: Fixed on laptop
      summary_excludes: [phone]
"""


def test_reply_and_summary_are_checked_as_rendered(tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(scenario(tmp_path, REPLY))])
    passed = [line for line in result.output.splitlines() if line.startswith("PASS")]
    assert [line.split(" :: ")[1] for line in passed] == ["the reply names the fix"]


def test_a_wrong_reply_says_which_text_and_shows_the_reply(tmp_path: Path) -> None:
    bad = (
        REPLY.replace("[we fixed it, LOG OUT AND IN", "[we fixed it, Clear the cache")
        .replace("[Restart the app]", "[seen 1 time]")
        .replace("summary_excludes: [phone]", "summary_excludes: [laptop]")
    )
    result = runner.invoke(app, ["test", str(scenario(tmp_path, bad))])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "reply_contains: 'Clear the cache' missing from the reply" in result.output
    assert "reply_excludes: 'seen 1 time' present in the reply" in result.output
    assert "summary_excludes: 'laptop' present in the summary" in result.output
    shown = lines.index(next(line for line in lines if line.strip() == "the reply was:"))
    assert lines[shown + 1].strip() == "| We fixed it: Log out and in. Seen 1 time(s)."
    assert "we fixed it' missing" not in result.output


def test_an_escalation_reply_is_checked_too(tmp_path: Path) -> None:
    body = """\
scenarios:
  - name: escalated
    answers: {device: laptop, seen-before: no, net.reachable: yes, basics: no,
              fix-settings: [no, no]}
    expect: {outcome: escalated, reply_contains: [anything], summary_contains: [tier2]}
"""
    result = runner.invoke(app, ["test", str(scenario(tmp_path, body))])
    assert "reply_contains: 'anything' missing from the reply" in result.output
    assert "(empty)" in result.output
    assert "summary_contains" not in result.output


def test_misspelt_or_malformed_text_checks_are_located(tmp_path: Path) -> None:
    body = """\
scenarios:
  - name: misspelt
    answers: {device: laptop}
    expect: {outcome: resolved, reply_contain: [x]}
  - name: malformed
    answers: {device: laptop}
    expect: {outcome: resolved, reply_excludes: {x: y}}
"""
    result = runner.invoke(app, ["test", str(scenario(tmp_path, body))])
    assert result.exit_code == 1
    assert (
        "line 2: unknown expectation 'reply_contain' (did you mean 'reply_contains'?)"
        in result.output
    )
    assert "line 5: 'reply_excludes' takes a text or a list of texts" in result.output
