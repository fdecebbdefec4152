"""Aurora ML's published stress test, reproduced on the local stack: ``python -m benchmarks.aurora_stress``.

Aurora's version (../shared/docs/prior-art.md §2): 100 concurrent clients insert 500–1,000 rows each, a trigger
calls the SageMaker function for every row, ~73,000 predictions are stored in ~18 minutes (~68/s, ~70 ms per
insert) on an ml.m5.large endpoint. Exasol has no triggers; the Exasol way is micro-batches, so here the clients
insert in small batches while ``SME_SCORE_NEW_ROWS`` runs in a loop beside them, each run scoring whatever
arrived since the last one.

Steps: start ``sme-local``'s stack in a fresh directory, install the extension, train and deploy a small churn
model once (shared/data churn.csv), then run the clients (threads, one pyexasol connection each; every row
carries the time it was sent, INSERTED_AT) and the scoring loop(s). Reported: predictions stored per second (from
the first insert to the last stored prediction), the delay from insert to stored prediction (median, p99: a
prediction counts as stored when the run that wrote it has committed), and the count check (every inserted row
has exactly one prediction). Results go to benchmarks/results/aurora_stress.{json,md}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pyexasol

from sme_local.datasets import CHURN, DATA_DIR_ENV, find_data_dir, quote, read_rows
from sme_local.extension import activate_host_python, run_sme_deploy
from sme_local.extension_calls import ExtensionCalls, create_aws_connection
from sme_local.loading import load_table
from sme_local.sql_console import SqlConsole
from sme_local.stack import StackDescription

EXTENSION_SCHEMA = "SME"
SCHEMA = "STRESS"
CONNECTION = "AWS_CONN"
ENDPOINT = "churn-stress"
SOURCE, TARGET = "CHURN_NEW", "CHURN_SCORES"
EXCLUDED = ("PHONE",)  # an identifier, not a feature
TARGET_COLUMN = "CHURN"
AURORA = {"predictions": 73_000, "minutes": 18, "predictions_per_second": 68, "ms_per_insert": 70, "clients": 100,
          "endpoint": "ml.m5.large"}
RESULTS_DIR = Path(__file__).resolve().parent / "results"
STACK_START_SECONDS = 120


@dataclass(frozen=True)
class StressSettings:
    clients: int = 100
    min_rows: int = 500
    max_rows: int = 1000
    batch_rows: int = 25
    scorers: int = 1  # concurrent scoring loops (>1 exercises the conflict retries)
    pause_seconds: float = 0.2  # between two runs of one scoring loop
    seed: int = 10
    max_candidates: int = 4
    job_timeout_seconds: float = 300.0


@dataclass
class ScoringRun:
    started: float
    finished: float
    rows: int
    retries: int


@dataclass
class StressResult:
    settings: dict[str, Any]
    inserted_rows: int
    predictions: int
    distinct_scored_keys: int
    unscored_rows: int
    duplicate_predictions: int
    seconds: float
    predictions_per_second: float
    delay_median_seconds: float
    delay_p99_seconds: float
    insert_batches: int
    insert_ms_median: float
    scoring_runs: int
    conflict_retries: int
    training_seconds: float
    aurora: dict[str, Any] = field(default_factory=lambda: dict(AURORA))

    @property
    def exactly_once(self) -> bool:
        return (self.unscored_rows == 0 and self.duplicate_predictions == 0
                and self.predictions == self.inserted_rows == self.distinct_scored_keys)


def _connect(description: StackDescription) -> pyexasol.ExaConnection:
    return pyexasol.connect(dsn=description.dsn, user=description.db_user, password=description.db_password,
                            schema=SCHEMA)


def _features() -> list[Any]:
    return [c for c in CHURN.columns if c.name not in EXCLUDED and c.name != TARGET_COLUMN]


def prepare_model(description: StackDescription, settings: StressSettings, echo: Callable[[str], None]) -> float:
    """Install the extension, then deploy_model; returns the seconds both took."""
    started = time.monotonic()
    def connect() -> pyexasol.ExaConnection:
        return pyexasol.connect(dsn=description.dsn, user=description.db_user, password=description.db_password)

    with connect() as db:  # ALTER SYSTEM SET SCRIPT_LANGUAGES holds for sessions opened afterwards
        activate_host_python(SqlConsole(db, echo))
    run_sme_deploy(description, EXTENSION_SCHEMA, echo)
    deploy_model(description, settings, echo)
    return time.monotonic() - started


def deploy_model(description: StackDescription, settings: StressSettings, echo: Callable[[str], None]) -> None:
    """With the extension installed in SME: train and deploy the churn model, create the empty source table."""
    with pyexasol.connect(dsn=description.dsn, user=description.db_user, password=description.db_password) as db:
        console = SqlConsole(db, echo, secrets=[description.aws_secret_access_key])
        console.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(SCHEMA)}")
        create_aws_connection(console, CONNECTION, description)
        rows = read_rows(find_data_dir() / CHURN.file_name, CHURN)
        load_table(console, description, CONNECTION, CHURN, rows, SCHEMA, "CHURN")
        kept = ", ".join(quote(c.name) for c in CHURN.columns if c.name not in EXCLUDED)
        console.execute(f"CREATE OR REPLACE TABLE {quote(SCHEMA)}.\"CHURN_TRAIN\" AS SELECT {kept} "
                        f"FROM {quote(SCHEMA)}.\"CHURN\"")
        calls = ExtensionCalls(console, EXTENSION_SCHEMA, CONNECTION)
        job = f"stress-{int(time.time()) % 100000}"
        calls.train({"job_name": job, "input_schema_name": SCHEMA, "input_table_or_view_name": "CHURN_TRAIN",
                     "s3_bucket_uri": f"s3://{description.s3_bucket}", "s3_output_path": "stress",
                     "iam_sagemaker_role": description.iam_sagemaker_role, "target_attribute_name": TARGET_COLUMN,
                     "problem_type": "BinaryClassification", "objective": "F1",
                     "max_candidates": settings.max_candidates})
        calls.wait_for_job(job, settings.job_timeout_seconds)
        calls.deploy(job, ENDPOINT, SCHEMA)
        columns = ", ".join(f"{quote(c.name)} {c.sql_type}" for c in _features())
        console.execute(f"CREATE OR REPLACE TABLE {quote(SCHEMA)}.{quote(SOURCE)} "
                        f"(\"ID\" DECIMAL(18,0), {columns}, \"INSERTED_AT\" DOUBLE)")
        console.execute(f"DROP TABLE IF EXISTS {quote(SCHEMA)}.{quote(TARGET)}")


def score_request() -> str:
    return json.dumps({
        "source_schema_name": SCHEMA, "source_table_or_view_name": SOURCE, "key_columns": ["ID"],
        "udf_schema_name": SCHEMA, "udf_name": quote(ENDPOINT), "target_schema_name": SCHEMA,
        "target_table_name": TARGET, "scored_at_column": "SCORED_AT",
    })


class _Clients:
    """``clients`` threads, each with its own session, inserting its rows in batches of ``batch_rows``."""

    def __init__(self, description: StackDescription, settings: StressSettings) -> None:
        churn = [row for row in read_rows(find_data_dir() / CHURN.file_name, CHURN)]
        positions = [i for i, c in enumerate(CHURN.columns) if c in _features()]
        rng = random.Random(settings.seed)
        self.plans: list[list[tuple[Any, ...]]] = []
        next_id = 1
        for _ in range(settings.clients):
            count = rng.randint(settings.min_rows, settings.max_rows)
            rows = []
            for _ in range(count):
                sample = rng.choice(churn)
                rows.append((next_id, *[sample[i] for i in positions]))
                next_id += 1
            self.plans.append(rows)
        self.description, self.settings = description, settings
        self.insert_seconds: list[float] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()

    @property
    def total_rows(self) -> int:
        return sum(len(plan) for plan in self.plans)

    def run_one(self, rows: list[tuple[Any, ...]]) -> None:
        try:
            with _connect(self.description) as db:
                for start in range(0, len(rows), self.settings.batch_rows):
                    sent = time.time()
                    batch = [(*row, sent) for row in rows[start:start + self.settings.batch_rows]]
                    db.ext.insert_multi(SOURCE, batch)
                    with self._lock:
                        self.insert_seconds.append(time.time() - sent)
        except Exception as error:  # reported in the result; the count check then fails too
            with self._lock:
                self.errors.append(f"{type(error).__name__}: {error}")


def _scoring_loop(description: StackDescription, settings: StressSettings, inserting_done: threading.Event,
                  total_rows: int, runs: list[ScoringRun], lock: threading.Lock, errors: list[str]) -> None:
    request = score_request().replace("'", "''")
    try:
        with _connect(description) as db:
            while True:
                started = time.time()
                row = db.execute(f"EXECUTE SCRIPT {quote(EXTENSION_SCHEMA)}.\"SME_SCORE_NEW_ROWS\"('{request}')"
                                 ).fetchone()
                with lock:
                    runs.append(ScoringRun(started, time.time(), int(row[0]), int(row[1])))
                    scored = sum(run.rows for run in runs)
                if inserting_done.is_set() and (scored >= total_rows or int(row[0]) == 0):
                    return
                time.sleep(settings.pause_seconds)
    except Exception as error:
        with lock:
            errors.append(f"{type(error).__name__}: {error}")


def run_stress(description: StackDescription, settings: StressSettings, training_seconds: float = 0.0,
               echo: Callable[[str], None] = print) -> StressResult:
    """The clients and the scoring loop(s) against an installed stack with the model deployed."""
    clients = _Clients(description, settings)
    echo(f"-- {settings.clients} clients insert {clients.total_rows} rows in batches of {settings.batch_rows}; "
         f"{settings.scorers} scoring loop(s) run beside them")
    runs: list[ScoringRun] = []
    lock, scoring_errors = threading.Lock(), []
    inserting_done = threading.Event()
    scorers = [threading.Thread(target=_scoring_loop, args=(description, settings, inserting_done,
                                                            clients.total_rows, runs, lock, scoring_errors), daemon=True)
               for _ in range(settings.scorers)]
    inserters = [threading.Thread(target=clients.run_one, args=(plan,), daemon=True) for plan in clients.plans]
    started = time.time()
    for thread in scorers + inserters:
        thread.start()
    for thread in inserters:
        thread.join()
    inserting_done.set()
    echo(f"-- inserts done after {time.time() - started:.1f} s")
    for thread in scorers:
        thread.join()
    if clients.errors or scoring_errors:
        raise RuntimeError("stress run failed: " + "; ".join((clients.errors + scoring_errors)[:3]))
    return _measure(description, settings, clients, runs, started, training_seconds)


def _measure(description: StackDescription, settings: StressSettings, clients: _Clients, runs: list[ScoringRun],
             started: float, training_seconds: float) -> StressResult:
    with _connect(description) as db:
        inserted = db.execute(f"SELECT COUNT(*) FROM {quote(SOURCE)}").fetchval()
        predictions, distinct = db.execute(f"SELECT COUNT(*), COUNT(DISTINCT \"ID\") FROM {quote(TARGET)}").fetchone()
        unscored = db.execute(f"SELECT COUNT(*) FROM {quote(SOURCE)} S WHERE NOT EXISTS "
                              f"(SELECT 1 FROM {quote(TARGET)} T WHERE T.\"ID\" = S.\"ID\")").fetchval()
        scored_at = db.execute(f"SELECT S.\"INSERTED_AT\", T.\"SCORED_AT\" FROM {quote(SOURCE)} S "
                               f"JOIN {quote(TARGET)} T ON T.\"ID\" = S.\"ID\"").fetchall()
    delays = sorted(_stored_at(runs, value) - inserted_at for inserted_at, value in scored_at)
    finished = max(run.finished for run in runs)
    seconds = finished - started
    return StressResult(
        settings=asdict(settings), inserted_rows=int(inserted), predictions=int(predictions),
        distinct_scored_keys=int(distinct), unscored_rows=int(unscored),
        duplicate_predictions=int(predictions) - int(distinct), seconds=round(seconds, 2),
        predictions_per_second=round(int(predictions) / seconds, 1),
        delay_median_seconds=round(statistics.median(delays), 3) if delays else 0.0,
        delay_p99_seconds=round(delays[min(len(delays) - 1, int(len(delays) * 0.99))], 3) if delays else 0.0,
        insert_batches=len(clients.insert_seconds),
        insert_ms_median=round(statistics.median(clients.insert_seconds) * 1000, 1),
        scoring_runs=len(runs), conflict_retries=sum(run.retries for run in runs),
        training_seconds=round(training_seconds, 1))


def _stored_at(runs: list[ScoringRun], scored_at: Any) -> float:
    """When the prediction became visible: the end (commit) of the first run that finished after the statement
    time the row carries (SCORED_AT, CURRENT_TIMESTAMP of the INSERT, in UTC on the local stack)."""
    import datetime

    moment = scored_at if isinstance(scored_at, datetime.datetime) else datetime.datetime.fromisoformat(str(scored_at))
    epoch = moment.replace(tzinfo=datetime.timezone.utc).timestamp()
    return min((run.finished for run in runs if run.finished >= epoch), default=max(r.finished for r in runs))


def write_results(result: StressResult, directory: Path = RESULTS_DIR) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / "aurora_stress.json", directory / "aurora_stress.md"
    json_path.write_text(json.dumps({**asdict(result), "exactly_once": result.exactly_once}, indent=2) + "\n")
    md_path.write_text(markdown(result))
    return json_path, md_path


def markdown(result: StressResult) -> str:
    s = result.settings
    return "\n".join([
        "# Aurora ML stress test, reproduced on the local stack",
        "",
        f"{s['clients']} clients × {s['min_rows']}–{s['max_rows']} rows (batches of {s['batch_rows']}), "
        f"{s['scorers']} `SME_SCORE_NEW_ROWS` loop(s) beside them; `python -m benchmarks.aurora_stress`.",
        "",
        "| | this run (local stack, 2 shared cores) | Aurora ML (published) |",
        "|---|---|---|",
        f"| predictions stored | {result.predictions:,} | ~{AURORA['predictions']:,} |",
        f"| wall time | {result.seconds:.1f} s | ~{AURORA['minutes']} min |",
        f"| predictions per second | {result.predictions_per_second:,.1f} | ~{AURORA['predictions_per_second']} |",
        f"| insert → stored prediction, median / p99 | {result.delay_median_seconds:.2f} s / "
        f"{result.delay_p99_seconds:.2f} s | (synchronous, in the insert) |",
        f"| client insert call, median | {result.insert_ms_median:.1f} ms per batch of {s['batch_rows']} | "
        f"~{AURORA['ms_per_insert']} ms per row |",
        f"| every inserted row exactly one prediction | {'yes' if result.exactly_once else 'NO'} "
        f"({result.inserted_rows:,} inserted, {result.distinct_scored_keys:,} scored keys, "
        f"{result.unscored_rows} unscored, {result.duplicate_predictions} duplicates) | |",
        f"| scoring runs / conflict retries | {result.scoring_runs} / {result.conflict_retries} | |",
        "",
    ])


@contextlib.contextmanager
def local_stack(directory: Path, db_port: int, bucketfs_port: int, aws_port: int) -> Iterator[StackDescription]:
    """``sme-local up`` in its own process, as a user starts it: the database does not share this process (and
    its interpreter lock) with the 100 client threads. Stopped with SIGTERM, as Ctrl-C would."""
    stack_file = directory / "stack.json"
    stack_file.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, "-m", "sme_local", "up", "--dir", str(directory), "--db-port",
                                str(db_port), "--bucketfs-port", str(bucketfs_port), "--aws-port", str(aws_port)],
                               stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + STACK_START_SECONDS
        while not stack_file.is_file():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sme-local up did not start (exit code {process.poll()})")
            time.sleep(0.5)
        time.sleep(0.5)  # the file is written in one go, but give the writer time to close it
        yield StackDescription.from_json_file(stack_file)
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = StressSettings()
    for name in ("clients", "min_rows", "max_rows", "batch_rows", "scorers", "seed", "max_candidates"):
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=getattr(defaults, name))
    parser.add_argument("--dir", type=Path, default=None, help="stack directory (default: a fresh temporary one)")
    parser.add_argument("--db-port", type=int, default=0)
    parser.add_argument("--bucketfs-port", type=int, default=0)
    parser.add_argument("--aws-port", type=int, default=0)
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--data-dir", type=Path, default=None, help="directory holding churn.csv")
    options = parser.parse_args(argv)
    os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")
    if options.data_dir is not None:
        os.environ[DATA_DIR_ENV] = str(options.data_dir.absolute())
    settings = StressSettings(**{name: getattr(options, name) for name in (
        "clients", "min_rows", "max_rows", "batch_rows", "scorers", "seed", "max_candidates")})
    directory = options.dir or Path(tempfile.mkdtemp(prefix="aurora-stress-"))
    with local_stack(directory, options.db_port, options.bucketfs_port, options.aws_port) as description:
        training = prepare_model(description, settings, print)
        result = run_stress(description, settings, training, print)
    paths = write_results(result, options.results)
    print(markdown(result))
    print(f"-- results: {paths[0]}, {paths[1]}")
    return 0 if result.exactly_once else 1


if __name__ == "__main__":
    raise SystemExit(main())
