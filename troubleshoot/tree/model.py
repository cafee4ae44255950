"""The decision-tree model: frozen dataclasses built by the loader and read by the engine.

One class per node kind (`Ask`, `Info`, `Route`, `Try`, `Fix`, `Call`, `Goto`, `Return`,
`Escalate`, `Resolve`); `Node` is their union. Nodes of imported sub-trees live in the same
`Tree.nodes` mapping under qualified ids (``alias.node-id``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

FORMAT_VERSION = 1
DEFAULT_PHASES = ("diagnose", "replicate", "isolate", "fix")


class AskType(StrEnum):
    SELECT = "select"
    CONFIRM = "confirm"
    TEXT = "text"
    NUMBER = "number"
    MULTISELECT = "multiselect"


class Outcome(StrEnum):
    """How a case ended; `escalated` is used for sessions handed to another tier."""

    RESOLVED = "resolved"
    WORKAROUND = "workaround"
    BUG_FILED = "bug-filed"
    FEATURE_REQUEST = "feature-request"
    WORKS_AS_DESIGNED = "works-as-designed"
    NOT_REPRODUCED = "not-reproduced"
    UNRESOLVED = "unresolved"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class Case:
    """One branch of a `route` or of a conditional `next`; `when` is None for `else`."""

    when: str | None
    then: str
    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class Choice:
    label: str
    value: str
    next: str | None = None


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, kw_only=True)
class NodeBase:
    """What every node kind has; `line`/`col` locate the node id in `path`."""

    id: str
    path: str = ""
    line: int = 0
    col: int = 0
    phase: str | None = None
    say: str | None = None
    body: str | None = None
    help: str | None = None
    links: tuple[Link, ...] = ()
    when: str | None = None
    next: tuple[Case, ...] = ()

    @property
    def text(self) -> str:
        """The node's main line of text (question, instruction, summary)."""
        return ""

    def targets(self) -> list[str]:
        """Every node id this node can lead to directly."""
        return [case.then for case in self.next]


@dataclass(frozen=True, kw_only=True)
class Ask(NodeBase):
    ask: str
    type: AskType = AskType.SELECT
    choices: tuple[Choice, ...] = ()
    save_as: str | None = None
    default: str | None = None
    on_yes: str | None = None
    on_no: str | None = None

    @property
    def text(self) -> str:
        return self.ask

    def targets(self) -> list[str]:
        extra = [c.next for c in self.choices if c.next]
        extra += [t for t in (self.on_yes, self.on_no) if t]
        return extra + super().targets()


@dataclass(frozen=True, kw_only=True)
class Info(NodeBase):
    info: str

    @property
    def text(self) -> str:
        return self.info


@dataclass(frozen=True, kw_only=True)
class Route(NodeBase):
    route: tuple[Case, ...]

    def targets(self) -> list[str]:
        return [case.then for case in self.route] + super().targets()


@dataclass(frozen=True, kw_only=True)
class Try(NodeBase):
    items: tuple[str, ...]
    verify: str
    on_fixed: str | None = None
    on_not_fixed: str | None = None

    @property
    def text(self) -> str:
        return "Try the basics, one at a time"

    def targets(self) -> list[str]:
        return [t for t in (self.on_fixed, self.on_not_fixed) if t] + super().targets()


@dataclass(frozen=True, kw_only=True)
class Fix(NodeBase):
    fix: str
    steps: tuple[str, ...] = ()
    verify: str | None = None
    max_attempts: int = 1
    on_fixed: str | None = None
    on_not_fixed: str | None = None

    @property
    def text(self) -> str:
        return self.fix

    def targets(self) -> list[str]:
        return [t for t in (self.on_fixed, self.on_not_fixed) if t] + super().targets()


@dataclass(frozen=True, kw_only=True)
class Call(NodeBase):
    call: str

    @property
    def text(self) -> str:
        return f"Sub-tree {self.call}"

    def targets(self) -> list[str]:
        return [self.call, *super().targets()]


@dataclass(frozen=True, kw_only=True)
class Goto(NodeBase):
    goto: str

    def targets(self) -> list[str]:
        return [self.goto]


@dataclass(frozen=True, kw_only=True)
class Return(NodeBase):
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Escalate(NodeBase):
    tier: str
    reason: str | None = None
    reply: str | None = None

    @property
    def text(self) -> str:
        return f"Escalate to {self.tier}"


@dataclass(frozen=True, kw_only=True)
class Resolve(NodeBase):
    summary: str
    outcome: Outcome = Outcome.RESOLVED
    reply: str | None = None
    follow_up: str | None = None

    @property
    def text(self) -> str:
        return self.summary


Node = Ask | Info | Route | Try | Fix | Call | Goto | Return | Escalate | Resolve


@dataclass(frozen=True)
class VarSpec:
    name: str
    type: str = "str"
    default: object = None


@dataclass(frozen=True)
class Source:
    """The text of one file a tree was built from, for the case log's `trees` table."""

    path: str
    sha256: str
    text: str


@dataclass(frozen=True)
class Tree:
    id: str
    title: str
    path: Path
    sha256: str
    revision: int = 1
    format: int = FORMAT_VERSION
    description: str | None = None
    tags: tuple[str, ...] = ()
    phases: tuple[str, ...] = DEFAULT_PHASES
    library: bool = False
    start: str | None = None
    escalation: str | None = None
    vars: Mapping[str, VarSpec] = field(default_factory=dict)
    imports: Mapping[str, str] = field(default_factory=dict)
    nodes: Mapping[str, Node] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()

    def own_nodes(self) -> Iterator[Node]:
        """Nodes written in this tree's own file (not in its imports)."""
        for node in self.nodes.values():
            if node.path == str(self.path):
                yield node

    def outcomes(self) -> list[str]:
        """Every outcome a session on this tree can end with, in file order."""
        seen: dict[str, None] = {}
        for node in self.nodes.values():
            if isinstance(node, Resolve):
                seen[str(node.outcome)] = None
            elif isinstance(node, Escalate):
                seen[str(Outcome.ESCALATED)] = None
        return list(seen)
