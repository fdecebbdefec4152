"""User-facing errors of the extension.

Every failure a user can cause or fix carries a stable code (``E-SME-<n>`` for user errors, ``F-SME-<n>`` for
internal faults) and at least one mitigation, in the style of Exasol's error-reporting libraries. The text is
what surfaces in SQL clients when a UDF or script fails, so it must stand on its own and must never contain a
secret: callers pass every secret they hold as ``secrets`` and it is masked before the text is built.

Code ranges (one owner each, so codes never collide; the full table is in doc/user_guide.md):
  E-SME-1..99     Lua orchestration scripts
  E-SME-100..199  autopilot (AWS layer)
  E-SME-200..299  UDF adapters
  E-SME-300..399  deployment rendering and the deploy CLI
  E-SME-400..499  language container build and deployment
  E-SME-500..599  the sme-local command (local stack and demo)
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

_CODE_PATTERN = re.compile(r"^[EF]-SME-\d+$")
MASK = "***"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each non-empty secret in ``text`` with a mask.

    Longer secrets are masked first so that a secret containing another one is masked whole.
    """
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


class SmeError(Exception):
    """A failure with a code, a message and mitigations, safe to show to any SQL user."""

    def __init__(
        self,
        code: str,
        message: str,
        mitigations: Sequence[str] = (),
        secrets: Iterable[str | None] = (),
    ) -> None:
        if not _CODE_PATTERN.match(code):
            raise ValueError(f"not an SME error code: {code!r}")
        if code.startswith("E-") and not mitigations:
            raise ValueError(f"user error {code} needs at least one mitigation")
        secrets = tuple(secrets)
        self.code = code
        self.message = redact(message, secrets)
        self.mitigations = tuple(redact(m, secrets) for m in mitigations)
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{self.code}: {self.message}"]
        lines.extend(f"Mitigation: {m}" for m in self.mitigations)
        return "\n".join(lines)
