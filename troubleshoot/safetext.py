"""Text from trees, agents and customers made safe to show on a terminal.

Such text may hold control characters and escape sequences (a YAML `"\\e"` escape in a tree, a
pasted answer, a customer's words): sent raw to a terminal they clear the screen, set the window
title, plant hyperlinks (OSC 8) or hide text. `visible` shows each one as a visible escape such
as `\\x1b` instead; newlines and tabs stay. Everything printed for people goes through it: the
consoles of `cli/output.py` apply it to every piece of text as a last guard, and the places that
build tables, panels and prompts apply it first so that widths are measured on what is shown.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (8-bit CSI, OSC...), and the bidirectional
# overrides and isolates that make text read differently from how it is stored.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character shown as a visible escape (`\\x1b`)."""
    return _CONTROL.sub(_shown, text)


def visible_line(text: str) -> str:
    """`visible`, with newlines shown too: for text that must stay on one line."""
    return visible(text).replace("\n", "\\n")
