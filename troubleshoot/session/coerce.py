"""Turning a given answer (typed, picked or scripted) into the value a step expects."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, assert_never

from troubleshoot.errors import AnswersError
from troubleshoot.session.step import StepKind
from troubleshoot.tree.model import Choice, Rules

YES = frozenset({"yes", "y", "true", "fixed", "1"})
NO = frozenset({"no", "n", "false", "not fixed", "not-fixed", "0"})


class InvalidAnswer(AnswersError):
    """An answer that does not fit the question."""


def coerce(kind: StepKind, choices: tuple[Choice, ...], raw: Any) -> tuple[Any, str]:
    """The value for a step of this kind and how it is shown; raises `InvalidAnswer`."""
    match kind:
        case StepKind.INFO:
            return None, "continue"
        case StepKind.ACTION:
            return _done(raw)
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
        case StepKind.DATE:
            return _date(raw)
        case _:
            assert_never(kind)


def check_rules(rules: Rules, value: Any) -> None:
    """Raise `InvalidAnswer` (with the tree's `invalid` message if it has one) when `value`
    breaks one of the question's rules."""
    broken = _broken_rule(rules, value)
    if broken:
        raise InvalidAnswer(rules.invalid or broken)


def _broken_rule(rules: Rules, value: Any) -> str | None:
    if isinstance(value, str):
        if rules.pattern is not None and not re.fullmatch(rules.pattern, value):
            return f"{value!r} does not have the expected form ({rules.pattern})"
        if rules.min_length is not None and len(value) < rules.min_length:
            return f"type at least {rules.min_length} characters"
        if rules.max_length is not None and len(value) > rules.max_length:
            return f"type at most {rules.max_length} characters"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if rules.min is not None and value < rules.min:
            return f"{value} is less than {_plain(rules.min)}"
        if rules.max is not None and value > rules.max:
            return f"{value} is more than {_plain(rules.max)}"
    return None


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


_DAYS_AGO = re.compile(r"(\d{1,5}) days? ago")


def _date(raw: Any) -> tuple[date, str]:
    """YYYY-MM-DD, `today`, `yesterday` or `N days ago`."""
    if isinstance(raw, date):
        return raw, raw.isoformat()
    text = " ".join(str(raw).strip().lower().split())
    ago = _DAYS_AGO.fullmatch(text)
    if text in ("today", "yesterday") or ago:
        days = int(ago[1]) if ago else 0 if text == "today" else 1
        day = date.today() - timedelta(days=days)
        return day, day.isoformat()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidAnswer(
            f"expected a date as YYYY-MM-DD (or today, yesterday, 3 days ago), got {raw!r}"
        ) from None
    return day, day.isoformat()


DONE = frozenset({"done", "yes", "y", "true", "continue"})


def _done(raw: Any) -> tuple[bool, str]:
    """An action is answered by ticking it: done."""
    if raw is None or raw is True or str(raw).strip().lower() in DONE:
        return True, "done"
    raise InvalidAnswer(f"tick the action once it is done (answer done), got {raw!r}")


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
