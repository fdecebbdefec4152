import importlib
import re

import pytest

from exasol_sagemaker_extension.deployment.udf_ddl import CONTROL_PLANE_UDFS, render_udf


def _normalise(sql: str) -> str:
    """Layout-free form: single spaces, none around parentheses and commas."""
    return re.sub(r"\s*([(),])\s*", r"\1", re.sub(r"\s+", " ", sql)).strip()


def test_the_five_udfs_of_the_developer_guide():
    assert [udf.name for udf in CONTROL_PLANE_UDFS] == [
        "SME_AUTOPILOT_TRAINING_UDF",
        "SME_AUTOPILOT_JOB_STATUS_UDF",
        "SME_AUTOPILOT_CANDIDATES_UDF",
        "SME_AUTOPILOT_DEPLOYMENT_UDF",
        "SME_AUTOPILOT_ENDPOINT_DELETION_UDF",
    ]


def test_training_udf_text():
    assert render_udf(CONTROL_PLANE_UDFS[0], "SME", "PYTHON3_SME") == (
        'CREATE OR REPLACE PYTHON3_SME SCALAR SCRIPT "SME"."SME_AUTOPILOT_TRAINING_UDF"'
        "(request_json VARCHAR(2000000)) RETURNS VARCHAR(2000000) AS\n"
        "from exasol_sagemaker_extension.udfs.training import TrainingUdf\n"
        "run = TrainingUdf(exa).run\n"
        "/"
    )


def test_emitting_udf_quotes_its_columns_and_schema():
    deletion = CONTROL_PLANE_UDFS[-1]
    header = render_udf(deletion, 'a"b', "PY3").split("\n")[0]
    assert _normalise(header) == _normalise(
        'CREATE OR REPLACE PY3 SCALAR SCRIPT "a""b"."SME_AUTOPILOT_ENDPOINT_DELETION_UDF"'
        '(request_json VARCHAR(2000000)) EMITS ("RESOURCE_TYPE" VARCHAR(32), "RESOURCE_NAME" VARCHAR(256), '
        '"OUTCOME" VARCHAR(32)) AS'
    )


def test_status_and_candidate_columns_match_the_guide():
    status, candidates = CONTROL_PLANE_UDFS[1], CONTROL_PLANE_UDFS[2]
    assert _normalise(status.result_clause()) == _normalise(
        'EMITS ("JOB_STATUS" VARCHAR(32), "SECONDARY_STATUS" VARCHAR(64), "FAILURE_REASON" VARCHAR(2000000), '
        '"BEST_CANDIDATE_NAME" VARCHAR(256), "OBJECTIVE_METRIC_NAME" VARCHAR(32), "OBJECTIVE_METRIC_VALUE" DOUBLE, '
        '"PROBLEM_TYPE" VARCHAR(32))'
    )
    assert _normalise(candidates.result_clause()) == _normalise(
        'EMITS ("CANDIDATE_RANK" DECIMAL(9,0), "CANDIDATE_NAME" VARCHAR(256), "CANDIDATE_STATUS" VARCHAR(32), '
        '"OBJECTIVE_METRIC_NAME" VARCHAR(32), "OBJECTIVE_METRIC_VALUE" DOUBLE, "IS_BEST" BOOLEAN)'
    )


@pytest.mark.parametrize("udf", CONTROL_PLANE_UDFS, ids=lambda udf: udf.name)
def test_adapter_imports_an_existing_udf_class_with_run(udf):
    """The two-line adapter must name a real class of the product, or every call would fail in Exasol."""
    udf_class = getattr(importlib.import_module(udf.module), udf.class_name)
    assert callable(getattr(udf_class, "run"))
    compile(udf.adapter_source(), udf.name, "exec")
