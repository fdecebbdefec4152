"""The behaviour and state the emulator adds to moto's SageMaker, kept apart from request handling (``responses``).

moto splits each service into a backend with the behaviour and the state (``models``) and a response class that
parses requests and shapes answers (``responses``); this package does the same. ``AutoMLExtension`` is the one
object that holds what the hooks keep beside moto's backends (settings, the training and transform pools, the
candidates of trained jobs, the models loaded behind endpoints, the snapshot file). It is created by ``install``
and owned by the server; nothing here is module-global. Its entries are keyed by account and region like moto's
``BackendDict``.

What it changes in moto 5.2.5 (whose jobs never run, whose endpoints answer canned text and whose transform jobs
are Completed at once without output):

* training: after moto has validated and stored a CreateAutoMLJobV2 job, the job is reset to
  ``InProgress/Starting`` and trained by ``AutoMLJobRunner`` in a bounded pool, reading and writing the moto S3
  backend and moving the moto job object through Autopilot's statuses;
* StopAutoMLJob: a running job turns ``Stopping``, publishes the candidates trained so far and turns ``Stopped``;
  a finished job cannot be stopped;
* ListCandidatesForAutoMLJob (moto has none): filtered, sorted and paginated with moto's ``paginate``;
* endpoints are ``Creating`` until their model files are loaded, then ``InService`` or ``Failed``;
* transform jobs check their limits, are ``InProgress`` while ``automl.transform`` scores the S3 input, and end
  ``Completed`` or ``Failed`` with a ``FailureReason``.

Only public moto names are used: backend methods (``describe_model``, ``get_bucket``, ``get_object``,
``put_object``), the backends' public dictionaries (``auto_ml_jobs``, ``endpoints``, ``endpoint_configs``,
``transform_jobs``) and the plain attributes of moto's model objects. moto has no public method that changes a
job's or an endpoint's status, so those attributes are set directly; ``tests/aws`` exercises every one end to end,
so an incompatible moto fails those tests instead of misbehaving silently.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import logging
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

from moto.s3.exceptions import MissingBucket
from moto.s3.models import s3_backends
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import AutoMLJob, SageMakerModelBackend, sagemaker_backends
from moto.utilities.paginator import paginate
from moto.utilities.utils import get_partition

from sme_local.aws.automl import artifacts, metrics
from sme_local.aws.automl.failure import JobFailure
from sme_local.aws.automl.inference import LoadedContainer, invoke
from sme_local.aws.automl.job import DEFAULT_VALIDATION_FRACTION, AutoMLJobRunner, JobRequest, split_s3_uri
from sme_local.aws.automl.transform import (
    DEFAULT_MAX_PAYLOAD_IN_MB,
    MAX_TOTAL_PAYLOAD_IN_MB,
    MEGABYTE,
    TransformRequest,
    TransformRunner,
)
from sme_local.aws.persistence import StateFile
from sme_local.aws.settings import EmulatorSettings

# How moto's paginator pages ListCandidatesForAutoMLJob: AWS's default page size, candidate names are unique.
PAGINATION_MODEL = {
    "list_candidates": {
        "input_token": "next_token",
        "limit_key": "max_results",
        "limit_default": 10,
        "unique_attribute": "CandidateName",
    },
}
RESTART_FAILURE_REASON = ("InternalServerError: the AWS emulator was stopped while this job trained, and a local "
                          "job does not resume. Train again under a new job name.")
TRANSFORM_RESTART_FAILURE_REASON = ("InternalServerError: the AWS emulator was stopped while this transform job "
                                    "ran, and a local transform job does not resume. Start it again under a new "
                                    "name.")
_CANDIDATE_SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "CreationTime": lambda c: c["CreationTime"],
    "Status": lambda c: c["CandidateStatus"],
    "FinalObjectiveMetricValue": lambda c: c["FinalAutoMLJobObjectiveMetric"]["Value"],
}
_log = logging.getLogger("sme_local.aws")

Key = tuple[str, str, str]  # account, region, job or endpoint name


class AutoMLExtension:
    """What the emulator keeps beside moto's backends, and the behaviour the hooks on moto's classes call."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.work_dir = settings.work_dir or Path(tempfile.mkdtemp(prefix="aws-emulator-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._pool = concurrent.futures.ThreadPoolExecutor(settings.max_parallel_jobs, "automl-job")
        # Transform jobs run beside training (on AWS they use their own instances), one at a time here.
        self._transform_pool = concurrent.futures.ThreadPoolExecutor(1, "transform-job")
        self._lock = threading.Lock()
        self._candidates: dict[Key, list[dict[str, Any]]] = {}
        self._loaded: dict[Key, list[LoadedContainer]] = {}
        self._state_file = StateFile(self.work_dir)

    # ------------------------------------------------------------------------------------------------ persistence

    def save_state(self) -> None:
        """Write the snapshot (see ``persistence``): on stop, and whenever a job or an endpoint changes status."""
        with self._lock:
            extra = {"candidates": dict(self._candidates)}
        try:
            self._state_file.save(extra)
        except Exception:  # a failed snapshot must not end a job or a request; the next one tries again
            _log.error("Saving the AWS emulator state failed:\n%s", traceback.format_exc())

    def restore(self) -> None:
        """Load the last snapshot: jobs that were training fail with a reason, endpoints load their models again."""
        extra = self._state_file.load()
        if extra is None:
            return
        self._candidates.update(extra["candidates"])
        for account in list(sagemaker_backends.keys()):
            for backend in list(dict.values(sagemaker_backends[account])):
                for job in backend.auto_ml_jobs.values():
                    _fail(job, RESTART_FAILURE_REASON)
                for endpoint in backend.endpoints.values():
                    if endpoint.endpoint_status in ("Creating", "InService", "Updating"):
                        self._start_bring_up(backend, endpoint)
                for transform_job in backend.transform_jobs.values():
                    _end_transform(transform_job, "Failed", TRANSFORM_RESTART_FAILURE_REASON)
        self.save_state()

    # --------------------------------------------------------------------------------------------------- training

    def create_auto_ml_job_v2(self, original: Callable[..., str], backend: SageMakerModelBackend,
                              **kwargs: Any) -> str:
        """moto's CreateAutoMLJobV2, then the job is reset to InProgress/Starting and queued for training."""
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
        self._pool.submit(self._train, backend.account_id, backend.region_name, job, _job_request(job, tabular))
        return arn

    def _train(self, account_id: str, region: str, job: AutoMLJob, request: JobRequest) -> None:
        """Pool worker: run the job, record its outcome on the moto job object and save the state; never raises."""
        try:
            self._run_job(account_id, region, job, request)
        finally:
            self.save_state()

    def _run_job(self, account_id: str, region: str, job: AutoMLJob, request: JobRequest) -> None:
        try:
            result = AutoMLJobRunner(request, MotoS3Store(account_id, region), _MotoJobProgress(job),
                                     self.settings, self.work_dir).run()
        except JobFailure as failure:
            _fail(job, failure.reason)
            return
        except Exception as error:  # a crash in the search must still end the job, as on AWS
            _log.error("AutoML job %s crashed:\n%s", request.name, traceback.format_exc())
            _fail(job, f"AlgorithmError: {type(error).__name__}: {error}")
            return
        if job.auto_ml_job_status not in ("InProgress", "Stopping"):
            return
        with self._lock:
            self._candidates[(account_id, region, request.name)] = result.candidates
        job.auto_ml_job_objective = {"MetricName": result.objective.name}
        job.resolved_attributes = {
            "AutoMLJobObjective": {"MetricName": result.objective.name},
            "CompletionCriteria": (job.auto_ml_problem_type_config["TabularJobConfig"].get("CompletionCriteria")
                                   or {}),
            "AutoMLProblemTypeResolvedAttributes": {"TabularResolvedAttributes": {
                "ProblemType": result.problem_type}},
        }
        # A stopped job keeps the candidates that finished training, as AWS keeps their training jobs and models.
        job.best_candidate = result.candidates[0] if result.candidates else None
        job.end_time = job.last_modified_time = _now()
        stopped = result.stopped or job.auto_ml_job_status == "Stopping"
        job.auto_ml_job_secondary_status = "Stopped" if stopped else result.secondary_status
        job.auto_ml_job_status = "Stopped" if stopped else "Completed"

    @staticmethod
    def stop_auto_ml_job(backend: SageMakerModelBackend, auto_ml_job_name: str) -> None:
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

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_candidates(self, account_id: str, region: str, job_name: str, status: str | None = None,
                        candidate_name: str | None = None, sort_by: str | None = None,
                        sort_order: str | None = None) -> list[dict[str, Any]]:
        """The job's candidates, filtered and sorted as ListCandidatesForAutoMLJob asks; ``paginate`` pages them."""
        if job_name not in sagemaker_backends[account_id][region].auto_ml_jobs:
            raise ResourceNotFound(f"Could not find AutoML job with name {job_name}.")
        with self._lock:
            candidates = list(self._candidates.get((account_id, region, job_name), []))
        candidates = [c for c in candidates if (status is None or c["CandidateStatus"] == status)
                      and (candidate_name is None or c["CandidateName"] == candidate_name)]
        if sort_by is not None:
            candidates.sort(key=_CANDIDATE_SORT_KEYS[sort_by], reverse=sort_order == "Descending")
        elif sort_order == "Descending":
            candidates.reverse()
        return candidates

    # -------------------------------------------------------------------------------------------------- endpoints

    def create_endpoint(self, original: Callable[..., Any], backend: SageMakerModelBackend, endpoint_name: str,
                        endpoint_config_name: str, tags: list[dict[str, str]]) -> Any:
        """moto's CreateEndpoint (which would replace an existing one), then the models load in the background."""
        if endpoint_name in backend.endpoints:
            raise ValidationError(
                message=f'Cannot create already existing endpoint "{backend.endpoints[endpoint_name].arn}".')
        endpoint = original(backend, endpoint_name, endpoint_config_name, tags)
        self._start_bring_up(backend, endpoint)
        return endpoint

    def _start_bring_up(self, backend: SageMakerModelBackend, endpoint: Any) -> None:
        """The endpoint is ``Creating`` until its models are loaded (new, or restored from a snapshot)."""
        config = backend.endpoint_configs[endpoint.endpoint_config_name]
        definitions = _model_definitions(backend, config.production_variants[0]["ModelName"])
        endpoint.endpoint_status = "Creating"
        timer = threading.Timer(self.settings.endpoint_startup_seconds, self._bring_up,
                                (backend, endpoint, definitions))
        timer.daemon = True
        timer.start()

    def _bring_up(self, backend: SageMakerModelBackend, endpoint: Any, definitions: list[dict[str, Any]]) -> None:
        """Load every container's model file; the endpoint is InService only if all of them load."""
        loaded, failure = _load_model(backend, definitions)
        if backend.endpoints.get(endpoint.endpoint_name) is not endpoint:
            return  # deleted (or replaced) while it was being created
        if failure is not None:
            endpoint.failure_reason = failure
            endpoint.endpoint_status = "Failed"
        else:
            with self._lock:
                self._loaded[(backend.account_id, backend.region_name, endpoint.endpoint_name)] = loaded
            endpoint.endpoint_status = "InService"
        endpoint.last_modified_time = _now()
        self.save_state()

    def delete_endpoint(self, original: Callable[..., None], backend: SageMakerModelBackend,
                        endpoint_name: str) -> None:
        original(backend, endpoint_name)
        with self._lock:
            self._loaded.pop((backend.account_id, backend.region_name, endpoint_name), None)

    def serving(self, account_id: str, region: str, name: str) -> tuple[Any, list[LoadedContainer]] | None:
        """The endpoint and its loaded containers if it is InService; None where InvokeEndpoint finds none."""
        endpoint = sagemaker_backends[account_id][region].endpoints.get(name)
        with self._lock:
            containers = self._loaded.get((account_id, region, name))
        if endpoint is None or endpoint.endpoint_status != "InService" or containers is None:
            return None
        return endpoint, containers

    # --------------------------------------------------------------------------------------------- transform jobs

    def create_transform_job(self, original: Callable[..., Any], backend: SageMakerModelBackend,
                             **kwargs: Any) -> Any:
        """moto stores the job as Completed at once; here it is InProgress until the model has scored the input."""
        name = kwargs["transform_job_name"]
        if name in backend.transform_jobs:
            raise ValidationError(message=f"Job name must be unique within an AWS account and region, and a job "
                                          f"with this name already exists ({backend.transform_jobs[name].arn})")
        try:
            backend.describe_model(kwargs["model_name"])
        except ValidationError:
            raise ValidationError(message=f"Could not find model \"{kwargs['model_name']}\".") from None
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
        self._transform_pool.submit(self._transform, backend, job, request, definitions)
        return job

    def _transform(self, backend: SageMakerModelBackend, job: Any, request: TransformRequest,
                   definitions: list[dict[str, Any]]) -> None:
        """Pool worker: load the model, score every input file, record the outcome; never raises."""
        try:
            if job.transform_job_status != "InProgress":
                return
            containers, failure = _load_model(backend, definitions)
            if failure is not None:
                _end_transform(job, "Failed", f"ClientError: {failure}")
                return
            runner = TransformRunner(request, MotoS3Store(backend.account_id, backend.region_name),
                                     lambda body, content_type, accept: invoke(containers, body, content_type,
                                                                               accept))
            runner.run()
            _end_transform(job, "Completed", None)
        except JobFailure as failure:
            _end_transform(job, "Failed", failure.reason)
        except Exception as error:  # a crash must still end the job, as on AWS
            _log.error("Transform job %s crashed:\n%s", request.name, traceback.format_exc())
            _end_transform(job, "Failed", f"AlgorithmError: {type(error).__name__}: {error}")
        finally:
            self.save_state()


class MotoS3Store:
    """The moto S3 backend of one account, as the ``ObjectStore`` training and transform jobs read and write."""

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
    """The runner's progress reports, written onto the moto job object that DescribeAutoMLJobV2 reads."""

    def __init__(self, job: AutoMLJob) -> None:
        self._job = job

    def secondary_status(self, status: str) -> None:
        self._job.auto_ml_job_secondary_status = status
        self._job.last_modified_time = _now()

    def stopped(self) -> bool:
        return self._job.auto_ml_job_status in ("Stopping", "Stopped")


def without_unset(method: Callable[[AutoMLJob], dict[str, Any]]) -> Callable[[AutoMLJob], dict[str, Any]]:
    """``AutoMLJob.describe``/``summary`` without the fields not set yet (moto fills them with placeholders)."""
    def described(job: AutoMLJob) -> dict[str, Any]:
        return {key: value for key, value in method(job).items() if value is not None}

    return described


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


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


def _model_definitions(backend: SageMakerModelBackend, model_name: str) -> list[dict[str, Any]]:
    model = backend.describe_model(model_name)
    return [dict(c) for c in (model.containers or [model.primary_container])]


def _load_model(backend: SageMakerModelBackend,
                definitions: list[dict[str, Any]]) -> tuple[list[LoadedContainer], str | None]:
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


def _end_transform(job: Any, status: str, reason: str | None) -> None:
    if job.transform_job_status != "InProgress":
        return
    job.failure_reason = reason
    job.transform_end_time = job.last_modified_time = _now()
    job.transform_job_status = status
