"""Reading the answer rules of an `ask` node (`pattern`, `min`, `max`, `min_length`,
`max_length`, `invalid`) and its `default`, with a located problem for each misuse."""

from __future__ import annotations

import re
from datetime import date

from troubleshoot.tree import model as m
from troubleshoot.tree.fields import Fields

RULE_TYPES = {
    "min": (m.AskType.NUMBER,),
    "max": (m.AskType.NUMBER,),
    "pattern": (m.AskType.TEXT,),
    "min_length": (m.AskType.TEXT,),
    "max_length": (m.AskType.TEXT,),
}
_RULE_KEYS = frozenset((*RULE_TYPES, "invalid"))


def read_rules(fields: Fields, ask_type: m.AskType) -> m.Rules:
    """The rules written on an `ask`; a rule that does not fit its type is reported."""
    if fields.data.keys().isdisjoint(_RULE_KEYS):
        return m.Rules()  # most questions have none
    for key, types in RULE_TYPES.items():
        if fields.has(key) and ask_type not in types:
            fields.report.error(
                fields.key_mark(key),
                f"'{key}' in {fields.where} fits {' and '.join(types)} questions only, "
                f"not {ask_type} (add 'type: {types[0]}' or remove '{key}')",
            )
    rules = m.Rules(
        pattern=_pattern(fields),
        min=_bound(fields, "min"),
        max=_bound(fields, "max"),
        min_length=_length(fields, "min_length"),
        max_length=_length(fields, "max_length"),
        invalid=fields.text("invalid"),
    )
    _check_order(fields, rules.min, rules.max, ("min", "max"))
    _check_order(fields, rules.min_length, rules.max_length, ("min_length", "max_length"))
    if rules.invalid is not None and not rules:
        fields.report.error(
            fields.key_mark("invalid"),
            f"'invalid' in {fields.where} is the message for a wrong answer, but the question "
            "has no rule to break: add pattern, min, max, min_length or max_length",
        )
    return rules


def _pattern(fields: Fields) -> str | None:
    pattern = fields.text("pattern")
    if pattern is None:
        return None
    try:
        re.compile(pattern)
    except re.error as exc:
        fields.report.error(
            fields.mark("pattern"),
            f"'pattern' in {fields.where} is not a regular expression: {exc}",
        )
        return None
    return pattern


def _bound(fields: Fields, key: str) -> float | None:
    value = fields.raw(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fields.report.error(
            fields.mark(key), f"'{key}' in {fields.where} must be a number, not {value!r}"
        )
        return None
    return value


def _length(fields: Fields, key: str) -> int | None:
    if not fields.has(key):
        return None
    return fields.integer(key, 0, minimum=0)


def _check_order(
    fields: Fields, low: float | None, high: float | None, keys: tuple[str, str]
) -> None:
    if low is not None and high is not None and low > high:
        fields.report.error(
            fields.mark(keys[1]),
            f"'{keys[1]}' in {fields.where} is less than '{keys[0]}': no answer could pass",
        )


def check_default(fields: Fields, node: m.Ask) -> None:
    """Report a `default` that the question could never take (templates are checked later)."""
    default = node.default
    if default is None or "{{" in default or "{%" in default:
        return
    where, mark = fields.where, fields.mark("default")
    problem = None
    if node.type is m.AskType.NUMBER and not _is_number(default):
        problem = "must be a number"
    elif node.type is m.AskType.DATE and not _is_date(default):
        problem = "must be a date (YYYY-MM-DD, today or 3 days ago)"
    elif node.type is m.AskType.CONFIRM and default.lower() not in ("yes", "no"):
        problem = "must be yes or no"
    elif (
        node.type is m.AskType.SELECT
        and node.choices
        and not any(default in (c.value, c.label) for c in node.choices)
    ):
        problem = f"must be one of the choices ({', '.join(c.value for c in node.choices)})"
    elif node.rules.pattern and not re.fullmatch(node.rules.pattern, default):
        problem = f"does not match the pattern {node.rules.pattern!r}"
    if problem:
        fields.report.error(mark, f"'default: {default}' in {where} {problem}")


def _is_date(text: str) -> bool:
    if text in ("today", "yesterday") or re.fullmatch(r"\d{1,5} days? ago", text):
        return True
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
