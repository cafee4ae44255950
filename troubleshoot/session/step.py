"""One prompt for the agent (`Step`) and the kinds of answer a step takes (`StepKind`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the intake imports this before any tree is loaded
    from troubleshoot.tree import model as m


class StepKind(StrEnum):
    """How a step is answered: the question types of `ask` nodes, plus `info` (continue) and
    `action` (done)."""

    SELECT = "select"
    CONFIRM = "confirm"
    TEXT = "text"
    NUMBER = "number"
    MULTISELECT = "multiselect"
    DATE = "date"
    INFO = "info"
    ACTION = "action"
    """An action node's checklist line: the agent ticks it once done."""

    @classmethod
    def of(cls, ask_type: m.AskType) -> StepKind:
        return cls(str(ask_type))


@dataclass(frozen=True)
class Step:
    """One prompt for the agent. `key` is unique within a node visit (``try-node#2``)."""

    node: m.Node
    key: str
    kind: StepKind
    question: str
    number: int
    item: str | None = None
    attempt: int = 1
    choices: tuple[m.Choice, ...] = ()
    steps: tuple[str, ...] = ()
    say: str | None = None
    body: str | None = None
    help: str | None = None
    phase: str | None = None
    default: str | None = None
    """The answer offered first (an `ask`'s `default`, filled in)."""
    arguments: dict[str, Any] | None = None
    """An action's arguments, filled in (for its `action` event)."""
