"""Turning a given answer (typed, picked or scripted) into the value a step expects."""

from __future__ import annotations

from typing import Any, assert_never

from troubleshoot.errors import AnswersError
from troubleshoot.session.step import StepKind
from troubleshoot.tree.model import Choice

YES = frozenset({"yes", "y", "true", "fixed", "1"})
NO = frozenset({"no", "n", "false", "not fixed", "not-fixed", "0"})


class InvalidAnswer(AnswersError):
    """An answer that does not fit the question."""


def coerce(kind: StepKind, choices: tuple[Choice, ...], raw: Any) -> tuple[Any, str]:
    """The value for a step of this kind and how it is shown; raises `InvalidAnswer`."""
    match kind:
        case StepKind.INFO:
            return None, "continue"
        case StepKind.CONFIRM:
            return _confirm(raw)
        case StepKind.NUMBER:
            return _number(raw)
        case StepKind.SELECT:
            choice = _choice(choices, raw)
            return choice.value, choice.label
        case StepKind.MULTISELECT:
            return _multiselect(choices, raw)
        case StepKind.TEXT:
            return _text(raw)
        case _:
            assert_never(kind)


def _text(raw: Any) -> tuple[str, str]:
    if isinstance(raw, (dict, list)) or raw is None:
        raise InvalidAnswer(f"expected text, got {raw!r}")
    text = str(raw)
    return text, text


def _multiselect(choices: tuple[Choice, ...], raw: Any) -> tuple[list[str], str]:
    items = raw if isinstance(raw, list) else [p for p in str(raw).split(",") if p.strip()]
    picked = [_choice(choices, item) for item in items]
    return [c.value for c in picked], ", ".join(c.label for c in picked) or "(none)"


def _confirm(raw: Any) -> tuple[bool, str]:
    if isinstance(raw, bool):
        return raw, "yes" if raw else "no"
    word = str(raw).strip().lower()
    if word in YES:
        return True, "yes"
    if word in NO:
        return False, "no"
    raise InvalidAnswer(f"expected yes or no, got {raw!r}")


def _number(raw: Any) -> tuple[float | int, str]:
    if isinstance(raw, bool):
        raise InvalidAnswer(f"expected a number, got {raw!r}")
    value: float | int
    if isinstance(raw, (int, float)):
        value, text = raw, str(raw)
    else:
        text = str(raw).strip().replace(",", "")
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise InvalidAnswer(f"expected a number, got {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidAnswer(f"expected a number, got {raw!r}")
    return value, text


MAX_LISTED = 20  # choices named in a message; a tree may have thousands


def _choice(choices: tuple[Choice, ...], raw: Any) -> Choice:
    text = str(raw).strip()
    for choice in choices:
        if choice.value == text:
            return choice
    for choice in choices:
        if choice.label.lower() == text.lower() or choice.value.lower() == text.lower():
            return choice
    shown = repr(raw) if len(repr(raw)) <= 60 else repr(raw)[:57] + "..."
    valid = ", ".join(c.value for c in choices[:MAX_LISTED])
    if len(choices) > MAX_LISTED:
        valid += f", ... and {len(choices) - MAX_LISTED:,} more"
    raise InvalidAnswer(f"{shown} is not one of the choices ({valid})")
