"""Every error code the extension can raise is documented, once, in the user guide's error table.

Users search for the code they see in their SQL client; a code missing from the table is a dead end, and a
code used by two different failures is ambiguous. Both are caught here rather than in review.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "exasol_sagemaker_extension", ROOT / "language_container", ROOT / "sme_local")
GUIDE = ROOT / "doc" / "user_guide.md"
CODE = re.compile(r"\b([EF]-SME-\d+)\b(?!\.\.)")  # "E-SME-1..99" names a range, not a code
TABLE_ROW = re.compile(r"^\|\s*`?([EF]-SME-\d+)`?\s*\|", re.MULTILINE)


def _codes_in_sources() -> set[str]:
    codes: set[str] = set()
    for source in SOURCES:
        for path in list(source.rglob("*.py")) + list(source.rglob("*.lua")):
            codes.update(CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def _documented_codes() -> list[str]:
    return TABLE_ROW.findall(GUIDE.read_text(encoding="utf-8"))


def test_every_code_in_the_sources_is_in_the_user_guide():
    missing = sorted(_codes_in_sources() - set(_documented_codes()), key=lambda c: int(c.rsplit("-", 1)[1]))
    assert not missing, f"codes raised but not documented in {GUIDE.name}: {missing}"


def test_no_code_is_documented_twice():
    documented = _documented_codes()
    duplicates = sorted({c for c in documented if documented.count(c) > 1})
    assert not duplicates, f"documented more than once: {duplicates}"
