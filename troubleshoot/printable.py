"""Text typed by people made safe for a terminal: control characters shown, never sent raw.

An escape sequence typed as an answer (clear screen, window title, OSC 8 link) would act on the
reader's terminal; `printable` shows every control character as a visible ``\\x1b``-style code,
keeping newlines (and tabs, unless asked).
"""

from __future__ import annotations

import re

# Also the bidirectional overrides and isolates, which make text read differently from how it is
# stored (a tree or an answer could hide or reorder words).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_OR_TAB = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def _code(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with control characters as visible codes (newlines and tabs too when `one_line`)."""
    return (_CONTROL_OR_TAB if one_line else _CONTROL).sub(_code, text)
