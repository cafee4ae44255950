"""Which module defines each command, and the summary `--help` lists it with.

The root group imports a command's module only when that command is run (or completed, or its
own help asked for), so `troubleshoot --help` imports none of them. The summaries here are the
first paragraph of each command's help; `tests/test_help_fast.py` checks they stay equal.
"""

from __future__ import annotations


class Listed:
    """A top-level command as `--help` lists it, before its module is imported (a plain class:
    a dataclass costs a little at start-up, which `--help` is measured by)."""

    __slots__ = ("modules", "summary")

    def __init__(self, modules: tuple[str, ...], summary: str) -> None:
        self.modules = modules
        """The modules that register the command (and its sub-commands), imported in order."""
        self.summary = summary


_SESSIONS = ("troubleshoot.cli.sessions",)
_AUTHORING = ("troubleshoot.cli.authoring",)
_REVIEW = ("troubleshoot.cli.review",)

COMMANDS: dict[str, Listed] = {
    # an agent's commands first, then a team lead's; the rest after
    "run": Listed(
        _SESSIONS, "Run a guided troubleshooting session; every answer is logged as it is given."
    ),
    "resume": Listed(
        _SESSIONS,
        "Continue a paused session, or pick up an escalated one; shows the history first.",
    ),
    "trees": Listed(
        _AUTHORING, "List the trees you can run: id, title, revision, nodes, phases, file."
    ),
    "cases": Listed(
        ("troubleshoot.cli.cases", "troubleshoot.cli.export", "troubleshoot.cli.push"),
        "The case log: list, show, search and export cases; follow-ups; push to a team database.",
    ),
    "stats": Listed(
        ("troubleshoot.cli.stats",),
        "What the case log says about each tree revision: outcomes, times, fixes that work.",
    ),
    "validate": Listed(
        _AUTHORING,
        "Check tree files: every problem as file:line:col: message. Exit 1 on any error.",
    ),
    "test": Listed(
        _SESSIONS,
        "Run *.scenarios.yaml files: scripted answers -> expected path and outcome.",
    ),
    "show": Listed(
        _AUTHORING, "Show a tree as an outline, phase by phase, with where each answer leads."
    ),
    "graph": Listed(
        _AUTHORING,
        "Draw a tree as a flowchart: Mermaid (for Markdown), Graphviz DOT, or an SVG/PNG file.",
    ),
    "schema": Listed(
        _AUTHORING,
        "Print the JSON Schema of *.tree.yaml files (for editor completion and checks).",
    ),
    "new": Listed(
        _AUTHORING, "Write a starter tree ID.tree.yaml (and its scenarios) in the method's shape."
    ),
    "diff": Listed(
        _REVIEW,
        "Compare two revisions of a tree: nodes, edges, outcomes, escalations and phases.\n"
        "TREE@REV is a revision kept in the case log (one that some case ran on).",
    ),
    "preview": Listed(
        _REVIEW,
        "Show one step as the agent sees it in a session, without starting one or logging.",
    ),
    "replay": Listed(
        _REVIEW,
        "Re-run the answers of logged cases on the current tree: which route the same, which "
        "end\nelsewhere, and which stop at a question that changed. Nothing is written to the "
        "log.",
    ),
}


def import_all() -> None:
    """Import every command module (registering every command), e.g. to check this table."""
    import importlib

    for listed in COMMANDS.values():
        for module in listed.modules:
            importlib.import_module(module)
