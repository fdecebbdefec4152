"""Stop a running AutoML job (StopAutoMLJob) and report the state it is in afterwards.

AWS answers StopAutoMLJob with an empty body and turns the job ``Stopping`` and later ``Stopped``; the models that
finished training before that stay available, so the job's best candidate so far can still be deployed. A job
that has already ended cannot be stopped: that is reported with the status it ended in, before AWS is asked, so
the user learns what happened to the job instead of reading a bare validation message.
"""

from __future__ import annotations

import boto3

from exasol_sagemaker_extension.autopilot.aws_errors import aws_call
from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.job_status import JobStatus, describe_job_raw, job_status_from
from exasol_sagemaker_extension.errors import SmeError

RUNNING_STATUSES = frozenset({"InProgress", "Stopping"})


def stop_job(session: boto3.Session, job_name: str) -> JobStatus:
    """Ask AWS to stop ``job_name``; the returned status is ``Stopping`` (or ``Stopped`` if it ended already)."""
    before = job_status_from(describe_job_raw(session, job_name))
    if before.status not in RUNNING_STATUSES:
        raise SmeError(
            "E-SME-175",
            f"The AutoML job {job_name!r} cannot be stopped: it has already ended with status {before.status}"
            f" ({before.secondary_status}).",
            ["Nothing to stop. SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS shows its result; a Completed or Stopped job's"
             " best candidate can be deployed."],
        )
    if before.status == "InProgress":
        with aws_call("stop the AutoML job", job_name, secrets=session_secrets(session)):
            control_plane_client(session).stop_auto_ml_job(AutoMLJobName=job_name)
    return job_status_from(describe_job_raw(session, job_name))
