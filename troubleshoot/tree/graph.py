"""Pictures of a tree: a Rich outline by phase, and Mermaid / Graphviz DOT flowcharts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from troubleshoot.safetext import visible, visible_line
from troubleshoot.tree import model as m

if TYPE_CHECKING:
    from rich.tree import Tree as RichTree


def kind(node: m.Node) -> str:
    return str(node.KIND)


def outline(tree: m.Tree) -> RichTree:
    """The tree as a Rich outline: phases, then nodes in file order with where they lead."""
    from rich.text import Text
    from rich.tree import Tree as RichTree

    title = visible_line(tree.title)
    root = RichTree(Text.assemble((title, "bold"), f"  ({tree.id}, revision {tree.revision})"))
    branches: dict[str, RichTree] = {}
    for node in tree.nodes.values():
        phase = node.phase or "-"
        if phase not in branches:
            branches[phase] = root.add(Text(phase.capitalize(), style="bold cyan"))
        label = Text.assemble(
            (f"{node.id} ", "bold"), (f"[{kind(node)}] ", "magenta"), visible(node.text)
        )
        if isinstance(node, m.Resolve):
            label.append(f"  ({node.outcome})", style="green")
        branch = branches[phase].add(label)
        for item in node.items if isinstance(node, m.Try) else ():
            branch.add(Text(f"try: {visible(item)}", style="dim"))
        for step in node.steps if isinstance(node, m.Fix) else ():
            branch.add(Text(f"step: {visible(step)}", style="dim"))
        for way, target in node.edges():
            shown = f"{visible_line(way)} -> {target}" if way else f"-> {target}"
            branch.add(Text(shown, style="yellow"))
    return root


def _quote(text: str) -> str:
    return visible(text.replace("\\", "\\\\").replace('"', "'").replace("\n", " "))


def mermaid(tree: m.Tree) -> str:
    """A Mermaid flowchart (paste into Markdown that renders Mermaid)."""
    ids = {node_id: f"n{index}" for index, node_id in enumerate(tree.nodes)}
    lines = ["flowchart TD"]
    for node_id, node in tree.nodes.items():
        text = _quote(f"{node_id}: {node.text}" if node.text else node_id)
        shape = {m.Route: ('{"', '"}'), m.Resolve: ('(["', '"])'), m.Escalate: ('[/"', '"/]')}
        left, right = shape.get(type(node), ('["', '"]'))
        lines.append(f"  {ids[node_id]}{left}{text}{right}")
    for node_id, node in tree.nodes.items():
        for label, target in node.edges():
            arrow = f' -->|"{_quote(label)}"| ' if label else " --> "
            lines.append(f"  {ids[node_id]}{arrow}{ids[target]}")
    return "\n".join(lines) + "\n"


def dot(tree: m.Tree) -> str:
    """A Graphviz DOT digraph (render with `dot -Tsvg`)."""
    shapes = {m.Route: "diamond", m.Resolve: "doubleoctagon", m.Escalate: "parallelogram"}
    lines = [f'digraph "{_quote(tree.id)}" {{', "  rankdir=TB;", "  node [shape=box];"]
    for node_id, node in tree.nodes.items():
        label = _quote(node_id) + (f"\\n{_quote(node.text)}" if node.text else "")
        lines.append(f'  "{node_id}" [label="{label}", shape={shapes.get(type(node), "box")}];')
    for node_id, node in tree.nodes.items():
        for label, target in node.edges():
            lines.append(f'  "{node_id}" -> "{target}" [label="{_quote(label)}"];')
    return "\n".join([*lines, "}"]) + "\n"
