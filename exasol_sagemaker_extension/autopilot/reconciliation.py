"""What the extension created in SageMaker, next to what its metadata tables say, and removal of the orphans.

A resource belongs to the extension's schema when its tags say so (``resource_tags``). Endpoints bill by the hour,
and a model or endpoint config is left behind by a deployment that failed halfway, so each of them is one of:
  * TRACKED: the metadata knows it (an endpoint not marked deleted; a model or config serving such an endpoint;
    a job in the jobs table);
  * ORPHAN: nothing in the metadata explains it; with ``delete`` it is removed (endpoints, configs, models);
  * MISSING_IN_AWS: the metadata lists an endpoint as deployed, but AWS has no such endpoint.
AutoML jobs cannot be deleted in SageMaker, and a finished one costs nothing; an orphan job is only reported.
Transform jobs (batch scoring) likewise: TRACKED when their job is in the metadata, else ORPHAN, never deleted.
The model of a batch scoring run is named after its transform job; while that job runs the model is TRACKED,
afterwards (kept with keep_artifacts, or left by an interrupted run) it is an ORPHAN like any unused model.
Resources that predate the tagging (deployed by an older version) carry no tags and are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import boto3

from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.aws_errors import aws_call, unless_missing
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.resource_tags import JOB_KEY, is_extension_resource

TRACKED = "TRACKED"
ORPHAN = "ORPHAN"
MISSING_IN_AWS = "MISSING_IN_AWS"
NO_ACTION = "NONE"
DELETED = "DELETED"
ALREADY_GONE = "ALREADY_GONE"


@dataclass(frozen=True)
class Metadata:
    """What the metadata tables say: the jobs, and the endpoints not marked deleted."""

    job_names: frozenset[str]
    live_endpoint_names: frozenset[str]


@dataclass(frozen=True)
class ResourceState:
    resource_type: str  # AUTOML_JOB, ENDPOINT, ENDPOINT_CONFIG, MODEL, TRANSFORM_JOB
    resource_name: str
    aws_status: str | None  # None for configs and models (AWS gives them none) and for MISSING_IN_AWS
    job_name: str | None
    serving_endpoint: str | None  # for configs and models: the endpoint that uses them, if any
    verdict: str
    action: str


@dataclass(frozen=True)
class _Kind:
    """How to list one kind of resource: the paginated operation, its result list, the name and ARN keys."""

    resource_type: str
    operation: str
    result_key: str
    name_key: str
    arn_key: str
    status_key: str | None
    delete_operation: str | None
    delete_parameter: str


_KINDS = (
    _Kind("AUTOML_JOB", "list_auto_ml_jobs", "AutoMLJobSummaries", "AutoMLJobName", "AutoMLJobArn",
          "AutoMLJobStatus", None, ""),
    _Kind("ENDPOINT", "list_endpoints", "Endpoints", "EndpointName", "EndpointArn", "EndpointStatus",
          "delete_endpoint", "EndpointName"),
    _Kind("ENDPOINT_CONFIG", "list_endpoint_configs", "EndpointConfigs", "EndpointConfigName", "EndpointConfigArn",
          None, "delete_endpoint_config", "EndpointConfigName"),
    _Kind("MODEL", "list_models", "Models", "ModelName", "ModelArn", None, "delete_model", "ModelName"),
    _Kind("TRANSFORM_JOB", "list_transform_jobs", "TransformJobSummaries", "TransformJobName", "TransformJobArn",
          "TransformJobStatus", None, ""),
)
_RUNNING_TRANSFORM = ("InProgress", "Stopping")
# Deleting in this order never removes a config or model under an endpoint that still uses it.
_DELETION_ORDER = ("ENDPOINT", "ENDPOINT_CONFIG", "MODEL")


def reconcile(session: boto3.Session, schema: str, metadata: Metadata, delete: bool) -> list[ResourceState]:
    """Every tagged resource of ``schema`` with its verdict, plus the endpoints AWS lacks; orphans removed if asked."""
    secrets = session_secrets(session)
    client = control_plane_client(session)
    found = {kind.resource_type: dict(_tagged(client, kind, schema, secrets)) for kind in _KINDS}
    serving = _serving_endpoints(client, found["ENDPOINT"], secrets)
    transforming = {name for name, (status, _) in found["TRANSFORM_JOB"].items() if status in _RUNNING_TRANSFORM}
    states = []
    for kind in _KINDS:
        for name, (status, job_name) in sorted(found[kind.resource_type].items()):
            user = serving.get((kind.resource_type, name))
            verdict = _verdict(kind.resource_type, name, job_name, user, metadata, transforming)
            states.append(ResourceState(kind.resource_type, name, status, job_name, user, verdict, NO_ACTION))
    for name in sorted(metadata.live_endpoint_names - set(found["ENDPOINT"])):
        states.append(ResourceState("ENDPOINT", name, None, None, None, MISSING_IN_AWS, NO_ACTION))
    if delete:
        states = _delete_orphans(client, states, secrets)
    return states


def _tagged(client: Any, kind: _Kind, schema: str, secrets: tuple[str, ...]) -> Iterator[tuple[str, tuple]]:
    """(name, (status, job tag)) of each resource of ``kind`` whose tags name the extension and ``schema``."""
    with aws_call(f"list the {kind.resource_type.lower().replace('_', ' ')}s", schema, secrets=secrets):
        pages = list(client.get_paginator(kind.operation).paginate())
    for page in pages:
        for summary in page[kind.result_key]:
            name = summary[kind.name_key]
            tags = unless_missing(lambda: _tags_of(client, summary[kind.arn_key]), "list the tags of", name, secrets)
            if tags is not None and is_extension_resource(tags, schema):
                status = summary.get(kind.status_key) if kind.status_key else None
                yield name, (status, tags.get(JOB_KEY))


def _tags_of(client: Any, arn: str) -> dict[str, str]:
    pages = client.get_paginator("list_tags").paginate(ResourceArn=arn)
    return {tag["Key"]: tag["Value"] for page in pages for tag in page["Tags"]}


def _serving_endpoints(client: Any, endpoints: dict[str, Any], secrets: tuple[str, ...]) -> dict[tuple[str, str], str]:
    """(resource type, name) of every config and model an existing endpoint uses → that endpoint's name."""
    serving = {}
    for endpoint_name in endpoints:
        endpoint = unless_missing(lambda: client.describe_endpoint(EndpointName=endpoint_name),
                                  "describe the endpoint", endpoint_name, secrets)
        if endpoint is None:
            continue
        config_name = endpoint["EndpointConfigName"]
        serving[("ENDPOINT_CONFIG", config_name)] = endpoint_name
        config = unless_missing(lambda: client.describe_endpoint_config(EndpointConfigName=config_name),
                                "describe the endpoint config", config_name, secrets)
        for variant in (config or {}).get("ProductionVariants", []):
            serving[("MODEL", variant["ModelName"])] = endpoint_name
    return serving


def _verdict(resource_type: str, name: str, job_name: str | None, serving_endpoint: str | None, metadata: Metadata,
             transforming: set[str]) -> str:
    if resource_type == "AUTOML_JOB":
        return TRACKED if name in metadata.job_names else ORPHAN
    if resource_type == "TRANSFORM_JOB":
        return TRACKED if job_name in metadata.job_names else ORPHAN
    if resource_type == "MODEL" and name in transforming:
        return TRACKED
    endpoint = name if resource_type == "ENDPOINT" else serving_endpoint
    return TRACKED if endpoint is not None and endpoint in metadata.live_endpoint_names else ORPHAN


def _delete_orphans(client: Any, states: list[ResourceState], secrets: tuple[str, ...]) -> list[ResourceState]:
    deletions = {kind.resource_type: kind for kind in _KINDS if kind.delete_operation}
    done: dict[tuple[str, str], str] = {}
    for resource_type in _DELETION_ORDER:
        kind = deletions[resource_type]
        for state in states:
            if state.resource_type == resource_type and state.verdict == ORPHAN:
                call = getattr(client, kind.delete_operation)
                deleted = unless_missing(lambda: call(**{kind.delete_parameter: state.resource_name}) or True,
                                         f"delete the {resource_type.lower().replace('_', ' ')}",
                                         state.resource_name, secrets)
                done[(resource_type, state.resource_name)] = DELETED if deleted else ALREADY_GONE
    return [
        ResourceState(s.resource_type, s.resource_name, s.aws_status, s.job_name, s.serving_endpoint, s.verdict,
                      done.get((s.resource_type, s.resource_name), NO_ACTION))
        for s in states
    ]
