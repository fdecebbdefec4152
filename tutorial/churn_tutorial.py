"""Run the churn tutorial (tutorial/README.md) against a running stack: the local one or a real Exasol + AWS.

    sme-local up &                                                   # local stack, writes .sme-local/stack.json
    python tutorial/churn_tutorial.py --stack .sme-local/stack.json --install-locally

    python tutorial/churn_tutorial.py --stack my-stack.json          # real Exasol + AWS, extension already
                                                                     # installed with sme-deploy (container)

The stack file has the keys printed by ``sme-local up`` (see README.md, "The stack file"). ``sme-local demo``
runs the same steps (sme_local.churn_tutorial) on a stack of its own.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pyexasol

from exasol_sagemaker_extension.errors import SmeError
from sme_local.churn_tutorial import ChurnTutorial, TutorialSettings
from sme_local.datasets import find_data_dir
from sme_local.stack import StackDescription


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", type=Path, required=True, help="stack file (JSON) with addresses and credentials")
    parser.add_argument("--data-dir", type=Path, default=None, help="directory holding churn.csv")
    parser.add_argument("--install-locally", action="store_true",
                        help="local stack only: map PYTHON3_SME to the host's Python and run sme-deploy")
    parser.add_argument("--job-timeout-seconds", type=float, default=TutorialSettings.job_timeout_seconds,
                        help="how long to poll the training job (real Autopilot jobs take an hour or more)")
    args = parser.parse_args(argv)
    os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")
    try:
        settings = TutorialSettings(data_dir=find_data_dir(args.data_dir), install_locally=args.install_locally,
                                    job_timeout_seconds=args.job_timeout_seconds)
        result = ChurnTutorial(StackDescription.from_json_file(args.stack), settings, print).run()
    except SmeError as error:
        print(error, file=sys.stderr)
        return 1
    except pyexasol.ExaError as error:
        # A statement failed in the database: its message (with its own E-… code) is the useful part.
        print(SmeError("E-SME-510", f"A tutorial statement failed: {error.message}", [
            "Read the database's error code and mitigation above; with the local stack, check that "
            "`sme-local up` is still running for this stack file."]), file=sys.stderr)
        return 1
    print(f"\nDone in {result.seconds:.0f} s: " + ", ".join(
        f"{name.lower()} {'undefined' if value is None else f'{value:.3f}'}" for name, value in result.metrics.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
