"""Heartbeat frames while a request is being answered, as Exasol sends them.

Exasol's WebSocket API (docs/WebsocketAPIV1–V5.md, "Heartbeat/Feedback messages") sends unsolicited Pong
control frames every ``feedbackInterval`` seconds (a session attribute, 1 by default) while a query runs; the
client answers nothing. Clients rely on them: pyexasol reads with a socket timeout (30 s by default), and
websocket-client consumes a Pong inside ``recv()`` and keeps waiting, so every heartbeat restarts that timeout.
Without them any statement longer than the client's socket timeout fails with "Connection timed out".
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Callable, Iterator


class Heartbeat:
    """One thread per client connection that calls ``beat`` every ``interval()`` seconds while ``busy()``.

    The first beat comes one interval after a request starts, so quick answers send none and cost no thread
    start. A failing ``beat`` (the client went away) ends the heartbeat quietly: the answer itself then fails to
    send and ends the session.
    """

    def __init__(self, beat: Callable[[], None], interval: Callable[[], float]) -> None:
        self._beat = beat
        self._interval = interval
        self._condition = threading.Condition()
        self._busy_since: float | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="exasol-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()
        self._thread.join(timeout=5)

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        with self._condition:
            self._busy_since = time.monotonic()
            self._condition.notify()
        try:
            yield
        finally:
            with self._condition:
                self._busy_since = None

    def _run(self) -> None:
        while True:
            with self._condition:
                if self._stopped:
                    return
                if self._busy_since is None:
                    self._condition.wait()
                    continue
                remaining = self._busy_since + self._interval() - time.monotonic()
                if remaining > 0:
                    self._condition.wait(remaining)
                    continue
                self._busy_since = time.monotonic()  # the next beat one interval after this one
            try:
                self._beat()
            except OSError:
                return
