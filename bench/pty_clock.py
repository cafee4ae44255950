"""Timing what a person sees: a program in a pseudo-terminal, read as plain text.

`Screen` spawns a command in a 120x50 pty and waits for texts to appear, recording when they
did. prompt_toolkit's cursor-position request is turned off (PROMPT_TOOLKIT_NO_CPR=1), as a pty
never answers it and every prompt would otherwise wait a second.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pexpect

ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[@-Z\\-_=>]"
)
INCOMPLETE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[()])?$")
TERMINAL = {
    "PROMPT_TOOLKIT_NO_CPR": "1",
    "NO_COLOR": "1",
    "TERM": "xterm",
    "COLUMNS": "120",
    "LINES": "50",
}
TIMEOUT = 60.0


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, **TERMINAL, **extra}
    for name in ("TROUBLESHOOT_DB", "TROUBLESHOOT_TREES"):
        if name not in extra:
            env.pop(name, None)
    return env


class Screen:
    """One program in a pty; `wait` returns when a text is on screen."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.started = time.perf_counter()
        self.child = pexpect.spawn(
            argv[0],
            argv[1:],
            env=env,
            cwd=str(cwd),
            dimensions=(50, 120),
            encoding="utf-8",
            codec_errors="replace",
        )
        self.text = ""
        self.pos = 0
        self._pending = ""

    def _read(self, timeout: float) -> None:
        try:
            data = self._pending + self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return
        tail = INCOMPLETE.search(data[-64:])
        cut = len(data) - len(tail.group()) if tail and tail.group() else len(data)
        self._pending = data[cut:]
        self.text += ESCAPES.sub("", data[:cut]).replace("\r", "")

    def wait(self, text: str) -> float:
        """Wait for `text` after the last one found; the time (perf_counter) it showed."""
        deadline = time.perf_counter() + TIMEOUT
        while True:
            found = self.text.find(text, self.pos)
            if found >= 0:
                self.pos = found + len(text)
                return time.perf_counter()
            if time.perf_counter() > deadline:
                raise RuntimeError(
                    f"{text!r} did not appear; the screen ended with:\n{self.text[-2000:]}"
                )
            try:
                self._read(0.05)
            except pexpect.EOF as exc:
                raise RuntimeError(
                    f"the program ended before {text!r} appeared:\n{self.text[-2000:]}"
                ) from exc

    def send(self, keys: str) -> float:
        sent = time.perf_counter()
        self.child.send(keys)
        return sent

    def close(self) -> None:
        if self.child.isalive():
            self.child.kill(signal.SIGKILL)
        self.child.close(force=True)


def until_visible(argv: list[str], text: str, *, env: dict[str, str], cwd: Path) -> float:
    """Seconds from starting `argv` in a pty until `text` is on screen."""
    screen = Screen(argv, env, cwd)
    try:
        return screen.wait(text) - screen.started
    finally:
        screen.close()
