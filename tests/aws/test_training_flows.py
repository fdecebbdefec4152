"""Whole flows through boto3: upload → CreateAutoMLJobV2 → candidates → endpoint → InvokeEndpoint on held-out rows."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from botocore.exceptions import ClientError

from aws_flow import DATA, create_job, csv_body, deploy, upload_csv_parts, wait_for_job

pytestmark = pytest.mark.slow
BUCKET = "training-bucket"


@pytest.fixture(scope="module")
def bucket(emulator):
    emulator.create_bucket(BUCKET)
    return BUCKET


def parse(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode())))


def test_churn_binary_classification_end_to_end(sagemaker, runtime, s3, bucket):
    churn = pd.read_csv(DATA / "churn.csv").drop(columns=["Phone"])  # Phone is an ID, not a feature
    held_out = churn.sample(400, random_state=3)
    uri = upload_csv_parts(s3, bucket, "churn/training-data", churn.drop(held_out.index), 2, gzipped=True)
    create_job(sagemaker, "churn", uri, f"s3://{bucket}/churn/output", "Churn?", Mode="HYPERPARAMETER_TUNING",
               CompletionCriteria={"MaxAutoMLJobRuntimeInSeconds": 3600})

    job, statuses = wait_for_job(sagemaker, "churn")
    assert job["AutoMLJobStatus"] == "Completed", job.get("FailureReason")
    # no MaxCandidates and 3600 s allowed, so the emulator's 8 s cap ends the search, and the status says so
    assert statuses[-1] == "MaxAutoMLJobRuntimeReached"
    assert set(statuses) <= {"Starting", "AnalyzingData", "FeatureEngineering", "ModelTuning",
                             "GeneratingExplainabilityReport", "GeneratingModelInsightsReport",
                             "MaxAutoMLJobRuntimeReached"}
    resolved = job["ResolvedAttributes"]
    assert resolved["AutoMLProblemTypeResolvedAttributes"]["TabularResolvedAttributes"]["ProblemType"] == \
        "BinaryClassification"
    best = job["BestCandidate"]
    assert best["FinalAutoMLJobObjectiveMetric"]["MetricName"] == "F1"  # Autopilot's binary default
    assert best["FinalAutoMLJobObjectiveMetric"]["Type"] == "Maximize"
    assert best["FinalAutoMLJobObjectiveMetric"]["Value"] > 0.6
    containers = best["InferenceContainers"]
    assert [c["Environment"].get("AUTOML_TRANSFORM_MODE") for c in containers] == \
        ["feature-transform", None, "inverse-label-transform"]
    for container in containers:
        assert container["ModelDataUrl"].startswith(f"s3://{bucket}/churn/output/churn/candidates/")
        key = container["ModelDataUrl"].removeprefix(f"s3://{bucket}/")
        assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] > 0

    listed = sagemaker.list_candidates_for_auto_ml_job(
        AutoMLJobName="churn", SortBy="FinalObjectiveMetricValue", SortOrder="Descending")["Candidates"]
    values = [c["FinalAutoMLJobObjectiveMetric"]["Value"] for c in listed]
    assert values == sorted(values, reverse=True) and listed[0]["CandidateName"] == best["CandidateName"]
    first_page = sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="churn", MaxResults=1)
    second_page = sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="churn", MaxResults=1,
                                                            NextToken=first_page["NextToken"])
    assert first_page["Candidates"][0]["CandidateName"] != second_page["Candidates"][0]["CandidateName"]
    paged, token = [], None
    while True:  # moto's paginator: every candidate once, in the unpaged order
        page = sagemaker.list_candidates_for_auto_ml_job(
            AutoMLJobName="churn", MaxResults=1, **({"NextToken": token} if token else {}))
        paged += [c["CandidateName"] for c in page["Candidates"]]
        token = page.get("NextToken")
        if token is None:
            break
    unpaged = sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="churn", MaxResults=100)["Candidates"]
    assert paged == [c["CandidateName"] for c in unpaged] and len(paged) > 1
    with pytest.raises(ClientError, match="InvalidToken"):  # a token belongs to the request that made it
        sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="churn", MaxResults=1, StatusEquals="Completed",
                                                  NextToken=first_page["NextToken"])
    assert sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="churn", StatusEquals="Failed")["Candidates"] == []

    containers[1]["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label,probabilities"
    containers[2]["Environment"]["SAGEMAKER_INFERENCE_INPUT"] = "predicted_label,probabilities"
    containers[2]["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label,probability,probabilities,labels"
    assert deploy(sagemaker, "churn-endpoint", containers)["EndpointStatus"] == "InService"
    features = held_out.drop(columns=["Churn?"])
    features.iloc[0, 2] = None  # a missing value must be handled by the pipeline
    answer = runtime.invoke_endpoint(EndpointName="churn-endpoint", ContentType="text/csv", Accept="text/csv",
                                     Body=csv_body(features))
    assert answer["ContentType"] == "text/csv"
    rows = parse(answer["Body"].read())
    assert len(rows) == len(held_out)
    accuracy = np.mean([row[0] == truth for row, truth in zip(rows, held_out["Churn?"])])
    assert accuracy > 0.85
    label, probability, probabilities, labels = rows[0]
    assert labels == "['False.', 'True.']"
    pair = [float(p) for p in probabilities.strip("[]").split(", ")]
    assert float(probability) == pair[1]  # HPO binary: probability of the positive class
    assert label == ("True." if pair[1] > pair[0] else "False.")

    with pytest.raises(runtime.exceptions.ModelError) as caught:
        runtime.invoke_endpoint(EndpointName="churn-endpoint", ContentType="text/csv", Body=b"1,2,3\n")
    assert caught.value.response["OriginalStatusCode"] == 400
    with pytest.raises(runtime.exceptions.ValidationError):
        runtime.invoke_endpoint(EndpointName="churn-endpoint", ContentType="text/csv",
                                Body=csv_body(features) * 2000)  # > 6 MB
    sagemaker.delete_endpoint(EndpointName="churn-endpoint")
    with pytest.raises(runtime.exceptions.ValidationError) as caught:
        runtime.invoke_endpoint(EndpointName="churn-endpoint", ContentType="text/csv", Body=csv_body(features))
    assert "not found" in caught.value.response["Error"]["Message"]


def test_california_regression_and_multiclass(sagemaker, runtime, s3, bucket):
    housing = pd.read_csv(DATA / "california_housing.csv").sample(2500, random_state=5)
    held_out = housing.iloc[:400]
    training = housing.iloc[400:]

    regression_uri = upload_csv_parts(s3, bucket, "housing/value", training, 3, gzipped=True)
    create_job(sagemaker, "housing-value", regression_uri, f"s3://{bucket}/housing/out", "median_house_value",
               CompletionCriteria={"MaxCandidates": 12}, AutoMLJobObjective={"MetricName": "R2"})
    classes_uri = upload_csv_parts(s3, bucket, "housing/proximity", training, 1, gzipped=False)
    create_job(sagemaker, "housing-proximity", classes_uri, f"s3://{bucket}/housing/out", "ocean_proximity",
               CompletionCriteria={"MaxCandidates": 12})

    job, _ = wait_for_job(sagemaker, "housing-value")
    assert (job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]) == ("Completed", "MaxCandidatesReached")
    best = job["BestCandidate"]
    assert len(best["InferenceContainers"]) == 1  # AUTO on small data is ensembling: one container
    assert deploy(sagemaker, "housing-value", best["InferenceContainers"])["EndpointStatus"] == "InService"
    answer = runtime.invoke_endpoint(EndpointName="housing-value", ContentType="text/csv",
                                     Body=csv_body(held_out.drop(columns=["median_house_value"])))
    predicted = np.array([float(row[0]) for row in parse(answer["Body"].read())])
    truth = held_out["median_house_value"].to_numpy()
    r2 = 1 - ((truth - predicted) ** 2).sum() / ((truth - truth.mean()) ** 2).sum()
    assert r2 > 0.5

    job, _ = wait_for_job(sagemaker, "housing-proximity")
    assert job["AutoMLJobStatus"] == "Completed", job.get("FailureReason")
    assert job["ResolvedAttributes"]["AutoMLProblemTypeResolvedAttributes"]["TabularResolvedAttributes"][
        "ProblemType"] == "MulticlassClassification"
    assert job["BestCandidate"]["FinalAutoMLJobObjectiveMetric"]["MetricName"] == "Accuracy"
    containers = job["BestCandidate"]["InferenceContainers"]
    containers[0]["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label,probability,probabilities"
    deploy(sagemaker, "housing-proximity", containers)
    answer = runtime.invoke_endpoint(EndpointName="housing-proximity", ContentType="text/csv",
                                     Body=csv_body(held_out.drop(columns=["ocean_proximity"])))
    rows = parse(answer["Body"].read())
    accuracy = np.mean([row[0] == truth for row, truth in zip(rows, held_out["ocean_proximity"])])
    assert accuracy > 0.8
    probabilities = [float(p) for p in rows[0][2].strip("[]").split(", ")]
    assert len(probabilities) == training["ocean_proximity"].nunique() and abs(sum(probabilities) - 1) < 1e-6
    assert float(rows[0][1]) == max(probabilities)  # ensembling: probability of the predicted label


def test_a_search_cut_short_by_the_time_budget_says_so_in_the_secondary_status(sagemaker, s3, bucket):
    """Fewer candidates than MaxCandidates: the poll result must say why (here this machine's 8 s cap).

    The API's largest MaxCandidates (750) on all 20,640 rows: no machine trains that many in 8 s, whereas 250
    trials on 1,500 rows did fit the cap on a fast CI runner."""
    housing = pd.read_csv(DATA / "california_housing.csv")
    uri = upload_csv_parts(s3, bucket, "housing/budget", housing, 1, gzipped=False)
    create_job(sagemaker, "housing-budget", uri, f"s3://{bucket}/housing/budget-out", "median_house_value",
               CompletionCriteria={"MaxCandidates": 750})
    job, _ = wait_for_job(sagemaker, "housing-budget")
    trained = sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="housing-budget")["Candidates"]
    assert len(trained) < 750
    assert (job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]) == ("Completed", "MaxAutoMLJobRuntimeReached")
