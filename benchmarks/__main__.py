"""``python -m benchmarks``: scoring at scale in one run on the local stack (issue 15).

Starts the local stack on free ports, trains the churn tutorial's model once (4 candidates), deploys it, deploys
a fixed-latency stub endpoint next to it (50 ms per request, almost no CPU), then for each size copies the
held-back customers into a table with a unique ID and measures, in the same run:

* the trained endpoint's limit with a plain boto3 client (a few batch sizes × thread counts on the smallest
  table, the best of them again on the largest);
* the SQL path (one UDF instance, and GROUP BY IPROC()) on the trained endpoint with the model connection's
  default settings and with the direct client's best setting, written into the model connection as a user does;
* the stub endpoint, direct and through SQL, with the default settings and with one request in flight;
* the training export to S3 against DuckDB (``export_path``) and the UDF workers' peak memory
  (``worker_memory``);
* then, on a second stack with ``--nodes`` nodes, GROUP BY IPROC() on the largest table again (one UDF instance
  per node);

and checks that every ID comes back exactly once. ``--quick`` trains nothing: only the stub, on tiny tables.
Results: benchmarks/results/latest.{json,md,png}. Exit code 1 if a row was lost or duplicated.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import direct_client, export_path, results, sql_scoring, worker_memory
from benchmarks.scoring_stack import ENDPOINT, ScoringSetup
from benchmarks.sql_scoring import DEFAULT_SETTING
from benchmarks.stub_endpoint import deploy_stub
from sme_local.stack import LocalStack


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="table sizes for the SQL path (the largest is also used for the direct client)")
    parser.add_argument("--quick", action="store_true", help="no training: the stub endpoint on tiny tables")
    parser.add_argument("--nodes", type=int, default=None,
                        help="nodes of the second stack for GROUP BY IPROC() on the largest table (default 2, "
                             "with --quick 1; 1: no second stack)")
    parser.add_argument("--results-dir", type=Path, default=results.RESULTS)
    parser.add_argument("--db-port", type=int, default=0)
    parser.add_argument("--bucketfs-port", type=int, default=0)
    parser.add_argument("--aws-port", type=int, default=0)
    return parser.parse_args(argv)


class Measurement:
    """One stack's measurements, appended to ``direct`` and ``sql`` as the JSON rows of the results."""

    def __init__(self, setup: ScoringSetup, tables: dict[int, str], stub: str, nodes: int) -> None:
        self.setup, self.tables, self.stub, self.nodes = setup, tables, stub, nodes
        self.direct: list[dict[str, Any]] = []
        self.sql: list[dict[str, Any]] = []
        self.extra: dict[str, Any] = {}  # the first stack's export and worker-memory sections

    def drive(self, endpoint: str, rows: int, setting: tuple[int, int]) -> direct_client.DirectRun:
        run = direct_client.drive(self.setup.description, endpoint, self.setup.encoded(self.tables[rows]), *setting)
        self.direct.append(asdict(run) | {"rows_per_s": run.rows_per_s})
        return run

    def score(self, endpoint: str, rows: int, mode: str, setting: tuple[int, int]) -> None:
        run = sql_scoring.score(self.setup, endpoint, self.tables[rows], mode, *setting)
        self.sql.append(asdict(run) | {"rows_per_s": run.rows_per_s, "complete": run.complete, "nodes": self.nodes})


def measure_first(setup: ScoringSetup, measurement: Measurement, sizes: list[int], quick: bool) -> tuple[int, int]:
    """The direct search and every SQL case on the one-node stack; returns the trained endpoint's best setting."""
    tuned = DEFAULT_SETTING
    if setup.trained:
        # The search runs on the smallest table (nine passes over 1,000,000 rows would take most of the run);
        # its best setting is then measured on the largest, which is the limit the SQL path is compared with.
        measurement.direct += [asdict(run) | {"rows_per_s": run.rows_per_s} for run in direct_client.search(
            setup.description, ENDPOINT, setup.encoded(measurement.tables[sizes[0]]), (1000, 2000, 5000), (2, 4, 8))]
        best = max(measurement.direct, key=lambda run: run["rows_per_s"])
        tuned = (best["rows_per_request"], best["threads"])
        if len(sizes) > 1:
            measurement.drive(ENDPOINT, sizes[-1], tuned)
        for rows in sizes:
            for setting in dict.fromkeys([DEFAULT_SETTING, tuned]):
                for mode in sql_scoring.MODES:
                    measurement.score(ENDPOINT, rows, mode, setting)
    # The default setting asks 80,000 rows/s of the stub, more than the SQL path's own ceiling on two cores; one
    # request in flight (20,000 rows/s) makes the stub the limit, which shows whether the UDF's work overlaps it.
    stub_settings = [DEFAULT_SETTING] + ([] if quick else [(DEFAULT_SETTING[0], 1)])
    for setting in stub_settings:
        measurement.drive(measurement.stub, sizes[-1], setting)
        for rows in sizes:
            for mode in sql_scoring.MODES:
                measurement.score(measurement.stub, rows, mode, setting)
    return tuned


def run_stack(args: argparse.Namespace, nodes: int, sizes: list[int], tuned: tuple[int, int] | None,
              quick: bool) -> tuple[Measurement, tuple[int, int]]:
    """A fresh stack with ``nodes`` nodes; the first (``tuned`` None) measures everything, a later one only
    GROUP BY IPROC() on the largest table, with the first stack's settings."""
    first = tuned is None
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as directory, \
            LocalStack(Path(directory), args.db_port if first else 0, args.bucketfs_port if first else 0,
                       args.aws_port if first else 0, max_training_seconds=6, nodes=nodes) as stack:
        setup = ScoringSetup.create(stack.description, max_candidates=None if quick else 4)
        stub = None
        try:
            tables = {rows: setup.fill(rows) for rows in sizes}
            stub = deploy_stub(setup, tables[sizes[0]])
            measurement = Measurement(setup, tables, stub, nodes)
            if first:
                tuned = measure_first(setup, measurement, sizes, quick)
                endpoint = ENDPOINT if setup.trained else stub
                measurement.extra = {
                    "export": export_path.measure(stack.description, sizes[-1]),
                    "worker_memory": worker_memory.section(worker_memory.measure(setup, endpoint, tables)),
                }
            else:
                if setup.trained:
                    measurement.score(ENDPOINT, sizes[-1], "group_by_iproc", tuned)
                measurement.score(stub, sizes[-1], "group_by_iproc", DEFAULT_SETTING)
        finally:
            setup.close(*([stub] if stub else []))
    return measurement, tuned


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sizes = [500, 2_000] if args.quick else sorted(args.rows)
    started = time.monotonic()
    first, tuned = run_stack(args, 1, sizes, None, args.quick)
    direct, sql = first.direct, first.sql
    nodes = args.nodes or (1 if args.quick else 2)
    if nodes > 1:
        more, _ = run_stack(args, nodes, sizes[-1:], tuned, args.quick)
        sql += more.sql
    document = {"summary": results.summary(direct, sql, ENDPOINT, first.stub), "direct": direct, "sql": sql,
                **first.extra, "quick": args.quick, "seconds": round(time.monotonic() - started, 1)}
    paths = results.write(document, args.results_dir)
    print(paths["md"].read_text(encoding="utf-8"))
    print("\n".join(f"{kind}: {path}" for kind, path in paths.items()))
    return 0 if document["summary"]["all_rows_scored_once"] and export_path.complete(document["export"]) else 1


if __name__ == "__main__":
    sys.exit(main())
