"""The path a logged case took through its tree, for `graph --highlight CASE_ID`.

The case's effective answers are walked again on the revision it ran on (the current file when
unchanged, else the copy kept in the case log), which gives the nodes entered and the edges taken.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from troubleshoot.cases.log import CaseLog
from troubleshoot.errors import TroubleshootError
from troubleshoot.session.coverage import edges_taken
from troubleshoot.session.engine import Engine
from troubleshoot.session.history import effective_answers
from troubleshoot.session.launch import tree_for_session
from troubleshoot.tree import model as m
from troubleshoot.tree.graph import Highlight


def case_path(
    case_log: CaseLog, case_ref: str, tree_id: str, folders: list[Path]
) -> tuple[m.Tree, Highlight]:
    """The tree revision a case of `tree_id` ran on, and its walk to mark."""
    session = case_log.get_session(case_ref)
    if session.tree_id != tree_id:
        raise TroubleshootError(
            f"case {session.id} ran on the tree '{session.tree_id}', not '{tree_id}': "
            f"draw it with 'troubleshoot graph {session.tree_id} --highlight {case_ref}'"
        )
    tree = tree_for_session(case_log, session, folders)
    context = {k: v or "" for k, v in asdict(session.intake).items()}
    engine = Engine(tree, {**context, "agent": session.agent or ""})
    state = engine.replay(effective_answers(case_log.events(session.id)))
    taken = edges_taken(tree, state)
    return tree, Highlight(
        nodes=frozenset(state.path),
        edges=frozenset((e.source, e.label, e.target) for e in taken),
    )
