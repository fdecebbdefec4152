"""``python -m benchmarks``: scoring at scale in one run on the local stack (issue 15).

Starts the local stack on free ports, trains the churn tutorial's model once (4 candidates), deploys it, then for
each size copies the held-back customers into a table with a unique ID and measures, in the same run: the
endpoint's limit with a plain boto3 client (a few batch sizes × thread counts on the smallest table, the best
of them again on the largest), and the SQL
path (one UDF instance, and GROUP BY IPROC()) with the check that every ID comes back exactly once; then the
peak RSS of the prediction UDF's workers (``worker_memory``) and the training export against DuckDB on the
largest size (``export_path``). Results: benchmarks/results/latest.{json,md,png}. Exit code 1 if a row was lost
or duplicated, also in the export.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from benchmarks import direct_client, export_path, results, sql_scoring, worker_memory
from benchmarks.scoring_stack import ENDPOINT, ScoringSetup
from sme_local.stack import LocalStack


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="table sizes for the SQL path (the largest is also used for the direct client)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes and a small search, for a test")
    parser.add_argument("--results-dir", type=Path, default=results.RESULTS)
    parser.add_argument("--db-port", type=int, default=0)
    parser.add_argument("--bucketfs-port", type=int, default=0)
    parser.add_argument("--aws-port", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sizes = [500, 2_000] if args.quick else sorted(args.rows)
    batch_sizes, concurrencies = ((250, 1000), (2, 4)) if args.quick else ((1000, 2000, 5000), (2, 4, 8))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as directory, \
            LocalStack(Path(directory), args.db_port, args.bucketfs_port, args.aws_port,
                       max_training_seconds=6) as stack:
        setup = ScoringSetup.create(stack.description, max_candidates=4)
        try:
            tables = {rows: setup.fill(rows) for rows in sizes}
            # The search runs on the smallest table (nine passes over 1,000,000 rows would take most of the run);
            # its best setting is then measured on the largest, which is the limit the SQL path is compared with.
            runs = direct_client.search(stack.description, ENDPOINT, setup.encoded(tables[sizes[0]]),
                                        batch_sizes, concurrencies)
            best = max(runs, key=lambda run: run.rows_per_s)
            if len(sizes) > 1:
                runs.append(direct_client.drive(stack.description, ENDPOINT, setup.encoded(tables[sizes[-1]]),
                                                best.rows_per_request, best.threads))
            direct = [asdict(run) | {"rows_per_s": run.rows_per_s} for run in runs]
            sql = [asdict(run) | {"rows_per_s": run.rows_per_s, "complete": run.complete}
                   for rows in sizes for run in (sql_scoring.score(setup, tables[rows], mode)
                                                 for mode in sql_scoring.MODES)]
            memory = worker_memory.section(worker_memory.measure(setup, tables))
            export = export_path.measure(stack.description, sizes[-1])
        finally:
            setup.close()
    document = {"summary": results.summary(direct, sql), "direct": direct, "sql": sql, "export": export,
                "worker_memory": memory,
                "quick": args.quick, "seconds": round(time.monotonic() - started, 1)}
    paths = results.write(document, args.results_dir)
    print(paths["md"].read_text(encoding="utf-8"))
    print("\n".join(f"{kind}: {path}" for kind, path in paths.items()))
    return 0 if document["summary"]["all_rows_scored_once"] and export_path.complete(export) else 1


if __name__ == "__main__":
    sys.exit(main())
