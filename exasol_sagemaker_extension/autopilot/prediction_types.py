"""Cast predicted labels (text from the endpoint) to the SQL type declared for ``PREDICTIONS``.

The old extension cast BOOLEAN predictions with ``astype(bool)``, so every non-empty string, "False" included,
became TRUE. Here every type has an explicit, exact rule and anything outside it is an error naming the row:
  * BOOLEAN: true/false, 1/0, yes/no, 1.0/0.0 (any case) — nothing else, never truthiness;
  * DECIMAL(p,s): parsed as ``Decimal`` (never through a float), rounded half-up to s digits as Exasol rounds
    on assignment, range-checked against p; scale 0 gives ``int``;
  * DOUBLE: a finite float; VARCHAR(n)/CHAR(n): at most n characters; DATE/TIMESTAMP: ISO text.
An empty label is NULL for every type (Exasol itself treats '' as NULL).

Classification labels repeat a handful of values over millions of rows, so each distinct label is cast once
and the results are spread back by index; regression output is parsed in one vectorised pass.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
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

_BOOLEAN_WORDS = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "yes": True,
    "no": False,
    "1.0": True,
    "0.0": False,
}
# Exasol DECIMAL has at most 36 digits; a wider context keeps quantize() exact for any valid value.
_DECIMAL_CONTEXT = Context(prec=80, rounding=ROUND_HALF_UP)


class _CastFailure(Exception):
    """One label that does not fit the declared type; turned into an SmeError with its row number."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


_MITIGATIONS = {
    "E-SME-158": "Declare the target as VARCHAR if the model predicts other labels, or retrain on a 1/0 column.",
    "E-SME-159": "Widen the target's DECIMAL precision, or retrain so the model predicts values that fit.",
    "E-SME-160": "Check that the endpoint serves a regression or numeric-label model for this target.",
    "E-SME-161": "Widen the VARCHAR/CHAR target column, or retrain with the labels the column can hold.",
    "E-SME-162": "Check that the model predicts ISO dates (YYYY-MM-DD) or timestamps for this target.",
}


def cast_predictions(labels: Sequence[str], sql_type: SqlType, first_row_number: int = 1) -> list[Any]:
    """Python values of ``sql_type`` (as Exasol UDFs emit them) for the label texts, in order."""
    if sql_type.kind == DOUBLE:
        fast = _doubles_at_once(labels)
        if fast is not None:
            return fast
    cast_one = _caster_for(sql_type)
    codes, distinct = pd.factorize(np.asarray(labels, dtype=object), use_na_sentinel=False)
    cast_distinct = np.empty(len(distinct), dtype=object)
    for index, label in enumerate(distinct.tolist()):
        try:
            cast_distinct[index] = None if label == "" else cast_one(label)
        except _CastFailure as failure:
            row_number = first_row_number + int(np.argmax(codes == index))
            raise SmeError(
                failure.code,
                f"The prediction {label[:80]!r} in row {row_number} is not a valid {sql_type.text}: {failure.reason}.",
                [_MITIGATIONS[failure.code]],
            ) from None
    return cast_distinct[codes].tolist()


def _doubles_at_once(labels: Sequence[str]) -> list[float] | None:
    """All labels as floats in one NumPy pass, or ``None`` when any needs the per-label path (and its error)."""
    try:
        values = np.array(labels, dtype=np.float64)
    except ValueError:
        return None
    return values.tolist() if np.isfinite(values).all() else None


def _caster_for(sql_type: SqlType) -> Callable[[str], Any]:
    if sql_type.kind == DECIMAL:
        return lambda label: _to_decimal(label, sql_type)
    if sql_type.kind in (VARCHAR, CHAR):
        return lambda label: _to_string(label, sql_type)
    return {BOOLEAN: _to_boolean, DOUBLE: _to_double, DATE: _to_date, TIMESTAMP: _to_timestamp}[sql_type.kind]


def _to_boolean(label: str) -> bool:
    try:
        return _BOOLEAN_WORDS[label.strip().lower()]
    except KeyError:
        raise _CastFailure("E-SME-158", "only true/false, 1/0, yes/no and 1.0/0.0 are read as BOOLEAN") from None


def _to_decimal(label: str, sql_type: SqlType) -> int | Decimal:
    try:
        number = Decimal(label.strip())
    except InvalidOperation:
        raise _CastFailure("E-SME-159", "it is not a number") from None
    if not number.is_finite():
        raise _CastFailure("E-SME-159", "NaN and infinity do not fit a DECIMAL")
    scale = sql_type.scale or 0
    precision = sql_type.precision or 18
    with localcontext(_DECIMAL_CONTEXT):
        too_large = abs(number) >= Decimal(10) ** (precision - scale)
        rounded = None if too_large else number.quantize(Decimal(1).scaleb(-scale))
    if rounded is None or abs(rounded) >= Decimal(10) ** (precision - scale):
        raise _CastFailure("E-SME-159", f"it needs more than {precision - scale} digits before the decimal point")
    return int(rounded) if scale == 0 else rounded


def _to_double(label: str) -> float:
    try:
        value = float(label)
    except ValueError:
        raise _CastFailure("E-SME-160", "it is not a number") from None
    if not np.isfinite(value):
        raise _CastFailure("E-SME-160", "NaN and infinity cannot be stored in Exasol")
    return value


def _to_string(label: str, sql_type: SqlType) -> str:
    if sql_type.length is not None and len(label) > sql_type.length:
        raise _CastFailure("E-SME-161", f"it has {len(label)} characters, the column holds {sql_type.length}")
    return label


def _to_date(label: str) -> date:
    try:
        return date.fromisoformat(label.strip())
    except ValueError:
        raise _CastFailure("E-SME-162", "expected YYYY-MM-DD") from None


def _to_timestamp(label: str) -> datetime:
    try:
        return datetime.fromisoformat(label.strip())
    except ValueError:
        raise _CastFailure("E-SME-162", "expected YYYY-MM-DD HH:MI:SS[.ffffff]") from None
