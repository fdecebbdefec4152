"""AWS's rules for the tags a user gives in the training JSON, checked by the training script before anything is
exported (sme_train_options.lua) and by the training UDF before calling AWS (autopilot/training.py), both with
E-SME-5.

botocore's TagKey and TagValue allow 1 to 128 and 0 to 256 characters of ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]`` and a
TagList of 50; keys starting with ``aws:`` are AWS's. Lua's patterns know only ASCII classes, so for characters
beyond ASCII the script checks that the text is UTF-8 and the UDF checks that each is a letter, separator or
number: the rule is the same, the place of the last check differs.
"""

from __future__ import annotations

MAX_TAGS_PER_RESOURCE = 50
KEY_PREFIX = "exasol-sme:"  # the extension's own tags (autopilot/resource_tags.py)
RESERVED_TAG_COUNT = 3  # the extension's own tags on every resource
MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - RESERVED_TAG_COUNT
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
RESERVED_KEY_PREFIXES = ("aws:", KEY_PREFIX)  # compared case-insensitively
ASCII_PUNCTUATION = "_.:/=+-@"  # besides ASCII letters, digits and the space
UNICODE_CATEGORIES = "LZN"  # beyond ASCII: the first letter of the character's Unicode category

RULE = (
    f"Tag keys have 1 to {MAX_KEY_LENGTH} characters and must not start with {' or '.join(RESERVED_KEY_PREFIXES)};"
    f" values have at most {MAX_VALUE_LENGTH}; both hold letters, digits, spaces and {' '.join(ASCII_PUNCTUATION)}."
)
LUA_DISALLOWED_ASCII = "[^%w " + "".join("%" + c for c in ASCII_PUNCTUATION) + "]"
