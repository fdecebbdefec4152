"""Where moto 5.2.5 stops short of SageMaker, and the hooks that close the gap (inside the server process only).

Split as moto splits a service: ``models`` holds the behaviour and the state (``AutoMLExtension``), ``responses``
the protocol. ``install`` creates the one ``AutoMLExtension``, puts its behaviour on moto's backend class and its
handlers on moto's response classes (moto calls backend and response methods by name, so these are the names its
own URL dispatch uses), restores the last snapshot and hands the object to the server, which owns it.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import moto
from moto.sagemaker.models import AutoMLJob, SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemakerruntime.responses import SageMakerRuntimeResponse

from sme_local.aws import endpoint_metrics, validation_hook
from sme_local.aws.moto_extension.models import AutoMLExtension, without_unset
from sme_local.aws.moto_extension.responses import ExtensionResponses
from sme_local.aws.settings import EmulatorSettings

SUPPORTED_MOTO_VERSION = "5.2.5"


def install(settings: EmulatorSettings) -> AutoMLExtension:
    """Install the hooks once per process and return the extension; the moto server must be started after this."""
    if moto.__version__ != SUPPORTED_MOTO_VERSION:
        raise RuntimeError(f"sme_local.aws supports moto {SUPPORTED_MOTO_VERSION}, found {moto.__version__}")
    if hasattr(SageMakerResponse, "list_candidates_for_auto_ml_job"):  # moto has no such action of its own
        raise RuntimeError("sme_local.aws hooks are already installed in this process")
    extension = AutoMLExtension(settings)
    handlers = ExtensionResponses(extension)
    validation_hook.install()
    endpoint_metrics.install()
    backend = SageMakerModelBackend
    backend.create_auto_ml_job_v2 = _wrapping(extension.create_auto_ml_job_v2, backend.create_auto_ml_job_v2)
    backend.stop_auto_ml_job = lambda self, auto_ml_job_name: extension.stop_auto_ml_job(self, auto_ml_job_name)
    backend.create_endpoint = _wrapping(extension.create_endpoint, backend.create_endpoint)
    backend.delete_endpoint = _wrapping(extension.delete_endpoint, backend.delete_endpoint)
    backend.create_transform_job = _wrapping(extension.create_transform_job, backend.create_transform_job)
    AutoMLJob.describe = without_unset(AutoMLJob.describe)
    AutoMLJob.summary = without_unset(AutoMLJob.summary)
    SageMakerResponse.list_candidates_for_auto_ml_job = lambda self: handlers.list_candidates_for_auto_ml_job(self)
    SageMakerRuntimeResponse.invoke_endpoint = lambda self: handlers.invoke_endpoint(self)
    extension.restore()
    return extension


def _wrapping(behaviour: Callable[..., Any], original: Callable[..., Any]) -> Callable[..., Any]:
    """A backend method that runs ``behaviour`` with moto's own method to call where it wants moto's part."""
    @functools.wraps(original)
    def method(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
        return behaviour(original, self, *args, **kwargs)

    return method
