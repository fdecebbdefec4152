"""Fixtures of the Lua tests; the helpers themselves are in lua_harness.py."""

import pytest

from sme_local.exasol.lua_runtime.runner import CJSON_VERSIONS


@pytest.fixture(params=CJSON_VERSIONS, ids=[f"cjson-{v}" for v in CJSON_VERSIONS])
def cjson_version(request: pytest.FixtureRequest) -> str:
    """Product scripts must work with every lua-cjson an Exasol release ships (2.1.0 before 8.34, 2.1.0.10 from
    8.34 on) and with the integer-keeping 2.1.0.14."""
    return request.param
