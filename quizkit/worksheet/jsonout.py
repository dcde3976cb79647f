"""Worksheets as JSON for other tools: questions, parameters, answers and derivations.

One object per document: ``{"format": "quizkit-worksheet/1", "title", "seed", "bank",
"selection", "versions": [{"id", "version", "max_points", "questions": [...]}]}``; each question
has its id, template, topic, difficulty, kind, params, prompt (Markdown), options, hint,
``answer`` (the torch truth as JSON: shapes as lists, choices as 0-based indices, NaN and
infinities as the strings "nan", "inf", "-inf"),
``answer_text``, ``accepted``, ``tolerance``, ``unit``, ``solution`` and ``points``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from quizkit.worksheet.build import Item, Version, Worksheet

FORMAT = "quizkit-worksheet/1"


def worksheet_json(worksheet: Worksheet, versions: tuple[Version, ...]) -> str:
    data = {
        "format": FORMAT,
        "title": worksheet.title,
        "seed": worksheet.seed,
        "bank": worksheet.bank,
        "selection": {
            "topics": list(worksheet.selection.topics),
            "count": worksheet.selection.count,
            "levels": list(worksheet.selection.levels),
        },
        "versions": [_version(version) for version in versions],
    }
    return json.dumps(_finite(data), indent=2, ensure_ascii=False, default=_plain) + "\n"


def _version(version: Version) -> dict[str, Any]:
    return {
        "id": str(version.id),
        "version": version.number,
        "max_points": version.max_points,
        "questions": [_item(item) for item in version.items],
    }


def _item(item: Item) -> dict[str, Any]:
    question = item.question
    template = question.template
    return {
        "number": item.number,
        "id": question.id,
        "template": template.id,
        "title": template.title,
        "topic": template.topic,
        "difficulty": template.difficulty,
        "kind": item.kind.value,
        "params": question.params,
        "prompt": question.prompt,
        "options": list(question.options),
        "hint": question.hint,
        "answer": item.truth.value,
        "answer_text": item.answer,
        "accepted": item.accepted,
        "tolerance": template.answer.tolerance.model_dump(exclude_none=True),
        "unit": template.answer.unit,
        "detail": item.truth.detail,
        "solution": question.solution,
        "points": item.points,
    }


def _plain(value: object) -> object:
    """Tuples are lists already; anything else unusual (a range, a set) becomes a list or text."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, range):
        return list(value)
    return repr(value)


def _finite(value: Any) -> Any:
    """NaN and infinities as the strings "nan", "inf", "-inf" (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
