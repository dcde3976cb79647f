"""Plain data for the end-of-session summary, ``quizkit stats`` and the ``--json`` transcript.

Days are local calendar days (the student's, not UTC). A *day streak* counts consecutive days
with at least one answer, ending today or yesterday (a streak is not broken before the day
is over). The *best run* is the longest run of questions answered right in the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from quizkit.practice.session import QuestionOutcome, SessionResult, Status
from quizkit.practice.store import CardRow, StoredAttempt

REVIEW_HORIZON = timedelta(hours=12)  # "review next" lists what is missed or due within this


@dataclass(frozen=True)
class TopicScore:
    topic: str
    correct: int
    wrong: int
    skipped: int

    @property
    def answered(self) -> int:
        return self.correct + self.wrong + self.skipped


@dataclass(frozen=True)
class ReviewItem:
    """A template to review: why (``missed`` this session, or ``due``) and when it is due."""

    template_id: str
    topic: str
    why: str
    due: datetime | None


@dataclass(frozen=True)
class Summary:
    topics: tuple[TopicScore, ...]
    correct: int
    answered: int
    planned: int
    seconds: float
    best_run: int
    day_streak: int
    review_next: tuple[ReviewItem, ...]
    due_now: int
    ended_by: str
    next_due: ReviewItem | None = None  # the first review after REVIEW_HORIZON

    @property
    def score_percent(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


def summarize(
    result: SessionResult,
    *,
    attempts: Sequence[StoredAttempt],
    cards: Sequence[CardRow],
    now: datetime,
    limit: int = 5,
) -> Summary:
    """The end-of-session summary from the session's outcomes and the whole stored history."""
    graded = [o for o in result.outcomes if o.status is not Status.BROKEN]
    scores: dict[str, list[int]] = {}
    for outcome in graded:
        row = scores.setdefault(outcome.question.template.topic, [0, 0, 0])
        row[[Status.CORRECT, Status.WRONG, Status.SKIPPED].index(outcome.status)] += 1
    missed: list[ReviewItem] = []
    seen: set[str] = set()
    for outcome in graded:
        template = outcome.question.template
        if outcome.status is not Status.CORRECT and template.id not in seen:
            seen.add(template.id)
            due = outcome.feedback.due if outcome.feedback else None
            missed.append(ReviewItem(template.id, template.topic, "missed", due))
    soon = [c for c in cards if c.template_id not in seen and c.due <= now + REVIEW_HORIZON]
    upcoming = [ReviewItem(c.template_id, c.topic, "due", c.due) for c in soon]
    later = [c for c in cards if c.due > now + REVIEW_HORIZON]
    first_later = min(later, key=lambda c: c.due, default=None)
    return Summary(
        topics=tuple(TopicScore(t, *row) for t, row in sorted(scores.items())),
        correct=sum(o.status is Status.CORRECT for o in graded),
        answered=len(graded),
        planned=result.planned,
        seconds=result.seconds,
        best_run=best_run(graded),
        day_streak=day_streak([a.answered_at for a in attempts], now),
        review_next=tuple((missed + sorted(upcoming, key=lambda r: r.due or now))[:limit]),
        due_now=sum(c.due <= now for c in cards),
        next_due=(
            ReviewItem(first_later.template_id, first_later.topic, "due", first_later.due)
            if first_later
            else None
        ),
        ended_by=result.ended_by.value,
    )


def best_run(outcomes: Sequence[QuestionOutcome]) -> int:
    best = run = 0
    for outcome in outcomes:
        run = run + 1 if outcome.status is Status.CORRECT else 0
        best = max(best, run)
    return best


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def day_streak(moments: Sequence[datetime], now: datetime) -> int:
    days = {local_day(m) for m in moments}
    day = local_day(now)
    if day not in days:
        day -= timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


# -- quizkit stats -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicHistory:
    topic: str
    answered: int
    correct: int
    recent_answered: int  # in the last `days` days
    recent_correct: int
    daily: tuple[tuple[int, int], ...]  # (answered, correct) per day, oldest first
    due: int
    cards: int
    last: datetime | None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class StatsReport:
    days: tuple[date, ...]  # the chart's days, oldest first, ending today
    daily: tuple[tuple[int, int], ...]  # (answered, correct) per day over all topics
    topics: tuple[TopicHistory, ...]
    due: tuple[ReviewItem, ...]  # due now, most overdue first
    upcoming: tuple[ReviewItem, ...]  # next due, soonest first
    total_answered: int
    day_streak: int


def build_stats(
    attempts: Sequence[StoredAttempt],
    cards: Sequence[CardRow],
    *,
    now: datetime,
    days: int = 14,
    topics: Sequence[str] = (),
    limit: int = 8,
) -> StatsReport:
    """History per topic over the last ``days`` days, and the reviews due.

    Counts questions, not keystrokes: only graded attempts (the final answer to a question, or
    its skip) count, so a level-1 first try that was retried is not counted twice.
    """
    wanted = set(topics)
    attempts = [a for a in attempts if a.rating is not None and (not wanted or a.topic in wanted)]
    cards = [c for c in cards if not wanted or c.topic in wanted]
    today = local_day(now)
    window = tuple(today - timedelta(days=days - 1 - i) for i in range(days))
    index = {day: i for i, day in enumerate(window)}
    per_topic: dict[str, list[Any]] = {}
    overall = [[0, 0] for _ in window]
    for attempt in attempts:
        entry = per_topic.setdefault(attempt.topic, [0, 0, [[0, 0] for _ in window], None])
        entry[0] += 1
        entry[1] += int(attempt.correct)
        entry[3] = attempt.answered_at if entry[3] is None else max(entry[3], attempt.answered_at)
        slot = index.get(local_day(attempt.answered_at))
        if slot is not None:
            entry[2][slot][0] += 1
            entry[2][slot][1] += int(attempt.correct)
            overall[slot][0] += 1
            overall[slot][1] += int(attempt.correct)
    for card in cards:
        per_topic.setdefault(card.topic, [0, 0, [[0, 0] for _ in window], None])
    histories = []
    for topic, (answered, correct, daily, last) in sorted(per_topic.items()):
        topic_cards = [c for c in cards if c.topic == topic]
        histories.append(
            TopicHistory(
                topic=topic,
                answered=answered,
                correct=correct,
                recent_answered=sum(d[0] for d in daily),
                recent_correct=sum(d[1] for d in daily),
                daily=tuple((d[0], d[1]) for d in daily),
                due=sum(c.due <= now for c in topic_cards),
                cards=len(topic_cards),
                last=last,
            )
        )
    due = [ReviewItem(c.template_id, c.topic, "due", c.due) for c in cards if c.due <= now]
    upcoming = [ReviewItem(c.template_id, c.topic, "due", c.due) for c in cards if c.due > now]
    return StatsReport(
        days=window,
        daily=tuple((d[0], d[1]) for d in overall),
        topics=tuple(histories),
        due=tuple(sorted(due, key=lambda r: r.due or now)[:limit]),
        upcoming=tuple(sorted(upcoming, key=lambda r: r.due or now)[:limit]),
        total_answered=len(attempts),
        day_streak=day_streak([a.answered_at for a in attempts], now),
    )


# -- the --json transcript ---------------------------------------------------------------------


def transcript(result: SessionResult, summary: Summary) -> dict[str, Any]:
    """A machine-readable account of the session (stable keys; see docs/practice.md)."""
    return {
        "session": result.session_id,
        "exam": result.exam,
        "ended_by": result.ended_by.value,
        "planned": result.planned,
        "seconds": round(result.seconds, 3),
        "questions": [_outcome_json(o) for o in result.outcomes],
        "score": {
            "correct": summary.correct,
            "answered": summary.answered,
            "by_topic": {
                t.topic: {"correct": t.correct, "wrong": t.wrong, "skipped": t.skipped}
                for t in summary.topics
            },
        },
        "best_run": summary.best_run,
        "day_streak": summary.day_streak,
        "review_next": [
            {"template": r.template_id, "topic": r.topic, "why": r.why, "due": _iso(r.due)}
            for r in summary.review_next
        ],
        "error": result.error.message if result.error else None,
    }


def _outcome_json(outcome: QuestionOutcome) -> dict[str, Any]:
    question = outcome.question
    feedback = outcome.feedback
    return {
        "id": question.id,
        "template": question.template.id,
        "topic": question.template.topic,
        "level": question.template.difficulty,
        "prompt": question.prompt,
        "status": outcome.status.value,
        "answers": outcome.answers,
        "hinted": outcome.hinted,
        "expected": feedback.answer if feedback else None,
        "accepted": feedback.accepted if feedback else None,
        "misconception": (
            feedback.misconception.name if feedback and feedback.misconception else None
        ),
        "seconds": outcome.seconds,
        "rating": outcome.rating.name.lower() if outcome.rating else None,
        "due": _iso(feedback.due) if feedback else None,
        "error": outcome.error or None,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def stats_json(report: StatsReport) -> dict[str, Any]:
    """``quizkit stats --json``: per-topic history, daily counts and due reviews."""
    return {
        "days": [day.isoformat() for day in report.days],
        "daily": [{"answered": a, "correct": c} for a, c in report.daily],
        "topics": [
            {
                "topic": t.topic,
                "answered": t.answered,
                "correct": t.correct,
                "daily": [{"answered": a, "correct": c} for a, c in t.daily],
                "due": t.due,
                "cards": t.cards,
                "last": _iso(t.last),
            }
            for t in report.topics
        ],
        "due": [
            {"template": r.template_id, "topic": r.topic, "due": _iso(r.due)} for r in report.due
        ],
        "upcoming": [
            {"template": r.template_id, "topic": r.topic, "due": _iso(r.due)}
            for r in report.upcoming
        ],
        "total_answered": report.total_answered,
        "day_streak": report.day_streak,
    }
