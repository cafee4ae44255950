"""YAML values that remember where they were written, so problems can say ``file:line:col``."""

from __future__ import annotations

from typing import Any

Mark = tuple[int, int]
"""A (line, column) position, both counted from 1."""


class LocatedDict(dict[Any, Any]):
    """A mapping with the position of itself, of each key and of each value."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[Any, Mark] = {}
        self.value_marks: dict[Any, Mark] = {}

    def key_mark(self, key: Any) -> Mark:
        return self.key_marks.get(key, self.mark)

    def value_mark(self, key: Any) -> Mark:
        return self.value_marks.get(key, self.key_mark(key))


class LocatedList(list[Any]):
    """A sequence with the position of itself and of each item."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []

    def item_mark(self, index: int) -> Mark:
        if 0 <= index < len(self.item_marks):
            return self.item_marks[index]
        return self.mark
