"""Grade a filled answer sheet: regenerate its worksheet version, check each answer with torch.

:func:`grade_answer_sheet` is the API behind ``quizkit grade answers-<id>.yaml``. The sheet's
id gives the seed, version and bank fingerprint; if the bank's fingerprint differs now, the
questions could differ too, so grading refuses (:class:`StaleWorksheetError`). Otherwise the
version is rebuilt from the sheet's selection and seed, every slot's question id is checked
against it, and every answer is parsed and checked. An unreadable or blank answer is a wrong
answer with a message, never an error; only a sheet that is not a sheet is an error.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from quizkit.answers import ParseFailure, check_answer, parse_answer
from quizkit.bank.bank import Bank
from quizkit.worksheet.build import Item, build_version
from quizkit.worksheet.errors import AnswerSheetError, StaleWorksheetError
from quizkit.worksheet.select import select_templates
from quizkit.worksheet.sheet import AnswerSheet, Slot, is_answer_sheet, read_answer_sheet

__all__ = [
    "QuestionResult",
    "SheetResult",
    "grade_answer_sheet",
    "grade_sheet",
    "is_answer_sheet",
]


@dataclass(frozen=True)
class QuestionResult:
    """The grade of one question. ``given`` is None when the slot was left blank."""

    number: int
    id: str  # the question id, template@seed
    title: str  # the template's short title
    kind: str
    given: str | None
    expected: str
    accepted: str
    correct: bool
    points: int
    max_points: int
    message: str
    line: int | None  # the answer's line in the sheet


@dataclass(frozen=True)
class SheetResult:
    """A graded answer sheet; plain data, JSON-serializable with :meth:`to_dict`."""

    path: str
    worksheet: str
    title: str
    name: str
    student_id: str
    questions: tuple[QuestionResult, ...]

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)

    @property
    def max_points(self) -> int:
        return sum(q.max_points for q in self.questions)

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(points=self.points, max_points=self.max_points, percent=self.percent)
        return data


def grade_answer_sheet(path: Path, *, bank: Bank) -> SheetResult:
    """Read ``path`` and grade it against ``bank``.

    Raises :class:`AnswerSheetError` for a file that is not a readable answer sheet (the message
    names file and line) and :class:`StaleWorksheetError` if the bank changed since.
    """
    return grade_sheet(read_answer_sheet(path), bank=bank)


def grade_sheet(sheet: AnswerSheet, *, bank: Bank) -> SheetResult:
    """Grade an already read sheet (see :func:`grade_answer_sheet`)."""
    worksheet_id = sheet.worksheet
    now = bank.fingerprint()
    if worksheet_id.bank != now:
        raise StaleWorksheetError(
            f"{sheet.path}: worksheet {worksheet_id} was made from bank {worksheet_id.bank}, "
            f"but the bank is now {now}; its questions may have changed, so it is not graded "
            "(grade with the bank it was made from, or make a new worksheet)"
        )
    templates = select_templates(bank, sheet.selection, seed=worksheet_id.seed)
    version = build_version(
        templates, seed=worksheet_id.seed, version=worksheet_id.version, bank=now
    )
    slots = _slots_by_number(sheet, [item.question.id for item in version.items])
    return SheetResult(
        path=str(sheet.path),
        worksheet=str(worksheet_id),
        title=sheet.title,
        name=sheet.name,
        student_id=sheet.student_id,
        questions=tuple(_grade_item(item, slots.get(item.number)) for item in version.items),
    )


def _slots_by_number(sheet: AnswerSheet, expected_ids: list[str]) -> dict[int, Slot]:
    slots: dict[int, Slot] = {}
    for slot in sheet.slots:
        where = f"{sheet.path}:{slot.line}"
        if not 1 <= slot.number <= len(expected_ids):
            raise AnswerSheetError(
                f"{where}: question {slot.number} is not on worksheet {sheet.worksheet} "
                f"(it has questions 1 to {len(expected_ids)})"
            )
        if slot.number in slots:
            raise AnswerSheetError(f"{where}: question {slot.number} is answered twice")
        expected = expected_ids[slot.number - 1]
        if slot.question != expected:
            raise AnswerSheetError(
                f"{where}: question {slot.number} of worksheet {sheet.worksheet} is {expected}, "
                f"but the sheet says {slot.question}; was the sheet edited?"
            )
        slots[slot.number] = slot
    return slots


def _grade_item(item: Item, slot: Slot | None) -> QuestionResult:
    question = item.question
    spec = question.template.answer

    def result(correct: bool, message: str) -> QuestionResult:
        return QuestionResult(
            number=item.number,
            id=question.id,
            title=question.template.title,
            kind=question.kind.value,
            given=slot.answer if slot is not None else None,
            expected=item.answer,
            accepted=item.accepted,
            correct=correct,
            points=item.points if correct else 0,
            max_points=item.points,
            message=message,
            line=slot.line if slot is not None else None,
        )

    if slot is None:
        return result(False, "missing from the sheet")
    if slot.answer is None:
        return result(False, "no answer")
    parsed = parse_answer(question.kind, slot.answer, options=question.options)
    if isinstance(parsed, ParseFailure):
        return result(False, f"line {slot.line}: could not read the answer: {parsed.message}")
    verdict = check_answer(question.kind, item.truth.value, parsed.value, spec.tolerance)
    if verdict.correct:
        return result(True, "correct")
    return result(False, f"expected {verdict.expected}, got {verdict.given}")
