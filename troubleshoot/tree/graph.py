"""Pictures of a tree: a Rich outline by phase, and Mermaid / Graphviz DOT flowcharts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from troubleshoot.tree import model as m

if TYPE_CHECKING:
    from rich.tree import Tree as RichTree

KIND_LABELS: dict[type, str] = {
    m.Ask: "ask",
    m.Info: "info",
    m.Route: "route",
    m.Try: "try",
    m.Fix: "fix",
    m.Call: "call",
    m.Goto: "goto",
    m.Return: "return",
    m.Escalate: "escalate",
    m.Resolve: "resolve",
}


def kind(node: m.Node) -> str:
    return KIND_LABELS[type(node)]


def _ways_on(node: m.Node) -> list[str]:
    if isinstance(node, m.Ask):
        ways = [f"{c.label} -> {c.next}" for c in node.choices if c.next]
        ways += [f"{word} -> {t}" for word, t in (("yes", node.on_yes), ("no", node.on_no)) if t]
    elif isinstance(node, (m.Try, m.Fix)):
        ways = [
            f"{word} -> {t}"
            for word, t in (("fixed", node.on_fixed), ("not fixed", node.on_not_fixed))
            if t
        ]
    elif isinstance(node, m.Route):
        ways = [f"{c.when or 'else'} -> {c.then}" for c in node.route]
    elif isinstance(node, (m.Call, m.Goto)):
        ways = [f"-> {node.targets()[0]}"]
    else:
        ways = []
    ways += [f"{c.when or 'next'} -> {c.then}" for c in node.next]
    return ways


def outline(tree: m.Tree) -> RichTree:
    """The tree as a Rich outline: phases, then nodes in file order with where they lead."""
    from rich.text import Text
    from rich.tree import Tree as RichTree

    root = RichTree(Text.assemble((tree.title, "bold"), f"  ({tree.id}, revision {tree.revision})"))
    branches: dict[str, RichTree] = {}
    for node in tree.nodes.values():
        phase = node.phase or "-"
        if phase not in branches:
            branches[phase] = root.add(Text(phase.capitalize(), style="bold cyan"))
        label = Text.assemble((f"{node.id} ", "bold"), (f"[{kind(node)}] ", "magenta"), node.text)
        if isinstance(node, m.Resolve):
            label.append(f"  ({node.outcome})", style="green")
        branch = branches[phase].add(label)
        for item in node.items if isinstance(node, m.Try) else ():
            branch.add(Text(f"try: {item}", style="dim"))
        for step in node.steps if isinstance(node, m.Fix) else ():
            branch.add(Text(f"step: {step}", style="dim"))
        for way in _ways_on(node):
            branch.add(Text(way, style="yellow"))
    return root
