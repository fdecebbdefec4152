"""Helpers of the AWS emulator flow tests: upload CSV like Exasol's EXPORT, start and await jobs, deploy.

Kept out of conftest.py so that tests import them by a unique module name (several test folders have a
conftest module, and ``from conftest import …`` would pick whichever was loaded first).
"""

from __future__ import annotations

import gzip
import io
import time
from typing import Any

import pandas as pd

from sme_local.datasets import find_data_dir

DATA = find_data_dir()
ROLE = "arn:aws:iam::123456789012:role/sagemaker"


def upload_csv_parts(s3: Any, bucket: str, prefix: str, frame: pd.DataFrame, parts: int, gzipped: bool) -> str:
    """Upload ``frame`` as ``parts`` CSV files with a header each, like Exasol's EXPORT; returns the prefix URI."""
    size = -(-len(frame) // parts)
    for index in range(parts):
        text = frame.iloc[index * size:(index + 1) * size].to_csv(index=False, lineterminator="\n").encode()
        name = f"{prefix}/part-{index + 1}.csv" + (".gz" if gzipped else "")
        s3.put_object(Bucket=bucket, Key=name, Body=gzip.compress(text) if gzipped else text)
    return f"s3://{bucket}/{prefix}/"


def create_job(sagemaker: Any, name: str, input_uri: str, output_uri: str, target: str, **tabular: Any) -> None:
    extra = {k: tabular.pop(k) for k in ("AutoMLJobObjective", "DataSplitConfig") if k in tabular}
    sagemaker.create_auto_ml_job_v2(
        AutoMLJobName=name,
        AutoMLJobInputDataConfig=[{"ChannelType": "training", "ContentType": "text/csv;header=present",
                                   "CompressionType": "Gzip",
                                   "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": input_uri}}}],
        OutputDataConfig={"S3OutputPath": output_uri},
        AutoMLProblemTypeConfig={"TabularJobConfig": {"TargetAttributeName": target, **tabular}},
        RoleArn=ROLE, **extra)


def wait_for_job(sagemaker: Any, name: str, timeout: float = 90) -> tuple[dict[str, Any], list[str]]:
    """Poll until the job has ended (not InProgress or Stopping); returns the description and the secondary
    statuses seen."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = sagemaker.describe_auto_ml_job_v2(AutoMLJobName=name)
        if not seen or seen[-1] != job["AutoMLJobSecondaryStatus"]:
            seen.append(job["AutoMLJobSecondaryStatus"])
        if job["AutoMLJobStatus"] not in ("InProgress", "Stopping"):
            return job, seen
        time.sleep(0.2)
    raise AssertionError(f"job {name} still running after {timeout} s; statuses {seen}")


def deploy(sagemaker: Any, name: str, containers: list[dict[str, Any]], timeout: float = 30) -> dict[str, Any]:
    """CreateModel → CreateEndpointConfig → CreateEndpoint; waits until the endpoint leaves Creating."""
    sagemaker.create_model(ModelName=name, Containers=containers, ExecutionRoleArn=ROLE)
    sagemaker.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": name, "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        endpoint = sagemaker.describe_endpoint(EndpointName=name)
        if endpoint["EndpointStatus"] != "Creating":
            return endpoint
        time.sleep(0.1)
    raise AssertionError(f"endpoint {name} still Creating after {timeout} s")


def csv_body(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, lineterminator="\n")
    return buffer.getvalue().encode()
