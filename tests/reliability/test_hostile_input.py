"""Generated hostile arguments for every script of the extension, sent through SQL as a user would send them.

Every case must end in an ``E-SME-`` error (or, for harmless input, a correct result), never in a raw Lua or
database message; and after every case the canary table is intact and no metadata row, connection or script was
made. The arguments are SQL string literals, quoted correctly, so anything injected can only come from the
extension building SQL or Lua from them.

The base requests name a table that does not exist, an unknown job and an unknown endpoint, so that no case
starts real work; what is exercised is everything the scripts check before they reach AWS.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import pyexasol
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exasol_sagemaker_extension.installation.scripts import ENTRY_SCRIPTS
from sme_local.sql_console import sql_string

pytestmark = pytest.mark.slow

SCHEMA = "RELIABILITY"
CANARY = f'"{SCHEMA}"."CANARY"'
# At least 1,000 cases per CI run, shared by the scripts.
CASES_PER_RUN = 1050
EXAMPLES_PER_SCRIPT = math.ceil(CASES_PER_RUN / len(ENTRY_SCRIPTS))

INJECTIONS = [
    "'", "''", '"', '""', ";", "--", "/*", "*/", "\n", "\r\n", "\x00", "\\", "\\'", ":request_json", "%s", "?",
    f"'; DROP TABLE {CANARY}; --", f'"); DROP TABLE {CANARY}; --', f"x' OR '1'='1", f"]]; os.exit(1) --[[",
    "\"; error('injected') --", "end; DROP TABLE x", "${jndi}", "$(id)", "`id`", "../../etc/passwd", "\u202e",
    "ü€😀", "\ud7ff", "\ufeff", "NULL", "null", "true", "[]", "{}", "1e400", "-0", "0x10", "999999999999999999999",
    "churn-job", "ml.m5.large", "eu-west-1", "AWS_CONN",
]
hostile_text = st.one_of(
    st.sampled_from(INJECTIONS),
    st.text(max_size=30),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=8), st.sampled_from(INJECTIONS), st.text(max_size=8)),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "'", "é", "😀", "-"]), st.integers(100, 5000)),
)
json_values = st.one_of(
    hostile_text, st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70),
    st.floats(allow_nan=False), st.lists(hostile_text, max_size=3),
    st.dictionaries(hostile_text, hostile_text, max_size=3),
)


@dataclass(frozen=True)
class Case:
    """One script call: the arguments as SQL literals."""

    script: str
    arguments: tuple[str, ...]

    def sql(self) -> str:
        return f'EXECUTE SCRIPT "SME"."{self.script}"({", ".join(self.arguments)})'


def literal(value: Any) -> str:
    """``value`` as a SQL literal: NULL, a number, or a correctly quoted string."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return sql_string(str(value))


def base_training_request(stack) -> dict[str, Any]:
    return {
        "job_name": "reliability-job", "input_schema_name": SCHEMA, "input_table_or_view_name": "NO_SUCH_TABLE",
        "aws_credentials_connection_name": stack.connection_name, "s3_bucket_uri": f"s3://{stack.description.s3_bucket}",
        "s3_output_path": "reliability", "iam_sagemaker_role": stack.description.iam_sagemaker_role,
        "target_attribute_name": "CHURN",
    }


def base_endpoint_udf_request(stack) -> dict[str, Any]:
    return {
        "endpoint_name": "no-such-endpoint", "aws_credentials_connection_name": stack.connection_name,
        "udf_schema_name": SCHEMA, "udf_name": "REL_UDF", "features": [{"name": "A", "sql_type": "DOUBLE"}],
        "predictions_sql_type": "VARCHAR(10)",
    }


def base_evaluation_request(stack) -> dict[str, Any]:
    return {"input_schema_name": SCHEMA, "input_table_or_view_name": "NO_SUCH_TABLE", "label_column": "CHURN",
            "problem_type": "BinaryClassification"}


def base_scoring_request(stack) -> dict[str, Any]:
    return {"source_schema_name": SCHEMA, "source_table_or_view_name": "NO_SUCH_TABLE", "key_columns": ["ID"],
            "udf_schema_name": SCHEMA, "udf_name": "NO_SUCH_UDF", "target_schema_name": SCHEMA,
            "target_table_name": "REL_SCORES"}


def base_batch_request(stack) -> dict[str, Any]:
    return {"job_name": "no-such-job", "input_schema_name": SCHEMA, "input_table_or_view_name": "NO_SUCH_TABLE",
            "key_columns": ["ID"], "output_schema_name": SCHEMA, "output_table_name": "NO_SUCH_TARGET"}


def base_batch_poll_request(stack) -> dict[str, Any]:
    return {**base_batch_request(stack), "transform_job_name": "no-such-job-bt-1"}


_BATCH_KEYS = ["job_name", "candidate_name", "input_schema_name", "input_table_or_view_name", "key_columns",
               "output_schema_name", "output_table_name", "instance_type", "instance_count", "max_payload_in_mb",
               "max_concurrent_transforms", "keep_artifacts", "wait", "timeout_seconds", "connection_name",
               "aws_region", "no_such_key"]

# The JSON-argument scripts: their valid base request (which names nothing that exists) and the keys to spoil.
JSON_SCRIPTS = {
    "SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT": (base_training_request, [
        "job_name", "input_schema_name", "input_table_or_view_name", "aws_credentials_connection_name",
        "aws_region", "s3_bucket_uri", "s3_output_path", "iam_sagemaker_role", "target_attribute_name",
        "problem_type", "objective", "max_candidates", "max_runtime_per_training_job_in_seconds",
        "max_runtime_for_automl_job_in_seconds", "mode", "sample_weight_attribute_name", "validation_fraction",
        "tags", "aws_assume_role_arn", "aws_assume_role_external_id", "no_such_key"]),
    "SME_CREATE_ENDPOINT_UDF": (base_endpoint_udf_request, [
        "endpoint_name", "aws_credentials_connection_name", "udf_schema_name", "predictions_sql_type", "aws_region",
        "udf_name", "input_schema_name", "input_table_or_view_name", "feature_columns", "features",
        "probability_column", "probabilities_column", "request_format", "label_location", "probability_location",
        "probabilities_location", "labels_location", "max_rows_per_request", "max_requests_in_flight", "replace",
        "no_such_key"]),
    "SME_EVALUATE_PREDICTIONS": (base_evaluation_request, [
        "input_schema_name", "input_table_or_view_name", "label_column", "problem_type", "positive_label",
        "endpoint_name", "output_schema_name", "output_table_name", "store_in_history", "no_such_key"]),
    "SME_SCORE_NEW_ROWS": (base_scoring_request, [
        "source_schema_name", "source_table_or_view_name", "key_columns", "udf_schema_name", "udf_name",
        "target_schema_name", "target_table_name", "feature_columns", "scored_at_column", "max_conflict_retries",
        "no_such_key"]),
    "SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT": (base_batch_request, _BATCH_KEYS),
    "SME_POLL_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT": (base_batch_poll_request, [*_BATCH_KEYS, "transform_job_name"]),
}


@st.composite
def json_documents(draw, base: dict[str, Any], keys: list[str]) -> str:
    """A script's JSON with one or two keys hostile, or broken JSON text, or duplicated keys."""
    request = dict(base)
    for key in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=2, unique=True)):
        request[key] = draw(json_values)
    text = json.dumps(request, ensure_ascii=draw(st.booleans()))
    shape = draw(st.sampled_from(["plain", "plain", "duplicate", "truncated", "nested", "raw"]))
    if shape == "duplicate":
        key = draw(st.sampled_from(keys))
        text = text[:-1] + f", {json.dumps(key)}: {json.dumps(draw(json_values))}}}"
    elif shape == "truncated":
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif shape == "nested":
        text = "[" * 200 + text + "]" * 200
    elif shape == "raw":
        text = draw(hostile_text)
    return text


def json_script(script: str, stack) -> st.SearchStrategy:
    base, keys = JSON_SCRIPTS[script]
    return json_documents(base(stack), keys).map(lambda text: Case(script, (literal(text),)))


def positional(script: str, *strategies: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(*strategies).map(lambda values: Case(script, tuple(literal(v) for v in values)))


def argument(plausible: str) -> st.SearchStrategy:
    """An argument that is mostly hostile, sometimes the plausible value or NULL, so later checks are reached."""
    return st.one_of(hostile_text, st.just(plausible), st.none())


def numeric_argument(plausible: int) -> st.SearchStrategy:
    return st.one_of(st.integers(-(2 ** 63), 2 ** 63), st.just(plausible), st.none(), hostile_text)


def script_cases(stack) -> dict[str, st.SearchStrategy]:
    connection = stack.connection_name
    return {
        **{script: json_script(script, stack) for script in JSON_SCRIPTS},
        "SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS": positional(
            "SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS", argument("no-such-job"), argument(connection),
            argument("eu-west-1")),
        "SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES": positional(
            "SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES", argument("no-such-job"), argument(connection),
            argument("eu-west-1")),
        "SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT": positional(
            "SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT", argument("no-such-job"), argument("rel-ep"),
            argument(SCHEMA), argument("ml.m5.large"), numeric_argument(1), argument(connection), argument("eu-west-1")),
        "SME_DEPLOY_SAGEMAKER_AUTOPILOT_SERVERLESS_ENDPOINT": positional(
            "SME_DEPLOY_SAGEMAKER_AUTOPILOT_SERVERLESS_ENDPOINT", argument("no-such-job"), argument("rel-ep"),
            argument(SCHEMA), numeric_argument(2048), numeric_argument(5), argument(connection), argument("eu-west-1")),
        "SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT": positional(
            "SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT", argument("no-such-endpoint"), argument(connection),
            argument("eu-west-1")),
        "SME_STOP_SAGEMAKER_AUTOPILOT_JOB": positional(
            "SME_STOP_SAGEMAKER_AUTOPILOT_JOB", argument("no-such-job"), argument(connection), argument("eu-west-1")),
        "SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB": positional(
            "SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB", argument("no-such-job"), argument(connection),
            argument("eu-west-1")),
        "SME_SHOW_SAGEMAKER_AUTOPILOT_ENDPOINT_METRICS": positional(
            "SME_SHOW_SAGEMAKER_AUTOPILOT_ENDPOINT_METRICS", argument("no-such-endpoint"),
            argument("2026-01-01 00:00:00"), argument("2026-01-01 01:00:00"), argument(connection),
            argument("eu-west-1")),
        "SME_RECONCILE_SAGEMAKER_RESOURCES": positional(
            "SME_RECONCILE_SAGEMAKER_RESOURCES", argument(connection), argument("eu-west-1"), argument("list")),
    }


STATE_SQL = f"""SELECT
    (SELECT COUNT(*) FROM {CANARY}),
    (SELECT COUNT(*) FROM "SME"."SME_METADATA_AUTOPILOT_JOBS"),
    (SELECT COUNT(*) FROM "SME"."SME_METADATA_AUTOPILOT_ENDPOINTS"),
    (SELECT COUNT(*) FROM SYS.EXA_DBA_CONNECTIONS),
    (SELECT COUNT(*) FROM SYS.EXA_ALL_SCRIPTS),
    (SELECT COUNT(*) FROM SYS.EXA_ALL_TABLES)"""


@pytest.fixture(scope="module")
def connection(e2e_stack):
    with e2e_stack.connect() as connection:
        connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
        connection.execute(f"CREATE OR REPLACE TABLE {CANARY} (ALIVE DECIMAL(1,0))")
        connection.execute(f"INSERT INTO {CANARY} VALUES (1)")
        yield connection


def run_case(connection: pyexasol.ExaConnection, case: Case, state_before: tuple) -> str:
    try:
        connection.execute(case.sql()).fetchall()
        outcome = "result"
    except pyexasol.ExaQueryError as error:
        code = re.search(r"\bE-SME-\d+\b", error.message)
        assert code is not None, f"{case.sql()[:300]!r} failed without an E-SME code: {error.message[:500]}"
        outcome = code.group(0)
    state_after = tuple(connection.execute(STATE_SQL).fetchone())
    assert state_after == state_before, f"{case.sql()[:300]!r} changed the database: {state_before} → {state_after}"
    return outcome


def test_every_script_of_the_extension_is_covered(e2e_stack):
    assert sorted(script_cases(e2e_stack)) == sorted(script.name for script in ENTRY_SCRIPTS)


@pytest.mark.parametrize("script", sorted(script.name for script in ENTRY_SCRIPTS))
def test_hostile_arguments_end_in_an_sme_error_and_change_nothing(e2e_stack, connection, script):
    state_before = tuple(connection.execute(STATE_SQL).fetchone())
    assert state_before[0] == 1
    seen: list[str] = []

    @settings(max_examples=EXAMPLES_PER_SCRIPT, deadline=None, derandomize=False, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(case=script_cases(e2e_stack)[script])
    def check(case: Case) -> None:
        seen.append(run_case(connection, case, state_before))

    check()
    print(f"{script}: {len(seen)} cases, outcomes {sorted(set(seen))}")
    assert len(seen) >= 0.9 * EXAMPLES_PER_SCRIPT
