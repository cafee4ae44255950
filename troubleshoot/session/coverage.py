"""`troubleshoot test --coverage`: which nodes and edges of a tree no scenario reaches.

A scenario's walk is read back from its final `State`: the nodes it entered (`path`) and, for each
step from one node to the next, the edge it took (for a question, the edge of the answer given).
Only a tree's own nodes count; an imported library is covered by its own scenarios.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from troubleshoot.session.engine import State
from troubleshoot.tree import model as m
from troubleshoot.tree.diff import Edge, tree_edges

Chooser = Callable[[list[Edge]], list[Edge]]


@dataclass
class Coverage:
    """What the scenarios of one tree reach."""

    tree: m.Tree
    nodes: set[str] = field(default_factory=set)
    edges: set[Edge] = field(default_factory=set)

    def add(self, state: State) -> None:
        self.nodes.update(state.path)
        self.edges.update(edges_taken(self.tree, state))

    def own_nodes(self) -> list[str]:
        return [node.id for node in self.tree.own_nodes()]

    def own_edges(self) -> list[Edge]:
        own = set(self.own_nodes())
        return [edge for edge in tree_edges(self.tree) if edge.source in own]

    def missed_nodes(self) -> list[str]:
        return [node_id for node_id in self.own_nodes() if node_id not in self.nodes]

    def missed_edges(self) -> list[Edge]:
        return [edge for edge in self.own_edges() if edge not in self.edges]

    @property
    def percent(self) -> float:
        total = len(self.own_nodes()) + len(self.own_edges())
        missed = len(self.missed_nodes()) + len(self.missed_edges())
        return 100.0 if not total else 100.0 * (total - missed) / total

    def report(self) -> list[str]:
        """Lines for people: the figures, then what is missed."""
        nodes, edges = self.own_nodes(), self.own_edges()
        missed_nodes, missed_edges = self.missed_nodes(), self.missed_edges()
        lines = [
            f"coverage {self.tree.id}: {len(nodes) - len(missed_nodes)}/{len(nodes)} nodes, "
            f"{len(edges) - len(missed_edges)}/{len(edges)} edges ({self.percent:.0f}%)"
        ]
        if missed_nodes:
            lines.append("    nodes no scenario reaches: " + ", ".join(missed_nodes))
        lines += [f"    edge no scenario takes: {describe(edge)}" for edge in missed_edges]
        return lines

    def as_dict(self) -> dict[str, object]:
        return {
            "tree": self.tree.id,
            "nodes": len(self.own_nodes()),
            "edges": len(self.own_edges()),
            "percent": round(self.percent, 1),
            "missed_nodes": self.missed_nodes(),
            "missed_edges": [edge.as_dict() for edge in self.missed_edges()],
        }


def describe(edge: Edge) -> str:
    label = f" ({edge.label})" if edge.label else ""
    return f"{edge.source}{label} -> {edge.target}"


def edges_taken(tree: m.Tree, state: State) -> set[Edge]:
    """The edges a finished walk went along."""
    taken: set[Edge] = set()
    calls: list[str] = []
    visits: dict[str, int] = {}
    for here, there in zip(state.path, state.path[1:], strict=False):
        node = tree.nodes[here]
        visit = visits.get(here, 0)
        visits[here] = visit + 1
        if isinstance(node, m.Return):
            if calls:
                caller = calls.pop()
                fits = _fits(state, tree.nodes[caller])
                taken.update(_towards(tree, _edges_of(tree, caller), there, fits))
                looped = tree.nodes[caller]
                if isinstance(looped, m.ForEach) and there == looped.do:
                    calls.append(caller)  # the next round of a for_each
            continue
        if isinstance(node, (m.Call, m.ForEach)):
            calls.append(here)
        choose = _answered(node, _answer(state, here, visit), _fits(state, node))
        taken.update(_towards(tree, _edges_of(tree, here), there, choose))
    return taken


def _edges_of(tree: m.Tree, node_id: str) -> list[Edge]:
    return [Edge(node_id, label, target) for label, target in tree.nodes[node_id].edges()]


def _towards(tree: m.Tree, edges: list[Edge], there: str, choose: Chooser) -> Iterable[Edge]:
    """The edge that led to `there`: straight to it, or to a node skipped by its `when`."""
    direct = [e for e in edges if e.target == there]
    if not direct:
        direct = [e for e in edges if tree.nodes[e.target].when]
    return choose(direct)[:1]


def _fits(state: State, node: m.Node) -> Chooser:
    """Among several edges to one node, prefer the first whose condition holds at the end of
    the walk (conditions are judged on the final answers)."""
    from troubleshoot.tree import expr

    cases = node.route if isinstance(node, m.Route) else ()
    conditions = {case.when for case in (*cases, *node.next) if case.when}

    def holds(edge: Edge) -> bool:
        if edge.label not in conditions:
            return True
        try:
            return bool(expr.evaluate(edge.label, state.scope()))
        except expr.ExpressionError:
            return False

    def choose(edges: list[Edge]) -> list[Edge]:
        return [e for e in edges if holds(e)] or edges

    return choose


def _answer(state: State, node_id: str, visit: int) -> object:
    given = [a for a in state.answers if a.node == node_id]
    return given[visit].value if visit < len(given) else None


def _answered(node: m.Node, value: object, otherwise: Chooser) -> Chooser:
    """Among several edges to one node, prefer the one labelled with the answer given."""
    label: str | None = None
    if isinstance(node, m.Ask) and node.type is m.AskType.CONFIRM:
        label = "yes" if value else "no"
    elif isinstance(node, m.Ask):
        label = next((c.label for c in node.choices if c.value == value), None)

    def choose(edges: list[Edge]) -> list[Edge]:
        return [e for e in edges if e.label == label] or otherwise(edges)

    return choose
