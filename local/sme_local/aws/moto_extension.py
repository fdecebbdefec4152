"""Where moto 5.2.5 stops short of SageMaker, and the hooks that close the gap.

moto stores CreateAutoMLJobV2 requests but its jobs never run (their "best candidate" is a constant); it has no
ListCandidatesForAutoMLJob; its endpoints are InService at once and InvokeEndpoint answers canned text; its
transform jobs are Completed at once without output. This
module adds, inside the moto server process only:

* training: ``SageMakerModelBackend.create_auto_ml_job_v2`` is wrapped; after moto has validated and stored the job,
  the job is reset to ``InProgress/Starting`` and handed to a bounded thread pool running ``AutoMLJobRunner``,
  which reads the input prefix from the moto S3 backend, trains, writes model.tar.gz files back into it and moves
  the moto job object through Autopilot's statuses. ``AutoMLJob.describe``/``summary`` are wrapped only to drop
  fields that are not set yet (moto fills them with placeholders);
* ``stop_auto_ml_job`` is replaced: moto marks any job Stopped at once, even a finished one; here a running job
  turns ``Stopping``, its search ends before the next trial is scored, the candidates trained so far are
  published (the best one as BestCandidate) and the job turns ``Stopped``; a finished job cannot be stopped;
* ``SageMakerResponse.list_candidates_for_auto_ml_job``: a new action (moto dispatches by method name);
* endpoints: ``create_endpoint`` is wrapped so a new endpoint is ``Creating`` and turns ``InService`` (model files
  loaded) or ``Failed`` after ``endpoint_startup_seconds``; ``delete_endpoint`` forgets the loaded model;
* ``SageMakerRuntimeResponse.invoke_endpoint`` is replaced by real inference with AWS's error responses; every
  request the model answers publishes the endpoint's CloudWatch metrics (``endpoint_metrics``);
* transform jobs: ``create_transform_job`` is wrapped (moto stores them ``Completed`` at once) so a job checks
  its model and payload limits, is ``InProgress`` while ``automl.transform`` scores the S3 input with the
  model's containers, and ends ``Completed`` or ``Failed`` with a ``FailureReason``.

Why this is stable against moto 5.2.5: the version is pinned and checked on install; the hooks touch only public
method names of moto's backend and response classes (the same names moto's own URL dispatch uses) and plain
attributes of its model objects (``auto_ml_jobs``, ``endpoints``, ``endpoint_configs``, ``_models``, the job's
status fields, the endpoint's ``endpoint_status``/``failure_reason``), all of which ``tests/sme_local.aws``
exercises end to end, so an incompatible moto fails those tests rather than misbehaving silently.
"""

from __future__ import annotations

import base64
import concurrent.futures
import datetime
import json
import logging
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

import moto
from moto.core.responses import ActionResult
from moto.s3.exceptions import MissingBucket
from moto.s3.models import s3_backends
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import AutoMLJob, SageMakerModelBackend, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemakerruntime.responses import SageMakerRuntimeResponse
from moto.utilities.utils import get_partition

from sme_local.aws.automl import artifacts, metrics
from sme_local.aws.automl.failure import JobFailure
from sme_local.aws.automl.inference import LoadedContainer, invoke, response_type
from sme_local.aws.automl.job import DEFAULT_VALIDATION_FRACTION, AutoMLJobRunner, JobRequest, split_s3_uri
from sme_local.aws.automl.stages import InferenceError
from sme_local.aws.automl.transform import (
    DEFAULT_MAX_PAYLOAD_IN_MB,
    MAX_TOTAL_PAYLOAD_IN_MB,
    MEGABYTE,
    TransformRequest,
    TransformRunner,
)
from sme_local.aws.persistence import StateFile
from sme_local.aws.settings import EmulatorSettings
from sme_local.aws import endpoint_metrics, validation_hook

SUPPORTED_MOTO_VERSION = "5.2.5"
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # InvokeEndpoint's documented limit (Body max length 6291456)
_DEFAULT_PAGE_SIZE = 10
_log = logging.getLogger("sme_local.aws")


class _State:
    """Everything the hooks share: settings, the training pool, candidates and loaded endpoint models."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.work_dir = settings.work_dir or Path(tempfile.mkdtemp(prefix="aws-emulator-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.pool = concurrent.futures.ThreadPoolExecutor(settings.max_parallel_jobs, "automl-job")
        # Transform jobs run beside training (on AWS they use their own instances), one at a time here.
        self.transform_pool = concurrent.futures.ThreadPoolExecutor(1, "transform-job")
        self.lock = threading.Lock()
        self.candidates: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        self.endpoints: dict[tuple[str, str, str], list[LoadedContainer]] = {}
        self.state_file = StateFile(self.work_dir)


_state: _State | None = None


def install(settings: EmulatorSettings) -> None:
    """Install the hooks once per process; the moto server must be started after this."""
    global _state
    if moto.__version__ != SUPPORTED_MOTO_VERSION:
        raise RuntimeError(f"sme_local.aws supports moto {SUPPORTED_MOTO_VERSION}, found {moto.__version__}")
    if _state is not None:
        if _state.settings != settings:
            raise RuntimeError("sme_local.aws hooks are already installed with other settings")
        return
    _state = _State(settings)
    validation_hook.install()
    endpoint_metrics.install()
    SageMakerModelBackend.create_auto_ml_job_v2 = _create_auto_ml_job_v2(SageMakerModelBackend.create_auto_ml_job_v2)
    AutoMLJob.describe = _without_unset(AutoMLJob.describe)
    AutoMLJob.summary = _without_unset(AutoMLJob.summary)
    SageMakerModelBackend.stop_auto_ml_job = _stop_auto_ml_job
    SageMakerResponse.list_candidates_for_auto_ml_job = _list_candidates_for_auto_ml_job
    SageMakerModelBackend.create_endpoint = _create_endpoint(SageMakerModelBackend.create_endpoint)
    SageMakerModelBackend.delete_endpoint = _delete_endpoint(SageMakerModelBackend.delete_endpoint)
    SageMakerRuntimeResponse.invoke_endpoint = _invoke_endpoint
    SageMakerModelBackend.create_transform_job = _create_transform_job(SageMakerModelBackend.create_transform_job)
    _restore()


RESTART_FAILURE_REASON = ("InternalServerError: the AWS emulator was stopped while this job trained, and a local "
                          "job does not resume. Train again under a new job name.")
TRANSFORM_RESTART_FAILURE_REASON = ("InternalServerError: the AWS emulator was stopped while this transform job "
                                    "ran, and a local transform job does not resume. Start it again under a new "
                                    "name.")


def save_state() -> None:
    """Write the snapshot (see ``persistence``): on stop, and whenever a job or an endpoint changes status."""
    with _state.lock:
        extra = {"candidates": dict(_state.candidates)}
    try:
        _state.state_file.save(extra)
    except Exception:  # a failed snapshot must not end a job or a request; the next one tries again
        _log.error("Saving the AWS emulator state failed:\n%s", traceback.format_exc())


def _restore() -> None:
    """Load the last snapshot: jobs that were training fail with a reason, endpoints load their models again."""
    extra = _state.state_file.load()
    if extra is None:
        return
    _state.candidates.update(extra["candidates"])
    for account in list(sagemaker_backends.keys()):
        for backend in list(dict.values(sagemaker_backends[account])):
            for job in backend.auto_ml_jobs.values():
                _fail(job, RESTART_FAILURE_REASON)
            for endpoint in backend.endpoints.values():
                if endpoint.endpoint_status in ("Creating", "InService", "Updating"):
                    _start_bring_up(backend, endpoint)
            for transform_job in backend.transform_jobs.values():
                _end_transform(transform_job, "Failed", TRANSFORM_RESTART_FAILURE_REASON)
    save_state()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


# ----------------------------------------------------------------------------------------------------- training

def _create_auto_ml_job_v2(original: Callable[..., str]) -> Callable[..., str]:
    def create(backend: SageMakerModelBackend, **kwargs: Any) -> str:
        tabular = (kwargs.get("auto_ml_problem_type_config") or {}).get("TabularJobConfig")
        if tabular is not None:
            _validate_tabular(tabular, kwargs.get("auto_ml_job_objective"))
        requested_config = kwargs["auto_ml_problem_type_config"]
        if tabular is not None:  # moto 5.2.5 indexes both keys unconditionally; AWS makes them optional
            kwargs["auto_ml_problem_type_config"] = {"TabularJobConfig": {
                "ProblemType": None, "CompletionCriteria": {}, **tabular}}
        arn = original(backend, **kwargs)
        job = backend.auto_ml_jobs[kwargs["auto_ml_job_name"]]
        job.auto_ml_problem_type_config = requested_config
        job.auto_ml_job_secondary_status = "Starting"
        job.best_candidate = None
        job.end_time = None
        job.failure_reason = None
        job.partial_failure_reasons = None
        job.auto_ml_job_artifacts = None
        job.model_deploy_config = kwargs.get("model_deploy_config")
        job.model_deploy_result = None
        if tabular is None:
            _fail(job, "ClientError: The AWS emulator trains tabular jobs (TabularJobConfig) only.")
            return arn
        if tabular.get("ProblemType") is None:
            job.resolved_attributes = None
        request = _job_request(job, tabular)
        _state.pool.submit(_train, backend.account_id, backend.region_name, job, request)
        return arn

    return create


def _validate_tabular(tabular: dict[str, Any], objective: dict[str, str] | None) -> None:
    """Checks AWS makes before accepting the job (a ValidationException, not a failed job)."""
    problem_type = tabular.get("ProblemType")
    if objective and problem_type and objective["MetricName"] not in metrics.objective_names(problem_type):
        raise ValidationError(
            message=f"The objective metric {objective['MetricName']} is not valid for problem type "
                    f"{problem_type}. Valid metrics: {', '.join(metrics.objective_names(problem_type))}.")


def _job_request(job: AutoMLJob, tabular: dict[str, Any]) -> JobRequest:
    criteria = tabular.get("CompletionCriteria") or {}
    objective = job.auto_ml_job_objective or {}
    return JobRequest(
        name=job.auto_ml_job_name,
        input_uris=[c["DataSource"]["S3DataSource"]["S3Uri"] for c in job.auto_ml_job_input_data_config
                    if c.get("ChannelType", "training") == "training"],
        output_path=job.output_data_config["S3OutputPath"],
        target=tabular["TargetAttributeName"],
        problem_type=tabular.get("ProblemType"),
        objective=objective.get("MetricName"),
        mode=tabular.get("Mode") or "AUTO",
        max_candidates=criteria.get("MaxCandidates"),
        max_seconds_per_trial=criteria.get("MaxRuntimePerTrainingJobInSeconds"),
        max_job_seconds=criteria.get("MaxAutoMLJobRuntimeInSeconds"),
        sample_weight=tabular.get("SampleWeightAttributeName"),
        validation_fraction=float((job.data_split_config or {}).get("ValidationFraction")
                                  or DEFAULT_VALIDATION_FRACTION),
    )


class _MotoS3Store:
    """The moto S3 backend of the job's account, as ``ObjectStore``."""

    def __init__(self, account_id: str, region: str) -> None:
        self._backend = s3_backends[account_id][get_partition(region)]

    def keys(self, bucket: str, prefix: str) -> list[str]:
        try:
            stored = self._backend.get_bucket(bucket).keys
        except MissingBucket as error:
            raise JobFailure(f"The S3 bucket {bucket} does not exist.") from error
        return [k for k in list(stored.keys()) if k.startswith(prefix)]

    def get(self, bucket: str, key: str) -> bytes:
        stored = self._backend.get_object(bucket, key)
        if stored is None:
            raise JobFailure(f"The object s3://{bucket}/{key} disappeared while the job read it.")
        return stored.value

    def put(self, bucket: str, key: str, data: bytes) -> None:
        try:
            self._backend.put_object(bucket, key, data)
        except MissingBucket as error:
            raise JobFailure(f"The output S3 bucket {bucket} does not exist.") from error


class _MotoJobProgress:
    def __init__(self, job: AutoMLJob) -> None:
        self._job = job

    def secondary_status(self, status: str) -> None:
        self._job.auto_ml_job_secondary_status = status
        self._job.last_modified_time = _now()

    def stopped(self) -> bool:
        return self._job.auto_ml_job_status in ("Stopping", "Stopped")


def _stop_auto_ml_job(backend: SageMakerModelBackend, auto_ml_job_name: str) -> None:
    """StopAutoMLJob: a running job turns Stopping (the training thread ends it); stopping twice is harmless."""
    job = backend.auto_ml_jobs.get(auto_ml_job_name)
    if job is None:
        raise ResourceNotFound(f"Could not find AutoML job with name {auto_ml_job_name}.")
    if job.auto_ml_job_status == "InProgress":
        job.auto_ml_job_status = job.auto_ml_job_secondary_status = "Stopping"
        job.last_modified_time = _now()
    elif job.auto_ml_job_status != "Stopping":
        raise ValidationError(message=f"The AutoML job {auto_ml_job_name} has already ended with status "
                                      f"{job.auto_ml_job_status}; only a job that is InProgress can be stopped.")


def _train(account_id: str, region: str, job: AutoMLJob, request: JobRequest) -> None:
    """Pool worker: run the job, record its outcome on the moto job object and save the state; never raises."""
    try:
        _run_job(account_id, region, job, request)
    finally:
        save_state()


def _run_job(account_id: str, region: str, job: AutoMLJob, request: JobRequest) -> None:
    try:
        result = AutoMLJobRunner(request, _MotoS3Store(account_id, region), _MotoJobProgress(job),
                                 _state.settings, _state.work_dir).run()
    except JobFailure as failure:
        _fail(job, failure.reason)
        return
    except Exception as error:  # a crash in the search must still end the job, as on AWS
        _log.error("AutoML job %s crashed:\n%s", request.name, traceback.format_exc())
        _fail(job, f"AlgorithmError: {type(error).__name__}: {error}")
        return
    if job.auto_ml_job_status not in ("InProgress", "Stopping"):
        return
    with _state.lock:
        _state.candidates[(account_id, region, request.name)] = result.candidates
    job.auto_ml_job_objective = {"MetricName": result.objective.name}
    job.resolved_attributes = {
        "AutoMLJobObjective": {"MetricName": result.objective.name},
        "CompletionCriteria": (job.auto_ml_problem_type_config["TabularJobConfig"].get("CompletionCriteria")
                               or {}),
        "AutoMLProblemTypeResolvedAttributes": {"TabularResolvedAttributes": {"ProblemType": result.problem_type}},
    }
    # A stopped job keeps the candidates that finished training, as AWS keeps their training jobs and models.
    job.best_candidate = result.candidates[0] if result.candidates else None
    job.end_time = job.last_modified_time = _now()
    stopped = result.stopped or job.auto_ml_job_status == "Stopping"
    job.auto_ml_job_secondary_status = "Stopped" if stopped else result.secondary_status
    job.auto_ml_job_status = "Stopped" if stopped else "Completed"


def _fail(job: AutoMLJob, reason: str) -> None:
    if job.auto_ml_job_status == "Stopping":  # the user asked it to end; a failure on the way does not matter
        job.end_time = job.last_modified_time = _now()
        job.auto_ml_job_status = job.auto_ml_job_secondary_status = "Stopped"
        return
    if job.auto_ml_job_status != "InProgress":
        return
    job.failure_reason = reason
    job.end_time = job.last_modified_time = _now()
    job.auto_ml_job_secondary_status = "Failed"
    job.auto_ml_job_status = "Failed"


def _without_unset(method: Callable[[AutoMLJob], dict[str, Any]]) -> Callable[[AutoMLJob], dict[str, Any]]:
    def described(job: AutoMLJob) -> dict[str, Any]:
        return {key: value for key, value in method(job).items() if value is not None}

    return described


def _list_candidates_for_auto_ml_job(self: SageMakerResponse) -> ActionResult:
    name = self._get_param("AutoMLJobName")
    if name not in self.sagemaker_backend.auto_ml_jobs:
        raise ResourceNotFound(f"Could not find AutoML job with name {name}.")
    with _state.lock:
        candidates = list(_state.candidates.get((self.current_account, self.region, name), []))
    status = self._get_param("StatusEquals")
    wanted_name = self._get_param("CandidateNameEquals")
    candidates = [c for c in candidates if (status is None or c["CandidateStatus"] == status)
                  and (wanted_name is None or c["CandidateName"] == wanted_name)]
    sort_keys: dict[str, Callable[[dict[str, Any]], Any]] = {
        "CreationTime": lambda c: c["CreationTime"],
        "Status": lambda c: c["CandidateStatus"],
        "FinalObjectiveMetricValue": lambda c: c["FinalAutoMLJobObjectiveMetric"]["Value"],
    }
    sort_by = self._get_param("SortBy")
    if sort_by is not None:
        candidates.sort(key=sort_keys[sort_by], reverse=self._get_param("SortOrder") == "Descending")
    elif self._get_param("SortOrder") == "Descending":
        candidates.reverse()
    start = _page_start(self._get_param("NextToken"))
    size = self._get_param("MaxResults") or _DEFAULT_PAGE_SIZE
    result: dict[str, Any] = {"Candidates": candidates[start:start + size]}
    if start + size < len(candidates):
        result["NextToken"] = base64.urlsafe_b64encode(json.dumps({"start": start + size}).encode()).decode()
    return ActionResult(result)


def _page_start(token: str | None) -> int:
    if token is None:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["start"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValidationError(message="Invalid pagination token.") from error


# ----------------------------------------------------------------------------------------------------- endpoints

def _create_endpoint(original: Callable[..., Any]) -> Callable[..., Any]:
    def create(backend: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str,
               tags: list[dict[str, str]]) -> Any:
        if endpoint_name in backend.endpoints:
            raise ValidationError(
                message=f'Cannot create already existing endpoint "{backend.endpoints[endpoint_name].arn}".')
        endpoint = original(backend, endpoint_name, endpoint_config_name, tags)
        _start_bring_up(backend, endpoint)
        return endpoint

    return create


def _start_bring_up(backend: SageMakerModelBackend, endpoint: Any) -> None:
    """The endpoint is ``Creating`` until its models are loaded (new, or restored from a snapshot)."""
    config = backend.endpoint_configs[endpoint.endpoint_config_name]
    definitions = _model_definitions(backend, config.production_variants[0]["ModelName"])
    endpoint.endpoint_status = "Creating"
    timer = threading.Timer(_state.settings.endpoint_startup_seconds, _bring_up, (backend, endpoint, definitions))
    timer.daemon = True
    timer.start()


def _load_model(backend: SageMakerModelBackend, definitions: list[dict[str, Any]]) -> tuple[list[LoadedContainer], str | None]:
    """Every container's model file, loaded; or the FailureReason AWS gives when one cannot be loaded."""
    store = s3_backends[backend.account_id][get_partition(backend.region_name)]
    loaded = []
    for definition in definitions:
        url = definition.get("ModelDataUrl", "")
        try:
            bucket, key = split_s3_uri(url)
            stored = store.get_object(bucket, key)
        except (JobFailure, MissingBucket):
            bucket, key, stored = url, "", None
        if stored is None:
            return loaded, (f"Failed to download model data(bucket: {bucket}, key: {key}). Please ensure that there "
                            f"is an object located at the URL and that the role passed to CreateModel has "
                            f"permissions to download the model.")
        try:
            loaded.append(LoadedContainer(artifacts.unpack(stored.value), definition.get("Environment") or {}))
        except artifacts.ArtifactError as error:
            return loaded, f"The model data at {url} cannot be loaded: {error}."
    return loaded, None


def _model_definitions(backend: SageMakerModelBackend, model_name: str) -> list[dict[str, Any]]:
    model = backend._models[model_name]
    return [dict(c) for c in (model.containers or [model.primary_container])]


def _bring_up(backend: SageMakerModelBackend, endpoint: Any, definitions: list[dict[str, Any]]) -> None:
    """Load every container's model file; the endpoint is InService only if all of them load."""
    loaded, failure = _load_model(backend, definitions)
    if backend.endpoints.get(endpoint.endpoint_name) is not endpoint:
        return  # deleted (or replaced) while it was being created
    if failure is not None:
        endpoint.failure_reason = failure
        endpoint.endpoint_status = "Failed"
    else:
        with _state.lock:
            _state.endpoints[(backend.account_id, backend.region_name, endpoint.endpoint_name)] = loaded
        endpoint.endpoint_status = "InService"
    endpoint.last_modified_time = _now()
    save_state()


def _delete_endpoint(original: Callable[..., None]) -> Callable[..., None]:
    def delete(backend: SageMakerModelBackend, endpoint_name: str) -> None:
        original(backend, endpoint_name)
        with _state.lock:
            _state.endpoints.pop((backend.account_id, backend.region_name, endpoint_name), None)

    return delete


def _invoke_endpoint(self: SageMakerRuntimeResponse) -> tuple[int, dict[str, str], str]:
    name = unquote(self.path.split("/")[2])
    body: bytes = self.raw_body if isinstance(self.raw_body, bytes) else str(self.raw_body or "").encode()
    if len(body) > MAX_PAYLOAD_BYTES:
        return _runtime_error(413, "ValidationError", f"Request {uuid.uuid4()} has oversize body.")
    backend = sagemaker_backends[self.current_account][self.region]
    endpoint = backend.endpoints.get(name)
    with _state.lock:
        containers = _state.endpoints.get((self.current_account, self.region, name))
    if endpoint is None or endpoint.endpoint_status != "InService" or containers is None:
        return _runtime_error(400, "ValidationError", f"Endpoint {name} of account {self.current_account} not found.")
    variant = endpoint.production_variants[0]["VariantName"] if endpoint.production_variants else "AllTraffic"
    started = time.perf_counter()
    try:
        answer = invoke(containers, body, self.headers.get("Content-Type"), self.headers.get("Accept"))
    except InferenceError as error:
        endpoint_metrics.publish_invocation(self.current_account, self.region, name, variant,
                                            (time.perf_counter() - started) * 1e6, error.status)
        log_group = f"/aws/sagemaker/Endpoints/{name}"
        kind = "client" if error.status < 500 else "server"
        message = (f"Received {kind} error ({error.status}) from model with message \"{error.message}\". See "
                   f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region={self.region}"
                   f"#logEventViewer:group={log_group} in account {self.current_account} for more information.")
        return _runtime_error(424, "ModelError", message, {
            "OriginalStatusCode": error.status, "OriginalMessage": error.message,
            "LogStreamArn": f"arn:aws:logs:{self.region}:{self.current_account}:log-group:{log_group}",
        })
    endpoint_metrics.publish_invocation(self.current_account, self.region, name, variant,
                                        (time.perf_counter() - started) * 1e6, 200)
    return 200, {"Content-Type": response_type(self.headers.get("Accept")),
                 "x-Amzn-Invoked-Production-Variant": variant}, answer.decode("utf-8")


def _runtime_error(status: int, code: str, message: str,
                   extra: dict[str, Any] | None = None) -> tuple[int, dict[str, str], str]:
    """A rest-json error as SageMaker Runtime sends it (botocore reads the code from x-amzn-ErrorType)."""
    headers = {"status": str(status), "x-amzn-ErrorType": code, "Content-Type": "application/json"}
    return status, headers, json.dumps({"Message": message, **(extra or {})})


# ------------------------------------------------------------------------------------------------ transform jobs

def _create_transform_job(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto stores the job as Completed at once; here it is InProgress until the model has scored the input."""

    def create(backend: SageMakerModelBackend, **kwargs: Any) -> Any:
        name = kwargs["transform_job_name"]
        if name in backend.transform_jobs:
            raise ValidationError(message=f"Job name must be unique within an AWS account and region, and a job "
                                          f"with this name already exists ({backend.transform_jobs[name].arn})")
        if kwargs["model_name"] not in backend._models:
            raise ValidationError(message=f"Could not find model \"{kwargs['model_name']}\".")
        payload = kwargs.get("max_payload_in_mb") or DEFAULT_MAX_PAYLOAD_IN_MB
        concurrent_transforms = kwargs.get("max_concurrent_transforms") or 1
        if payload * concurrent_transforms > MAX_TOTAL_PAYLOAD_IN_MB:
            raise ValidationError(message=f"MaxConcurrentTransforms ({concurrent_transforms}) x MaxPayloadInMB "
                                          f"({payload}) must not exceed {MAX_TOTAL_PAYLOAD_IN_MB} MB.")
        job = original(backend, **kwargs)
        job.transform_job_status = "InProgress"
        job.failure_reason = None
        job.transform_end_time = None
        request = _transform_request(job, payload, concurrent_transforms)
        definitions = _model_definitions(backend, job.model_name)
        _state.transform_pool.submit(_transform, backend, job, request, definitions)
        return job

    return create


def _transform_request(job: Any, payload_in_mb: int, concurrent_transforms: int) -> TransformRequest:
    source = job.transform_input["DataSource"]["S3DataSource"]
    if source.get("S3DataType", "S3Prefix") != "S3Prefix":
        _end_transform(job, "Failed", "ClientError: The AWS emulator reads S3DataType S3Prefix inputs only.")
    processing = job.data_processing or {}
    return TransformRequest(
        name=job.transform_job_name,
        input_uri=source["S3Uri"],
        content_type=job.transform_input.get("ContentType") or "text/csv",
        compression=job.transform_input.get("CompressionType") or "None",
        split_type=job.transform_input.get("SplitType") or "None",
        output_path=job.transform_output["S3OutputPath"],
        accept=job.transform_output.get("Accept"),
        assemble_with=job.transform_output.get("AssembleWith") or "None",
        batch_strategy=job.batch_strategy or "MultiRecord",
        max_payload_bytes=payload_in_mb * MEGABYTE,
        max_concurrent=concurrent_transforms,
        input_filter=processing.get("InputFilter") or "$",
        join_input=processing.get("JoinSource") == "Input",
        output_filter=processing.get("OutputFilter") or "$",
    )


def _transform(backend: SageMakerModelBackend, job: Any, request: TransformRequest,
               definitions: list[dict[str, Any]]) -> None:
    """Pool worker: load the model, score every input file, record the outcome; never raises."""
    try:
        if job.transform_job_status != "InProgress":
            return
        containers, failure = _load_model(backend, definitions)
        if failure is not None:
            _end_transform(job, "Failed", f"ClientError: {failure}")
            return
        runner = TransformRunner(request, _MotoS3Store(backend.account_id, backend.region_name),
                                 lambda body, content_type, accept: invoke(containers, body, content_type, accept))
        runner.run()
        _end_transform(job, "Completed", None)
    except JobFailure as failure:
        _end_transform(job, "Failed", failure.reason)
    except Exception as error:  # a crash must still end the job, as on AWS
        _log.error("Transform job %s crashed:\n%s", request.name, traceback.format_exc())
        _end_transform(job, "Failed", f"AlgorithmError: {type(error).__name__}: {error}")
    finally:
        save_state()


def _end_transform(job: Any, status: str, reason: str | None) -> None:
    if job.transform_job_status != "InProgress":
        return
    job.failure_reason = reason
    job.transform_end_time = job.last_modified_time = _now()
    job.transform_job_status = status
