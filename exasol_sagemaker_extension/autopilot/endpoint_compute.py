"""Where an endpoint runs: dedicated instances (type × count) or serverless (memory × concurrency).

The two are mutually exclusive in AWS's ProductionVariant; asking for both, or for neither, is a user error
that is reported here, before any resource is created, with AWS's limits spelled out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exasol_sagemaker_extension.declarations import endpoint_compute as limits
from exasol_sagemaker_extension.errors import SmeError

VARIANT_NAME = "AllTraffic"


@dataclass(frozen=True)
class EndpointCompute:
    instance_type: str | None = None
    instance_count: int | None = None
    serverless_memory_size_in_mb: int | None = None
    serverless_max_concurrency: int | None = None

    @property
    def is_serverless(self) -> bool:
        return self.serverless_memory_size_in_mb is not None or self.serverless_max_concurrency is not None

    def validate(self) -> None:
        """Raise E-SME-20 unless exactly one of the two forms is fully and validly given."""
        if self.is_serverless and (self.instance_type is not None or self.instance_count is not None):
            raise _compute_error(
                "Both an instance type/count and serverless settings were given.",
                "Give either instance_type (+ instance_count) or serverless_memory_size_in_mb "
                "(+ serverless_max_concurrency), not both.",
            )
        if self.is_serverless:
            memory = self.serverless_memory_size_in_mb
            concurrency = self.serverless_max_concurrency
            low, high = limits.SERVERLESS_MEMORY_RANGE
            step = limits.SERVERLESS_MEMORY_STEP
            if not _is_int(memory) or not low <= memory <= high or memory % step:
                raise _compute_error(
                    f"serverless_memory_size_in_mb must be one of {low}, {low + step}, … {high}, got {memory!r}.",
                    f"Pick a multiple of {step} between {low} and {high}.",
                )
            low, high = limits.SERVERLESS_CONCURRENCY_RANGE
            if concurrency is not None and (not _is_int(concurrency) or not low <= concurrency <= high):
                raise _compute_error(
                    f"serverless_max_concurrency must be between {low} and {high}, got {concurrency!r}.",
                    f"Pick a whole number between {low} and {high}, or leave it out (1).",
                )
            return
        if not isinstance(self.instance_type, str) or not limits.PYTHON_PATTERN.match(self.instance_type):
            raise _compute_error(
                f"instance_type must name a SageMaker instance type such as ml.m5.large, got {self.instance_type!r}.",
                "Give instance_type (e.g. 'ml.m5.large') or serverless_memory_size_in_mb for a serverless endpoint.",
            )
        low, high = limits.INSTANCE_COUNT_RANGE
        count = self.instance_count
        if count is not None and (not _is_int(count) or not low <= count <= high):
            raise _compute_error(
                f"instance_count must be a whole number between {low} and {high}, got {count!r}.",
                f"Give instance_count between {low} and {high}, or leave it out (1).",
            )

    def production_variant(self, model_name: str) -> dict[str, Any]:
        """The single ProductionVariant of the endpoint config for ``model_name``."""
        variant: dict[str, Any] = {"VariantName": VARIANT_NAME, "ModelName": model_name}
        if self.is_serverless:
            variant["ServerlessConfig"] = {
                "MemorySizeInMB": self.serverless_memory_size_in_mb,
                "MaxConcurrency": self.serverless_max_concurrency or 1,
            }
        else:
            variant["InstanceType"] = self.instance_type
            variant["InitialInstanceCount"] = self.instance_count or 1
        return variant


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _compute_error(message: str, mitigation: str) -> SmeError:
    return SmeError("E-SME-20", message, [mitigation])
