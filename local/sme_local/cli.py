"""``sme-local``: the local stack in the foreground (``up``) and the tutorial end to end on it (``demo``)."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from sme_local.exasol.release import DEFAULT_VERSION as DEFAULT_EXASOL_VERSION, VERSIONS as EXASOL_VERSIONS
from exasol_sagemaker_extension.errors import SmeError
from sme_local.churn_tutorial import ChurnTutorial, TutorialResult, TutorialSettings
from sme_local.datasets import DATA_DIR_ENV, find_data_dir
from sme_local.loading import stage_demo_data
from sme_local.stack import LocalStack

DEFAULT_DIR = Path(".sme-local")
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _stop_requests() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM, so the foreground process can stop its children in order."""
    requested = threading.Event()
    previous = {number: signal.signal(number, lambda *_: requested.set()) for number in _STOP_SIGNALS}
    try:
        yield requested
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stage_demo_data(stack: LocalStack, datasets_dir: Path | None) -> None:
    """Put the tutorial's demo CSV into the stack's S3 bucket, so its by-hand IMPORT works. Without the datasets
    the stack still serves everything else; the warning says how to get them staged."""
    try:
        directory = find_data_dir(datasets_dir)
    except SmeError as error:
        click.echo(f"Warning: the tutorial's demo data is not staged in S3. {error}", err=True)
        return
    for uri in stage_demo_data(stack.description, directory):
        click.echo(f"Staged the tutorial's demo data as {uri}.", err=True)


def _serve_until_stopped(stack: LocalStack, requested: threading.Event) -> None:
    """Print the stack's JSON line (and write DIR/stack.json), then wait for Ctrl-C or SIGTERM."""
    path = stack.write_description()
    click.echo(stack.description.to_json())
    click.echo(f"Stack running; description also in {path}. Stop with Ctrl-C.", err=True)
    while not requested.wait(0.5):
        pass
    click.echo("Stopping the local stack.", err=True)


@click.group()
def main() -> None:
    """Run the Exasol and AWS stand-ins on this machine, and the tutorial on them."""
    os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")


@main.command()
@click.option("--dir", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DIR,
              show_default=True, help="Data directory of both stand-ins: tables, BucketFS, S3, jobs, models and endpoints are kept between runs (relative paths are fine, from any working directory).")
@click.option("--db-port", type=int, default=8563, show_default=True, help="Database port; 0 picks a free one.")
@click.option("--bucketfs-port", type=int, default=2580, show_default=True, help="BucketFS port; 0 = free one.")
@click.option("--aws-port", type=int, default=5000, show_default=True, help="AWS emulator port; 0 = free one.")
@click.option("--max-training-seconds", type=float, default=None,
              help="Upper bound of one AutoML job's search on this machine (the AWS emulator's default if unset).")
@click.option("--exasol-version", type=click.Choice(EXASOL_VERSIONS), default=DEFAULT_EXASOL_VERSION,
              show_default=True, help="Exasol release the database emulates (its Lua libraries, e.g. lua-cjson).")
@click.option("--data-dir", "datasets_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Directory holding churn.csv, staged in S3 for the tutorial (default: ${DATA_DIR_ENV}, else "
                   "../shared/data of the checkout).")
@click.option("--nodes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Nodes of the emulated Exasol cluster: NPROC(), IPROC() per row, UDF instances per node.")
def up(data_dir: Path, db_port: int, bucketfs_port: int, aws_port: int, max_training_seconds: float | None,
       exasol_version: str, datasets_dir: Path | None, nodes: int) -> None:
    """Start the stack in the foreground and print one JSON line with its addresses and credentials."""
    with _stop_requests() as requested:
        stack = LocalStack(data_dir, db_port, bucketfs_port, aws_port, max_training_seconds,
                           exasol_version=exasol_version, nodes=nodes)
        try:
            stack.start()
            _stage_demo_data(stack, datasets_dir)
            _serve_until_stopped(stack, requested)
        except SmeError as error:
            raise click.ClickException(str(error)) from None
        finally:
            stack.stop()


@main.command()
@click.option("--dir", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data directory of the embedded stack (default: a temporary one, removed afterwards).")
@click.option("--keep", is_flag=True, help="Keep the stack running after the demo (until Ctrl-C) to look around.")
@click.option("--data-dir", "datasets_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Directory holding churn.csv (default: ${DATA_DIR_ENV}, else ../shared/data of the checkout).")
def demo(data_dir: Path | None, keep: bool, datasets_dir: Path | None) -> None:
    """Run the churn tutorial end to end on an embedded stack, showing every SQL statement."""
    with _stop_requests() as requested, tempfile.TemporaryDirectory(prefix="sme-local-demo-") as scratch:
        started = time.monotonic()
        try:
            settings = TutorialSettings(data_dir=find_data_dir(datasets_dir))
            with LocalStack(data_dir or Path(scratch)) as stack:
                result = ChurnTutorial(stack.description, settings, click.echo).run()
                _print_summary(result, time.monotonic() - started)
                if keep:
                    _serve_until_stopped(stack, requested)
        except SmeError as error:
            raise click.ClickException(str(error)) from None


def _print_summary(result: TutorialResult, wall_seconds: float) -> None:
    click.echo("")
    click.echo(f"Demo finished in {wall_seconds:.0f} s wall time ({result.seconds:.0f} s in the tutorial steps; "
               f"job {result.job_name}, {result.train_rows} training rows, {result.test_rows} held back).")
    for name, value in result.metrics.items():
        click.echo(f"  {name.lower():<18} {'undefined' if value is None else f'{value:.3f}'}")
    if result.top_features:
        click.echo("Top features of the best candidate (mean absolute SHAP value): " + ", ".join(
            f"{name} {importance:.4f}" for name, importance in result.top_features))

