"""Batch scoring end to end on the local stack: the churn tutorial's model scores its held-back customers through a
transform job, and every row must match what the tutorial's prediction UDF answered on its endpoint."""

import pytest

from sme_local.churn_tutorial import KEY, TARGET, ChurnTutorial, TutorialSettings
from sme_local.datasets import CHURN

pytestmark = pytest.mark.slow

SCHEMA = "BATCH_E2E"


@pytest.fixture(scope="module")
def tutorial_result(e2e_stack):
    settings = TutorialSettings(data_dir=e2e_stack.data_dir, schema=SCHEMA,
                                extension_schema=e2e_stack.extension_schema,
                                connection_name=e2e_stack.connection_name,
                                job_timeout_seconds=e2e_stack.job_timeout_seconds, install_locally=False)
    return ChurnTutorial(e2e_stack.description, settings, print).run()


def request(job_name, **changes):
    return {"job_name": job_name, "input_schema_name": SCHEMA, "input_table_or_view_name": "CHURN_TEST",
            "key_columns": [KEY], "output_schema_name": SCHEMA, "output_table_name": "BATCH_SCORES",
            "max_payload_in_mb": 1, **changes}


def test_batch_scores_equal_the_endpoint_udfs_scores_and_nothing_is_left_behind(tutorial_result, calls, console,
                                                                               e2e_stack):
    result = calls.batch_score(request(tutorial_result.job_name))
    assert result["STATUS"] == "Completed" and result["ARTIFACTS"] == "removed"
    assert int(result["ROWS_IN"]) == int(result["ROWS_OUT"]) == tutorial_result.test_rows
    features = [c.name for c in CHURN.columns if c.name not in (KEY, TARGET)]
    columns = console.rows(f"""SELECT COLUMN_NAME, COLUMN_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA =
        '{SCHEMA}' AND COLUMN_TABLE = 'BATCH_SCORES' ORDER BY COLUMN_ORDINAL_POSITION""")
    udf_columns = console.rows(f"""SELECT COLUMN_NAME, COLUMN_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA =
        '{SCHEMA}' AND COLUMN_TABLE = 'CHURN_SCORES' ORDER BY COLUMN_ORDINAL_POSITION""")
    assert columns == [(KEY, udf_columns[0][1]), *udf_columns[1:]]  # the UDF's columns, the key under its name
    same = console.rows(f'''SELECT COUNT(*), SUM(CASE WHEN B."PREDICTIONS" = S."PREDICTIONS"
            AND ABS(B."PROBABILITY" - S."PROBABILITY") < 1e-12 THEN 1 ELSE 0 END),
            SUM(CASE WHEN B."{features[0]}" = S."{features[0]}" THEN 1 ELSE 0 END)
        FROM "{SCHEMA}"."BATCH_SCORES" B JOIN "{SCHEMA}"."CHURN_SCORES" S ON B."{KEY}" = S."ROW_KEY"''')[0]
    assert [int(v) for v in same] == [tutorial_result.test_rows] * 3
    assert console.rows(f"SELECT COUNT(*) FROM SYS.EXA_ALL_TABLES WHERE TABLE_SCHEMA = '{SCHEMA}' "
                        "AND TABLE_NAME LIKE 'SME_BATCH_STAGING%'")[0][0] == 0
    name = result["TRANSFORM_JOB_NAME"]
    sagemaker = e2e_stack.aws_client("sagemaker")
    job = sagemaker.describe_transform_job(TransformJobName=name)
    assert job["DataProcessing"] == {"InputFilter": "$[1:]", "JoinSource": "Input", "OutputFilter": "$"}
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=job["TransformJobArn"])["Tags"]}
    assert tags["exasol-sme:job"] == tutorial_result.job_name
    assert not [m for m in sagemaker.list_models()["Models"] if m["ModelName"] == name]
    bucket, prefix = job["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"][5:].split("/", 1)
    listed = e2e_stack.aws_client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix.rsplit("batch-input/")[0])
    assert listed.get("KeyCount", 0) == 0


def test_without_waiting_the_poll_script_finishes_and_keeps_artifacts_when_asked(tutorial_result, calls, console,
                                                                                e2e_stack):
    started = calls.batch_score(request(tutorial_result.job_name, output_table_name="LATER", wait=False,
                                        keep_artifacts=True))
    assert started["STATUS"] == "InProgress" and started["ROWS_OUT"] is None
    listed = {(r["RESOURCE_TYPE"], r["RESOURCE_NAME"]): r["VERDICT"] for r in calls.reconcile()}
    assert listed[("TRANSFORM_JOB", started["TRANSFORM_JOB_NAME"])] == "TRACKED"
    assert console.rows(f"SELECT COUNT(*) FROM SYS.EXA_ALL_TABLES WHERE TABLE_SCHEMA = '{SCHEMA}' "
                        "AND TABLE_NAME = 'LATER'")[0][0] == 0
    done = calls.batch_score(request(tutorial_result.job_name, output_table_name="LATER", keep_artifacts=True,
                                     transform_job_name=started["TRANSFORM_JOB_NAME"], timeout_seconds=120),
                             poll=True)
    assert done["STATUS"] == "Completed" and int(done["ROWS_OUT"]) == tutorial_result.test_rows
    assert done["ARTIFACTS"].startswith("kept: model " + started["TRANSFORM_JOB_NAME"])
    sagemaker = e2e_stack.aws_client("sagemaker")
    assert sagemaker.describe_model(ModelName=started["TRANSFORM_JOB_NAME"])["ModelName"]
    sagemaker.delete_model(ModelName=started["TRANSFORM_JOB_NAME"])


def test_bad_input_is_refused_before_anything_is_exported(tutorial_result, calls, console):
    job = tutorial_result.job_name
    console.execute(f'CREATE OR REPLACE VIEW "{SCHEMA}"."NO_DAY_MINS" AS SELECT "{KEY}", "INTL_PLAN" '
                    f'FROM "{SCHEMA}"."CHURN_TEST"')
    with pytest.raises(Exception, match="E-SME-96") as caught:
        calls.batch_score(request(job, input_table_or_view_name="NO_DAY_MINS"))
    assert "DAY_MINS" in str(caught.value)
    with pytest.raises(Exception, match="E-SME-97"):
        calls.batch_score(request(job, key_columns=["INTL_PLAN"]))
    console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."TAKEN" ("X" DOUBLE)')
    with pytest.raises(Exception, match="E-SME-98"):
        calls.batch_score(request(job, output_table_name="TAKEN"))
    assert console.rows(f'SELECT COUNT(*) FROM "{SCHEMA}"."TAKEN"')[0][0] == 0


def test_a_failing_transform_shows_awss_reason_and_leaves_the_target_unchanged(tutorial_result, calls, console,
                                                                               e2e_stack):
    """Runs last: it removes the job's model files, as a lifecycle rule on the bucket might."""
    sagemaker, s3 = e2e_stack.aws_client("sagemaker"), e2e_stack.aws_client("s3")
    best = sagemaker.describe_auto_ml_job_v2(AutoMLJobName=tutorial_result.job_name)["BestCandidate"]
    for container in best["InferenceContainers"]:
        bucket, key = container["ModelDataUrl"][5:].split("/", 1)
        s3.delete_object(Bucket=bucket, Key=key)
    with pytest.raises(Exception, match="E-SME-190") as caught:
        calls.batch_score(request(tutorial_result.job_name, output_table_name="NEVER_FILLED"))
    assert "Failed to download model data" in str(caught.value)
    assert console.rows(f"SELECT COUNT(*) FROM SYS.EXA_ALL_TABLES WHERE TABLE_SCHEMA = '{SCHEMA}' "
                        "AND TABLE_NAME = 'NEVER_FILLED'")[0][0] == 0
