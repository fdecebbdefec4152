"""SME_AUTOPILOT_RECONCILIATION_UDF: the extension's SageMaker resources next to its metadata, orphans removed on request.

The Lua script reads the metadata tables (a UDF cannot) and passes the job names and the endpoints not marked
deleted; the verdicts and deletions are made here, next to the AWS calls.
"""

from __future__ import annotations

from typing import Any

from exasol_sagemaker_extension.autopilot.reconciliation import Metadata, reconcile
from exasol_sagemaker_extension.udfs.request import UdfRequest


class ReconciliationUdf:
    """SCALAR … EMITS (RESOURCE_TYPE, RESOURCE_NAME, AWS_STATUS, JOB_NAME, SERVING_ENDPOINT, VERDICT, ACTION)."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> None:
        request = UdfRequest(ctx[0])
        metadata = Metadata(frozenset(request.texts("job_names")), frozenset(request.texts("live_endpoint_names")))
        states = reconcile(request.aws_session(self._exa), self._exa.meta.script_schema, metadata,
                           request.flag("delete_orphans"))
        for state in states:
            ctx.emit(state.resource_type, state.resource_name, state.aws_status, state.job_name,
                     state.serving_endpoint, state.verdict, state.action)
