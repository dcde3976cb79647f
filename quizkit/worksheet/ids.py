"""Worksheet ids: ``ws-<seed>-v<version>-<bank fingerprint>``, e.g. ``ws-4242-v3-3f9a2c1b7d4e``.

The id names everything needed to regenerate a version's questions, except the selection
(topics, count, levels), which the answer sheet carries beside it:

- ``seed`` (decimal, up to 12 digits) seeds the template selection and, with the version,
  every question's parameters;
- ``version`` (1-based, up to 4 digits) tells apart the students' variants of one worksheet;
- the bank fingerprint (12 hex digits of :meth:`quizkit.bank.bank.Bank.fingerprint`) changes
  whenever any topic file changes; grading uses it to tell whether the bank is still the one
  the worksheet was made from (the per-template fingerprints on the answer sheet decide whether
  each question can still be graded, see :mod:`quizkit.worksheet.grading`).

Plain decimal and hex keep ids readable on paper and easy to type; base32 would save only a
few characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizkit.errors import UsageError

WORKSHEET_ID = re.compile(r"^ws-(?P<seed>\d{1,12})-v(?P<version>\d{1,4})-(?P<bank>[0-9a-f]{12})$")


@dataclass(frozen=True, order=True)
class WorksheetId:
    """The seed, version and bank fingerprint of one worksheet version."""

    seed: int
    version: int
    bank: str

    def __str__(self) -> str:
        return f"ws-{self.seed}-v{self.version}-{self.bank}"


def parse_worksheet_id(text: str) -> WorksheetId:
    """``"ws-4242-v3-3f9a2c1b7d4e"`` -> ``WorksheetId(4242, 3, "3f9a2c1b7d4e")``."""
    match = WORKSHEET_ID.match(text.strip())
    if not match:
        raise UsageError(
            f"{text!r} is not a worksheet id; expected ws-SEED-vVERSION-FINGERPRINT "
            "(e.g. ws-4242-v3-3f9a2c1b7d4e)"
        )
    return WorksheetId(int(match["seed"]), int(match["version"]), match["bank"])
