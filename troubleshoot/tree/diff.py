"""`troubleshoot diff`: what changed between two revisions of a tree, in terms of the tree.

Nodes added, removed and changed (which keys), edges added and removed, outcomes and escalation
targets changed, and nodes moved to another phase; as Markdown for a pull request or as a dict
for JSON. Text lines do not matter here: moving a node in the file or reformatting it is no change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from troubleshoot.tree import model as m
from troubleshoot.tree.expr import escape_markdown
from troubleshoot.tree.graph import kind

# Model fields that are not written by the author, or that have their own section of the diff.
_NOT_KEYS = frozenset({"id", "path", "line", "col", "phase", "outcome", "tier"})
# Model field -> the YAML key an author writes.
_YAML_KEYS = {"items": "try", "summary": "resolve", "tier": "escalate", "values": "return"}


@dataclass(frozen=True, order=True)
class Edge:
    """One way on from a node: `label` is the answer or condition ("" when there is none)."""

    source: str
    label: str
    target: str

    def as_dict(self) -> dict[str, str]:
        return {"from": self.source, "label": self.label, "to": self.target}


@dataclass(frozen=True)
class Change:
    """Something of one node (or of the tree, `node` "") that went from `old` to `new`."""

    node: str
    old: str | None
    new: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"node": self.node, "old": self.old, "new": self.new}


@dataclass
class TreeDiff:
    """The differences between two revisions of one tree."""

    old: m.Tree
    new: m.Tree
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    """Old id -> new id, for a removed and an added node that are otherwise the same."""
    changed: dict[str, list[str]] = field(default_factory=dict)
    edges_added: list[Edge] = field(default_factory=list)
    edges_removed: list[Edge] = field(default_factory=list)
    outcomes: list[Change] = field(default_factory=list)
    escalations: list[Change] = field(default_factory=list)
    phases: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.renamed,
                self.changed,
                self.edges_added,
                self.edges_removed,
                self.outcomes,
                self.escalations,
                self.phases,
            )
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "tree": self.new.id,
            "old": {"file": str(self.old.path), "revision": self.old.revision},
            "new": {"file": str(self.new.path), "revision": self.new.revision},
            "nodes_added": self.added,
            "nodes_removed": self.removed,
            "nodes_renamed": [{"old": o, "new": n} for o, n in self.renamed.items()],
            "nodes_changed": [
                {"node": n, "keys": [k.split(" ", 1)[0] for k in keys]}
                for n, keys in self.changed.items()
            ],
            "edges_added": [e.as_dict() for e in self.edges_added],
            "edges_removed": [e.as_dict() for e in self.edges_removed],
            "outcomes_changed": [c.as_dict() for c in self.outcomes],
            "escalations_changed": [c.as_dict() for c in self.escalations],
            "phases_moved": [c.as_dict() for c in self.phases],
        }


def tree_edges(tree: m.Tree) -> list[Edge]:
    """Every edge of a tree, node by node in file order."""
    found = [
        Edge(node_id, label, target)
        for node_id, node in tree.nodes.items()
        for label, target in node.edges()
    ]
    return list(dict.fromkeys(found))


def diff_trees(old: m.Tree, new: m.Tree) -> TreeDiff:
    """Compare two loaded trees node by node."""
    result = TreeDiff(old, new)
    added = [n for n in new.nodes if n not in old.nodes]
    removed = [n for n in old.nodes if n not in new.nodes]
    result.renamed = _renames(old, new, removed, added)
    result.added = [n for n in added if n not in result.renamed.values()]
    result.removed = [n for n in removed if n not in result.renamed]
    for node_id, node in new.nodes.items():
        before = old.nodes.get(node_id)
        if before is None:
            continue
        keys = changed_keys(before, node)
        if keys:
            result.changed[node_id] = keys
        if before.phase != node.phase:
            result.phases.append(Change(node_id, before.phase, node.phase))
    new_edges = tree_edges(new)
    old_edges = [_renamed(e, result.renamed) for e in tree_edges(old)]
    result.edges_added = [e for e in new_edges if e not in set(old_edges)]
    result.edges_removed = [e for e in old_edges if e not in set(new_edges)]
    result.outcomes = _ends(old, new, m.Resolve)
    result.escalations = _ends(old, new, m.Escalate)
    if old.escalation != new.escalation:
        result.escalations.insert(0, Change("", old.escalation, new.escalation))
    return result


def _renames(old: m.Tree, new: m.Tree, removed: list[str], added: list[str]) -> dict[str, str]:
    """Removed nodes that reappear under another id with the same kind and keys."""
    found: dict[str, str] = {}
    for old_id in removed:
        for new_id in added:
            if new_id not in found.values() and _same_but_id(old.nodes[old_id], new.nodes[new_id]):
                found[old_id] = new_id
                break
    return found


def _same_but_id(old: m.Node, new: m.Node) -> bool:
    return type(old) is type(new) and all(
        _comparable(getattr(old, f.name)) == _comparable(getattr(new, f.name))
        for f in dataclasses.fields(old)
        if f.name not in ("id", "path", "line", "col")
    )


def _renamed(edge: Edge, renames: dict[str, str]) -> Edge:
    return Edge(
        renames.get(edge.source, edge.source), edge.label, renames.get(edge.target, edge.target)
    )


def changed_keys(old: m.Node, new: m.Node) -> list[str]:
    """The YAML keys whose values differ between two versions of one node."""
    if type(old) is not type(new):
        return [f"kind ({kind(old)} -> {kind(new)})"]
    keys = []
    for spec in dataclasses.fields(old):
        if spec.name in _NOT_KEYS:
            continue
        if _comparable(getattr(old, spec.name)) != _comparable(getattr(new, spec.name)):
            keys.append(_YAML_KEYS.get(spec.name, spec.name))
    if isinstance(old, m.Ask) and isinstance(new, m.Ask) and "choices" in keys:
        keys[keys.index("choices")] = _choices_changed(old, new)
    return keys


def _choices_changed(old: m.Ask, new: m.Ask) -> str:
    """`choices` with the values added and removed, when there are any."""
    before, after = [c.value for c in old.choices], [c.value for c in new.choices]
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    parts = [
        f"{what} {', '.join(values)}"
        for what, values in (("added", added), ("removed", removed))
        if values
    ]
    return f"choices ({'; '.join(parts)})" if parts else "choices"


def _comparable(value: object) -> object:
    """A value with source positions (which move when a file is edited) left out."""
    if isinstance(value, tuple):
        return tuple(_comparable(item) for item in value)
    if isinstance(value, m.Branch):
        return (value.when, value.then)
    return value


def _ends(old: m.Tree, new: m.Tree, cls: type[m.Resolve] | type[m.Escalate]) -> list[Change]:
    """Outcomes (of resolve nodes) or tiers (of escalate nodes) that changed."""

    def what(node: m.Node | None) -> str | None:
        if isinstance(node, m.Resolve) and cls is m.Resolve:
            return str(node.outcome)
        if isinstance(node, m.Escalate) and cls is m.Escalate:
            return node.tier
        return None

    found = []
    for node_id in dict.fromkeys([*old.nodes, *new.nodes]):
        before, after = what(old.nodes.get(node_id)), what(new.nodes.get(node_id))
        both = node_id in old.nodes and node_id in new.nodes
        if both and before != after and (before or after):
            found.append(Change(node_id, before, after))
    return found


def markdown(diff: TreeDiff) -> str:
    """The diff as Markdown for a pull request: one section per kind of change."""
    old, new = diff.old, diff.new
    lines = [f"## Tree `{new.id}`: revision {old.revision} → {new.revision}", ""]
    if diff.empty:
        return "\n".join([*lines, "No change to nodes, edges, outcomes, escalations or phases."])
    sections = [
        ("Nodes added", [f"`{n}` ({kind(new.nodes[n])})" for n in diff.added]),
        ("Nodes removed", [f"`{n}` ({kind(old.nodes[n])})" for n in diff.removed]),
        ("Nodes renamed", [f"`{o}` → `{n}`" for o, n in diff.renamed.items()]),
        ("Nodes changed", [f"`{n}`: {', '.join(k)}" for n, k in diff.changed.items()]),
        ("Edges added", [_edge_line(e) for e in diff.edges_added]),
        ("Edges removed", [_edge_line(e) for e in diff.edges_removed]),
        ("Outcomes changed", [_change_line(c) for c in diff.outcomes]),
        ("Escalation targets changed", [_change_line(c) for c in diff.escalations]),
        ("Phases moved", [_change_line(c) for c in diff.phases]),
    ]
    for title, items in sections:
        if items:
            lines += [f"### {title} ({len(items)})", "", *(f"- {i}" for i in items), ""]
    return "\n".join(lines).rstrip()


def _edge_line(edge: Edge) -> str:
    shown = escape_markdown(edge.label) if "`" in edge.label else f"`{edge.label}`"
    label = f" ({shown})" if edge.label else ""
    return f"`{edge.source}`{label} → `{edge.target}`"


def _change_line(change: Change) -> str:
    where = f"`{change.node}`" if change.node else "default escalation"
    return f"{where}: {change.old or '(none)'} → {change.new or '(none)'}"
