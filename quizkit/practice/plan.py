"""Which questions a session asks: templates weighted by weakness and due reviews, fresh seeds.

Due reviews come first: the templates whose FSRS card is due, most overdue first, take up to
:data:`REVIEW_SHARE` of the session. The other slots are filled by weighted sampling without
replacement (Efraimidis–Spirakis keys ``u ** (1 / w)``) over the templates of the chosen topics
and levels, so that weak spots come up more often. With ``a = (correct + 1) / (answered + 2)``
a smoothed accuracy (of the template, or of its whole topic: ``A``, 0.5 for a topic not yet
practised), the weight of a template is

- ``1 + 1.5 * (1 - A)`` if it was never answered (new templates of weak topics first),
- ``0.5 + 2.5 * (1 - a) + 1.5 * (1 - A)`` otherwise,
- ``+ 3`` when its FSRS card is due, and halved when it is not due for more than a day.

When a session asks for more questions than there are templates, the templates come round again
with new seeds; no question (template and parameters) is asked twice in a session. Within each
round questions go from easy to hard. Seeds avoid those the student has already seen.

With ``seed`` the plan ignores history and is a pure function of bank, arguments and seed, so a
seeded session is reproducible anywhere (its answers are still recorded).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizkit.bank import levels
from quizkit.bank.model import Template
from quizkit.bank.question import Question, make_question
from quizkit.errors import TemplateError, UsageError
from quizkit.practice.store import TemplateHistory

SEED_RANGE = 10_000
SEED_TRIES = 50
DEFAULT_COUNT = 10
REVIEW_SHARE = 0.7  # at most this share of a session goes to due reviews (at least one)


@dataclass(frozen=True)
class PlannedQuestion:
    """A question to ask, and why it was picked: ``new``, ``due``, ``weak`` or ``practice``."""

    question: Question
    reason: str = "practice"


@dataclass(frozen=True)
class Plan:
    questions: tuple[PlannedQuestion, ...]
    skipped_templates: tuple[str, ...] = ()  # templates that failed to render: "id: message"


# A topic met for the first time leans on level 1: easy questions first, hard ones rarely.
FIRST_SESSION_LEVEL_WEIGHT = {1: 4.0, 2: 1.0, 3: 0.25}


def parse_levels(text: str | None) -> set[int] | None:
    """``--level`` for a session: None (or blank) means every level; see
    :func:`quizkit.bank.levels.parse_levels` for the accepted forms."""
    if text is None or not text.strip():
        return None
    return set(levels.parse_levels(text))


def template_weight(
    history: TemplateHistory | None, topic_accuracy: float, now: datetime
) -> tuple[float, str]:
    """The sampling weight of one template and the reason shown to the student."""
    if history is None or history.answered == 0:
        return 1.0 + 1.5 * (1 - topic_accuracy), "new"
    accuracy = (history.correct + 1) / (history.answered + 2)
    weight = 0.5 + 2.5 * (1 - accuracy) + 1.5 * (1 - topic_accuracy)
    reason = "weak" if accuracy < 0.6 else "practice"
    if history.due is not None:
        if history.due <= now:
            weight += 3
            reason = "due"
        elif history.due - now > timedelta(days=1):
            weight /= 2
    return weight, reason


def plan_session(
    templates: Sequence[Template],
    *,
    count: int = DEFAULT_COUNT,
    seed: int | None = None,
    history: Mapping[str, TemplateHistory] | None = None,
    now: datetime,
) -> Plan:
    """Pick ``count`` questions from ``templates`` (see the module docstring)."""
    if count < 1:
        raise UsageError(f"-n {count}: ask for at least one question")
    if not templates:
        raise UsageError("no templates match; try fewer filters (see `quizkit topics`)")
    rng: random.Random = random.Random(seed) if seed is not None else random.SystemRandom()
    known = {} if seed is not None else dict(history or {})
    weights = _weights(templates, known, now)
    order = _review_first(templates, weights, known, rng, count)
    planned: list[PlannedQuestion] = []
    asked: set[tuple[str, str]] = set()
    broken: dict[str, str] = {}
    round_number = 0
    while len(planned) < count and len(broken) < len(templates):
        round_picks = [t for t in order if t.id not in broken][: count - len(planned)]
        if round_number > 0:
            rng.shuffle(round_picks)
        round_picks.sort(key=lambda t: t.difficulty)
        added = 0
        for template in round_picks:
            try:
                question = _fresh_question(template, rng, asked, known.get(template.id))
            except TemplateError as error:
                broken[template.id] = error.message
                continue
            if question is None:
                continue
            asked.add((template.id, question.prompt))
            reason = weights[template.id][1] if round_number == 0 else "variant"
            planned.append(PlannedQuestion(question, reason))
            added += 1
        if added == 0 and not [t for t in order if t.id not in broken]:
            break
        if added == 0:
            break  # every template's variants are used up
        round_number += 1
    if not planned:
        raise UsageError(
            "no question could be rendered: "
            + "; ".join(f"{tid}: {msg}" for tid, msg in broken.items())
        )
    return Plan(tuple(planned), tuple(f"{tid}: {msg}" for tid, msg in broken.items()))


def _weights(
    templates: Sequence[Template], history: Mapping[str, TemplateHistory], now: datetime
) -> dict[str, tuple[float, str]]:
    by_topic: dict[str, list[int]] = {}
    for template in templates:
        entry = history.get(template.id)
        if entry is not None:
            totals = by_topic.setdefault(template.topic, [0, 0])
            totals[0] += entry.answered
            totals[1] += entry.correct
    topic_accuracy = {
        topic: (correct + 1) / (answered + 2) for topic, (answered, correct) in by_topic.items()
    }
    weights = {
        t.id: template_weight(history.get(t.id), topic_accuracy.get(t.topic, 0.5), now)
        for t in templates
    }
    for t in templates:
        if t.topic not in by_topic:  # a topic never practised starts easy
            weight, reason = weights[t.id]
            weights[t.id] = (weight * FIRST_SESSION_LEVEL_WEIGHT[t.difficulty], reason)
    return weights


def _review_first(
    templates: Sequence[Template],
    weights: Mapping[str, tuple[float, str]],
    history: Mapping[str, TemplateHistory],
    rng: random.Random,
    count: int,
) -> list[Template]:
    """Due templates first (most overdue first, up to :data:`REVIEW_SHARE` of the session), then
    the rest in weighted random order. Sampling alone would drown a few due reviews in a large
    bank of new templates."""
    due = sorted(
        (t for t in templates if weights[t.id][1] == "due"),
        key=lambda t: history[t.id].due or datetime.max,
    )
    slots = min(len(due), max(1, math.ceil(REVIEW_SHARE * count))) if due else 0
    first = due[:slots]
    taken = {t.id for t in first}
    return first + _weighted_order([t for t in templates if t.id not in taken], weights, rng)


def _weighted_order(
    templates: Sequence[Template], weights: Mapping[str, tuple[float, str]], rng: random.Random
) -> list[Template]:
    keyed = [(rng.random() ** (1.0 / weights[t.id][0]), t) for t in templates]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [t for _, t in keyed]


def _fresh_question(
    template: Template,
    rng: random.Random,
    asked: set[tuple[str, str]],
    history: TemplateHistory | None,
) -> Question | None:
    """A seed whose question differs from those asked this session, preferring unseen seeds."""
    seen = history.seeds if history else set()
    fallback: Question | None = None
    for _ in range(SEED_TRIES):
        seed = rng.randrange(SEED_RANGE)
        question = make_question(template, seed)
        if (template.id, question.prompt) in asked:
            continue
        if seed not in seen:
            return question
        fallback = fallback or question
    return fallback
