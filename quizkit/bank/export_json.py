"""One question as JSON: what ``show --json`` prints and each worksheet JSON item is built on.

Shapes are lists, choices 0-based indices, NaN and infinities the strings "nan", "inf", "-inf"
(JSON has no such numbers). With a truth, the answer, its text, the accepted interval and each
misconception's wrong answer and feedback are included.
"""

from __future__ import annotations

import json
import math
from typing import Any

from quizkit.bank.question import Question, Truth


def question_json(question: Question, truth: Truth | None = None) -> dict[str, Any]:
    """The question's fields, and its truth when given."""
    template = question.template
    data: dict[str, Any] = {
        "id": question.id,
        "template": template.id,
        "title": template.title,
        "topic": template.topic,
        "difficulty": template.difficulty,
        "kind": question.kind.value,
        "params": question.params,
        "prompt": question.prompt,
        "options": list(question.options),
        "hint": question.hint,
        "tolerance": template.answer.tolerance.model_dump(exclude_none=True),
        "unit": template.answer.unit,
    }
    if truth is not None:
        from quizkit.answers import shown_answer

        shown = shown_answer(question, truth)
        data |= {
            "answer": truth.value,
            "answer_text": shown.answer,
            "accepted": shown.accepted,
            "detail": truth.detail,
            "solution": question.solution,
            "misconceptions": [
                {"name": w.name, "answer": w.value, "feedback": question.feedback.get(w.name, "")}
                for w in truth.misconceptions
            ],
        }
    return finite(data)


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """JSON text with non-ASCII kept readable and odd values (sets, ranges) made plain."""
    return json.dumps(finite(data), indent=indent, ensure_ascii=False, default=_plain)


def finite(value: Any) -> Any:
    """NaN and infinities as the strings "nan", "inf", "-inf"; tuples as lists."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def _plain(value: object) -> object:
    """Anything unusual (a range, a set) becomes a list or text."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, range):
        return list(value)
    return repr(value)
