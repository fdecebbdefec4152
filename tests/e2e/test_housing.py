"""Regression and multiclass classification on a small, deterministic sample of california_housing.csv, with a
row key passed through and NULLs in the features of scored rows."""

import json
import math

import pytest

from sklearn import metrics as sk

from sme_local.datasets import CALIFORNIA_HOUSING, CsvDataset, column, integer, read_rows
from sme_local.loading import load_table

pytestmark = pytest.mark.slow

DATA_SCHEMA = "HOUSING_E2E"
EVERY_NTH_ROW = 25  # 826 of 20,640 rows
HOUSING_WITH_ID = CsvDataset(CALIFORNIA_HOUSING.file_name,
                             (column("id", "DECIMAL(9,0)", integer), *CALIFORNIA_HOUSING.columns))
FEATURES = [c.name for c in CALIFORNIA_HOUSING.columns]


@pytest.fixture(scope="module")
def housing(e2e_stack):
    """HOUSING (all sampled rows, with ID), HOUSING_TRAIN (4 of 5 rows, no ID), HOUSING_TEST (the rest, where
    every 7th row has NULL TOTAL_BEDROOMS and every 11th a NULL OCEAN_PROXIMITY)."""
    rows = read_rows(e2e_stack.data_dir / CALIFORNIA_HOUSING.file_name, CALIFORNIA_HOUSING)[::EVERY_NTH_ROW]
    with e2e_stack.connect() as connection:
        console = e2e_stack.console(connection)
        console.execute(f'CREATE SCHEMA IF NOT EXISTS "{DATA_SCHEMA}"')
        load_table(console, e2e_stack.description, e2e_stack.connection_name, HOUSING_WITH_ID,
                   [(i, *row) for i, row in enumerate(rows)], DATA_SCHEMA, "HOUSING")
        features = ", ".join(f'"{name}"' for name in FEATURES)
        console.execute(f'CREATE OR REPLACE TABLE "{DATA_SCHEMA}"."HOUSING_TRAIN" AS SELECT {features} '
                        f'FROM "{DATA_SCHEMA}"."HOUSING" WHERE MOD("ID", 5) <> 0')
        console.execute(f'''CREATE OR REPLACE TABLE "{DATA_SCHEMA}"."HOUSING_TEST" AS SELECT "ID",
            "LONGITUDE", "LATITUDE", "HOUSING_MEDIAN_AGE", "TOTAL_ROOMS",
            CASE WHEN MOD("ID", 7) = 0 THEN NULL ELSE "TOTAL_BEDROOMS" END AS "TOTAL_BEDROOMS",
            "POPULATION", "HOUSEHOLDS", "MEDIAN_INCOME", "MEDIAN_HOUSE_VALUE",
            CASE WHEN MOD("ID", 11) = 0 THEN NULL ELSE "OCEAN_PROXIMITY" END AS "OCEAN_PROXIMITY"
            FROM "{DATA_SCHEMA}"."HOUSING" WHERE MOD("ID", 5) = 0''')
    return e2e_stack


def _train(calls, stack, job_name, target, problem_type, objective):
    calls.train({
        "job_name": job_name, "input_schema_name": DATA_SCHEMA, "input_table_or_view_name": "HOUSING_TRAIN",
        "s3_bucket_uri": f"s3://{stack.description.s3_bucket}", "s3_output_path": "e2e",
        "iam_sagemaker_role": stack.description.iam_sagemaker_role, "target_attribute_name": target,
        "problem_type": problem_type, "objective": objective, "max_candidates": 20,
    })
    return calls.wait_for_job(job_name, stack.job_timeout_seconds)


def _evaluate_through_the_endpoint(calls, console, endpoint, table, output):
    """SME_EVALUATE_PREDICTIONS scoring ``table`` through ``endpoint`` (label: the job's target) into ``output``;
    returns the overall metrics and the scored rows (ROW_KEY is the label)."""
    rows = calls.evaluate({"input_schema_name": DATA_SCHEMA, "input_table_or_view_name": table,
                           "endpoint_name": endpoint, "output_table_name": output, "store_in_history": True})
    scored = console.records(f'SELECT * FROM "{DATA_SCHEMA}"."{output}"')
    return {row["METRIC"]: row["METRIC_VALUE"] for row in rows if row["LABEL"] is None}, scored


def _arguments(exclude):
    return ", ".join(['"ID"', *(f'"{name}"' for name in FEATURES if name != exclude)])


def test_regression_with_row_key_and_null_features(housing, calls, console):
    target = "MEDIAN_HOUSE_VALUE"
    _train(calls, housing, "housing-regression", target, "Regression", "MSE")
    calls.deploy("housing-regression", "housing-regression", DATA_SCHEMA)
    scored = console.records(f'''SELECT S."ROW_KEY", S."TOTAL_BEDROOMS", S."OCEAN_PROXIMITY", S."PREDICTIONS",
        T."{target}" AS ACTUAL
        FROM (SELECT "{DATA_SCHEMA}"."housing-regression"({_arguments(target)}) FROM "{DATA_SCHEMA}"."HOUSING_TEST") S
        JOIN "{DATA_SCHEMA}"."HOUSING_TEST" T ON S."ROW_KEY" = T."ID" ORDER BY S."ROW_KEY"''')
    test_ids = [int(row[0]) for row in console.rows(f'SELECT "ID" FROM "{DATA_SCHEMA}"."HOUSING_TEST" ORDER BY 1')]

    assert [int(row["ROW_KEY"]) for row in scored] == test_ids
    assert all(isinstance(row["PREDICTIONS"], float) and math.isfinite(row["PREDICTIONS"]) for row in scored)
    with_nulls = [row for row in scored if int(row["ROW_KEY"]) % 7 == 0 or int(row["ROW_KEY"]) % 11 == 0]
    assert with_nulls and all(row["PREDICTIONS"] is not None for row in with_nulls)
    assert all(row["TOTAL_BEDROOMS"] is None for row in scored if int(row["ROW_KEY"]) % 7 == 0)
    assert all(row["OCEAN_PROXIMITY"] is None for row in scored if int(row["ROW_KEY"]) % 11 == 0)
    actual = [row["ACTUAL"] for row in scored]
    mean = sum(actual) / len(actual)
    residual = sum((row["ACTUAL"] - row["PREDICTIONS"]) ** 2 for row in scored)
    total = sum((value - mean) ** 2 for value in actual)
    assert 1 - residual / total > 0.3, "the model must explain a good part of the variance (R² > 0.3)"

    metrics, rescored = _evaluate_through_the_endpoint(calls, console, "housing-regression", "HOUSING_TEST",
                                                       "HOUSING_TEST_SCORED")
    assert sorted(row["PREDICTIONS"] for row in rescored) == sorted(row["PREDICTIONS"] for row in scored)
    truth, predictions = [row["ROW_KEY"] for row in rescored], [row["PREDICTIONS"] for row in rescored]
    assert metrics["ROWS_EVALUATED"] == len(rescored) and metrics["NULL_LABELS"] == 0
    for name, value in (("R2", sk.r2_score(truth, predictions)),
                        ("RMSE", sk.root_mean_squared_error(truth, predictions)),
                        ("MAE", sk.mean_absolute_error(truth, predictions)),
                        ("MAPE", sk.mean_absolute_percentage_error(truth, predictions))):
        assert metrics[name] == pytest.approx(value, rel=1e-9), name
    calls.delete("housing-regression")


def test_multiclass_probabilities_and_labels(housing, calls, console):
    target = "OCEAN_PROXIMITY"
    console.execute(f'CREATE OR REPLACE TABLE "{DATA_SCHEMA}"."PROXIMITY_TEST" AS SELECT * '
                    f'FROM "{DATA_SCHEMA}"."HOUSING_TEST" WHERE "{target}" IS NOT NULL')
    _train(calls, housing, "housing-multiclass", target, "MulticlassClassification", "Accuracy")
    deployed = calls.deploy("housing-multiclass", "housing-multiclass", DATA_SCHEMA)
    assert deployed["PROBLEM_TYPE"] == "MulticlassClassification"
    scored = console.records(f'''SELECT S."ROW_KEY", S."PROBABILITY", S."PROBABILITIES", S."PREDICTIONS",
        T."{target}" AS ACTUAL
        FROM (SELECT "{DATA_SCHEMA}"."housing-multiclass"({_arguments(target)})
              FROM "{DATA_SCHEMA}"."PROXIMITY_TEST") S
        JOIN "{DATA_SCHEMA}"."PROXIMITY_TEST" T ON S."ROW_KEY" = T."ID"''')
    labels = {row[0] for row in console.rows(
        f'SELECT DISTINCT "{target}" FROM "{DATA_SCHEMA}"."HOUSING_TRAIN"')}

    assert len(scored) == int(console.rows(f'SELECT COUNT(*) FROM "{DATA_SCHEMA}"."PROXIMITY_TEST"')[0][0])
    for row in scored:
        probabilities = json.loads(row["PROBABILITIES"])
        assert set(probabilities) <= labels and row["PREDICTIONS"] in labels
        assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-3)
        assert row["PROBABILITY"] == pytest.approx(max(probabilities.values()))
        assert probabilities[row["PREDICTIONS"]] == pytest.approx(row["PROBABILITY"])
    accuracy = sum(row["PREDICTIONS"] == row["ACTUAL"] for row in scored) / len(scored)
    majority = 371 / 826
    assert accuracy > majority + 0.1, "longitude and latitude make the proximity class well predictable"

    metrics, rescored = _evaluate_through_the_endpoint(calls, console, "housing-multiclass", "PROXIMITY_TEST",
                                                       "PROXIMITY_TEST_SCORED")
    truth, predictions = [row["ROW_KEY"] for row in rescored], [row["PREDICTIONS"] for row in rescored]
    classes = sorted(labels | set(truth))
    matrix = [[json.loads(row["PROBABILITIES"]).get(c, 0.0) for c in classes] for row in rescored]
    for name, value in (("ACCURACY", sk.accuracy_score(truth, predictions)),
                        ("BALANCED_ACCURACY", sk.balanced_accuracy_score(truth, predictions)),
                        ("F1_MACRO", sk.f1_score(truth, predictions, average="macro", zero_division=0)),
                        ("LOG_LOSS", sk.log_loss(truth, matrix, labels=classes))):
        assert metrics[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name
    calls.delete("housing-multiclass")
