"""Spaced repetition per template with FSRS (the ``fsrs`` package), and how answers become grades.

One FSRS card per template id. An answered question is one review, rated:

- wrong (also a skip, or wrong on the retry) -> Again
- correct, but slow, on the retry, or after a hint -> Hard
- correct -> Good
- correct and fast -> Easy

"Slow" and "fast" compare the seconds taken with :data:`TARGET_SECONDS` for the question's level:
more than twice the target is slow, less than half is fast. When the time is unknown (answers
piped from a file) a correct answer is Good. At review time the planner shows a fresh seed of the
template, so a card is the *idea*, not one memorised instance.

``fsrs`` is imported inside the functions: the practice CLI must start before it is needed.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import fsrs

TARGET_SECONDS = {1: 20.0, 2: 45.0, 3: 90.0}


class Rating(IntEnum):
    """FSRS's four grades, with fsrs.Rating's values (kept here so planning needs no fsrs)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


def rate(*, correct: bool, level: int, seconds: float | None, tries: int, hinted: bool) -> Rating:
    """The FSRS grade of one answered question (see the module docstring)."""
    if not correct:
        return Rating.AGAIN
    if tries > 1 or hinted:
        return Rating.HARD
    if seconds is None:
        return Rating.GOOD
    target = TARGET_SECONDS.get(level, TARGET_SECONDS[3])
    if seconds > 2 * target:
        return Rating.HARD
    if seconds < target / 2:
        return Rating.EASY
    return Rating.GOOD


def review(
    card_json: str | None,
    rating: Rating,
    *,
    card_id: int,
    when: datetime,
    duration_ms: int | None = None,
) -> tuple[str, datetime]:
    """Apply one review to a card (a new card when ``card_json`` is None).

    Returns the updated card as JSON and its next due time (UTC). ``when`` must be UTC-aware.
    """
    import fsrs

    card = fsrs.Card.from_json(card_json) if card_json else fsrs.Card(card_id=card_id, due=when)
    card, _ = _scheduler().review_card(
        card, fsrs.Rating(int(rating)), review_datetime=when, review_duration=duration_ms
    )
    return card.to_json(), card.due


_SCHEDULER: list[fsrs.Scheduler] = []


def _scheduler() -> fsrs.Scheduler:
    """One default-parameter scheduler (90% desired retention, 1 and 10 minute learning steps)."""
    if not _SCHEDULER:
        import fsrs

        _SCHEDULER.append(fsrs.Scheduler())
    return _SCHEDULER[0]
