"""Answers: parse what people type, and check it against the torch truth with a tolerance.

Public API (the rest of quizkit uses only these names):

- ``parse_answer(kind, text, *, options=()) -> Parsed | ParseFailure``
- ``check_answer(kind, truth, given, tolerance) -> Verdict``
- ``format_value(kind, value, *, options=(), unit=None) -> str``
- ``accepted_formats(kind) -> str``
- ``shown_answer(question, truth) -> ShownAnswer`` (answer text and accepted interval)

Values by kind: shape -> ``tuple[int, ...]``; legal/bool -> ``bool``; params/flops/int -> ``int``
(a typed ``22.6G`` parses to a float and is compared numerically); value -> ``float`` or
``list[float]``; choice -> ``int`` (0-based option index).
"""

from quizkit.answers.check import Verdict, accepted_interval, check_answer, tolerance_bound
from quizkit.answers.formats import accepted_formats, format_value
from quizkit.answers.parse import Parsed, ParseFailure, parse_answer
from quizkit.answers.shown import ShownAnswer, shown_answer

__all__ = [
    "ParseFailure",
    "Parsed",
    "ShownAnswer",
    "Verdict",
    "accepted_formats",
    "accepted_interval",
    "check_answer",
    "format_value",
    "parse_answer",
    "shown_answer",
    "tolerance_bound",
]
