"""Which Exasol release the emulator stands in for, and what of it scripts can observe.

Scripts written for Exasol meet different libraries depending on the release: lua-cjson was 2.1.0 until
Exasol 8.34.0 and 2.1.0.10 from then on (Exasol changelog 24031); Lua itself is 5.4 since 7.1.0 (changelog 10709).
A product tested only against the newest behaviour breaks on older databases, so the emulator is told which
release to be (``--exasol-version``) and defaults to the oldest one the SageMaker extension supports.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExasolRelease:
    version: str
    lua_version: str
    cjson_version: str
    # Whether timestamps are reported with their fractional-seconds precision: COLUMN_TYPE "TIMESTAMP(3)", 16 bytes
    # in the wire dataType, COLUMN_NUM_PREC = p (Exasol 8; changelogs 15378, 13409). Exasol 7 reports "TIMESTAMP",
    # 8 bytes, no precision — pyexasol's suite pins both per major version.
    timestamp_precision: bool


# One entry per behaviour the emulator distinguishes, oldest first; sources in local/sme_local/exasol/README.md.
RELEASES = (
    ExasolRelease("7.1.0", lua_version="5.4.0", cjson_version="2.1.0", timestamp_precision=False),
    ExasolRelease("8.34.0", lua_version="5.4.7", cjson_version="2.1.0.10", timestamp_precision=True),
)
VERSIONS = tuple(release.version for release in RELEASES)
# The oldest Exasol whose scripting language is Lua 5.4, which the extension's Lua code needs.
DEFAULT_VERSION = VERSIONS[0]


def release(version: str = DEFAULT_VERSION) -> ExasolRelease:
    """The emulated release called ``version`` (one of VERSIONS)."""
    for candidate in RELEASES:
        if candidate.version == version:
            return candidate
    raise ValueError(f"unknown Exasol version {version!r}; the emulator models {', '.join(VERSIONS)}")
