"""The FILE clauses of one EXPORT are written by the cluster's nodes at the same time (``node_writers``)."""

from __future__ import annotations

import threading
import time

import pytest

from sme_local.exasol.s3_csv.node_writers import write_from_nodes


def test_each_node_writes_every_nth_file_and_the_nodes_run_at_once():
    seen: dict[int, tuple[int, float, float]] = {}

    def write(position: int) -> None:
        started = time.monotonic()
        time.sleep(0.3)
        seen[position] = (threading.get_ident(), started, time.monotonic())

    write_from_nodes(6, 3, write)
    assert sorted(seen) == list(range(6))
    threads = [seen[position][0] for position in range(6)]
    assert len(set(threads)) == 3
    assert all(threads[j] == threads[j % 3] for j in range(6))  # file j on node j mod 3
    first_round = [seen[j] for j in range(3)]
    assert max(started for _, started, _ in first_round) < min(ended for _, _, ended in first_round)


def test_one_node_writes_the_files_in_file_order():
    order: list[int] = []
    write_from_nodes(4, 1, order.append)
    assert order == [0, 1, 2, 3]


def test_the_earliest_failed_file_is_reported_though_a_later_one_failed_first():
    started: list[int] = []

    def write(position: int) -> None:
        started.append(position)
        if position in (1, 2):
            time.sleep(0.1 if position == 1 else 0.0)
            raise OSError(f"file {position}")

    with pytest.raises(OSError, match="file 1"):
        write_from_nodes(9, 3, write)
    assert 7 not in started and 8 not in started  # the failed nodes took no further file
