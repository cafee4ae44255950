"""The decision-tree model: frozen dataclasses built by the loader and read by the engine.

One class per node kind (`Ask`, `Info`, `Route`, `Try`, `Fix`, `Call`, `Goto`, `Return`,
`Escalate`, `Resolve`, `Action`, `ForEach`); `Node` is their union. Each class declares its kind
once: its `KIND` (the YAML key), its own `KEYS`, and its outgoing `edges()`. Nodes of imported
sub-trees live in the same `Tree.nodes` mapping under qualified ids (``alias.node-id``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

FORMAT_VERSION = 1
FORMAT_MINOR = 1
"""The newest format read: 1.1 adds keys to 1 (a `format: 1` file may use them too)."""
DEFAULT_PHASES = ("diagnose", "replicate", "isolate", "fix")
DEFAULT_VERIFY = "Did that fix it?"

INTAKE_FIELDS = ("ticket", "customer", "tone", "desired_outcome")
"""What the agent asks before the tree starts; each is also a variable trees can use."""
LAST_FIX = "last_fix"
"""The variable holding the last `try` item or `fix` that fixed the problem."""
AGENT = "agent"
VISITS = "visits"
"""How often each node was entered: ``visits['node-id']``."""
BUILTIN_VARIABLES = (LAST_FIX, *INTAKE_FIELDS, AGENT)
"""Variables every tree has, besides `vars`, `save_as` and `return` names."""


class NodeKind(StrEnum):
    """The node kinds: each is the one primary key of a node in YAML."""

    ASK = "ask"
    INFO = "info"
    ROUTE = "route"
    TRY = "try"
    FIX = "fix"
    CALL = "call"
    GOTO = "goto"
    RETURN = "return"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    ACTION = "action"
    FOR_EACH = "for_each"


class AskType(StrEnum):
    SELECT = "select"
    CONFIRM = "confirm"
    TEXT = "text"
    NUMBER = "number"
    MULTISELECT = "multiselect"
    DATE = "date"
    """A calendar day, typed YYYY-MM-DD (or today, yesterday, 3d ago); format 1.1."""


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


CLOSING_OUTCOMES = tuple(o for o in Outcome if o is not Outcome.ESCALATED)
"""Outcomes a `resolve` node (or an agent closing a case) can give."""


@dataclass(frozen=True)
class Branch:
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


Argument = tuple[str, object]
"""One `with:` argument: its name and the value as written (text may be a template; a text
that is one ``{{ expression }}`` gives the expression's value)."""


Edge = tuple[str, str]
"""(label, target node id) of one way on from a node; the label may be empty."""


@dataclass(frozen=True, kw_only=True)
class NodeBase:
    """What every node kind has; `line`/`col` locate the node id in `path`.

    A kind declares `KIND` (its YAML key), `KEYS` (the keys only it takes, besides `COMMON_KEYS`)
    and overrides `edges()` when it leads anywhere besides `next`.
    """

    KIND: ClassVar[NodeKind]
    KEYS: ClassVar[tuple[str, ...]] = ()

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
    next: tuple[Branch, ...] = ()
    sets: tuple[tuple[str, str], ...] = ()
    """`set: {name: expression}`: variables assigned on entering the node (format 1.1)."""

    @property
    def text(self) -> str:
        """The node's main line of text (question, instruction, summary)."""
        return ""

    def edges(self) -> list[Edge]:
        """Every way on from this node, in the order they are written."""
        return [(branch.when or "", branch.then) for branch in self.next]

    def targets(self) -> list[str]:
        """Every node id this node can lead to directly."""
        return [target for _, target in self.edges()]


@dataclass(frozen=True)
class Rules:
    """What a typed answer must be (format 1.1): checked on every answer, with `invalid` (or a
    message made from the rule) shown when it is not."""

    pattern: str | None = None
    """A regular expression the whole text must match."""
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    invalid: str | None = None

    def __bool__(self) -> bool:
        return any(
            v is not None
            for v in (self.pattern, self.min, self.max, self.min_length, self.max_length)
        )


RULE_KEYS = ("pattern", "min", "max", "min_length", "max_length", "invalid")


@dataclass(frozen=True, kw_only=True)
class Ask(NodeBase):
    KIND = NodeKind.ASK
    KEYS = (
        "type",
        "choices",
        "choices_from",
        "save_as",
        "default",
        "on_yes",
        "on_no",
        "sensitive",
        *RULE_KEYS,
    )

    ask: str
    type: AskType = AskType.SELECT
    choices: tuple[Choice, ...] = ()
    save_as: str | None = None
    default: str | None = None
    """The answer offered first (a template); used when an answers file leaves the node out."""
    on_yes: str | None = None
    on_no: str | None = None
    rules: Rules = field(default_factory=Rules)
    choices_from: str | None = None
    """A list variable whose items are the choices (format 1.1)."""
    sensitive: bool = False
    """Used for routing, never logged in clear (a PIN, a security answer; format 1.1)."""

    @property
    def text(self) -> str:
        return self.ask

    def edges(self) -> list[Edge]:
        found = [(c.label, c.next) for c in self.choices if c.next]
        found += [(w, t) for w, t in (("yes", self.on_yes), ("no", self.on_no)) if t]
        return found + super().edges()


@dataclass(frozen=True, kw_only=True)
class Info(NodeBase):
    KIND = NodeKind.INFO

    info: str

    @property
    def text(self) -> str:
        return self.info


@dataclass(frozen=True, kw_only=True)
class Route(NodeBase):
    KIND = NodeKind.ROUTE

    route: tuple[Branch, ...]

    def edges(self) -> list[Edge]:
        return [(b.when or "else", b.then) for b in self.route] + super().edges()


@dataclass(frozen=True, kw_only=True)
class Try(NodeBase):
    KIND = NodeKind.TRY
    KEYS = ("verify", "on_fixed", "on_not_fixed")

    items: tuple[str, ...]
    verify: str
    on_fixed: str | None = None
    on_not_fixed: str | None = None

    @property
    def text(self) -> str:
        return self.verify

    def edges(self) -> list[Edge]:
        return _verify_edges(self.on_fixed, self.on_not_fixed) + super().edges()


@dataclass(frozen=True, kw_only=True)
class Fix(NodeBase):
    KIND = NodeKind.FIX
    KEYS = ("steps", "verify", "max_attempts", "on_fixed", "on_not_fixed")

    fix: str
    steps: tuple[str, ...] = ()
    verify: str | None = None
    max_attempts: int = 1
    on_fixed: str | None = None
    on_not_fixed: str | None = None

    @property
    def text(self) -> str:
        return self.fix

    def edges(self) -> list[Edge]:
        return _verify_edges(self.on_fixed, self.on_not_fixed) + super().edges()


@dataclass(frozen=True, kw_only=True)
class Call(NodeBase):
    KIND = NodeKind.CALL
    KEYS = ("with",)

    call: str
    arguments: tuple[Argument, ...] = ()
    """`with:` values set as variables before the sub-tree starts (format 1.1)."""

    @property
    def text(self) -> str:
        return f"Sub-tree {self.call}"

    def edges(self) -> list[Edge]:
        return [("call", self.call), *super().edges()]


@dataclass(frozen=True, kw_only=True)
class Goto(NodeBase):
    KIND = NodeKind.GOTO

    goto: str

    def edges(self) -> list[Edge]:
        return [("goto", self.goto), *super().edges()]


@dataclass(frozen=True, kw_only=True)
class Return(NodeBase):
    KIND = NodeKind.RETURN

    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Action(NodeBase):
    """Something the agent does in another system ("Offer refund"), with its arguments: shown as
    a checklist line the agent ticks, logged as an `action` event (format 1.1)."""

    KIND = NodeKind.ACTION
    KEYS = ("with",)

    action: str
    arguments: tuple[Argument, ...] = ()

    @property
    def text(self) -> str:
        return self.action


@dataclass(frozen=True, kw_only=True)
class ForEach(NodeBase):
    """Runs the steps from `do` to a `return` once per item of a list variable (format 1.1):
    each item is `as` in turn, and what each round returns is kept, item by item, as a list in
    `save_as`."""

    KIND = NodeKind.FOR_EACH
    KEYS = ("as", "do", "save_as")

    items: str
    """The list variable."""
    item: str = "item"
    do: str
    save_as: str | None = None

    @property
    def text(self) -> str:
        return f"For each of {self.items}"

    def edges(self) -> list[Edge]:
        return [("each", self.do), *super().edges()]


@dataclass(frozen=True, kw_only=True)
class Escalate(NodeBase):
    KIND = NodeKind.ESCALATE
    KEYS = ("reason", "reply")

    tier: str
    reason: str | None = None
    reply: str | None = None

    @property
    def text(self) -> str:
        return f"Escalate to {self.tier}"


@dataclass(frozen=True, kw_only=True)
class Resolve(NodeBase):
    KIND = NodeKind.RESOLVE
    KEYS = ("outcome", "reply", "follow_up")

    summary: str
    outcome: Outcome = Outcome.RESOLVED
    reply: str | None = None
    follow_up: str | None = None

    @property
    def text(self) -> str:
        return self.summary


def _verify_edges(on_fixed: str | None, on_not_fixed: str | None) -> list[Edge]:
    return [(w, t) for w, t in (("fixed", on_fixed), ("not fixed", on_not_fixed)) if t]


Node = Ask | Info | Route | Try | Fix | Call | Goto | Return | Escalate | Resolve | Action | ForEach
NODE_CLASSES: tuple[type[Node], ...] = (
    Ask,
    Info,
    Route,
    Try,
    Fix,
    Call,
    Goto,
    Return,
    Escalate,
    Resolve,
    Action,
    ForEach,
)
"""Every node kind's class, in `NodeKind` order."""
COMMON_KEYS = ("phase", "say", "body", "help", "links", "when", "next", "set")
"""Keys every node kind takes."""
KIND_KEYS: Mapping[NodeKind, tuple[str, ...]] = {cls.KIND: cls.KEYS for cls in NODE_CLASSES}


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

    def outcomes(self, only: Collection[str] | None = None) -> list[str]:
        """Every outcome a session on this tree can end with, in file order; `only` limits the
        nodes looked at (to those a session can reach)."""
        seen: dict[str, None] = {}
        for node in self.nodes.values():
            if only is not None and node.id not in only:
                continue
            if isinstance(node, Resolve):
                seen[str(node.outcome)] = None
            elif isinstance(node, Escalate):
                seen[str(Outcome.ESCALATED)] = None
        return list(seen)
