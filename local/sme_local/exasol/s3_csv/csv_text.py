"""Exasol's CSV framing: how fields become records and records become text, and back.

Rules (Exasol "CSV data format" documentation, runtime notes §6):

- Fields are separated by the COLUMN SEPARATOR, records end with the ROW SEPARATOR (also the last one).
- A field may be enclosed in the COLUMN DELIMITER; inside, the delimiter is written twice. Enclosed fields
  may contain separators and line breaks.
- NULL is the empty field (or the NULL='…' text); an empty string is NULL in Exasol as well, so IMPORT reads
  an enclosed empty field as NULL too.
- A record whose first character is ``#`` is a comment and is ignored by IMPORT.
- DELIMIT=AUTO (EXPORT) encloses a field when its text contains the separator, the delimiter, a line break or
  any other whitespace — the last is why real Exasol writes a TIMESTAMP enclosed (``"2019-01-01 12:00:00…"``).
  For multi-character separators and delimiters any of their characters counts.
  The emulator also encloses the empty string and a text equal to the NULL text, so that neither reads back
  as NULL (real Exasol never holds an empty string), and a record's first field when it starts with ``#``, so
  that the record cannot read back as a comment and vanish.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator, Sequence

from sme_local.exasol.s3_csv.options import CsvOptions, Delimit

Field = tuple[str, bool]  # (text, was enclosed in delimiters)


class CsvSyntaxError(Exception):
    """The text is not well-formed CSV; ``record`` is the 1-based record number in the file."""

    def __init__(self, record: int, reason: str) -> None:
        super().__init__(reason)
        self.record = record
        self.reason = reason


def needs_delimiters(text: str, options: CsvOptions, starts_record: bool = False) -> bool:
    """Whether DELIMIT=AUTO encloses ``text`` (``starts_record``: it is the first field of its record)."""
    if text == "" or text == options.null or (starts_record and text.startswith("#")):
        return True
    return _special_characters(options.column_separator, options.column_delimiter).search(text) is not None


@functools.lru_cache(maxsize=16)
def _special_characters(separator: str, delimiter: str) -> re.Pattern[str]:
    """Any whitespace, or any character of a (multi-character) separator or delimiter: a "|" next to a "||"
    separator would otherwise read back as part of the separator. A regex, because EXPORT asks per field."""
    return re.compile("[" + re.escape("".join(sorted(set(separator + delimiter)))) + r"\s]")


def render_field(text: str | None, options: CsvOptions, starts_record: bool = False) -> str:
    """One field as written by EXPORT; None is NULL."""
    if text is None:
        return options.null
    if options.delimit is Delimit.NEVER or (
        options.delimit is Delimit.AUTO and not needs_delimiters(text, options, starts_record)
    ):
        return text
    delimiter = options.column_delimiter
    return delimiter + text.replace(delimiter, delimiter * 2) + delimiter


def render_record(fields: Sequence[str | None], options: CsvOptions) -> str:
    """A whole record including its row separator."""
    body = options.column_separator.join(
        render_field(field, options, starts_record=index == 0) for index, field in enumerate(fields)
    )
    return body + options.row_separator_text


def render_columns(columns: Sequence[Sequence[str | None]], options: CsvOptions) -> str:
    """Whole records from column-wise field texts (every column as long as the others), each record with its
    row separator. The same fields as ``render_record`` per row, decided per column: with DELIMIT=AUTO one
    regular-expression search over a column's joined texts shows whether any field needs delimiters, so a
    numeric column costs no step per field."""
    if not columns or not columns[0]:
        return ""
    rendered = [_render_column(texts, options, starts_record=index == 0) for index, texts in enumerate(columns)]
    end = options.row_separator_text
    return end.join(map(options.column_separator.join, zip(*rendered))) + end


def _render_column(texts: Sequence[str | None], options: CsvOptions, starts_record: bool) -> list[str]:
    null = options.null
    if options.delimit is Delimit.AUTO:
        present = [text for text in texts if text is not None]
        special = _special_characters(options.column_separator, options.column_delimiter)
        joined = _JOINER.join(present)
        if (special.search(_JOINER) is None and special.search(joined) is None
                and not {"", null}.intersection(present)
                and not (starts_record and (_JOINER + "#") in (_JOINER + joined))):
            return [null if text is None else text for text in texts]
    # Columns that need delimiters are mostly categories: each distinct text is rendered once.
    rendered = {text: render_field(text, options, starts_record) for text in set(texts)}
    return list(map(rendered.__getitem__, texts))


# Joins a column's texts for one search; never a separator or delimiter character (checked) nor whitespace.
_JOINER = "\x00"


def parse_records(text: str, options: CsvOptions) -> Iterator[tuple[int, list[Field] | None]]:
    """Yield ``(record number, fields)`` for every record; comment records yield ``None`` as fields."""
    parser = _Parser(text, options)
    record = 0
    while parser.position < len(text):
        record += 1
        if text.startswith("#", parser.position):
            parser.skip_line()
            yield record, None
        else:
            yield record, parser.record(record)


class _Parser:
    """A cursor over the file text; every method advances ``position``."""

    def __init__(self, text: str, options: CsvOptions) -> None:
        self.text = text
        self.position = 0
        self.separator = options.column_separator
        self.delimiter = options.column_delimiter
        self.row_end = options.row_separator_text

    def skip_line(self) -> None:
        end = self.text.find(self.row_end, self.position)
        self.position = len(self.text) if end < 0 else end + len(self.row_end)

    def record(self, number: int) -> list[Field]:
        fields: list[Field] = []
        while True:
            if self.text.startswith(self.delimiter, self.position):
                fields.append((self._enclosed(number), True))
            else:
                fields.append((self._plain(), False))
            if self._consume(self.separator):
                continue
            if self._consume(self.row_end) or self.position >= len(self.text):
                return fields
            raise CsvSyntaxError(number, f"unexpected text after the closing {self.delimiter} of field "
                                         f"{len(fields)}; enclosed fields must be followed by a separator")

    def _plain(self) -> str:
        start = self.position
        ends = [index for index in (self.text.find(self.separator, start), self.text.find(self.row_end, start))
                if index >= 0]
        self.position = min(ends) if ends else len(self.text)
        return self.text[start:self.position]

    def _enclosed(self, number: int) -> str:
        self.position += len(self.delimiter)
        pieces: list[str] = []
        while True:
            end = self.text.find(self.delimiter, self.position)
            if end < 0:
                raise CsvSyntaxError(number, f"field enclosed in {self.delimiter} is never closed")
            pieces.append(self.text[self.position:end])
            self.position = end + len(self.delimiter)
            if not self.text.startswith(self.delimiter, self.position):
                return "".join(pieces)
            pieces.append(self.delimiter)
            self.position += len(self.delimiter)

    def _consume(self, token: str) -> bool:
        if self.text.startswith(token, self.position):
            self.position += len(token)
            return True
        return False
