"""Difficulty levels as people type them: ``1``, a range ``1-2`` or a list ``1,3`` (and mixes)."""

from __future__ import annotations

import re

from quizkit.errors import UsageError

ALL_LEVELS = (1, 2, 3)
_PART = re.compile(r"^\s*([1-3])\s*(?:-\s*([1-3])\s*)?$")


def parse_levels(text: str, *, option: str = "--level") -> tuple[int, ...]:
    """``"1-3"`` -> (1, 2, 3); ``"2"`` -> (2,); ``"3,1-2"`` -> (1, 2, 3). Levels run 1 to 3.

    ``option`` names where the text came from in the error (``--level``, a sheet's ``levels``).
    """
    levels: set[int] = set()
    for part in text.split(","):
        match = _PART.match(part)
        if not match:
            raise UsageError(
                f"{option} {text!r}: levels run from 1 (easy) to 3 (hard); bad level "
                f"{part.strip()!r}: expected a level, a range such as 1-2, or a list 1,3"
            )
        low, high = int(match[1]), int(match[2] or match[1])
        if low > high:
            raise UsageError(
                f"{option} {text!r}: bad level range {part.strip()!r}: {low} is above {high}"
            )
        levels.update(range(low, high + 1))
    return tuple(sorted(levels))


def format_levels(levels: tuple[int, ...]) -> str:
    """(1, 2, 3) -> ``"1-3"``; (1, 3) -> ``"1,3"``; (2,) -> ``"2"``."""
    if len(levels) > 1 and list(levels) == list(range(levels[0], levels[-1] + 1)):
        return f"{levels[0]}-{levels[-1]}"
    return ",".join(str(level) for level in levels)
