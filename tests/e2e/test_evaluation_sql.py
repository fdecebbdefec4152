"""The metric SQL of the tutorial against sklearn, on the Exasol emulator alone (no training, fast).

Scores are drawn from a coarse grid so that ties occur: the rank-sum AUC must give tied scores their average
rank, exactly as sklearn's trapezoidal ROC AUC does."""

import random

import pyexasol
import pytest
from exasol_emulator.api import Emulator
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score

from sme_local.evaluation import ScoredRows, binary_classification_metrics_sql


@pytest.fixture(scope="module")
def connection(tmp_path_factory):
    with Emulator(tmp_path_factory.mktemp("evaluation"), port=0, bucketfs_port=None) as emulator:
        with pyexasol.connect(dsn=emulator.dsn, user=emulator.user, password=emulator.password) as connection:
            yield connection


def _load(connection, rows):
    connection.execute('CREATE SCHEMA IF NOT EXISTS "EVAL"')
    connection.execute('CREATE OR REPLACE TABLE "EVAL"."SCORES" ("ROW_KEY" DECIMAL(9,0), "PROBABILITY" DOUBLE, '
                       '"PREDICTIONS" BOOLEAN)')
    connection.execute('CREATE OR REPLACE TABLE "EVAL"."TRUTH" ("ID" DECIMAL(9,0), "LABEL" BOOLEAN)')
    for key, probability, predicted, actual in rows:
        connection.execute("INSERT INTO \"EVAL\".\"SCORES\" VALUES ({k}, {p!r}, {b})".format(
            k=key, p=probability, b="TRUE" if predicted else "FALSE"))
        connection.execute(f'INSERT INTO "EVAL"."TRUTH" VALUES ({key}, {"TRUE" if actual else "FALSE"})')


def _metrics(connection):
    sql = binary_classification_metrics_sql(ScoredRows("EVAL", "SCORES", "ROW_KEY", "TRUTH", "ID", "LABEL"))
    names = ("ACCURACY", "PRECISION", "RECALL", "AUC")
    return dict(zip(names, connection.execute(sql).fetchone()))


def test_metrics_match_sklearn_with_ties(connection):
    generator = random.Random(7)
    rows = []
    for key in range(60):
        positive_score = generator.choice([0.1, 0.3, 0.5, 0.7, 0.9])
        actual = generator.random() < positive_score
        predicted = positive_score >= 0.5
        probability = positive_score if predicted else 1 - positive_score
        rows.append((key, probability, predicted, actual))
    _load(connection, rows)

    metrics = _metrics(connection)

    truth = [r[3] for r in rows]
    predicted = [r[2] for r in rows]
    positive_scores = [r[1] if r[2] else 1 - r[1] for r in rows]
    assert metrics["ACCURACY"] == pytest.approx(accuracy_score(truth, predicted))
    assert metrics["PRECISION"] == pytest.approx(precision_score(truth, predicted))
    assert metrics["RECALL"] == pytest.approx(recall_score(truth, predicted))
    assert metrics["AUC"] == pytest.approx(roc_auc_score(truth, positive_scores))


def test_undefined_precision_is_null_not_an_error(connection):
    _load(connection, [(1, 0.8, False, True), (2, 0.6, False, False)])

    metrics = _metrics(connection)

    assert metrics["PRECISION"] is None
    assert metrics["RECALL"] == 0.0
    assert metrics["ACCURACY"] == 0.5
    assert metrics["AUC"] == pytest.approx(roc_auc_score([True, False], [0.2, 0.4]))
