"""SME_AUTOPILOT_ENDPOINT_METRICS_UDF: an endpoint's CloudWatch invocation metrics, one row per variant."""

from __future__ import annotations

from typing import Any

from exasol_sagemaker_extension.autopilot.endpoint_metrics import endpoint_metrics, parse_time
from exasol_sagemaker_extension.udfs.request import UdfRequest

_TIMESTAMP = "%Y-%m-%d %H:%M:%S"


class EndpointMetricsUdf:
    """SCALAR … EMITS (ENDPOINT_NAME, VARIANT_NAME, WINDOW_START, WINDOW_END, INVOCATIONS, INVOCATION_4XX_ERRORS,
    INVOCATION_5XX_ERRORS, MODEL_LATENCY_AVG_US, MODEL_LATENCY_P50_US, MODEL_LATENCY_P99_US, MODEL_LATENCY_MAX_US);
    the window as UTC text (the Lua script declares it TIMESTAMP)."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> None:
        request = UdfRequest(ctx[0])
        start = parse_time(request.text("start_time"), "start_time")
        end = parse_time(request.text("end_time"), "end_time")
        for row in endpoint_metrics(request.aws_session(self._exa), request.text("endpoint_name", required=True)
                                    or "", start, end):
            ctx.emit(row.endpoint_name, row.variant_name, row.window_start.strftime(_TIMESTAMP),
                     row.window_end.strftime(_TIMESTAMP), row.invocations, row.invocation_4xx_errors,
                     row.invocation_5xx_errors, row.model_latency_avg_us, row.model_latency_p50_us,
                     row.model_latency_p99_us, row.model_latency_max_us)
