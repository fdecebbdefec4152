"""The orchestration scripts' signatures, declared once: the DDL renderer builds ``CREATE LUA SCRIPT`` from them and
the Lua sources in ``lua/entry/`` read their parameters as globals of exactly these names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ScriptParam:
    """A script parameter; ``is_array`` declares ``ARRAY name`` (a Lua array at run time)."""

    name: str
    is_array: bool = False


@dataclass(frozen=True)
class EntryScript:
    """One ``EXECUTE SCRIPT`` entry point; ``entry_file`` is relative to ``exasol_sagemaker_extension/lua``."""

    name: str
    params: tuple[ScriptParam, ...]
    returns: Literal["TABLE", "ROWCOUNT"]
    entry_file: str


def _entry(name: str, *params: str) -> EntryScript:
    return EntryScript(name, tuple(ScriptParam(p) for p in params), "TABLE", f"entry/{name}.lua")


ENTRY_SCRIPTS: tuple[EntryScript, ...] = (
    _entry("SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT", "json_str"),
    _entry("SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS", "job_name", "connection_name", "aws_region"),
    _entry("SME_STOP_SAGEMAKER_AUTOPILOT_JOB", "job_name", "connection_name", "aws_region"),
    _entry("SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB", "job_name", "connection_name", "aws_region"),
    _entry("SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES", "job_name", "connection_name", "aws_region"),
    _entry(
        "SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT",
        "job_name", "endpoint_name", "schema_name", "instance_type", "instance_count", "connection_name", "aws_region",
    ),
    _entry(
        "SME_DEPLOY_SAGEMAKER_AUTOPILOT_SERVERLESS_ENDPOINT",
        "job_name", "endpoint_name", "schema_name", "memory_size_in_mb", "max_concurrency", "connection_name",
        "aws_region",
    ),
    _entry("SME_SHOW_SAGEMAKER_AUTOPILOT_ENDPOINT_METRICS", "endpoint_name", "start_time", "end_time",
           "connection_name", "aws_region"),
    _entry("SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT", "endpoint_name", "connection_name", "aws_region"),
    _entry("SME_RECONCILE_SAGEMAKER_RESOURCES", "connection_name", "aws_region", "action"),
    _entry("SME_CREATE_ENDPOINT_UDF", "json_str"),
    _entry("SME_EVALUATE_PREDICTIONS", "json_str"),
    _entry("SME_SCORE_NEW_ROWS", "json_str"),
    _entry("SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT", "json_str"),
    _entry("SME_POLL_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT", "json_str"),
)
