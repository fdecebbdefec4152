"""SageMaker refuses to create a model, endpoint config or endpoint under a name that is taken; moto overwrites.

Overwriting hides exactly the race the extension must survive (two sessions deploying one endpoint name: on AWS
the second CreateEndpoint fails, on moto it silently replaces the first endpoint's config). The wrappers below
answer as AWS does, ``ValidationException`` ``Cannot create already existing <resource> "<arn>".``, before moto
stores anything. They touch only the backend's public create methods and its name-keyed dicts.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable

from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.utils import arn_formatter

# create method -> (its name parameter, the backend's dict of that resource, the word in AWS's message, ARN type)
_CREATES = {
    "create_model": ("model_name", "_models", "model", "model"),
    "create_endpoint_config": ("endpoint_config_name", "endpoint_configs", "endpoint configuration", "endpoint-config"),
    "create_endpoint": ("endpoint_name", "endpoints", "endpoint", "endpoint"),
}
_LOCK = threading.Lock()  # check and store as one step, as AWS's name uniqueness is
_installed = False


def install() -> None:
    global _installed
    if not _installed:
        for method, spec in _CREATES.items():
            setattr(SageMakerModelBackend, method, _refusing_taken_names(getattr(SageMakerModelBackend, method), *spec))
        _installed = True


def _refusing_taken_names(create: Callable[..., Any], parameter: str, store: str, word: str,
                          arn_type: str) -> Callable[..., Any]:
    @functools.wraps(create)
    def wrapper(backend: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
        name = kwargs[parameter] if parameter in kwargs else args[0]
        with _LOCK:
            if name in getattr(backend, store):
                arn = arn_formatter(arn_type, name, backend.account_id, backend.region_name)
                raise ValidationError(message=f'Cannot create already existing {word} "{arn}".')
            return create(backend, *args, **kwargs)

    return wrapper
