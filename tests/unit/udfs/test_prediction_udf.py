"""PredictionUdf run through exasol-udf-mock-python, talking to a real HTTP endpoint on 127.0.0.1.

Harness work-arounds for the mock's limitations (runtime notes §3), kept here and out of the product:
the script text is the generated adapter (set as ``_script_code``), ``default_output_columns`` is asked of the
script's globals first because the mock cannot, and its answer becomes the mock's output columns.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from exasol_udf_mock_python.column import Column
from exasol_udf_mock_python.connection import Connection
from exasol_udf_mock_python.group import Group
from exasol_udf_mock_python.mock_exa_environment import MockExaEnvironment
from exasol_udf_mock_python.mock_meta_data import MockMetaData
from exasol_udf_mock_python.udf_mock_executor import UDFMockExecutor

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "autopilot"))
from stub_sagemaker_runtime import StubEndpoint, first_field_as_label  # noqa: E402

from exasol_sagemaker_extension.errors import SmeError  # noqa: E402

MODEL_CONNECTION = "SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_CHURN_EP"
_EMITS_ITEM = re.compile(r'"((?:[^"]|"")*)" ([A-Z]+(?:\(\d+(?:,\d+)?\))?(?: UTF8| ASCII)?)')


def _python_type(sql_type: str) -> type:
    if sql_type.startswith("DECIMAL"):
        return int if sql_type.endswith(",0)") else Decimal
    for prefix, kind in (("DOUBLE", float), ("BOOLEAN", bool), ("VARCHAR", str), ("CHAR", str), ("DATE", date)):
        if sql_type.startswith(prefix):
            return kind
    return datetime


def _script(config: dict) -> str:
    return (
        "from exasol_sagemaker_extension.udfs.prediction import PredictionUdf\n"
        f"_udf = PredictionUdf(exa, {json.dumps(json.dumps(config))})\n"
        "run = _udf.run\n"
        "default_output_columns = _udf.default_output_columns\n"
    )


def _config(problem_type: str, features: list[tuple[str, str]], target_type: str) -> dict:
    return {
        "endpoint_name": "churn-ep",
        "model_connection_name": MODEL_CONNECTION,
        "problem_type": problem_type,
        "feature_columns": [{"name": n, "sql_type": t} for n, t in features],
        "target": {"name": "CHURN", "sql_type": target_type},
    }


def _connections(status: str = "deployed", **overrides) -> dict[str, Connection]:
    model = {
        "aws_credentials_connection_name": "AWS_CONN",
        "aws_region": "eu-central-1",
        "aws_assume_role_arn": None,
        "aws_assume_role_external_id": None,
        "endpoint_name": "churn-ep",
        "job_name": "churnjob",
        "problem_type": "BinaryClassification",
        "status": status,
        "serverless": False,
        "max_rows_per_request": None,
        "max_requests_in_flight": None,
    } | overrides
    return {
        MODEL_CONNECTION: Connection(json.dumps(model)),
        "AWS_CONN": Connection("https://bucket.s3.eu-central-1.amazonaws.com", "AKIDSTUB", "stub-secret-key"),
    }


def _meta(script: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]]) -> MockMetaData:
    meta = MockMetaData(
        script_code_wrapper_function=None,
        input_type="SET",
        input_columns=[Column(name, _python_type(sql), sql) for name, sql in inputs],
        output_type="EMITS",
        output_columns=[Column(name, _python_type(sql), sql) for name, sql in outputs],
    )
    meta._script_code = script
    return meta


def _default_output_columns(script: str, inputs, connections) -> str:
    exa = MockExaEnvironment(_meta(script, inputs, []), connections)
    namespace = {"exa": exa}
    exec(compile(script, "udf", "exec"), namespace)
    return namespace["default_output_columns"]()


def _run(config: dict, inputs, groups, connections=None) -> tuple[str, list[list[tuple]]]:
    connections = connections or _connections()
    script = _script(config)
    emits = _default_output_columns(script, inputs, connections)
    outputs = [(name.replace('""', '"'), sql) for name, sql in _EMITS_ITEM.findall(emits)]
    exa = MockExaEnvironment(_meta(script, inputs, outputs), connections)
    result = UDFMockExecutor().run([Group(rows) for rows in groups], exa)
    return emits, [[tuple(map(_as_exasol_value, row)) for row in group.rows] for group in result]


def _as_exasol_value(value):
    """The mock hands emitted datetime64 columns back as Timestamp/NaT; Exasol stores them as datetime/NULL."""
    if value is pd.NaT:
        return None
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


@pytest.fixture
def endpoint(monkeypatch):
    """The stub endpoint, reached the way the emulator reaches AWS: through AWS_ENDPOINT_URL."""
    def responder(name: str, body: bytes) -> bytes:
        return responder.answer(name, body)

    responder.answer = first_field_as_label
    with StubEndpoint(responder=responder) as stub:
        monkeypatch.setenv("AWS_ENDPOINT_URL", stub.url)
        stub.respond = lambda answer: setattr(responder, "answer", answer)
        yield stub


FEATURES = [
    ("ID", "DECIMAL(18,0)"),
    ("PRICE", "DECIMAL(10,2)"),
    ("SCORE", "DOUBLE"),
    ("NOTE", "VARCHAR(50) UTF8"),
    ("ACTIVE", "BOOLEAN"),
    ("SINCE", "DATE"),
    ("SEEN", "TIMESTAMP(3)"),
]
ROWS = [
    (1, Decimal("85.50"), 1.5, "a,b", True, date(2020, 1, 1), datetime(2020, 1, 1, 10, 0, 0, 500000)),
    (2, None, None, 'say "hi"', None, None, None),
    (3, Decimal("-0.01"), 1e20, None, False, date(1999, 12, 31), datetime(2038, 1, 19, 3, 14, 7)),
]


def test_regression_echoes_features_exactly_and_sends_exasol_csv(endpoint):
    config = _config("Regression", FEATURES, "DECIMAL(18,0)")
    emits, groups = _run(config, FEATURES, [ROWS])
    assert emits == ", ".join(f'"{n}" {t}' for n, t in FEATURES) + ', "PREDICTIONS" DECIMAL(18,0)'
    assert groups == [[row + (row[0],) for row in ROWS]]
    for emitted, sent in zip(groups[0], ROWS):  # exact types: NULL integers stay int/None, never float/NaN
        assert [type(v) for v in emitted] == [type(v) for v in sent + (sent[0],)]
    assert endpoint.state.bodies == [
        b'1,85.5,1.5,"a,b",1,2020-01-01,2020-01-01 10:00:00.500000\n'
        b'2,,,"say ""hi""",,,\n'
        b"3,-0.01,1e+20,,0,1999-12-31,2038-01-19 03:14:07.000000\n"
    ]


def test_row_keys_pass_through_and_binary_labels_are_cast_to_boolean(endpoint):
    endpoint.respond(lambda name, body: b"".join(
        (b"true,0.8\n" if line.startswith(b"1") else b"0,0.65\n") for line in body.split(b"\n")[:-1]
    ))
    features = [("F1", "DECIMAL(9,0)"), ("F2", "VARCHAR(10) UTF8")]
    inputs = [("K1", "DECIMAL(18,0)"), ("K2", "VARCHAR(20) UTF8")] + features
    rows = [(None, "x", 1, "a"), (7, None, 2, "b"), (8, "z", 10, None)]
    emits, groups = _run(_config("BinaryClassification", features, "BOOLEAN"), inputs, [rows])
    assert emits == (
        '"ROW_KEY_1" DECIMAL(18,0), "ROW_KEY_2" VARCHAR(20) UTF8, "F1" DECIMAL(9,0), "F2" VARCHAR(10) UTF8, '
        '"PROBABILITY" DOUBLE, "PREDICTIONS" BOOLEAN'
    )
    assert groups == [[(None, "x", 1, "a", 0.8, True), (7, None, 2, "b", 0.65, False), (8, "z", 10, None, 0.8, True)]]
    assert [type(row[0]) for row in groups[0]] == [type(None), int, int]
    assert endpoint.state.bodies == [b"1,a\n2,b\n10,\n"]


def test_one_row_key_is_called_row_key_and_multiclass_adds_probabilities(endpoint):
    endpoint.respond(lambda name, body: b"".join(
        b'"x, y",0.7,"[0.7, 0.3]","[\'x, y\', \'z\']"\n' for _ in body.split(b"\n")[:-1]
    ))
    features = [("F1", "DOUBLE")]
    emits, groups = _run(_config("MulticlassClassification", features, "VARCHAR(10) UTF8"),
                         [("ID", "DECIMAL(18,0)")] + features, [[(1, 0.5), (2, 0.25)]])
    assert emits.startswith('"ROW_KEY" DECIMAL(18,0), "F1" DOUBLE, "PROBABILITY" DOUBLE, "PROBABILITIES" VARCHAR')
    assert emits.endswith('"PREDICTIONS" VARCHAR(10) UTF8')
    for row in groups[0]:
        assert row[2] == 0.7 and json.loads(row[3]) == {"x, y": 0.7, "z": 0.3} and row[4] == "x, y"


def test_timestamp_key_and_timestamp_target_of_a_multiclass_model_stay_timestamps(endpoint):
    """The timestamp positions are derived once per VM; PROBABILITY and PROBABILITIES sit between them."""
    endpoint.respond(lambda name, body: b"".join(
        b'2026-01-02 03:04:05.000000,0.6,"[0.6, 0.4]","[\'2026-01-02 03:04:05.000000\', \'2026-01-03 00:00:00\']"\n'
        for _ in body.split(b"\n")[:-1]
    ))
    features = [("F1", "DOUBLE")]
    emits, groups = _run(_config("MulticlassClassification", features, "TIMESTAMP(3)"),
                         [("SEEN", "TIMESTAMP(3)")] + features, [[(datetime(2025, 5, 6, 7, 8, 9), 0.5)]])
    assert emits.endswith('"PROBABILITY" DOUBLE, "PROBABILITIES" VARCHAR(2000000) UTF8, "PREDICTIONS" TIMESTAMP(3)')
    (row,) = groups[0]
    assert row[0] == datetime(2025, 5, 6, 7, 8, 9) and row[1] == 0.5 and row[2] == 0.6
    assert json.loads(row[3]) == {"2026-01-02 03:04:05.000000": 0.6, "2026-01-03 00:00:00": 0.4}
    assert row[4] == datetime(2026, 1, 2, 3, 4, 5)


def test_several_groups_and_chunks_keep_every_row_in_order(endpoint):
    features = [("ID", "DECIMAL(18,0)")]
    groups_in = [[(i,) for i in range(start, start + 60)] for start in (0, 1000)]
    connections = _connections(max_rows_per_request=3, max_requests_in_flight=2)  # 6 rows per get_dataframe
    _, groups = _run(_config("Regression", features, "DOUBLE"), features, groups_in, connections)
    assert groups == [[(i, float(i)) for i in range(start, start + 60)] for start in (0, 1000)]
    assert len(endpoint.state.bodies) == 40 and all(body.count(b"\n") == 3 for body in endpoint.state.bodies)


class _RecordingContext:
    """A SET UDF's ctx over one group of IDs that logs each get_dataframe and emit, to see their order."""

    def __init__(self, ids: list[int], log: list[tuple[str, int]]) -> None:
        self._ids, self._log = ids, log
        self.emitted: list[tuple] = []

    def get_dataframe(self, num_rows, start_col=0):
        if not self._ids:
            return None
        chunk, self._ids = self._ids[:num_rows], self._ids[num_rows:]
        self._log.append(("read", chunk[0]))
        return pd.DataFrame({"ID": chunk})

    def emit(self, frame):
        self._log.append(("emit", int(frame.iloc[0, 0])))
        self.emitted += list(frame.itertuples(index=False, name=None))


def test_the_next_chunk_is_read_and_sent_before_the_previous_one_is_emitted(endpoint):
    """The endpoint keeps working while the UDF reads, encodes and emits: chunk N+1 is read (and its requests
    queued) before chunk N is emitted, and every row still comes out once, in order."""
    features = [("ID", "DECIMAL(18,0)")]
    connections = _connections(max_rows_per_request=3, max_requests_in_flight=2)  # 6 rows per get_dataframe
    script = _script(_config("Regression", features, "DOUBLE"))
    namespace = {"exa": MockExaEnvironment(_meta(script, features, []), connections)}
    exec(compile(script, "udf", "exec"), namespace)
    log: list[tuple[str, int]] = []
    ctx = _RecordingContext(list(range(15)), log)
    namespace["run"](ctx)
    assert log == [("read", 0), ("read", 6), ("emit", 0), ("read", 12), ("emit", 6), ("emit", 12)]
    assert ctx.emitted == [(i, float(i)) for i in range(15)]
    assert len(endpoint.state.bodies) == 5


def test_timestamps_outside_pandas_range_are_emitted_row_by_row(endpoint):
    features = [("ID", "DECIMAL(18,0)"), ("SEEN", "TIMESTAMP(3)")]
    rows = [(1, datetime(1500, 1, 1)), (2, None)]
    _, groups = _run(_config("Regression", features, "DECIMAL(18,0)"), features, [rows])
    assert groups == [[(1, datetime(1500, 1, 1), 1), (2, None, 2)]]


def test_a_deleted_endpoint_fails_clearly(endpoint):
    features = [("ID", "DECIMAL(18,0)")]
    with pytest.raises(SmeError) as error:
        _run(_config("Regression", features, "DOUBLE"), features, [[(1,)]], _connections(status="deleted"))
    assert error.value.code == "E-SME-242" and "'churn-ep' was deleted" in error.value.message
    assert "SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT" in error.value.mitigations[0]
    assert endpoint.state.bodies == []


def test_a_missing_model_connection_fails_clearly(endpoint):
    features = [("ID", "DECIMAL(18,0)")]
    connections = _connections()
    del connections[MODEL_CONNECTION]
    with pytest.raises(SmeError) as error:
        _run(_config("Regression", features, "DOUBLE"), features, [[(1,)]], connections)
    assert error.value.code == "E-SME-241" and MODEL_CONNECTION in error.value.message


def test_fewer_arguments_than_features_is_an_error():
    features = [("A", "DOUBLE"), ("B", "DOUBLE")]
    script = _script(_config("Regression", features, "DOUBLE"))
    with pytest.raises(SmeError) as error:
        _default_output_columns(script, [("A", "DOUBLE")], _connections())
    assert error.value.code == "E-SME-243" and "A, B" in error.value.message


def test_a_broken_config_is_an_error():
    exa = MockExaEnvironment(_meta("", [("A", "DOUBLE")], []), _connections())
    from exasol_sagemaker_extension.udfs.prediction import PredictionUdf

    for text in ["{", json.dumps({"endpoint_name": "x"}), json.dumps(_config("Regression", [], "DOUBLE"))]:
        with pytest.raises(SmeError) as error:
            PredictionUdf(exa, text)
        assert error.value.code == "E-SME-240"


def test_secrets_of_the_aws_connection_never_reach_an_error(endpoint):
    features = [("ID", "DECIMAL(18,0)")]
    endpoint.state.failures.append(
        __import__("stub_sagemaker_runtime").Failure(424, "ModelError", "bad row", original_status=400)
    )
    with pytest.raises(SmeError) as error:
        _run(_config("Regression", features, "DOUBLE"), features, [[(1,)]])
    assert error.value.code == "E-SME-154" and "stub-secret-key" not in str(error.value)


def test_an_endpoint_answering_json_lines_gets_json_lines_requests(endpoint):
    """A UDF made by SME_CREATE_ENDPOINT_UDF for an endpoint that wants JSON: dense {"features": [...]} rows in,
    one object per row out, the values read by the keys of its response layout."""
    def answer(name, body):
        rows = [json.loads(line)["features"] for line in body.decode().splitlines()]
        return "".join(json.dumps({"class": "yes" if row[0] else "no", "p": 0.75, "scores": [0.25, 0.75],
                                   "names": ["no", "yes"]}) + "\n" for row in rows).encode()

    endpoint.respond(answer)
    features = [("ACTIVE", "BOOLEAN"), ("NOTE", "VARCHAR(50) UTF8"), ("PRICE", "DECIMAL(10,2)")]
    config = _config("MulticlassClassification", features, "VARCHAR(3) UTF8") | {"response": {
        "format": "application/jsonlines", "label": "class", "probability": "p", "probabilities": "scores",
        "labels": "names"}}
    emits, groups = _run(config, [("ID", "DECIMAL(18,0)")] + features,
                         [[(1, True, 'a "b"', Decimal("1.50")), (2, False, None, None)]])
    assert emits.endswith('"PROBABILITY" DOUBLE, "PROBABILITIES" VARCHAR(2000000) UTF8, "PREDICTIONS" VARCHAR(3) UTF8')
    assert [(row[0], row[4], json.loads(row[5]), row[6]) for row in groups[0]] == [
        (1, 0.75, {"no": 0.25, "yes": 0.75}, "yes"), (2, 0.75, {"no": 0.25, "yes": 0.75}, "no")]
    assert endpoint.state.bodies == [b'{"features": [true, "a \\"b\\"", 1.5]}\n{"features": [false, null, null]}\n']
    assert endpoint.state.media_types == [("application/jsonlines", "application/jsonlines")]


def test_an_endpoint_answering_csv_in_its_own_order(endpoint):
    endpoint.respond(lambda name, body: b"".join(b"0.9,x,true\n" for _ in body.split(b"\n")[:-1]))
    features = [("F1", "DOUBLE")]
    config = _config("BinaryClassification", features, "BOOLEAN") | {"response": {
        "format": "text/csv", "label": 3, "probability": 1}}
    _, groups = _run(config, features, [[(0.5,), (1.5,)]])
    assert groups == [[(0.5, 0.9, True), (1.5, 0.9, True)]]
    assert endpoint.state.media_types == [("text/csv", "text/csv")]


def test_an_answer_the_predictions_type_cannot_hold_names_the_row(endpoint):
    endpoint.respond(lambda name, body: b"".join(
        (b"True.\n" if line.startswith(b"3") else b"no\n") for line in body.split(b"\n")[:-1]))
    features = [("F1", "DECIMAL(9,0)")]
    config = _config("Regression", features, "VARCHAR(3) UTF8") | {"response": {"format": "text/csv", "label": 1}}
    with pytest.raises(SmeError) as caught:
        _run(config, features, [[(1,), (2,), (3,)]])
    assert caught.value.code == "E-SME-161" and "'True.' in row 3" in caught.value.message


@pytest.mark.parametrize("response", [
    {"format": "application/json", "label": "x"},
    {"format": "text/csv", "label": "predicted_label"},
    {"format": "text/csv", "label": 0},
    {"format": "text/csv", "label": 1, "probability": 2},
    {"format": "application/jsonlines"},
])
def test_an_unreadable_response_layout_is_reported(endpoint, response):
    config = _config("Regression", [("F1", "DOUBLE")], "DOUBLE") | {"response": response}
    with pytest.raises(SmeError) as caught:
        _run(config, [("F1", "DOUBLE")], [[(1.0,)]])
    assert caught.value.code == "E-SME-240" and "response layout" in caught.value.message
