"""Reading the best candidate's explainability report: ranking, multiclass averaging, and why there is none.
moto in-process serves S3 and the job description; the job's state is written into moto's backend
(aws_fixtures.complete_job) because moto never runs a job."""

import json

import pytest
from moto import mock_aws

from aws_fixtures import candidate, complete_job, create_job, moto_session
from exasol_sagemaker_extension.autopilot.explanations import best_candidate_insight, rank_importances
from exasol_sagemaker_extension.errors import SmeError

PREFIX = "s3://my-bucket/sme/churn-job/documentation/explainability/output/best/"


@pytest.fixture
def session():
    with mock_aws():
        session = moto_session()
        session.client("s3").create_bucket(Bucket="my-bucket",
                                           CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        create_job(session)
        yield session


def _best(locations=None, metrics=()):
    best = candidate("best")
    best["CandidateProperties"] = {"CandidateMetrics": list(metrics)}
    if locations is not None:
        best["CandidateProperties"]["CandidateArtifactLocations"] = locations
    return best


def _put_report(session, body):
    session.client("s3").put_object(Bucket="my-bucket", Key=PREFIX.removeprefix("s3://my-bucket/") + "analysis.json",
                                    Body=body)


def test_the_report_is_ranked_and_the_metrics_come_from_the_description(session):
    metrics = [{"MetricName": "F1", "Value": 0.8, "Set": "Validation"},
               {"MetricName": "AUC", "Value": 0.9, "Set": "Validation"}, {"MetricName": "LogLoss", "Set": "Train"}]
    complete_job("churn-job", _best({"Explainability": PREFIX}, metrics))
    _put_report(session, json.dumps({"explanations": {"kernel_shap": {"label0": {
        "global_shap_values": {"b": 0.1, "a": 0.3, "c": 0.1}, "expected_value": 0.2}}}}))
    insight = best_candidate_insight(session, "churn-job")
    assert insight.candidate_name == "best" and insight.report_uri == PREFIX + "analysis.json"
    assert [(i.feature, i.importance, i.rank) for i in insight.importances] == [
        ("a", 0.3, 1), ("b", 0.1, 2), ("c", 0.1, 3)]
    assert [(m.name, m.value, m.data_set) for m in insight.metrics] == [("AUC", 0.9, "Validation"),
                                                                       ("F1", 0.8, "Validation")]


def test_several_labels_are_averaged():
    analysis = {"explanations": {"kernel_shap": {"x": {"global_shap_values": {"f": 0.4, "g": 0.0}},
                                                 "y": {"global_shap_values": {"f": 0.0, "g": 0.2}}}}}
    assert [(i.feature, i.importance) for i in rank_importances(analysis)] == [("f", 0.2), ("g", 0.1)]


@pytest.mark.parametrize(("status", "best", "report", "code", "fragment"), [
    ("InProgress", {}, None, "E-SME-176", "GeneratingExplainabilityReport"),
    ("Failed", {}, None, "E-SME-177", "target has one value"),
    ("Stopped", _best(), None, "E-SME-177", "has no explainability report"),
    ("Completed", _best({"Explainability": PREFIX}), None, "E-SME-177", "does not exist"),
    ("Completed", _best({"Explainability": PREFIX}), b"[1, 2]", "E-SME-178", "not a JSON object"),
    ("Completed", _best({"Explainability": PREFIX}), b'{"explanations": {}}', "E-SME-178", "global_shap_values"),
])
def test_why_there_is_no_report(session, status, best, report, code, fragment):
    complete_job("churn-job", best, status=status, failure_reason="ClientError: target has one value")
    if report is not None:
        _put_report(session, report)
    with pytest.raises(SmeError) as caught:
        best_candidate_insight(session, "churn-job")
    assert caught.value.code == code and fragment in caught.value.message
