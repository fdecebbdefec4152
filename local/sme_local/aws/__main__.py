"""``python -m sme_local.aws``: run the AWS emulator alone, in the foreground, until Ctrl-C."""

from __future__ import annotations

import argparse
from pathlib import Path

from sme_local.aws.server import serve
from sme_local.aws.settings import DEFAULT_MAX_TRAINING_SECONDS, DEFAULT_MIN_TRAINING_ROWS, EmulatorSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sme_local.aws", description=__doc__)
    parser.add_argument("--port", type=int, default=5000, help="TCP port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--data-dir", type=Path, default=None, help="where training jobs keep their search logs")
    parser.add_argument("--max-training-seconds", type=float, default=DEFAULT_MAX_TRAINING_SECONDS)
    parser.add_argument("--min-training-rows", type=int, default=DEFAULT_MIN_TRAINING_ROWS)
    parser.add_argument("--endpoint-startup-seconds", type=float, default=1.0)
    parser.add_argument("--max-parallel-jobs", type=int, default=1)
    parser.add_argument("--training-threads", type=int, default=1)
    parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = EmulatorSettings(
        max_training_seconds=args.max_training_seconds, min_training_rows=args.min_training_rows,
        endpoint_startup_seconds=args.endpoint_startup_seconds, max_parallel_jobs=args.max_parallel_jobs,
        training_threads=args.training_threads, work_dir=args.data_dir,
    )
    serve(args.port, settings, args.parent_pid)


if __name__ == "__main__":
    main()
