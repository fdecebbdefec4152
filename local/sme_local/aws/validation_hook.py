"""Puts ``request_validation`` in front of every action of the validated services in the moto server.

moto's server hands each request to a ``BaseResponse`` subclass of the service, whose ``call_action`` dispatches to
the action method. The hook wraps ``BaseResponse.call_action``: it parses the request with moto's own protocol
parser for the operation (the one moto uses for services with automated parameter parsing, driven by botocore's
model), and answers a violation with the service's validation error serialised by moto's serializer for the
service's protocol (JSON ``{"__type": …, "message": …}``, query XML ``<Error><Code>ValidationError</Code>…``,
rest-json ``x-amzn-ErrorType``), HTTP 400. Requests of other services, and operations the model does not know,
pass through untouched.
"""

from __future__ import annotations

from typing import Any, Callable

from botocore.model import OperationNotFoundError
from moto.core.exceptions import ServiceException
from moto.core.parse import PROTOCOL_PARSERS
from moto.core.request import determine_request_protocol
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import get_service_model

from sme_local.aws.request_validation import VALIDATION_ERROR_CODES, validation_message

_installed = False


class RequestValidationError(ServiceException):
    """A request that breaks its operation's model constraints."""


def install() -> None:
    """Wrap ``BaseResponse.call_action`` once per process."""
    global _installed
    if not _installed:
        BaseResponse.call_action = _validating(BaseResponse.call_action)
        _installed = True


def _validating(original: Callable[[BaseResponse], Any]) -> Callable[[BaseResponse], Any]:
    def call_action(response: BaseResponse) -> Any:
        service = response.boto3_service_name
        code = VALIDATION_ERROR_CODES.get(service)
        action = response._get_action() if code else None
        if not action:
            return original(response)
        service_model = get_service_model(service)
        try:
            operation = service_model.operation_model(action)
        except OperationNotFoundError:
            return original(response)
        message = validation_message(service, operation, _parsed_members(response, service_model, operation))
        if message is None:
            return original(response)
        status, headers, body = response.serialized(ActionResult(RequestValidationError(code, message)))
        headers["status"] = str(status)
        return status, headers, body

    return call_action


def _parsed_members(response: BaseResponse, service_model: Any, operation: Any) -> dict[str, Any]:
    """The request's members keyed by their model names, read the way moto's automated parsing reads them."""
    request = response.normalized_request
    parser = PROTOCOL_PARSERS[determine_request_protocol(service_model, request.content_type)](operation)
    return parser.parse({
        "method": request.method, "values": request.values, "headers": request.headers, "body": request.data,
        "url_path": request.path, "url_params": response.uri_match,
    })
