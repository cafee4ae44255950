"""Reading typed fields out of located YAML values, with one problem per mistake.

`Fields` wraps one mapping of a tree file and answers "give me key K as text / an int / a list of
text", recording a located problem (with "did you mean ...?") instead of raising.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from troubleshoot.tree.located import LocatedDict, LocatedList, Mark
from troubleshoot.tree.problems import Problem, Severity

_KEBAB_WORDS = r"[a-z0-9]+(?:-[a-z0-9]+)*"
NODE_ID_PATTERN = rf"^{_KEBAB_WORDS}$"
"""Tree and node ids: kebab-case."""
QUALIFIED_ID_PATTERN = rf"^{_KEBAB_WORDS}(?:\.{_KEBAB_WORDS})*$"
"""A node id as written in a reference, possibly into an import (``alias.node-id``)."""
NAME_PATTERN = r"^[a-z_][a-z0-9_]*$"
"""Variable names (`vars`, `save_as`, `return`): snake_case."""
FOLLOW_UP_PATTERN = r"^\d+[hdw]$"
"""A follow-up delay: hours, days or weeks (``4h``, ``2d``, ``1w``)."""
MAX_FOLLOW_UP_DAYS = 3660
"""The furthest a follow-up may be: ten years."""
MAX_WHOLE = 2**31 - 1
"""The largest whole number a tree may hold (revisions, attempts): what every database stores."""
_DAYS_PER = {"h": 0, "d": 1, "w": 7}


def follow_up_days(spec: str) -> int | None:
    """Days until a follow-up like ``4h``, ``2d`` or ``1w`` (hours round to the same day);
    None if it is not one, or is further than `MAX_FOLLOW_UP_DAYS`."""
    if not re.match(FOLLOW_UP_PATTERN, spec):
        return None
    count = spec[:-1]
    if len(count) > 7:
        return None
    days = int(count) * _DAYS_PER[spec[-1]]
    return days if days <= MAX_FOLLOW_UP_DAYS else None


KEBAB = re.compile(NODE_ID_PATTERN)
SNAKE = re.compile(NAME_PATTERN)


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word closest to `word`, if one is close enough."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest known word, or nothing."""
    close = closest(word, known)
    return f"; did you mean '{close}'?" if close else ""


def type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Reporter:
    """Collects the problems found in one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(path=self.path, line=mark[0], col=mark[1], message=message))

    def warn(self, mark: Mark, message: str) -> None:
        self.problems.append(
            Problem(
                path=self.path,
                line=mark[0],
                col=mark[1],
                message=message,
                severity=Severity.WARNING,
            )
        )


class Fields:
    """Typed access to one mapping; `where` names it in messages ("node 'x'")."""

    def __init__(self, data: LocatedDict, where: str, report: Reporter) -> None:
        self.data = data
        self.where = where
        self.report = report
        self.misspelt: set[str] = set()
        """Allowed keys that an unknown key looks like (already reported as a misspelling):
        their absence is not reported again."""

    def has(self, key: str) -> bool:
        return key in self.data

    def mark(self, key: str) -> Mark:
        return self.data.value_mark(key)

    def key_mark(self, key: str) -> Mark:
        return self.data.key_mark(key)

    def check_keys(self, allowed: Iterable[str], hint: dict[str, str] | None = None) -> None:
        allowed = allowed if isinstance(allowed, tuple) else tuple(allowed)
        for key in self.data:
            if not isinstance(key, str):
                self.report.error(
                    self.data.key_mark(key),
                    f"{self.where}: keys must be text, not {type_name(key)} ({key!r})",
                )
            elif key not in allowed:
                meant = closest(key, allowed)
                if meant is not None:
                    self.misspelt.add(meant)
                extra = (hint or {}).get(key) or did_you_mean(key, allowed)
                self.report.error(
                    self.data.key_mark(key), f"unknown key '{key}' in {self.where}{extra}"
                )

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value.__class__ is str:  # most values: text as written
            return str(value)
        if value is None:
            if key in self.data:
                self.report.error(self.mark(key), f"'{key}' in {self.where} is empty")
            elif required and key not in self.misspelt:
                self.report.error(self.data.mark, f"{self.where} needs '{key}'")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.report.error(
                self.mark(key), f"'{key}' in {self.where} must be text, not {type_name(value)}"
            )
            return None
        return str(value)

    def integer(self, key: str, default: int, minimum: int = 0, maximum: int = MAX_WHOLE) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            shown = repr(value) if len(repr(value)) <= 30 else repr(value)[:27] + "..."
            self.report.error(
                self.mark(key),
                f"'{key}' in {self.where} must be a whole number "
                f"from {minimum} to {maximum:,}, not {shown}",
            )
            return default
        return value

    def boolean(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.report.error(self.mark(key), f"'{key}' in {self.where} must be true or false")
            return False
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of text items; a single text is taken as a list of one."""
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, LocatedList):
            self.report.error(
                self.mark(key), f"'{key}' in {self.where} must be a list, not {type_name(value)}"
            )
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.report.error(
                    value.item_mark(index),
                    f"item {index + 1} of '{key}' in "
                    f"{self.where} must be text, not {type_name(item)}",
                )
            else:
                items.append(str(item))
        return tuple(items)

    def mapping(self, key: str) -> LocatedDict | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, LocatedDict):
            self.report.error(
                self.mark(key), f"'{key}' in {self.where} must be a mapping, not {type_name(value)}"
            )
            return None
        return value
