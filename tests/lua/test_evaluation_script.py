"""SME_EVALUATE_PREDICTIONS, the real script on the Exasol emulator, against scikit-learn on the same predictions.

The predictions come from scikit-learn models trained on the shared datasets (decision trees, whose leaf
probabilities tie a lot, and a linear regression) and from hypothesis-generated tables with probabilities on a
coarse grid, NULL labels and NULL predictions. The reference treats the rows exactly as the user guide says the
script does: rows without label or prediction are left out, the probability of the positive label is
PROBABILITY when it was predicted and 1 - PROBABILITY otherwise, precision/recall/F1 are 0 where undefined.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pyexasol
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeClassifier

from sme_local.exasol.api import Emulator
from exasol_sagemaker_extension.installation.statements import metadata_statements
from exasol_sagemaker_extension.installation.lua_scripts import render_lua_script
from exasol_sagemaker_extension.installation.scripts import ENTRY_SCRIPTS
from sme_local.datasets import find_data_dir

TOLERANCE = {"rel": 1e-9, "abs": 1e-9}
SCRIPT = "SME_EVALUATE_PREDICTIONS"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    with Emulator(tmp_path_factory.mktemp("evaluation"), port=0, bucketfs_port=None) as emulator:
        with pyexasol.connect(dsn=emulator.dsn, user=emulator.user, password=emulator.password) as connection:
            for statement in metadata_statements("SME"):
                connection.execute(statement.sql)
            script = next(s for s in ENTRY_SCRIPTS if s.name == SCRIPT)
            connection.execute(render_lua_script(script, "SME"))
            connection.execute("CREATE SCHEMA IF NOT EXISTS EVAL")
            yield connection


def load(db, table: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    definition = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
    db.execute(f'CREATE OR REPLACE TABLE EVAL."{table}" ({definition})')
    if rows:
        db.import_from_iterable(rows, ("EVAL", table))


def evaluate(db, **arguments) -> list[tuple]:
    text = json.dumps(arguments).replace("'", "''")
    return db.execute(f"EXECUTE SCRIPT SME.{SCRIPT}('{text}')").fetchall()


def by_metric(rows: list[tuple]) -> dict:
    """{METRIC: value} for the overall rows, {(METRIC, LABEL): value} for per-label ones, CONFUSION as a dict."""
    found: dict = {"CONFUSION": {}}
    for metric, value, label, predicted in rows:
        if metric == "CONFUSION":
            found["CONFUSION"][(label, predicted)] = value
        elif label is None:
            found[metric] = value
        else:
            found[(metric, label)] = value
    return found


def failure(db, **arguments) -> str:
    with pytest.raises(pyexasol.ExaQueryError) as raised:
        evaluate(db, **arguments)
    return raised.value.message


# --- the reference ------------------------------------------------------------------------------------------

def reference_classification(truth, predicted, text, positive=None, probability=None, probabilities=None,
                             classes=None) -> dict:
    """What the script must answer for the rows with label and prediction; `text` spells a label as SQL does."""
    kept = [i for i in range(len(truth)) if truth[i] is not None and predicted[i] is not None]
    y = [text(truth[i]) for i in kept]
    f = [text(predicted[i]) for i in kept]
    labels = sorted(set(y) | set(f))
    expected = {
        "ROWS_EVALUATED": len(kept),
        "NULL_LABELS": sum(value is None for value in truth),
        "NULL_PREDICTIONS": sum(truth[i] is not None and predicted[i] is None for i in range(len(truth))),
        "ACCURACY": sk.accuracy_score(y, f),
        "BALANCED_ACCURACY": sk.balanced_accuracy_score(y, f),
        "PRECISION_MACRO": sk.precision_score(y, f, average="macro", zero_division=0),
        "RECALL_MACRO": sk.recall_score(y, f, average="macro", zero_division=0),
        "F1_MACRO": sk.f1_score(y, f, average="macro", zero_division=0),
    }
    matrix = sk.confusion_matrix(y, f, labels=labels)
    expected["CONFUSION"] = {(a, p): float(matrix[i][j]) for i, a in enumerate(labels) for j, p in enumerate(labels)}
    if positive is not None:
        for name, function in (("PRECISION", sk.precision_score), ("RECALL", sk.recall_score), ("F1", sk.f1_score)):
            expected[(name, positive)] = function(y, f, pos_label=positive, zero_division=0)
        if probability is not None:
            score = [probability[i] if text(predicted[i]) == positive else 1 - probability[i] for i in kept]
            is_positive = [label == positive for label in y]
            expected[("ROC_AUC", positive)] = (sk.roc_auc_score(is_positive, score)
                                               if 0 < sum(is_positive) < len(y) else None)
            expected["LOG_LOSS"] = sk.log_loss(is_positive, score, labels=[False, True])
    else:
        per_class = {name: function(y, f, labels=labels, average=None, zero_division=0)
                     for name, function in (("PRECISION", sk.precision_score), ("RECALL", sk.recall_score),
                                            ("F1", sk.f1_score))}
        for name, values in per_class.items():
            expected.update({(name, label): value for label, value in zip(labels, values)})
        if probabilities is not None:
            matrix = [[json.loads(probabilities[i]).get(c, 0.0) for c in classes] for i in kept]
            expected["LOG_LOSS"] = sk.log_loss(y, matrix, labels=classes)
    return expected


def reference_regression(truth, predicted) -> dict:
    kept = [i for i in range(len(truth)) if truth[i] is not None and predicted[i] is not None]
    y = np.array([float(truth[i]) for i in kept])
    f = np.array([float(predicted[i]) for i in kept])
    return {
        "ROWS_EVALUATED": len(kept),
        "NULL_LABELS": sum(value is None for value in truth),
        "NULL_PREDICTIONS": sum(truth[i] is not None and predicted[i] is None for i in range(len(truth))),
        "RMSE": sk.root_mean_squared_error(y, f), "MSE": sk.mean_squared_error(y, f),
        "MAE": sk.mean_absolute_error(y, f), "R2": sk.r2_score(y, f),
        "MAPE": sk.mean_absolute_percentage_error(y, f),
    }


def assert_matches(answer: dict, expected: dict) -> None:
    assert set(answer) == set(expected)
    for key, value in expected.items():
        if key == "CONFUSION":
            assert answer[key] == value
        elif value is None:
            assert answer[key] is None, key
        else:
            assert answer[key] == pytest.approx(value, **TOLERANCE), key


# --- real datasets through scikit-learn models -------------------------------------------------------------

def read_csv(name: str) -> list[dict]:
    with open(find_data_dir() / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def churn():
    rows = read_csv("churn.csv")
    features = np.array([[float(r["Day Mins"]), float(r["CustServ Calls"]), float(r["Intl Mins"]),
                          float(r["Eve Mins"]), r["Int'l Plan"] == "yes"] for r in rows])
    truth = [r["Churn?"] == "True." for r in rows]
    model = DecisionTreeClassifier(max_depth=4, random_state=0).fit(features[::2], truth[::2])
    proba = model.predict_proba(features[1::2])
    predicted = [bool(model.classes_[i]) for i in proba.argmax(axis=1)]
    return truth[1::2], predicted, [float(p.max()) for p in proba]


def test_binary_boolean_labels_of_churn_match_sklearn_with_tied_tree_probabilities(db, churn):
    truth, predicted, probability = churn
    truth = [None if i % 17 == 0 else value for i, value in enumerate(truth)]  # NULL labels are left out
    predicted = [None if i % 23 == 0 else value for i, value in enumerate(predicted)]
    probability = [None if predicted[i] is None else p for i, p in enumerate(probability)]
    assert len(set(probability)) < len(probability) / 10  # a tree: few distinct probabilities, many ties
    load(db, "CHURN_SCORED", [("CHURN", "BOOLEAN"), ("PROBABILITY", "DOUBLE"), ("PREDICTIONS", "BOOLEAN")],
         list(zip(truth, probability, predicted)))

    answer = by_metric(evaluate(db, input_schema_name="EVAL", input_table_or_view_name="CHURN_SCORED",
                                label_column="CHURN", problem_type="BinaryClassification"))

    expected = reference_classification(truth, predicted, lambda v: "TRUE" if v else "FALSE", "TRUE", probability)
    assert expected["NULL_LABELS"] > 0 and expected["NULL_PREDICTIONS"] > 0
    assert_matches(answer, expected)


@pytest.fixture(scope="module")
def housing():
    rows = read_csv("california_housing.csv")[::7]
    numeric = ["longitude", "latitude", "housing_median_age", "median_income"]
    features = np.array([[float(r[name]) for name in numeric] for r in rows])
    return rows, features


def test_multiclass_ocean_proximity_matches_sklearn_including_log_loss(db, housing):
    rows, features = housing
    truth = [r["ocean_proximity"] for r in rows]
    model = DecisionTreeClassifier(max_depth=3, random_state=0).fit(features[::2], truth[::2])
    proba = model.predict_proba(features)
    classes = [str(c) for c in model.classes_]
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    distributions = [json.dumps(dict(zip(classes, map(float, p)))) for p in proba]
    truth = [None if i % 13 == 0 else value for i, value in enumerate(truth)]
    load(db, "PROXIMITY_SCORED", [("OCEAN_PROXIMITY", "VARCHAR(20)"), ("PROBABILITY", "DOUBLE"),
                                  ("PROBABILITIES", "VARCHAR(2000000)"), ("PREDICTIONS", "VARCHAR(20)")],
         [(truth[i], float(proba[i].max()), distributions[i], predicted[i]) for i in range(len(truth))])

    answer = by_metric(evaluate(db, input_schema_name="EVAL", input_table_or_view_name="PROXIMITY_SCORED",
                                label_column="OCEAN_PROXIMITY", problem_type="MulticlassClassification"))

    expected = reference_classification(truth, predicted, str, probabilities=distributions, classes=classes)
    assert len(set(predicted)) < len(classes)  # a label nobody predicted: precision 0 counts in the macro mean
    assert_matches(answer, expected)


def test_regression_of_house_values_matches_sklearn(db, housing):
    rows, features = housing
    truth = [float(r["median_house_value"]) for r in rows]
    predicted = list(LinearRegression().fit(features[::2], truth[::2]).predict(features))
    truth = [None if i % 11 == 0 else value for i, value in enumerate(truth)]
    predicted = [None if i % 19 == 0 else float(value) for i, value in enumerate(predicted)]
    load(db, "VALUE_SCORED", [("MEDIAN_HOUSE_VALUE", "DOUBLE"), ("PREDICTIONS", "DOUBLE")],
         list(zip(truth, predicted)))

    answer = by_metric(evaluate(db, input_schema_name="EVAL", input_table_or_view_name="VALUE_SCORED",
                                label_column="MEDIAN_HOUSE_VALUE", problem_type="Regression"))

    assert_matches(answer, {"CONFUSION": {}, **reference_regression(truth, predicted)})


def test_regression_with_decimal_labels_zero_labels_and_constant_truth(db):
    truth = [0, 0, 5, -3, None, 12]
    predicted = [0.5, 0.0, 4.0, -2.5, 1.0, 11.0]
    load(db, "SMALL", [("Y", "DECIMAL(9,0)"), ("PREDICTIONS", "DOUBLE")], list(zip(truth, predicted)))
    answer = by_metric(evaluate(db, input_schema_name="EVAL", input_table_or_view_name="SMALL", label_column="Y",
                                problem_type="Regression"))
    assert_matches(answer, {"CONFUSION": {}, **reference_regression(truth, predicted)})

    for predictions, r2 in (([7.0, 7.0], 1.0), ([7.0, 8.0], 0.0)):  # sklearn's finite R2 for a constant truth
        load(db, "CONSTANT", [("Y", "DOUBLE"), ("PREDICTIONS", "DOUBLE")], [(7.0, p) for p in predictions])
        answer = by_metric(evaluate(db, input_schema_name="EVAL", input_table_or_view_name="CONSTANT",
                                    label_column="Y", problem_type="Regression"))
        assert answer["R2"] == r2 == sk.r2_score([7.0, 7.0], predictions)


# --- generated tables --------------------------------------------------------------------------------------

GRID = [0.5, 0.6, 0.75, 0.9, 1.0]  # probabilities of the predicted label: ties and certainty (clipped log loss)


@st.composite
def binary_tables(draw):
    size = draw(st.integers(1, 40))
    labels = draw(st.sampled_from([("no", "yes"), ("0", "1"), ("cat", "dog")]))
    truth = draw(st.lists(st.one_of(st.none(), st.sampled_from(labels)), min_size=size, max_size=size))
    predicted = draw(st.lists(st.sampled_from(labels), min_size=size, max_size=size))
    probability = draw(st.lists(st.sampled_from(GRID), min_size=size, max_size=size))
    return labels, truth, predicted, probability


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=binary_tables(), name_positive=st.booleans())
def test_generated_binary_tables_match_sklearn(db, table, name_positive):
    labels, truth, predicted, probability = table
    load(db, "GENERATED", [("TRUTH", "VARCHAR(10)"), ("PROBABILITY", "DOUBLE"), ("PREDICTIONS", "VARCHAR(10)")],
         list(zip(truth, probability, predicted)))
    # the labels the script sees: those of the rows with a label (the predictions here are never NULL)
    present = sorted({v for t, p in zip(truth, predicted) if t is not None for v in (t, p)})
    if not present:
        assert "E-SME-81" in failure(db, input_schema_name="EVAL", input_table_or_view_name="GENERATED",
                                     label_column="TRUTH", problem_type="BinaryClassification")
        return
    positive = labels[0] if name_positive and labels[0] in present else present[-1]
    extra = {"positive_label": positive} if name_positive and labels[0] in present else {}

    answer = by_metric(evaluate(db, input_schema_name="EVAL", input_table_or_view_name="GENERATED",
                                label_column="TRUTH", problem_type="BinaryClassification", **extra))

    assert_matches(answer, reference_classification(truth, predicted, str, positive, probability))


@st.composite
def multiclass_tables(draw):
    classes = ["0", "1", "2", "3"]
    size = draw(st.integers(1, 30))
    truth = draw(st.lists(st.one_of(st.none(), st.sampled_from(classes)), min_size=size, max_size=size))
    predicted = draw(st.lists(st.one_of(st.none(), st.sampled_from(classes[:3])), min_size=size, max_size=size))
    weights = draw(st.lists(st.lists(st.sampled_from([0, 1, 2, 5]), min_size=4, max_size=4)
                            .filter(lambda w: sum(w) > 0), min_size=size, max_size=size))
    distributions = [json.dumps({c: w / sum(row) for c, w in zip(classes, row) if w}) for row in weights]
    return classes, truth, predicted, distributions


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=multiclass_tables())
def test_generated_multiclass_tables_with_integer_labels_match_sklearn(db, table):
    classes, truth, predicted, distributions = table
    load(db, "GENERATED_MULTI", [("TRUTH", "DECIMAL(9,0)"), ("PROBABILITIES", "VARCHAR(2000000)"),
                                 ("PREDICTIONS", "DECIMAL(9,0)")],
         [(None if t is None else int(t), d, None if p is None else int(p))
          for t, d, p in zip(truth, distributions, predicted)])
    if not any(t is not None and p is not None for t, p in zip(truth, predicted)):
        assert "E-SME-81" in failure(db, input_schema_name="EVAL", input_table_or_view_name="GENERATED_MULTI",
                                     label_column="TRUTH", problem_type="MulticlassClassification")
        return

    answer = by_metric(evaluate(db, input_schema_name="EVAL", input_table_or_view_name="GENERATED_MULTI",
                                label_column="TRUTH", problem_type="MulticlassClassification"))

    # A label missing from a row's PROBABILITIES has probability 0 there (the reference's .get(c, 0.0)).
    assert_matches(answer, reference_classification(truth, predicted, str, probabilities=distributions,
                                                    classes=classes))


# --- storing a run -----------------------------------------------------------------------------------------

def test_a_stored_run_holds_every_returned_row_once_under_one_run_id(db):
    load(db, "STORED", [("Y", "BOOLEAN"), ("PROBABILITY", "DOUBLE"), ("PREDICTIONS", "BOOLEAN")],
         [(True, 0.9, True), (False, 0.6, True), (True, 0.8, False), (None, 0.7, True)])
    returned = evaluate(db, input_schema_name="EVAL", input_table_or_view_name="STORED", label_column="Y",
                        problem_type="BinaryClassification", store_in_history=True)
    stored = db.execute("""SELECT RUN_ID, PROBLEM_TYPE, INPUT_SCHEMA_NAME, INPUT_TABLE_OR_VIEW_NAME, LABEL_COLUMN,
        POSITIVE_LABEL, METRIC, METRIC_VALUE, LABEL, PREDICTED_LABEL FROM SME.SME_EVALUATIONS
        WHERE INPUT_TABLE_OR_VIEW_NAME = 'STORED' ORDER BY METRIC_ORDER, LABEL, PREDICTED_LABEL""").fetchall()

    assert len({row[0] for row in stored}) == 1
    assert {row[1:6] for row in stored} == {("BinaryClassification", "EVAL", "STORED", "Y", "TRUE")}
    assert [row[6:] for row in stored] == returned
    evaluate(db, input_schema_name="EVAL", input_table_or_view_name="STORED", label_column="Y",
             problem_type="BinaryClassification")  # without store_in_history nothing is added
    assert db.execute("SELECT COUNT(*) FROM SME.SME_EVALUATIONS WHERE INPUT_TABLE_OR_VIEW_NAME = 'STORED'"
                      ).fetchone()[0] == len(stored)


# --- bad input ---------------------------------------------------------------------------------------------

BINARY = {"input_schema_name": "EVAL", "label_column": "Y", "problem_type": "BinaryClassification"}


@pytest.fixture(scope="module")
def scored_table(db):
    load(db, "LABELLED", [("Y", "VARCHAR(5)"), ("PROBABILITY", "DOUBLE"), ("PREDICTIONS", "VARCHAR(5)")],
         [("a", 0.9, "a"), ("b", 0.6, "b"), ("c", 0.8, "a")])
    return "LABELLED"


def test_an_unknown_table_is_named(db):
    assert "E-SME-10" in failure(db, input_table_or_view_name="NOPE", **BINARY)


def test_a_missing_label_column_is_named(db, scored_table):
    message = failure(db, **{**BINARY, "label_column": "LABEL"}, input_table_or_view_name=scored_table)
    assert "E-SME-78" in message and '"LABEL"' in message


def test_a_table_without_predictions_is_refused(db):
    load(db, "NO_PREDICTIONS", [("Y", "BOOLEAN"), ("SCORE", "DOUBLE")], [(True, 0.5)])
    assert "E-SME-79" in failure(db, input_table_or_view_name="NO_PREDICTIONS", **BINARY)


def test_a_label_of_another_type_than_the_predictions_is_refused(db):
    load(db, "MIXED", [("Y", "VARCHAR(5)"), ("PREDICTIONS", "BOOLEAN")], [("yes", True)])
    assert "E-SME-80" in failure(db, input_table_or_view_name="MIXED", **BINARY)
    load(db, "TEXT_REGRESSION", [("Y", "VARCHAR(5)"), ("PREDICTIONS", "DOUBLE")], [("1", 1.0)])
    assert "E-SME-80" in failure(db, input_table_or_view_name="TEXT_REGRESSION",
                                 **{**BINARY, "problem_type": "Regression"})


def test_an_empty_table_is_refused(db):
    load(db, "EMPTY", [("Y", "BOOLEAN"), ("PREDICTIONS", "BOOLEAN")], [])
    message = failure(db, input_table_or_view_name="EMPTY", **BINARY)
    assert "E-SME-81" in message and "empty" in message


def test_binary_needs_two_labels_and_a_positive_label_among_them(db, scored_table):
    assert "E-SME-83" in failure(db, input_table_or_view_name=scored_table, **BINARY)
    load(db, "TWO", [("Y", "VARCHAR(5)"), ("PREDICTIONS", "VARCHAR(5)")], [("a", "b"), ("b", "b")])
    message = failure(db, input_table_or_view_name="TWO", positive_label="A", **BINARY)
    assert "E-SME-83" in message and "a, b" in message


def test_the_json_argument_is_checked_key_by_key(db, scored_table):
    assert "E-SME-3" in failure(db, input_table_or_view_name=scored_table, label="Y", **BINARY)
    assert "E-SME-2" in failure(db, input_schema_name="EVAL", input_table_or_view_name=scored_table,
                                problem_type="Regression")
    assert "E-SME-5" in failure(db, input_table_or_view_name=scored_table, positive_label="a",
                                **{**BINARY, "problem_type": "Regression"})
    assert "E-SME-2" in failure(db, input_table_or_view_name=scored_table, endpoint_name="ep")


@pytest.fixture(scope="module")
def recorded_endpoint(db):
    """An endpoint in the metadata whose prediction UDF was dropped (so scoring fails in the database)."""
    db.execute("""INSERT INTO SME.SME_METADATA_AUTOPILOT_JOBS (JOB_NAME, TARGET_ATTRIBUTE_NAME, PROBLEM_TYPE,
        COLUMN_NAMES, COLUMN_TYPES) VALUES ('job-1', 'CHURN', 'BinaryClassification', '["X","CHURN"]',
        '["DOUBLE","BOOLEAN"]')""")
    db.execute("""INSERT INTO SME.SME_METADATA_AUTOPILOT_ENDPOINTS (ENDPOINT_NAME, JOB_NAME, UDF_SCHEMA_NAME,
        UDF_NAME, PROBLEM_TYPE, STATUS) VALUES ('ep-1', 'job-1', 'EVAL', 'ep-1', 'BinaryClassification',
        'deployed')""")
    load(db, "TO_SCORE", [("X", "DOUBLE"), ("CHURN", "BOOLEAN"), ("NAME", "VARCHAR(5)")], [(1.0, True, "a")])
    return "ep-1"


SCORE = {"input_schema_name": "EVAL", "input_table_or_view_name": "TO_SCORE"}


def test_scoring_through_an_unknown_endpoint_is_refused(db, recorded_endpoint):
    assert "E-SME-82" in failure(db, endpoint_name="ep-2", output_table_name="OUT", **SCORE)


def test_scoring_checks_label_and_features_before_it_creates_anything(db, recorded_endpoint):
    assert "E-SME-80" in failure(db, endpoint_name=recorded_endpoint, output_table_name="OUT",
                                 label_column="NAME", **SCORE)
    load(db, "NO_FEATURE", [("CHURN", "BOOLEAN")], [(True,)])
    message = failure(db, endpoint_name=recorded_endpoint, output_table_name="OUT", input_schema_name="EVAL",
                      input_table_or_view_name="NO_FEATURE")
    assert "E-SME-78" in message and '"X"' in message
    assert "E-SME-84" in failure(db, endpoint_name=recorded_endpoint, output_table_name="LABELLED", **SCORE)
    assert "E-SME-5" in failure(db, endpoint_name=recorded_endpoint, output_table_name="OUT",
                                problem_type="Regression", **SCORE)
    assert db.execute("SELECT COUNT(*) FROM SYS.EXA_ALL_TABLES WHERE TABLE_NAME = 'OUT'").fetchone()[0] == 0


def test_a_scoring_failure_keeps_the_database_message(db, recorded_endpoint):
    message = failure(db, endpoint_name=recorded_endpoint, output_table_name="OUT", **SCORE)
    assert "E-SME-85" in message and "ep-1" in message
