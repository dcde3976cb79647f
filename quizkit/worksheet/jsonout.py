"""Worksheets as JSON for other tools: questions, parameters, answers and derivations.

One object per document: ``{"format": "quizkit-worksheet/1", "title", "seed", "bank",
"selection", "versions": [{"id", "version", "max_points", "questions": [...]}]}``; each question
has its id, template, topic, difficulty, kind, params, prompt (Markdown), options, hint,
``answer`` (the torch truth as JSON: shapes as lists, choices as 0-based indices, NaN and
infinities as the strings "nan", "inf", "-inf"),
``answer_text``, ``accepted``, ``tolerance``, ``unit``, ``solution``, ``misconceptions`` (each
wrong answer's name, value and feedback) and ``points`` (see :mod:`quizkit.bank.export_json`).
"""

from __future__ import annotations

from typing import Any

from quizkit.bank.export_json import dumps, question_json
from quizkit.worksheet.build import Item, Version, Worksheet

FORMAT = "quizkit-worksheet/1"


def worksheet_json(worksheet: Worksheet, versions: tuple[Version, ...]) -> str:
    data = {
        "format": FORMAT,
        "title": worksheet.title,
        "lang": worksheet.lang.value,
        "seed": worksheet.seed,
        "bank": worksheet.bank,
        "selection": {
            "topics": list(worksheet.selection.topics),
            "count": worksheet.selection.count,
            "levels": list(worksheet.selection.levels),
        },
        "versions": [_version(version) for version in versions],
    }
    return dumps(data) + "\n"


def _version(version: Version) -> dict[str, Any]:
    return {
        "id": str(version.id),
        "version": version.number,
        "max_points": version.max_points,
        "questions": [_item(item) for item in version.items],
    }


def _item(item: Item) -> dict[str, Any]:
    return {
        "number": item.number,
        **question_json(item.question, item.truth),
        "answer_text": item.answer,
        "accepted": item.accepted,
        "points": item.points,
    }
