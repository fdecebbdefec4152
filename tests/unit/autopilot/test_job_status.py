import pytest
from moto import mock_aws

from aws_fixtures import candidate, complete_job, create_job, moto_session
from exasol_sagemaker_extension.autopilot.job_status import job_status, resolved_problem_type
from exasol_sagemaker_extension.errors import SmeError


@mock_aws
def test_completed_job_reports_best_candidate_and_metric():
    session = moto_session()
    create_job(session)
    complete_job("churn-job", candidate("churn-best", "F1", 0.91))
    status = job_status(session, "churn-job")
    assert (status.status, status.secondary_status, status.failure_reason) == ("Completed", "Completed", None)
    assert (status.best_candidate_name, status.objective_metric_name) == ("churn-best", "F1")
    assert status.objective_metric_value == pytest.approx(0.91)
    assert status.problem_type == "BinaryClassification"


@mock_aws
def test_failed_job_reports_awss_failure_reason():
    session = moto_session()
    create_job(session)
    complete_job("churn-job", {}, status="Failed", failure_reason="ClientError: target column has one value")
    status = job_status(session, "churn-job")
    assert status.status == "Failed"
    assert status.failure_reason == "ClientError: target column has one value"
    assert status.best_candidate_name is None and status.objective_metric_value is None


@mock_aws
def test_unknown_job_is_not_found():
    with pytest.raises(SmeError) as caught:
        job_status(moto_session(), "no-such-job")
    assert caught.value.code == "E-SME-123" and "no-such-job" in str(caught.value)


def test_resolved_problem_type_wins_over_requested():
    description = {
        "ResolvedAttributes": {
            "AutoMLProblemTypeResolvedAttributes": {"TabularResolvedAttributes": {"ProblemType": "Regression"}}
        },
        "AutoMLProblemTypeConfig": {"TabularJobConfig": {"TargetAttributeName": "y"}},
    }
    assert resolved_problem_type(description) == "Regression"
    assert resolved_problem_type({"AutoMLProblemTypeConfig": {"TabularJobConfig": {}}}) is None
