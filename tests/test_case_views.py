"""The pieces under `cases show` and export: superseded answers, CSV cells, redaction, escaping,
terminal safety, and full-text tables another tool (Datasette) can search."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from rich.console import Console

from troubleshoot.cases.export import csv_cell
from troubleshoot.cases.records import Case, Event, EventKind, Intake, SessionFilter
from troubleshoot.cases.redact import redact
from troubleshoot.cases.report import case_report, md
from troubleshoot.cases.sqlite import SQLiteCaseLog
from troubleshoot.cases.view import case_view
from troubleshoot.cli.case_render import case_renderables, session_table
from troubleshoot.paths import bundled_trees
from troubleshoot.tree.loader import load_tree

TREE = load_tree(bundled_trees() / "login-failure.tree.yaml", bundled_trees())
ESCAPE = "\x1b]0;owned\x07\x1b[2J"


def answer(step: str, shown: str, phase: str = "diagnose") -> Event:
    return Event(
        kind=EventKind.ANSWER, node=step, step=step, phase=phase, prompt=step + "?", answer=shown
    )


def logged_case(events: list[Event], customer: str = "cannot log in") -> Case:
    log = SQLiteCaseLog(":memory:")
    session = log.create_session(TREE, Intake(customer=customer, ticket="T-1"), "ann")
    for event in events:
        log.append_event(session, event)
    [case] = log.iter_cases(SessionFilter())
    return case


def test_going_back_marks_the_answer_superseded_in_place() -> None:
    back = Event(kind=EventKind.BACK, node="b", step="b", text="superseded: no")
    note = Event(kind=EventKind.NOTE, node="b", agent="ann", text="customer checked twice")
    case = logged_case([answer("a", "yes"), answer("b", "no"), back, note, answer("b", "maybe")])
    view = case_view(case, TREE)
    [group] = view.path
    shown = [(line.event.kind, line.event.answer, line.superseded) for line in group.lines]
    assert shown == [
        (EventKind.ANSWER, "yes", False),
        (EventKind.ANSWER, "no", True),
        (EventKind.BACK, None, False),
        (EventKind.NOTE, None, False),
        (EventKind.ANSWER, "maybe", False),
    ]
    report = case_report(view)
    assert "- ~~b? → **no**~~ (superseded)" in report
    assert "- *Note by ann*: customer checked twice" in report


def test_csv_cells_never_run_as_formulas() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("a=1") == "a=1"
    assert csv_cell(-1) == -1  # numbers stay numbers
    assert csv_cell({"a": "=x"}) == '{"a": "=x"}'


def test_redaction_of_free_text() -> None:
    text = "mail jo.x+1@mail.example.org, call +1 (555) 010-9999, card 4111 1111 1111 1111"
    assert redact(text) == "mail [email], call [phone], card [card]"
    assert (
        redact("on 2026-12-01, error 404, ticket T-2002")
        == "on 2026-12-01, error 404, ticket T-2002"
    )


def test_markdown_escapes_html_and_markdown() -> None:
    assert md("<script>x</script> *a* [l](u) {{ v }}") == (
        "&lt;script&gt;x&lt;/script&gt; \\*a\\* \\[l\\](u) \\{\\{ v \\}\\}"
    )
    assert md("# title\n- item\n1. first") == "\\# title  \n\\- item  \n1\\. first"
    assert md(ESCAPE) == "\\\\x1b\\]0;owned\\\\x07\\\\x1b\\[2J"


def render(*renderables: object) -> str:
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=False)
    for renderable in renderables:
        console.print(renderable)
    return out.getvalue()


def test_typed_escapes_and_markup_never_reach_the_terminal() -> None:
    customer = f"[bold]hi[/bold] {ESCAPE}"
    case = logged_case([answer("a", f"[red]x[/red]{ESCAPE}")], customer=customer)
    shown = render(*case_renderables(case_view(case, TREE)), session_table([case.session]))
    assert "\x1b" not in shown and "\x07" not in shown
    assert "[bold]hi[/bold] \\x1b]0;owned\\x07" in shown
    assert "a? -> [red]x[/red]\\x1b" in shown


def test_full_text_tables_are_ones_datasette_detects(tmp_path: Path) -> None:
    SQLiteCaseLog(tmp_path / "c.db").close()
    conn = sqlite3.connect(tmp_path / "c.db")
    for table in ("sessions", "events"):
        # Datasette's rule (datasette.utils.detect_fts): an FTS virtual table whose
        # content= names the table
        found = conn.execute(
            "SELECT name FROM sqlite_master WHERE rootpage = 0 AND (sql LIKE ? OR sql LIKE ?)",
            (
                f'%VIRTUAL TABLE%USING FTS%content="{table}"%',
                f"%VIRTUAL TABLE%USING FTS%content=[{table}]%",
            ),
        ).fetchall()
        assert found == [(f"{table}_fts",)]
