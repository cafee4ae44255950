"""Pictures of a tree: a Rich outline by phase, and Mermaid / Graphviz DOT flowcharts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from troubleshoot.printable import printable
from troubleshoot.tree import model as m

if TYPE_CHECKING:
    from rich.tree import Tree as RichTree


TAKEN_FILL, TAKEN_LINE = "#fde68a", "#b45309"


@dataclass(frozen=True)
class Highlight:
    """The nodes and edges (source, label, target) of one walk, to mark in a flowchart."""

    nodes: frozenset[str] = frozenset()
    edges: frozenset[tuple[str, str, str]] = frozenset()


def kind(node: m.Node) -> str:
    return str(node.KIND)


def outline(tree: m.Tree) -> RichTree:
    """The tree as a Rich outline: phases, then nodes in file order with where they lead."""
    from rich.text import Text
    from rich.tree import Tree as RichTree

    title = printable(tree.title, one_line=True)
    root = RichTree(Text.assemble((title, "bold"), f"  ({tree.id}, revision {tree.revision})"))
    branches: dict[str, RichTree] = {}
    for node in tree.nodes.values():
        phase = node.phase or "-"
        if phase not in branches:
            branches[phase] = root.add(Text(phase.capitalize(), style="bold cyan"))
        label = Text.assemble(
            (f"{node.id} ", "bold"), (f"[{kind(node)}] ", "magenta"), printable(node.text)
        )
        if isinstance(node, m.Resolve):
            label.append(f"  ({node.outcome})", style="green")
        branch = branches[phase].add(label)
        for item in node.items if isinstance(node, m.Try) else ():
            branch.add(Text(f"try: {printable(item)}", style="dim"))
        for step in node.steps if isinstance(node, m.Fix) else ():
            branch.add(Text(f"step: {printable(step)}", style="dim"))
        for way, target in node.edges():
            shown = f"{printable(way, one_line=True)} -> {target}" if way else f"-> {target}"
            branch.add(Text(shown, style="yellow"))
    return root


def _quote(text: str) -> str:
    return printable(text.replace("\\", "\\\\").replace('"', "'").replace("\n", " "))


def mermaid(tree: m.Tree, highlight: Highlight | None = None) -> str:
    """A Mermaid flowchart (paste into Markdown that renders Mermaid)."""
    marked = highlight or Highlight()
    ids = {node_id: f"n{index}" for index, node_id in enumerate(tree.nodes)}
    lines = ["flowchart TD"]
    for node_id, node in tree.nodes.items():
        text = _quote(f"{node_id}: {node.text}" if node.text else node_id)
        shape = {m.Route: ('{"', '"}'), m.Resolve: ('(["', '"])'), m.Escalate: ('[/"', '"/]')}
        left, right = shape.get(type(node), ('["', '"]'))
        lines.append(f"  {ids[node_id]}{left}{text}{right}")
    links: list[str] = []
    for node_id, node in tree.nodes.items():
        for label, target in node.edges():
            arrow = f' -->|"{_quote(label)}"| ' if label else " --> "
            if (node_id, label, target) in marked.edges:
                links.append(str(len(lines) - len(ids) - 1))
            lines.append(f"  {ids[node_id]}{arrow}{ids[target]}")
    if marked.nodes:
        taken = ",".join(ids[n] for n in tree.nodes if n in marked.nodes)
        lines.append(f"  classDef taken fill:{TAKEN_FILL},stroke:{TAKEN_LINE},stroke-width:2px")
        lines.append(f"  class {taken} taken")
    if links:
        lines.append(f"  linkStyle {','.join(links)} stroke:{TAKEN_LINE},stroke-width:3px")
    return "\n".join(lines) + "\n"


def dot(tree: m.Tree, highlight: Highlight | None = None) -> str:
    """A Graphviz DOT digraph (render with `dot -Tsvg`)."""
    marked = highlight or Highlight()
    taken_node = f', style=filled, fillcolor="{TAKEN_FILL}", color="{TAKEN_LINE}", penwidth=2'
    taken_edge = f', color="{TAKEN_LINE}", penwidth=3'
    shapes = {m.Route: "diamond", m.Resolve: "doubleoctagon", m.Escalate: "parallelogram"}
    lines = [f'digraph "{_quote(tree.id)}" {{', "  rankdir=TB;", "  node [shape=box];"]
    for node_id, node in tree.nodes.items():
        label = _quote(node_id) + (f"\\n{_quote(node.text)}" if node.text else "")
        extra = taken_node if node_id in marked.nodes else ""
        lines.append(
            f'  "{node_id}" [label="{label}", shape={shapes.get(type(node), "box")}{extra}];'
        )
    for node_id, node in tree.nodes.items():
        for label, target in node.edges():
            extra = taken_edge if (node_id, label, target) in marked.edges else ""
            lines.append(f'  "{node_id}" -> "{target}" [label="{_quote(label)}"{extra}];')
    return "\n".join([*lines, "}"]) + "\n"
