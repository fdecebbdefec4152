"""Fixtures of the Lua tests; the helpers themselves are in lua_harness.py."""

import pytest


@pytest.fixture(params=[False, True], ids=["cjson-2.1.0.10", "cjson-integers"])
def cjson_integers(request: pytest.FixtureRequest) -> bool:
    """Product scripts must work with both number behaviours of lua-cjson."""
    return request.param
