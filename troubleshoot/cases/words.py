"""Words for finding similar cases: which words of a description count, and when a past case
shares enough of them to be worth showing (the same rule for every backend)."""

from __future__ import annotations

import re

MAX_WORDS = 30
_STOP = """
the and for are but not you your was were with this that from they them their there have has had
his her its our all any can get got been when what will would could should just into than then
also very too out off again please thanks thank hello customer says said
"""
STOP_WORDS = frozenset(_STOP.split())


def words_of(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def search_words(text: str) -> list[str]:
    """The distinct words of `text` worth searching for, in order (at most `MAX_WORDS`)."""
    found = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 2 and w not in STOP_WORDS]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def relevant(words: list[str], text: str) -> bool:
    """Whether `text` shares enough of the search `words`: two of them (or the only one)."""
    return len(set(words) & words_of(text)) >= min(2, len(words))
