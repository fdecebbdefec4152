"""Deploy a candidate of a finished AutoML job as a real-time endpoint: model → endpoint config → endpoint.

Deployment is idempotent so that a retry after a timeout or a failed later step (the Lua script creates the
prediction UDF afterwards) never creates a second, forgotten endpoint that keeps costing money:
  * an endpoint that already serves a model built from the same candidate is returned (after waiting for it);
  * an endpoint serving something else is refused, never silently replaced;
  * a model or endpoint config left behind by an earlier attempt without its endpoint is replaced — unless it is
    younger than ``LEFTOVER_AFTER_SECONDS``: then another session is deploying the same name right now, and this
    one stops with a conflict (E-SME-166) instead of deleting the other session's resources;
  * a deployment that fails (a create call AWS refuses even after retries, or an endpoint that turns Failed)
    deletes what it created itself, so nothing is left that bills or needs cleaning up.
Model and config names are derived from the endpoint name (see ``names``), so deletion finds them again.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from dataclasses import dataclass, replace
from typing import Any, Callable

import boto3

from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from botocore.exceptions import BotoCoreError, ClientError

from exasol_sagemaker_extension.autopilot.aws_errors import aws_call, error_code, unless_missing
from exasol_sagemaker_extension.autopilot.candidates import list_candidate_descriptions
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.endpoint_compute import EndpointCompute
from exasol_sagemaker_extension.autopilot.endpoint_waiting import (
    ProgressCallback,
    endpoint_failed,
    wait_until_in_service,
)
from exasol_sagemaker_extension.autopilot.inference_output import with_inference_output
from exasol_sagemaker_extension.autopilot.job_status import describe_job_raw, resolved_problem_type
from exasol_sagemaker_extension.autopilot.names import (
    endpoint_config_name_for,
    model_name_for,
    validate_candidate_name,
    validate_endpoint_name,
    validate_job_name,
)
from exasol_sagemaker_extension.autopilot.resource_tags import extension_tags
from exasol_sagemaker_extension.errors import SmeError

DEFAULT_TIMEOUT_SECONDS = 1800.0
# Creating model, config and endpoint takes seconds (a minute with retries); a younger model or config without
# its endpoint belongs to a deployment still in progress, an older one to a deployment that was interrupted.
LEFTOVER_AFTER_SECONDS = 600.0
_TAKEN_NAME = "Cannot create already existing"
_STILL_RUNNING = ("InProgress", "Stopping")


@dataclass(frozen=True)
class DeploymentSpec:
    job_name: str
    endpoint_name: str
    compute: EndpointCompute
    candidate_name: str | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    # The extension's schema, named in the tags of the model, config and endpoint (None: no own tags).
    extension_schema: str | None = None


@dataclass(frozen=True)
class Deployment:
    endpoint_name: str
    endpoint_status: str
    model_name: str
    endpoint_config_name: str
    candidate_name: str
    problem_type: str
    inference_output: tuple[str, ...]
    serverless: bool


CPU = "CPU"


def deploy(
    session: boto3.Session,
    spec: DeploymentSpec,
    on_progress: ProgressCallback = lambda status: None,
    sleep: Callable[[float], None] = time.sleep,
) -> Deployment:
    """Deploy the best (or the named) candidate of ``spec.job_name`` as ``spec.endpoint_name`` and wait."""
    validate_job_name(spec.job_name)
    validate_endpoint_name(spec.endpoint_name)
    if spec.candidate_name is not None:
        validate_candidate_name(spec.candidate_name)
    spec.compute.validate()
    if not spec.timeout_seconds or spec.timeout_seconds <= 0:
        raise SmeError("E-SME-20", "timeout_seconds must be positive.", ["Give e.g. 1800, or leave it out."])

    secrets = session_secrets(session)
    client = control_plane_client(session)
    job = describe_job_raw(session, spec.job_name)
    require_completed(job)
    problem_type = resolved_problem_type(job)
    candidate = choose_candidate(session, job, spec.candidate_name)
    containers, inference_output = with_inference_output(candidate_containers(candidate), problem_type)
    deployment = Deployment(
        endpoint_name=spec.endpoint_name,
        endpoint_status="",
        model_name=model_name_for(spec.endpoint_name),
        endpoint_config_name=endpoint_config_name_for(spec.endpoint_name),
        candidate_name=candidate["CandidateName"],
        problem_type=str(problem_type),
        inference_output=inference_output,
        serverless=spec.compute.is_serverless,
    )
    existing = unless_missing(
        lambda: client.describe_endpoint(EndpointName=spec.endpoint_name),
        "describe the endpoint", spec.endpoint_name, secrets,
    )
    if existing is not None:
        deployment = _adopt_existing(client, existing, deployment, candidate, secrets)
        status = wait_until_in_service(client, spec.endpoint_name, spec.timeout_seconds, on_progress, secrets, sleep)
        return replace(deployment, endpoint_status=status)
    tags = [] if spec.extension_schema is None else extension_tags(spec.extension_schema, spec.job_name)
    created = _create_resources(client, deployment, job["RoleArn"], containers, spec.compute, tags, secrets)
    try:
        status = wait_until_in_service(client, spec.endpoint_name, spec.timeout_seconds, on_progress, secrets, sleep)
    except SmeError as error:
        if error.code == "E-SME-143":  # Failed: it will never serve; a timeout (E-SME-144) may still come up
            _roll_back(created)
        raise
    return replace(deployment, endpoint_status=status)


def candidate_containers(candidate: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidate's containers for CPU endpoints.

    AWS documents ``InferenceContainerDefinitions`` (a map from processing unit, ``CPU`` or ``GPU``, to container
    definitions) as the V2 API's field, populated for CreateAutoMLJobV2 jobs, and ``InferenceContainers`` as the
    older one; which of them a tabular V2 job fills is not pinned down, so the V2 field wins when it has CPU
    containers and the old one is the fallback. The extension deploys to CPU instances and serverless endpoints.
    """
    definitions = (candidate.get("InferenceContainerDefinitions") or {}).get(CPU)
    return list(definitions or candidate.get("InferenceContainers") or [])


def require_completed(job: dict[str, Any]) -> None:
    """Only a Completed job has a final model (also what batch scoring needs)."""
    status = job["AutoMLJobStatus"]
    if status == "Completed":
        return
    name = job["AutoMLJobName"]
    if status in _STILL_RUNNING:
        raise SmeError(
            "E-SME-140",
            f"The AutoML job {name} is still {status} ({job.get('AutoMLJobSecondaryStatus') or 'no detail'}); "
            "there is no final model to deploy yet.",
            ["Poll with SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS until JOB_STATUS is Completed, then deploy."],
        )
    raise SmeError(
        "E-SME-141",
        f"The AutoML job {name} ended {status} and cannot be deployed: {job.get('FailureReason') or 'AWS gave no reason'}.",
        ["Fix the cause named by AWS and train again under a new job name."],
    )


def choose_candidate(session: boto3.Session, job: dict[str, Any], candidate_name: str | None) -> dict[str, Any]:
    """The best candidate, or the one named; it must have containers to run."""
    best = job.get("BestCandidate") or {}
    if candidate_name is None or candidate_name == best.get("CandidateName"):
        candidate = best
    else:
        matches = list_candidate_descriptions(session, job["AutoMLJobName"], CandidateNameEquals=candidate_name)
        candidate = matches[0] if matches else {}
    if not candidate_containers(candidate):
        wanted = candidate_name or "best candidate"
        raise SmeError(
            "E-SME-142",
            f"The AutoML job {job['AutoMLJobName']} has no deployable {wanted}.",
            [
                "List the job's candidates (SME_AUTOPILOT_CANDIDATES_UDF) and pick a Completed one by name.",
                "Omit candidate_name to deploy the best candidate.",
            ],
        )
    return candidate


def _create_resources(
    client: Any,
    deployment: Deployment,
    role_arn: str,
    containers: list[dict[str, Any]],
    compute: EndpointCompute,
    tags: list[dict[str, str]],
    secrets: tuple[str, ...],
) -> list[Callable[[], Any]]:
    """Create model, config and endpoint, replacing an old model/config left behind without its endpoint.

    Returns the deletions of what was created, newest first; if a step fails, they run before the error rises."""
    tagged = {"Tags": tags} if tags else {}
    model, config, endpoint = deployment.model_name, deployment.endpoint_config_name, deployment.endpoint_name
    _remove_leftover(endpoint, "endpoint config", config, lambda: client.describe_endpoint_config(
        EndpointConfigName=config), lambda: client.delete_endpoint_config(EndpointConfigName=config), secrets)
    _remove_leftover(endpoint, "model", model, lambda: client.describe_model(ModelName=model),
                     lambda: client.delete_model(ModelName=model), secrets)
    created: list[Callable[[], Any]] = []
    try:
        _create(endpoint, "create the model", model, secrets, lambda: client.create_model(
            ModelName=model, ExecutionRoleArn=role_arn, Containers=containers, **tagged))
        created.insert(0, lambda: client.delete_model(ModelName=model))
        _create(endpoint, "create the endpoint config", config, secrets, lambda: client.create_endpoint_config(
            EndpointConfigName=config, ProductionVariants=[compute.production_variant(model)], **tagged))
        created.insert(0, lambda: client.delete_endpoint_config(EndpointConfigName=config))
        _create(endpoint, "create the endpoint", endpoint, secrets, lambda: client.create_endpoint(
            EndpointName=endpoint, EndpointConfigName=config, **tagged))
        created.insert(0, lambda: client.delete_endpoint(EndpointName=endpoint))
    except BaseException:
        _roll_back(created)
        raise
    return created


def _remove_leftover(endpoint: str, kind: str, name: str, describe: Callable[[], dict[str, Any]],
                     delete: Callable[[], Any], secrets: tuple[str, ...]) -> None:
    """Delete an interrupted deployment's model or config; a young one means a deployment in progress."""
    found = unless_missing(describe, f"describe the {kind}", name, secrets)
    if found is None:
        return
    created_at = found.get("CreationTime")
    age = (datetime.now(timezone.utc) - created_at).total_seconds() if isinstance(created_at, datetime) else None
    if age is not None and age < LEFTOVER_AFTER_SECONDS:
        raise _conflict(endpoint, f"its {kind} {name} was created {max(age, 0):.0f} s ago")
    unless_missing(delete, f"delete the stale {kind}", name, secrets)


def _create(endpoint: str, action: str, name: str, secrets: tuple[str, ...], call: Callable[[], Any]) -> None:
    """One create call; a name AWS reports as taken means another session got there first (E-SME-166)."""
    with aws_call(action, name, secrets=secrets):
        try:
            call()
        except ClientError as error:
            if error_code(error) == "ValidationException" and _TAKEN_NAME in str(error):
                raise _conflict(endpoint, f"{name} was created by someone else meanwhile") from None
            raise


def _conflict(endpoint: str, detail: str) -> SmeError:
    return SmeError(
        "E-SME-166",
        f"The endpoint {endpoint} is being deployed by another session ({detail}); this deployment created nothing.",
        [
            "Wait until the other deployment has finished, then use its endpoint or deploy again (the same job and "
            "candidate are adopted, not created twice).",
            f"If no other deployment runs, remove the leftovers with SME_RECONCILE_SAGEMAKER_RESOURCES or wait "
            f"{LEFTOVER_AFTER_SECONDS:.0f} s: older leftovers are replaced.",
        ],
    )


def _roll_back(deletions: list[Callable[[], Any]]) -> None:
    """Best effort, newest first: the original failure is what the user must see; reconciliation finds the rest."""
    for delete in deletions:
        try:
            delete()
        except (ClientError, BotoCoreError):
            pass


def _adopt_existing(
    client: Any, endpoint: dict[str, Any], wanted: Deployment, candidate: dict[str, Any], secrets: tuple[str, ...]
) -> Deployment:
    """The existing endpoint if it serves ``candidate``; otherwise an error (nothing is replaced)."""
    name = wanted.endpoint_name
    if endpoint["EndpointStatus"] == "Failed":
        raise endpoint_failed(name, "Failed", endpoint.get("FailureReason"))
    config_name = endpoint["EndpointConfigName"]
    with aws_call("describe the endpoint config", config_name, secrets=secrets):
        variants = client.describe_endpoint_config(EndpointConfigName=config_name)["ProductionVariants"]
    model_name = variants[0]["ModelName"]
    model = unless_missing(lambda: client.describe_model(ModelName=model_name), "describe the model", model_name, secrets)
    if model is None or _container_identity(model.get("Containers", [])) != _container_identity(candidate_containers(candidate)):
        raise SmeError(
            "E-SME-145",
            f"The endpoint {name} already exists and serves a different model than candidate {wanted.candidate_name}.",
            [
                f"Choose another endpoint name, or delete {name} first (SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT).",
            ],
        )
    return Deployment(
        endpoint_name=name,
        endpoint_status=endpoint["EndpointStatus"],
        model_name=model_name,
        endpoint_config_name=config_name,
        candidate_name=wanted.candidate_name,
        problem_type=wanted.problem_type,
        inference_output=wanted.inference_output,
        serverless="ServerlessConfig" in variants[0],
    )


def _container_identity(containers: list[dict[str, Any]]) -> list[tuple[str | None, str | None]]:
    """What makes two models the same candidate: the same images with the same model artifacts, in order."""
    return [(c.get("Image"), c.get("ModelDataUrl")) for c in containers]
