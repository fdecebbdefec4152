"""Parsing inference responses: Autopilot's text/csv answers, and other layouts (CSV positions, JSON Lines keys)."""

from __future__ import annotations

import json

import pytest

from exasol_sagemaker_extension.autopilot.inference_response import (
    BINARY_CLASSIFICATION,
    MULTICLASS_CLASSIFICATION,
    REGRESSION,
    Predictions,
    RowRange,
    concat_predictions,
    normalise_problem_type,
    parse_response,
)
from exasol_sagemaker_extension.autopilot.response_layout import (
    CSV,
    JSON_LINES,
    ResponseLayout,
    autopilot_layout,
    layout_from_config,
)
from exasol_sagemaker_extension.errors import SmeError

ROWS_1_TO_3 = RowRange("churn-ep", 1, 3)


def test_regression_is_one_number_per_line_crlf_tolerated():
    result = parse_response(b"1.5\r\n-2e-05\r\n7\r\n", autopilot_layout(REGRESSION), ROWS_1_TO_3)
    assert result == Predictions(["1.5", "-2e-05", "7"])


def test_binary_classification_keeps_quoted_labels_whole():
    body = b'True.,0.91\n"no, never",0.6\n"say ""x""",0.5\n'
    result = parse_response(body, autopilot_layout(BINARY_CLASSIFICATION), ROWS_1_TO_3)
    assert result.labels == ["True.", "no, never", 'say "x"']
    assert result.probability == [0.91, 0.6, 0.5]
    assert all(type(p) is float for p in result.probability)
    assert result.probabilities is None


def test_multiclass_builds_a_label_to_probability_object_with_awkward_labels():
    body = (
        "\"a, b\",0.7,\"[0.7, 0.2, 0.1]\",\"['a, b', \"\"it's\"\", 'c\"\"d']\"\n"
        "c\"d,0.5,\"[0.25, 0.25, 0.5]\",\"['a, b', \"\"it's\"\", 'c\"\"d']\"\n"
    ).encode()
    result = parse_response(body, autopilot_layout(MULTICLASS_CLASSIFICATION), RowRange("ep", 10, 11))
    assert result.labels == ["a, b", 'c"d']
    assert result.probability == [0.7, 0.5]
    assert [json.loads(p) for p in result.probabilities] == [
        {"a, b": 0.7, "it's": 0.2, 'c"d': 0.1},
        {"a, b": 0.25, "it's": 0.25, 'c"d': 0.5},
    ]


def test_multiclass_numeric_labels_become_json_keys():
    result = parse_response(b'2,0.8,"[0.1, 0.1, 0.8]","[0, 1, 2]"\n', autopilot_layout(MULTICLASS_CLASSIFICATION), RowRange("ep", 1, 1))
    assert json.loads(result.probabilities[0]) == {"0": 0.1, "1": 0.1, "2": 0.8}


@pytest.mark.parametrize("body", [b"1\n2\n", b"1\n2\n3\n4\n", b""])
def test_a_row_count_mismatch_names_endpoint_and_rows(body):
    with pytest.raises(SmeError) as error:
        parse_response(body, autopilot_layout(REGRESSION), RowRange("churn-ep", 1001, 1003))
    assert error.value.code == "E-SME-156"
    assert "rows 1001..1003" in error.value.message and "'churn-ep'" in error.value.message


@pytest.mark.parametrize(
    ("body", "problem_type"),
    [
        (b"a,0.5\nb\nc,0.1\n", BINARY_CLASSIFICATION),
        (b"a,high\nb,0.5\nc,0.1\n", BINARY_CLASSIFICATION),
        (b"a,nan\nb,0.5\nc,0.1\n", BINARY_CLASSIFICATION),
        (b'a,0.5,"[0.5]","[\'a\', \'b\']"\n' * 3, MULTICLASS_CLASSIFICATION),
        (b'a,0.5,"[0.5, x]","[\'a\', \'b\']"\n' * 3, MULTICLASS_CLASSIFICATION),
        (b'a,0.5,"[0.5, 0.5]","__import__(\'os\')"\n' * 3, MULTICLASS_CLASSIFICATION),
        (b"\xff\xfe\n1\n2\n", REGRESSION),
    ],
)
def test_malformed_answers_are_errors(body, problem_type):
    with pytest.raises(SmeError) as error:
        parse_response(body, autopilot_layout(problem_type), ROWS_1_TO_3)
    assert error.value.code == "E-SME-157" and "'churn-ep'" in error.value.message


def test_concat_keeps_request_order():
    parts = [Predictions(["a"], [0.1], None), Predictions(["b", "c"], [0.2, 0.3], None)]
    assert concat_predictions(parts) == Predictions(["a", "b", "c"], [0.1, 0.2, 0.3], None)


def test_problem_types_are_matched_case_insensitively_and_unknown_ones_rejected():
    assert normalise_problem_type("binaryclassification") == BINARY_CLASSIFICATION
    with pytest.raises(SmeError) as error:
        normalise_problem_type("Clustering")
    assert error.value.code == "E-SME-164"


def test_json_lines_values_are_read_by_key_whatever_their_json_type():
    layout = ResponseLayout(JSON_LINES, label="label", probability="score", probabilities="scores", labels="classes")
    body = (b'{"label": 1, "score": "0.5", "scores": [0.5, 0.5], "classes": [0, 1]}\n\n'
            b'{"label": true, "score": 0.25, "scores": [0.75, 0.25], "classes": ["a", "b"], "extra": null}\n'
            b'{"label": null, "score": 1, "scores": [1], "classes": ["x"]}\n')
    result = parse_response(body, layout, ROWS_1_TO_3)
    assert result.labels == ["1", "true", ""]
    assert result.probability == [0.5, 0.25, 1.0]
    assert [json.loads(p) for p in result.probabilities] == [{"0": 0.5, "1": 0.5}, {"a": 0.75, "b": 0.25}, {"x": 1.0}]


def test_csv_values_are_read_at_their_positions_and_extra_fields_are_ignored():
    layout = ResponseLayout(CSV, label=3, probability=1)
    result = parse_response(b"0.9,x,yes,more\n0.1,y,no\n0.5,z,maybe\n", layout, ROWS_1_TO_3)
    assert result == Predictions(["yes", "no", "maybe"], [0.9, 0.1, 0.5])


@pytest.mark.parametrize(("layout", "body", "reason"), [
    (ResponseLayout(CSV, label=3), b"a,b,c\na,b\na,b,c\n", "2 fields, but the layout reads field 3"),
    (ResponseLayout(JSON_LINES, label="label"), b'{"label": 1}\n{"other": 2}\n{"label": 3}\n', "no key 'label'"),
    (ResponseLayout(JSON_LINES, label="label"), b'{"label": 1}\n[2]\n{"label": 3}\n', "not a JSON object"),
    (ResponseLayout(JSON_LINES, label="label"), b'{"label": 1}\n{"label": \n{"label": 3}\n', "not JSON"),
])
def test_answers_that_do_not_fit_the_layout_name_the_row(layout, body, reason):
    with pytest.raises(SmeError) as error:
        parse_response(body, layout, ROWS_1_TO_3)
    assert error.value.code == "E-SME-157" and "row 2 of the rows 1..3" in error.value.message
    assert reason in error.value.message


def test_layout_from_config_defaults_to_autopilot_and_checks_the_problem_type():
    assert layout_from_config(None, BINARY_CLASSIFICATION) == autopilot_layout(BINARY_CLASSIFICATION)
    layout = layout_from_config({"format": JSON_LINES, "label": "predicted_label"}, REGRESSION)
    assert layout == ResponseLayout(JSON_LINES, label="predicted_label")
    with pytest.raises(SmeError) as error:
        layout_from_config({"format": CSV, "label": 1}, BINARY_CLASSIFICATION)
    assert error.value.code == "E-SME-240"
