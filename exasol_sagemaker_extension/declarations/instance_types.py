"""The shape of a SageMaker instance type, checked by the deploy and batch scoring scripts and by the UDFs.

Written as a small spec (prefix, then dot-separated parts of one character set) rather than a regular
expression, so that Python and Lua evaluate the same rule: botocore's ProductionVariantInstanceType lists
names such as ml.m5.large and ml.p6-b200.48xlarge, all lower case, the family possibly with a hyphen.
"""

from __future__ import annotations

import re

PREFIX = "ml"
FAMILY_CHARACTERS = "a-z0-9-"
SIZE_CHARACTERS = "a-z0-9"


def _lua_set(characters: str) -> str:
    return "[" + characters.replace("a-z", "%l").replace("0-9", "%d").replace("-", "%-") + "]"


PYTHON_PATTERN = re.compile(rf"^{PREFIX}\.[{FAMILY_CHARACTERS}]+\.[{SIZE_CHARACTERS}]+$")
LUA_PATTERN = f"^{PREFIX}%.{_lua_set(FAMILY_CHARACTERS)}+%.{_lua_set(SIZE_CHARACTERS)}+$"
