"""An endpoint's invocation metrics over a time window, read from CloudWatch (GetMetricData).

SageMaker publishes per endpoint variant, in namespace ``AWS/SageMaker`` with dimensions ``EndpointName`` and
``VariantName``: ``Invocations``, ``Invocation4XXErrors``, ``Invocation5XXErrors`` (summed here) and
``ModelLatency`` in microseconds (average, p50, p99, maximum here). The whole window is one period, so each
statistic is one number; CloudWatch requires periods in whole minutes (5 minutes for data older than 15 days,
an hour beyond 63 days), so the window's length is rounded up accordingly, its start kept, and the end actually
read is reported.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

import boto3

from exasol_sagemaker_extension.autopilot.aws_errors import aws_call
from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.errors import SmeError

NAMESPACE = "AWS/SageMaker"
# (query id, metric, statistic)
_QUERIES = (
    ("invocations", "Invocations", "Sum"),
    ("errors4xx", "Invocation4XXErrors", "Sum"),
    ("errors5xx", "Invocation5XXErrors", "Sum"),
    ("latency_avg", "ModelLatency", "Average"),
    ("latency_p50", "ModelLatency", "p50"),
    ("latency_p99", "ModelLatency", "p99"),
    ("latency_max", "ModelLatency", "Maximum"),
)
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
DEFAULT_WINDOW = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class VariantMetrics:
    endpoint_name: str
    variant_name: str
    window_start: datetime.datetime
    window_end: datetime.datetime  # start + the period read (the requested end rounded up)
    invocations: int
    invocation_4xx_errors: int
    invocation_5xx_errors: int
    model_latency_avg_us: float | None  # None: no invocation in the window
    model_latency_p50_us: float | None
    model_latency_p99_us: float | None
    model_latency_max_us: float | None


def parse_time(text: str | None, key: str) -> datetime.datetime | None:
    """A UTC time as Exasol prints TIMESTAMPs (``YYYY-MM-DD HH:MI:SS[.FF]``), or None."""
    if text is None:
        return None
    for layout in _TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), layout).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            continue
    raise SmeError("E-SME-179", f"{key} {text!r} is not a time.",
                   [f"Give {key} as 'YYYY-MM-DD HH:MI:SS' (UTC), or NULL."])


def resolve_window(start: datetime.datetime | None, end: datetime.datetime | None,
                   now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The window to read: end defaults to now (a later end is cut to now), start to an hour before the end."""
    if start is not None and start >= now:
        raise SmeError(
            "E-SME-180",
            f"The metrics window starts in the future ({start:%Y-%m-%d %H:%M:%S} UTC; it is now"
            f" {now:%Y-%m-%d %H:%M:%S} UTC): there are no metrics yet.",
            ["Give a start_time in the past, in UTC, or NULL for the last hour."],
        )
    end = min(end, now) if end is not None else now
    start = start if start is not None else end - DEFAULT_WINDOW
    if start >= end:
        raise SmeError("E-SME-181", f"The metrics window is empty: start_time {start:%Y-%m-%d %H:%M:%S} is not"
                       f" before end_time {end:%Y-%m-%d %H:%M:%S}.", ["Give a start_time before the end_time."])
    return start, end


def period_seconds(start: datetime.datetime, end: datetime.datetime, now: datetime.datetime) -> int:
    """One period covering the window, in the granularity CloudWatch demands for the window's age."""
    age = now - start
    unit = 60 if age <= datetime.timedelta(days=15) else 300 if age <= datetime.timedelta(days=63) else 3600
    return max(unit, math.ceil((end - start).total_seconds() / unit) * unit)


def endpoint_metrics(session: boto3.Session, endpoint_name: str, start: datetime.datetime | None,
                     end: datetime.datetime | None, now: datetime.datetime | None = None) -> list[VariantMetrics]:
    """One VariantMetrics per production variant of ``endpoint_name`` (E-SME-123 if the endpoint is unknown)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    start, end = resolve_window(start, end, now)
    secrets = session_secrets(session)
    with aws_call("describe the endpoint", endpoint_name, secrets=secrets):
        description = control_plane_client(session).describe_endpoint(EndpointName=endpoint_name)
    variants = [v["VariantName"] for v in description.get("ProductionVariants") or []] or ["AllTraffic"]
    period = period_seconds(start, end, now)
    read_until = start + datetime.timedelta(seconds=period)
    client = control_plane_client(session, "cloudwatch")
    result = []
    for variant in variants:
        queries = [_query(query_id, metric, stat, endpoint_name, variant, period) for query_id, metric, stat in _QUERIES]
        with aws_call("read the CloudWatch metrics of the endpoint", endpoint_name, secrets=secrets):
            answer = client.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=read_until)
        values = {item["Id"]: item.get("Values") or [] for item in answer.get("MetricDataResults", [])}
        counts = [int(round(sum(values.get(query_id, [])))) for query_id in ("invocations", "errors4xx", "errors5xx")]
        latencies = [float(values[query_id][0]) if values.get(query_id) else None
                     for query_id in ("latency_avg", "latency_p50", "latency_p99", "latency_max")]
        result.append(VariantMetrics(endpoint_name, variant, start, read_until, *counts, *latencies))
    return result


def _query(query_id: str, metric: str, stat: str, endpoint_name: str, variant: str, period: int) -> dict[str, Any]:
    dimensions = [{"Name": "EndpointName", "Value": endpoint_name}, {"Name": "VariantName", "Value": variant}]
    return {"Id": query_id, "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": NAMESPACE, "MetricName": metric, "Dimensions": dimensions},
        "Period": period, "Stat": stat}}
