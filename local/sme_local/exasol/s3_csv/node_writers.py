"""Writing the FILE clauses of one EXPORT from the nodes of a cluster at the same time.

Exasol writes an export with several FILE clauses in parallel, one file per clause. The emulator gives each of
its ``nodes`` a thread: file ``j`` (in FILE order) is written by node ``j mod N``, each node writing its files
one after the other. After a failure no node starts another file (writes under way finish); of the files that
failed, the earliest one's error is raised.
"""

from __future__ import annotations

import threading
from typing import Callable


def write_from_nodes(file_count: int, nodes: int, write: Callable[[int], None]) -> None:
    """Call ``write(j)`` for every file position ``j`` < ``file_count`` on node ``j mod nodes``; re-raise the
    failure of the earliest file that failed."""
    failures: dict[int, BaseException] = {}

    def node(index: int) -> None:
        for position in range(index, file_count, nodes):
            if failures:
                return
            try:
                write(position)
            except BaseException as error:  # re-raised in the calling thread below
                failures[position] = error
                return

    threads = [threading.Thread(target=node, args=(index,), daemon=True) for index in range(min(nodes, file_count))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[min(failures)]
