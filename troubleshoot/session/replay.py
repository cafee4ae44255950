"""`troubleshoot replay`: the answers of logged cases re-run on a new revision of their tree.

For each case, the effective answers (after every "go back") are walked twice: on the revision
the case ran on (the copy kept in the case log), to know where it ended, and on the new tree,
answering each question from the answers logged for the same node. A case then routes the same
(same end), ends elsewhere (old end -> new end), or stops: at a question the case never answered
(a renamed or new node), at one whose stored answer no longer fits (a removed choice), or where
the new tree cannot go on. Nothing is written to the log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from enum import StrEnum

from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import SessionFilter, SessionRecord
from troubleshoot.errors import TroubleshootError
from troubleshoot.session.coerce import InvalidAnswer
from troubleshoot.session.engine import MAX_MOVES, Answer, Engine, State
from troubleshoot.session.history import effective_answers
from troubleshoot.tree import model as m


class Verdict(StrEnum):
    SAME = "same"
    ELSEWHERE = "elsewhere"
    STOPS = "stops"


@dataclass(frozen=True)
class CaseReplay:
    """What one logged case does on the new tree."""

    case: str
    revision: int
    verdict: Verdict
    old: str
    """Where the case ended (an end node, or the step it stopped at)."""
    new: str
    """Where it ends now, or the node it stops at."""
    reason: str = ""

    def line(self) -> str:
        if self.verdict is Verdict.SAME:
            what = self.old
        elif self.verdict is Verdict.ELSEWHERE:
            what = f"{self.old} -> {self.new}"
        else:
            what = f"at {self.new}: {self.reason}"
        return f"{self.case}  r{self.revision}  {self.verdict:<9}  {what}"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "verdict": str(self.verdict)}


@dataclass(frozen=True)
class _Walk:
    state: State | None
    stop: str | None = None
    """Why the walk stopped before its end (None: it ended, or the answers ran out)."""
    at: str = ""
    """The node it stopped at."""


def replay_cases(
    *, case_log: CaseLog, tree: m.Tree, since: str | None = None, revision: int | None = None
) -> list[CaseReplay]:
    """Replay every logged case of `tree.id` (started since `since`, run on `revision`)."""
    found = case_log.list_sessions(SessionFilter(tree=tree.id, since=since))
    cases = [s for s in reversed(found) if revision is None or s.revision == revision]
    old_trees: dict[str, m.Tree | None] = {}
    return [_replay(case_log, case, tree, old_trees) for case in cases]


def summary(results: list[CaseReplay]) -> str:
    counts = Counter(r.verdict for r in results)
    return (
        f"{len(results)} case(s): {counts[Verdict.SAME]} the same, "
        f"{counts[Verdict.ELSEWHERE]} end elsewhere, {counts[Verdict.STOPS]} stop"
    )


def as_dict(tree: m.Tree, results: list[CaseReplay]) -> dict[str, object]:
    """The replay for machines (`--format json`)."""
    return {
        "tree": tree.id,
        "revision": tree.revision,
        "file": str(tree.path),
        "cases": [r.as_dict() for r in results],
        "summary": summary(results),
    }


def _replay(
    case_log: CaseLog, case: SessionRecord, tree: m.Tree, old_trees: dict[str, m.Tree | None]
) -> CaseReplay:
    answers = effective_answers(case_log.events(case.id))
    context = {k: v or "" for k, v in asdict(case.intake).items()} | {"agent": case.agent or ""}
    old = _old_end(case_log, case, answers, context, old_trees)
    new = _walk(Engine(tree, context), answers)
    result = CaseReplay(case.id, case.revision, Verdict.SAME, old, "")
    if new.stop is not None or new.state is None:
        return _with(result, Verdict.STOPS, new.at, new.stop or "")
    if new.state.end is None:
        assert new.state.step is not None
        at = f"step {new.state.step.node.id}"
        if at == old:
            return _with(result, Verdict.SAME, at)
        gone = [a.node for a in answers if a.node not in tree.nodes]
        why = "a question the case never answered" + (
            f" ('{gone[0]}' is no longer in the tree)" if gone else ""
        )
        return _with(result, Verdict.STOPS, new.state.step.node.id, why)
    end = _end_name(new.state)
    return _with(result, Verdict.SAME if end == old else Verdict.ELSEWHERE, end)


def _with(result: CaseReplay, verdict: Verdict, new: str, reason: str = "") -> CaseReplay:
    return CaseReplay(result.case, result.revision, verdict, result.old, new, reason)


def _end_name(state: State) -> str:
    assert state.end is not None
    return state.end.node.id if state.end.node else state.end.outcome


def _old_end(
    case_log: CaseLog,
    case: SessionRecord,
    answers: list[Answer],
    context: dict[str, str],
    old_trees: dict[str, m.Tree | None],
) -> str:
    """Where the case ended on its own revision: an end node, or `step X` where it stopped
    (paused, or escalated by the agent)."""
    if case.tree_sha256 not in old_trees:
        old_trees[case.tree_sha256] = _stored_tree(case_log, case)
    old_tree = old_trees[case.tree_sha256]
    if old_tree is not None:
        try:
            state = Engine(old_tree, context).replay(answers)
        except TroubleshootError:
            state = None
        if state is not None and state.step is not None:
            return f"step {state.step.node.id}"
        if state is not None:
            return _end_name(state)
    return case.current_node or "?"


def _stored_tree(case_log: CaseLog, case: SessionRecord) -> m.Tree | None:
    from troubleshoot.tree.loader import load_stored_tree

    try:
        return load_stored_tree(case_log.tree_sources(case))
    except TroubleshootError:
        return None


def _walk(engine: Engine, answers: list[Answer]) -> _Walk:
    """Answer each question of the new tree from the answers logged for the same node."""
    queues: dict[str, list[Answer]] = {}
    for answer in answers:
        queues.setdefault(answer.node, []).append(answer)
    state: State | None = None
    at = engine.tree.start or ""
    try:
        state = engine.start()
        for _ in range(MAX_MOVES):
            step = state.step
            if step is None:
                return _Walk(state)
            at = step.node.id
            queue = queues.get(at)
            if not queue and step.kind != "info":
                return _Walk(state)
            given = queue.pop(0) if queue else None
            try:
                state = engine.answer(state, given.value if given else None)
            except InvalidAnswer as exc:
                shown = given.shown if given else ""
                return _Walk(state, f"the stored answer '{shown}' no longer fits: {exc}", at)
    except TroubleshootError as exc:
        return _Walk(state, str(exc), at)
    return _Walk(state, "the answers go round a loop", at)
