"""A question's truth as people see it: the answer text and the accepted interval."""

from __future__ import annotations

from dataclasses import dataclass

from quizkit.answers.check import accepted_interval
from quizkit.answers.formats import format_value
from quizkit.bank.question import Question, Truth


@dataclass(frozen=True)
class ShownAnswer:
    answer: str  # as format_value writes it (parse_answer reads it back)
    accepted: str  # the accepted interval, or the exact value


def shown_answer(question: Question, truth: Truth) -> ShownAnswer:
    """The truth formatted with the question's options and unit, and its tolerance described."""
    spec = question.template.answer
    return ShownAnswer(
        answer=format_value(question.kind, truth.value, options=question.options, unit=spec.unit),
        accepted=accepted_interval(question.kind, truth.value, spec.tolerance),
    )
