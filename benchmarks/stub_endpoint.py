"""A fixed-latency endpoint on the AWS emulator (50 ms per request, almost no CPU) and its prediction UDF.

The trained model's endpoint shares the machine's two cores with the SQL path, so its numbers mix the model's
CPU with the extension's. Against this stub the endpoint's limit is known (requests in flight × rows per
request / 50 ms) and what the SQL path loses is the extension's and the emulator's own cost. It is deployed as
a user deploys any endpoint trained elsewhere: CreateModel / CreateEndpointConfig / CreateEndpoint with boto3,
then ``SME_CREATE_ENDPOINT_UDF`` — so the SQL path runs the same prediction UDF code as for the real model.
"""

from __future__ import annotations

import time

import boto3

from benchmarks.scoring_stack import FEATURES, SCHEMA, ScoringSetup
from sme_local.aws.automl.artifacts import pack
from sme_local.aws.automl.latency_stub import LatencyStub
from sme_local.stack import StackDescription

STUB_ENDPOINT = "bench-stub"
LATENCY_SECONDS = 0.05
ANSWER_LINE = "False,0.5"  # Autopilot's binary-classification answer: label, probability
_IMAGE = "aws-emulator.local/latency-stub:1"
_MODEL_KEY = "bench/latency-stub/model.tar.gz"
_READY_TIMEOUT_SECONDS = 60.0


def _sagemaker(description: StackDescription, service: str):  # noqa: ANN202 - a boto3 client
    return boto3.client(service, endpoint_url=description.aws_endpoint_url, region_name=description.aws_region,
                        aws_access_key_id=description.aws_access_key_id,
                        aws_secret_access_key=description.aws_secret_access_key)


def deploy_stub(setup: ScoringSetup, table: str) -> str:
    """The stub endpoint ``STUB_ENDPOINT`` InService, and its UDF ``BENCH."bench-stub"`` over ``table``'s
    feature columns (answering BOOLEAN predictions with a probability, as the churn model does)."""
    description = setup.description
    _sagemaker(description, "s3").put_object(Bucket=description.s3_bucket, Key=_MODEL_KEY,
                                             Body=pack(LatencyStub(LATENCY_SECONDS, ANSWER_LINE)))
    sagemaker = _sagemaker(description, "sagemaker")
    sagemaker.create_model(ModelName=STUB_ENDPOINT, ExecutionRoleArn=description.iam_sagemaker_role,
                           PrimaryContainer={"Image": _IMAGE,
                                             "ModelDataUrl": f"s3://{description.s3_bucket}/{_MODEL_KEY}"})
    sagemaker.create_endpoint_config(EndpointConfigName=STUB_ENDPOINT, ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": STUB_ENDPOINT, "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    sagemaker.create_endpoint(EndpointName=STUB_ENDPOINT, EndpointConfigName=STUB_ENDPOINT)
    deadline = time.monotonic() + _READY_TIMEOUT_SECONDS
    while (status := sagemaker.describe_endpoint(EndpointName=STUB_ENDPOINT)["EndpointStatus"]) != "InService":
        if status == "Failed" or time.monotonic() > deadline:
            raise RuntimeError(f"the stub endpoint {STUB_ENDPOINT} did not come up: {status}")
        time.sleep(0.5)
    setup.calls.create_endpoint_udf({
        "endpoint_name": STUB_ENDPOINT, "udf_schema_name": SCHEMA,
        "input_schema_name": SCHEMA, "input_table_or_view_name": table, "feature_columns": list(FEATURES),
        "predictions_sql_type": "BOOLEAN", "probability_column": True,
    })
    return STUB_ENDPOINT


def ideal_rows_per_s(rows_per_request: int, in_flight: int) -> float:
    """What the stub can answer at most: every request slot busy, each request taking exactly the latency."""
    return rows_per_request * in_flight / LATENCY_SECONDS

