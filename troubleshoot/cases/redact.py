"""`--redact`: e-mail addresses, phone numbers and card-like numbers taken out of free text.

Applied to every text a person typed or that was filled in from it (customer's words, answers,
notes, summaries, replies, variables), never to ids, dates or the tree's own names.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from troubleshoot.cases.records import Case, Event

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SESSION_TEXT = ("customer", "desired_outcome", "summary", "reply", "note", "escalation_reason")
EVENT_TEXT = ("prompt", "answer", "text")


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    digits = sum(c.isdigit() for c in found)
    return found if digits < 7 or DATE.fullmatch(found) else "[phone]"


def redact(text: str) -> str:
    """`text` with e-mail addresses, card-like numbers and phone numbers replaced."""
    text = EMAIL.sub("[email]", text)
    text = CARD.sub("[card]", text)
    return PHONE.sub(_phone, text)


def redact_value(value: Any) -> Any:
    """Every string inside a JSON value redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    return value


def _event(event: Event) -> Event:
    fields: dict[str, Any] = {
        name: redact(getattr(event, name)) for name in EVENT_TEXT if getattr(event, name)
    }
    return replace(event, value=redact_value(event.value), **fields)


def redact_case(case: Case) -> Case:
    session = case.session
    fields: dict[str, Any] = {
        name: redact(getattr(session, name)) for name in SESSION_TEXT if getattr(session, name)
    }
    session = replace(session, variables=redact_value(dict(session.variables)), **fields)
    return Case(session, tuple(_event(e) for e in case.events))
