"""A new session whose first question is on screen before the rest is loaded.

`run TREE` in a terminal asks the intake's first question (the ticket reference) with only
questionary imported. Once that question is drawn, a background thread loads the tree, opens
the case log (creating or upgrading it) and imports what the rest of the session needs; it
starts only then, so it does not slow the drawing. The first answer waits for it (it is done by
then unless the agent answers at once) and is then recorded as before: the session is created
at the first intake answer, and nothing typed is kept only in memory. A problem the thread meets
(a broken tree, a wrong --set value, a locked or damaged database) ends the question at once
with the usual message, before anything is recorded. An unknown tree id is refused before the
question, from the file names alone.

This module imports nothing heavy itself: the CLI imports it before the first question.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from troubleshoot.session.engine import End
    from troubleshoot.tree.model import Tree

TICKET_QUESTION = "Ticket reference (optional):"
"""The intake's first question (also asked by `TerminalPrompter.ask_intake`)."""


@dataclass(frozen=True)
class Loaded:
    """What the session needs after its first question."""

    tree: Tree
    presets: dict[str, Any]
    console: Console


class Loader:
    """`work` run once in a background thread; `result` waits for it and returns its value or
    raises its exception; `on_error` is called in that thread when it fails."""

    def __init__(self, work: Callable[[], Loaded]) -> None:
        self._work = work
        self._thread: threading.Thread | None = None
        self._value: Loaded | None = None
        self._error: BaseException | None = None
        self.on_error: Callable[[BaseException], None] = lambda error: None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="session-loader")
            self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # handed to the main thread by `result`
            self._error = exc
            self.on_error(exc)

    def wait(self) -> None:
        """Wait for the thread if it started (so it is never cut off in a write)."""
        if self._thread is not None:
            self._thread.join()

    def result(self) -> Loaded:
        self.start()
        self.wait()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def ask_first(question: str, loader: Loader) -> str:
    """Ask `question`; `loader` starts once it is drawn, and its failure ends the question by
    raising the failure (as Ctrl-C ends it with `KeyboardInterrupt`)."""
    import questionary

    prompt = questionary.text(question)
    application = prompt.application

    def stop(error: BaseException) -> None:
        loop = application.loop
        if loop is None:
            return

        def end_question() -> None:
            if application.is_running and not application.future.done():  # type: ignore[union-attr]
                application.exit(exception=error)

        loop.call_soon_threadsafe(end_question)

    loader.on_error = stop
    application.after_render += lambda _: loader.start()
    try:
        return str(prompt.unsafe_ask())
    except BaseException:
        loader.wait()
        raise


def _load(
    *,
    name: str,
    folders: list[Path],
    db: str,
    console: Callable[[], Console],
    values: dict[str, str],
) -> Loaded:
    """The tree, the `--set` values, a console; the case log opened once (so a database that
    cannot be used is reported now) and the session's modules imported."""
    from troubleshoot.cases.log import open_case_log
    from troubleshoot.session import runner  # noqa: F401 - imported here, not after the answer
    from troubleshoot.session.presets import preset_variables
    from troubleshoot.tree import catalog

    tree = catalog.load(name, folders)
    presets = preset_variables(tree, values, "--set")
    with open_case_log(db):
        pass
    return Loaded(tree=tree, presets=presets, console=console())


def _tree_file_exists(name: str, folders: list[Path]) -> bool:
    """Whether a file for the tree `name` (an id or a path) exists, from the names alone."""
    wanted = f"{name}.tree.yaml"
    if Path(name).is_file():
        return True
    return any(
        next(folder.rglob(wanted), None) is not None for folder in folders if folder.is_dir()
    )


def run_early(
    *,
    name: str,
    folders: list[Path],
    db: str,
    console: Callable[[], Console],
    customer: str | None = None,
    agent: str | None = None,
    values: dict[str, str] | None = None,
    again: str = "",
) -> tuple[str, End]:
    """A new session on the tree `name`, its ticket reference asked before anything is loaded;
    the case log at `db` is opened (and closed) here."""
    if not _tree_file_exists(name, folders):
        from troubleshoot.tree.catalog import find

        find(name, folders)  # raises the usual message for an unknown id
    loader = Loader(
        lambda: _load(name=name, folders=folders, db=db, console=console, values=values or {})
    )
    ticket = ask_first(TICKET_QUESTION, loader)
    loaded = loader.result()
    return _walk(loaded, db=db, ticket=ticket, customer=customer, agent=agent, again=again)


def _walk(
    loaded: Loaded, *, db: str, ticket: str, customer: str | None, agent: str | None, again: str
) -> tuple[str, End]:
    """The rest of the session, from recording the ticket reference on."""
    from troubleshoot.cases.log import open_case_log
    from troubleshoot.cases.records import Intake
    from troubleshoot.session.launch import default_agent
    from troubleshoot.session.prompts import TerminalPrompter
    from troubleshoot.session.runner import Runner

    with open_case_log(db) as case_log:
        runner = Runner(
            tree=loaded.tree,
            case_log=case_log,
            prompter=TerminalPrompter(loaded.console),
            agent=agent or default_agent(),
            presets=loaded.presets,
            again=again,
        )
        end = runner.run(Intake(ticket=ticket, customer=customer or None))
        return runner.session_id, end
