"""Keeping sensitive answers (`sensitive: true` questions) out of the case log.

The walk uses the clear answer for routing; everything written to the log goes through a `Masker`
first: the answer event of a sensitive question holds `MASKED` / `MASKED_VALUE`, variables saved
from it are masked, and the clear value is replaced wherever else it shows up (a summary, a
`set`, an action's arguments, a reply), so no text, value, FTS index or export holds it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from troubleshoot.cases.records import MASKED, MASKED_VALUE, Ending, Event, EventKind
from troubleshoot.session.engine import End, State
from troubleshoot.tree.model import Ask, Tree

MIN_SCRUBBED = 3
"""Shorter values (yes, no, a one-digit choice) are masked in their own event and variable
only: replacing them in every text would hide ordinary words."""


class Masker:
    """Masks what one session's tree marks sensitive, learning the clear values as they come."""

    def __init__(self, tree: Tree) -> None:
        asks = [n for n in tree.nodes.values() if isinstance(n, Ask) and n.sensitive]
        self.nodes = {n.id for n in asks}
        self.names = {n.save_as for n in asks if n.save_as}
        self.secrets: set[str] = set()

    def learn(self, state: State) -> None:
        """Remember the clear sensitive answers of `state`, to find them in any text."""
        for answer in state.answers:
            if answer.node in self.nodes:
                values = answer.value if isinstance(answer.value, list) else [answer.value]
                self.secrets |= {str(v) for v in values if len(str(v)) >= MIN_SCRUBBED}

    def text(self, text: str | None) -> str | None:
        if text is None:
            return None
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, MASKED)
        return text

    def value(self, value: Any) -> Any:
        """A JSON-ready value with sensitive variables and clear values masked (a date as
        YYYY-MM-DD text, as the case log keeps it)."""
        if isinstance(value, date):
            return self.text(value.isoformat())
        if isinstance(value, dict):
            return {k: MASKED if k in self.names else self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        if value is not None and not isinstance(value, bool) and str(value) in self.secrets:
            return MASKED
        return value

    def event(self, event: Event) -> Event:
        if event.kind is EventKind.ANSWER and event.node in self.nodes:
            event = replace(event, answer=MASKED, value=dict(MASKED_VALUE))
        return replace(
            event,
            prompt=self.text(event.prompt),
            answer=self.text(event.answer),
            text=self.text(event.text),
            value=self.value(event.value),
        )

    def ending(self, ending: Ending) -> Ending:
        return replace(
            ending,
            summary=self.text(ending.summary) or "",
            reply=self.text(ending.reply),
            variables=self.value(dict(ending.variables)),
            escalation_reason=self.text(ending.escalation_reason),
            fixed_by=self.text(ending.fixed_by),
        )

    def end(self, end: End) -> End:
        """The end as shown and handed on (summary, reply draft, reason) with values masked."""
        return replace(
            end,
            summary=self.text(end.summary) or "",
            reply=self.text(end.reply),
            reason=self.text(end.reason),
            say=self.text(end.say),
        )
