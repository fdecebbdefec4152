"""Run the Exasol emulator on its own: ``python -m sme_local.exasol --dir D [--port 8563] …`` (Ctrl+C stops)."""

from __future__ import annotations

import logging
import signal
import threading

import click

from sme_local.exasol.api import DEFAULT_BUCKETFS_PORT, DEFAULT_PORT, Emulator
from sme_local.exasol.release import DEFAULT_VERSION, VERSIONS


@click.command()
@click.option("--dir", "data_dir", required=True, type=click.Path(file_okay=False), help="Data directory (kept).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--bucketfs-port", default=DEFAULT_BUCKETFS_PORT, show_default=True, type=int)
@click.option("--aws-endpoint-url", default=None, help="S3/SageMaker endpoint for EXPORT/IMPORT and UDFs.")
@click.option("--udf-workers", default=None, type=int, help="Parallel VMs for SET UDFs (default: CPU count).")
@click.option("--exasol-version", default=DEFAULT_VERSION, show_default=True, type=click.Choice(VERSIONS),
              help="Exasol release to emulate (its Lua libraries, e.g. lua-cjson, and its reported version).")
@click.option("--nodes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Nodes of the emulated cluster: NPROC(), IPROC() per row, UDF instances per node.")
def main(data_dir: str, host: str, port: int, bucketfs_port: int, aws_endpoint_url: str | None,
         udf_workers: int | None, exasol_version: str, nodes: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Emulator(data_dir, host, port, bucketfs_port, aws_endpoint_url, udf_workers,
                  exasol_version=exasol_version, nodes=nodes) as emulator:
        click.echo(f"Exasol emulator ready: dsn={emulator.dsn} (plain: {emulator.plain_dsn}, encryption=False)")
        click.echo(f"user={emulator.user} password={emulator.password} bucketfs={emulator.bucketfs_url}")
        try:
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
