"""Encode feature columns as Exasol CSV records, the exact format the model was trained on.

Autopilot learned from files written by Exasol's ``EXPORT … INTO CSV``; a prediction request that spells a
value differently (``True`` instead of ``1``, ``1E+1`` instead of ``10``, a date with a time part) is a value
the model has never seen. So every SQL type is written as the export writes it (doc/developer_guide.md,
"Exasol CSV"): ``,`` separator, ``"`` quoting only when a field contains ``,``, ``"``, CR or LF or is an empty
string, inner quotes doubled, NULL as an empty field, BOOLEAN ``1``/``0``, DATE ``YYYY-MM-DD``, TIMESTAMP
``YYYY-MM-DD HH:MI:SS.ffffff``, DECIMAL in plain notation without trailing zeros, DOUBLE as Python ``repr``.

NULL, NaN and infinity policy:
  * ``None``, ``pandas.NA`` and ``NaT`` are NULL.
  * In a ``float64`` column NaN is NULL too: that is how pandas stores the ``None`` Exasol hands to
    ``get_dataframe`` for a numeric column, and a genuine NaN cannot exist in an Exasol column.
  * A NaN *value* in an object column (``float('nan')``, ``Decimal('NaN')``) and ±infinity anywhere have no
    Exasol spelling; they are rejected (E-SME-151) instead of being sent as a made-up token.

Speed: a request for a million rows must not spend seconds in Python. Every column is converted in one pass of
C-level ``map``/NumPy operations over the whole column (no Python function call per cell for the common
representations), and the rows are joined with ``str.join`` over ``zip`` of the columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from exasol_sagemaker_extension.autopilot.sql_type import (
    BOOLEAN,
    CHAR,
    DATE,
    DECIMAL,
    DOUBLE,
    TIMESTAMP,
    VARCHAR,
    SqlType,
)
from exasol_sagemaker_extension.errors import SmeError

_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_BOOLEAN_FIELDS = {True: "1", False: "0"}
_TIMESTAMP_TEXT_LENGTH = len("2000-01-01T00:00:00.000000")
_PLAIN_DECIMAL = re.compile(r"-?(?:[1-9]\d*(?:\.\d*[1-9])?|0\.\d*[1-9])|0")
_NUMBER_TYPES = (int, float, Decimal, np.integer, np.floating)


@dataclass(frozen=True)
class FeatureColumn:
    """One column to encode: its name (for messages), its declared Exasol type and its values."""

    name: str
    sql_type: SqlType
    values: Any  # pandas Series, NumPy array or list


class _BadValue(Exception):
    """A value the encoder of its column cannot write; located and reported as an SmeError by the caller."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class EncodedRows:
    """CSV records (without their LF) and the UTF-8 size each takes in a request body, LF included."""

    lines: list[str]
    byte_sizes: np.ndarray

    @classmethod
    def of(cls, lines: list[str]) -> EncodedRows:
        """Records of any line-based format (CSV here, JSON Lines in ``jsonlines_rows``) with their sizes."""
        return cls(lines, _byte_sizes(lines))

    def __len__(self) -> int:
        return len(self.lines)

    def body(self, start: int, stop: int) -> bytes:
        """The request body for rows ``start`` (inclusive) to ``stop`` (exclusive): LF-terminated records."""
        return ("\n".join(self.lines[start:stop]) + "\n").encode("utf-8")


def encode_rows(columns: Sequence[FeatureColumn], first_row_number: int = 1) -> EncodedRows:
    """Encode the columns row-wise; ``first_row_number`` only numbers rows in error messages."""
    if not columns:
        raise ValueError("at least one feature column is needed")
    fields = [encode_column(column, first_row_number) for column in columns]
    row_counts = {len(f) for f in fields}
    if len(row_counts) != 1:
        raise ValueError(f"feature columns differ in length: {sorted(row_counts)}")
    lines = fields[0] if len(fields) == 1 else list(map(",".join, zip(*fields)))
    return EncodedRows.of(lines)


def encode_column(column: FeatureColumn, first_row_number: int = 1) -> list[str]:
    """The CSV fields of one column, ``""`` for NULL."""
    values = as_array(column.values)
    nulls = _null_mask(values)
    present = values if not nulls.any() else values[~nulls]
    encoder = _encoder_for(column.sql_type)
    try:
        encoded = encoder(present)
    except _BadValue:
        raise _locate_bad_value(column, values, nulls, encoder, first_row_number) from None
    if not nulls.any():
        return encoded
    fields = np.full(len(values), "", dtype=object)
    fields[~nulls] = encoded
    return fields.tolist()


def as_array(values: Any) -> np.ndarray:
    """A 1-D NumPy array; pandas' nullable dtypes become object arrays with ``None`` for missing values."""
    if isinstance(values, (pd.Series, pd.Index)):
        if isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
            return values.to_numpy(dtype=object, na_value=None)
        return values.to_numpy()
    if isinstance(values, np.ndarray):
        return values
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def _null_mask(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind == "M":
        return np.isnat(values)
    if values.dtype.kind != "O":
        return np.zeros(len(values), dtype=bool)
    nulls = pd.isna(values)
    if nulls.any():
        for value in values[nulls]:
            if isinstance(value, (float, Decimal, np.floating)):  # a NaN value, not a NULL: see module doc
                nulls = nulls & ~_is_nan_value(values)
                break
    return nulls


def _is_nan_value(values: np.ndarray) -> np.ndarray:
    return np.fromiter(
        (isinstance(v, (float, Decimal, np.floating)) and v != v for v in values), dtype=bool, count=len(values)
    )


def _encoder_for(sql_type: SqlType) -> Callable[[np.ndarray], list[str]]:
    if sql_type.kind == DECIMAL:
        return _encode_integers if sql_type.is_integer else _encode_decimals
    return {
        DOUBLE: _encode_doubles,
        BOOLEAN: _encode_booleans,
        VARCHAR: _encode_strings,
        CHAR: _encode_strings,
        DATE: _encode_dates,
        TIMESTAMP: _encode_timestamps,
    }[sql_type.kind]


def _locate_bad_value(
    column: FeatureColumn,
    values: np.ndarray,
    nulls: np.ndarray,
    encoder: Callable[[np.ndarray], list[str]],
    first_row_number: int,
) -> SmeError:
    """Re-run the encoder value by value (only on failure) to name the first offending row."""
    for index in np.flatnonzero(~nulls):
        try:
            encoder(values[index : index + 1])
        except _BadValue as bad:
            return _bad_value_error(bad, column, first_row_number + int(index), values[index])
    raise AssertionError("a column failed to encode but no single value fails")  # pragma: no cover


def _bad_value_error(bad: _BadValue, column: FeatureColumn, row_number: int, value: Any) -> SmeError:
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    if bad.code == "E-SME-151":
        return SmeError(
            "E-SME-151",
            f"Feature {column.name!r} ({column.sql_type.text}) in row {row_number} is {shown}: {bad.reason}",
            ["Exasol columns cannot hold NaN or infinity; replace such values (e.g. with NULL) before predicting."],
        )
    return SmeError(
        "E-SME-165",
        f"Feature {column.name!r} is declared {column.sql_type.text} but row {row_number} holds {shown} "
        f"({type(value).__name__}): {bad.reason}",
        ["Pass the feature columns with the SQL types the model was trained with (CAST them in the SELECT)."],
    )


def _require_types(values: list, allowed: tuple[type, ...], excluded: tuple[type, ...] = ()) -> set[type]:
    types = set(map(type, values))
    for kind in types:
        if not issubclass(kind, allowed) or issubclass(kind, excluded):
            raise _BadValue("E-SME-165", f"a {kind.__name__} cannot be written as this SQL type")
    return types


def _require_finite(values: np.ndarray) -> None:
    if not np.isfinite(values).all():
        raise _BadValue("E-SME-151", "NaN and infinity cannot be written as Exasol CSV")


def _encode_integers(values: np.ndarray) -> list[str]:
    kind = values.dtype.kind
    if kind in "iu":
        return list(map(str, values.tolist()))
    if kind == "f":
        _require_finite(values)
        if (values != np.trunc(values)).any():
            raise _BadValue("E-SME-165", "a DECIMAL(p,0) value must be a whole number")
        return list(map(str, map(int, values.tolist())))
    if kind != "O":
        raise _BadValue("E-SME-165", f"a {values.dtype} column cannot be written as a whole number")
    items = values.tolist()
    if _require_types(items, _NUMBER_TYPES, (bool, np.bool_)) == {int}:
        return list(map(str, items))
    return [_whole_number_text(v) for v in items]


def _whole_number_text(value: Any) -> str:
    text = _plain_number_text(value)
    if "." in text:
        raise _BadValue("E-SME-165", "a DECIMAL(p,0) value must be a whole number")
    return text


def _encode_decimals(values: np.ndarray) -> list[str]:
    kind = values.dtype.kind
    if kind in "iu":
        return list(map(str, values.tolist()))
    if kind == "f":
        _require_finite(values)
        return [_plain_number_text(v) for v in values.tolist()]
    if kind != "O":
        raise _BadValue("E-SME-165", f"a {values.dtype} column cannot be written as a DECIMAL")
    items = values.tolist()
    if _require_types(items, _NUMBER_TYPES, (bool, np.bool_)) == {Decimal}:
        # str() is C code and already right unless it shows an exponent, trailing zeros ("85.50"), "-0" or NaN.
        plain = _PLAIN_DECIMAL.fullmatch
        return [t if plain(t) else _plain_number_text(d) for t, d in zip(map(str, items), items)]
    return [_plain_number_text(v) for v in items]


def _plain_number_text(value: Any) -> str:
    """Plain notation without exponent or trailing zeros, as Exasol writes DECIMAL values."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not number.is_finite():
        raise _BadValue("E-SME-151", "NaN and infinity cannot be written as Exasol CSV")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _encode_doubles(values: np.ndarray) -> list[str]:
    kind = values.dtype.kind
    if kind == "O":
        _require_types(values.tolist(), _NUMBER_TYPES, (bool, np.bool_))
        values = values.astype(np.float64)
    elif kind not in "iuf":
        raise _BadValue("E-SME-165", f"a {values.dtype} column cannot be written as a DOUBLE")
    values = values.astype(np.float64, copy=False)
    _require_finite(values)
    return list(map(float.__repr__, values.tolist()))


def _encode_booleans(values: np.ndarray) -> list[str]:
    items = values.tolist()  # NumPy bools become Python bools here
    _require_types(items, (bool, np.bool_))
    return list(map(_BOOLEAN_FIELDS.__getitem__, items))


def _encode_strings(values: np.ndarray) -> list[str]:
    items = values.tolist()
    _require_types(items, (str,))
    if not _NEEDS_QUOTES.search("\x1f".join(items)) and all(items):  # the common case: nothing to quote
        return items
    return [_quoted(s) if not s or _NEEDS_QUOTES.search(s) else s for s in items]


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _encode_dates(values: np.ndarray) -> list[str]:
    if values.dtype.kind != "M":
        items = values.tolist()
        _require_types(items, (date,))
        return list(map(date.isoformat, items))  # the date part only, also for datetime values
    days = values.astype("datetime64[D]")
    return np.datetime_as_string(days, unit="D").tolist()


def _encode_timestamps(values: np.ndarray) -> list[str]:
    if values.dtype.kind != "M":
        _require_types(values.tolist(), (datetime,))
    texts = np.datetime_as_string(values.astype("datetime64[us]"), unit="us")
    if texts.dtype.itemsize == _TIMESTAMP_TEXT_LENGTH * 4:  # fixed-width years 0001..9999: patch the "T"
        texts.view("<U1").reshape(-1, _TIMESTAMP_TEXT_LENGTH)[:, 10] = " "
        return texts.tolist()
    return [t.replace("T", " ", 1) for t in texts.tolist()]


def _byte_sizes(lines: list[str]) -> np.ndarray:
    """UTF-8 bytes per record plus its LF; ASCII text (the usual case) needs no encoding to know it."""
    if all(map(str.isascii, lines)):
        sizes = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    else:
        sizes = np.fromiter((len(line.encode("utf-8")) for line in lines), dtype=np.int64, count=len(lines))
    return sizes + 1
