"""Candidate listing. moto 5.2.5 has no ListCandidatesForAutoMLJob, so that one call is served by botocore's
Stubber on a real SageMaker client; DescribeAutoMLJobV2 still comes from moto."""

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from aws_fixtures import candidate, complete_job, create_job, moto_session
from exasol_sagemaker_extension.autopilot.candidates import is_minimized, list_candidates, rank_candidates


def test_direction_from_type_then_from_metric_name():
    assert is_minimized("F1", "Minimize") and not is_minimized("MSE", "Maximize")
    assert is_minimized("RMSE") and is_minimized("LogLoss") and is_minimized("MAE") and is_minimized("MSE")
    assert not is_minimized("AUC") and not is_minimized("R2")


def test_minimized_metric_ranks_lowest_first_and_missing_values_last():
    ranked = rank_candidates(
        [candidate("c", "MSE", 3.0), candidate("none", "MSE", None), candidate("a", "MSE", 1.0),
         candidate("b", "MSE", 2.0)],
        best_name="a",
    )
    assert [(c.rank, c.name, c.is_best) for c in ranked] == [
        (1, "a", True), (2, "b", False), (3, "c", False), (4, "none", False)
    ]


def test_explicit_maximize_type_ranks_highest_first():
    descriptions = [candidate("low", "F1", 0.5), candidate("high", "F1", 0.9)]
    for d in descriptions:
        d["FinalAutoMLJobObjectiveMetric"]["Type"] = "Maximize"
    assert [c.name for c in rank_candidates(descriptions, None)] == ["high", "low"]


@mock_aws
def test_all_pages_are_read_and_ranked(monkeypatch):
    session = moto_session()
    create_job(session)
    complete_job("churn-job", candidate("c2", "F1", 0.95))
    moto_client = session.client("sagemaker")
    stubbed = session.client("sagemaker")
    stubber = Stubber(stubbed)
    stubber.add_response(
        "list_candidates_for_auto_ml_job",
        {"Candidates": [candidate("c1", "F1", 0.80)], "NextToken": "page-2"},
        {"AutoMLJobName": "churn-job", "MaxResults": 100},
    )
    stubber.add_response(
        "list_candidates_for_auto_ml_job",
        {"Candidates": [candidate("c2", "F1", 0.95), candidate("c3", "F1", 0.85)]},
        {"AutoMLJobName": "churn-job", "MaxResults": 100, "NextToken": "page-2"},
    )
    stubbed.describe_auto_ml_job_v2 = moto_client.describe_auto_ml_job_v2
    monkeypatch.setattr(session, "client", lambda service, **kwargs: stubbed)
    with stubber:
        ranked = list_candidates(session, "churn-job")
        stubber.assert_no_pending_responses()
    assert [(c.rank, c.name, c.is_best) for c in ranked] == [(1, "c2", True), (2, "c3", False), (3, "c1", False)]
    assert ranked[0].objective_metric_value == pytest.approx(0.95)
    assert ranked[0].status == "Completed" and ranked[0].objective_metric_name == "F1"
