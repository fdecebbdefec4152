"""Model insight through boto3 and the extension's AWS layer against the AWS emulator: stopping a running job,
the best candidate's explainability report, and endpoint metrics in CloudWatch."""

from __future__ import annotations

import datetime
import time

import boto3
import pandas as pd
import pytest

import json

import numpy as np

from sme_local.aws import AwsEmulator
from aws_flow import DATA, create_job, csv_body, deploy, upload_csv_parts, wait_for_job
from exasol_sagemaker_extension.autopilot.endpoint_metrics import endpoint_metrics
from exasol_sagemaker_extension.autopilot.explanations import best_candidate_insight
from exasol_sagemaker_extension.autopilot.job_stopping import stop_job
from exasol_sagemaker_extension.errors import SmeError

pytestmark = pytest.mark.slow
BUCKET = "insight-bucket"
# A cap far above what the stopped job runs, so that only the stop can have ended its search early.
TRAINING_CAP_SECONDS = 60


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    with AwsEmulator(data_dir=tmp_path_factory.mktemp("aws"), max_training_seconds=TRAINING_CAP_SECONDS,
                     endpoint_startup_seconds=0.3) as running:
        yield running


@pytest.fixture(scope="module")
def bucket(emulator):
    emulator.create_bucket(BUCKET)
    return BUCKET


@pytest.fixture
def session(emulator, monkeypatch):
    """A session as the extension's UDFs open it: no endpoint_url, boto3 reads AWS_ENDPOINT_URL."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
    return boto3.Session(aws_access_key_id=emulator.access_key_id,
                         aws_secret_access_key=emulator.secret_access_key, region_name=emulator.region)


@pytest.fixture(scope="module")
def churn():
    return pd.read_csv(DATA / "churn.csv").drop(columns=["Phone"])


@pytest.fixture(scope="module")
def churn_uri(s3, bucket, churn):
    return upload_csv_parts(s3, bucket, "churn/training-data", churn, 1, gzipped=False)


@pytest.fixture(scope="module")
def completed(sagemaker, churn_uri):
    create_job(sagemaker, "explain-me", churn_uri, f"s3://{BUCKET}/churn/output", "Churn?",
               Mode="HYPERPARAMETER_TUNING", CompletionCriteria={"MaxCandidates": 12})
    job, statuses = wait_for_job(sagemaker, "explain-me")
    assert job["AutoMLJobStatus"] == "Completed", job.get("FailureReason")
    return job, statuses


def _await_training(sagemaker, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sagemaker.describe_auto_ml_job_v2(AutoMLJobName=name)["AutoMLJobSecondaryStatus"] in (
                "TrainingModels", "ModelTuning"):
            return
        time.sleep(0.1)
    raise AssertionError(f"job {name} did not start training within {timeout} s")


def test_a_stopped_job_ends_mid_search_and_keeps_its_best_candidate_so_far(sagemaker, session, churn_uri, s3):
    create_job(sagemaker, "stop-me", churn_uri, f"s3://{BUCKET}/churn/output", "Churn?",
               CompletionCriteria={"MaxAutoMLJobRuntimeInSeconds": 3600})
    _await_training(sagemaker, "stop-me")
    time.sleep(2.0)  # some trials finish; without the stop the search would run until the 60 s cap
    asked = time.monotonic()
    with pytest.raises(SmeError) as running:
        best_candidate_insight(session, "stop-me")
    assert running.value.code == "E-SME-176" and "GeneratingExplainabilityReport" in running.value.message
    status = stop_job(session, "stop-me")
    assert (status.status, status.secondary_status) == ("Stopping", "Stopping")

    job, statuses = wait_for_job(sagemaker, "stop-me", timeout=30)
    stopped_after = time.monotonic() - asked
    assert (job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]) == ("Stopped", "Stopped")
    assert statuses[0] == "Stopping"
    search_seconds = (job["EndTime"] - job["CreationTime"]).total_seconds()
    assert search_seconds < TRAINING_CAP_SECONDS / 2 and stopped_after < 20, (search_seconds, stopped_after)
    best = job["BestCandidate"]  # AWS keeps the models trained before the stop
    assert best["CandidateStatus"] == "Completed" and best["FinalAutoMLJobObjectiveMetric"]["MetricName"] == "F1"
    for container in best["InferenceContainers"]:
        key = container["ModelDataUrl"].removeprefix(f"s3://{BUCKET}/")
        assert s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] > 0
    listed = sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="stop-me")["Candidates"]
    assert best["CandidateName"] in [c["CandidateName"] for c in listed]

    with pytest.raises(SmeError) as no_report:  # stopped before Autopilot writes the reports
        best_candidate_insight(session, "stop-me")
    assert no_report.value.code == "E-SME-177" and "stopped before" in no_report.value.message
    with pytest.raises(SmeError) as caught:
        stop_job(session, "stop-me")
    assert caught.value.code == "E-SME-175" and "Stopped" in caught.value.message
    with pytest.raises(sagemaker.exceptions.ClientError) as refused:  # AWS itself refuses too
        sagemaker.stop_auto_ml_job(AutoMLJobName="stop-me")
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_stopping_an_unknown_job_names_it(session):
    with pytest.raises(SmeError) as caught:
        stop_job(session, "no-such-job")
    assert caught.value.code == "E-SME-123" and "no-such-job" in caught.value.message


def test_the_best_candidate_has_clarify_and_model_monitor_reports_computed_from_its_model(completed, s3, churn):
    job, _ = completed  # the report phases are too short to be seen reliably by polling; their output is checked
    locations = job["BestCandidate"]["CandidateProperties"]["CandidateArtifactLocations"]
    prefix = f"s3://{BUCKET}/churn/output/explain-me/documentation/"
    assert locations["Explainability"].startswith(prefix + "explainability/output/")
    assert locations["ModelInsights"].startswith(prefix + "model_monitor/output/")
    analysis = _json(s3, locations["Explainability"] + "analysis.json")
    label = analysis["explanations"]["kernel_shap"]["label0"]
    assert set(label["global_shap_values"]) == set(churn.columns) - {"Churn?"}
    assert 0.0 < label["expected_value"] < 1.0  # a probability of churn
    statistics = _json(s3, locations["ModelInsights"] + "statistics.json")["binary_classification_metrics"]
    matrix = statistics["confusion_matrix"]
    assert sum(sum(row.values()) for row in matrix.values()) == \
        _json(s3, locations["ModelInsights"] + "statistics.json")["dataset"]["item_count"]
    f1 = next(m["Value"] for m in job["BestCandidate"]["CandidateProperties"]["CandidateMetrics"]
              if m["MetricName"] == "F1")
    assert statistics["f1"]["value"] == pytest.approx(f1)


def _json(s3, uri):
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def test_feature_importance_reflects_what_the_deployed_model_uses(completed, session, sagemaker, runtime, churn):
    job, _ = completed
    insight = best_candidate_insight(session, "explain-me")
    assert insight.candidate_name == job["BestCandidate"]["CandidateName"]
    assert [i.rank for i in insight.importances] == list(range(1, 20))
    values = [i.importance for i in insight.importances]
    assert values == sorted(values, reverse=True) and values[0] > 0
    assert {(m.name, m.data_set) for m in insight.metrics} >= {("F1", "Validation"), ("AUC", "Validation")}

    containers = job["BestCandidate"]["InferenceContainers"]
    containers[1]["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label,probabilities"
    containers[2]["Environment"]["SAGEMAKER_INFERENCE_INPUT"] = "predicted_label,probabilities"
    containers[2]["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] = "probability"
    assert deploy(sagemaker, "explain-endpoint", containers)["EndpointStatus"] == "InService"
    rows = churn.drop(columns=["Churn?"]).sample(300, random_state=1)

    def probabilities(frame):
        body = runtime.invoke_endpoint(EndpointName="explain-endpoint", ContentType="text/csv",
                                       Body=csv_body(frame))["Body"].read().decode()
        return np.array([float(line) for line in body.splitlines()])

    def shuffled(feature):
        changed = rows.copy()
        changed[feature] = rows[feature].sample(frac=1.0, random_state=2).to_numpy()
        return np.abs(probabilities(changed) - original).mean()

    original = probabilities(rows)
    top, bottom = insight.importances[0].feature, insight.importances[-1].feature
    assert shuffled(top) > 5 * max(shuffled(bottom), 1e-4), (top, bottom)


def test_endpoint_metrics_count_every_invocation_and_time_the_model(completed, session, sagemaker, runtime, churn):
    job, _ = completed
    assert deploy(sagemaker, "metrics-endpoint", job["BestCandidate"]["InferenceContainers"])["EndpointStatus"] == \
        "InService"
    started = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    rows = churn.drop(columns=["Churn?"])
    round_trips = []
    for size in (1, 10, 100, 1000, 5):
        asked = time.perf_counter()
        runtime.invoke_endpoint(EndpointName="metrics-endpoint", ContentType="text/csv",
                                Body=csv_body(rows.iloc[:size]))
        round_trips.append((time.perf_counter() - asked) * 1e6)
    with pytest.raises(runtime.exceptions.ModelError):  # the model answers 400: wrong number of fields
        runtime.invoke_endpoint(EndpointName="metrics-endpoint", ContentType="text/csv", Body=b"1,2\n")

    [variant] = endpoint_metrics(session, "metrics-endpoint", started, None)
    assert variant.variant_name == "AllTraffic"
    assert (variant.invocations, variant.invocation_4xx_errors, variant.invocation_5xx_errors) == (6, 1, 0)
    assert 0 < variant.model_latency_p50_us <= variant.model_latency_p99_us <= variant.model_latency_max_us
    assert variant.model_latency_max_us <= max(round_trips)  # the model's time is part of the round trip
    assert variant.model_latency_avg_us <= variant.model_latency_max_us

    quiet = endpoint_metrics(session, "metrics-endpoint", started - datetime.timedelta(hours=2),
                             started - datetime.timedelta(hours=1))[0]
    assert (quiet.invocations, quiet.model_latency_avg_us) == (0, None)
    with pytest.raises(SmeError) as future:
        endpoint_metrics(session, "metrics-endpoint", started + datetime.timedelta(days=1), None)
    assert future.value.code == "E-SME-180"
    with pytest.raises(SmeError) as unknown:
        endpoint_metrics(session, "no-such-endpoint", None, None)
    assert unknown.value.code == "E-SME-123"


def test_the_published_data_points_have_sagemakers_names_units_and_dimensions(emulator, completed, runtime,
                                                                               sagemaker, churn):
    job, _ = completed
    if "metrics-endpoint" not in [e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]]:
        deploy(sagemaker, "metrics-endpoint", job["BestCandidate"]["InferenceContainers"])
    runtime.invoke_endpoint(EndpointName="metrics-endpoint", ContentType="text/csv",
                            Body=csv_body(churn.drop(columns=["Churn?"]).iloc[:3]))
    listed = emulator.client("cloudwatch").list_metrics(Namespace="AWS/SageMaker")["Metrics"]
    names = {m["MetricName"] for m in listed if {"Name": "EndpointName", "Value": "metrics-endpoint"}
             in m["Dimensions"]}
    assert names == {"Invocations", "Invocation4XXErrors", "Invocation5XXErrors", "ModelLatency"}
    dimensions = next(m["Dimensions"] for m in listed if m["MetricName"] == "ModelLatency")
    assert sorted(d["Name"] for d in dimensions) == ["EndpointName", "VariantName"]
