"""The stop, explanation and endpoint-metrics UDFs through exasol-udf-mock-python with moto in-process: the
documented columns in order. (Their behaviour against the AWS emulator: tests/aws/test_insight_flows.py.)"""

import datetime
import json

import boto3
import pytest
from exasol_udf_mock_python.column import Column
from moto import mock_aws

from sme_local.aws import endpoint_metrics as emulator_metrics
from aws_fixtures import REGION, candidate, complete_job, create_job, moto_session
from exasol_sagemaker_extension.installation.udf_ddl import CONTROL_PLANE_UDFS
from exasol_sagemaker_extension.errors import SmeError
from udf_runner import STATUS_COLUMNS, explanation_script, metrics_script, run_udf, stop_script

_PYTHON_TYPES = {"DOUBLE": float, "DECIMAL": int, "VARCHAR": str}


def _columns(udf_name):
    udf = next(u for u in CONTROL_PLANE_UDFS if u.name == udf_name)
    return [Column(name, _PYTHON_TYPES[sql_type.split("(")[0]], sql_type) for name, sql_type in udf.emits]


@pytest.fixture(autouse=True)
def aws():
    with mock_aws():
        yield


def test_stop_udf_emits_the_status_columns_and_refuses_an_ended_job():
    create_job(moto_session())
    [row] = run_udf(stop_script, {"job_name": "churn-job"}, STATUS_COLUMNS)
    assert row[0] == "Stopped"  # moto in-process stops at once; the AWS emulator goes through Stopping
    with pytest.raises(SmeError) as caught:
        run_udf(stop_script, {"job_name": "churn-job"}, STATUS_COLUMNS)
    assert caught.value.code == "E-SME-175"


def test_explanation_udf_emits_features_then_metrics():
    session = moto_session()
    session.client("s3").create_bucket(Bucket="my-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    session.client("s3").put_object(Bucket="my-bucket", Key="docs/analysis.json", Body=json.dumps(
        {"explanations": {"kernel_shap": {"label0": {"global_shap_values": {"X": 0.1, "Y": 0.4}}}}}))
    create_job(session)
    best = candidate("best")
    best["CandidateProperties"] = {"CandidateArtifactLocations": {"Explainability": "s3://my-bucket/docs/"},
                                   "CandidateMetrics": [{"MetricName": "F1", "Value": 0.8, "Set": "Validation"}]}
    complete_job("churn-job", best)
    rows = run_udf(explanation_script, {"job_name": "churn-job"}, _columns("SME_AUTOPILOT_EXPLANATION_UDF"))
    assert rows == [("best", "FEATURE_IMPORTANCE", "Y", 0.4, 1, None),
                    ("best", "FEATURE_IMPORTANCE", "X", 0.1, 2, None),
                    ("best", "METRIC", "F1", 0.8, None, "Validation")]


def test_metrics_udf_sums_the_data_points_of_the_variant():
    emulator_metrics.install()  # moto alone fails on percentile statistics (HTTP 500); the AWS emulator adds them
    session = moto_session()
    sagemaker = session.client("sagemaker")
    sagemaker.create_model(ModelName="m", ExecutionRoleArn="arn:aws:iam::123456789012:role/r",
                           PrimaryContainer={"Image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1"})
    sagemaker.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
    sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
    dimensions = [{"Name": "EndpointName", "Value": "ep"}, {"Name": "VariantName", "Value": "AllTraffic"}]
    now = datetime.datetime.now(datetime.timezone.utc)
    boto3.client("cloudwatch", region_name=REGION).put_metric_data(Namespace="AWS/SageMaker", MetricData=[
        *({"MetricName": "Invocations", "Value": 1.0, "Dimensions": dimensions, "Timestamp": now} for _ in range(3)),
        {"MetricName": "ModelLatency", "Value": 1000.0, "Unit": "Microseconds", "Dimensions": dimensions,
         "Timestamp": now},
        {"MetricName": "ModelLatency", "Value": 3000.0, "Unit": "Microseconds", "Dimensions": dimensions,
         "Timestamp": now},
    ])
    start = (now - datetime.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S")
    [row] = run_udf(metrics_script, {"endpoint_name": "ep", "start_time": start, "end_time": None},
                    _columns("SME_AUTOPILOT_ENDPOINT_METRICS_UDF"))
    assert row[:3] == ("ep", "AllTraffic", start) and row[4:] == (3, 0, 0, 2000.0, 1000.0, 3000.0, 3000.0)
