"""The practice session as a state machine over a plan, with every effect injected.

For each planned question: show it, read lines until one is an answer (or a command), grade it
against the truth, record it, give feedback. Reading, showing, computing truths, storing and the
clocks are parameters (:class:`SessionIO`, :class:`Checker`, :class:`Recorder`), so the same
logic runs in a terminal, from a pipe, and in tests with fakes.

At the prompt:

- an answer in one of the formats of :func:`quizkit.answers.accepted_formats`; text that does
  not parse is answered with the accepted formats and asked again, never graded wrong;
- ``?`` or ``hint`` shows the hint (not in exam mode); ``skip`` gives up on the question (it is
  recorded, and scheduled as Again); ``explain`` shows the worked derivation of the question
  just answered; ``quit`` ends the session; ``help`` lists these.

A wrong answer shows the correct answer, the accepted tolerance and the worked derivation; in an
interactive session a level-1 question first allows one retry (not a yes/no or two-option one,
where the retry would be a free guess). In exam mode nothing is shown until the end. Every
answer is recorded as it is given, so an interrupted session keeps all of them; the question on
screen when the session stops is not recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from quizkit.bank.model import AnswerKind
from quizkit.bank.question import Question
from quizkit.errors import QuizkitError, TemplateError
from quizkit.practice.plan import Plan, PlannedQuestion
from quizkit.practice.schedule import Rating, rate
from quizkit.practice.store import Attempt, utc_now

if TYPE_CHECKING:
    from quizkit.answers import ParseFailure
    from quizkit.bank.checking import Misnamed
    from quizkit.bank.truth import Truth


class Command(str, Enum):
    HINT = "hint"
    SKIP = "skip"
    EXPLAIN = "explain"
    QUIT = "quit"
    HELP = "help"


COMMAND_WORDS: dict[str, Command] = {
    "?": Command.HINT,
    "hint": Command.HINT,
    "skip": Command.SKIP,
    "explain": Command.EXPLAIN,
    "quit": Command.QUIT,
    "exit": Command.QUIT,
    "help": Command.HELP,
    # The Chinese interface's words (and a Chinese IME's full-width question mark).
    "？": Command.HINT,
    "提示": Command.HINT,
    "跳过": Command.SKIP,
    "讲解": Command.EXPLAIN,
    "解答": Command.EXPLAIN,
    "退出": Command.QUIT,
    "帮助": Command.HELP,
}


class Notice(str, Enum):
    """What the session tells the student about a command; the UI words it in its language."""

    NO_HINTS_IN_EXAM = "No hints in exam mode."
    SOLUTIONS_AT_END = "Worked solutions come at the end in exam mode."
    TRY_ONCE_MORE = "Try once more first, or type skip to see the answer."
    ANSWER_FIRST = "Answer first; explain then shows the worked derivation."


class Status(str, Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    SKIPPED = "skipped"
    BROKEN = "broken"  # the template failed; nothing recorded


class EndReason(str, Enum):
    DONE = "done"
    QUIT = "quit"
    EOF = "eof"  # input ran out (Ctrl-D, or the end of piped answers)
    INTERRUPT = "interrupt"  # Ctrl-C
    ERROR = "error"  # torch could not be loaded


@dataclass(frozen=True)
class Feedback:
    """What the student is told about one answer (or skip)."""

    question: Question
    given: str | None  # the answer as it was read (e.g. "(1, 16, 15, 15)"); None for a skip
    correct: bool
    answer: str  # the truth, formatted with options and unit
    accepted: str  # the accepted interval
    solution: str
    detail: str = ""  # what torch said, for illegal operations
    seconds: float | None = None
    try_number: int = 1
    due: datetime | None = None  # when FSRS will ask again
    misconception: Misnamed | None = None  # the classic mistake a wrong answer matches


@dataclass
class QuestionOutcome:
    planned: PlannedQuestion
    status: Status
    answers: list[str] = field(default_factory=list)
    hinted: bool = False
    seconds: float | None = None
    feedback: Feedback | None = None
    rating: Rating | None = None
    error: str = ""

    @property
    def question(self) -> Question:
        return self.planned.question

    @property
    def tries(self) -> int:
        return len(self.answers)


@dataclass
class SessionResult:
    outcomes: list[QuestionOutcome]
    planned: int
    exam: bool
    seconds: float
    ended_by: EndReason
    session_id: int | None = None
    error: QuizkitError | None = None


@dataclass(frozen=True)
class SessionOptions:
    exam: bool = False
    interactive: bool = True  # a person at a terminal: answers are timed, level 1 allows a retry
    session_id: int | None = None


class SessionIO(Protocol):
    """Everything the session shows or reads."""

    def question(self, planned: PlannedQuestion, number: int, total: int) -> None: ...

    def ask(self, *, retry: bool) -> str | None:
        """One line of input; None at the end of input. Ctrl-C raises KeyboardInterrupt."""
        ...

    def hint(self, question: Question) -> None: ...

    def unreadable(self, failure: ParseFailure) -> None: ...

    def feedback(self, feedback: Feedback, *, retry: bool) -> None: ...

    def explain(self, feedback: Feedback) -> None: ...

    def recorded(self, question: Question) -> None:
        """Exam mode: the answer was stored (no verdict yet)."""
        ...

    def notice(self, message: str) -> None: ...

    def commands(self) -> None: ...

    def template_error(self, question: Question, message: str) -> None: ...

    def waiting(self) -> AbstractContextManager[object]:
        """Shown while the truth is still being computed (torch still loading)."""
        ...


class Checker(Protocol):
    def prefetch(self, question: Question) -> None: ...

    def is_ready(self, question: Question) -> bool: ...

    def truth(self, question: Question) -> Truth: ...


class Recorder(Protocol):
    def record(self, attempt: Attempt, rating: Rating | None = None) -> datetime | None: ...


def retry_allowed(question: Question) -> bool:
    """Level-1 questions allow a second try, except yes/no and two-option ones (a guess)."""
    binary = question.kind in (AnswerKind.BOOL, AnswerKind.LEGAL) or (
        question.kind is AnswerKind.CHOICE and len(question.options) <= 2
    )
    return question.template.difficulty == 1 and not binary


def parse_command(text: str) -> Command | None:
    return COMMAND_WORDS.get(text.strip().lower())


@dataclass
class Session:
    """One run over a plan. Call :meth:`run` once."""

    plan: Plan
    io: SessionIO
    checker: Checker
    recorder: Recorder
    options: SessionOptions = SessionOptions()
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = utc_now
    outcomes: list[QuestionOutcome] = field(default_factory=list)
    _last: Feedback | None = field(default=None, init=False)

    def run(self) -> SessionResult:
        started = self.clock()
        ended_by = EndReason.DONE
        error: QuizkitError | None = None
        questions = self.plan.questions
        try:
            for index, planned in enumerate(questions):
                self.io.question(planned, index + 1, len(questions))
                self.checker.prefetch(planned.question)
                if index + 1 < len(questions):
                    self.checker.prefetch(questions[index + 1].question)
                stop = self._ask(planned)
                if stop is not None:
                    ended_by = stop
                    break
        except KeyboardInterrupt:
            ended_by = EndReason.INTERRUPT
        except QuizkitError as failure:  # torch failed to load: nothing more can be graded
            ended_by, error = EndReason.ERROR, failure
        return SessionResult(
            outcomes=self.outcomes,
            planned=len(questions),
            exam=self.options.exam,
            seconds=self.clock() - started,
            ended_by=ended_by,
            session_id=self.options.session_id,
            error=error,
        )

    # -- one question --------------------------------------------------------------------------

    def _ask(self, planned: PlannedQuestion) -> EndReason | None:
        """Run one question to its end; return why the session stops, or None to go on."""
        question = planned.question
        exam = self.options.exam
        allowed = 2 if self.options.interactive and not exam and retry_allowed(question) else 1
        outcome = QuestionOutcome(planned, Status.WRONG)
        shown_at = self.clock()
        while True:
            text = self.io.ask(retry=bool(outcome.answers))
            if text is None:
                return EndReason.EOF
            command = parse_command(text)
            if command is Command.QUIT:
                return EndReason.QUIT
            if command is Command.HELP:
                self.io.commands()
            elif command is Command.HINT:
                if exam:
                    self.io.notice(Notice.NO_HINTS_IN_EXAM)
                else:
                    outcome.hinted = True
                    self.io.hint(question)
            elif command is Command.EXPLAIN:
                self._explain(outcome)
            elif command is Command.SKIP:
                self._skip(outcome, self.clock() - shown_at)
                return None
            elif text.strip():
                done = self._answer(outcome, text.strip(), self.clock() - shown_at, allowed)
                if done:
                    return None

    def _explain(self, outcome: QuestionOutcome) -> None:
        if self.options.exam:
            self.io.notice(Notice.SOLUTIONS_AT_END)
        elif outcome.answers:
            self.io.notice(Notice.TRY_ONCE_MORE)
        elif self._last is None:
            self.io.notice(Notice.ANSWER_FIRST)
        else:
            self.io.explain(self._last)

    def _answer(self, outcome: QuestionOutcome, text: str, seconds: float, allowed: int) -> bool:
        """Grade one typed line; True when the question is finished."""
        from quizkit.answers import ParseFailure, check_answer, format_value, parse_answer
        from quizkit.bank.checking import misconception_named

        question = outcome.question
        parsed = parse_answer(question.kind, text, options=question.options)
        if isinstance(parsed, ParseFailure):
            self.io.unreadable(parsed)
            return False
        truth = self._truth(outcome)
        if truth is None:
            return True
        spec = question.template.answer
        try:
            verdict = check_answer(question.kind, truth.value, parsed.value, spec.tolerance)
        except TemplateError as error:
            self._broken(outcome, error.message)
            return True
        outcome.answers.append(text)
        final = verdict.correct or len(outcome.answers) >= allowed
        timed = seconds if self.options.interactive else None
        rating = (
            rate(
                correct=verdict.correct,
                level=question.template.difficulty,
                seconds=timed,
                tries=len(outcome.answers),
                hinted=outcome.hinted,
            )
            if final
            else None
        )
        due = self.recorder.record(self._attempt(outcome, text, verdict.correct, timed), rating)
        shown = format_value(question.kind, parsed.value, options=question.options, unit=spec.unit)
        feedback = self._feedback(outcome, truth, shown, verdict.correct, timed, due)
        if not verdict.correct:
            feedback = replace(
                feedback, misconception=misconception_named(question, truth, parsed.value)
            )
        if not final:
            self.io.feedback(feedback, retry=True)
            return False
        outcome.status = Status.CORRECT if verdict.correct else Status.WRONG
        self._finish(outcome, feedback, rating, timed)
        return True

    def _skip(self, outcome: QuestionOutcome, seconds: float) -> None:
        truth = self._truth(outcome)
        if truth is None:
            return None
        timed = seconds if self.options.interactive else None
        rating = Rating.AGAIN
        due = self.recorder.record(self._attempt(outcome, None, False, timed, skipped=True), rating)
        outcome.status = Status.SKIPPED
        self._finish(
            outcome, self._feedback(outcome, truth, None, False, timed, due), rating, timed
        )
        return None

    def _finish(
        self,
        outcome: QuestionOutcome,
        feedback: Feedback,
        rating: Rating | None,
        seconds: float | None,
    ) -> None:
        outcome.feedback, outcome.rating, outcome.seconds = feedback, rating, seconds
        self.outcomes.append(outcome)
        self._last = feedback
        if self.options.exam:
            self.io.recorded(outcome.question)
        else:
            self.io.feedback(feedback, retry=False)

    def _truth(self, outcome: QuestionOutcome) -> Truth | None:
        """The truth, waiting (with a spinner) if torch is still loading; None if it broke."""
        question = outcome.question
        try:
            if self.checker.is_ready(question):
                return self.checker.truth(question)
            with self.io.waiting():
                return self.checker.truth(question)
        except TemplateError as error:
            self._broken(outcome, error.message)
            return None

    def _broken(self, outcome: QuestionOutcome, message: str) -> None:
        outcome.status, outcome.error = Status.BROKEN, message
        self.outcomes.append(outcome)
        self.io.template_error(outcome.question, message)

    def _attempt(
        self,
        outcome: QuestionOutcome,
        answer: str | None,
        correct: bool,
        seconds: float | None,
        *,
        skipped: bool = False,
    ) -> Attempt:
        question = outcome.question
        return Attempt(
            template_id=question.template.id,
            topic=question.template.topic,
            level=question.template.difficulty,
            seed=question.seed,
            answer=answer,
            correct=correct,
            answered_at=self.now(),
            seconds=None if seconds is None else round(seconds, 3),
            skipped=skipped,
            try_number=max(1, len(outcome.answers)),
            hinted=outcome.hinted,
            session_id=self.options.session_id,
        )

    def _feedback(
        self,
        outcome: QuestionOutcome,
        truth: Truth,
        given: str | None,
        correct: bool,
        seconds: float | None,
        due: datetime | None,
    ) -> Feedback:
        from quizkit.answers import shown_answer

        question = outcome.question
        shown = shown_answer(question, truth)
        return Feedback(
            question=question,
            given=given,
            correct=correct,
            answer=shown.answer,
            accepted=shown.accepted,
            solution=question.solution,
            detail=truth.detail,
            seconds=seconds,
            try_number=max(1, len(outcome.answers)),
            due=due,
        )
