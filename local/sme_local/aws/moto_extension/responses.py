"""The protocol half of the emulator's SageMaker additions: read the request, call ``models``, shape the answer.

moto dispatches a request to the response-class method named after the action; ``install`` puts the two
methods below there, bound to the one ``AutoMLExtension``. Parameters are read from the public request
attributes moto's ``BaseResponse`` offers (``body``, ``raw_body``, ``path``, ``headers``, ``current_account``,
``region``).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import unquote

from moto.core.responses import ActionResult, BaseResponse

from sme_local.aws import endpoint_metrics
from sme_local.aws.automl.inference import invoke, response_type
from sme_local.aws.automl.stages import InferenceError
from sme_local.aws.moto_extension.models import AutoMLExtension

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # InvokeEndpoint's documented limit (Body max length 6291456)
RuntimeAnswer = tuple[int, dict[str, str], str]


class ExtensionResponses:
    """The actions moto lacks or answers with canned data, as handlers of moto's response objects."""

    def __init__(self, extension: AutoMLExtension) -> None:
        self._extension = extension

    def list_candidates_for_auto_ml_job(self, request: BaseResponse) -> ActionResult:
        """ListCandidatesForAutoMLJob (a JSON-protocol action of the SageMaker API)."""
        params = json.loads(request.body or "{}")
        candidates, next_token = self._extension.list_candidates(
            account_id=request.current_account, region=request.region, job_name=params.get("AutoMLJobName"),
            status=params.get("StatusEquals"), candidate_name=params.get("CandidateNameEquals"),
            sort_by=params.get("SortBy"), sort_order=params.get("SortOrder"),
            next_token=params.get("NextToken"), max_results=params.get("MaxResults"))
        result: dict[str, Any] = {"Candidates": candidates}
        if next_token is not None:
            result["NextToken"] = next_token
        return ActionResult(result)

    def invoke_endpoint(self, request: BaseResponse) -> RuntimeAnswer:
        """InvokeEndpoint with real inference, AWS's error answers and the endpoint's CloudWatch metrics."""
        name = unquote(request.path.split("/")[2])
        account, region = request.current_account, request.region
        raw = request.raw_body
        body: bytes = raw if isinstance(raw, bytes) else str(raw or "").encode()
        if len(body) > MAX_PAYLOAD_BYTES:
            return _runtime_error(413, "ValidationError", f"Request {uuid.uuid4()} has oversize body.")
        serving = self._extension.serving(account, region, name)
        if serving is None:
            return _runtime_error(400, "ValidationError", f"Endpoint {name} of account {account} not found.")
        endpoint, containers = serving
        variant = endpoint.production_variants[0]["VariantName"] if endpoint.production_variants else "AllTraffic"
        started = time.perf_counter()
        try:
            answer = invoke(containers, body, request.headers.get("Content-Type"), request.headers.get("Accept"))
        except InferenceError as error:
            endpoint_metrics.publish_invocation(account, region, name, variant,
                                                (time.perf_counter() - started) * 1e6, error.status)
            return _model_error(account, region, name, error)
        endpoint_metrics.publish_invocation(account, region, name, variant,
                                            (time.perf_counter() - started) * 1e6, 200)
        return 200, {"Content-Type": response_type(request.headers.get("Accept")),
                     "x-Amzn-Invoked-Production-Variant": variant}, answer.decode("utf-8")


def _model_error(account: str, region: str, name: str, error: InferenceError) -> RuntimeAnswer:
    """The ModelError (HTTP 424) AWS answers when the model container fails a request."""
    log_group = f"/aws/sagemaker/Endpoints/{name}"
    kind = "client" if error.status < 500 else "server"
    message = (f"Received {kind} error ({error.status}) from model with message \"{error.message}\". See "
               f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
               f"#logEventViewer:group={log_group} in account {account} for more information.")
    return _runtime_error(424, "ModelError", message, {
        "OriginalStatusCode": error.status, "OriginalMessage": error.message,
        "LogStreamArn": f"arn:aws:logs:{region}:{account}:log-group:{log_group}",
    })


def _runtime_error(status: int, code: str, message: str, extra: dict[str, Any] | None = None) -> RuntimeAnswer:
    """A rest-json error as SageMaker Runtime sends it (botocore reads the code from x-amzn-ErrorType)."""
    headers = {"status": str(status), "x-amzn-ErrorType": code, "Content-Type": "application/json"}
    return status, headers, json.dumps({"Message": message, **(extra or {})})
