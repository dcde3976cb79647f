"""Naming the mistake: which classic wrong answer a student's answer matches.

A student's answer *matches* a misconception when the question's own tolerance would accept it
were the misconception's value the truth — the same rule that grades it, so a name is given
exactly when the answer is indistinguishable from that mistake at the asked precision.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from quizkit.answers.check import check_answer
from quizkit.bank.model import AnswerKind, Tolerance


class Wrong(Protocol):
    """A misconception's computed answer (``quizkit.bank.question.WrongAnswer``)."""

    @property
    def name(self) -> str: ...

    @property
    def value(self) -> Any: ...


def matching_misconception(
    kind: AnswerKind, given: object, wrong_answers: Iterable[Wrong], tolerance: Tolerance
) -> str | None:
    """The name of the first misconception whose value the tolerance accepts ``given`` as."""
    for wrong in wrong_answers:
        if check_answer(kind, wrong.value, given, tolerance).correct:
            return wrong.name
    return None
