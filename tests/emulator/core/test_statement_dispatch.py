"""The explicit dispatch table of the Exasol-only statements covers exactly the kinds the recogniser returns."""

import typing

from sme_local.exasol.sql import recogniser, statements


def test_every_recognised_statement_kind_has_a_handler_and_no_other_kind_has_one() -> None:
    assert set(statements.HANDLERS) == set(typing.get_args(recogniser.Statement))
