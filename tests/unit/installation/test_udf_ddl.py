import importlib
import re
from pathlib import Path

import pytest

from exasol_sagemaker_extension.installation.udf_ddl import CONTROL_PLANE_UDFS, render_udf


def _normalise(sql: str) -> str:
    """Layout-free form: single spaces, none around parentheses and commas."""
    return re.sub(r"\s*([(),])\s*", r"\1", re.sub(r"\s+", " ", sql)).strip()


def _udf(name):
    return next(udf for udf in CONTROL_PLANE_UDFS if udf.name == name)


def test_the_udfs_of_the_developer_guide_in_its_order():
    guide = (Path(__file__).parents[3] / "doc" / "developer_guide.md").read_text(encoding="utf-8")
    section = guide.split("## UDFs installed by `sme-deploy`", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `(SME_\w+_UDF)` \| `SCALAR SCRIPT", section, re.MULTILINE)
    assert [udf.name for udf in CONTROL_PLANE_UDFS] == documented
    assert len(documented) >= 6


def test_training_udf_text():
    assert render_udf(CONTROL_PLANE_UDFS[0], "SME", "PYTHON3_SME") == (
        'CREATE OR REPLACE PYTHON3_SME SCALAR SCRIPT "SME"."SME_AUTOPILOT_TRAINING_UDF"'
        "(request_json VARCHAR(2000000)) RETURNS VARCHAR(2000000) AS\n"
        "from exasol_sagemaker_extension.udfs.training import TrainingUdf\n"
        "run = TrainingUdf(exa).run\n"
        "/"
    )


def test_emitting_udf_quotes_its_columns_and_schema():
    deletion = next(udf for udf in CONTROL_PLANE_UDFS if udf.name == "SME_AUTOPILOT_ENDPOINT_DELETION_UDF")
    header = render_udf(deletion, 'a"b', "PY3").split("\n")[0]
    assert _normalise(header) == _normalise(
        'CREATE OR REPLACE PY3 SCALAR SCRIPT "a""b"."SME_AUTOPILOT_ENDPOINT_DELETION_UDF"'
        '(request_json VARCHAR(2000000)) EMITS ("RESOURCE_TYPE" VARCHAR(32), "RESOURCE_NAME" VARCHAR(256), '
        '"OUTCOME" VARCHAR(32)) AS'
    )


def test_status_and_candidate_columns_match_the_guide():
    status, candidates = _udf("SME_AUTOPILOT_JOB_STATUS_UDF"), _udf("SME_AUTOPILOT_CANDIDATES_UDF")
    assert _udf("SME_AUTOPILOT_JOB_STOP_UDF").result_clause() == status.result_clause()
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
