"""Where an endpoint may run: the shape of an instance type and the limits of instance count and serverless
settings, checked by the deploy and batch scoring scripts and again by the UDFs (autopilot/endpoint_compute.py,
autopilot/batch_transform.py).

The instance type is written as a small spec (prefix, then dot-separated parts of one character set) rather than
a regular expression, so that Python and Lua evaluate the same rule: botocore's ProductionVariantInstanceType
lists names such as ml.m5.large and ml.p6-b200.48xlarge, all lower case, the family possibly with a hyphen.
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

# botocore's InitialTaskCount has a minimum of 1 and no maximum: the account's service quota is the real limit.
# The extension refuses more than 1000 instances, which no quota grants by default, to catch a typo before AWS
# starts a fleet.
INSTANCE_COUNT_RANGE = (1, 1000)
# A batch transform job's TransformResources.InstanceCount: botocore's TransformInstanceCount has a minimum of 1,
# and its documentation gives 100 as the maximum. Both checks fail with E-SME-5, the code of an option out of range.
TRANSFORM_INSTANCE_COUNT_RANGE = (1, 100)
# ServerlessConfig: MemorySizeInMB 1024 to 6144 in steps of 1024, MaxConcurrency 1 to 200.
SERVERLESS_MEMORY_RANGE = (1024, 6144)
SERVERLESS_MEMORY_STEP = 1024
SERVERLESS_CONCURRENCY_RANGE = (1, 200)
