"""What a SageMaker endpoint publishes to CloudWatch per InvokeEndpoint, and percentiles for moto's CloudWatch.

AWS publishes, in namespace ``AWS/SageMaker`` with dimensions ``EndpointName`` and ``VariantName``, for every
request that reaches the model: ``Invocations`` (1; Sum = number of requests), ``Invocation4XXErrors`` and
``Invocation5XXErrors`` (1 when the model answered with such a status, else 0) and ``ModelLatency`` (the time
the model took, in microseconds). The emulator measures the same: the wall time of its inference pipeline.

moto 5.2.5 stores the data points but computes no percentile statistics (``p50``, ``p99``, … in GetMetricData's
``Stat``): it fails to serialise the missing value (HTTP 500); ``install`` adds them, computed on the raw values like CloudWatch does for data published
one value at a time (nearest rank: the smallest value with at least the given share of values at or below it).
"""

from __future__ import annotations

import re
from typing import Any, Callable, SupportsFloat

import numpy as np
from moto.cloudwatch.models import Statistics, cloudwatch_backends
from moto.core.utils import utcnow

NAMESPACE = "AWS/SageMaker"
_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d+)?|100)$")


def install() -> None:
    Statistics.get_statistics_for_type = _with_percentiles(Statistics.get_statistics_for_type)


def _with_percentiles(original: Callable[[Statistics, str], SupportsFloat | None]) -> Callable[..., Any]:
    def statistic(stats: Statistics, stat: str) -> SupportsFloat | None:
        match = _PERCENTILE.match(stat)
        if match is None:
            return original(stats, stat)
        values = stats.metric_single_values_list
        if not values:
            return None
        return float(np.percentile(np.asarray(values), float(match.group(1)), method="inverted_cdf"))

    return statistic


def publish_invocation(account_id: str, region: str, endpoint_name: str, variant_name: str,
                       latency_microseconds: float, status: int) -> None:
    """The data points of one request the model answered with HTTP ``status``."""
    dimensions = [{"Name": "EndpointName", "Value": endpoint_name}, {"Name": "VariantName", "Value": variant_name}]
    now = utcnow()  # naive UTC, as moto stores the time stamps of PutMetricData

    def datum(name: str, value: float, unit: str) -> dict[str, Any]:
        return {"MetricName": name, "Value": value, "Unit": unit, "Dimensions": dimensions, "Timestamp": now}

    cloudwatch_backends[account_id][region].put_metric_data(NAMESPACE, [
        datum("Invocations", 1.0, "None"),
        datum("Invocation4XXErrors", 1.0 if 400 <= status < 500 else 0.0, "None"),
        datum("Invocation5XXErrors", 1.0 if status >= 500 else 0.0, "None"),
        datum("ModelLatency", float(latency_microseconds), "Microseconds"),
    ])
