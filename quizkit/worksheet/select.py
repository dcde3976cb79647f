"""Which templates a worksheet asks: COUNT of them, balanced across topics and levels.

The draw is round-robin: topic 1, topic 2, …, topic 1, …; within a topic, its levels take turns
(1, 2, 3, 1, …, skipping levels it lacks), and within a (topic, level) bucket templates come in
a seeded shuffle. A template is asked twice only when its topic has no unused template left;
the repeat gets other parameters, because question seeds depend on the slot. The chosen
templates are then ordered easy to hard (difficulty, then topic order, then draw order).

All versions of a worksheet ask the same templates; only their parameters differ.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from quizkit.bank.bank import Bank
from quizkit.bank.levels import ALL_LEVELS, format_levels
from quizkit.bank.model import Template
from quizkit.errors import UsageError


@dataclass(frozen=True)
class Selection:
    """What a worksheet asks for: topics (all when empty), question count and levels."""

    topics: tuple[str, ...] = ()
    count: int = 10
    levels: tuple[int, ...] = ALL_LEVELS

    def __post_init__(self) -> None:
        if self.count < 1:
            raise UsageError(f"the question count must be at least 1, got {self.count}")
        if not self.levels or any(level not in ALL_LEVELS for level in self.levels):
            raise UsageError(f"levels must be among 1, 2, 3, got {list(self.levels)}")

    def describe(self) -> str:
        topics = ", ".join(self.topics) if self.topics else "all topics"
        return f"{topics}; levels {format_levels(self.levels)}"


@dataclass
class _TopicDraw:
    """One topic's level buckets, each a seeded shuffle consumed front to back."""

    levels: list[int]
    buckets: dict[int, list[Template]]
    rng: random.Random
    unused: dict[int, list[Template]] = field(default_factory=dict)
    turn: int = 0

    def __post_init__(self) -> None:
        self._refill()

    def _refill(self) -> None:
        for level in self.levels:
            pool = list(self.buckets[level])
            self.rng.shuffle(pool)
            self.unused[level] = pool

    def draw(self) -> Template:
        if not any(self.unused.values()):
            self._refill()
        for offset in range(len(self.levels)):
            level = self.levels[(self.turn + offset) % len(self.levels)]
            if self.unused[level]:
                self.turn = (self.turn + offset + 1) % len(self.levels)
                return self.unused[level].pop(0)
        raise AssertionError("a refilled topic always has a template")


def selection_rng(seed: int) -> random.Random:
    digest = hashlib.sha256(f"worksheet-selection@{seed}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def select_templates(bank: Bank, selection: Selection, *, seed: int) -> list[Template]:
    """The worksheet's templates in question order; :class:`UsageError` if none match."""
    topics = list(selection.topics) or bank.topic_names()
    levels = set(selection.levels)
    rng = selection_rng(seed)
    draws: list[tuple[str, _TopicDraw]] = []
    for topic in dict.fromkeys(topics):
        templates = bank.templates([topic], levels=levels)
        if not templates:
            continue
        buckets: dict[int, list[Template]] = {}
        for template in templates:
            buckets.setdefault(template.difficulty, []).append(template)
        draws.append((topic, _TopicDraw(sorted(buckets), buckets, rng)))
    if not draws:
        raise UsageError(f"no templates match ({selection.describe()})")
    order = {topic: index for index, (topic, _) in enumerate(draws)}
    picked = [draws[i % len(draws)][1].draw() for i in range(selection.count)]
    ranked = sorted(
        enumerate(picked), key=lambda pair: (pair[1].difficulty, order[pair[1].topic], pair[0])
    )
    return [template for _, template in ranked]
