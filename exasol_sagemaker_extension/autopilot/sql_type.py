"""Parse Exasol ``COLUMN_TYPE`` strings into the few facts the prediction path needs.

The prediction UDF learns its input and output types only as text (``exa.meta.input_columns[i].sql_type`` and
the ``sql_type`` of the generated config, both ``COLUMN_TYPE`` strings such as ``DECIMAL(18,0)`` or
``VARCHAR(100) UTF8``). Encoding a feature and casting a prediction both branch on the kind, precision, scale
and length, so the text is parsed once, here, instead of being matched with ad-hoc string tests everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exasol_sagemaker_extension.errors import SmeError

DECIMAL = "DECIMAL"
DOUBLE = "DOUBLE"
BOOLEAN = "BOOLEAN"
VARCHAR = "VARCHAR"
CHAR = "CHAR"
DATE = "DATE"
TIMESTAMP = "TIMESTAMP"

_PATTERN = re.compile(
    r"^\s*(?P<name>[A-Z][A-Z ]*?)\s*(?:\(\s*(?P<a>\d+)\s*(?:,\s*(?P<b>\d+)\s*)?\))?"
    r"\s*(?P<suffix>UTF8|ASCII|WITH LOCAL TIME ZONE)?\s*$",
    re.IGNORECASE,
)
# Exasol's aliases, as far as they can reach the UDF (COLUMN_TYPE is normally already canonical).
_ALIASES = {
    "DECIMAL": DECIMAL,
    "DEC": DECIMAL,
    "NUMERIC": DECIMAL,
    "NUMBER": DECIMAL,
    "INT": DECIMAL,
    "INTEGER": DECIMAL,
    "BIGINT": DECIMAL,
    "SMALLINT": DECIMAL,
    "SHORTINT": DECIMAL,
    "TINYINT": DECIMAL,
    "DOUBLE": DOUBLE,
    "DOUBLE PRECISION": DOUBLE,
    "FLOAT": DOUBLE,
    "REAL": DOUBLE,
    "BOOLEAN": BOOLEAN,
    "BOOL": BOOLEAN,
    "VARCHAR": VARCHAR,
    "CHARACTER VARYING": VARCHAR,
    "VARCHAR2": VARCHAR,
    "NVARCHAR": VARCHAR,
    "NVARCHAR2": VARCHAR,
    "CLOB": VARCHAR,
    "LONG VARCHAR": VARCHAR,
    "CHAR": CHAR,
    "CHARACTER": CHAR,
    "NCHAR": CHAR,
    "DATE": DATE,
    "TIMESTAMP": TIMESTAMP,
}
_INTEGER_PRECISION = {"INT": 18, "INTEGER": 18, "BIGINT": 36, "SMALLINT": 9, "SHORTINT": 9, "TINYINT": 3}
_MAX_VARCHAR = 2_000_000


@dataclass(frozen=True)
class SqlType:
    """One Exasol column type: ``kind`` is one of the module constants; unused facts are ``None``."""

    kind: str
    text: str
    precision: int | None = None
    scale: int | None = None
    length: int | None = None

    @property
    def is_integer(self) -> bool:
        """DECIMAL with scale 0 travels as Python ``int`` in Exasol UDFs."""
        return self.kind == DECIMAL and self.scale == 0


def parse_sql_type(text: str) -> SqlType:
    """The ``SqlType`` of a ``COLUMN_TYPE`` string; anything the prediction path cannot carry is an error."""
    match = _PATTERN.match(text or "")
    name = " ".join(match.group("name").upper().split()) if match else ""
    kind = _ALIASES.get(name)
    if kind is None:
        raise SmeError(
            "E-SME-150",
            f"The SQL type {text!r} is not supported for prediction features or targets.",
            [
                "Use DECIMAL, DOUBLE, BOOLEAN, VARCHAR, CHAR, DATE or TIMESTAMP columns; "
                "CAST other types (INTERVAL, GEOMETRY, HASHTYPE) in the SELECT.",
            ],
        )
    first = int(match.group("a")) if match.group("a") else None
    second = int(match.group("b")) if match.group("b") else None
    if name == "NUMBER" and first is None:  # Exasol: NUMBER without precision is DOUBLE
        return SqlType(DOUBLE, text)
    if kind == DECIMAL:
        precision = first if first is not None else _INTEGER_PRECISION.get(name, 18)
        return SqlType(DECIMAL, text, precision=precision, scale=second or 0)
    if kind in (VARCHAR, CHAR):
        default_length = _MAX_VARCHAR if name in ("CLOB", "LONG VARCHAR") else 1
        return SqlType(kind, text, length=first if first is not None else default_length)
    if kind == TIMESTAMP:
        return SqlType(TIMESTAMP, text, precision=first if first is not None else 3)
    return SqlType(kind, text)
