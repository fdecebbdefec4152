"""Turn the CSV objects under a job's S3 input prefix into one training table, as Autopilot reads them.

Autopilot reads every object under the S3 prefix (gzip or plain, a header in each file) and treats an empty field
as a missing value. The table is kept as text here; deciding what is numeric is the feature transform's job, so
that training and inference parse values the same way.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import zlib
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from sme_local.aws.automl.failure import JobFailure

BINARY = "BinaryClassification"
MULTICLASS = "MulticlassClassification"
REGRESSION = "Regression"
PROBLEM_TYPES = (BINARY, MULTICLASS, REGRESSION)

# A numeric target with more distinct values than this is a regression target when no problem type is given;
# fewer distinct numbers (ratings, codes) are classes. Autopilot documents the idea, not the number.
REGRESSION_MIN_DISTINCT_VALUES = 10
# More classes than this cannot be learned sensibly from a local, time-boxed search.
MAX_CLASSES = 200

_GZIP_MAGIC = b"\x1f\x8b"


@dataclasses.dataclass(frozen=True)
class TrainingTable:
    """The concatenated input: text values, ``None`` for missing, and how many bytes were read."""

    frame: pd.DataFrame
    raw_bytes: int


@dataclasses.dataclass(frozen=True)
class LabelledData:
    """Features (text), the target (text) and optional sample weights, rows without a target removed."""

    features: pd.DataFrame
    target: pd.Series
    weights: np.ndarray | None


def read_training_table(objects: Iterable[tuple[str, bytes]]) -> TrainingTable:
    """Read and concatenate CSV objects given as ``(key, bytes)``; all must share one header."""
    frames: list[pd.DataFrame] = []
    header: list[str] | None = None
    raw_bytes = 0
    for key, data in objects:
        text = _decode(key, data)
        raw_bytes += len(text)
        if not text.strip():
            continue
        file_header = _header_of(key, text)
        if header is None:
            header = file_header
        elif file_header != header:
            raise JobFailure(f"The header of {key} differs from the header of the other input files.")
        frames.append(_parse(key, text, header))
    if header is None:
        raise JobFailure("All input files are empty; the data needs a header line and data rows.")
    return TrainingTable(pd.concat(frames, ignore_index=True), raw_bytes)


def split_target(
    table: TrainingTable, target_name: str, weight_name: str | None, min_rows: int
) -> LabelledData:
    """Separate target and sample weights from the features, dropping rows whose target is missing."""
    frame = table.frame
    columns = list(frame.columns)
    if target_name not in columns:
        raise JobFailure(
            f"The target attribute '{target_name}' is not a column of the input data. "
            f"Columns: {', '.join(columns)}."
        )
    if weight_name is not None and weight_name not in columns:
        raise JobFailure(f"The sample weight attribute '{weight_name}' is not a column of the input data.")
    frame = frame[frame[target_name].notna()]
    weights = None
    if weight_name is not None:
        weights = pd.to_numeric(frame[weight_name], errors="coerce")
        if weights.isna().any() or (weights < 0).any():
            raise JobFailure(f"The sample weight attribute '{weight_name}' must hold non-negative numbers.")
        weights = weights.to_numpy(dtype=float)
    feature_names = [c for c in columns if c not in (target_name, weight_name)]
    if not feature_names:
        raise JobFailure("The input data has no feature column besides the target.")
    if len(frame) < min_rows:
        raise JobFailure(
            f"The input data has {len(frame)} rows with a target value; at least {min_rows} are needed."
        )
    return LabelledData(frame[feature_names].reset_index(drop=True), frame[target_name].reset_index(drop=True),
                        weights)


def resolve_problem_type(target: pd.Series, requested: str | None) -> str:
    """Check a requested problem type against the target, or infer one the way Autopilot describes it."""
    distinct = target.nunique()
    numeric = pd.to_numeric(target, errors="coerce").notna().all()
    if requested == BINARY and distinct != 2:
        raise JobFailure(f"BinaryClassification needs exactly 2 distinct target values, found {distinct}.")
    if requested == MULTICLASS and distinct < 2:
        raise JobFailure(f"MulticlassClassification needs at least 2 distinct target values, found {distinct}.")
    if requested == REGRESSION and not numeric:
        raise JobFailure("Regression needs a numeric target, but some target values are not numbers.")
    if requested is not None:
        problem_type = requested
    elif distinct < 2:
        raise JobFailure("The target attribute has a single value; there is nothing to learn.")
    elif distinct == 2:
        problem_type = BINARY
    elif numeric and distinct > REGRESSION_MIN_DISTINCT_VALUES:
        problem_type = REGRESSION
    else:
        problem_type = MULTICLASS
    if problem_type == MULTICLASS and distinct > MAX_CLASSES:
        raise JobFailure(f"The target has {distinct} classes; the emulator supports at most {MAX_CLASSES}.")
    return problem_type


def _decode(key: str, data: bytes) -> str:
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise JobFailure(f"The gzip file {key} cannot be decompressed: {error}.") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise JobFailure(f"The file {key} is not UTF-8 encoded CSV text.") from error


def _header_of(key: str, text: str) -> list[str]:
    header = next(csv.reader(io.StringIO(text)))
    if len(set(header)) != len(header) or any(not name for name in header):
        raise JobFailure(f"The header of {key} has empty or duplicate column names.")
    return header


def _parse(key: str, text: str, header: Sequence[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                            on_bad_lines="error", engine="c")
    except (pd.errors.ParserError, ValueError) as error:
        raise JobFailure(f"The file {key} is not valid CSV: {error}".rstrip(".") + ".") from error
    frame.columns = list(header)
    return frame.astype(object).where(frame.notna(), None)
