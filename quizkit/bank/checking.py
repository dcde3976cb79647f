"""Grade one typed answer to one question: the core of ``quizkit check``.

Reading (:func:`quizkit.answers.parse_answer`), judging (:func:`quizkit.answers.check_answer`
under the template's tolerance) and naming the mistake
(:func:`quizkit.answers.misconception.matching_misconception`) are the same functions practice
and answer sheets use, so a script gets the verdict a student would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quizkit.answers import ParseFailure, check_answer, format_value, parse_answer, shown_answer
from quizkit.answers.misconception import matching_misconception
from quizkit.bank.question import Question, Truth


@dataclass(frozen=True)
class Misnamed:
    """The misconception an answer matches: its name and the feedback sentence."""

    name: str
    feedback: str


@dataclass(frozen=True)
class AnswerCheck:
    """The verdict on one answer; ``answer_read`` is ``None`` when the text was unreadable."""

    question_id: str
    readable: bool
    correct: bool
    answer_read: str | None
    truth: str
    truth_value: Any
    accepted: str
    misconception: Misnamed | None = None
    message: str = ""  # why it was unreadable, or why wrong (type mismatch)
    formats: str = ""  # the accepted input formats, when unreadable

    def as_json(self) -> dict[str, Any]:
        """The documented JSON form of ``quizkit check --json``."""
        return {
            "id": self.question_id,
            "readable": self.readable,
            "correct": self.correct,
            "answer_read": self.answer_read,
            "truth": self.truth,
            "truth_value": self.truth_value,
            "accepted": self.accepted,
            "misconception": (
                None
                if self.misconception is None
                else {"name": self.misconception.name, "feedback": self.misconception.feedback}
            ),
            "message": self.message,
            "formats": self.formats,
        }


def check_typed_answer(question: Question, truth: Truth, text: str) -> AnswerCheck:
    """Read ``text`` as an answer to ``question`` and judge it against ``truth``."""
    shown = shown_answer(question, truth)
    common = {
        "question_id": question.id,
        "truth": shown.answer,
        "truth_value": truth.value,
        "accepted": shown.accepted,
    }
    parsed = parse_answer(question.kind, text, options=question.options)
    if isinstance(parsed, ParseFailure):
        return AnswerCheck(
            **common,
            readable=False,
            correct=False,
            answer_read=None,
            message=parsed.message,
            formats=parsed.formats,
        )
    tolerance = question.template.answer.tolerance
    verdict = check_answer(question.kind, truth.value, parsed.value, tolerance)
    named = None if verdict.correct else misconception_named(question, truth, parsed.value)
    read = format_value(question.kind, parsed.value, options=question.options)
    return AnswerCheck(
        **common,
        readable=True,
        correct=verdict.correct,
        answer_read=read,
        misconception=named,
        message="" if verdict.correct else verdict.given,
    )


def misconception_named(question: Question, truth: Truth, given: object) -> Misnamed | None:
    """The misconception a wrong, readable answer ``given`` matches, with its feedback."""
    tolerance = question.template.answer.tolerance
    name = matching_misconception(question.kind, given, truth.misconceptions, tolerance)
    return None if name is None else Misnamed(name, question.feedback.get(name, ""))
