"""Graph checks on a loaded `Tree`: unreachable nodes, traps, dead ends, and style warnings."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from troubleshoot.tree import model as m
from troubleshoot.tree.problems import Problem, Severity

MAX_NODES = 150


def edges(tree: m.Tree, node: m.Node) -> list[str]:
    """Where a session can go from `node` (a fix or try that runs out goes to the escalation)."""
    targets = node.targets()
    if isinstance(node, (m.Try, m.Fix)) and node.on_not_fixed is None and tree.escalation:
        targets.append(tree.escalation)
    return [t for t in targets if t in tree.nodes]


def _closure(starts: Iterable[str], links: Mapping[str, list[str]]) -> set[str]:
    """Every node reached from `starts` by following `links`."""
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for other in links[queue.popleft()]:
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen


def _links(tree: m.Tree) -> dict[str, list[str]]:
    """The `edges` of every node of `tree`."""
    return {node_id: edges(tree, node) for node_id, node in tree.nodes.items()}


def reachable(tree: m.Tree, links: Mapping[str, list[str]] | None = None) -> set[str]:
    """Nodes a session on `tree` can enter: from `start`, and the default escalation (which
    "Escalate now" reaches from any step); a library's nodes are all reachable (from callers).
    `links` are the tree's `edges` when the caller has them already."""
    if tree.library or tree.start is None or tree.start not in tree.nodes:
        return set(tree.nodes)
    starts = [tree.start]
    if tree.escalation is not None and tree.escalation in tree.nodes:
        starts.append(tree.escalation)
    return _closure(starts, _links(tree) if links is None else links)


def _can_end(tree: m.Tree, links: Mapping[str, list[str]]) -> set[str]:
    """Nodes from which a resolve, escalate or return can be reached."""
    incoming: dict[str, list[str]] = {node_id: [] for node_id in tree.nodes}
    for node_id, targets in links.items():
        for target in targets:
            incoming[target].append(node_id)
    ends = [i for i, n in tree.nodes.items() if isinstance(n, (m.Resolve, m.Escalate, m.Return))]
    return _closure(ends, incoming)


def _problem(node: m.Node, message: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(path=node.path, line=node.line, col=node.col, message=message, severity=severity)


def lint(tree: m.Tree, graph: bool = True) -> list[Problem]:
    """Every graph error and style warning of `tree`; with `graph` False (some way on is
    broken, already reported), only the checks that do not follow the edges."""
    own = list(tree.own_nodes())
    if not graph:
        return _warnings(tree, own)
    problems: list[Problem] = []
    links = _links(tree)
    entered = reachable(tree, links)
    can_end = _can_end(tree, links)
    for node in own:
        if node.id not in entered:
            problems.append(
                _problem(
                    node,
                    f"node '{node.id}' cannot be reached from start "
                    f"'{tree.start}': link to it or remove it",
                )
            )
    for node in tree.nodes.values():
        if node.id in entered and node.id not in can_end:
            problems.append(
                _problem(
                    node,
                    f"node '{node.id}' is a trap: no resolve or escalate "
                    "can be reached from it, so the session could never end",
                )
            )
        problems.extend(_dead_ends(tree, node))
    problems.extend(_warnings(tree, own))
    problems.extend(_phase_order(tree, own, links))
    return problems


def _dead_ends(tree: m.Tree, node: m.Node) -> list[Problem]:
    if not isinstance(node, (m.Try, m.Fix)):
        return []
    found = []
    if node.on_fixed is None and not node.next:
        found.append(_problem(node, f"'{node.id}' needs 'on_fixed': where to go when it works"))
    if node.on_not_fixed is None and tree.escalation is None:
        found.append(
            _problem(
                node,
                f"'{node.id}' needs 'on_not_fixed' (or give the tree "
                "'escalation: {default: <node>}')",
            )
        )
    return found


def _warnings(tree: m.Tree, own: list[m.Node]) -> list[Problem]:
    found: list[Problem] = []
    for node in own:
        if isinstance(node, m.Fix) and node.verify is None:
            found.append(
                _problem(
                    node,
                    f"fix '{node.id}' has no 'verify' question: confirm with "
                    "the customer that it worked",
                    Severity.WARNING,
                )
            )
        if isinstance(node, m.Try) and len(node.items) == 1:
            found.append(
                _problem(
                    node,
                    f"try '{node.id}' lists one item: use a 'fix' node, or "
                    "list the basics to try one at a time",
                    Severity.WARNING,
                )
            )
    if len(own) > MAX_NODES and own:
        found.append(
            _problem(
                own[0],
                f"the tree has {len(own)} nodes (over {MAX_NODES}): move "
                "parts into sub-trees with 'imports' so it stays readable",
                Severity.WARNING,
            )
        )
    return found


def _phase_order(tree: m.Tree, own: list[m.Node], links: Mapping[str, list[str]]) -> list[Problem]:
    """Warnings for steps that go back to an earlier phase, along the edges of the graph
    (where nodes are written in the file does not matter)."""
    order = {phase: index for index, phase in enumerate(tree.phases)}
    ids = {node.id for node in own}

    def rank(node: m.Node) -> int | None:
        if isinstance(node, (m.Resolve, m.Escalate)) or node.phase is None:
            return None
        return order.get(node.phase)

    found: dict[str, Problem] = {}
    for node in own:
        here = rank(node)
        for target in links[node.id]:
            there = tree.nodes[target]
            later = rank(there)
            if here is None or later is None or target not in ids or later >= here:
                continue
            found.setdefault(
                target,
                _problem(
                    there,
                    f"phase '{there.phase}' of '{target}' comes after phase '{node.phase}': "
                    f"'{node.id}' leads back to it; keep the phases in the order "
                    f"{' > '.join(tree.phases)}",
                    Severity.WARNING,
                ),
            )
    return list(found.values())
