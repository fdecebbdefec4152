"""The CSV options of EXPORT … INTO CSV and IMPORT … FROM CSV, already parsed by the emulator core.

The core owns the SQL grammar; this dataclass is the contract between the two, one field per clause, with
Exasol's defaults. Values are checked once, here, so that the writer and reader can trust them.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from enum import Enum

from sme_local.exasol.s3_csv.errors import NOT_SUPPORTED_SQL_CODE, SYNTAX_SQL_CODE, CsvTransferError


class Delimit(Enum):
    """When EXPORT encloses a field in the COLUMN DELIMITER (the DELIMIT clause)."""

    AUTO = "AUTO"  # only when the text needs it (see csv_text.needs_delimiters)
    ALWAYS = "ALWAYS"  # every non-NULL field, and the header names
    NEVER = "NEVER"  # never, even when the text then cannot be read back


_TRIMS = {"": lambda text: text, "TRIM": lambda text: text.strip(" "), "LTRIM": lambda text: text.lstrip(" "),
          "RTRIM": lambda text: text.rstrip(" ")}
ROW_SEPARATORS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}

# Exasol encoding names (IMPORT/EXPORT ENCODING=…) -> Python codecs; spelled without '-' and '_'. The names and
# aliases are those of docs.exasol.com loading_data/etl_encodings.htm ("Supported encodings for ETL"): ISO-8859-n
# (LATIN-n), the IBM and Windows code pages (CPnnnn); the emulator knows the ones below.
_ISO_8859 = {1: 1, 2: 2, 3: 3, 4: 4, 9: 5, 13: 7, 15: 9}  # ISO-8859 part -> its LATIN-n alias
_ENCODINGS = {
    "UTF8": "utf-8", "ASCII": "ascii", "USASCII": "ascii",
    **{f"ISO8859{part}": f"iso8859_{part}" for part in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 15)},
    **{f"LATIN{latin}": f"iso8859_{part}" for part, latin in _ISO_8859.items()},
    **{f"{prefix}{page}": f"cp{page}" for page in (850, 852, 855) for prefix in ("IBM", "CP")},
    **{f"{prefix}{page}": f"cp{page}" for page in range(1250, 1259) for prefix in ("WINDOWS", "CP")},
}


@dataclass(frozen=True)
class CsvOptions:
    """One EXPORT/IMPORT's CSV clauses (defaults = Exasol's defaults when the clause is absent).

    encoding           ENCODING='…' — file character set (UTF8, ASCII, ISO-8859-n/LATIN-n, IBM850/852/855, WINDOWS-1250…1258/CP125x).
    null               NULL='…' — text written for NULL (EXPORT) and read as NULL besides the empty field (IMPORT).
    row_separator      ROW SEPARATOR='LF'|'CRLF'|'CR' — the record terminator, written after every record.
    column_separator   COLUMN SEPARATOR='…' — text between fields (may be longer than one character).
    column_delimiter   COLUMN DELIMITER='…' — encloses fields; inside, a delimiter is written twice.
    delimit            DELIMIT=AUTO|ALWAYS|NEVER — EXPORT only.
    with_column_names  WITH COLUMN NAMES — EXPORT only: a header record with the column names in every file.
    skip               SKIP=n — IMPORT only: records skipped at the start of every file (e.g. 1 for a header).
    trim               TRIM|LTRIM|RTRIM — IMPORT only: spaces removed from both, the left or the right end of
                       every field before it is converted ("" = keep them).
    """

    encoding: str = "UTF8"
    null: str = ""
    row_separator: str = "LF"
    column_separator: str = ","
    column_delimiter: str = '"'
    delimit: Delimit = Delimit.AUTO
    with_column_names: bool = False
    skip: int = 0
    trim: str = ""

    def __post_init__(self) -> None:
        self.python_encoding  # noqa: B018 (validates)
        if self.row_separator.upper() not in ROW_SEPARATORS:
            raise CsvTransferError(f"invalid ROW SEPARATOR {self.row_separator!r}, use 'LF', 'CRLF' or 'CR'",
                                   SYNTAX_SQL_CODE)
        if not self.column_separator:
            raise CsvTransferError("COLUMN SEPARATOR must not be empty", SYNTAX_SQL_CODE)
        if not self.column_delimiter:
            raise CsvTransferError("an empty COLUMN DELIMITER is not supported by the Exasol emulator",
                                   NOT_SUPPORTED_SQL_CODE)
        if set(self.column_separator) & set(self.column_delimiter + "\r\n") or set(self.column_delimiter) & set("\r\n"):
            raise CsvTransferError(
                "COLUMN SEPARATOR and COLUMN DELIMITER must not share characters with each other or with line "
                f"breaks: {self.column_separator!r}, {self.column_delimiter!r}",
                SYNTAX_SQL_CODE,
            )
        if self.trim not in _TRIMS:
            raise CsvTransferError(f"invalid trim option {self.trim!r}, use TRIM, LTRIM or RTRIM", SYNTAX_SQL_CODE)
        if self.skip < 0:
            raise CsvTransferError(f"SKIP must not be negative: {self.skip}", SYNTAX_SQL_CODE)

    @property
    def python_encoding(self) -> str:
        codec = _ENCODINGS.get(self.encoding.upper().replace("-", "").replace("_", ""))
        if codec is None:
            raise CsvTransferError(
                f"ENCODING {self.encoding!r} is not supported by the Exasol emulator ({', '.join(_ENCODINGS)})",
                NOT_SUPPORTED_SQL_CODE,
            )
        return codecs.lookup(codec).name

    def trimmed(self, text: str) -> str:
        return _TRIMS[self.trim](text)

    @property
    def row_separator_text(self) -> str:
        return ROW_SEPARATORS[self.row_separator.upper()]
