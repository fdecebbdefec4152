"""Binary classification end to end: the tutorial itself, run on the session's stack, then checked row by row."""

import pytest

from sme_local.churn_tutorial import KEY, TARGET, ChurnTutorial, TutorialSettings
from sme_local.datasets import CHURN

pytestmark = pytest.mark.slow

SCHEMA = "CHURN_E2E"
BASE_RATE_OF_NO_CHURN = 0.855  # 85.5% of churn.csv are "False." (SOURCES.md)


@pytest.fixture(scope="module", params=[1, 3], ids=["one-node", "three-nodes"])
def e2e_stack(request, e2e_stack):
    """The whole flow on a one-node and on a three-node database: scoring with GROUP BY IPROC() then runs one
    UDF instance per node; every check below holds on both."""
    return e2e_stack if request.param == 1 else request.getfixturevalue("e2e_stack_three_nodes")


@pytest.fixture(scope="module")
def tutorial_result(e2e_stack):
    settings = TutorialSettings(data_dir=e2e_stack.data_dir, schema=SCHEMA,
                                extension_schema=e2e_stack.extension_schema,
                                connection_name=e2e_stack.connection_name,
                                job_timeout_seconds=e2e_stack.job_timeout_seconds, install_locally=False)
    return ChurnTutorial(e2e_stack.description, settings, print).run()


def test_the_model_beats_guessing_the_majority(tutorial_result):
    metrics = tutorial_result.metrics
    assert tutorial_result.train_rows + tutorial_result.test_rows == 3333
    assert 0.15 < tutorial_result.test_rows / 3333 < 0.25
    assert metrics["ROC_AUC"] > 0.75
    assert metrics["ACCURACY"] > BASE_RATE_OF_NO_CHURN


def test_the_tutorial_shows_the_best_candidates_top_features_from_its_report(tutorial_result):
    names = [name for name, _ in tutorial_result.top_features]
    importances = [importance for _, importance in tutorial_result.top_features]
    assert len(names) == 5 and set(names) <= {c.name for c in CHURN.columns} - {KEY, TARGET}
    assert importances == sorted(importances, reverse=True) and importances[0] > 0


def test_every_held_back_customer_is_scored_once_with_its_own_features(tutorial_result, console):
    joined = console.rows(f'''SELECT COUNT(*), COUNT(DISTINCT S."ROW_KEY"),
        SUM(CASE WHEN S."DAY_MINS" = T."DAY_MINS" AND S."INTL_PLAN" = T."INTL_PLAN" THEN 1 ELSE 0 END)
        FROM "{SCHEMA}"."CHURN_SCORES" S JOIN "{SCHEMA}"."CHURN_TEST" T ON S."ROW_KEY" = T."{KEY}"''')[0]
    assert [int(value) for value in joined] == [tutorial_result.test_rows] * 3


def test_the_test_rows_are_spread_over_every_node(tutorial_result, console, e2e_stack):
    nodes = e2e_stack.description.db_nodes
    assert console.rows("SELECT NPROC()")[0][0] == nodes
    per_node = console.rows(f'SELECT IPROC(), COUNT(*) FROM "{SCHEMA}"."CHURN_TEST" GROUP BY IPROC()')
    assert sorted(int(node) for node, _ in per_node) == list(range(nodes))
    assert sum(int(count) for _, count in per_node) == tutorial_result.test_rows


def _column_types(console, table):
    return console.rows(f"""SELECT COLUMN_NAME, COLUMN_TYPE FROM SYS.EXA_ALL_COLUMNS
        WHERE COLUMN_SCHEMA = '{SCHEMA}' AND COLUMN_TABLE = '{table}' ORDER BY COLUMN_ORDINAL_POSITION""")


def test_the_output_columns_keep_the_input_types_in_the_documented_order(tutorial_result, console):
    input_types = dict(_column_types(console, "CHURN_TEST"))
    features = [c.name for c in CHURN.columns if c.name not in (KEY, TARGET)]

    assert _column_types(console, "CHURN_SCORES") == [
        ("ROW_KEY", input_types[KEY]), *[(name, input_types[name]) for name in features],
        ("PROBABILITY", "DOUBLE"), ("PREDICTIONS", input_types[TARGET])]


def test_create_table_as_select_keeps_the_varchar_length(tutorial_result, console):
    assert dict(_column_types(console, "CHURN_TEST"))[KEY] == "VARCHAR(8) UTF8"


def test_the_deleted_endpoint_is_recorded_as_deleted(tutorial_result, console):
    rows = console.records(f'''SELECT STATUS, DELETED_AT, UDF_SCHEMA_NAME FROM "SME"."SME_AUTOPILOT_ENDPOINTS"
        WHERE ENDPOINT_NAME = '{tutorial_result.endpoint_name}' ''')
    assert len(rows) == 1
    assert rows[0]["STATUS"] == "deleted" and rows[0]["DELETED_AT"] is not None
    assert rows[0]["UDF_SCHEMA_NAME"] == SCHEMA


def test_reconciliation_tracks_the_job_and_removes_an_orphan_left_in_sagemaker(tutorial_result, e2e_stack, calls):
    sagemaker = e2e_stack.aws_client("sagemaker")
    job = tutorial_result.job_name
    role = sagemaker.describe_auto_ml_job_v2(AutoMLJobName=job)["RoleArn"]
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(
        ResourceArn=sagemaker.describe_auto_ml_job_v2(AutoMLJobName=job)["AutoMLJobArn"])["Tags"]}
    assert tags["exasol-sme:schema"] == e2e_stack.extension_schema and tags["exasol-sme:job"] == job
    # What a deployment that failed after CreateModel leaves behind: a tagged model without config or endpoint.
    sagemaker.create_model(ModelName="e2e-half-made-model", ExecutionRoleArn=role,
                           PrimaryContainer={"Image": "autopilot-e2e"},
                           Tags=[{"Key": k, "Value": v} for k, v in tags.items() if k.startswith("exasol-sme:")])

    listed = {(r["RESOURCE_TYPE"], r["RESOURCE_NAME"]): (r["VERDICT"], r["ACTION"]) for r in calls.reconcile()}
    assert listed[("AUTOML_JOB", job)] == ("TRACKED", "NONE")
    assert listed[("MODEL", "e2e-half-made-model")] == ("ORPHAN", "NONE")
    # the tutorial deleted its endpoint: neither it nor its config and model are left
    assert not [key for key in listed if key[0] != "AUTOML_JOB" and tutorial_result.endpoint_name in key[1]]

    removed = {(r["RESOURCE_TYPE"], r["RESOURCE_NAME"]): r["ACTION"] for r in calls.reconcile("delete_orphans")}
    assert removed[("MODEL", "e2e-half-made-model")] == "DELETED"
    assert "e2e-half-made-model" not in [m["ModelName"] for m in sagemaker.list_models()["Models"]]


def test_the_evaluation_script_equals_sklearn_on_the_scored_customers(tutorial_result, console):
    from sklearn import metrics as sk

    rows = console.rows(f'SELECT "{TARGET}", "PROBABILITY", "PREDICTIONS" FROM "{SCHEMA}"."CHURN_EVALUATION"')
    truth, predicted = [row[0] for row in rows], [row[2] for row in rows]
    score = [row[1] if row[2] else 1 - row[1] for row in rows]
    metrics = tutorial_result.metrics
    assert metrics["ROWS_EVALUATED"] == len(rows) == tutorial_result.test_rows
    for name, value in (("ACCURACY", sk.accuracy_score(truth, predicted)),
                        ("F1", sk.f1_score(truth, predicted, zero_division=0)),
                        ("ROC_AUC", sk.roc_auc_score(truth, score)),
                        ("LOG_LOSS", sk.log_loss(truth, score, labels=[False, True]))):
        assert metrics[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name
    stored = console.rows(f"""SELECT COUNT(DISTINCT RUN_ID), MAX(METRIC_VALUE) FROM "SME"."SME_EVALUATIONS"
        WHERE INPUT_SCHEMA_NAME = '{SCHEMA}' AND METRIC = 'ROC_AUC'""")[0]
    assert int(stored[0]) == 1 and stored[1] == pytest.approx(metrics["ROC_AUC"])
