"""``--format csv``: a gradebook, one row per student, one column per question, and the total.

Columns: ``student_id``, ``name``, ``submission`` (the file or folder graded), then one column
per question — ``q1``, ``q2``, ... for answer sheets (prefixed ``ws-<seed>`` when the run
holds sheets of several worksheets), the exercise name for exercises — then ``total``,
``max``, ``status`` (``graded``, ``error``, ``missing``) and ``notes`` (errors and warnings,
one line). A cell holds the points earned; it is empty where the student has no such question or
the sheet could not be graded. Roster students who handed nothing in get a row with status
``missing``.

Safe to open in a spreadsheet: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a
leading ``'`` (so it is text, not a formula), and every cell passes through
:func:`quizkit.grade.reports.safe.visible` without line breaks.
"""

from __future__ import annotations

import csv
import io
import re

from quizkit.exercises.models import ExerciseResult
from quizkit.grade.models import GradeRun, SubmissionKind, SubmissionResult
from quizkit.grade.reports.safe import visible

_SHEET = re.compile(r"^worksheet ws-(?P<seed>\d+)-v\d+-[0-9a-f]+$")
_QUESTION = re.compile(r"^q(?P<number>\d+)$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """One spreadsheet-safe, one-line cell."""
    text = visible(text, newlines=False)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _columns(result: ExerciseResult, many_worksheets: bool) -> list[tuple[str, float]]:
    """(column, points) for one graded exercise or sheet."""
    sheet = _SHEET.match(result.exercise)
    if sheet is None:
        return [(result.exercise, result.score)]
    prefix = f"ws-{sheet['seed']} " if many_worksheets else ""
    return [(prefix + t.name, t.points) for t in result.tests]


def _order(column: str) -> tuple[int, str, int]:
    """Exercises first in order of appearance (the caller's stable sort); questions by number."""
    head, _, tail = column.rpartition(" ")
    match = _QUESTION.match(tail)
    if match is None:
        return (0, "", 0)
    return (1, head, int(match["number"]))


def _status(sub: SubmissionResult) -> str:
    if sub.kind is SubmissionKind.MISSING:
        return "missing"
    return "error" if sub.errors else "graded"


def _number(value: float) -> str:
    return f"{value:g}"


def csv_report(run: GradeRun) -> str:
    seeds = {
        m["seed"]
        for sub in run.submissions
        for r in sub.exercises
        if (m := _SHEET.match(r.exercise)) is not None
    }
    many = len(seeds) > 1
    rows: list[dict[str, float]] = []
    columns: list[str] = []
    for sub in run.submissions:
        points: dict[str, float] = {}
        for result in sub.exercises:
            for column, value in _columns(result, many):
                points[column] = points.get(column, 0.0) + value
                if column not in columns:
                    columns.append(column)
        rows.append(points)
    columns.sort(key=_order)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["student_id", "name", "submission", *map(cell, columns), "total", "max", "status", "notes"]
    )
    for sub, points in zip(run.submissions, rows, strict=True):
        graded = sub.kind is not SubmissionKind.MISSING
        writer.writerow(
            [
                cell(sub.student_id),
                cell(sub.name),
                cell(sub.submission),
                *(_number(points[c]) if c in points else "" for c in columns),
                _number(sub.score) if graded else "",
                _number(sub.max_score) if graded else "",
                _status(sub),
                cell(" | ".join([*sub.errors, *sub.warnings])),
            ]
        )
    return buffer.getvalue()
