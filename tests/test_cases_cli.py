"""`troubleshoot cases ...` and `troubleshoot stats` over a log made by real scripted sessions.

The log is built once per module by running `troubleshoot run TREE --answers FILE` on a small
tree; each test reads it as an agent, a lead or another program would: short output exactly,
long output parsed (JSON, CSV).
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from typer.testing import CliRunner, Result

from troubleshoot.cases.log import open_case_log
from troubleshoot.cases.records import Intake
from troubleshoot.cli import app
from troubleshoot.cli.output import console
from troubleshoot.errors import Paused
from troubleshoot.session.prompts import Action, Give, Pause, Prompter
from troubleshoot.session.runner import Runner
from troubleshoot.session.step import Step
from troubleshoot.tree.loader import load_tree

runner = CliRunner()
BACKENDS = ["sqlite", "postgresql"]  # as `tests/conftest.py`: each test runs on each
ENDED = re.compile(r"^Session (\S+) (?:closed:|escalated to )", re.M)
FORMULA = '=HYPERLINK("http://x","y")'
MARKUP = "[bold red]boom[/] {{ 7*7 }}"
TREE = """\
format: 1
id: cases-demo
title: Cases demo
revision: 1
start: symptom
nodes:
  symptom:
    phase: diagnose
    ask: What does the screen say?
    type: text
    save_as: symptom
    next: basics
  basics:
    phase: fix
    try: [Restart the app, Log out and in, Clear the cache]
    verify: Does it work now?
    on_fixed: fixed
    on_not_fixed: tier2
  fixed:
    resolve: "Fixed by {{ last_fix }}"
    outcome: resolved
    reply: "Hello,\\nWe fixed it: {{ last_fix }}."
    follow_up: 2d
  tier2:
    escalate: tier2
    reason: "Nothing on the list worked"
"""


@dataclass
class Log:
    db: Path
    """An SQLite file, or beside it (its folder holds the answers files) when `url` is set."""
    trees: Path
    ids: dict[str, str]
    url: str | None = None
    """A PostgreSQL database instead of the SQLite file."""

    @property
    def target(self) -> str:
        return self.url or str(self.db)

    def cli(self, *args: str) -> Result:
        return runner.invoke(app, ["--db", self.target, "--trees", str(self.trees), *args])

    def ok(self, *args: str) -> str:
        result = self.cli(*args)
        assert result.exit_code == 0, result.output
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--format", "json"))


def run_case(log: Log, name: str, *, answers: dict[str, Any], **fields: Any) -> None:
    file = log.db.parent / f"{name}.yaml"
    agent = fields.pop("agent", "ann")
    wrapup = fields.pop("wrapup", {})
    data = {"intake": fields, "answers": answers, "wrapup": wrapup}
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = log.cli("run", "cases-demo", "--answers", str(file), "--agent", agent)
    found = ENDED.search(result.stdout)
    assert found, result.output
    log.ids[name] = found.group(1)


class PauseAtTry:
    """A prompter that answers the first question and pauses at the try list."""

    def ask_intake(self, name: str, so_far: Intake) -> str:
        return {"ticket": "T-5", "customer": "half way there"}.get(name, "")

    def show_intake(self, intake: Intake) -> None:
        pass

    def show_similar(self, cases: list[Any]) -> None:
        pass

    def ask(self, step: Step, frame: Any) -> Action:
        return Pause() if step.node.id == "basics" else Give("half way")


def pause_case(log: Log) -> None:
    tree = load_tree(log.trees / "cases-demo.tree.yaml", log.trees)
    with open_case_log(log.target) as case_log:
        prompter = cast("Prompter", PauseAtTry())
        walk = Runner(tree=tree, case_log=case_log, prompter=prompter, agent="ann")
        with pytest.raises(Paused) as paused:
            walk.run(Intake())
    log.ids["paused"] = paused.value.session_id


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tables as wide as a real terminal (the console is made once per process)."""
    monkeypatch.setenv("COLUMNS", "200")
    console.cache_clear()
    yield
    console.cache_clear()


@pytest.fixture(scope="module", params=BACKENDS)
def log(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Log]:
    """One case log of real scripted sessions, on each backend in turn."""
    tmp = tmp_path_factory.mktemp("cases")
    (tmp / "trees").mkdir()
    (tmp / "trees" / "cases-demo.tree.yaml").write_text(TREE, encoding="utf-8")
    server = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    url = server.new_database() if server is not None else None
    log = Log(tmp / "cases.db", tmp / "trees", {}, url)
    run_case(
        log,
        "formula",
        answers={"symptom": FORMULA, "basics": [False, True]},
        ticket="T-1",
        customer="The app crashes when I open the printer settings",
        wrapup={"note": MARKUP, "follow_up": "2000-01-01", "satisfaction": 4},
    )
    run_case(
        log,
        "printer",
        answers={"symptom": "Error 42", "basics": [False, True]},
        ticket="T-2",
        customer="Printer settings crash the app again",
        agent="bob",
        wrapup={"satisfaction": 2},
    )
    run_case(log, "start", answers={"symptom": "blank", "basics": [False, True]}, ticket="T-3")
    run_case(
        log,
        "escalated",
        answers={"symptom": "nothing", "basics": [False, False, False]},
        ticket="T-4",
        customer="Nothing works, call me on +44 20 7946 0958 or mail jo@example.com",
    )
    pause_case(log)
    yield log
    if server is not None and url is not None:
        server.drop_database(url)


# -- list ---------------------------------------------------------------------------------------


def test_list_is_newest_first_with_every_filter(log: Log) -> None:
    listed = log.json("cases", "list")
    order = ["paused", "escalated", "start", "printer", "formula"]
    assert [c["id"] for c in listed] == [log.ids[n] for n in order]
    assert [c["status"] for c in listed] == [
        "paused",
        "escalated",
        "resolved",
        "resolved",
        "resolved",
    ]
    assert [c["id"] for c in log.json("cases", "list", "--status", "escalated")] == [
        log.ids["escalated"]
    ]
    assert [c["ticket"] for c in log.json("cases", "list", "--agent", "bob")] == ["T-2"]
    assert [c["ticket"] for c in log.json("cases", "list", "--ticket", "T-3")] == ["T-3"]
    assert len(log.json("cases", "list", "--tree", "cases-demo", "--limit", "2")) == 2
    today = listed[0]["started"][:10]
    assert len(log.json("cases", "list", "--since", today, "--until", today)) == 5
    assert log.json("cases", "list", "--until", "2000-01-01") == []
    assert log.ok("cases", "list", "--tree", "no-such-tree") == "No cases match.\n"


def test_list_table_shows_each_case(log: Log) -> None:
    out = log.ok("cases", "list")
    for name in ("formula", "escalated", "paused"):
        assert log.ids[name] in out
    assert out.count("cases-demo@1") == 5


def test_a_bad_date_is_a_clear_error(log: Log) -> None:
    result = log.cli("cases", "list", "--since", "last week")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --since 'last week' is not a date: use YYYY-MM-DD (or YYYY-MM-DDTHH:MM)\n"
    )


# -- show ---------------------------------------------------------------------------------------


def export_objects(log: Log, *args: str) -> list[dict[str, Any]]:
    data = json.loads(log.ok("cases", "export", "--format", "json", *args))
    assert isinstance(data, list)
    return data


def test_show_json_equals_the_exported_object(log: Log) -> None:
    exported = {c["id"]: c for c in export_objects(log)}
    for case_id in log.ids.values():
        assert log.json("cases", "show", case_id) == exported[case_id]
    shown = exported[log.ids["formula"]]
    answers = [e for e in shown["events"] if e["kind"] == "answer"]
    assert answers[0]["answer"] == FORMULA  # exact in JSON
    assert shown["note"] == MARKUP
    assert shown["follow_up"] == "2000-01-01"
    assert shown["satisfaction"] == 4


def test_show_accepts_a_unique_prefix_and_the_random_tail(log: Log) -> None:
    case_id = log.ids["escalated"]
    tail = case_id.rsplit("-", 1)[1]
    assert log.json("cases", "show", tail)["id"] == case_id
    if len({i.rsplit("-", 1)[1][:3] for i in log.ids.values()}) == len(log.ids):
        assert log.json("cases", "show", case_id[:-1])["id"] == case_id
    result = log.cli("cases", "show", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no session 'nope'")


def test_show_reply_is_only_the_plain_reply(log: Log) -> None:
    assert log.ok("cases", "show", log.ids["printer"], "--reply") == (
        "Hello,\nWe fixed it: Log out and in.\n"
    )
    result = log.cli("cases", "show", log.ids["paused"], "--reply")
    assert result.exit_code == 1
    assert result.stderr == f"Error: case {log.ids['paused']} has no reply draft\n"


def test_show_tells_the_whole_case_with_labels_and_literal_markup(log: Log) -> None:
    out = log.ok("cases", "show", log.ids["formula"])
    lines = [line.strip() for line in out.splitlines()]
    assert f"What does the screen say? -> {FORMULA}" in lines
    assert "Restart the app: Does it work now? -> no" in lines
    assert "Log out and in: Does it work now? -> yes" in lines
    assert f"Wrap-up by ann: {MARKUP}" in lines
    assert "[bold red]" in out and "{{ 7*7 }}" in out  # markup and Jinja shown, not run
    for heading in ("Diagnose", "Fix", "Fixes tried", "Time per phase", "Reply draft"):
        assert heading in out


def test_escalated_case_shows_the_hand_off(log: Log) -> None:
    out = log.ok("cases", "show", log.ids["escalated"], "--format", "md")
    assert "- **Escalated to:** tier2" in out
    assert "- **Escalation reason:** Nothing on the list worked" in out
    assert "- Clear the cache: did not fix it" in out


def test_markdown_report_escapes_markup(log: Log) -> None:
    out = log.ok("cases", "show", log.ids["formula"], "--format", "md")
    assert out.startswith(f"# Case {log.ids['formula']}\n")
    assert "## Path" in out and "### Diagnose" in out and "### Fix" in out
    assert "\\[bold red\\]boom\\[/\\] \\{\\{ 7\\*7 \\}\\}" in out
    assert "## Reply draft" in out


def test_show_reads_the_stored_tree_after_the_file_changed_or_went(log: Log) -> None:
    file = log.trees / "cases-demo.tree.yaml"
    before = log.ok("cases", "show", log.ids["printer"], "--format", "md")
    try:
        file.write_text(TREE.replace("revision: 1", "revision: 2").replace("fix", "isolate"))
        assert log.ok("cases", "show", log.ids["printer"], "--format", "md") == before
        file.unlink()
        assert log.ok("cases", "show", log.ids["printer"], "--format", "md") == before
    finally:
        file.write_text(TREE, encoding="utf-8")


# -- search -------------------------------------------------------------------------------------


def test_search_ranks_and_highlights(log: Log) -> None:
    hits = log.json("cases", "search", "printer")
    assert {h["id"] for h in hits} == {log.ids["formula"], log.ids["printer"]}
    assert all(m.lower() == "printer" for h in hits for m in h["matches"])
    assert all(h["rank"] <= hits[-1]["rank"] for h in hits)
    # answers are searched too, with their filters
    assert [h["id"] for h in log.json("cases", "search", '"Error 42"')] == [log.ids["printer"]]
    assert log.json("cases", "search", "printer", "--agent", "carol") == []
    assert log.ok("cases", "search", "zebra") == "No cases match.\n"


def test_search_snippets_show_markup_literally(log: Log) -> None:
    out = log.ok("cases", "search", "boom")
    assert log.ids["formula"] in out
    assert "[bold red]boom[/]" in out
    assert out.endswith("Open one with: troubleshoot cases show ID\n")


def test_search_syntax_error_is_explained(log: Log) -> None:
    result = log.cli("cases", "search", 'printer AND ("')
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot search for 'printer AND (\"'")
    assert "Traceback" not in result.output


# -- export -------------------------------------------------------------------------------------


def test_csv_has_one_row_per_session_and_neutralises_formulas(log: Log) -> None:
    rows = list(csv.DictReader(io.StringIO(log.ok("cases", "export"))))
    assert [r["id"] for r in rows] == [c["id"] for c in log.json("cases", "list")]
    events = list(csv.DictReader(io.StringIO(log.ok("cases", "export", "--events"))))
    exported = export_objects(log)
    assert len(events) == sum(len(c["events"]) for c in exported)
    answers = [e["answer"] for e in events if e["session_id"] == log.ids["formula"]]
    assert "'" + FORMULA in answers
    assert FORMULA not in answers
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in events for cell in row.values()
    )


def test_jsonl_and_markdown_exports(log: Log) -> None:
    result = log.cli("cases", "export", "--format", "jsonl")
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == export_objects(log)
    md = log.ok("cases", "export", "--format", "md", "--status", "resolved")
    assert md.count("\n---\n") == 2
    assert len(re.findall(r"^# Case ", md, re.M)) == 3


def test_export_to_a_private_file_with_redaction(log: Log) -> None:
    target = log.db.parent / "out.json"
    log.ok("cases", "export", "--format", "json", "--redact", "-o", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = {c["id"]: c for c in json.loads(target.read_text(encoding="utf-8"))}
    customer = data[log.ids["escalated"]]["customer"]
    assert customer == "Nothing works, call me on [phone] or mail [email]"
    assert data[log.ids["formula"]]["events"][1]["answer"] == FORMULA


# -- follow-ups ---------------------------------------------------------------------------------


def test_follow_ups_due_and_recorded(log: Log) -> None:
    due = log.json("cases", "followups")
    assert [f["id"] for f in due] == [log.ids["formula"]]
    everything = log.json("cases", "followups", "--all")
    assert {f["id"] for f in everything} >= {log.ids["formula"], log.ids["printer"]}
    assert (
        log.ok(
            "cases", "followup", log.ids["formula"], "--result", "all good", "--satisfaction", "5"
        )
        == f"Follow-up recorded on case {log.ids['formula']}.\n"
    )
    assert log.ok("cases", "followups") == "No follow-ups due.\n"
    shown = log.json("cases", "show", log.ids["formula"])
    assert shown["satisfaction"] == 5
    last = shown["events"][-1]
    assert (last["kind"], last["text"], last["value"]) == (
        "followup",
        "all good",
        {"satisfaction": 5},
    )
    done = {f["id"]: f["follow_up_done"] for f in log.json("cases", "followups", "--all")}
    assert done[log.ids["formula"]] is not None
    # put the satisfaction back for the stats test
    log.ok(
        "cases", "followup", log.ids["formula"], "--result", "rated again", "--satisfaction", "4"
    )


# -- stats --------------------------------------------------------------------------------------


def test_stats_per_revision(log: Log) -> None:
    [stats] = log.json("stats", "cases-demo")
    assert (stats["tree"], stats["revision"], stats["sessions"]) == ("cases-demo", 1, 5)
    assert stats["counts"] == {
        "active": 0,
        "paused": 1,
        "resolved": 3,
        "escalated": 1,
        "abandoned": 0,
    }
    assert stats["shares"]["resolved"] == 0.6
    assert stats["first_contact_resolution"] == 0.6
    assert stats["median_seconds"] is not None
    assert [p["phase"] for p in stats["phases"]] == ["diagnose", "fix"]
    assert stats["outcomes"] == [
        {"node": "fixed", "outcome": "resolved", "count": 3},
        {"node": "tier2", "outcome": "escalated", "count": 1},
    ]
    assert stats["dropoffs"] == [{"node": "basics", "status": "paused", "count": 1}]
    items = [(i["item"], i["tried"], i["fixed"]) for i in stats["items"]]
    assert items == [("Restart the app", 4, 0), ("Log out and in", 4, 3), ("Clear the cache", 1, 0)]
    [suggestion] = stats["suggestions"]
    assert suggestion.startswith("basics: 'Log out and in' (item 2) fixed 3 of 4 (75%)")
    assert (stats["satisfaction"], stats["rated"]) == (3.0, 2)
    out = log.ok("stats")
    assert "Cases demo (cases-demo revision 1)" in out
    assert "Suggestion: basics: 'Log out and in'" in out.replace("\n", " ")
    assert log.ok("stats", "nothing-here") == "No cases in the log for tree 'nothing-here'.\n"
    assert log.json("stats", "--since", "2999-01-01") == []
    today = log.json("cases", "list")[0]["started"][:10]
    assert [s["sessions"] for s in log.json("stats", "--since", today)] == [5]


# -- the similar-cases panel at intake ------------------------------------------------------------


def test_intake_shows_similar_cases_above_the_relevance_floor(log: Log, tmp_path: Path) -> None:
    copy = Log(tmp_path / "c.db", log.trees, {})
    answers = {"symptom": "x", "basics": [True]}
    run_case(copy, "first", answers=answers, customer="The printer settings page crashes")
    result = copy.cli("run", "cases-demo", "--answers", str(tmp_path / "first.yaml"))
    assert f"Similar past case {copy.ids['first']}" in result.stdout
    (tmp_path / "other.yaml").write_text(
        yaml.safe_dump({"intake": {"customer": "VPN is down for the team"}, "answers": answers})
    )
    result = copy.cli("run", "cases-demo", "--answers", str(tmp_path / "other.yaml"))
    assert "Similar past case" not in result.stdout
