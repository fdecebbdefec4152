"""Runs SQL statements and shows each one before it runs, so the demo's output is a transcript a reader can
replay in any SQL client. Secrets in a statement (the AWS secret key of ``CREATE CONNECTION``) are masked in
the shown text, never in what is sent."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import pyexasol

from exasol_sagemaker_extension.errors import redact

Echo = Callable[[str], None]


def sql_string(value: str) -> str:
    """An SQL string literal (inner single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


class SqlConsole:
    """A pyexasol connection that echoes every statement (``echo`` gets the text, terminated by ``;``)."""

    def __init__(self, connection: pyexasol.ExaConnection, echo: Echo, secrets: Iterable[str] = ()) -> None:
        self.connection = connection
        self._echo = echo
        self._secrets = tuple(secrets)

    def execute(self, sql: str, show: bool = True) -> pyexasol.ExaStatement:
        """Run ``sql``; ``show=False`` for repetitions of a statement already shown (polling)."""
        if show:
            self._echo(redact(sql, self._secrets) + ";")
        return self.connection.execute(sql)

    def rows(self, sql: str, show: bool = True) -> list[tuple[Any, ...]]:
        return self.execute(sql, show).fetchall()

    def records(self, sql: str, show: bool = True) -> list[dict[str, Any]]:
        """The result as dicts keyed by column name (names as the database returns them)."""
        statement = self.execute(sql, show)
        names = list(statement.columns())
        return [dict(zip(names, row)) for row in statement.fetchall()]

    def note(self, text: str) -> None:
        """A progress line, shown as an SQL comment so the transcript stays valid SQL."""
        self._echo(f"-- {text}")
