"""Text typed by people made safe for a terminal: control characters shown, never sent raw.

An escape sequence typed as an answer (clear screen, window title, OSC 8 link) would act on the
reader's terminal; `printable` shows every control character as a visible ``\\x1b``-style code,
keeping newlines (and tabs, unless asked).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_TAB = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _code(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with control characters as visible codes (newlines and tabs too when `one_line`)."""
    return (_CONTROL_OR_TAB if one_line else _CONTROL).sub(_code, text)
