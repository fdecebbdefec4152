"""One bounded poll loop for AWS resources that take a while (endpoints coming up, transform jobs running).

Every look reports the status to a callback (so the caller shows a sign of life), the pause between looks grows
from one second to fifteen (AWS throttles Describe calls; long jobs need no second-by-second polling), and a
deadline on an injected clock ends the wait, so tests run it without sleeping. What counts as done and what as
failed belongs to the caller.
"""

from __future__ import annotations

import time
from typing import Any, Callable

FIRST_POLL_INTERVAL_SECONDS = 1.0
MAX_POLL_INTERVAL_SECONDS = 15.0

Description = dict[str, Any]


def poll(
    describe: Callable[[], Description],
    status_field: str,
    settled: Callable[[Description], bool],
    timeout_seconds: float,
    on_progress: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[Description, bool]:
    """Describe until ``settled`` says done: ``(description, True)``; at the deadline ``(last description,
    False)``. ``settled`` raises for a resource that failed; a timeout of 0 looks once."""
    deadline = clock() + timeout_seconds
    interval = FIRST_POLL_INTERVAL_SECONDS
    while True:
        description = describe()
        on_progress(description[status_field])
        if settled(description):
            return description, True
        remaining = deadline - clock()
        if remaining <= 0:
            return description, False
        sleep(min(interval, remaining))
        interval = min(interval * 2, MAX_POLL_INTERVAL_SECONDS)
