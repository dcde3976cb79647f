"""The practice API the CLI calls: open the store, plan, run the session, summarise.

:func:`prepare` does everything the first question needs and nothing more (no torch, no fsrs):
read the bank, open the store, plan. :func:`run` runs the session with the given I/O and a
:class:`~quizkit.practice.truths.TruthWorker` that loads torch while the student reads, then
closes the session in the store and builds the summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quizkit.bank.bank import Bank
from quizkit.errors import UsageError
from quizkit.practice.plan import DEFAULT_COUNT, Plan, plan_session
from quizkit.practice.report import StatsReport, Summary, build_stats, summarize
from quizkit.practice.session import Checker, Session, SessionIO, SessionOptions, SessionResult
from quizkit.practice.store import AttemptStore, utc_now


@dataclass(frozen=True)
class Prepared:
    """A planned session with its store open; pass it to :func:`run`."""

    store: AttemptStore
    plan: Plan
    session_id: int
    exam: bool
    interactive: bool
    notices: tuple[str, ...]  # one-line warnings for the student (a moved-aside database, ...)


@dataclass(frozen=True)
class Finished:
    result: SessionResult
    summary: Summary


def prepare(
    *,
    bank: Bank,
    store_path: Path,
    topics: Sequence[str] = (),
    levels: set[int] | None = None,
    count: int = DEFAULT_COUNT,
    seed: int | None = None,
    exam: bool = False,
    interactive: bool = True,
    now: datetime | None = None,
) -> Prepared:
    """Check the topics, open the store and plan the session. No torch is imported."""
    moment = now or utc_now()
    names = list(dict.fromkeys(topics))
    for name in names:
        bank.topic(name)  # an unknown topic raises UnknownQuestionError listing the topics
    templates = bank.templates(names or None, levels=levels)
    if not templates:
        where = f" in {', '.join(names)}" if names else ""
        wanted = ",".join(str(n) for n in sorted(levels or ()))
        raise UsageError(f"no questions at level {wanted}{where}; levels run 1-3")
    store = AttemptStore.open(store_path, now=moment)
    try:
        plan = plan_session(templates, count=count, seed=seed, history=store.history(), now=moment)
        session_id = store.start_session(
            topics=names, exam=exam, seed=seed, planned=len(plan.questions), when=moment
        )
    except BaseException:
        store.close()
        raise
    notices = [store.notice] if store.notice else []
    notices += [f"skipping a broken template: {problem}" for problem in plan.skipped_templates]
    return Prepared(store, plan, session_id, exam, interactive, tuple(notices))


def run(
    prepared: Prepared,
    *,
    io: SessionIO,
    checker: Checker,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = utc_now,
) -> Finished:
    """Run the session to its end (or Ctrl-C, or the end of input) and summarise it."""
    store = prepared.store
    session = Session(
        plan=prepared.plan,
        io=io,
        checker=checker,
        recorder=store,
        options=SessionOptions(
            exam=prepared.exam,
            interactive=prepared.interactive,
            session_id=prepared.session_id,
        ),
        clock=clock,
        now=now,
    )
    result = session.run()
    moment = now()
    store.end_session(prepared.session_id, when=moment, ended_by=result.ended_by.value)
    summary = summarize(result, attempts=store.attempts(), cards=store.cards(), now=moment)
    return Finished(result, summary)


def stats(
    *, store_path: Path, topics: Sequence[str] = (), days: int = 14, now: datetime | None = None
) -> StatsReport:
    """History per topic and due reviews (an empty report when there is no history yet)."""
    moment = now or utc_now()
    if days < 1:
        raise UsageError(f"--days {days}: give at least one day")
    with AttemptStore.open(store_path, now=moment) as store:
        return build_stats(store.attempts(), store.cards(), now=moment, days=days, topics=topics)
