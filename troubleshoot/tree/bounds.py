"""What a condition or template may compute: size, count and time limits, checked as it runs.

A tree is data that people share, so reading or running one must never hang or exhaust memory.
`expr.py` calls these checks from the Jinja sandbox before each operation that can grow a value
(`*`, `**`, `+`, `%`, method calls, filters), at every loop pass and for every piece of output.
Plain Python, no Jinja: the limits can be read and tested on their own.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

MAX_SIZE = 100_000  # characters of a text, or items (counted deeply) of a list or mapping
MAX_OUTPUT = 100_000  # characters one template writes, blocks captured by {% set %} included
MAX_INT_BITS = 10_000  # about 3,000 digits
MAX_LOOPS = 10_000  # loop passes in one evaluation, nested loops multiplied
MAX_SECONDS = 2.0  # processor time for one evaluation

# Filters and text methods whose number arguments are widths or counts of things they make.
SIZED = frozenset(
    {"center", "ljust", "rjust", "zfill", "indent", "truncate", "wordwrap", "batch", "slice"}
)
# Text methods a tree has no use for and that can multiply a text (`'\t'.expandtabs(10**5)`).
REFUSED_METHODS = frozenset({"expandtabs", "translate", "maketrans", "encode"})


class LimitExceeded(Exception):
    """A condition or template tried to compute more than a tree may; the message says what."""


@dataclass
class Budget:
    """What is left to one evaluation of a condition or template."""

    loops: int = MAX_LOOPS
    output: int = MAX_OUTPUT
    deadline: float = field(default_factory=lambda: time.process_time() + MAX_SECONDS)

    def tick(self) -> None:
        if time.process_time() > self.deadline:
            raise LimitExceeded(f"it takes more than {MAX_SECONDS:g} s to compute")

    def loop(self) -> None:
        self.loops -= 1
        if self.loops < 0:
            raise LimitExceeded(f"its loops repeat more than {MAX_LOOPS:,} times")
        self.tick()

    def write(self, characters: int) -> None:
        self.output -= characters
        if self.output < 0:
            raise LimitExceeded(f"it writes more than {MAX_OUTPUT:,} characters")
        self.tick()


_current: ContextVar[Budget | None] = ContextVar("troubleshoot_budget", default=None)


@contextmanager
def budget() -> Iterator[Budget]:
    """A fresh budget for the evaluation run inside the `with` block."""
    token = _current.set(Budget())
    try:
        yield _current.get() or Budget()
    finally:
        _current.reset(token)


def current() -> Budget:
    """The budget of the evaluation under way (a fresh one outside any)."""
    return _current.get() or Budget()


def size(value: Any, limit: int = MAX_SIZE) -> int:
    """Characters of texts plus items of containers, counted deeply; stops counting past `limit`."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, Mapping | list | tuple | set | frozenset):
            total += 1 + len(item)
            if total <= limit:
                stack.extend(item.items() if isinstance(item, Mapping) else item)
    return total


def checked(value: Any) -> Any:
    """`value` if it is within the limits; raises `LimitExceeded` otherwise."""
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise LimitExceeded(f"it makes a number of more than {MAX_INT_BITS:,} bits")
    if size(value) > MAX_SIZE:
        raise LimitExceeded(
            f"it makes a text or list of more than {MAX_SIZE:,} characters or items"
        )
    return value


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuses `**`, `*` and `%` whose result would be too large, before computing it."""
    current().tick()
    if operator == "**" and _whole(left) and _whole(right) and right > 0:
        if max(left.bit_length() - 1, 1) * right > MAX_INT_BITS and abs(left) > 1:
            raise LimitExceeded(f"it raises a number to the power {right:,}, too large a result")
    elif operator == "*":
        if _whole(left) and _whole(right):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise LimitExceeded(f"it makes a number of more than {MAX_INT_BITS:,} bits")
        elif _whole(left) or _whole(right):
            count, other = (left, right) if _whole(left) else (right, left)
            if count > 0 and size(other) * count > MAX_SIZE:
                raise LimitExceeded(
                    f"it repeats a text or list {count:,} times: more than {MAX_SIZE:,} "
                    "characters or items"
                )
    elif operator == "%" and isinstance(left, str):
        check_format(left)


_WIDTHS = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?"  # printf style: %10.2f, %*d
    r"|\{[^{}]*:[^{}]*?(\d+|\{)"  # str.format style: {:>10}, {:{width}}
)


def check_format(text: str) -> None:
    """Refuses a format string with a width or precision too large (or taken from an argument)."""
    for match in _WIDTHS.finditer(text):
        for number in match.groups():
            if number in ("*", "{") or (number and len(number) > 6) or int(number or 0) > MAX_SIZE:
                raise LimitExceeded(f"its format {match.group()!r} asks for too wide a field")


def check_call(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuses a filter or text method called to make too large a result, before calling it."""
    current().tick()
    if name in SIZED:
        for arg in (*args, *kwargs.values()):
            if _whole(arg) and abs(arg) > MAX_SIZE:
                raise LimitExceeded(f"'{name}' is asked for {arg:,}, more than {MAX_SIZE:,}")
    estimate = _ESTIMATES.get(name)
    if estimate is not None and isinstance(value, str) and estimate(value, args, kwargs) > MAX_SIZE:
        raise LimitExceeded(f"'{name}' would make a text of more than {MAX_SIZE:,} characters")
    if name in ("format", "format_map") and isinstance(value, str):
        check_format(value)


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str, default: Any) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


def _replace(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    old, new = str(_arg(args, kwargs, 0, "old", "")), str(_arg(args, kwargs, 1, "new", ""))
    found = text.count(old) if old else len(text) + 1
    return len(text) + found * max(0, len(new) - len(old))


def _indent(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    width = _arg(args, kwargs, 0, "width", 4)
    per_line = len(width) if isinstance(width, str) else int(width)
    return len(text) + (text.count("\n") + 1) * per_line


def _wordwrap(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    width = max(int(_arg(args, kwargs, 0, "width", 79)), 1)
    wrap = _arg(args, kwargs, 2, "wrapstring", None) or "\n"
    return len(text) + (len(text) // width + 1) * len(str(wrap))


_ESTIMATES = {"replace": _replace, "indent": _indent, "wordwrap": _wordwrap}


def check_join(separator: str, items: list[Any]) -> None:
    """Refuses joining `items` with `separator` into too long a text, before joining."""
    current().tick()
    if size(items) + len(items) * len(separator) > MAX_SIZE:
        raise LimitExceeded(f"joining makes a text of more than {MAX_SIZE:,} characters")
