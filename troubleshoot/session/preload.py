"""Work done in the background while the agent types: loading the tree and opening the case log
during the intake, so the first question is on screen before they are needed.

`Preload.poll()` starts the work on its first call and re-raises its error (a broken tree, a
locked database) on any later call once it failed; `result()` waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Preload(Generic[T]):
    """`work()` run once in a daemon thread; its result or its exception, when asked for."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._thread: threading.Thread | None = None
        self._result: T | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._result = self._work()
        except BaseException as exc:  # handed to the caller by result() / poll()
            self._error = exc

    def poll(self) -> None:
        """Start the work if it has not started; raise its error if it already failed."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="preload", daemon=True)
            self._thread.start()
        elif not self._thread.is_alive() and self._error is not None:
            raise self._error

    def result(self) -> T:
        """The work's result (done here if it never started); its error is raised."""
        self.poll()
        assert self._thread is not None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]  # set once the work succeeded
