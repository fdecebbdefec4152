"""The per-endpoint prediction UDF: ``SELECT s."EP"([k1, …, kK,] f1, …, fN) FROM t [GROUP BY …]``.

A SET UDF with dynamic input and output. Its generated script text (doc/developer_guide.md) is::

    _udf = PredictionUdf(exa, "<config json>")
    run = _udf.run
    default_output_columns = _udf.default_output_columns

The config (endpoint, model connection, problem type, feature and target names/types, and for UDFs of endpoints
the extension did not deploy the response layout) is baked into the script at deployment; everything that may change afterwards — credentials, region, role, the endpoint's
status, batching settings — is read from the model connection at run time, so that deleting the endpoint makes
the UDF fail with a clear "endpoint deleted" error rather than an obscure AWS one.

Leading arguments beyond the N features are row keys (K = input columns - N): echoed unchanged, never sent
to the model, so results can be joined back without training on a fake ID column.
"""

from __future__ import annotations

import json
from functools import cached_property
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from exasol_sagemaker_extension.autopilot.exasol_csv import FeatureColumn, encode_rows
from exasol_sagemaker_extension.autopilot.jsonlines_rows import encode_json_rows
from exasol_sagemaker_extension.autopilot.exasol_values import to_emit_values
from exasol_sagemaker_extension.autopilot.inference_response import (
    BINARY_CLASSIFICATION,
    MULTICLASS_CLASSIFICATION,
    normalise_problem_type,
)
from exasol_sagemaker_extension.autopilot.prediction import (
    PendingPredictions,
    PredictionClient,
    PredictionSettings,
    runtime_client,
)
from exasol_sagemaker_extension.autopilot.prediction_types import cast_predictions
from exasol_sagemaker_extension.autopilot.response_layout import JSON_LINES, ResponseLayout, layout_from_config
from exasol_sagemaker_extension.autopilot.sql_type import DOUBLE, TIMESTAMP, SqlType, parse_sql_type
from exasol_sagemaker_extension.errors import SmeError
from exasol_sagemaker_extension.installation.identifiers import quote_identifier
from exasol_sagemaker_extension.udfs.connection import session_from_exa
from exasol_sagemaker_extension.udfs.model_connection import read_model_connection

# Rows read per get_dataframe call = requests in flight × rows per request × this. One round is enough because
# the next chunk is queued before the previous one is emitted (``run``); a larger first chunk only delays the
# first request (measured in benchmarks/README.md).
_ROUNDS_PER_CHUNK = 1
_MAX_CHUNK_ROWS = 200_000
# Exasol's emit(DataFrame) takes timestamps only as datetime64[ns]; outside its range rows are emitted singly.
_NS_RANGE = (pd.Timestamp.min.ceil("us").to_pydatetime(), pd.Timestamp.max.floor("us").to_pydatetime())


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    sql_type: str


@dataclass(frozen=True)
class PredictionConfig:
    """The JSON the deployment baked into the script (or, for the old extension's UDFs, their declaration)."""

    endpoint_name: str
    model_connection_name: str
    problem_type: str
    features: tuple[ColumnSpec, ...]
    target: ColumnSpec
    probability_sql_type: str = "DOUBLE"  # the old extension's UDFs declared PROBABILITY DECIMAL(18,4)
    layout: ResponseLayout | None = None  # None: Autopilot's text/csv answer for the problem type

    @classmethod
    def from_json(cls, text: str) -> PredictionConfig:
        try:
            document = json.loads(text)
            features = tuple(ColumnSpec(str(c["name"]), str(c["sql_type"])) for c in document["feature_columns"])
            target = ColumnSpec(str(document["target"]["name"]), str(document["target"]["sql_type"]))
            problem_type = normalise_problem_type(document["problem_type"])
            config = cls(
                str(document["endpoint_name"]),
                str(document["model_connection_name"]),
                problem_type,
                features,
                target,
                layout=layout_from_config(document.get("response"), problem_type),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise SmeError(
                "E-SME-240",
                f"The configuration inside this prediction UDF is unreadable ({type(error).__name__}: {error}).",
                ["Redeploy the endpoint with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT to regenerate the UDF."],
            ) from None
        if not config.features:
            raise SmeError(
                "E-SME-240",
                "The configuration inside this prediction UDF lists no feature columns.",
                ["Redeploy the endpoint with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT to regenerate the UDF."],
            )
        return config


@dataclass(frozen=True)
class _Layout:
    """How the call's arguments split into K row keys and N features, with their declared SQL types."""

    key_types: tuple[SqlType | None, ...]
    feature_types: tuple[SqlType, ...]
    key_type_texts: tuple[str, ...]
    feature_type_texts: tuple[str, ...]
    timestamp_columns: tuple[int, ...]  # output positions emitted as datetime64 (keys, features, PREDICTIONS)


@dataclass(frozen=True)
class _Chunk:
    """One chunk read from the input: its rows, its features and its predictions on the way."""

    frame: pd.DataFrame
    features: list[FeatureColumn]
    pending: PendingPredictions
    first_row_number: int


class PredictionUdf:
    """Adapter between Exasol's ``exa``/``ctx`` and the autopilot prediction client."""

    def __init__(self, exa: Any, config: str | PredictionConfig) -> None:
        self._exa = exa
        self._config = config if isinstance(config, PredictionConfig) else PredictionConfig.from_json(config)
        self._target_type = parse_sql_type(self._config.target.sql_type)
        self._probability_type = parse_sql_type(self._config.probability_sql_type)
        self._client: PredictionClient | None = None
        self._chunk_rows = 0

    def default_output_columns(self) -> str:
        """The EMITS list for a call without an EMITS clause (answered before ``run``)."""
        layout = self._layout
        keys = len(layout.key_type_texts)
        key_names = ["ROW_KEY"] if keys == 1 else [f"ROW_KEY_{i}" for i in range(1, keys + 1)]
        columns = [f"{quote_identifier(name)} {sql}" for name, sql in zip(key_names, layout.key_type_texts)]
        columns += [
            f"{quote_identifier(feature.name)} {sql}" for feature, sql in zip(self._config.features, layout.feature_type_texts)
        ]
        if self._config.problem_type in (BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION):
            columns.append(f'"PROBABILITY" {self._config.probability_sql_type}')
        if self._config.problem_type == MULTICLASS_CLASSIFICATION:
            columns.append('"PROBABILITIES" VARCHAR(2000000) UTF8')
        columns.append(f'"PREDICTIONS" {self._config.target.sql_type}')
        return ", ".join(columns)

    def run(self, ctx: Any) -> None:
        """Reads, encodes and submits chunk N+1 before it waits for and emits chunk N, so the endpoint always has
        requests queued: the UDF's own work (reading, encoding, casting, emitting) overlaps the endpoint's time
        instead of adding to it. At most two chunks are held at once."""
        layout = self._layout
        client = self._prediction_client()
        rows_done = 0
        previous: _Chunk | None = None
        try:
            while True:
                frame = ctx.get_dataframe(num_rows=self._chunk_rows, start_col=0)
                if frame is None:  # Exasol answers None once the group is exhausted (and raises if asked again)
                    break
                chunk = self._submit(frame, layout, client, rows_done + 1)
                rows_done += len(frame)
                if previous is not None:
                    self._emit_chunk(ctx, previous, layout)
                previous = chunk
            if previous is not None:
                self._emit_chunk(ctx, previous, layout)
                previous = None
        finally:
            if previous is not None:
                previous.pending.cancel()

    def _submit(self, frame: pd.DataFrame, layout: _Layout, client: PredictionClient, first_row_number: int) -> _Chunk:
        keys = len(layout.key_types)
        features = [
            FeatureColumn(spec.name, sql_type, frame.iloc[:, keys + index])
            for index, (spec, sql_type) in enumerate(zip(self._config.features, layout.feature_types))
        ]
        json_lines = self._config.layout is not None and self._config.layout.content_type == JSON_LINES
        encode = encode_json_rows if json_lines else encode_rows
        return _Chunk(frame, features, client.submit(encode(features, first_row_number), first_row_number),
                      first_row_number)

    def _emit_chunk(self, ctx: Any, chunk: _Chunk, layout: _Layout) -> None:
        predictions = chunk.pending.result()
        frame, first_row_number = chunk.frame, chunk.first_row_number
        output = [to_emit_values(frame.iloc[:, i], sql_type) for i, sql_type in enumerate(layout.key_types)]
        output += [to_emit_values(column.values, column.sql_type) for column in chunk.features]
        if predictions.probability is not None:
            output.append(self._probabilities_as_declared(predictions.probability, first_row_number))
        if predictions.probabilities is not None:
            output.append(predictions.probabilities)
        output.append(cast_predictions(predictions.labels, self._target_type, first_row_number))
        _emit(ctx, output, layout.timestamp_columns)

    def _probabilities_as_declared(self, probability: list[float], first_row_number: int) -> list[Any]:
        """DOUBLE as answered; another declared type (DECIMAL(18,4)) rounded as Exasol rounds on assignment."""
        if self._probability_type.kind == DOUBLE:
            return probability
        return cast_predictions([repr(p) for p in probability], self._probability_type, first_row_number)

    @cached_property
    def _layout(self) -> _Layout:
        """Derived once per VM: the input columns of a call, and so the layout, are the same for every group."""
        meta = self._exa.meta
        columns = list(meta.input_columns)
        features = len(self._config.features)
        keys = len(columns) - features
        if keys < 0:
            raise SmeError(
                "E-SME-243",
                f"The prediction UDF of endpoint {self._config.endpoint_name!r} got {len(columns)} arguments but "
                f"needs at least the {features} feature columns: "
                f"{', '.join(f.name for f in self._config.features)}.",
                ["Pass the feature columns in training order, optionally preceded by row-key columns."],
            )
        key_texts = tuple(str(c.sql_type) for c in columns[:keys])
        feature_texts = tuple(str(c.sql_type) for c in columns[keys:])
        key_types = tuple(_optional_sql_type(text) for text in key_texts)
        feature_types = tuple(parse_sql_type(text) for text in feature_texts)
        timestamp_columns = [
            i for i, sql_type in enumerate(key_types + feature_types)
            if sql_type is not None and sql_type.kind == TIMESTAMP
        ]
        if self._target_type.kind == TIMESTAMP:
            timestamp_columns.append(self._output_column_count(keys) - 1)
        return _Layout(key_types, feature_types, key_texts, feature_texts, tuple(timestamp_columns))

    def _output_column_count(self, keys: int) -> int:
        """Keys, features, PROBABILITY (classification), PROBABILITIES (multiclass) and PREDICTIONS."""
        classification = self._config.problem_type in (BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION)
        multiclass = self._config.problem_type == MULTICLASS_CLASSIFICATION
        return keys + len(self._config.features) + classification + multiclass + 1

    def _prediction_client(self) -> PredictionClient:
        """Built on the first group and reused for the VM's later groups (a boto3 client costs ~50 ms)."""
        if self._client is None:
            model = read_model_connection(self._exa, self._config.model_connection_name, self._config.endpoint_name)
            settings = PredictionSettings(
                max_rows_per_request=_setting(model.max_rows_per_request, PredictionSettings.max_rows_per_request),
                max_requests_in_flight=_setting(
                    model.max_requests_in_flight, PredictionSettings.max_requests_in_flight
                ),
                serverless=model.serverless,
            )
            session = session_from_exa(
                self._exa,
                model.credentials_connection_name,
                model.region,
                model.assume_role_arn,
                model.assume_role_external_id,
            )
            self._client = PredictionClient(
                runtime_client(session, settings), self._config.endpoint_name, self._config.problem_type, settings,
                layout=self._config.layout,
            )
            self._chunk_rows = min(
                _MAX_CHUNK_ROWS, settings.max_rows_per_request * settings.max_requests_in_flight * _ROUNDS_PER_CHUNK
            )
        return self._client


def _setting(value: Any, default: int) -> Any:
    return default if value is None else value


def _optional_sql_type(text: str) -> SqlType | None:
    """Row keys are only echoed, so types the codec does not model (INTERVAL, HASHTYPE, …) are fine."""
    try:
        return parse_sql_type(text)
    except SmeError:
        return None




def _emit(ctx: Any, columns: list[list[Any]], timestamp_columns: list[int]) -> None:
    """One ``emit(DataFrame)`` for the chunk; row by row only if a timestamp lies outside datetime64[ns]."""
    frame_columns: dict[int, pd.Series] = {}
    for index, values in enumerate(columns):
        if index in timestamp_columns:
            if not _fits_nanoseconds(values):
                _emit_rows(ctx, columns)
                return
            frame_columns[index] = pd.Series(np.array(values, dtype="datetime64[ns]"))
        else:
            array = np.empty(len(values), dtype=object)
            array[:] = values
            frame_columns[index] = pd.Series(array, dtype=object)
    ctx.emit(pd.DataFrame(frame_columns))


def _fits_nanoseconds(values: list[Any]) -> bool:
    low, high = _NS_RANGE
    return all(value is None or low <= value <= high for value in values)


def _emit_rows(ctx: Any, columns: list[list[Any]]) -> None:
    for row in zip(*columns):
        ctx.emit(*row)
