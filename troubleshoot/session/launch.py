"""Starting and resuming sessions: pick the tree or session, the prompter, the case log."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troubleshoot.cases.records import RESUMABLE, Intake, SessionRecord
from troubleshoot.errors import TroubleshootError
from troubleshoot.session.engine import End
from troubleshoot.session.presets import preset_variables
from troubleshoot.session.prompts import Prompter, TerminalPrompter
from troubleshoot.session.runner import Runner
from troubleshoot.session.terminal import RESUME_HINT, RUN_HINT, has_terminal, require_terminal
from troubleshoot.tree import catalog
from troubleshoot.tree.model import INTAKE_FIELDS, Tree

__all__ = [
    "RESUME_HINT",
    "RUN_HINT",
    "default_agent",
    "has_terminal",
    "require_terminal",
    "resume_session",
    "run_session",
    "terminal_prompter",
    "tree_for_session",
]

if TYPE_CHECKING:
    from rich.console import Console

    from troubleshoot.cases.log import CaseLog


def default_agent() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "agent"


def terminal_prompter(console: Console, hint: str = RUN_HINT) -> TerminalPrompter:
    require_terminal(hint)
    return TerminalPrompter(console)


def _scripted(
    *, console: Console, answers: Path, tree: Tree, presets: dict[str, Any]
) -> tuple[Prompter, dict[str, Any]]:
    """The prompter answering from the file, and the variables known before the start (the
    file's `vars:`, overridden by `--set`)."""
    from troubleshoot.session.answers_file import ScriptedAnswers, read_answers_file
    from troubleshoot.session.engine import Engine
    from troubleshoot.session.scenarios import walk
    from troubleshoot.session.scripted_prompter import ScriptedPrompter

    given = read_answers_file(answers)
    presets = {**preset_variables(tree, given.vars, str(answers)), **presets}
    script = ScriptedAnswers(given.answers, str(answers))
    script.check_against(tree)
    # walk the answers once without recording, so a wrong file leaves no half-made session
    context = {k: str(v) for k, v in given.intake.items() if k in INTAKE_FIELDS}
    walk(Engine(tree, {**context, **presets}), ScriptedAnswers(given.answers, str(answers)))
    prompter = ScriptedPrompter(
        console=console, script=script, intake=given.intake, wrapup=given.wrapup
    )
    return prompter, presets


def run_session(
    *,
    name: str | None,
    folders: list[Path],
    case_log: CaseLog,
    console: Console,
    answers: Path | None = None,
    intake: Intake | None = None,
    agent: str | None = None,
    values: dict[str, str] | None = None,
    again: str = "",
) -> tuple[str, End]:
    """A new session on the tree `name` (asked for when None); `values` are `--set` values of
    declared variables."""
    if name is None:
        if answers is not None:
            raise TroubleshootError(
                "name the tree to run with --answers ('troubleshoot trees' lists them)"
            )
        rows = [s for s in catalog.summaries(folders) if not s.problems]
        if not rows:
            raise TroubleshootError("no trees found: add a folder with --trees DIR")
        name = terminal_prompter(console).pick(
            "Which problem is it?", [(r.id, f"{r.title}  ({r.id})") for r in rows]
        )
    tree = catalog.load(name, folders)
    presets = preset_variables(tree, values or {}, "--set")
    prompter: Prompter
    if answers:
        prompter, presets = _scripted(console=console, answers=answers, tree=tree, presets=presets)
    else:
        prompter = terminal_prompter(console)
    runner = Runner(
        tree=tree,
        case_log=case_log,
        prompter=prompter,
        agent=agent or default_agent(),
        presets=presets,
        again=again,
    )
    end = runner.run(intake or Intake())
    return runner.session_id, end


def resume_session(
    *,
    session_id: str | None,
    folders: list[Path],
    case_log: CaseLog,
    console: Console,
    agent: str | None = None,
    again: str = "",
) -> tuple[str, End]:
    """Continue a paused or escalated session (asked for when `session_id` is None)."""
    prompter = terminal_prompter(console, RESUME_HINT)
    if session_id is None:
        page = case_log.resumable()
        if not page.sessions:
            raise TroubleshootError("there are no paused or escalated sessions to resume")
        shown = len(page.sessions)
        more = f" (the latest {shown} of {page.total})" if page.total > shown else ""
        session_id = prompter.pick(
            f"Which session?{more}", [(s.id, _label(s)) for s in page.sessions]
        )
    session = case_log.get_session(session_id)
    if session.status not in RESUMABLE:
        raise TroubleshootError(
            f"session {session.id} is {session.status}: there is nothing left to resume"
        )
    tree = tree_for_session(case_log, session, folders)
    runner = Runner(
        tree=tree,
        case_log=case_log,
        prompter=prompter,
        agent=agent or default_agent(),
        again=again,
    )
    return session.id, runner.resume(session.id)


def _label(session: SessionRecord) -> str:
    words = (session.customer or "")[:50]
    return f"{session.id}  {session.status:<9} {session.tree_id}  {session.ticket or ''}  {words}"


def tree_for_session(case_log: CaseLog, session: SessionRecord, folders: list[Path]) -> Tree:
    """The exact tree revision the session started on: the current file if unchanged, else the
    copy kept in the case log, loaded from memory."""
    from troubleshoot.tree.loader import load_stored_tree

    try:
        current = catalog.load(session.tree_id, folders)
        if current.sha256 == session.tree_sha256:
            return current
    except TroubleshootError:
        pass
    sources = case_log.tree_sources(session)
    if not sources:
        raise TroubleshootError(
            f"the tree '{session.tree_id}' of session {session.id} "
            "is neither on the tree path nor in the case log"
        )
    return load_stored_tree(sources)
